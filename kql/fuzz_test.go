package kql

import (
	"strings"
	"testing"
)

// FuzzParse checks that no input panics the parser, that errors are
// positioned ErrorLists without internal errors, and that whatever parses
// prints canonically and re-parses to the same tree. Seeds live in
// testdata/fuzz/FuzzParse (taken from the corpus and conformance cases).
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"T | where x == 1",
		"let f = (a:long) { a + 1 }; print f(2)",
		"print dynamic({'a': [1, 2]}), datetime(2020-01-01), 1.5h, h'x'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		q, err := Parse(src)
		if err != nil {
			el, ok := err.(ErrorList)
			if !ok || len(el) == 0 {
				t.Fatalf("Parse(%q) returned %T %v, want a non-empty ErrorList", src, err, err)
			}
			for _, e := range el {
				if strings.Contains(e.Msg, "internal error") {
					t.Fatalf("Parse(%q): %s", src, e.Msg)
				}
				if e.Span.Start < 0 || e.Span.Start > len(src) || e.Span.End < e.Span.Start {
					t.Fatalf("Parse(%q): bad span %v for %q", src, e.Span, e.Msg)
				}
			}
			return
		}
		checkRoundTrip(t, "fuzz input", q)
	})
}
