package render

import (
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
)

// cellEscaper keeps every row of a table or Markdown cell on one line:
// control characters that would break the grid are written as escapes.
var cellEscaper = strings.NewReplacer("\\", `\\`, "\n", `\n`, "\r", `\r`, "\t", `\t`)

// writeTable writes an aligned grid: column names as they are (no
// upper-casing), numbers right-aligned, nothing wrapped or truncated, so
// the same result always prints the same text. A terminal gets Unicode box
// lines; piped output gets plain ASCII.
func writeTable(w io.Writer, r *exec.Result, opts Options) error {
	if len(r.Columns) == 0 {
		return nil
	}
	style := tw.StyleASCII
	if opts.TTY {
		style = tw.StyleLight
	}
	aligns := make([]tw.Align, len(r.Columns))
	header := make([]string, len(r.Columns))
	for i, c := range r.Columns {
		header[i] = cellEscaper.Replace(c.Name)
		aligns[i] = tw.AlignLeft
		if isNumeric(c.Type) {
			aligns[i] = tw.AlignRight
		}
	}
	t := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(style)})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{Global: tw.AlignLeft, PerColumn: aligns}),
		tablewriter.WithTrimSpace(tw.Off),
		tablewriter.WithTrimTab(tw.Off),
		tablewriter.WithTrimLine(tw.Off),
	)
	t.Header(header)
	for _, row := range r.Rows {
		rec := make([]string, len(r.Columns)) // Append keeps the slice
		for i, v := range row {
			rec[i] = cellEscaper.Replace(FormatValue(r.Columns[i].Type, v))
		}
		if err := t.Append(rec); err != nil {
			return err
		}
	}
	return t.Render()
}

func isNumeric(t kql.Type) bool {
	switch t {
	case kql.TInt, kql.TLong, kql.TReal, kql.TDecimal:
		return true
	}
	return false
}
