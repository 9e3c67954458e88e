package exec

import (
	"encoding/json"
	"fmt"
	"testing"
)

// make_set keeps each distinct value once, in the order of its first
// occurrence, over large groups too (distinctInOrder).
func TestMakeSetFirstOccurrenceOrder(t *testing.T) {
	e := openLocked(t)
	r := query(t, e, `range i from 1 to 5000 step 1
| extend k = i % 3, v = tostring((i * 7919) % 101)
| order by i asc
| summarize s = make_set(v), d = make_set(dynamic([1, "a", 1])) by k
| order by k asc`)
	if len(r.Rows) != 3 {
		t.Fatalf("rows %v", r.Rows)
	}
	for k := 0; k < 3; k++ {
		var want []string
		seen := map[string]bool{}
		for i := 1; i <= 5000; i++ {
			if i%3 != k {
				continue
			}
			v := fmt.Sprint((i * 7919) % 101)
			if !seen[v] {
				seen[v] = true
				want = append(want, v)
			}
		}
		var got []string
		if err := json.Unmarshal(r.Rows[k][1].(Dynamic), &got); err != nil {
			t.Fatalf("k=%d: %v in %v", k, err, r.Rows[k][1])
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("k=%d: make_set %v, want %v", k, got, want)
		}
		if d := string(r.Rows[k][2].(Dynamic)); d != `[1,"a"]` {
			t.Errorf("k=%d: make_set of arrays %s, want [1,\"a\"]", k, d)
		}
	}
	r = query(t, e, `print s = set_union(dynamic(["b", "a"]), dynamic(["a", "c", "b"]))`)
	if got := string(r.Rows[0][0].(Dynamic)); got != `["b","a","c"]` {
		t.Errorf("set_union: %s", got)
	}
}
