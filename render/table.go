package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/mattn/go-runewidth"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
)

// cellWidth measures and truncates cells in terminal columns. It ignores
// the locale's East Asian setting, so a table is laid out the same
// everywhere and … is one column wide.
var cellWidth = func() *runewidth.Condition {
	c := runewidth.NewCondition()
	c.EastAsianWidth = false
	return c
}()

// textWidth is the width of s in terminal columns: its length when it is
// ASCII (the common case, and the cheap one), else as cellWidth measures.
func textWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return cellWidth.StringWidth(s)
		}
	}
	return len(s)
}

// ellipsis ends a truncated cell or list.
const ellipsis = "…"

// minFitWidth is the narrowest a column is truncated to before columns are
// left out instead.
const minFitWidth = 10

// tableStyle is the lines of a grid.
type tableStyle struct {
	h, v             string // horizontal and vertical lines
	top, mid, bottom [3]string
}

var (
	asciiStyle = tableStyle{h: "-", v: "|", top: [3]string{"+", "+", "+"}, mid: [3]string{"+", "+", "+"}, bottom: [3]string{"+", "+", "+"}}
	boxStyle   = tableStyle{h: "─", v: "│", top: [3]string{"┌", "┬", "┐"}, mid: [3]string{"├", "┼", "┤"}, bottom: [3]string{"└", "┴", "┘"}}
)

// writeTable writes an aligned grid: column names as they are, numbers
// right-aligned, every cell on one line (control characters escaped, see
// Sanitize). A terminal gets Unicode box lines, piped output plain ASCII.
// Without opts.Width and opts.Height the whole result is written and the
// same result always prints the same text; with them (a terminal) the
// table is fitted to the screen and a footer says what was left out.
func writeTable(w io.Writer, r *exec.Result, opts Options) error {
	if len(r.Columns) == 0 {
		return nil
	}
	if opts.Expanded {
		return writeExpanded(w, r, opts)
	}
	style := asciiStyle
	if opts.TTY {
		style = boxStyle
	}
	rows := r.Rows
	if opts.Height > 0 {
		// Header (3 lines), bottom line, footer (2), the next prompt.
		if limit := max(opts.Height-7, 5); len(rows) > limit {
			rows = rows[:limit]
		}
	}
	header := make([]string, len(r.Columns))
	natural := make([]int, len(r.Columns))
	for i, c := range r.Columns {
		header[i] = Sanitize(c.Name)
		natural[i] = textWidth(header[i])
	}
	cells := make([][]string, len(rows))
	cellW := make([][]int, len(rows))
	for j, row := range rows {
		rec := make([]string, len(r.Columns))
		ws := make([]int, len(r.Columns))
		for i, v := range row {
			rec[i] = Sanitize(FormatValue(r.Columns[i].Type, v))
			ws[i] = textWidth(rec[i])
			natural[i] = max(natural[i], ws[i])
		}
		cells[j], cellW[j] = rec, ws
	}
	widths := fitWidths(natural, opts.Width)
	shown := len(widths)

	bw := bufio.NewWriter(w)
	line := func(ends [3]string) {
		bw.WriteString(ends[0])
		for i, wd := range widths {
			if i > 0 {
				bw.WriteString(ends[1])
			}
			bw.WriteString(strings.Repeat(style.h, wd+2))
		}
		bw.WriteString(ends[2])
		bw.WriteByte('\n')
	}
	rowLine := func(rec []string, recW []int, header bool) {
		bw.WriteString(style.v)
		for i, wd := range widths {
			s, sw := rec[i], recW[i]
			if sw > wd {
				s = cellWidth.Truncate(s, wd, ellipsis)
				sw = textWidth(s)
			}
			bw.WriteByte(' ')
			if !header && isNumeric(r.Columns[i].Type) {
				writeSpaces(bw, wd-sw)
				bw.WriteString(s)
			} else {
				bw.WriteString(s)
				writeSpaces(bw, wd-sw)
			}
			bw.WriteByte(' ')
			bw.WriteString(style.v)
		}
		bw.WriteByte('\n')
	}
	headerW := make([]int, len(header))
	for i, h := range header {
		headerW[i] = textWidth(h)
	}
	line(style.top)
	rowLine(header, headerW, true)
	line(style.mid)
	for j, rec := range cells {
		rowLine(rec, cellW[j], false)
	}
	if len(cells) > 0 {
		line(style.bottom)
	}
	writeFooter(bw, r, len(cells), shown, opts.Width)
	return bw.Flush()
}

