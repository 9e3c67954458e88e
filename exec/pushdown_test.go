package exec

import (
	"context"
	"testing"

	"github.com/kqlhunt/kqlhunt/kql"
)

// A where on a stored table's datetime column against a constant becomes
// a filter on the TIMESTAMP_NS column; the boundaries must be those of
// the KQL comparison on 100 ns ticks.
func TestTimeWindowPushdownBoundaries(t *testing.T) {
	ctx := context.Background()
	e, err := Open(ctx, Options{Now: testNow, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	// n = 1..5 at 12:00:00 - 200ns, -100ns, exactly, +100ns, +200ns; n = 6 null
	if _, err := e.DB().ExecContext(ctx, `CREATE TABLE "Events" AS
		SELECT CASE WHEN n < 6 THEN make_timestamp_ns(epoch_ns(TIMESTAMP_NS '2024-03-01 12:00:00') + (n - 3) * 100) END AS "Timestamp", n
		FROM range(1, 7) t(n)`); err != nil {
		t.Fatal(err)
	}
	e.SetSchema(&kql.Schema{Tables: map[string]*kql.Table{"Events": {Name: "Events", Columns: []kql.Column{
		{Name: "Timestamp", Type: kql.TDatetime}, {Name: "n", Type: kql.TLong}}}}})
	const at = "datetime(2024-03-01 12:00:00)"
	cases := []struct {
		where string
		want  int64 // sum of n over the kept rows
	}{
		{"Timestamp > " + at, 4 + 5},
		{"Timestamp >= " + at, 3 + 4 + 5},
		{"Timestamp < " + at, 1 + 2},
		{"Timestamp <= " + at, 1 + 2 + 3},
		{"Timestamp == " + at, 3},
		{at + " < Timestamp", 4 + 5},
		{"Timestamp between (" + at + " .. datetime(2024-03-01 12:00:00.0000001))", 3 + 4},
		{"Timestamp > " + at + " and n != 5", 4},
		{"Timestamp > ago(1d)", 1 + 2 + 3 + 4 + 5},
		{"Timestamp > ago(-1d)", 0},
		{"isnull(Timestamp) or Timestamp > " + at, 4 + 5 + 6},
	}
	for _, tc := range cases {
		r := query(t, e, "Events | where "+tc.where+" | summarize s = sum(n)")
		got, _ := r.Rows[0][0].(int64)
		if got != tc.want {
			t.Errorf("where %s: sum(n) = %v, want %d", tc.where, r.Rows[0][0], tc.want)
		}
	}
}
