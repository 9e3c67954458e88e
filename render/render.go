package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/kqlhunt/kqlhunt/exec"
)

// Options tune how a result is written. Only tables look at them: the
// machine formats (csv, tsv, json, jsonl, xlsx) are always complete and
// the same wherever they go.
type Options struct {
	// TTY is true when the output is a terminal: tables then get Unicode
	// box lines; piped output stays plain ASCII.
	TTY bool
	// Width, when above 0, is the terminal's width in columns: a wider
	// table gets its longest cells truncated with … and, if that is not
	// enough, its columns on the right left out, named in a footer.
	Width int
	// Height, when above 0, is the terminal's height in lines: a table
	// shows at most a screenful of rows, with a footer "N rows × M
	// columns, first K shown".
	Height int
	// Expanded writes a table one field per line, a record at a time (as
	// psql's \x does), for results too wide to read as a grid.
	Expanded bool
}

// Write writes r to w in the named format.
func Write(w io.Writer, r *exec.Result, format string, opts Options) error {
	f, ok := LookupFormat(format)
	if !ok {
		return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(FormatNames(), ", "))
	}
	return WriteFormat(w, r, f, opts)
}

// WriteFormat writes r to w in format f.
func WriteFormat(w io.Writer, r *exec.Result, f Format, opts Options) error {
	switch f.Name {
	case Table.Name:
		return writeTable(w, r, opts)
	case Markdown.Name:
		return writeMarkdown(w, r)
	case XLSX.Name:
		return writeXLSX(w, r)
	case CSV.Name:
		return writeCSV(w, r, ',')
	case TSV.Name:
		return writeTSV(w, r)
	case JSON.Name:
		return writeJSON(w, r)
	case JSONL.Name:
		return writeJSONL(w, r)
	}
	return fmt.Errorf("unknown format %q (want one of %s)", f.Name, strings.Join(FormatNames(), ", "))
}
