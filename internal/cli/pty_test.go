//go:build linux || darwin

package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/creack/pty"
)

// wideQuery is a query whose result has 38 columns of 34 characters:
// 1,400 characters a line at full width.
func wideQuery() string {
	var cols []string
	for i := range 38 {
		cols = append(cols, fmt.Sprintf("Column%02d = strcat('a long value of column %d in row ', i)", i, i))
	}
	return "range i from 1 to 3 step 1 | extend " + strings.Join(cols, ", ") + " | project-away i"
}

const manyRowsQuery = "range i from 1 to 10000 step 1"

// runOnPTY runs kqlhunt (the test binary, as testscript put it on PATH)
// with its standard output and error on an 80×24 pseudo-terminal and
// returns what the terminal received, lines split.
func runOnPTY(t *testing.T, args ...string) []string {
	t.Helper()
	bin, err := exec.LookPath("kqlhunt")
	if err != nil {
		t.Skip("kqlhunt is not on PATH (run through go test)")
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "TERM=xterm")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 80, Rows: 24})
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer f.Close()
	// A command that never ends fails the test instead of hanging it.
	timer := time.AfterFunc(2*time.Minute, func() { cmd.Process.Kill() })
	defer timer.Stop()
	var out bytes.Buffer
	io.Copy(&out, f) // ends with EIO when the child has exited
	if err := cmd.Wait(); err != nil {
		t.Fatalf("kqlhunt %q: %v\n%s", args, err, out.String())
	}
	// The terminal turns \n into \r\n.
	return strings.Split(strings.TrimSuffix(strings.ReplaceAll(out.String(), "\r\n", "\n"), "\n"), "\n")
}

// runPiped runs kqlhunt with standard output to a file.
func runPiped(t *testing.T, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("kqlhunt")
	if err != nil {
		t.Skip("kqlhunt is not on PATH (run through go test)")
	}
	path := filepath.Join(t.TempDir(), "out.txt")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout = f
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("kqlhunt %q: %v\n%s", args, err, stderr.String())
	}
	f.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// On an 80-column terminal a 38-column result fits the width and a
// 10,000-row result shows its first rows and the footer; piped to a file,
// the same queries are complete.
func TestPseudoTerminal(t *testing.T) {
	lines := runOnPTY(t, "query", wideQuery())
	for _, l := range lines {
		if w := utf8.RuneCountInString(l); w > 80 {
			t.Errorf("line of %d columns on an 80-column terminal: %q", w, l)
		}
	}
	text := strings.Join(lines, "\n")
	if !strings.Contains(text, "│ Column00") || !strings.Contains(text, "…") {
		t.Errorf("want box lines, Column00 and truncated cells:\n%s", text)
	}
	if !strings.Contains(text, "3 rows × 38 columns,") || !strings.Contains(text, "not shown: ") {
		t.Errorf("no footer naming the columns left out:\n%s", text)
	}

	lines = runOnPTY(t, "query", manyRowsQuery)
	if len(lines) > 24 {
		t.Errorf("%d lines on a 24-line terminal:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	if !strings.Contains(lines[3], "│ 1 ") && !strings.Contains(lines[3], " 1 │") {
		t.Errorf("the first row is not row 1: %q", lines[3])
	}
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "10000 rows × 1 column, first ") {
		t.Errorf("footer = %q", last)
	}

	// --all and --wide on the terminal: everything.
	if lines := runOnPTY(t, "query", "--all", manyRowsQuery); len(lines) != 10000+4 {
		t.Errorf("--all: %d lines, want %d", len(lines), 10000+4)
	}
	if lines := runOnPTY(t, "query", "--wide", wideQuery()); utf8.RuneCountInString(lines[0]) < 38*35 || strings.Contains(strings.Join(lines, "\n"), "…") {
		t.Errorf("--wide: cut, or first line only %d columns", utf8.RuneCountInString(lines[0]))
	}

	// Piped: complete, plain ASCII, no footer.
	out := runPiped(t, "query", manyRowsQuery)
	if n := strings.Count(out, "\n"); n != 10000+4 {
		t.Errorf("piped: %d lines, want %d", n, 10000+4)
	}
	if !strings.HasSuffix(out, "| 10000 |\n+-------+\n") || strings.Contains(out, "shown") {
		t.Errorf("piped output does not end with row 10000: %q", out[max(0, len(out)-100):])
	}
	out = runPiped(t, "query", wideQuery())
	if strings.Contains(out, "…") || !strings.Contains(out, "Column37") || !strings.Contains(out, "a long value of column 37 in row 3") {
		t.Errorf("piped wide result is not complete:\n%s", out)
	}
}
