// Package cli holds kqlhunt's cobra commands: flag parsing, wiring of the
// kql, exec, fixtures and render packages, and the mapping of errors to exit
// codes. It owns no query logic of its own.
package cli

import (
	"fmt"
	"io"
)

// Exit codes, as in the design's command-line contract.
const (
	ExitOK          = 0
	ExitError       = 1 // a query or data error
	ExitUsage       = 2
	ExitClarify     = 3 // the prompt needs a clarifying answer
	ExitInterrupted = 130
)

// Main runs kqlhunt with args and returns the exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "kqlhunt: not built yet")
	return ExitError
}
