package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// ttyEnv is testEnv with standard output and error on an 80×24 terminal
// and the given environment.
func ttyEnv(vars map[string]string) (*env, *bytes.Buffer, *bytes.Buffer) {
	e, stdout, stderr := testEnv("")
	e.isTerminal = func(any) bool { return true }
	e.termSize = func(any) (int, int) { return 80, 24 }
	e.getenv = func(k string) string { return vars[k] }
	return e, stdout, stderr
}

// Errors and hints are coloured on a terminal, not with NO_COLOR, not
// with TERM=dumb and not when standard error is not a terminal.
func TestErrorColour(t *testing.T) {
	args := []string{"query", "DeviceProcesEvents | take 1"}
	e, _, stderr := ttyEnv(map[string]string{"TERM": "xterm"})
	if code := run(context.Background(), args, e); code != ExitError {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{styleError + "kqlhunt:" + styleReset + " <arg>:1:1:", styleHint + "hint:" + styleReset + " did you mean", "    " + styleCaret + "^~~~"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%q", want, stderr)
		}
	}
	for _, vars := range []map[string]string{{"NO_COLOR": "1", "TERM": "xterm"}, {"TERM": "dumb"}} {
		e, _, stderr := ttyEnv(vars)
		run(context.Background(), args, e)
		if strings.Contains(stderr.String(), "\x1b") || !strings.Contains(stderr.String(), "hint: did you mean") {
			t.Errorf("%v: stderr = %q", vars, stderr)
		}
	}
	e, _, stderr2 := testEnv("")
	run(context.Background(), args, e)
	if strings.Contains(stderr2.String(), "\x1b") {
		t.Errorf("not a terminal: stderr = %q", stderr2)
	}
}

// What goes to standard error is escaped: an error that echoes text from
// outside (here a --data path) cannot drive the terminal, coloured or not.
func TestStderrEscapesControls(t *testing.T) {
	args := []string{"query", "--data", "/nonexistent/\x1b]0;owned\x07\x9b2J", "print 1"}
	for _, vars := range []map[string]string{{"TERM": "xterm"}, {"NO_COLOR": "1"}} {
		e, _, stderr := ttyEnv(vars)
		if code := run(context.Background(), args, e); code != ExitError {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
		s := strings.ReplaceAll(strings.ReplaceAll(stderr.String(), styleError, ""), styleReset, "")
		if strings.Contains(s, "\x1b") || strings.Contains(s, "\x07") || strings.Contains(s, "\x9b") {
			t.Errorf("stderr holds raw controls: %q", stderr)
		}
		if !strings.Contains(s, `/nonexistent/\x1b]0;owned\x07\x9b2J`) {
			t.Errorf("stderr does not show the path escaped: %q", stderr)
		}
	}
}

// On a terminal, query fits its table to the terminal; --wide, --all and
// piped output are complete; machine formats ignore the terminal.
func TestQueryOnTerminal(t *testing.T) {
	q := "range i from 1 to 100 step 1 | extend s = strrep('x', 200)"
	e, stdout, _ := ttyEnv(nil)
	if code := run(context.Background(), []string{"query", q}, e); code != ExitOK {
		t.Fatal(code)
	}
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	if len(lines) > 24 || lines[len(lines)-1] != "100 rows × 2 columns, first 17 shown (--all for every row)" {
		t.Errorf("%d lines, last %q", len(lines), lines[len(lines)-1])
	}
	for _, l := range lines {
		if n := len([]rune(l)); n > 80 {
			t.Errorf("line of %d runes", n)
		}
	}

	e, stdout, _ = ttyEnv(nil)
	run(context.Background(), []string{"query", "--wide", "--all", q}, e)
	if n := strings.Count(stdout.String(), "\n"); n != 104 || strings.Contains(stdout.String(), "…") {
		t.Errorf("--wide --all: %d lines", n)
	}

	e, stdout, _ = ttyEnv(nil)
	run(context.Background(), []string{"query", "--format", "csv", q}, e)
	if n := strings.Count(stdout.String(), "\n"); n != 101 || strings.Contains(stdout.String(), "…") {
		t.Errorf("csv on a terminal: %d lines", n)
	}

	e, out, _ := testEnv("")
	e.termSize = func(any) (int, int) { return 80, 24 }
	run(context.Background(), []string{"query", q}, e)
	if n := strings.Count(out.String(), "\n"); n != 104 || strings.Contains(out.String(), "…") {
		t.Errorf("piped: %d lines", n)
	}
}
