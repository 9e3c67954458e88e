package kql

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error is a problem at a position in a query text. Msg is lower case,
// without a final period, and quotes user text with %q; Hint is an
// optional suggestion ("did you mean \"summarize\"?").
type Error struct {
	Span Span
	Msg  string
	Hint string
}

// Error returns the message with its byte offset; callers that have the
// source text render the position as line:col with LineCol.
func (e *Error) Error() string {
	s := fmt.Sprintf("offset %d: %s", e.Span.Start, e.Msg)
	if e.Hint != "" {
		s += " (hint: " + e.Hint + ")"
	}
	return s
}

// MaxErrors caps the length of an ErrorList built with Add.
const MaxErrors = 10

// ErrorList is a list of positioned errors, in source order.
type ErrorList []*Error

// Add appends e unless the list already holds MaxErrors errors.
func (l *ErrorList) Add(e *Error) {
	if len(*l) < MaxErrors {
		*l = append(*l, e)
	}
}

// Err returns the list as an error, or nil when it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Error returns the first error's text, and how many more there are.
func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0].Error(), len(l)-1)
}

// LineCol converts a byte offset in src to a 1-based line and a 1-based
// column counted in runes. Offsets beyond the text clamp to its end.
func LineCol(src string, offset int) (line, col int) {
	if offset > len(src) {
		offset = len(src)
	}
	if offset < 0 {
		offset = 0
	}
	before := src[:offset]
	line = 1 + strings.Count(before, "\n")
	if i := strings.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:]
	}
	return line, 1 + utf8.RuneCountInString(before)
}
