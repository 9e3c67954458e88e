package cli

import (
	"bytes"
	"io"
	"regexp"
)

// useColor reports whether standard error, a terminal, may be coloured:
// not when NO_COLOR is set to anything (https://no-color.org) or TERM is
// dumb.
func useColor(getenv func(string) string) bool {
	return getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
}

// ANSI styles of the parts of an error report.
const (
	styleError = "\x1b[1;31m" // bold red: "kqlhunt:" of an error line
	styleHint  = "\x1b[1;36m" // bold cyan: "hint:"
	styleCaret = "\x1b[32m"   // green: the caret under the source
	styleReset = "\x1b[0m"
)

var caretLine = regexp.MustCompile(`^\s+\^~*$`)

// colorWriter colours the error reports written on a terminal, line by
// line: the "kqlhunt:" that starts an error, the "hint:" that starts a
// hint and the caret line under a source line. What it is given has
// already been through render.SafeWriter, so the only escape sequences
// that reach the terminal are its own.
type colorWriter struct {
	w       io.Writer
	atStart bool // the next byte starts a line
}

func (c *colorWriter) Write(p []byte) (int, error) {
	var out bytes.Buffer
	rest := p
	for len(rest) > 0 {
		i := bytes.IndexByte(rest, '\n')
		var seg []byte
		if i < 0 {
			seg, rest = rest, nil
		} else {
			seg, rest = rest[:i+1], rest[i+1:]
		}
		if c.atStart {
			out.Write(colorLine(seg))
		} else {
			out.Write(seg)
		}
		c.atStart = seg[len(seg)-1] == '\n'
	}
	if _, err := c.w.Write(out.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// colorLine colours one line (with its newline, if any).
func colorLine(l []byte) []byte {
	switch {
	case bytes.HasPrefix(l, []byte("kqlhunt: ")):
		return append([]byte(styleError+"kqlhunt:"+styleReset), l[len("kqlhunt:"):]...)
	case bytes.HasPrefix(l, []byte("hint: ")):
		return append([]byte(styleHint+"hint:"+styleReset), l[len("hint:"):]...)
	case caretLine.Match(bytes.TrimRight(l, "\n")):
		body := bytes.TrimRight(l, "\n")
		lead := len(body) - len(bytes.TrimLeft(body, " \t"))
		out := append([]byte{}, body[:lead]...)
		out = append(out, styleCaret...)
		out = append(out, body[lead:]...)
		out = append(out, styleReset...)
		return append(out, l[len(body):]...)
	}
	return l
}

// keepTerminal makes isTerminal answer for the wrapper of standard error
// as it does for standard error itself.
func keepTerminal(isTerminal func(any) bool, stderr io.Writer, wrapper io.Writer) func(any) bool {
	return func(w any) bool {
		if w == wrapper {
			w = stderr
		}
		return isTerminal(w)
	}
}

// keepTermSize is keepTerminal for the terminal's size.
func keepTermSize(termSize func(any) (int, int), stderr io.Writer, wrapper io.Writer) func(any) (int, int) {
	return func(w any) (int, int) {
		if w == wrapper {
			w = stderr
		}
		return termSize(w)
	}
}
