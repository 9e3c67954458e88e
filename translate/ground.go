package translate

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// The grounded translator: a prompt read against the Catalog of the
// active schema and data, not against a list of subjects. It picks the
// table the prompt's words, column names and values point at, turns
// "X is Y", "X contains Y", thresholds, entities, known values and time
// phrases into filters, and counts, groupings, top N, latest-per,
// aggregates, projections and sorting into the pipeline. It answers a
// clear question in one go and says what it assumed.

// word is one normalised word of a prompt and the token it came from.
type word struct {
	w string
	t int
}

// gprompt is a prompt as the grounded translator reads it.
type gprompt struct {
	names  *Vocabulary     // the dataset's names (nil without a dataset)
	vocab  map[string]bool // the catalogue's words (set before understanding)
	clause int             // the first token of the first relative clause (0: not found yet)
	text   string
	toks   []*tok
	words  []word
	now    time.Time
	tr     *TimeRange
	notes  []string
}

func newGPrompt(prompt string, now time.Time) (*gprompt, error) {
	g := &gprompt{text: prompt, now: now}
	s := newScanner(prompt)
	tr, err := extractTime(s, now)
	if err != nil {
		return nil, err
	}
	g.tr = tr
	g.toks = tokenize(s.orig)
	if tr != nil {
		// Tokens inside the time phrase are used.
		for _, t := range g.toks {
			if t.start < len(s.text) && strings.TrimSpace(s.text[t.start:min(t.end, len(s.text))]) == "" {
				t.used = true
			}
		}
	}
	for i, t := range g.toks {
		if t.punct || t.quoted || t.norm == "" {
			continue
		}
		for _, w := range strings.Fields(t.norm) {
			g.words = append(g.words, word{w, i})
		}
	}
	return g, nil
}

// span is a run of tokens [from, to) that names something.
type span struct{ from, to int }

// mention is a column named in the prompt.
type mention struct {
	col *CatColumn
	span
	exact bool
}

// findSeq finds the words ws in order in the prompt's words, allowing
// stop words between them, starting at word index from; it returns the
// token span, or false.
func (g *gprompt) findSeq(ws []string, from int, skipUsed bool) (span, int, bool) {
	if len(ws) == 0 {
		return span{}, 0, false
	}
	for i := from; i < len(g.words); i++ {
		if g.words[i].w != ws[0] || skipUsed && g.toks[g.words[i].t].used {
			continue
		}
		k, j := 1, i+1
		for k < len(ws) && j < len(g.words) {
			if g.words[j].w == ws[k] && !(skipUsed && g.toks[g.words[j].t].used) {
				k++
				j++
				continue
			}
			if stopwords[g.words[j].w] || groundStop[g.words[j].w] {
				j++
				continue
			}
			break
		}
		if k == len(ws) {
			end := g.words[j-1].t + 1
			// A word folded into the last one ("ip address") is part of it.
			for end < len(g.toks) && !g.toks[end].punct && !g.toks[end].quoted && g.toks[end].norm == "" {
				end++
			}
			return span{g.words[i].t, end}, i, true
		}
	}
	return span{}, 0, false
}

