// TEMPORARY placeholder until errors.go (parser helper) lands in main.
// Never merge this file into main: delete it when errors.go arrives.

package kql

import (
	"fmt"
	"strings"
)

// Error is a positioned problem in a query.
type Error struct {
	Span Span
	Msg  string
	Hint string
}

func (e *Error) Error() string { return fmt.Sprintf("%d: %s", e.Span.Start, e.Msg) }

// ErrorList is a list of errors.
type ErrorList []*Error

func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Err returns nil for an empty list.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}