// fitWidths returns the widths of the columns to show: all of them at
// their natural widths when they fit in width (or width is 0); otherwise
// the widest are truncated, evenly, down to minFitWidth, and the columns
// on the right that still do not fit are left out (the first is always
// kept).
func fitWidths(natural []int, width int) []int {
	total := func(ws []int) int {
		t := 1
		for _, w := range ws {
			t += w + 3
		}
		return t
	}
	if width <= 0 || total(natural) <= width {
		return natural
	}
	// Keep the longest prefix of columns that fits at their minimum.
	mins := make([]int, len(natural))
	for i, n := range natural {
		mins[i] = min(n, minFitWidth)
	}
	k := len(natural)
	for k > 1 && total(mins[:k]) > width {
		k--
	}
	nat := natural[:k]
	// The largest cap L such that every column at min(natural, max(L,
	// its minimum)) fits.
	capped := func(l int) []int {
		ws := make([]int, len(nat))
		for i, n := range nat {
			ws[i] = min(n, max(l, mins[i]))
		}
		return ws
	}
	lo, hi := 1, 1
	for _, n := range nat {
		hi = max(hi, n)
	}
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if total(capped(mid)) <= width {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	ws := capped(lo)
	// Hand out what is left, one column at a time, left to right.
	spare := width - total(ws)
	for i := range ws {
		if spare <= 0 {
			break
		}
		if add := min(nat[i]-ws[i], spare); add > 0 {
			ws[i] += add
			spare -= add
		}
	}
	if k == 1 && total(ws) > width {
		ws[0] = max(width-4, 1)
	}
	return ws
}

// writeFooter says what a fitted table left out: the rows beyond a
// screenful and the columns beyond the width.
func writeFooter(w *bufio.Writer, r *exec.Result, rowsShown, colsShown, width int) {
	n, m := len(r.Rows), len(r.Columns)
	if rowsShown == n && colsShown == m {
		return
	}
	fmt.Fprintf(w, "%s × %s", plural(n, "row"), plural(m, "column"))
	switch {
	case rowsShown < n && colsShown < m:
		fmt.Fprintf(w, ", first %d rows and %d columns shown (--all for every row, --wide or -x for every column)\n", rowsShown, colsShown)
	case rowsShown < n:
		fmt.Fprintf(w, ", first %d shown (--all for every row)\n", rowsShown)
	default:
		fmt.Fprintf(w, ", %d columns shown (--wide or -x for every column)\n", colsShown)
	}
	if colsShown < m {
		names := make([]string, 0, m-colsShown)
		for _, c := range r.Columns[colsShown:] {
			names = append(names, Sanitize(c.Name))
		}
		text := "not shown: " + strings.Join(names, ", ")
		if width > 0 && textWidth(text) > width {
			text = cellWidth.Truncate(text, width, ellipsis)
		}
		w.WriteString(text)
		w.WriteByte('\n')
	}
}

func writeSpaces(w *bufio.Writer, n int) {
	for ; n > 0; n-- {
		w.WriteByte(' ')
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// writeExpanded writes one field per line, a record at a time, as psql's
// expanded mode does:
//
//	-[ RECORD 1 ]----------------
//	DeviceName | ws-01
//	count_     | 12
//
// With opts.Width, values are truncated to it; with opts.Height, only the
// records that fit a screen are written, and a footer says how many.
func writeExpanded(w io.Writer, r *exec.Result, opts Options) error {
	names := make([]string, len(r.Columns))
	nameW := 0
	for i, c := range r.Columns {
		names[i] = Sanitize(c.Name)
		nameW = max(nameW, textWidth(names[i]))
	}
	rows := r.Rows
	if opts.Height > 0 {
		limit := max((opts.Height-3)/(len(r.Columns)+1), 1)
		if len(rows) > limit {
			rows = rows[:limit]
		}
	}
	valW := 0
	if opts.Width > 0 {
		valW = max(opts.Width-nameW-3, 1)
	}
	// Each record's values, escaped and truncated; the header line is as
	// wide as the widest field line.
	recs := make([][]string, len(rows))
	lineW := 0
	for j, row := range rows {
		rec := make([]string, len(row))
		for i, v := range row {
			s := Sanitize(FormatValue(r.Columns[i].Type, v))
			if valW > 0 && textWidth(s) > valW {
				s = cellWidth.Truncate(s, valW, ellipsis)
			}
			rec[i] = s
			lineW = max(lineW, nameW+3+textWidth(s))
		}
		recs[j] = rec
	}
	bw := bufio.NewWriter(w)
	for j, rec := range recs {
		head := fmt.Sprintf("-[ RECORD %d ]", j+1)
		bw.WriteString(head + strings.Repeat("-", max(lineW-textWidth(head), 0)) + "\n")
		for i, s := range rec {
			bw.WriteString(names[i] + strings.Repeat(" ", nameW-textWidth(names[i])) + " |")
			if s != "" {
				bw.WriteString(" " + s)
			}
			bw.WriteByte('\n')
		}
	}
	if len(rows) < len(r.Rows) {
		fmt.Fprintf(bw, "%s × %s, first %d shown (--all for every row)\n", plural(len(r.Rows), "row"), plural(len(r.Columns), "column"), len(rows))
	}
	return bw.Flush()
}

func isNumeric(t kql.Type) bool {
	switch t {
	case kql.TInt, kql.TLong, kql.TReal, kql.TDecimal:
		return true
	}
	return false
}
