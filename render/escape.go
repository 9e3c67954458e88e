package render

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Sanitize returns s as a person's terminal may show it: every character
// that a terminal would act on instead of print is written as an escape,
// so text from the data cannot move the cursor, retitle or recolour the
// terminal, hide what precedes it, or break a table's rows. Line breaks
// and tabs become \n, \r and \t; other C0 controls, DEL and bytes that
// are not UTF-8 become \xHH; C1 controls and the Unicode bidirectional
// overrides (which make a file name read backwards) become \uHHHH.
// Backslashes stay as they are: C:\Windows prints as C:\Windows.
func Sanitize(s string) string { return escapeControls(s, false) }

// SanitizeLines is Sanitize but keeps line breaks and tabs: for messages
// of several lines (errors, summaries) that echo data.
func SanitizeLines(s string) string { return escapeControls(s, true) }

// needsEscape reports whether the rune r (size bytes, RuneError with size
// 1 for a byte that is not UTF-8) is shown escaped.
func needsEscape(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size == 1:
		return true
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

func escapeControls(s string, keepLines bool) string {
	i := 0
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if needsEscape(r, size) && !(keepLines && (c == '\n' || c == '\t')) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !needsEscape(r, size) || keepLines && (r == '\n' || r == '\t') {
			b.WriteString(s[i : i+size])
			i += size
			continue
		}
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += size
	}
	return b.String()
}

// SafeWriter passes text through SanitizeLines on its way to a terminal:
// what a command writes on standard error (errors echo data: names,
// values, DuckDB's messages) cannot drive the terminal. A UTF-8 sequence
// split across two writes is held until it is whole.
type SafeWriter struct {
	W       io.Writer
	pending []byte
}

// Write writes p, escaped; it reports len(p) on success.
func (s *SafeWriter) Write(p []byte) (int, error) {
	n := len(p)
	if len(s.pending) > 0 {
		p = append(s.pending, p...)
		s.pending = nil
	}
	// Hold back an incomplete UTF-8 sequence at the end.
	if k := incompleteTail(p); k > 0 {
		s.pending = append([]byte(nil), p[len(p)-k:]...)
		p = p[:len(p)-k]
	}
	if _, err := io.WriteString(s.W, SanitizeLines(string(p))); err != nil {
		return 0, err
	}
	return n, nil
}

// Flush writes a held incomplete sequence (escaped: it will not be
// completed).
func (s *SafeWriter) Flush() error {
	if len(s.pending) == 0 {
		return nil
	}
	p := s.pending
	s.pending = nil
	_, err := io.WriteString(s.W, SanitizeLines(string(p)))
	return err
}

// incompleteTail returns the length of an unfinished UTF-8 sequence at the
// end of p (0 when p ends on a whole rune or on bytes no rune completes).
func incompleteTail(p []byte) int {
	for k := 1; k <= 3 && k <= len(p); k++ {
		c := p[len(p)-k]
		if c < 0x80 {
			return 0
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(p[len(p)-k:]) {
				return k
			}
			return 0
		}
	}
	return 0
}
