package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/kqlhunt/kqlhunt/exec"
)

// Formats lists the output formats Write accepts.
var Formats = []string{"table", "csv", "tsv", "json", "jsonl", "markdown", "xlsx"}

// Options tune how a result is written.
type Options struct {
	// TTY is true when the output is a terminal: tables are then aligned
	// to the terminal and may be coloured; piped output stays plain.
	TTY bool
}

// Write writes r to w in the named format.
func Write(w io.Writer, r *exec.Result, format string, opts Options) error {
	switch format {
	case "table":
		return writeTable(w, r, opts)
	case "markdown":
		return writeMarkdown(w, r)
	case "xlsx":
		return writeXLSX(w, r)
	case "csv":
		return writeCSV(w, r, ',')
	case "tsv":
		return writeTSV(w, r)
	case "json":
		return writeJSON(w, r)
	case "jsonl":
		return writeJSONL(w, r)
	}
	return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
}