// tableScore is how strongly the prompt points at t.
func (c *Catalog) tableScore(g *gprompt, t *CatTable) (float64, []span) {
	var score float64
	var used []span
	lname := strings.ToLower(t.Name)
	for i, tk := range g.toks {
		if tk.punct || tk.quoted {
			continue
		}
		l := strings.TrimSuffix(tk.low, "s")
		if tk.low == lname || l == lname || l == strings.TrimSuffix(lname, "s") {
			// The table's own name: decisive when it is a compound name
			// or written as the table is.
			if len(t.words) > 1 || tk.orig == t.Name || tk.orig == t.Name+"s" || i+1 < len(g.toks) && g.toks[i+1].low == "table" {
				// Once: the same word again may be part of a column name
				// ("from Event table ... by Event ID").
				if len(used) == 0 || i+1 < len(g.toks) && g.toks[i+1].low == "table" {
					used = []span{{i, i + 1}}
				}
			}
		}
	}
	if len(used) > 0 {
		score += 6
	}
	matched, total := 0.0, 0.0
	seen := map[string]bool{}
	for _, w := range t.words {
		if seen[w] {
			continue
		}
		seen[w] = true
		idf := c.idf[w]
		total += idf
		for i, x := range g.words {
			if x.w == w && !g.toks[x.t].quoted || len(w) > len(x.w) && strings.HasPrefix(w, x.w) && (len(x.w) >= 5 || len(x.w) >= 2 && strings.ContainsAny(x.w, "0123456789")) ||
				i+1 < len(g.words) && x.w+g.words[i+1].w == w {
				matched += idf * g.headWeight(x.t)
				used = append(used, span{x.t, x.t + 1})
				break
			}
		}
	}
	if total > 0 {
		score += matched + 1.5*matched/total
	}
	// A run of the name's words in order ("managed identity sign ins")
	// says more than the same words apart.
	run := 0
	for k := range t.words {
		for l := len(t.words); l > k+1; l-- {
			if l-k <= run {
				break
			}
			if _, _, ok := g.findSeq(t.words[k:l], 0, false); ok {
				run = l - k
				break
			}
		}
	}
	if run > 1 {
		score += 0.6 * float64(run-1)
	}
	// The prompt's words in the table's description: weak evidence.
	d := 0.0
	for _, x := range g.words {
		if t.descW[x.w] && !stopwords[x.w] && !groundStop[x.w] {
			d += 0.1
		}
	}
	score += min(d, 0.6)
	return score, used
}

// mentions finds the columns of t the prompt names, longest first.
func (g *gprompt) mentions(t *CatTable) []mention {
	var out []mention
	taken := map[int]bool{}
	// claim takes the tokens of sp for one mention, if none is taken.
	claim := func(sp span) bool {
		for k := sp.from; k < sp.to; k++ {
			if taken[k] {
				return false
			}
		}
		for k := sp.from; k < sp.to; k++ {
			taken[k] = true
		}
		return true
	}
	cols := slices.Clone(t.Columns)
	sort.SliceStable(cols, func(i, j int) bool { return len(cols[i].words) > len(cols[j].words) })
	for _, c := range cols {
		if len(c.words) == 0 || strings.HasPrefix(c.Name, "_") {
			continue
		}
		lname := strings.ToLower(c.Name)
		for i, tk := range g.toks {
			if !tk.punct && !tk.quoted && !taken[i] && !tk.used && (tk.low == lname || strings.TrimSuffix(tk.low, "s") == lname) {
				out = append(out, mention{c, span{i, i + 1}, true})
				taken[i] = true
			}
		}
		from := 0
		for {
			sp, wi, ok := g.findSeq(c.words, from, true)
			if !ok {
				break
			}
			from = wi + 1
			if claim(sp) {
				out = append(out, mention{c, sp, true})
			}
		}
	}
	// Looser readings, where nothing exact took the words: the column's
	// first and last words with others between in the name ("app name" →
	// AppDisplayName), its first words ("physical memory" →
	// PhysicalMemoryMB), or a head noun with its usual suffix ("host" →
	// HostName, "account" → AccountName).
	for _, c := range cols {
		if len(c.words) < 2 || strings.HasPrefix(c.Name, "_") || c.Empty {
			continue
		}
		var try [][]string
		if len(c.words) >= 3 {
			try = append(try, []string{c.words[0], c.words[len(c.words)-1]})
			try = append(try, c.words[:len(c.words)-1])
		}
		if len(c.words) == 3 && c.words[1] == "display" && c.words[2] == stem("name") {
			// "app" is AppDisplayName, "user" UserDisplayName.
			try = append(try, c.words[:1])
		}
		if len(c.words[0]) <= 2 && len(c.words) >= 2 {
			// W3C's cs/sc/s/c prefixes: "uri stem" is csUriStem.
			try = append(try, c.words[1:])
		}
		if len(c.words) == 2 && headSuffix[c.words[1]] {
			if n := t.Column(c.Name[:len(c.Name)-len(lastPart(c.Name))] + "Name"); n == nil || n == c {
				try = append(try, c.words[:1])
			}
		}
		for _, ws := range try {
			if sp, _, ok := g.findSeq(ws, 0, true); ok && claim(sp) {
				out = append(out, mention{c, sp, false})
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].from < out[j].from })
	return out
}

