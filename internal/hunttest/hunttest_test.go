package hunttest

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
)

// fakeEngine answers queries from a table of results keyed by query text,
// so the tests exercise hunttest alone.
type fakeEngine map[string]*exec.Result

func (f fakeEngine) query(_ context.Context, src string) (*exec.Result, error) {
	r, ok := f[strings.TrimSpace(src)]
	if !ok {
		return nil, errors.New("1:1: unknown table")
	}
	return r, nil
}

var ts = time.Date(2024, 5, 1, 10, 22, 33, 123_456_700, time.UTC)

func engine() fakeEngine {
	cols := []kql.Column{{Name: "DeviceName", Type: kql.TString}, {Name: "Count", Type: kql.TLong},
		{Name: "Last", Type: kql.TDatetime}, {Name: "Extra", Type: kql.TDynamic}, {Name: "Ratio", Type: kql.TReal}}
	rows := [][]any{
		{"ws-01", int64(3), ts, exec.Dynamic(`{"b":1,"a":"x, y"}`), 0.5},
		{"ws-02", int64(1), nil, nil, nil},
		{"ws-03", int64(7), ts.Add(time.Hour), exec.Dynamic(`[1,2]`), 2.0},
	}
	reversed := [][]any{rows[2], rows[1], rows[0]}
	return fakeEngine{
		"T | summarize Count = count() by DeviceName":                       {Columns: cols, Rows: rows},
		"T | summarize Count = count() by DeviceName | sort by Count desc":  {Columns: cols, Rows: reversed, Ordered: true},
		"T | summarize Count = count() by DeviceName | order by Count desc": {Columns: cols, Rows: rows, Ordered: true},
	}
}

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRunUpdateThenPass(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a_counts.kql", "T | summarize Count = count() by DeviceName\n")
	writeFile(t, dir, "b_sorted.kql", "T | summarize Count = count() by DeviceName | sort by Count desc\n")
	ctx := context.Background()
	f := engine()

	// No expectations yet: every case fails and says how to write them.
	rep, err := Run(ctx, dir, f.query, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.Failed != 2 || !strings.Contains(rep.Cases[0].Err.Error(), "--update") {
		t.Fatalf("without expectations: %+v", rep)
	}
	// --update writes them and passes.
	rep, err = Run(ctx, dir, f.query, Options{Update: true})
	if err != nil || !rep.OK() {
		t.Fatalf("update: %v %+v", err, rep)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "a_counts.expected.csv"))
	want := "DeviceName:string,Count:long,Last:datetime,Extra:dynamic,Ratio:real\n" +
		"ws-01,3,2024-05-01T10:22:33.1234567Z,\"{\"\"b\"\":1,\"\"a\"\":\"\"x, y\"\"}\",0.5\n" +
		"ws-02,1,,,\n" +
		"ws-03,7,2024-05-01T11:22:33.1234567Z,\"[1,2]\",2.0\n"
	if string(got) != want {
		t.Errorf("expectation file:\n%s\nwant:\n%s", got, want)
	}
	// And the folder passes as is.
	var out bytes.Buffer
	rep, err = Run(ctx, dir, f.query, Options{Out: &out})
	if err != nil || !rep.OK() || rep.Passed != 2 {
		t.Fatalf("rerun: %v %+v\n%s", err, rep, out.String())
	}
	if !rep.Cases[1].Ordered || rep.Cases[0].Ordered {
		t.Errorf("ordered detection: %v %v", rep.Cases[0].Ordered, rep.Cases[1].Ordered)
	}
}

// Rows compare as a multiset; a real written in the older text form (2
// for 2.0) still matches.
func TestRunMultisetIgnoresOrder(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "q.kql", "T | summarize Count = count() by DeviceName")
	writeFile(t, dir, "q.expected.csv", "DeviceName:string,Count:long,Last:datetime,Extra:dynamic,Ratio:real\n"+
		"ws-03,7,2024-05-01T11:22:33.1234567Z,\"[1,2]\",2\n"+
		"ws-02,1,,,\n"+
		"ws-01,3,2024-05-01T10:22:33.1234567Z,\"{\"\"b\"\":1,\"\"a\"\":\"\"x, y\"\"}\",0.5\n")
	rep, err := Run(context.Background(), dir, engine().query, Options{})
	if err != nil || !rep.OK() {
		t.Fatalf("%v %+v", err, rep)
	}
}

