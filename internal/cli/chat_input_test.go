package cli

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/kql"
)

func TestCompletions(t *testing.T) {
	names := schemaNames(kql.AdvancedHunting())
	for _, c := range []struct {
		before string
		want   []string // all of these, and only candidates with the prefix
	}{
		{"/he", []string{"/help"}},
		{"/re", []string{"/retry", "/resume"}},
		{"SecurityInc", []string{"SecurityIncident"}},
		{"DeviceProcessEvents | where InitiatingProcessFileN", []string{"InitiatingProcessFileName"}},
		{"DeviceProcessEvents | summarize count() by devicen", []string{"DeviceName"}},
		{"DeviceProcessEvents | where (AccountN", []string{"AccountName"}},
	} {
		got := completions(names, c.before)
		for _, w := range c.want {
			if !slices.Contains(got, w) {
				t.Errorf("completions(%q) = %q, want %q among them", c.before, got, w)
			}
		}
		word := c.before[strings.LastIndexAny(c.before, " |(")+1:]
		for _, g := range got {
			if !strings.HasPrefix(strings.ToLower(g), strings.ToLower(word)) {
				t.Errorf("completions(%q) has %q", c.before, g)
			}
		}
	}
	// No command in the middle of a line, nothing for an empty word.
	if got := completions(names, "open incidents /he"); len(got) != 0 {
		t.Errorf("a command mid-line: %q", got)
	}
	if got := completions(names, "SecurityIncident | "); len(got) != 0 {
		t.Errorf("an empty word: %d candidates", len(got))
	}
}

// lineChan joins the lines of a query: continuation lines that start with
// |, a line ending with |, open brackets; comments and commands stay
// apart.
func TestLineReaderJoins(t *testing.T) {
	in := "SecurityIncident\n| where Severity == \"High\"\n| count\n#expect rows=1\nprint x = dynamic([1,\n2])\nDeviceEvents |\ntake 1\n/kql\n| take 2\n"
	l := newLineReader(strings.NewReader(in), true, nil)
	defer l.close()
	var got []string
	for {
		s, err := l.read(context.Background(), "")
		if err != nil {
			break
		}
		got = append(got, s)
	}
	want := []string{"SecurityIncident\n| where Severity == \"High\"\n| count", "#expect rows=1", "print x = dynamic([1,\n2])", "DeviceEvents |\ntake 1", "/kql", "| take 2"}
	if !slices.Equal(got, want) {
		t.Errorf("turns %q\nwant %q", got, want)
	}
}
