package hunttest

import (
	"context"
	"flag"
	"os"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/fixtures"
)

var update = flag.Bool("update", false, "rewrite the expectations of ../../hunts")

// huntsNow pins the clock for the hunts folder. The sample dataset ends at
// the clock, and the hunts print no absolute times, so any instant gives
// the same results; a fixed one keeps runs reproducible.
var huntsNow = time.Date(2025, 6, 7, 18, 0, 0, 0, time.UTC)

// sampleEngine opens an engine on the sample dataset.
func sampleEngine(t testing.TB) *exec.Engine {
	t.Helper()
	ctx := context.Background()
	e, err := exec.Open(ctx, exec.Options{Now: huntsNow})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	s, err := fixtures.Load(ctx, e.DB(), "", huntsNow)
	if err != nil {
		t.Fatal(err)
	}
	e.SetSchema(s)
	if err := e.Lockdown(ctx); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestHunts runs the project's hunting queries (../../hunts) on the sample
// dataset, as `make test` does through `kqlhunt test hunts`.
func TestHunts(t *testing.T) {
	e := sampleEngine(t)
	rep, err := Run(context.Background(), "../../hunts", e.Query, Options{Update: *update, Out: testWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Errorf("%d of %d hunts failed", rep.Failed, len(rep.Cases))
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}

// TestScratch runs the queries of $KQLHUNT_SCRATCH (one per blank-line
// separated block) and prints their results; for writing hunts.
func TestScratch(t *testing.T) {
	path := os.Getenv("KQLHUNT_SCRATCH")
	if path == "" {
		t.Skip("set KQLHUNT_SCRATCH to a file of queries")
	}
	e := sampleEngine(t)
	data, _ := os.ReadFile(path)
	for _, q := range splitBlocks(string(data)) {
		r, err := e.Query(context.Background(), q)
		if err != nil {
			t.Logf("QUERY %s\nERROR %v", q, err)
			continue
		}
		tab := tableOf(r, "csv")
		out := string(tab.encode("csv"))
		t.Logf("QUERY %s\n%d rows\n%s", q, len(r.Rows), out)
	}
}

func splitBlocks(s string) []string {
	var out []string
	cur := ""
	for _, l := range append(splitLines(s), "") {
		if l == "" {
			if cur != "" {
				out = append(out, cur)
			}
			cur = ""
			continue
		}
		cur += l + "\n"
	}
	return out
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