func TestRunChangedExpectationFailsWithDiff(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "q.kql", "T | summarize Count = count() by DeviceName")
	writeFile(t, dir, "q.expected.csv", "DeviceName:string,Count:long,Last:datetime,Extra:dynamic,Ratio:real\n"+
		"ws-01,3,2024-05-01T10:22:33.1234567Z,\"{\"\"b\"\":1,\"\"a\"\":\"\"x, y\"\"}\",0.5\n"+
		"ws-02,2,,,\n"+
		"ws-03,7,2024-05-01T11:22:33.1234567Z,\"[1,2]\",2\n"+
		"ws-03,7,2024-05-01T11:22:33.1234567Z,\"[1,2]\",2\n")
	junit := filepath.Join(dir, "junit.xml")
	var out bytes.Buffer
	rep, err := Run(context.Background(), dir, engine().query, Options{Out: &out, JUnit: junit})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() {
		t.Fatal("changed expectation passed")
	}
	diff := rep.Cases[0].Diff
	for _, want := range []string{"want 4 rows, got 3", "- ws-02,2,,,", "- ws-03,7,", "+ ws-02,1,,,"} {
		if !strings.Contains(diff, want) {
			t.Errorf("diff lacks %q:\n%s", want, diff)
		}
	}
	if strings.Contains(diff, "ws-01") {
		t.Errorf("diff lists a matching row:\n%s", diff)
	}
	if !strings.Contains(out.String(), "FAIL    q") || !strings.Contains(out.String(), "0 passed, 1 failed") {
		t.Errorf("output:\n%s", out.String())
	}
	// JUnit XML names the failure.
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var suites junitSuites
	if err := xml.Unmarshal(data, &suites); err != nil {
		t.Fatal(err)
	}
	s := suites.Suites[0]
	if s.Tests != 1 || s.Failures != 1 || s.Cases[0].Failure == nil || !strings.Contains(s.Cases[0].Failure.Text, "+ ws-02,1,,,") {
		t.Errorf("junit: %s", data)
	}
	// --update makes it pass again.
	if rep, err := Run(context.Background(), dir, engine().query, Options{Update: true}); err != nil || !rep.OK() {
		t.Fatal(err)
	}
	if rep, err := Run(context.Background(), dir, engine().query, Options{}); err != nil || !rep.OK() {
		t.Fatalf("after update: %v %+v", err, rep)
	}
}

func TestRunOrderedComparesOrder(t *testing.T) {
	dir := t.TempDir()
	// The result is in the order ws-03, ws-02, ws-01; the expectation
	// lists the same rows in another order, which fails for a sorted query.
	writeFile(t, dir, "q.kql", "T | summarize Count = count() by DeviceName | sort by Count desc")
	writeFile(t, dir, "q.expected.csv", "DeviceName:string,Count:long,Last:datetime,Extra:dynamic,Ratio:real\n"+
		"ws-01,3,2024-05-01T10:22:33.1234567Z,\"{\"\"b\"\":1,\"\"a\"\":\"\"x, y\"\"}\",0.5\n"+
		"ws-02,1,,,\n"+
		"ws-03,7,2024-05-01T11:22:33.1234567Z,\"[1,2]\",2\n")
	rep, err := Run(context.Background(), dir, engine().query, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || !strings.Contains(rep.Cases[0].Diff, "compared in order") {
		t.Fatalf("order not compared: %+v", rep.Cases[0])
	}
}

func TestRunJSONLExpectation(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "q.kql", "T | summarize Count = count() by DeviceName | order by Count desc")
	writeFile(t, dir, "q.expected.jsonl", `{"columns":[{"name":"DeviceName","type":"string"},{"name":"Count","type":"long"},{"name":"Last","type":"datetime"},{"name":"Extra","type":"dynamic"},{"name":"Ratio","type":"real"}]}`+"\n"+
		`["ws-01", 3, "2024-05-01T10:22:33.1234567Z", {"a": "x, y", "b": 1}, 0.5]`+"\n"+
		`["ws-02", 1, null, null, null]`+"\n"+
		`["ws-03", 7, "2024-05-01T11:22:33.1234567Z", [1, 2], 2.0]`+"\n")
	rep, err := Run(context.Background(), dir, engine().query, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("jsonl: %+v", rep.Cases[0])
	}
}

func TestRunQueryError(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "bad.kql", "Nope | take 1")
	writeFile(t, dir, "bad.expected.csv", "x:long\n")
	rep, err := Run(context.Background(), dir, engine().query, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.Cases[0].Err == nil || !strings.Contains(rep.Cases[0].Err.Error(), "unknown table") {
		t.Fatalf("%+v", rep.Cases[0])
	}
	if _, err := Run(context.Background(), t.TempDir(), engine().query, Options{}); err == nil {
		t.Error("an empty folder ran")
	}
}

func TestQueryOrdered(t *testing.T) {
	cases := []struct {
		src     string
		ordered bool
	}{
		{"T | where x > 1", false},
		{"T | sort by x", true},
		{"T | order by x desc | project x", true},
		{"T | top 5 by x", true},
		{"T | sort by x | take 3", true},
		{"T | sort by x | summarize count() by y", false},
		{"let a = T | sort by x; a | where y == 1", false},
		{"T | serialize | extend n = row_number()", true},
		{"T | sort by x | join (U) on y", false},
	}
	for _, c := range cases {
		got, known := QueryOrdered(c.src)
		if !known {
			t.Errorf("%q did not parse", c.src)
			continue
		}
		if got != c.ordered {
			t.Errorf("QueryOrdered(%q) = %v, want %v", c.src, got, c.ordered)
		}
	}
}
