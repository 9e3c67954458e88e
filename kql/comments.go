package kql

import "strings"

// Comments returns the spans of the // comments in src, in order, each
// running to the end of its line (the newline excluded). The tree has no
// place for comments, so Format drops them; callers that rewrite files use
// this to avoid losing them.
func Comments(src string) []Span {
	toks, _ := lex(src)
	var out []Span
	pos := 0
	for _, t := range toks {
		// Between two tokens there is only white space and comments.
		gapEnd := int(t.start)
		for pos < gapEnd {
			i := strings.Index(src[pos:gapEnd], "//")
			if i < 0 {
				break
			}
			start := pos + i
			end := gapEnd
			if j := strings.IndexByte(src[start:gapEnd], '\n'); j >= 0 {
				end = start + j
			}
			out = append(out, Span{Start: start, End: end})
			pos = end
		}
		pos = int(t.end)
	}
	return out
}
