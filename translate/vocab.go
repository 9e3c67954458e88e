package translate

import (
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Vocabulary is what the active dataset calls things: the device, account
// and file names in it. The translator grounds the words of a prompt in
// it ("fs01" is the device fs01.corp.contoso.com, "svc-backup" an account,
// "xmrig" a process). The caller (chat) fills it from the dataset; an
// empty Vocabulary still works, on patterns alone. Its fields must not
// change once it is in use; it is safe for concurrent use.
type Vocabulary struct {
	Devices  []string // DeviceName values
	Accounts []string // account names (AccountName)
	UPNs     []string // user principal names
	Files    []string // process and file names (FileName)
	// Values are the distinct values of the low-cardinality columns of
	// GroundedColumns: table → column → values.
	Values map[string]map[string][]string
	// Empty lists, per table of a user's dataset, the columns its rows
	// leave empty (the schema has them, the files do not): the translator
	// does not pick them for a filter, and lists the others. Nil when not
	// known.
	Empty map[string][]string

	once      sync.Once
	devIndex  map[string][]string // lower-case full or short name → device names
	acctIndex map[string]string
	fileIndex map[string][]string // lower-case name without extension → file names
}

func (v *Vocabulary) index() {
	if v == nil {
		return
	}
	v.once.Do(v.buildIndex)
}

func (v *Vocabulary) buildIndex() {
	v.devIndex = map[string][]string{}
	for _, d := range v.Devices {
		l := strings.ToLower(d)
		v.devIndex[l] = appendUnique(v.devIndex[l], d)
		if short, _, ok := strings.Cut(l, "."); ok {
			v.devIndex[short] = appendUnique(v.devIndex[short], d)
		}
	}
	v.acctIndex = map[string]string{}
	for _, a := range v.Accounts {
		v.acctIndex[strings.ToLower(a)] = a
	}
	for _, u := range v.UPNs {
		v.acctIndex[strings.ToLower(u)] = u
	}
	v.fileIndex = map[string][]string{}
	for _, f := range v.Files {
		l := strings.ToLower(f)
		base := strings.TrimSuffix(l, ".exe")
		v.fileIndex[base] = appendUnique(v.fileIndex[base], f)
		if base != l {
			v.fileIndex[l] = appendUnique(v.fileIndex[l], f)
		}
	}
}

func appendUnique(xs []string, x string) []string {
	if slices.Contains(xs, x) {
		return xs
	}
	return append(xs, x)
}

// device returns the device names a word stands for.
func (v *Vocabulary) device(word string) []string {
	if v == nil {
		return nil
	}
	v.index()
	return v.devIndex[strings.ToLower(word)]
}

// account returns the account name a word is, if any.
func (v *Vocabulary) account(word string) (string, bool) {
	if v == nil {
		return "", false
	}
	v.index()
	a, ok := v.acctIndex[strings.ToLower(word)]
	return a, ok
}

// files returns the file names a process word stands for ("powershell" →
// powershell.exe).
func (v *Vocabulary) files(word string) []string {
	if v == nil {
		return nil
	}
	v.index()
	return v.fileIndex[strings.ToLower(word)]
}

// deviceWords are the lower-case names (full and short) of every device,
// longest first, for matching in a prompt.
func (v *Vocabulary) deviceWords() []string {
	if v == nil {
		return nil
	}
	v.index()
	var out []string
	for w := range v.devIndex {
		out = append(out, w)
	}
	slices.Sort(out)
	sortLongestFirst(out)
	return out
}

func (v *Vocabulary) accountWords() []string {
	if v == nil {
		return nil
	}
	v.index()
	var out []string
	for w := range v.acctIndex {
		// Short or common words are not names in a sentence.
		if len(w) < 5 || stopwords[w] || !strings.ContainsAny(w, "._-@0123456789") {
			continue
		}
		out = append(out, w)
	}
	slices.Sort(out)
	sortLongestFirst(out)
	return out
}

// maxGroundedValues is the most distinct values a column may have to be
// matched against prompts; more means it is not categorical.
const maxGroundedValues = 50

var reCamel = lazyRegexp(`([a-z])([A-Z])`)

// groundValues finds values of the subject's categorical columns named in
// what is left of the prompt ("blocked" → DeliveryAction == "Blocked"),
// blanking them.
func (v *Vocabulary) groundValues(sub *subject, s *scanner) []Filter {
	if v == nil || s == nil || v.Values[sub.table] == nil {
		return nil
	}
	type cand struct {
		col, val, phrase string
	}
	var cands []cand
	for _, col := range sub.values {
		vals := v.Values[sub.table][col]
		if len(vals) > maxGroundedValues {
			continue
		}
		words := map[string][]string{}
		for _, val := range vals {
			ps := valuePhrases(val)
			for _, p := range ps {
				cands = append(cands, cand{col, val, p})
			}
			if len(ps) > 0 {
				for _, w := range strings.Fields(ps[0]) {
					words[w] = appendUnique(words[w], val)
				}
			}
		}
		if strings.HasSuffix(col, "Action") || strings.HasSuffix(col, "ActionType") {
			// "logons that failed": a word only one action has.
			for w, vs := range words {
				if len(vs) == 1 && len(w) >= 5 && !stopwords[w] {
					cands = append(cands, cand{col, vs[0], w})
				}
			}
		}
	}
	// Longest phrases first: "defender for identity" before "identity".
	slices.SortStableFunc(cands, func(a, b cand) int {
		if d := len(b.phrase) - len(a.phrase); d != 0 {
			return d
		}
		return strings.Compare(a.phrase+a.val, b.phrase+b.val)
	})
	byCol := map[string][]string{}
	var order []string
	for _, c := range cands {
		words := strings.Fields(c.phrase)
		for i, w := range words {
			words[i] = regexp.QuoteMeta(w)
		}
		re := lazyRegexp(`(?:^|[^\w@.-])(` + strings.Join(words, `[\s_-]+`) + `(?:s|es)?)(?:$|[^\w@-])`)
		loc := s.findIndex(re)
		if loc == nil {
			continue
		}
		s.blank(loc[2], loc[3])
		if _, seen := byCol[c.col]; !seen {
			order = append(order, c.col)
		}
		byCol[c.col] = appendUnique(byCol[c.col], c.val)
	}
	var out []Filter
	for _, col := range order {
		out = append(out, Filter{Dim: "column", Column: col, Values: byCol[col], Op: "exact"})
	}
	return out
}

// valuePhrases are the ways a prompt may name a stored value:
// "LogonFailed" → "logon failed", "failed logon"; "Microsoft Defender for
// Identity" → "defender for identity".
func valuePhrases(val string) []string {
	if len(val) < 4 || strings.IndexFunc(val, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }) < 0 {
		return nil
	}
	base := strings.ToLower(reCamel.ReplaceAllString(val, "$1 $2"))
	base = strings.Join(strings.FieldsFunc(base, func(r rune) bool { return r == ' ' || r == '-' || r == '_' || r == '.' || r == ',' }), " ")
	if base == "" || stopwords[base] || genericValues[base] {
		return nil
	}
	out := []string{base}
	if rest, ok := strings.CutPrefix(base, "microsoft "); ok && strings.Contains(rest, " ") {
		out = append(out, rest)
	}
	if f := strings.Fields(base); len(f) == 2 {
		out = append(out, f[1]+" "+f[0])
	}
	return out
}

// genericValues are stored values too vague to be named by a prompt word.
var genericValues = map[string]bool{"none": true, "other": true, "unknown": true, "true": true, "false": true, "null": true, "empty": true, "default": true}
