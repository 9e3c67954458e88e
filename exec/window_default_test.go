package exec

import (
	"context"
	"strings"
	"testing"
)

// prev/next take a constant default: a row-independent expression is one
// (now(1d) in Microsoft's device-uptime hunt); a column is rejected, as
// Kusto rejects prev(t, 1, t) (conformance r1-window-series-scan-0043).
func TestPrevDefaultConstant(t *testing.T) {
	e := openLocked(t)
	r := query(t, e, `datatable(t:long)[1,2] | sort by t asc | serialize p = prev(t, 1, 2 * 3) | extend n = next(t, 1, toscalar(print 5))`)
	if r.Rows[0][1] != int64(6) || r.Rows[1][1] != int64(1) || r.Rows[0][2] != int64(2) || r.Rows[1][2] != int64(5) {
		t.Errorf("rows = %v, want p 6,1 and n 2,5", r.Rows)
	}
	r = query(t, e, `datatable(t:datetime)[datetime(2024-03-01)] | serialize d = prev(t, 1, now(1d))`)
	if len(r.Rows) != 1 || r.Rows[0][1] == nil {
		t.Errorf("prev with now(1d): rows = %v", r.Rows)
	}
	_, err := e.Query(context.Background(), `datatable(t:long)[1,2] | sort by t asc | serialize p = prev(t, 1, t)`)
	if err == nil || !strings.Contains(err.Error(), "must be a constant") {
		t.Errorf("prev(t, 1, t): err = %v", err)
	}
}

// A bool compares with a number as 1 or 0 (Microsoft's published hunts:
// where IsLocalAdmin == 1); a null bool is unequal to a number.
func TestBoolComparesWithNumber(t *testing.T) {
	e := openLocked(t)
	r := query(t, e, `print a = true == 1, b = false == 1, c = true != 0, d = 0 == false, e = bool(null) == 1`)
	want := []any{true, false, true, true, false}
	for i, w := range want {
		if r.Rows[0][i] != w {
			t.Errorf("column %s = %v, want %v", r.Columns[i].Name, r.Rows[0][i], w)
		}
	}
}
