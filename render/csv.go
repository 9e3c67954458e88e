package render

import (
	"encoding/csv"
	"io"
	"strings"

	"github.com/kqlhunt/kqlhunt/exec"
)

// writeCSV writes a header row of column names, then one record per row
// with every value in its FormatValue text form.
func writeCSV(w io.Writer, r *exec.Result, comma rune) error {
	cw := csv.NewWriter(w)
	cw.Comma = comma
	rec := make([]string, len(r.Columns))
	for i, c := range r.Columns {
		rec[i] = c.Name
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	for _, row := range r.Rows {
		for i, v := range row {
			rec[i] = FormatValue(r.Columns[i].Type, v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeTSV writes tab-separated values. Tabs, newlines and backslashes in
// values are escaped as \t, \n, \r and \\ so every row stays on one line.
func writeTSV(w io.Writer, r *exec.Result) error {
	esc := strings.NewReplacer("\\", `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)
	var b strings.Builder
	for i, c := range r.Columns {
		if i > 0 {
			b.WriteByte('\t')
		}
		b.WriteString(esc.Replace(c.Name))
	}
	b.WriteByte('\n')
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	for _, row := range r.Rows {
		b.Reset()
		for i, v := range row {
			if i > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(esc.Replace(FormatValue(r.Columns[i].Type, v)))
		}
		b.WriteByte('\n')
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
	}
	return nil
}
