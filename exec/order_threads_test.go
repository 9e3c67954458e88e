package exec

import (
	"context"
	"fmt"
	"testing"
)

// Row order must not depend on DuckDB's worker threads: where KQL's input
// has an order (datatable, sort, serialize), order-sensitive aggregates
// (make_list, make_set), ties of a later sort and the row-position
// functions follow it. A parallel hash aggregate emits its groups in any
// order, so without an explicit order these answers vary from run to run
// under several threads. The expectations are Kusto's (conformance cases
// r2-aggregation-0030, r3-aggregation-0029,
// r3-nested-pipelines-let-cte-0022).
func TestOrderUnderThreads(t *testing.T) {
	ctx := context.Background()
	e, err := Open(ctx, Options{Now: testNow, Threads: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	if err := e.Lockdown(ctx); err != nil {
		t.Fatal(err)
	}
	// a table of many rows makes parallel aggregation likely
	many := `range i from 1 to 200000 step 1 | extend g = i % 7`
	cases := []struct {
		name, src, want string
	}{
		{"make_list of group counts in first-appearance order",
			`datatable(x:long, y:long)[ 1,1, 1,1, 1,2, 2,1 ] | summarize c=count() by x, y | summarize subtotals=make_list(c), n=count() by x | order by x asc`,
			`[[1 [2,1] 2] [2 [1] 1]]`},
		{"make_list of lists keeps group order",
			`datatable(x:long, y:long)[ 1,1, 1,2, 1,3, 2,1, 2,2, 3,1 ] | summarize inner=make_list(y), cnt=count() by x | summarize outer_lists=make_list(inner), totcnt=sum(cnt), grps=count()`,
			`[[[1,2,3,1,2,1] 6 3]]`},
		{"sort ties keep the summarize order",
			`let nums = datatable(i:int, l:long, r:real)[ -5,-5,-5.5, 0,0,0.0, 3,2147483648,0.1, 7,100,3.25 ]; nums | extend cat = case(i < 0, "neg", i == 0, "zero", "pos") | summarize cnt = count() by cat | sort by cnt desc | extend rn = row_number() | project rn, cat, cnt`,
			`[[1 pos 2] [2 neg 1] [3 zero 1]]`},
		{"make_list over a serialized large input",
			many + ` | serialize | where g == 3 | take 5 | summarize l = make_list(i)`,
			`[[[3,10,17,24,31]]]`},
		{"make_set over sorted groups",
			many + ` | summarize n = count() by g | sort by g asc | summarize s = make_set(g)`,
			`[[[0,1,2,3,4,5,6]]]`},
		{"prev and row_number after a sort",
			many + ` | where i <= 6 | sort by i desc | extend p = prev(i), rn = row_number() | summarize l = make_list(strcat(i, ":", p, ":", rn))`,
			`[[["6::1","5:6:2","4:5:3","3:4:4","2:3:5","1:2:6"]]]`},
		{"take after sort",
			many + ` | sort by i desc | take 3 | summarize l = make_list(i)`,
			`[[[200000,199999,199998]]]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// several runs: a wrong order shows up only on some
			for range 8 {
				r := query(t, e, tc.src)
				if got := fmt.Sprint(orderRowsText(r)); got != tc.want {
					t.Fatalf("rows = %s, want %s", got, tc.want)
				}
			}
		})
	}
}

// orderRowsText renders rows with dynamic values as their JSON text.
func orderRowsText(r *Result) [][]any {
	out := make([][]any, len(r.Rows))
	for i, row := range r.Rows {
		out[i] = make([]any, len(row))
		for j, v := range row {
			if d, ok := v.(Dynamic); ok {
				v = string(d)
			}
			out[i][j] = v
		}
	}
	return out
}
