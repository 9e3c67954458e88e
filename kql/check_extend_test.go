package kql

import "testing"

// TestCheckExtendSameBatch: Kusto resolves each expression of one extend
// against the extend's input, so a column made earlier in the same extend
// cannot be used (r3-datetime-timespan-0014 and r2-dynamic-json-0019 are
// rejected by the Kusto engine), while redefining input columns from each
// other is fine (r3-nested-pipelines-let-cte-0021 runs). exec refuses the
// same queries with the same message.
func TestCheckExtendSameBatch(t *testing.T) {
	for _, tc := range []struct{ src, at string }{
		{`range i from 1 to 12 step 1 | extend t = make_datetime(2021, i, 1), eom = endofmonth(t)`, `endofmonth(t)`},
		{`print a = dynamic([1, 2]) | extend au = array_concat(a, a), al = array_length(au)`, `array_length(au)`},
		{`datatable(a:long, b:long, c:long)[1, 2, 3] | extend a = c, c = a`, ``},
		{`print x = 1 | extend y = x + 1 | extend z = y + 1`, ``},
	} {
		_, _, errs := checkText(t, tc.src)
		got := ""
		for _, e := range errs {
			if e.Msg == "a column defined in this extend cannot be used in the same extend" {
				got = tc.src[e.Span.Start:e.Span.End]
			}
		}
		if got != tc.at {
			t.Errorf("%s: error at %q, want %q (%v)", tc.src, got, tc.at, errs)
		}
	}
}
