package kql

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind classifies a token.
type tokKind uint8

const (
	tEOF      tokKind = iota
	tIdent            // name, keyword, $left, $right
	tLong             // integer literal, decimal or hex
	tReal             // 1.5, 1e3
	tTimespan         // 7d, 1.5h, 10microsecond
	tString           // one string literal in any of its forms
	tTyped            // datetime(...), time(...), timespan(...), guid(...) with raw text inside
	tPunct            // operator or punctuation; text says which
	tError            // malformed input; the lexer has recorded an error
)

// token is one lexical token: a kind and its byte range in the source.
type token struct {
	kind       tokKind
	start, end int32
}

// lexer turns a query text into tokens. It runs once over the whole text,
// so the parser can look ahead freely.
type lexer struct {
	src  string
	pos  int
	toks []token
	errs ErrorList

	comments   []lexComment
	codeOnLine bool // a token precedes the current position on its line
}

// lexComment is a // comment's byte range and whether code precedes it on
// its line.
type lexComment struct {
	start, end int
	trailing   bool
}

func lex(src string) *lexer {
	lx := &lexer{src: src, toks: make([]token, 0, len(src)/4+4)}
	for {
		t := lx.next()
		lx.toks = append(lx.toks, t)
		if t.kind == tEOF {
			break
		}
		lx.codeOnLine = true
		if t.end > t.start && src[t.end-1] == '\n' {
			lx.codeOnLine = false // a multi-line string ending a line
		}
	}
	return lx
}

