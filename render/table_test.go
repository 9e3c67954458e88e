package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
)

// wideResult has cols string columns of long values and rows rows.
func wideResult(cols, rows int) *exec.Result {
	r := &exec.Result{}
	for i := range cols {
		r.Columns = append(r.Columns, kql.Column{Name: fmt.Sprintf("Column%02d", i), Type: kql.TString})
	}
	for j := range rows {
		row := make([]any, cols)
		for i := range row {
			row[i] = fmt.Sprintf("row %d value of column %d, long enough to need truncating", j, i)
		}
		r.Rows = append(r.Rows, row)
	}
	return r
}

func render(t *testing.T, r *exec.Result, opts Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, r, "table", opts); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func maxLineWidth(s string) int {
	w := 0
	for _, l := range strings.Split(s, "\n") {
		w = max(w, cellWidth.StringWidth(l))
	}
	return w
}

// On an 80-column terminal, a 38-column result fits: long cells end with
// …, the columns that do not fit are left out and named in the footer.
func TestTableFitsWidth(t *testing.T) {
	r := wideResult(38, 3)
	out := render(t, r, Options{TTY: true, Width: 80, Height: 40})
	if w := maxLineWidth(out); w > 80 {
		t.Errorf("widest line is %d columns, want at most 80:\n%s", w, out)
	}
	if !strings.Contains(out, "…") {
		t.Errorf("no truncated cell:\n%s", out)
	}
	if !strings.Contains(out, "│ Column00") || strings.Contains(out, "Column37 ") {
		t.Errorf("want the first columns shown and the last left out:\n%s", out)
	}
	if !strings.Contains(out, "3 rows × 38 columns,") || !strings.Contains(out, "not shown: Column06, Column07") {
		t.Errorf("footer does not name the columns left out:\n%s", out)
	}
	// Without a width (piped, or --wide) nothing is cut.
	full := render(t, r, Options{TTY: true, Height: 40})
	if strings.Contains(full, "…") || strings.Contains(full, "not shown") || maxLineWidth(full) < 38*50 {
		t.Errorf("--wide table was cut (widest line %d)", maxLineWidth(full))
	}
}

// A table that is only a little too wide keeps every column and truncates
// the widest cells, evenly.
func TestTableTruncatesWidestFirst(t *testing.T) {
	r := &exec.Result{
		Columns: []kql.Column{{Name: "Id", Type: kql.TLong}, {Name: "CommandLine", Type: kql.TString}, {Name: "Host", Type: kql.TString}},
		Rows:    [][]any{{int64(1), strings.Repeat("x", 100), "ws-01"}},
	}
	out := render(t, r, Options{Width: 60})
	want := `+----+---------------------------------------------+-------+
| Id | CommandLine                                 | Host  |
+----+---------------------------------------------+-------+
|  1 | xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… | ws-01 |
+----+---------------------------------------------+-------+
`
	if out != want {
		t.Errorf("table =\n%s\nwant\n%s", out, want)
	}
}

// On a terminal, at most a screenful of rows, with the footer.
func TestTableScreenfulOfRows(t *testing.T) {
	r := &exec.Result{Columns: []kql.Column{{Name: "i", Type: kql.TLong}}}
	for i := range 10000 {
		r.Rows = append(r.Rows, []any{int64(i)})
	}
	out := render(t, r, Options{TTY: true, Width: 80, Height: 24})
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) > 24 {
		t.Errorf("%d lines, want at most a screenful (24)", len(lines))
	}
	if last := lines[len(lines)-1]; last != "10000 rows × 1 column, first 17 shown (--all for every row)" {
		t.Errorf("footer = %q", last)
	}
	if !strings.Contains(out, "│  0 │") || strings.Contains(out, "│ 17 │") {
		t.Errorf("want rows 0-16:\n%s", out)
	}
	// Height 0 (--all, or piped): every row, no footer.
	all := render(t, r, Options{TTY: true, Width: 80})
	if n := strings.Count(all, "\n"); n != 10000+4 {
		t.Errorf("--all wrote %d lines, want %d", n, 10004)
	}
}

