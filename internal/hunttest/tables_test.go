package hunttest

import (
	"context"
	"testing"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/fixtures"
	"github.com/kqlhunt/kqlhunt/kql"
)

// lazySampleEngine opens the sample the way the command line does: tables
// created when a query first reads them, after the lockdown.
func lazySampleEngine(t *testing.T) *exec.Engine {
	t.Helper()
	ctx := context.Background()
	e, err := exec.Open(ctx, exec.Options{Now: huntsNow})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	s, load, err := fixtures.LoadLazy(ctx, e.DB(), "", huntsNow)
	if err != nil {
		t.Fatal(err)
	}
	e.SetSchema(s)
	e.SetTableLoader(load)
	if err := e.Lockdown(ctx); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestEverySchemaTableOnSample: every table of the embedded schema, the
// Defender and the Sentinel ones, answers `T | take 0` on the sample with
// the schema's columns, and the tables the sample fills have rows.
func TestEverySchemaTableOnSample(t *testing.T) {
	e := lazySampleEngine(t)
	ah := kql.AdvancedHunting()
	if got, want := len(e.Schema().Tables), len(ah.Tables); got != want {
		t.Errorf("the sample has %d tables, the schema %d", got, want)
	}
	filled := map[string]bool{}
	for _, n := range fixtures.SampleTables {
		filled[n] = true
	}
	ctx := context.Background()
	for _, name := range ah.TableNames() {
		r, err := e.Query(ctx, "['"+name+"'] | take 0")
		if err != nil {
			t.Errorf("%s | take 0: %v", name, err)
			continue
		}
		want, _ := ah.Table(name)
		if len(r.Columns) != len(want.Columns) || len(r.Rows) != 0 {
			t.Errorf("%s | take 0: %d columns, %d rows; want %d columns, no rows", name, len(r.Columns), len(r.Rows), len(want.Columns))
			continue
		}
		for i, c := range want.Columns {
			if r.Columns[i] != c {
				t.Errorf("%s column %d: %+v, want %+v", name, i, r.Columns[i], c)
			}
		}
		r, err = e.Query(ctx, name+" | count")
		if err != nil {
			t.Errorf("%s | count: %v", name, err)
			continue
		}
		n, _ := r.Rows[0][0].(int64)
		if filled[name] != (n > 0) {
			t.Errorf("%s: %d rows; the sample fills it: %v", name, n, filled[name])
		}
	}
}
