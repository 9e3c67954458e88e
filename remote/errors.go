package remote

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
)

// ServiceError is an error the service reported: its HTTP status (0 for
// an error inside a 200 response), its error code and message, and the
// position in the query when the service gave one.
type ServiceError struct {
	Service string // "adx", "loganalytics", "defender"
	Status  int
	Code    string // the service's most specific code, e.g. "SEM0100"
	// Codes are all the codes of the error and its inner errors, outer
	// first ("BadArgumentError", "SemanticError", "SEM0100").
	Codes   []string
	Message string // the service's message, with the inner errors' messages
	// Line and Column are the 1-based position in the query the service
	// reported (0 when it gave none); Span is the same as a byte range.
	Line, Column int
	Span         *kql.Span
	RetryAfter   time.Duration // for 429: what the service asked to wait
	// detail is the innermost message, shown under the query text.
	detail string
}

func (e *ServiceError) Error() string {
	var b strings.Builder
	b.WriteString(e.Service)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.Status)
	}
	if len(e.Codes) > 0 {
		b.WriteString(": " + strings.Join(e.Codes, "/"))
	} else if e.Code != "" {
		b.WriteString(": " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, " (line %d, column %d)", e.Line, e.Column)
	}
	switch e.Status {
	case 401:
		b.WriteString("\nhint: the access token was refused: sign in again (az login) or check the token's audience (resource)")
	case 403:
		b.WriteString("\nhint: the identity has no permission to query here (see README: permissions)")
	case 429:
		if e.RetryAfter > 0 {
			fmt.Fprintf(&b, "\nhint: throttled: the service asks to retry after %s", e.RetryAfter)
		}
	}
	return b.String()
}

// Unwrap gives a positioned error as a kql.ErrorList, so that callers
// show it under the query text like the checker's errors.
func (e *ServiceError) Unwrap() error {
	if e.Span == nil {
		return nil
	}
	msg := e.Service + ": "
	if e.Code != "" {
		msg += e.Code + ": "
	}
	text := e.detail
	if text == "" {
		text = e.Message
	}
	return kql.ErrorList{{Span: *e.Span, Msg: msg + text}}
}

// lineRE finds the position Kusto writes in its messages: "... on line [2,15]".
var lineRE = regexp.MustCompile(`line \[(\d+),(\d+)\]`)

// locate sets the error's span from line and column (1-based; Kusto's
// position in the line is 0-based, as in "on line [1,6]", and is given as
// such) in src.
func (e *ServiceError) locate(src string, line, pos int) {
	if line <= 0 || pos < 0 {
		return
	}
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(src[off:], '\n')
		if i < 0 {
			return
		}
		off += i + 1
	}
	end := strings.IndexByte(src[off:], '\n')
	if end < 0 {
		end = len(src) - off
	}
	// pos counts characters
	col := 0
	for i := range src[off : off+end] {
		if col == pos {
			off += i
			e.Line, e.Column = line, pos+1
			e.Span = &kql.Span{Start: off, End: off + 1}
			return
		}
		col++
	}
	e.Line, e.Column = line, col+1
	e.Span = &kql.Span{Start: off + end, End: off + end}
}

// RefusedError is a query kqlhunt would not send.
type RefusedError struct{ Reason string }

func (e *RefusedError) Error() string { return e.Reason }

// TruncatedError is a response that ended before it was complete (the
// connection dropped, the body was cut off): no result is returned.
type TruncatedError struct {
	Service string
	Detail  string
}

func (e *TruncatedError) Error() string {
	return e.Service + ": the response was cut off before it was complete (" + e.Detail + "): no result is shown; run the query again"
}

// PartialError is a result the service returned incompletely: it holds
// the rows that came back, and why they are not all of them. Callers may
// show Result, but must report the error.
type PartialError struct {
	Result *exec.Result
	Err    error
}

func (e *PartialError) Error() string {
	return fmt.Sprintf("partial result (%d rows returned, more may exist): %v", len(e.Result.Rows), e.Err)
}

func (e *PartialError) Unwrap() error { return e.Err }

// errorBody reads the error shapes the services share:
// {"error": {"code", "message", "details": [...], "innererror": {...}}},
// with Kusto's "@message" and Log Analytics' nested inner errors that
// carry "line" and "pos".
type errorBody struct {
	Error *oneAPIError `json:"error"`
}

type oneAPIError struct {
	Code          string         `json:"code"`
	Message       string         `json:"message"`
	Target        string         `json:"target"`
	AtMessage     string         `json:"@message"`
	AtErrorCode   string         `json:"@errorCode"`
	AtType        string         `json:"@type"`
	Details       []*oneAPIError `json:"details"`
	InnerError    *oneAPIError   `json:"innererror"`
	AtInnerError  *oneAPIError   `json:"@innererror"`
	Line          *int           `json:"line"`
	Pos           *int           `json:"pos"`
	AtLine        *int           `json:"@line"`
	AtPos         *int           `json:"@pos"`
	ErrorCodeAlt  string         `json:"errorCode"`
	MessageDetail string         `json:"detail"`
}

// serviceError turns a OneApi error into a ServiceError for src: the
// code is the most specific one, the message joins the distinct messages
// of the chain, and the position is the first one found.
func serviceError(service string, status int, e *oneAPIError, src string) *ServiceError {
	se := &ServiceError{Service: service, Status: status}
	var msgs []string
	seen := map[string]bool{}
	line, pos := 0, -1
	var walk func(x *oneAPIError, depth int)
	walk = func(x *oneAPIError, depth int) {
		if x == nil || depth > 8 {
			return
		}
		for _, c := range []string{x.Code, x.ErrorCodeAlt, x.AtErrorCode} {
			if c == "" || slices.Contains(se.Codes, c) {
				continue
			}
			se.Codes = append(se.Codes, c)
			if strings.Trim(c, "-0123456789") != "" {
				se.Code = c // inner codes are more specific
			}
		}
		for _, m := range []string{x.Message, x.AtMessage, x.MessageDetail} {
			m = strings.TrimSpace(m)
			if m != "" && !seen[m] {
				seen[m] = true
				msgs = append(msgs, m)
			}
			if m != "" && line == 0 {
				if sm := lineRE.FindStringSubmatch(m); sm != nil {
					line, pos = atoi(sm[1]), atoi(sm[2])
				}
			}
		}
		if line == 0 {
			switch {
			case x.Line != nil && x.Pos != nil:
				line, pos = *x.Line, *x.Pos
			case x.AtLine != nil && x.AtPos != nil:
				line, pos = *x.AtLine, *x.AtPos
			}
		}
		walk(x.InnerError, depth+1)
		walk(x.AtInnerError, depth+1)
		for _, d := range x.Details {
			walk(d, depth+1)
		}
	}
	walk(e, 0)
	se.Message = strings.Join(msgs, ": ")
	if len(msgs) > 0 {
		se.detail = msgs[len(msgs)-1]
	}
	if line > 0 && pos >= 0 {
		se.locate(src, line, pos)
	}
	return se
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
		if n > 1<<30 {
			return 0
		}
	}
	return n
}
