package hunttest

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
	"github.com/kqlhunt/kqlhunt/render"
)

// Options control a run.
type Options struct {
	Update bool      // write the expectations from the results instead of comparing
	JUnit  string    // when set, write a JUnit XML report to this file
	Out    io.Writer // progress and diffs; nil discards them
}

// Case is the outcome of one query file.
type Case struct {
	Name     string // file name without .kql
	File     string
	Passed   bool
	Updated  bool // the expectation was (re)written
	Ordered  bool // compared in order
	Rows     int
	Duration time.Duration
	Err      error  // the query failed, or the expectation could not be read
	Diff     string // the mismatch, when the rows differ
}

// Report is the outcome of a run.
type Report struct {
	Dir      string
	Cases    []Case
	Passed   int
	Failed   int
	Duration time.Duration
}

// OK reports whether every case passed.
func (r *Report) OK() bool { return r.Failed == 0 }

// Run runs every NAME.kql in dir through query and compares the result
// with NAME.expected.csv or NAME.expected.jsonl. The error is for problems
// with the folder itself (it cannot be read, has no queries, the JUnit file
// cannot be written); failing cases are in the report.
func Run(ctx context.Context, dir string, query func(ctx context.Context, src string) (*exec.Result, error), opts Options) (*Report, error) {
	out := opts.Out
	if out == nil {
		out = io.Discard
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.kql"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("hunttest: %w", err)
		}
		return nil, fmt.Errorf("hunttest: %s has no .kql files", dir)
	}
	sort.Strings(files)
	rep := &Report{Dir: dir}
	start := time.Now()
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		c := runCase(ctx, f, query, opts)
		rep.Cases = append(rep.Cases, c)
		switch {
		case c.Passed && c.Updated:
			rep.Passed++
			fmt.Fprintf(out, "updated %s (%d rows)\n", c.Name, c.Rows)
		case c.Passed:
			rep.Passed++
			fmt.Fprintf(out, "ok      %s (%d rows, %s)\n", c.Name, c.Rows, c.Duration.Round(time.Millisecond))
		default:
			rep.Failed++
			fmt.Fprintf(out, "FAIL    %s\n", c.Name)
			if c.Err != nil {
				fmt.Fprintf(out, "%s\n", indent(c.Err.Error()))
			}
			if c.Diff != "" {
				fmt.Fprint(out, indent(c.Diff))
			}
		}
	}
	rep.Duration = time.Since(start)
	fmt.Fprintf(out, "%d passed, %d failed (%s)\n", rep.Passed, rep.Failed, rep.Duration.Round(time.Millisecond))
	if opts.JUnit != "" {
		if err := writeJUnit(opts.JUnit, rep); err != nil {
			return rep, fmt.Errorf("hunttest: %w", err)
		}
	}
	return rep, nil
}

func indent(s string) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for _, l := range lines {
		if l == "" {
			continue
		}
		b.WriteString("    ")
		b.WriteString(l)
	}
	if !strings.HasSuffix(b.String(), "\n") {
		b.WriteByte('\n')
	}
	return b.String()
}

func runCase(ctx context.Context, file string, query func(context.Context, string) (*exec.Result, error), opts Options) Case {
	name := strings.TrimSuffix(filepath.Base(file), ".kql")
	c := Case{Name: name, File: file}
	src, err := os.ReadFile(file)
	if err != nil {
		c.Err = err
		return c
	}
	start := time.Now()
	res, err := query(ctx, string(src))
	c.Duration = time.Since(start)
	if err != nil {
		c.Err = fmt.Errorf("%s: %w", file, err)
		return c
	}
	c.Rows = len(res.Rows)
	ordered, known := QueryOrdered(string(src))
	if !known {
		ordered = res.Ordered
	}
	c.Ordered = ordered
	base := strings.TrimSuffix(file, ".kql")
	csvPath, jsonlPath := base+".expected.csv", base+".expected.jsonl"
	expPath, format := csvPath, "csv"
	if _, err := os.Stat(jsonlPath); err == nil {
		expPath, format = jsonlPath, "jsonl"
	}
	got := tableOf(res, format)
	if opts.Update {
		if err := os.WriteFile(expPath, got.encode(format), 0o644); err != nil {
			c.Err = err
			return c
		}
		c.Passed, c.Updated = true, true
		return c
	}
	data, err := os.ReadFile(expPath)
	if errors.Is(err, os.ErrNotExist) {
		c.Err = fmt.Errorf("no expectation %s (run with --update to write it)", filepath.Base(csvPath))
		return c
	}
	if err != nil {
		c.Err = err
		return c
	}
	want, err := decode(data, format)
	if err != nil {
		c.Err = fmt.Errorf("%s: %w", expPath, err)
		return c
	}
	c.Diff = compare(want, got, ordered)
	c.Passed = c.Diff == ""
	return c
}

