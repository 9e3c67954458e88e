package exec

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// has_any over constant terms compiles to one regex; it must keep has's
// term rules: whole terms only, case-insensitive, "_" and ":" are
// separators, and terms that start or end with a non-alphanumeric
// character match without a boundary there.
func TestHasAnyTerms(t *testing.T) {
	e := openLocked(t)
	const data = `datatable(s:string)["a-mimikatz", "xmimikatz", "SEKURLSA::x", "mimikatz_scan.py", "foo", "p.exe -enc abc", "p.exe -encx"]`
	cases := []struct {
		query string
		want  []string
	}{
		{`| where s has_any ("mimikatz", "sekurlsa")`, []string{"SEKURLSA::x", "a-mimikatz", "mimikatz_scan.py"}},
		{`| where s has_any ("MimiKatz", "foo", "abc")`, []string{"a-mimikatz", "foo", "mimikatz_scan.py", "p.exe -enc abc"}},
		// mixed boundaries: "-enc" has no left boundary, so no single regex
		{`| where s has_any ("mimikatz", "-enc")`, []string{"a-mimikatz", "mimikatz_scan.py", "p.exe -enc abc"}},
		{`| where s has_any ("-enc", "-ENCX")`, []string{"p.exe -enc abc", "p.exe -encx"}},
	}
	for _, tc := range cases {
		r := query(t, e, data+" "+tc.query+" | order by s asc")
		var got []string
		for _, row := range r.Rows {
			got = append(got, row[0].(string))
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: got %q, want %q", tc.query, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: got %q, want %q", tc.query, got, tc.want)
				break
			}
		}
	}
}

// has_any/has_all over a dynamic array the query computes (a let of
// pack_array, toscalar of make_set) keep has's term rules: the terms are
// whole terms, case-insensitive [D:has-anyoperator].
func TestHasAnyComputedTerms(t *testing.T) {
	e := openLocked(t)
	const data = `datatable(s:string)["a-mimikatz", "xmimikatz", "SEKURLSA::x", "foo bar", "p.exe -enc abc"]`
	cases := []struct {
		query string
		want  []string
	}{
		{`let terms = pack_array("mimikatz", "Sekurlsa"); ` + data + ` | where s has_any (terms)`, []string{"SEKURLSA::x", "a-mimikatz"}},
		{`let terms = toscalar(datatable(t:string)["foo", "-enc", "zzz"] | summarize make_set(t)); ` + data + ` | where s has_any (terms)`, []string{"foo bar", "p.exe -enc abc"}},
		{`let terms = toscalar(datatable(t:string)["foo", "bar"] | summarize make_list(t)); ` + data + ` | where s has_all (terms)`, []string{"foo bar"}},
		{`let terms = toscalar(datatable(t:string)[] | summarize make_list(t)); ` + data + ` | where s has_any (terms)`, nil},
	}
	for _, tc := range cases {
		r := query(t, e, tc.query+" | order by s asc")
		var got []string
		for _, row := range r.Rows {
			got = append(got, row[0].(string))
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: got %q, want %q", tc.query, got, tc.want)
		}
	}
	if _, err := e.Query(context.Background(), `datatable(s:string, l:dynamic)["a b", dynamic(["a"])] | where s has_any (l)`); err == nil || !strings.Contains(err.Error(), "depends on the row") {
		t.Errorf("row-dependent terms: err = %v, want a clear error", err)
	}
}
