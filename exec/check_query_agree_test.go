package exec

import (
	"regexp"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/kql"
)

// TestCheckQueryAgree: what issue 13 found check passing and query
// refusing. Each query is accepted by Kusto.Language's binder (the
// referee); expected values come from the Kusto documentation
// (range(): start, stop, step, 1h by default for datetimes; rand(): a real
// in [0, 1), rand(N) an integer 0..N-1; new_guid(): a random guid) and the
// conversion rules of kql-semantics.md §3 (tobool accepts true/false in
// any case and 1/0).
func TestCheckQueryAgree(t *testing.T) {
	e := openLocked(t)
	for _, tc := range []struct {
		src, cols string
		rows      []string // each row as fmt-ed values joined by " "; "~re" matches a regexp
		errMsg    string
	}{
		// a string compared with a typed value is converted to its type
		{src: `datatable(b:bool)[true, false] | where b == "0"`, cols: "b", rows: []string{"false"}},
		{src: `datatable(b:bool)[true, false] | where b == "true"`, cols: "b", rows: []string{"true"}},
		{src: `datatable(b:bool)[true, false] | where b != "False"`, cols: "b", rows: []string{"true"}},
		{src: `datatable(n:long)[1, 2] | where n == "2"`, cols: "n", rows: []string{"2"}},
		{src: `datatable(s:string)["1", "x"] | where s == 1`, cols: "s", rows: []string{"1"}},
		// table(name) with a let-bound name
		{src: `let T = datatable(x:long)[7]; let name = "T"; table(name)`, cols: "x", rows: []string{"7"}},
		// range() over datetimes
		{src: `print r = range(datetime(2024-01-01), datetime(2024-01-03), 1d)`, cols: "r",
			rows: []string{`["2024-01-01T00:00:00.0000000Z","2024-01-02T00:00:00.0000000Z","2024-01-03T00:00:00.0000000Z"]`}},
		{src: `print r = array_length(range(datetime(2024-01-01), datetime(2024-01-01 02:00)))`, cols: "r", rows: []string{"3"}},
		{src: `range d from datetime(2024-01-01) to datetime(2024-01-02) step 12h`, cols: "d",
			rows: []string{"~^2024-01-01 00:00:00", "~^2024-01-01 12:00:00", "~^2024-01-02 00:00:00"}},
		// a named argument inside an aggregate is its value
		{src: `datatable(k:long, v:long)[1, 2, 1, 3] | summarize make_list_if(v, IsBig = v > 2) by k`, cols: "k,list_v", rows: []string{"1 [3]"}},
		// new_guid() and rand()
		{src: `print g = new_guid() | extend ok = tostring(g) matches regex "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$" | project ok`, cols: "ok", rows: []string{"true"}},
		{src: `range i from 1 to 200 step 1 | extend g = new_guid(), r = rand(), n = rand(3) | summarize dcount(g), countif(r < 0 or r >= 1), countif(n < 0 or n > 2 or n != floor(n, 1)), dcount(n)`,
			cols: "dcount_g,countif_,countif_1,dcount_n", rows: []string{"200 0 0 3"}},
		// argument types the writers need, refused by both alike
		{src: `print r = range(datetime(2024-01-01), datetime(2024-01-03), 1)`, errMsg: "range() over datetimes needs a timespan step, found long"},
		{src: `print r = rand(1.5)`, errMsg: "rand() takes an integer, found real"},
		// rejected by the Kusto engine: prev() inside scan
		// (r1-window-series-scan-0017), an offset below 1 (probe-0003), two
		// parse columns without a delimiter (r2-parse-search-0033)
		{src: `datatable(t:long, v:long)[1, 5, 2, 3] | sort by t asc | scan declare (cum:long=0) with (step s: true => cum = iff(v != prev(v), v, 0);)`, errMsg: kql.WindowInScanMessage("prev")},
		{src: `datatable(x:long)[1, 2, 3] | sort by x asc | serialize p0 = prev(x, 0)`, errMsg: "prev(): the offset must be at least 1"},
		{src: `datatable(s:string)["x1y2"] | parse kind=regex s with c1:string n1:long`, errMsg: `parse: columns "c1" and "n1" need a delimiter between them`},
		// repeat() of a dynamic value: Kusto refuses it (r3-dynamic-json-0022)
		{src: `print d = dynamic({"a": 1}) | extend big = repeat(d, 3)`, errMsg: kql.RepeatDynamicMessage},
		// a function kqlhunt cannot run: the same error in both
		{src: `print g = geo_info_from_ip_address("8.8.8.8")`, errMsg: `function "geo_info_from_ip_address" is not supported: it needs a GeoIP database, which kqlhunt does not ship`},
	} {
		cols, r, cerr, qerr := checkAndQuery(t, e, tc.src)
		if tc.errMsg != "" {
			if cerr == nil || qerr == nil || cerr.Msg != tc.errMsg || qerr.Msg != tc.errMsg || cerr.Span != qerr.Span {
				t.Errorf("%s: check %v, query %v; want both %q at the same place", tc.src, cerr, qerr, tc.errMsg)
			}
			continue
		}
		if cerr != nil || qerr != nil {
			t.Errorf("%s: check %v, query %v", tc.src, cerr, qerr)
			continue
		}
		if got := columnList(cols); got != tc.cols {
			t.Errorf("%s: check's columns %s, want %s", tc.src, got, tc.cols)
		}
		if got := columnList(r.Columns); got != tc.cols {
			t.Errorf("%s: query's columns %s, want %s", tc.src, got, tc.cols)
		}
		var got []string
		for _, row := range r.Rows {
			got = append(got, rowText(row))
		}
		if len(got) != len(tc.rows) {
			t.Errorf("%s: rows %q, want %q", tc.src, got, tc.rows)
			continue
		}
		for i, want := range tc.rows {
			if strings.HasPrefix(want, "~") {
				if !regexp.MustCompile(want[1:]).MatchString(got[i]) {
					t.Errorf("%s: row %d %q does not match %s", tc.src, i, got[i], want[1:])
				}
			} else if got[i] != want {
				t.Errorf("%s: row %d %q, want %q", tc.src, i, got[i], want)
			}
		}
	}
}