// table is a result or an expectation in canonical text: a header of
// "Name:type" and rows of value texts (CSV) or canonical JSON (JSONL).
type table struct {
	header []string
	rows   [][]string
}

func tableOf(r *exec.Result, format string) table {
	t := table{header: make([]string, len(r.Columns))}
	for i, c := range r.Columns {
		t.header[i] = c.Name + ":" + string(c.Type)
	}
	for _, row := range r.Rows {
		vals := make([]string, len(row))
		for i, v := range row {
			if format == "jsonl" {
				b, _ := json.Marshal(render.JSONValue(r.Columns[i].Type, v))
				vals[i] = canonJSON(b)
			} else {
				vals[i] = render.FormatValue(r.Columns[i].Type, v)
			}
		}
		t.rows = append(t.rows, vals)
	}
	return t
}

func (t table) encode(format string) []byte {
	var b bytes.Buffer
	if format == "jsonl" {
		cols := make([]map[string]string, len(t.header))
		for i, h := range t.header {
			n, ty, _ := strings.Cut(h, ":")
			cols[i] = map[string]string{"name": n, "type": ty}
		}
		hb, _ := json.Marshal(map[string]any{"columns": cols})
		b.Write(hb)
		b.WriteByte('\n')
		for _, r := range t.rows {
			b.WriteString("[" + strings.Join(r, ",") + "]\n")
		}
		return b.Bytes()
	}
	w := csv.NewWriter(&b)
	w.Write(t.header)
	w.WriteAll(t.rows)
	return b.Bytes()
}

func decode(data []byte, format string) (table, error) {
	var t table
	if format == "jsonl" {
		lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
		var head struct {
			Columns []struct{ Name, Type string }
		}
		if err := json.Unmarshal([]byte(lines[0]), &head); err != nil || len(head.Columns) == 0 {
			return t, fmt.Errorf("line 1: want {\"columns\":[{\"name\":...,\"type\":...}]}")
		}
		for _, c := range head.Columns {
			t.header = append(t.header, c.Name+":"+c.Type)
		}
		for i, l := range lines[1:] {
			if strings.TrimSpace(l) == "" {
				continue
			}
			var vals []json.RawMessage
			if err := json.Unmarshal([]byte(l), &vals); err != nil {
				return t, fmt.Errorf("line %d: %v", i+2, err)
			}
			row := make([]string, len(vals))
			for j, v := range vals {
				row[j] = canonJSON(v)
			}
			t.rows = append(t.rows, row)
		}
		return t, nil
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return t, err
	}
	if len(recs) == 0 {
		return t, errors.New("empty file: want a header row")
	}
	t.header, t.rows = recs[0], recs[1:]
	// Reals in their canonical text: files written before reals kept a
	// fraction digit (2 for 2.0) or used Go's exponent form (1e+16 for
	// 1E+16) still match.
	for i, h := range t.header {
		if !strings.HasSuffix(h, ":real") {
			continue
		}
		for _, row := range t.rows {
			if i < len(row) && row[i] != "" {
				if f, err := strconv.ParseFloat(row[i], 64); err == nil {
					row[i] = render.FormatReal(f)
				}
			}
		}
	}
	return t, nil
}

// canonJSON re-marshals JSON text so equal values compare equal (object
// keys sorted, numbers kept exactly).
func canonJSON(b []byte) string {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var x any
	if d.Decode(&x) != nil {
		return string(b)
	}
	out, err := json.Marshal(canonNumbers(x))
	if err != nil {
		return string(b)
	}
	return string(out)
}

// canonNumbers turns JSON numbers into int64 when integral in their text
// and float64 otherwise, so 2.0 and 2 compare equal and longs stay exact.
func canonNumbers(x any) any {
	switch v := x.(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i
		}
		if f, err := v.Float64(); err == nil {
			if f == float64(int64(f)) && f > -1e15 && f < 1e15 {
				return int64(f)
			}
			return f
		}
		return v
	case []any:
		for i := range v {
			v[i] = canonNumbers(v[i])
		}
	case map[string]any:
		for k := range v {
			v[k] = canonNumbers(v[k])
		}
	}
	return x
}

func rowText(r []string) string {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(r)
	w.Flush()
	return strings.TrimRight(b.String(), "\n")
}

