package exec

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// top over a stored table is done on the stored columns (so DuckDB can use
// its top-N over row-group statistics) and must keep KQL's semantics:
// descending by default with nulls last, `asc` with nulls first, ties
// broken by the next key, and the datetime values unchanged.
func TestTopOnStoredTable(t *testing.T) {
	ctx := context.Background()
	e, err := Open(ctx, Options{Now: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, err := e.DB().ExecContext(ctx, `CREATE TABLE "Ev" ("Timestamp" TIMESTAMP_NS, "N" BIGINT, "S" VARCHAR);
		INSERT INTO "Ev" VALUES
		('2024-01-01 00:00:00.0000001', 1, 'a'),
		('2024-01-01 00:00:00.0000003', 2, 'b'),
		(NULL, 3, 'c'),
		('2024-01-01 00:00:00.0000002', 2, 'd'),
		('2024-01-01 00:00:00.0000003', 5, 'e')`); err != nil {
		t.Fatal(err)
	}
	e.SetSchema(&kql.Schema{Tables: map[string]*kql.Table{"Ev": {Name: "Ev", Columns: []kql.Column{
		{Name: "Timestamp", Type: kql.TDatetime}, {Name: "N", Type: kql.TLong}, {Name: "S", Type: kql.TString}}}}})
	if err := e.Lockdown(ctx); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		q    string
		want string // S values in result order
	}{
		{"Ev | top 3 by Timestamp, N", "e b d"},           // desc, ties by N desc
		{"Ev | top 2 by Timestamp asc", "c a"},            // asc: null first
		{"Ev | top 2 by Timestamp asc nulls last", "a d"}, // explicit nulls last
		{"Ev | top 10 by N asc, Timestamp", "a b d c e"},  // all rows
		{"Ev | top 1 by Timestamp desc nulls first", "c"}, // explicit nulls first
	}
	for _, tt := range tests {
		prog, err := e.Compile(tt.q)
		if err != nil {
			t.Fatalf("%s: %v", tt.q, err)
		}
		if !strings.Contains(prog.SQL, `FROM (SELECT * FROM "Ev" `) || !strings.Contains(prog.SQL, `ORDER BY "Timestamp"`) && !strings.Contains(prog.SQL, `ORDER BY "N"`) {
			t.Errorf("%s: top-N is not done on the stored table:\n%s", tt.q, prog.SQL)
		}
		res, err := e.Query(ctx, tt.q)
		if err != nil {
			t.Fatalf("%s: %v", tt.q, err)
		}
		var got []string
		for _, row := range res.Rows {
			got = append(got, row[2].(string))
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%s = %v, want %s", tt.q, got, tt.want)
		}
	}
	// The datetime keeps its 100 ns precision through the stored top-N.
	res, err := e.Query(ctx, "Ev | top 1 by Timestamp asc nulls last | project Timestamp")
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Rows[0][0].(time.Time); got.Nanosecond() != 100 {
		t.Errorf("Timestamp = %v, want .0000001", got)
	}
}

// A filter that reads a datetime column, or a column the read adds, stays
// over the converted rows, and top then sorts the converted rows.
func TestTopAfterDatetimeFilter(t *testing.T) {
	schema := &kql.Schema{Tables: map[string]*kql.Table{"Ev": {Name: "Ev", Columns: []kql.Column{
		{Name: "Timestamp", Type: kql.TDatetime}, {Name: "N", Type: kql.TLong}}}}}
	prog, err := Compile(mustParse(t, "Ev | where Timestamp != datetime(2024-01-01) | top 2 by N"), CompileOptions{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(prog.SQL, `FROM (SELECT * FROM "Ev" `) {
		t.Errorf("a datetime filter was moved onto the stored table:\n%s", prog.SQL)
	}
}

func mustParse(t *testing.T, src string) *kql.Query {
	t.Helper()
	q, err := kql.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	return q
}
