package exec

import "testing"

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