// Backslashes print as they are; control characters from the data are
// escaped, so a hunted command line cannot drive the terminal.
func TestTableEscapesControls(t *testing.T) {
	r := &exec.Result{
		Columns: []kql.Column{{Name: "Cmd\x1b[2J", Type: kql.TString}},
		Rows: [][]any{
			{`C:\Windows\explorer.exe`},
			{"evil\x1b]0;owned\x07 \x1b[31mred\x9b \u009b\u202egpj.exe\x7f\x00"},
			{"line1\nline2\ttab\r"},
			{"bad \xff byte"},
		},
	}
	for _, opts := range []Options{{}, {TTY: true, Width: 200, Height: 50}, {Expanded: true}} {
		out := render(t, r, opts)
		for _, c := range []string{"\x1b", "\x07", "\x9b", "\u009b", "\u202e", "\x7f", "\x00", "\r", "\t", "\xff"} {
			if strings.Contains(out, c) {
				t.Errorf("%+v: output holds %q raw:\n%s", opts, c, out)
			}
		}
		for _, want := range []string{`C:\Windows\explorer.exe`, `evil\x1b]0;owned\x07 \x1b[31mred\x9b \u009b\u202egpj.exe\x7f\x00`, `line1\nline2\ttab\r`, `bad \xff byte`, `Cmd\x1b[2J`} {
			if !strings.Contains(out, want) {
				t.Errorf("%+v: output lacks %s:\n%s", opts, want, out)
			}
		}
		if !utf8.ValidString(out) {
			t.Errorf("%+v: output is not UTF-8", opts)
		}
	}
}

