package translate

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tok is one word, number, entity or quoted string of a prompt, with its
// place in the prompt.
type tok struct {
	orig   string // as typed (without quotes for a quoted string)
	low    string // lower case
	norm   string // normalised stem ("" for a word folded into the one before)
	quoted bool
	punct  bool // , ; ? ! ( ) and the like
	start  int  // byte offsets in the prompt
	end    int
	used   bool // taken by something understood
}

// tokenize splits a prompt into toks. Double-quoted text, and single-quoted
// text that starts after a space or bracket, is one token; other tokens
// run to the next space or punctuation, so entities such as 10.0.0.1/24,
// user@example.com and C:\Windows\system32 stay whole.
func tokenize(p string) []*tok {
	var out []*tok
	i := 0
	for i < len(p) {
		r, size := utf8.DecodeRuneInString(p[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
		case r == '"' || r == '\'' && (i == 0 || strings.ContainsRune(" \t\n([{,:=", rune(p[i-1]))):
			if j := closingQuote(p, i+1, byte(r)); j > i {
				t := &tok{orig: p[i+1 : j], quoted: true, start: i, end: j + 1}
				t.low = strings.ToLower(t.orig)
				out = append(out, t)
				i = j + 1
				continue
			}
			i += size
		case strings.ContainsRune(",;?!()[]{}", r):
			out = append(out, &tok{orig: string(r), low: string(r), punct: true, start: i, end: i + size})
			i += size
		default:
			j := i
			for j < len(p) {
				r2, s2 := utf8.DecodeRuneInString(p[j:])
				if unicode.IsSpace(r2) || strings.ContainsRune(",;?!()[]{}\"", r2) {
					break
				}
				j += s2
			}
			w := p[i:j]
			// Sentence punctuation at the end of a word is not part of it.
			trimmed := strings.TrimRight(w, ".:")
			if trimmed == "" {
				i = j
				continue
			}
			t := &tok{orig: trimmed, low: strings.ToLower(trimmed), start: i, end: i + len(trimmed)}
			// "didn't", "VM's": the apostrophe's suffix is grammar.
			if k := strings.IndexByte(t.low, '\''); k > 0 {
				t.low = t.low[:k] + strings.ReplaceAll(t.low[k:], "'", "")
			}
			out = append(out, t)
			i = j
		}
	}
	normalizeToks(out)
	return out
}

func closingQuote(p string, from int, q byte) int {
	for j := from; j < len(p); j++ {
		if p[j] == q {
			if q == '\'' && j+1 < len(p) && !strings.ContainsRune(" \t\n.,;:?!)]}", rune(p[j+1])) {
				continue
			}
			if j == from {
				return -1
			}
			return j
		}
		if p[j] == '\n' {
			return -1
		}
	}
	return -1
}

// normalizeToks sets each token's norm, folding two-word compounds ("sign
// in", "log on", "ip address") into the first word.
func normalizeToks(ts []*tok) {
	for i, t := range ts {
		if t.punct {
			continue
		}
		if t.quoted {
			t.norm = strings.Join(normWords(t.low), " ")
			continue
		}
		if t.norm == "-" { // folded already
			t.norm = ""
			continue
		}
		low := strings.Trim(t.low, ".-'")
		if i+1 < len(ts) && !ts[i+1].punct && !ts[i+1].quoted {
			pair := low + " " + ts[i+1].low
			if f := normText(pair); f != pair && !strings.Contains(f, " ") {
				t.norm = stem(f)
				ts[i+1].norm = "-"
				continue
			}
		}
		ws := normWords(low)
		t.norm = strings.Join(ws, " ")
		if len(ws) == 1 {
			t.norm = ws[0]
		}
	}
}
