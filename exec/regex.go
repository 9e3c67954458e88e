package exec

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// KQL regular expressions are RE2 [D:re2-library], but published queries
// also use a few .NET spellings that RE2 writes differently. rewriteRegex
// turns those into RE2's, where the meaning is the same:
//
//   - (?<name>...) and (?'name'...) named groups → (?P<name>...)
//   - \uXXXX → \x{XXXX}
//
// and rejects, naming the construct, what RE2 cannot do at all:
// back-references (\1, \k<name>), lookahead and lookbehind.
func rewriteRegex(s string) (string, error) {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '\\' && i+1 < len(s):
			next := s[i+1]
			switch {
			case next == 'u' && i+5 < len(s) && isHex(s[i+2:i+6]):
				b.WriteString(`\x{` + s[i+2:i+6] + `}`)
				i += 5
				continue
			case next >= '1' && next <= '9' && !inClass:
				return "", fmt.Errorf("back-reference \\%c is not supported: the RE2 engine has no back-references", next)
			case next == 'k' && i+2 < len(s) && (s[i+2] == '<' || s[i+2] == '\''):
				return "", fmt.Errorf("back-reference \\k<name> is not supported: the RE2 engine has no back-references")
			}
			b.WriteByte(ch)
			b.WriteByte(next)
			i++
			continue
		case inClass:
			if ch == ']' {
				inClass = false
			}
		case ch == '[':
			inClass = true
			b.WriteByte(ch)
			// a ] right after [ or [^ is a literal
			if i+1 < len(s) && s[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
			if i+1 < len(s) && s[i+1] == ']' {
				b.WriteByte(']')
				i++
			}
			continue
		case ch == '(' && strings.HasPrefix(s[i:], "(?"):
			rest := s[i+2:]
			switch {
			case strings.HasPrefix(rest, "<=") || strings.HasPrefix(rest, "<!"):
				return "", fmt.Errorf("lookbehind %q is not supported by the RE2 engine", s[i:i+4])
			case strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, "!"):
				return "", fmt.Errorf("lookahead %q is not supported by the RE2 engine", s[i:i+3])
			case strings.HasPrefix(rest, "<"):
				b.WriteString("(?P<")
				i += 2
				continue
			case strings.HasPrefix(rest, "'"):
				end := strings.IndexByte(rest[1:], '\'')
				if end > 0 {
					b.WriteString("(?P<" + rest[1:1+end] + ">")
					i += 2 + end + 1
					continue
				}
			}
		}
		b.WriteByte(ch)
	}
	out := b.String()
	if _, err := regexp.Compile(out); err != nil {
		return "", err
	}
	return out, nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// regexVal checks a regular-expression argument and, when it is a
// constant, returns it in RE2's spelling (rewriteRegex).
func regexVal(n kql.Node, v val) (val, error) {
	s, ok := v.isConstString()
	if !ok {
		return v, nil
	}
	re, err := rewriteRegex(s)
	if err != nil {
		return v, errAt(n, "invalid regular expression %q: %v", s, err)
	}
	if re == s {
		return v, nil
	}
	return val{sql: quoteString(re), t: kql.TString, lit: &kql.Literal{Kind: kql.LitString, Str: re}}, nil
}
