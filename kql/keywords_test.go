package kql

import (
	"strings"
	"testing"
)

// TestDeclaredNameKeywords: which keywords Kusto accepts unbracketed as
// declared names. Expected outcomes are Kusto's: the conformance cases
// r1-dynamic-json-0013 (`extend first = d[0]`), reg2-l-negidx (`extend
// last = d[-1]`), r1-dynamic-json-0025 (`extend asc = ...`),
// r1-dynamic-json-0039 (`extend missing = ...`), r3-window-series-scan-0011
// (`scan declare (last:long=0)`), r2-parse-search-0042 (`parse ... from:string`),
// all rejected by the Kusto engine, and Kusto.Language's binder, which
// reports "The name 'first' needs to be bracketed as ['first']" for the
// rejected ones and accepts the others.
func TestDeclaredNameKeywords(t *testing.T) {
	for _, tc := range []struct {
		src, bad string // bad: the name reported, "" when Kusto accepts the query
	}{
		{`print first = 1`, "first"},
		{`print x = 1 | extend last = x`, "last"},
		{`datatable(k:long, t:long)[1, 2] | summarize first = min(t), last = max(t) by k`, "first"},
		{`datatable(k:long, t:long)[1, 2] | summarize ['first'] = min(t), ['last'] = max(t) by k`, ""},
		{`print d = dynamic([5, 3]) | extend asc = array_sort_asc(d)`, "asc"},
		{`print d = dynamic({"a": 1}) | extend missing = d.b`, "missing"},
		{`print a = 1 | project string = a`, "string"},
		{`datatable(time:long)[1]`, "time"},
		{`let last = 1; print x = 1`, "last"},
		{`range first from 1 to 2 step 1`, "first"},
		{`print d = dynamic([1]) | mv-expand last = d`, "last"},
		{`print s = "1" | parse-kv s as (true:bool) with (pair_delimiter=";", kv_delimiter="=")`, "true"},
		{`datatable(t:long, v:long)[1, 0] | sort by t asc | scan declare (last:long=0) with (step s: true => ['last'] = v;)`, "last"},
		{`datatable(s:string)["from=a"] | parse s with "from=" from:string`, "from"},
		// soft keywords: Kusto accepts them as declared names
		{`print has = 1, count = 2, where = 3, from = 4, step = 5, with = 6, on = 7, nulls = 8`, ""},
		{`print a = 1 | extend title = a, in = a, contains = a, of = a, to = a, by = a`, ""},
		{`print a = 1 | summarize where = count(), has = count() by a`, ""},
		{`print bool = 1, guid = 2, type = 3, let = 4, range = 5, evaluate = 6`, ""},
		{`datatable(has:long, from:long)[1, 2]`, ""},
		{`let range = 1; print x = range`, ""},
		// a soft keyword declared as a column must be bracketed where it is
		// used: r3-null-and-edge-0024 (`extend has = ... | project v, has`)
		// and r3-nested-pipelines-let-cte-0034 (`project from, where, select`)
		// are rejected by the Kusto engine
		{`print ['has'] = 1 | project has`, "has"},
		{`print ['where'] = 1 | where where == 1`, "where"},
		{`print ['title'] = 1 | extend y = title + 1`, "title"},
		{`print from = 1, step = 2, select = 3 | project from, step, select | sort by from`, ""},
		{`print ['kind'] = 1 | where kind == 1`, ""},
		// let and range variables reserve a few more
		{`let has = 1; print x = 1`, "has"},
		{`range to from 1 to 2 step 1`, "to"},
	} {
		_, _, errs := checkText(t, tc.src)
		var got string
		for _, e := range errs {
			if strings.HasSuffix(e.Msg, "is a keyword") {
				got = tc.src[e.Span.Start:e.Span.End]
				if want := "write ['" + got + "'] to use it as a name"; e.Hint != want {
					t.Errorf("%s: hint %q, want %q", tc.src, e.Hint, want)
				}
				break
			}
		}
		if got != tc.bad {
			t.Errorf("%s: keyword error at %q, want %q (errors: %v)", tc.src, got, tc.bad, errs)
		}
	}
}

// TestFmtBracketsKeywordNames: fmt keeps the brackets of a name Kusto
// reserves, so its output still parses and checks to the same columns.
func TestFmtBracketsKeywordNames(t *testing.T) {
	for _, src := range []string{
		`print ['first'] = 1, ['last'] = 2, ['missing'] = 3, ['string'] = 4`,
		`datatable(k:long, t:long)[1, 2] | summarize ['first'] = min(t), ['last'] = max(t) by k`,
		`let ['last'] = 1; print x = ['last']`,
		`datatable(['time']:long, ['asc']:long)[1, 2] | extend ['desc'] = ['asc']`,
	} {
		q, err := Parse(src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		out := Format(q)
		for _, w := range []string{"first", "last", "missing", "string", "time", "asc", "desc"} {
			if strings.Contains(src, "['"+w+"']") && !strings.Contains(out, `["`+w+`"]`) {
				t.Errorf("fmt %s:\n%s\nlost the brackets of %q", src, out, w)
			}
		}
		q2, info2, errs := checkText(t, out)
		if len(errs) > 0 {
			t.Errorf("fmt output %q: %v", out, errs)
		}
		q1, info1, _ := checkText(t, src)
		if a, b := colNames(lastResult(q1, info1)), colNames(lastResult(q2, info2)); a != b || a == "" {
			t.Errorf("fmt %s: columns %s, after fmt %s", src, a, b)
		}
	}
}

func colNames(cols []Column) string {
	var ns []string
	for _, c := range cols {
		ns = append(ns, c.Name)
	}
	return strings.Join(ns, ",")
}
