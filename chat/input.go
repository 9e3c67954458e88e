package chat

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/translate"
)

// NeedsMore reports whether text is an unfinished query that continues on
// the next line: it ends with a pipe, or a bracket or string is still open.
func NeedsMore(text string) bool {
	t := strings.TrimSpace(text)
	if t == "" {
		return false
	}
	if strings.HasSuffix(t, "|") {
		return true
	}
	depth := 0
	var quote rune
	rs := []rune(t)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if quote != 0 {
			switch {
			case r == '\\' && quote != '`':
				i++
			case r == quote:
				quote = 0
			}
			continue
		}
		switch r {
		case '"', '\'':
			quote = r
		case '/':
			// A // comment runs to the end of its line.
			if i+1 < len(rs) && rs[i+1] == '/' {
				for i < len(rs) && rs[i] != '\n' {
					i++
				}
			}
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		}
	}
	return depth > 0 || quote != 0
}

var reEscape = regexp.MustCompile(`\x1b(O[ -~]|\[[0-9;?<>=!]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[@-Z\\-_]|$)`)

// CleanInput removes terminal escape sequences (an arrow key read by a
// terminal without line editing sends ESC [ A) and other control
// characters but line breaks and tabs: they never become part of a prompt.
func CleanInput(s string) string {
	s = reEscape.ReplaceAllString(s, "")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return '\n'
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return -1
		}
		return r
	}, s)
}

var reQuoted = regexp.MustCompile(`"([^"]{1,80})"`)

// Options are the choices a clarifying question offers, in order: the
// list after its colon ("What do you want to see for fs01: alerts,
// processes, or a timeline?"), else the phrases it quotes; 2 to 6 of
// them, else none.
func Options(question string) []string {
	opts := listOptions(question)
	if len(opts) == 0 {
		for _, m := range reQuoted.FindAllStringSubmatch(question, -1) {
			o := strings.TrimSpace(m[1])
			if o == "" || containsString(opts, o) {
				continue
			}
			opts = append(opts, o)
		}
	}
	if len(opts) < 2 || len(opts) > 6 {
		return nil
	}
	return opts
}

// listOptions reads "...: a, b, or c?" into a, b, c.
func listOptions(q string) []string {
	i := strings.LastIndex(q, ": ")
	if i < 0 || !strings.HasSuffix(strings.TrimSpace(q), "?") {
		return nil
	}
	list := strings.TrimSuffix(strings.TrimSpace(q[i+2:]), "?")
	if strings.ContainsAny(list, ".:;\"()") {
		return nil
	}
	var opts []string
	for _, part := range strings.Split(list, ", ") {
		for _, o := range strings.Split(part, " or ") {
			o = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(o), "or "))
			if o == "" || len(strings.Fields(o)) > 6 || containsString(opts, o) {
				continue
			}
			opts = append(opts, o)
		}
	}
	return opts
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// PickOption maps an answer to a numbered question: "2" (or "2." or
// "option 2") is the second option's words; anything else is kept.
func PickOption(answer string, opts []string) string {
	a := strings.TrimSpace(strings.ToLower(answer))
	a = strings.TrimPrefix(a, "option ")
	a = strings.TrimSuffix(a, ".")
	n, err := strconv.Atoi(a)
	if err != nil || n < 1 || n > len(opts) {
		return answer
	}
	return opts[n-1]
}

// FocusKinds are the kinds of entity a conversation can focus on.
var FocusKinds = []string{"incident", "alert", "device", "user"}

// ParseFocus reads "incident 1041", "alert da6370...", "device fs01",
// "user alice@contoso.com".
func ParseFocus(text string) (*translate.Entity, error) {
	kind, id, _ := strings.Cut(strings.TrimSpace(text), " ")
	return NewFocus(kind, id)
}

// NewFocus checks a focus given as a kind and an ID.
func NewFocus(kind, id string) (*translate.Entity, error) {
	kind = strings.ToLower(strings.TrimSpace(kind))
	id = strings.TrimSpace(id)
	switch kind {
	case "incident", "alert", "device", "user":
	case "account":
		kind = "user"
	case "host", "machine":
		kind = "device"
	default:
		return nil, fmt.Errorf("unknown focus %q: want incident N, alert ID, device NAME or user UPN", kind)
	}
	if id == "" || strings.ContainsAny(id, "\"\n") {
		return nil, fmt.Errorf("focus %s: want one %s %s", kind, kind, map[string]string{"incident": "number", "alert": "ID", "device": "name", "user": "UPN"}[kind])
	}
	if kind == "incident" {
		if _, err := strconv.ParseInt(strings.TrimPrefix(id, "#"), 10, 64); err != nil {
			return nil, fmt.Errorf("focus incident %q: an incident is a number, e.g. 1041", id)
		}
		id = strings.TrimPrefix(id, "#")
	}
	return &translate.Entity{Kind: kind, ID: id}, nil
}

// FocusLabel is how a focus is shown in the prompt: "incident 1041".
func FocusLabel(e *translate.Entity) string {
	if e == nil {
		return ""
	}
	return e.Kind + " " + e.ID
}

var (
	reThisDevice = regexp.MustCompile(`(?i)\b(this|that|the)\s+(device|host|machine|endpoint|computer|server)\b`)
	reThisUser   = regexp.MustCompile(`(?i)\b(this|that|the)\s+(user|account|person)\b|\b(these|those|the)\s+users\b`)
)

// ResolveFocus names the device or user in focus where the prompt says
// "this device" or "that user", so the translator sees the name ("this
// incident" it resolves itself, from the context's focus).
func ResolveFocus(prompt string, f *translate.Entity) string {
	if f == nil || f.ID == "" {
		return prompt
	}
	switch f.Kind {
	case "device":
		return reThisDevice.ReplaceAllLiteralString(prompt, f.ID)
	case "user":
		return reThisUser.ReplaceAllLiteralString(prompt, f.ID)
	}
	return prompt
}
