package exec

import (
	"testing"
	"time"
)

// The reference's example [D:sliding-window-counts-plugin]: counts and
// distinct counts of users over the 3 days ending with each day.
func TestSlidingWindowCountsReferenceExample(t *testing.T) {
	e := openLocked(t)
	r := query(t, e, `let start = datetime(2017-08-01); let end = datetime(2017-08-07); let lookbackWindow = 3d; let bin = 1d;
let T = datatable(UserId:string, Timestamp:datetime)[
'Bob', datetime(2017-08-01), 'David', datetime(2017-08-01), 'David', datetime(2017-08-01), 'John', datetime(2017-08-01),
'Bob', datetime(2017-08-01), 'Ananda', datetime(2017-08-02), 'Atul', datetime(2017-08-02), 'John', datetime(2017-08-02),
'Ananda', datetime(2017-08-03), 'Atul', datetime(2017-08-03), 'Atul', datetime(2017-08-03), 'John', datetime(2017-08-03),
'Bob', datetime(2017-08-03), 'Betsy', datetime(2017-08-04), 'Bob', datetime(2017-08-05)];
T | evaluate sliding_window_counts(UserId, Timestamp, start, end, lookbackWindow, bin) | order by Timestamp asc`)
	if got := colNames(r); got != "Timestamp,Count,Dcount" {
		t.Errorf("columns %s", got)
	}
	want := [][2]int64{{5, 3}, {8, 5}, {13, 5}, {9, 5}, {7, 5}, {2, 2}, {1, 1}}
	if len(r.Rows) != len(want) {
		t.Fatalf("rows = %v", r.Rows)
	}
	for i, w := range want {
		day := time.Date(2017, 8, 1+i, 0, 0, 0, 0, time.UTC)
		if ts, ok := r.Rows[i][0].(time.Time); !ok || !ts.Equal(day) || r.Rows[i][1] != w[0] || r.Rows[i][2] != w[1] {
			t.Errorf("row %d = %v, want %s %d %d", i, r.Rows[i], day, w[0], w[1])
		}
	}
}
