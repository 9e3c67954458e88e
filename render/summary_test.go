package render

import (
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
)

func TestSummary(t *testing.T) {
	t0 := time.Date(2025, 6, 4, 8, 0, 0, 0, time.UTC)
	events := &exec.Result{
		Columns: []kql.Column{{Name: "Timestamp", Type: kql.TDatetime}, {Name: "DeviceName", Type: kql.TString}, {Name: "Id", Type: kql.TString}},
		Rows: [][]any{
			{t0.Add(3 * time.Hour), "fs01", "a"},
			{t0, "ws-fin-014", "b"},
			{t0.Add(time.Hour), "fs01", "c"},
			{nil, "fs01", "d"},
		},
	}
	// Four rows; the span runs from the earliest to the latest non-null
	// time; DeviceName repeats (2 values in 4 rows), Id does not.
	want := "4 rows.\n" +
		"Timestamp from 2025-06-04T08:00:00.0000000Z to 2025-06-04T11:00:00.0000000Z (3.0 hours).\n" +
		"DeviceName: fs01 (3), ws-fin-014 (1)."
	if got := Summary(events); got != want {
		t.Errorf("Summary =\n%s\nwant\n%s", got, want)
	}

	count := &exec.Result{Columns: []kql.Column{{Name: "Count", Type: kql.TLong}}, Rows: [][]any{{int64(9)}}}
	if got := Summary(count); got != "Count: 9." {
		t.Errorf("Summary(count) = %q", got)
	}
	groups := &exec.Result{
		Columns: []kql.Column{{Name: "Severity", Type: kql.TString}, {Name: "Count", Type: kql.TLong}},
		Rows:    [][]any{{"High", int64(6)}, {"Medium", int64(2)}, {"Informational", int64(1)}},
	}
	if got, want := Summary(groups), "3 rows.\nTotal Count: 9."; got != want {
		t.Errorf("Summary(groups) = %q, want %q", got, want)
	}
	if got := Summary(&exec.Result{Columns: count.Columns}); got != "No rows." {
		t.Errorf("Summary(empty) = %q", got)
	}
}

// The summary goes to a terminal: names and values from the data have
// their control characters escaped, and a value cannot add lines.
func TestSummaryEscapesControls(t *testing.T) {
	r := &exec.Result{
		Columns: []kql.Column{{Name: "Cmd\x1b[2J", Type: kql.TString}},
		Rows:    [][]any{{"a\x1b]0;x\x07\nb"}, {"a\x1b]0;x\x07\nb"}, {"c"}, {"a\x1b]0;x\x07\nb"}},
	}
	want := "4 rows.\n" + `Cmd\x1b[2J: a\x1b]0;x\x07\nb (3), c (1).`
	if got := Summary(r); got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
	one := &exec.Result{Columns: []kql.Column{{Name: "n\x07", Type: kql.TString}}, Rows: [][]any{{"\x9b31m"}}}
	if got, want := Summary(one), `n\x07: \x9b31m.`; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
}
