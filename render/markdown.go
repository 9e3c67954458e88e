package render

import (
	"bufio"
	"io"
	"strings"

	"github.com/kqlhunt/kqlhunt/exec"
)

// mdEscaper escapes what Markdown would read as markup or what would end
// or split a GitHub-flavoured Markdown table cell: backslashes (which
// escape the next character), pipes, HTML (<, >, &: a value is never a
// tag or an entity) and line breaks, written <br>. Other text is left as
// it is, so the raw table stays readable (`sum_a`).
var mdEscaper = strings.NewReplacer(`\`, `\\`, "|", `\|`, "<", "&lt;", ">", "&gt;", "&", "&amp;",
	"\r\n", "<br>", "\n", "<br>", "\r", "<br>")

// writeMarkdown writes a GitHub-flavoured Markdown table: a header row, a
// delimiter row (numbers right-aligned), one row per result row.
func writeMarkdown(w io.Writer, r *exec.Result) error {
	if len(r.Columns) == 0 {
		return nil
	}
	bw := bufio.NewWriter(w)
	bw.WriteByte('|')
	for _, c := range r.Columns {
		bw.WriteByte(' ')
		bw.WriteString(mdCell(c.Name))
		bw.WriteString(" |")
	}
	bw.WriteString("\n|")
	for _, c := range r.Columns {
		if isNumeric(c.Type) {
			bw.WriteString(" ---: |")
		} else {
			bw.WriteString(" --- |")
		}
	}
	bw.WriteByte('\n')
	for _, row := range r.Rows {
		bw.WriteByte('|')
		for i, v := range row {
			bw.WriteByte(' ')
			bw.WriteString(mdCell(FormatValue(r.Columns[i].Type, v)))
			bw.WriteString(" |")
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// mdCell escapes s for a table cell: Markdown first, then the control
// characters (see Sanitize), whose escapes are meant to show.
func mdCell(s string) string { return Sanitize(mdEscaper.Replace(s)) }
