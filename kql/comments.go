package kql

// Comments returns the spans of the // comments in src, in order, each
// running to the end of its line (the newline excluded). Parse also keeps
// them in Query.Comments, and Format prints them back.
func Comments(src string) []Span {
	lx := lex(src)
	out := make([]Span, 0, len(lx.comments))
	for _, c := range lx.comments {
		end := c.end
		if end < len(src) && src[end] == '\r' {
			end++ // the lexer leaves a CR out of the comment text
		}
		out = append(out, Span{Start: c.start, End: end})
	}
	return out
}
