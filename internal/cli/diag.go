package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"

	"github.com/kqlhunt/kqlhunt/kql"
	"github.com/kqlhunt/kqlhunt/render"
)

// maxDiagnostics is how many errors of one text are shown in full; the
// rest are counted.
const maxDiagnostics = 10

// diagnostic is one positioned problem in a query text, with 1-based
// lines and columns (columns count runes; the end is exclusive). It is
// also the JSON form of `check --format json`.
type diagnostic struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	EndLine int    `json:"end_line"`
	EndCol  int    `json:"end_col"`
	Message string `json:"message"`
	Hint    string `json:"hint"` // "" when there is none: every object has every key

	span kql.Span
}

// kqlErrors returns the positioned errors in err, or nil when err is not
// a kql.ErrorList or *kql.Error.
func kqlErrors(err error) []*kql.Error {
	var list kql.ErrorList
	if errors.As(err, &list) {
		return list
	}
	var one *kql.Error
	if errors.As(err, &one) {
		return []*kql.Error{one}
	}
	return nil
}

// diagnostics converts the positioned errors in err to diagnostics of file.
func diagnostics(file, src string, err error) []diagnostic {
	errs := kqlErrors(err)
	out := make([]diagnostic, 0, len(errs))
	// An error at the end of the text ("expected an expression, found end
	// of query") is shown just after the last token, not on the blank
	// line after it.
	end := len(strings.TrimRight(src, " \t\r\n"))
	for _, e := range errs {
		sp := clampSpan(e.Span, len(src))
		if sp.Start > end {
			sp = kql.Span{Start: end, End: end}
		}
		line, col := kql.LineCol(src, sp.Start)
		endLine, endCol := kql.LineCol(src, sp.End)
		out = append(out, diagnostic{
			File: file, Line: line, Col: col, EndLine: endLine, EndCol: endCol,
			Message: e.Msg, Hint: e.Hint, span: sp,
		})
	}
	return out
}

func clampSpan(sp kql.Span, n int) kql.Span {
	sp.Start = min(max(sp.Start, 0), n)
	sp.End = min(max(sp.End, sp.Start), n)
	return sp
}

// writeDiagnostics prints the positioned errors in err as
//
//	kqlhunt: FILE:LINE:COL: message
//	    <the source line>
//	    ^~~~
//	hint: ...
//
// and reports whether err held any. At most maxDiagnostics are shown.
func writeDiagnostics(w io.Writer, file, src string, err error) bool {
	return writeDiagnosticsPrefix(w, "kqlhunt: "+file+":", src, err)
}

// writeDiagnosticsPrefix is writeDiagnostics with the text before
// LINE:COL given: "kqlhunt: FILE:" on stderr, nothing where the file is
// named elsewhere.
func writeDiagnosticsPrefix(w io.Writer, prefix, src string, err error) bool {
	ds := diagnostics("", src, err)
	if len(ds) == 0 {
		return false
	}
	for i, d := range ds {
		if i == maxDiagnostics {
			fmt.Fprintf(w, "%s and %d more errors\n", prefix, len(ds)-i)
			break
		}
		fmt.Fprintf(w, "%s%d:%d: %s\n", prefix, d.Line, d.Col, render.Sanitize(d.Message))
		writeCaret(w, src, d.span)
		if d.Hint != "" {
			fmt.Fprintf(w, "hint: %s\n", render.Sanitize(d.Hint))
		}
	}
	return true
}

// diagnosticError is a query's positioned errors rendered as text
// (LINE:COL: message, the source line, a caret, a hint), for reports that
// name the file themselves.
type diagnosticError struct {
	text string
	err  error
}

func (d *diagnosticError) Error() string { return d.text }
func (d *diagnosticError) Unwrap() error { return d.err }

// withPositions returns err as a diagnosticError when it has positions in
// src, and as it is otherwise.
func withPositions(src string, err error) error {
	var b strings.Builder
	if !writeDiagnosticsPrefix(&b, "", src, err) {
		return err
	}
	return &diagnosticError{text: strings.TrimRight(b.String(), "\n"), err: err}
}

// writeCaret prints the source line holding sp.Start, and under it a caret
// at the start of the span with tildes to its end (or to the end of the
// line when the span runs on). Tabs in the line are kept in the caret
// line, so the caret lines up in any terminal.
func writeCaret(w io.Writer, src string, sp kql.Span) {
	lineStart := strings.LastIndexByte(src[:sp.Start], '\n') + 1
	lineEnd := len(src)
	if i := strings.IndexByte(src[sp.Start:], '\n'); i >= 0 {
		lineEnd = sp.Start + i
	}
	line := strings.TrimRight(src[lineStart:lineEnd], "\r")
	if strings.TrimSpace(line) == "" && sp.Start >= len(src) {
		// An error at the end of the text (an unfinished query): show the
		// last line that has something on it.
		trimmed := strings.TrimRight(src, " \t\r\n")
		if trimmed == "" {
			return
		}
		lineStart = strings.LastIndexByte(trimmed, '\n') + 1
		line = trimmed[lineStart:]
		sp = kql.Span{Start: len(trimmed), End: len(trimmed)}
	}
	fmt.Fprintf(w, "    %s\n", render.SanitizeLines(line))

	var b strings.Builder
	b.WriteString("    ")
	before := src[lineStart:min(sp.Start, lineStart+len(line))]
	for k := 0; k < len(before); {
		r, size := utf8.DecodeRuneInString(before[k:])
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteString(strings.Repeat(" ", runewidth.StringWidth(render.SanitizeLines(before[k:k+size]))))
		}
		k += size
	}
	b.WriteByte('^')
	end := min(sp.End, lineStart+len(line))
	if end > sp.Start {
		width := runewidth.StringWidth(render.SanitizeLines(src[sp.Start:end]))
		if width > 1 {
			b.WriteString(strings.Repeat("~", width-1))
		}
	}
	fmt.Fprintln(w, b.String())
}
