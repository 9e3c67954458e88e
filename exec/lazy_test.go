package exec

import (
	"context"
	"database/sql"
	"slices"
	"testing"

	"github.com/kqlhunt/kqlhunt/kql"
)

// With a TableLoader, tables are created when a query first reads them;
// the lockdown still takes effect before any query runs, after the
// loader's first call.
func TestTableLoaderLazyAndLocked(t *testing.T) {
	ctx := context.Background()
	e, err := Open(ctx, Options{Now: testNow, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	e.SetSchema(&kql.Schema{Tables: map[string]*kql.Table{
		"A": {Name: "A", Columns: []kql.Column{{Name: "x", Type: kql.TLong}}},
		"B": {Name: "B", Columns: []kql.Column{{Name: "y", Type: kql.TLong}}},
	}})
	var calls [][]string
	var lockedAtCall []bool
	e.SetTableLoader(func(ctx context.Context, db *sql.DB, tables []string) error {
		calls = append(calls, tables)
		var v string
		if err := db.QueryRowContext(ctx, "SELECT current_setting('lock_configuration')").Scan(&v); err != nil {
			return err
		}
		lockedAtCall = append(lockedAtCall, v == "true")
		for _, n := range tables {
			col := map[string]string{"A": "x", "B": "y"}[n]
			if _, err := db.ExecContext(ctx, `CREATE VIEW "`+n+`" AS SELECT CAST(i AS BIGINT) AS "`+col+`" FROM range(3) t(i)`); err != nil {
				return err
			}
		}
		return nil
	})
	if err := e.Lockdown(ctx); err != nil {
		t.Fatal(err)
	}
	query(t, e, "print 1")
	var ext string
	if err := e.DB().QueryRowContext(ctx, "SELECT current_setting('enable_external_access')").Scan(&ext); err != nil {
		t.Fatal(err)
	}
	if ext != "false" {
		t.Fatalf("enable_external_access = %s after the first query, want false", ext)
	}
	if r := query(t, e, "A | summarize s = sum(x)"); r.Rows[0][0] != int64(3) {
		t.Errorf("sum(x) = %v, want 3", r.Rows[0][0])
	}
	query(t, e, "A | join kind=inner (B | project x = y) on x")
	query(t, e, "A | count")
	want := [][]string{nil, {"A"}, {"B"}}
	if len(calls) != len(want) || calls[0] != nil || !slices.Equal(calls[1], want[1]) || !slices.Equal(calls[2], want[2]) {
		t.Errorf("loader calls = %v, want %v", calls, want)
	}
	if !slices.Equal(lockedAtCall, []bool{false, true, true}) {
		t.Errorf("locked at loader calls = %v, want [false true true]", lockedAtCall)
	}
}