func (lx *lexer) errorf(start, end int, hint, format string, args ...any) {
	lx.errs.Add(&Error{Span: Span{start, end}, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// isSpaceRune reports the runes KQL treats as white space, including the
// zero-width and no-break spaces that published queries carry.
func isSpaceRune(r rune) bool {
	switch r {
	case '\u200B', '\u00A0', '\uFEFF', '\u200C', '\u200D', '\u2060':
		return true
	}
	return unicode.IsSpace(r)
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentByte(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// skipSpace skips white space and // comments.
func (lx *lexer) skipSpace() {
	src := lx.src
	for lx.pos < len(src) {
		c := src[lx.pos]
		switch {
		case c == '\n':
			lx.pos++
			lx.codeOnLine = false
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			lx.pos++
		case c == '/' && lx.pos+1 < len(src) && src[lx.pos+1] == '/':
			start := lx.pos
			for lx.pos < len(src) && src[lx.pos] != '\n' {
				lx.pos++
			}
			end := lx.pos
			// trailing white space (a CRLF line end, stray CRs or blanks) is
			// not part of the comment; the printer does not keep it either
			for end > start+2 && strings.IndexByte(" \t\r\f\v", src[end-1]) >= 0 {
				end--
			}
			lx.comments = append(lx.comments, lexComment{start, end, lx.codeOnLine})
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(src[lx.pos:])
			if !isSpaceRune(r) {
				return
			}
			lx.pos += n
		default:
			return
		}
	}
}

// typedLitNames are the literal forms whose parentheses hold raw text
// rather than tokens: datetime(2015-12-31 23:59:59.9), guid(74be…).
var typedLitNames = map[string]bool{
	"datetime": true, "date": true, "time": true, "timespan": true, "guid": true, "uuid": true, "uniqueid": true,
}

func (lx *lexer) next() token {
	lx.skipSpace()
	src := lx.src
	start := lx.pos
	if start >= len(src) {
		return token{kind: tEOF, start: int32(start), end: int32(start)}
	}
	c := src[start]
	switch {
	case isIdentStart(c) || c == '$':
		return lx.ident()
	case isDigit(c):
		return lx.number()
	case c == '\'' || c == '"':
		return lx.quoted(start, start, false)
	case c == '@' && start+1 < len(src) && (src[start+1] == '\'' || src[start+1] == '"'):
		return lx.quoted(start, start+1, true)
	case c == '`' && len(src)-start >= 3 && src[start:start+3] == "```":
		end := indexFrom(src, start+3, "```")
		if end < 0 {
			lx.pos = len(src)
			lx.errorf(start, start+3, "close it with ```", "unterminated multi-line string")
			return token{kind: tError, start: int32(start), end: int32(len(src))}
		}
		lx.pos = end + 3
		return token{kind: tString, start: int32(start), end: int32(lx.pos)}
	case c >= utf8.RuneSelf:
		r, n := utf8.DecodeRuneInString(src[start:])
		if unicode.IsLetter(r) {
			return lx.ident()
		}
		lx.pos += n
		hint := ""
		switch r {
		case '“', '”', '„', '‘', '’', '‚':
			hint = `use straight quotes " or '`
		}
		lx.errorf(start, start+n, hint, "unexpected character %q", r)
		return token{kind: tError, start: int32(start), end: int32(lx.pos)}
	}
	return lx.punct()
}

func indexFrom(s string, from int, sub string) int {
	for i := from; i+len(sub) <= len(s); i++ {
		if s[i] == sub[0] && s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func (lx *lexer) ident() token {
	src := lx.src
	start := lx.pos
	if src[start] >= utf8.RuneSelf {
		_, n := utf8.DecodeRuneInString(src[start:])
		lx.pos += n // a non-ASCII letter
	} else {
		lx.pos++ // first byte or '$'
	}
	for lx.pos < len(src) {
		c := src[lx.pos]
		if isIdentByte(c) {
			lx.pos++
			continue
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(src[lx.pos:])
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				lx.pos += n
				continue
			}
		}
		break
	}
	if c := src[start]; c == 'h' || c == 'H' {
		// h"..." and h@"..." obfuscated strings.
		if lx.pos == start+1 && lx.pos < len(src) {
			switch src[lx.pos] {
			case '\'', '"':
				return lx.quoted(start, lx.pos, false)
			case '@':
				if lx.pos+1 < len(src) && (src[lx.pos+1] == '\'' || src[lx.pos+1] == '"') {
					return lx.quoted(start, lx.pos+1, true)
				}
			}
		}
	}
	end := lx.pos
	if src[start] == '$' && end == start+1 {
		lx.errorf(start, end, "", "unexpected character '$'")
		return token{kind: tError, start: int32(start), end: int32(end)}
	}
	if typedLitNames[src[start:end]] {
		// Look past spaces for "(": the raw text runs to the matching ")".
		save, saveComments, saveCode := lx.pos, len(lx.comments), lx.codeOnLine
		lx.skipSpace()
		if lx.pos < len(src) && src[lx.pos] == '(' {
			depth := 0
			for i := lx.pos; i < len(src); i++ {
				switch src[i] {
				case '(':
					depth++
				case ')':
					depth--
					if depth == 0 {
						lx.pos = i + 1
						return token{kind: tTyped, start: int32(start), end: int32(lx.pos)}
					}
				case '\n':
					i = len(src)
				}
			}
			lx.errorf(lx.pos, lx.pos+1, "", "missing \")\" to close %s(", src[start:end])
			lx.pos = len(src)
			return token{kind: tError, start: int32(start), end: int32(len(src))}
		}
		lx.pos, lx.comments, lx.codeOnLine = save, lx.comments[:saveComments], saveCode
	}
	return token{kind: tIdent, start: int32(start), end: int32(end)}
}

// quoted lexes a string literal. start is where the token begins (at a
// prefix h or @ if any); q is the index of the opening quote.
func (lx *lexer) quoted(start, q int, verbatim bool) token {
	src := lx.src
	quote := src[q]
	i := q + 1
	for i < len(src) {
		c := src[i]
		switch {
		case c == quote:
			if verbatim && i+1 < len(src) && src[i+1] == quote {
				i += 2
				continue
			}
			lx.pos = i + 1
			return token{kind: tString, start: int32(start), end: int32(lx.pos)}
		case c == '\\' && !verbatim:
			i += 2
			continue
		case c == '\n' && !verbatim:
			i = len(src) // strings do not span lines
			continue
		}
		i++
	}
	end := min(i, len(src))
	if nl := indexFrom(src, q, "\n"); nl >= 0 && !verbatim {
		end = nl
	}
	hint := fmt.Sprintf("close the string with %c", quote)
	if strings.ContainsAny(src[q:end], "’”") {
		hint = fmt.Sprintf("a typographic quote does not close a string; use %c", quote)
	}
	lx.errorf(start, end, hint, "unterminated string literal")
	lx.pos = end
	return token{kind: tError, start: int32(start), end: int32(end)}
}

// timespanUnits maps every unit suffix of a timespan literal to its length
// in 100 ns ticks.
var timespanUnits = map[string]int64{
	"d": tickDay, "day": tickDay, "days": tickDay,
	"h": tickHour, "hr": tickHour, "hrs": tickHour, "hour": tickHour, "hours": tickHour,
	"m": tickMinute, "min": tickMinute, "minute": tickMinute, "minutes": tickMinute,
	"s": tickSecond, "sec": tickSecond, "second": tickSecond, "seconds": tickSecond,
	"ms": tickMilli, "milli": tickMilli, "millis": tickMilli, "millisecond": tickMilli, "milliseconds": tickMilli,
	"microsecond": tickMicro, "microseconds": tickMicro, "micro": tickMicro, "micros": tickMicro,
	"tick": 1, "ticks": 1,
}

// Tick lengths.
const (
	tickMicro  = 10
	tickMilli  = 10_000
	tickSecond = 10_000_000
	tickMinute = 60 * tickSecond
	tickHour   = 60 * tickMinute
	tickDay    = 24 * tickHour
)

func (lx *lexer) number() token {
	src := lx.src
	start := lx.pos
	i := start
	if src[i] == '0' && i+1 < len(src) && (src[i+1] == 'x' || src[i+1] == 'X') {
		i += 2
		for i < len(src) && (isDigit(src[i]) || src[i] >= 'a' && src[i] <= 'f' || src[i] >= 'A' && src[i] <= 'F') {
			i++
		}
		lx.pos = i
		if i == start+2 || i < len(src) && isIdentByte(src[i]) {
			for lx.pos < len(src) && isIdentByte(src[lx.pos]) {
				lx.pos++
			}
			lx.errorf(start, lx.pos, "", "invalid hexadecimal literal %q", src[start:lx.pos])
			return token{kind: tError, start: int32(start), end: int32(lx.pos)}
		}
		return token{kind: tLong, start: int32(start), end: int32(i)}
	}
	kind := tLong
	for i < len(src) && isDigit(src[i]) {
		i++
	}
	if i < len(src) && src[i] == '.' && (i+1 == len(src) || src[i+1] != '.' && !isIdentStart(src[i+1])) {
		// 1000. is a real; 1..5 is a range and 1.x no number at all
		kind = tReal
		i++
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && isDigit(src[j]) {
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			kind = tReal
			i = j
		}
	}
	if i < len(src) && isIdentStart(src[i]) {
		j := i
		for j < len(src) && isIdentByte(src[j]) {
			j++
		}
		lx.pos = j
		if _, ok := timespanUnits[src[i:j]]; ok {
			return token{kind: tTimespan, start: int32(start), end: int32(j)}
		}
		if kind == tLong {
			// A name that starts with digits, such as 2022MostExploited.
			return token{kind: tIdent, start: int32(start), end: int32(j)}
		}
		lx.errorf(start, j, "timespan units are d, h, m, s, ms, microsecond, tick", "invalid number %q", src[start:j])
		return token{kind: tError, start: int32(start), end: int32(j)}
	}
	lx.pos = i
	return token{kind: kind, start: int32(start), end: int32(i)}
}

// punctuation, longest first within each leading byte.
var puncts = []string{
	"==", "!=", "=~", "!~", "<=", ">=", "<>", "=>", "..",
	"|", "(", ")", "[", "]", "{", "}", ",", ";", ":", ".", "=", "<", ">",
	"+", "-", "*", "/", "%", "!", "~", "?", "@",
}

func (lx *lexer) punct() token {
	src := lx.src
	start := lx.pos
	for _, p := range puncts {
		if len(src)-start >= len(p) && src[start:start+len(p)] == p {
			lx.pos += len(p)
			return token{kind: tPunct, start: int32(start), end: int32(lx.pos)}
		}
	}
	lx.pos++
	lx.errorf(start, start+1, "", "unexpected character %q", src[start])
	return token{kind: tError, start: int32(start), end: int32(lx.pos)}
}
