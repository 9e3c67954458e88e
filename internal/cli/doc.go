// Package cli holds kqlhunt's cobra commands: flag parsing, the wiring of
// the kql, exec, fixtures, render, translate, chat and hunttest packages, the rendering of
// positioned diagnostics (file:line:col, the source line, a caret, a hint)
// and the mapping of errors to exit codes.
//
// It owns no query logic: parsing, checking, compiling, running and
// formatting values all belong to the packages it wires. Nothing but
// cmd/kqlhunt imports it.
package cli