// compare returns "" when want and got are equal, else a readable diff.
func compare(want, got table, ordered bool) string {
	var b strings.Builder
	if strings.Join(want.header, ",") != strings.Join(got.header, ",") {
		fmt.Fprintf(&b, "columns differ:\n  want %s\n  got  %s\n", strings.Join(want.header, ", "), strings.Join(got.header, ", "))
		return b.String()
	}
	if ordered {
		return orderedDiff(want.rows, got.rows)
	}
	counts := map[string]int{}
	for _, r := range want.rows {
		counts[rowText(r)]++
	}
	for _, r := range got.rows {
		counts[rowText(r)]--
	}
	var missing, unexpected []string
	for _, r := range want.rows {
		k := rowText(r)
		if counts[k] > 0 {
			missing = append(missing, k)
			counts[k]--
		}
	}
	for _, r := range got.rows {
		k := rowText(r)
		if counts[k] < 0 {
			unexpected = append(unexpected, k)
			counts[k]++
		}
	}
	if len(missing) == 0 && len(unexpected) == 0 {
		return ""
	}
	fmt.Fprintf(&b, "rows differ (compared as a multiset; want %d rows, got %d):\n", len(want.rows), len(got.rows))
	for _, m := range missing {
		fmt.Fprintf(&b, "- %s\n", m)
	}
	for _, u := range unexpected {
		fmt.Fprintf(&b, "+ %s\n", u)
	}
	b.WriteString("(- missing from the result, + not in the expectation)\n")
	return b.String()
}

// orderedDiff is a line diff (longest common subsequence) of the rows.
func orderedDiff(want, got [][]string) string {
	a := make([]string, len(want))
	for i, r := range want {
		a[i] = rowText(r)
	}
	bb := make([]string, len(got))
	for i, r := range got {
		bb[i] = rowText(r)
	}
	if strings.Join(a, "\n") == strings.Join(bb, "\n") && len(a) == len(bb) {
		return ""
	}
	n, m := len(a), len(bb)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == bb[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "rows differ (compared in order; want %d rows, got %d):\n", n, m)
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == bb[j]:
			fmt.Fprintf(&b, "  %s\n", a[i])
			i++
			j++
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			fmt.Fprintf(&b, "+ %s\n", bb[j])
			j++
		default:
			fmt.Fprintf(&b, "- %s\n", a[i])
			i++
		}
	}
	b.WriteString("(- expected, + got)\n")
	return b.String()
}

// QueryOrdered reports whether a query fixes the order of its result: its
// last tabular statement ends in sort/order by, top, or serialize, possibly
// followed by operators that keep the order (where, project, extend, take,
// ...). known is false when the query does not parse.
func QueryOrdered(src string) (ordered, known bool) {
	q, err := kql.Parse(src)
	if err != nil || q == nil {
		return false, false
	}
	var last kql.Expr
	for _, s := range q.Stmts {
		if es, ok := s.(*kql.ExprStmt); ok {
			last = es.X
		}
	}
	p, ok := last.(*kql.PipeExpr)
	if !ok {
		return false, true
	}
	for i := len(p.Ops) - 1; i >= 0; i-- {
		switch p.Ops[i].(type) {
		case *kql.SortOp, *kql.TopOp, *kql.SerializeOp:
			return true, true
		case *kql.WhereOp, *kql.ProjectOp, *kql.ProjectAwayOp, *kql.ProjectKeepOp, *kql.ProjectRenameOp,
			*kql.ProjectReorderOp, *kql.ExtendOp, *kql.TakeOp:
			continue
		}
		return false, true
	}
	return false, true
}

// JUnit XML.
type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func writeJUnit(path string, rep *Report) error {
	s := junitSuite{Name: "kqlhunt " + rep.Dir, Tests: len(rep.Cases), Time: secs(rep.Duration)}
	for _, c := range rep.Cases {
		jc := junitCase{Name: c.Name, Classname: "kqlhunt." + filepath.Base(filepath.Clean(rep.Dir)), Time: secs(c.Duration)}
		switch {
		case c.Err != nil:
			s.Errors++
			jc.Error = &junitFailure{Message: firstLine(c.Err.Error()), Type: "error", Text: c.Err.Error()}
		case !c.Passed:
			s.Failures++
			jc.Failure = &junitFailure{Message: "result differs from " + c.Name + ".expected", Type: "mismatch", Text: c.Diff}
		}
		s.Cases = append(s.Cases, jc)
	}
	b, err := xml.MarshalIndent(junitSuites{Suites: []junitSuite{s}}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append([]byte(xml.Header), append(b, '\n')...), 0o644)
}

func secs(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
