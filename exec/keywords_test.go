package exec

import (
	"fmt"
	"strings"
	"testing"
)

// TestSoftKeywordNames: the keywords Kusto accepts as declared column
// names run (Kusto.Language binds `print has = 1`, `extend where = ...`,
// `summarize where = count()`), and bracketed reserved ones run under
// their own names: `summarize ['first'] = min(t), ['last'] = max(t) by k`
// returns the columns k, first, last (the documented naming rule: an
// assigned name is the column name).
func TestSoftKeywordNames(t *testing.T) {
	e := openLocked(t)
	for _, tc := range []struct{ src, cols, row string }{
		{`print has = 1, count = 2, where = 3, from = 4`, "has,count,where,from", "[1 2 3 4]"},
		{`print a = 1 | extend title = a + 1, in = a + 2, to = a + 3, by = a + 4`, "a,title,in,to,by", "[1 2 3 4 5]"},
		{`datatable(k:long, t:long)[1, 5, 1, 2, 1, 9] | summarize ['first'] = min(t), ['last'] = max(t), where = count() by k`, "k,first,last,where", "[1 2 9 3]"},
		{`print ['missing'] = 1 | extend ['string'] = tostring(['missing'])`, "missing,string", "[1 1]"},
	} {
		r := query(t, e, tc.src)
		var names []string
		for _, c := range r.Columns {
			names = append(names, c.Name)
		}
		if got := strings.Join(names, ","); got != tc.cols {
			t.Errorf("%s: columns %s, want %s", tc.src, got, tc.cols)
		}
		if len(r.Rows) != 1 {
			t.Errorf("%s: %d rows", tc.src, len(r.Rows))
			continue
		}
		if got := fmt.Sprint(r.Rows[0]); got != tc.row {
			t.Errorf("%s: row %s, want %s", tc.src, got, tc.row)
		}
	}
}