// headSuffix are the words a column name adds to a noun a prompt says
// alone: "host" is HostName, "caller ip" CallerIpAddress.
var headSuffix = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields("name id ip address type level state status mb ms gb kb count time date path value upn") {
		m[stem(w)] = true
	}
	return m
}()

// genericMention resolves a loose phrase ("ip", "user", "computer name")
// to the column of t whose words end with it, fewest words first.
func genericColumn(t *CatTable, ws []string) *CatColumn {
	var best *CatColumn
	for _, c := range t.Columns {
		if strings.HasPrefix(c.Name, "_") || len(c.words) < len(ws) || c.Empty {
			continue
		}
		if slices.Equal(c.words[len(c.words)-len(ws):], ws) && (best == nil || len(c.words) < len(best.words)) {
			best = c
		}
	}
	return best
}

// entityColumn is the column of t for a value of the given shape.
func entityColumn(t *CatTable, kind string, near []mention) *CatColumn {
	ok := func(c *CatColumn) bool {
		if strings.HasPrefix(c.Name, "_") || c.Empty || c.Type != kql.TString && c.Type != kql.TDynamic && c.Type != kql.TGuid {
			return false
		}
		n := strings.ToLower(c.Name)
		switch kind {
		case "ip":
			return c.Entity == "ip" || strings.EqualFold(c.Format, "IP") || slices.Contains(c.words, "ip")
		case "email":
			return strings.Contains(n, "upn") || strings.Contains(n, "principalname") || strings.Contains(n, "emailaddress") || strings.Contains(n, "recipient") || strings.Contains(n, "sender") || strings.Contains(n, "caller") || strings.Contains(n, "mail")
		case "guid":
			return c.Type == kql.TGuid || strings.EqualFold(c.Format, "uuid") || strings.HasSuffix(n, "id")
		case "sha256", "sha1", "md5":
			return n == kind || strings.HasSuffix(n, kind)
		case "url":
			return c.Entity == "url" || strings.Contains(n, "url") || strings.Contains(n, "uri")
		case "domain":
			return strings.Contains(n, "domain") || strings.Contains(n, "dns") || strings.Contains(n, "host") || strings.Contains(n, "url")
		case "sid":
			return strings.HasSuffix(n, "sid")
		}
		return false
	}
	for _, m := range near {
		if ok(m.col) {
			return m.col
		}
	}
	// A user's address: the user columns before mail headers and callers.
	if kind == "email" {
		for _, pref := range []string{"userprincipalname", "accountupn", "upn", "emailaddress", "mail", "sender", "recipient", "caller"} {
			for _, c := range t.Columns {
				if ok(c) && strings.Contains(strings.ToLower(c.Name), pref) {
					return c
				}
			}
		}
	}
	for _, c := range t.Columns {
		if ok(c) {
			return c
		}
	}
	return nil
}