func TestSanitize(t *testing.T) {
	tests := []struct{ in, want, lines string }{
		{"plain", "plain", "plain"},
		{`C:\Windows`, `C:\Windows`, `C:\Windows`},
		{"a\nb\tc", `a\nb\tc`, "a\nb\tc"},
		{"\x1b[31m", `\x1b[31m`, `\x1b[31m`},
		{"bell\x07", `bell\x07`, `bell\x07`},
		{"c1 \u0085\u009b", `c1 \u0085\u009b`, `c1 \u0085\u009b`},
		{"\u202eexe.txt", `\u202eexe.txt`, `\u202eexe.txt`},
		{"déjà vu ✓ 漢字", "déjà vu ✓ 漢字", "déjà vu ✓ 漢字"},
		{"\xc3", `\xc3`, `\xc3`},
		{"\r", `\r`, `\r`},
	}
	for _, tt := range tests {
		if got := Sanitize(tt.in); got != tt.want {
			t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := SanitizeLines(tt.in); got != tt.lines {
			t.Errorf("SanitizeLines(%q) = %q, want %q", tt.in, got, tt.lines)
		}
	}
}

// SafeWriter escapes what passes through it, also when a UTF-8 sequence
// (here a C1 control, U+009B, two bytes) is split across writes.
func TestSafeWriter(t *testing.T) {
	var buf bytes.Buffer
	w := &SafeWriter{W: &buf}
	for _, p := range []string{"kqlhunt: bad \x1b]0;x\x07 name \xc2", "\x9b and é\xc3", "\xa9\n"} {
		if n, err := w.Write([]byte(p)); err != nil || n != len(p) {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	w.Flush()
	if want := "kqlhunt: bad \\x1b]0;x\\x07 name \\u009b and éé\n"; buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}

// -x: one field per line, as psql's expanded mode.
func TestTableExpanded(t *testing.T) {
	r := &exec.Result{
		Columns: []kql.Column{{Name: "DeviceName", Type: kql.TString}, {Name: "n", Type: kql.TLong}},
		Rows:    [][]any{{"ws-01", int64(12)}, {"a much longer device name", nil}},
	}
	out := render(t, r, Options{Expanded: true})
	want := `-[ RECORD 1 ]-------------------------
DeviceName | ws-01
n          | 12
-[ RECORD 2 ]-------------------------
DeviceName | a much longer device name
n          |
`
	if out != want {
		t.Errorf("expanded =\n%s\nwant\n%s", out, want)
	}
	out = render(t, r, Options{Expanded: true, Width: 20, Height: 6})
	want = `-[ RECORD 1 ]-----
DeviceName | ws-01
n          | 12
2 rows × 2 columns, first 1 shown (--all for every row)
`
	if out != want {
		t.Errorf("expanded on a small terminal =\n%s\nwant\n%s", out, want)
	}
}

func TestFormatForPath(t *testing.T) {
	tests := map[string]string{
		"hunt.xlsx": "xlsx", "out/HUNT.CSV": "csv", "x.tsv": "tsv", "x.json": "json", "x.jsonl": "jsonl",
		"x.ndjson": "jsonl", "x.md": "markdown", "x.txt": "table", "x": "", "x.kql": "", "-": "",
	}
	for path, want := range tests {
		f, ok := FormatForPath(path)
		if f.Name != want || ok != (want != "") {
			t.Errorf("FormatForPath(%q) = %q, %v, want %q", path, f.Name, ok, want)
		}
	}
	for _, f := range Formats {
		if g, ok := LookupFormat(f.Name); !ok || g != f {
			t.Errorf("LookupFormat(%q) = %v, %v", f.Name, g, ok)
		}
		if g, ok := FormatForPath("result" + f.Ext); !ok || g != f {
			t.Errorf("FormatForPath(result%s) = %v, want %v", f.Ext, g, f)
		}
	}
}

// JSON keeps &, < and > as they are, so grep finds them.
func TestJSONNoHTMLEscaping(t *testing.T) {
	r := &exec.Result{Columns: []kql.Column{{Name: "a<b>", Type: kql.TString}}, Rows: [][]any{{"a & <b>"}}}
	for _, f := range []string{"json", "jsonl"} {
		var buf bytes.Buffer
		if err := Write(&buf, r, f, Options{}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), `"a & <b>"`) || !strings.Contains(buf.String(), `"a<b>"`) || strings.Contains(buf.String(), `\u0026`) {
			t.Errorf("%s = %s", f, buf.String())
		}
	}
}

// Markdown escapes backslashes, pipes and HTML, and shows control
// characters escaped.
func TestMarkdownEscaping(t *testing.T) {
	r := &exec.Result{Columns: []kql.Column{{Name: "a|b", Type: kql.TString}}, Rows: [][]any{{`C:\Win|dows <script>alert(1)</script> &amp; x` + "\x1b[31m\nnext"}}}
	var buf bytes.Buffer
	if err := Write(&buf, r, "markdown", Options{}); err != nil {
		t.Fatal(err)
	}
	want := "| a\\|b |\n| --- |\n| C:\\\\Win\\|dows &lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; x\\x1b[31m<br>next |\n"
	if buf.String() != want {
		t.Errorf("markdown = %q, want %q", buf.String(), want)
	}
}

// Machine formats are the same whatever the terminal: Options change
// tables only.
func TestMachineFormatsIgnoreTerminal(t *testing.T) {
	r := wideResult(38, 200)
	for _, f := range []string{"csv", "tsv", "json", "jsonl", "markdown"} {
		var plain, tty bytes.Buffer
		if err := Write(&plain, r, f, Options{}); err != nil {
			t.Fatal(err)
		}
		if err := Write(&tty, r, f, Options{TTY: true, Width: 80, Height: 24, Expanded: true}); err != nil {
			t.Fatal(err)
		}
		if plain.String() != tty.String() {
			t.Errorf("%s changes with the terminal", f)
		}
	}
}