var (
	gIPv4RE   = regexp.MustCompile(`^\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?$`)
	gIPv6RE   = regexp.MustCompile(`^[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}$`)
	gGUIDRE   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	gEmailRE  = regexp.MustCompile(`^[^@\s]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+$`)
	gHexRE    = regexp.MustCompile(`^[0-9a-f]+$`)
	gURLRE    = regexp.MustCompile(`^(?:https?|ftp)://\S+$`)
	gDomainRE = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$`)
	gSIDRE    = regexp.MustCompile(`^s-1-\d+(?:-\d+)+$`)
	gNumberRE = regexp.MustCompile(`^-?\d+(?:\.\d+)?$`)
)

// fileExts are endings that make a dotted word a file name, not a domain.
var fileExts = map[string]bool{"exe": true, "dll": true, "ps1": true, "bat": true, "cmd": true, "vbs": true, "js": true, "zip": true, "docx": true, "doc": true, "xlsx": true, "xls": true, "pdf": true, "txt": true, "sys": true, "msi": true, "lnk": true, "iso": true, "hta": true, "scr": true, "jar": true, "py": true, "sh": true, "log": true, "csv": true, "json": true, "xml": true, "html": true, "htm": true, "tmp": true, "dat": true}

// shapeOf says what kind of entity a value looks like.
func shapeOf(v string) string {
	l := strings.ToLower(v)
	switch {
	case gIPv4RE.MatchString(l), strings.Count(l, ":") >= 2 && gIPv6RE.MatchString(l):
		return "ip"
	case gGUIDRE.MatchString(l):
		return "guid"
	case gSIDRE.MatchString(l):
		return "sid"
	case gEmailRE.MatchString(l):
		return "email"
	case gURLRE.MatchString(l):
		return "url"
	case gHexRE.MatchString(l) && len(l) == 64:
		return "sha256"
	case gHexRE.MatchString(l) && len(l) == 40:
		return "sha1"
	case gHexRE.MatchString(l) && len(l) == 32:
		return "md5"
	case gDomainRE.MatchString(l):
		if i := strings.LastIndexByte(l, '.'); i > 0 && fileExts[l[i+1:]] {
			return "file"
		}
		return "domain"
	}
	return ""
}

// gfilter is one condition the grounded translator understood.
type gfilter struct {
	col    *CatColumn // nil: any column (`* has`)
	member string     // a property of a dynamic column (Location.countryOrRegion)
	op     string     // ==, !=, =~, !~, contains, !contains, startswith, endswith, has, >, >=, <, <=, in~
	values []string
	why    string
}

// operator phrases, longest first, as normalised word sequences.
var opPhrases = []struct {
	words []string
	op    string
}{
	{[]string{"not", "equal", "to"}, "!="},
	{[]string{"greater", "than", "or", "equal", "to"}, ">="},
	{[]string{"less", "than", "or", "equal", "to"}, "<="},
	{[]string{"doesnt", "contain"}, "!contains"}, {[]string{"dont", "contain"}, "!contains"},
	{[]string{"not", "contain"}, "!contains"},
	{[]string{"start", "with"}, "startswith"}, {[]string{"begin", "with"}, "startswith"},
	{[]string{"end", "with"}, "endswith"},
	{[]string{"greater", "than"}, ">"}, {[]string{"more", "than"}, ">"}, {[]string{"larger", "than"}, ">"},
	{[]string{"higher", "than"}, ">"}, {[]string{"later", "than"}, ">"}, {[]string{"bigger", "than"}, ">"},
	{[]string{"less", "than"}, "<"}, {[]string{"fewer", "than"}, "<"}, {[]string{"lower", "than"}, "<"},
	{[]string{"smaller", "than"}, "<"}, {[]string{"earlier", "than"}, "<"},
	{[]string{"at", "least"}, ">="}, {[]string{"at", "most"}, "<="},
	{[]string{"equal", "to"}, "=="}, {[]string{"is", "not"}, "!="}, {[]string{"isnt"}, "!="}, {[]string{"arent"}, "!="},
	{[]string{"contain"}, "contains"}, {[]string{"contan"}, "contains"}, {[]string{"includ"}, "contains"},
	{[]string{"like"}, "contains"}, {[]string{"has"}, "has"},
	{[]string{"above"}, ">"}, {[]string{"over"}, ">"}, {[]string{"exceed"}, ">"}, {[]string{"after"}, ">"},
	{[]string{"below"}, "<"}, {[]string{"under"}, "<"}, {[]string{"before"}, "<"},
	{[]string{"equal"}, "=="}, {[]string{"is"}, "=="}, {[]string{"are"}, "=="}, {[]string{"was"}, "=="},
	{[]string{"of"}, "=="}, {[]string{"named"}, "=="}, {[]string{"nam"}, "=="}, {[]string{"call"}, "=="},
	{[]string{"="}, "=="}, {[]string{"=="}, "=="}, {[]string{"!="}, "!="}, {[]string{">"}, ">"},
	{[]string{">="}, ">="}, {[]string{"<"}, "<"}, {[]string{"<="}, "<="}, {[]string{"not"}, "!="},
}

// lowWords are the raw lower-case words of toks[i:] (no stemming), for
// operator phrases.
func (g *gprompt) rawAt(i int) string {
	if i < 0 || i >= len(g.toks) || g.toks[i].punct || g.toks[i].quoted {
		return ""
	}
	l := strings.ReplaceAll(g.toks[i].low, "'", "")
	return stem(l)
}

// opAfter reads an operator phrase starting at token i (skipping "the"),
// returning the operator and the index of the token after it.
func (g *gprompt) opAfter(i int) (string, int) {
	for i < len(g.toks) && (g.rawAt(i) == "the" || g.rawAt(i) == "a" || g.rawAt(i) == "an" || g.toks[i].low == ":") {
		i++
	}
	for _, p := range opPhrases {
		j, ok := i, true
		for _, w := range p.words {
			if g.rawAt(j) != stem(w) && !(w == "is" && g.rawAt(j) == "be") {
				ok = false
				break
			}
			j++
		}
		if ok {
			op := p.op
			// "is not", "is greater than", "is one of"
			if op == "==" {
				if sub, k := g.opAfter(j); sub != "" && sub != "==" {
					return sub, k
				}
			}
			for j < len(g.toks) && (g.rawAt(j) == "the" || g.rawAt(j) == "a" || g.rawAt(j) == "an") {
				j++
			}
			return op, j
		}
	}
	return "", i
}

// valueAt reads a value at token i: a quoted string, a number, an entity,
// or (when bare is set) one plain word. It returns the value, whether it
// was quoted, and the index after it.
func (g *gprompt) valueAt(i int, bare bool) (string, bool, int) {
	if i >= len(g.toks) || g.toks[i].punct || g.toks[i].used {
		return "", false, i
	}
	t := g.toks[i]
	if t.quoted {
		return t.orig, true, i + 1
	}
	if gNumberRE.MatchString(t.low) || shapeOf(t.orig) != "" {
		return t.orig, false, i + 1
	}
	if bare && !stopwords[t.low] && !groundStop[t.low] && !timeWords[t.low] {
		return t.orig, false, i + 1
	}
	return "", false, i
}

var timeWords = map[string]bool{"last": true, "past": true, "today": true, "yesterday": true, "recent": true, "since": true, "during": true, "within": true}

// lastPart is the last word of an identifier as written ("HostIP" → "IP").
func lastPart(id string) string {
	f := strings.Fields(splitIdent(id))
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

// headWeight is how much a word at token i says about what the prompt
// asks for: the noun before the first relative clause ("behaviors where
// the user fails to log on") is the subject; words after it qualify it.
func (g *gprompt) headWeight(i int) float64 {
	if g.clause == 0 {
		g.clause = len(g.toks)
		seen := false
		for k, t := range g.toks {
			switch t.low {
			case "where", "that", "which", "who", "whose", "with", "having", "when", "whom", "whereby":
				if seen {
					g.clause = k
				}
			default:
				if !t.punct && !stopwords[t.low] && !groundStop[t.low] {
					seen = true
				}
				continue
			}
			if g.clause != len(g.toks) {
				break
			}
		}
	}
	if i < g.clause {
		return 1
	}
	return 0.6
}
