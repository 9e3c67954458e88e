package translate

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// gplan is what the grounded translator understood of a prompt.
type gplan struct {
	timeCol string // the column the time window is on, when not the table's
	table   *CatTable
	why     string
	filters []gfilter
	tr      *TimeRange

	agg     []aggregate // summarize aggregates; empty with by set: count()
	by      []*CatColumn
	count   bool
	distinc []*CatColumn
	latest  bool // arg_max(time, *) by
	topN    int
	topBy   string // a column, or "count_"
	project []*CatColumn
	sortBy  string
	sortAsc bool
	take    int
}

type aggregate struct {
	fn  string // avg, sum, min, max, dcount, make_set
	col *CatColumn
}

// grounded translates prompt against the catalogue; the string says why it
// could not when the Translation is nil.
func (o *Offline) grounded(prompt string, now time.Time) (*Translation, string) {
	cat := o.catalog()
	if cat == nil || len(cat.Tables) == 0 {
		return nil, "no tables"
	}
	g, err := newGPrompt(prompt, now)
	if err != nil {
		return nil, err.Error()
	}
	g.names = o.Vocab
	cands := cat.rank(g)
	if os.Getenv("KQLHUNT_DEBUG_GROUND") != "" {
		for _, c := range cands[:min(5, len(cands))] {
			fmt.Fprintf(os.Stderr, "ground: %-36s %.2f\n", c.t.Name, c.score)
		}
	}
	best := cands[0]
	// A weak reading still stands when no other table comes close.
	clear := len(cands) == 1 || best.score >= 1.5*cands[1].score
	if best.score < 1.0 && !(best.score >= 0.5 && clear) {
		return nil, "no table"
	}
	p := &gplan{table: best.t, tr: g.tr}
	for _, sp := range best.used {
		if sp.to < len(g.toks) && sp.to == sp.from+1 && valueShaped(g.toks[sp.to]) {
			// "event 4625": the word names a column of the value after it.
			continue
		}
		for k := sp.from; k < sp.to; k++ {
			g.toks[k].used = true
		}
	}
	p.why = fmt.Sprintf("Table %s", best.t.Name)
	if len(cands) > 1 && cands[1].score > best.score*0.85 {
		p.why += fmt.Sprintf(" (closest other reading: %s)", cands[1].t.Name)
	}
	g.vocab = cat.vocabulary()
	g.understand(p)
	q, err := o.buildGrounded(p)
	if err != nil {
		return nil, err.Error()
	}
	text := kql.Format(q)
	q2, err := kql.Parse(text)
	if err != nil {
		return nil, "internal: " + err.Error()
	}
	info, err := kql.Check(q2, o.Schema)
	if err != nil {
		if os.Getenv("KQLHUNT_DEBUG_GROUND") != "" {
			fmt.Fprintf(os.Stderr, "ground: %v\n%s\n", err, text)
		}
		return nil, "internal: " + err.Error()
	}
	var unused []string
	complete := true
	for _, t := range g.toks {
		if !t.used && !t.punct && t.norm != "" && !stopwords[t.low] && !groundStop[stem(t.low)] && !groundStop[t.low] && (len(t.low) > 2 || strings.ContainsAny(t.low, "0123456789")) {
			unused = append(unused, t.orig)
			if t.quoted || strings.ContainsAny(t.low, "0123456789") || reNameLike.MatchString(t.low) && strings.ContainsAny(t.low, "._-") {
				complete = false
			}
		}
	}
	expl := p.explain()
	if len(g.notes) > 0 {
		expl += " " + strings.Join(g.notes, " ")
	}
	if len(unused) > 0 {
		expl += " Not used: " + strings.Join(unused, ", ") + "."
	}
	// A follow-up builds on this query, over its result's columns.
	plan := &Plan{Base: text, BaseTime: p.tr != nil && orString(p.timeCol, p.table.time) != ""}
	if es, ok := q2.Stmts[len(q2.Stmts)-1].(*kql.ExprStmt); ok && info != nil {
		plan.BaseColumns = info.Results[es.X]
	}
	hasRange := false
	for _, f := range p.filters {
		hasRange = hasRange || f.op == "ipv4_is_in_range"
	}
	scores := make(map[string]float64, len(cands))
	for _, c := range cands {
		scores[c.t.Name] = c.score
	}
	return &Translation{Query: q2, KQL: text, Explanation: expl, Plan: plan, complete: complete, unused: len(unused), hasRange: hasRange, table: p.table.Name, scores: scores}, ""
}

// cand is a table and how strongly the prompt points at it.
type cand struct {
	t     *CatTable
	score float64
	used  []span
}

// rank scores every table for the prompt, best first. Column names and
// known values the prompt says are evidence beside the table's own name.
func (cat *Catalog) rank(g *gprompt) []cand {
	var cands []cand
	for _, t := range cat.Tables {
		s, used := cat.tableScore(g, t)
		ms := g.mentions(t)
		colEv := 0.0
		for _, m := range ms {
			// A column few tables have says more than TimeGenerated.
			rare := cat.colIDF[m.col.Name]
			if len(m.col.words) > 1 || m.to-m.from > 1 {
				colEv += 0.2 * rare
			} else {
				colEv += 0.08 * rare
			}
		}
		s += min(colEv, 2.0)
		if vs := g.valueMatches(t, nil); len(vs) > 0 {
			s += min(0.5*float64(len(vs)), 1.0)
		}
		// A device or account of the dataset named in the prompt points at
		// the tables that hold such names.
		s += g.nameEvidence(t)
		cands = append(cands, cand{t, s, used})
	}
	slices.SortStableFunc(cands, func(a, b cand) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	return cands
}

// catalog returns the translator's catalogue, built on first use.
func (o *Offline) catalog() *Catalog {
	o.catOnce.Do(func() { o.cat = NewCatalog(o.Schema, o.Vocab) })
	return o.cat
}

// valueMatches finds the known values of t's columns that the prompt
// says in words ("inbound", "unlikely travel", "fails to log on"). With
// mark set, the words are marked used.
func (g *gprompt) valueMatches(t *CatTable, mark map[int]bool) []gfilter {
	var out []gfilter
	taken := map[int]bool{}
	for _, c := range t.Columns {
		if len(c.Values) == 0 || len(c.Values) > 400 || c.Type == kql.TBool || strings.HasPrefix(c.Name, "_") || metadataColumns[c.Name] {
			continue
		}
		for vi, v := range c.Values {
			vw := c.vwords[vi]
			if len(v) < 3 || len(vw) == 0 || len(vw) > 4 || gNumberRE.MatchString(v) || groundGeneric[strings.ToLower(v)] {
				continue
			}
			sp, _, ok := g.findSeq(vw, 0, true)
			if !ok {
				continue
			}
			clash := false
			for k := sp.from; k < sp.to; k++ {
				if taken[k] || g.toks[k].quoted {
					clash = true
				}
			}
			if clash {
				continue
			}
			for k := sp.from; k < sp.to; k++ {
				taken[k] = true
				if mark != nil {
					mark[k] = true
				}
			}
			op := "=="
			if g.negatedAt(sp.from) {
				op = "!="
			}
			out = append(out, gfilter{col: c, op: op, values: []string{v}, why: "a known value"})
			break
		}
	}
	return out
}

// genericValues are enumerated values too common as English to be read
// as a filter on their own.
var groundGeneric = map[string]bool{"true": true, "false": true, "yes": true, "no": true, "none": true, "unknown": true, "other": true, "all": true, "any": true, "new": true, "low": false, "default": true, "type": true, "name": true, "event": true, "events": true, "log": true, "logs": true, "user": true, "users": true, "device": true, "table": true, "value": true, "data": true, "info": true, "information": true, "list": true, "get": true, "set": true, "show": true, "count": true, "read": true, "write": true, "update": true, "create": true, "delete": true}

// understand fills the plan's filters and shape from the prompt.
func (g *gprompt) understand(p *gplan) {
	t := p.table
	ms := g.mentions(t)
	// "boot time from A to B": the window is on the datetime column named
	// just before it, not on the table's time column.
	if p.tr != nil && p.tr.Ago == 0 && p.tr.Day == "" {
		if at := strings.Index(strings.ToLower(g.text), p.tr.Text); at >= 0 {
			for _, m := range ms {
				if m.col.Type == kql.TDatetime && m.to < len(g.toks) && m.to > 0 && g.toks[m.to-1].end <= at && at-g.toks[m.to-1].end <= 8 {
					p.timeCol = m.col.Name
					for k := m.from; k < m.to; k++ {
						g.toks[k].used = true
					}
				}
			}
		}
	}
	g.explicitFilters(p, ms)
	// Entities by shape that no explicit filter took.
	for i, tk := range g.toks {
		if tk.used || tk.punct {
			continue
		}
		kind := shapeOf(tk.orig)
		if kind == "" || kind == "file" && !tk.quoted {
			if kind == "file" {
				if c := genericColumn(t, []string{"file", "name"}); c != nil {
					p.filters = append(p.filters, gfilter{col: c, op: "=~", values: []string{tk.orig}, why: "a file name"})
					tk.used = true
				}
			}
			continue
		}
		near := nearMentions(ms, i)
		c := entityColumn(t, kind, near)
		tk.used = true
		op := "=="
		switch kind {
		case "domain", "url":
			op = "has"
		case "email":
			op = "=~"
		}
		if kind == "ip" && strings.Contains(tk.orig, "/") {
			if c != nil {
				p.filters = append(p.filters, gfilter{col: c, op: "ipv4_is_in_range", values: []string{tk.orig}, why: "an address range"})
			}
			continue
		}
		if c == nil {
			p.filters = append(p.filters, gfilter{op: "has", values: []string{tk.orig}, why: "a " + kind + " in any column"})
			continue
		}
		p.addValue(gfilter{col: c, op: op, values: []string{tk.orig}, why: "a " + kind})
	}
	// Names the dataset holds: its devices and accounts.
	g.datasetNames(p)
	// Countries, on the table's country or location column.
	g.countryFilters(p)
	// Success and failure.
	g.outcome(p)
	g.booleans(p)
	// Known values said in words.
	mark := map[int]bool{}
	for _, f := range g.valueMatches(t, mark) {
		if !p.hasFilterOn(f.col) {
			p.filters = append(p.filters, f)
		}
	}
	for k := range mark {
		g.toks[k].used = true
	}
	// Quoted text nothing claimed: the nearest column named before it,
	// else any column.
	for i, tk := range g.toks {
		if tk.used || !tk.quoted {
			continue
		}
		tk.used = true
		val := tk.orig
		// A known value said in other words ("unlikely travel" is
		// unlikelyTravel): its column, in its spelling.
		c, known := knownValue(t, val)
		if c != nil {
			val = known
		}
		if c == nil && g.namedBefore(i) {
			c = g.nounColumn(t, i)
		}
		if c == nil {
			for _, m := range nearMentions(ms, i) {
				if m.col.Type == kql.TString || m.col.Type == kql.TDynamic {
					c = m.col
					break
				}
			}
		}
		if c == nil {
			c = g.nounColumn(t, i)
		}
		if c == nil {
			// "the "ServerBusy" status": a column named right after it.
			for _, m := range ms {
				if m.from > i && m.from-i <= 2 && (m.col.Type == kql.TString || m.col.Type == kql.TDynamic) {
					c = m.col
					break
				}
			}
		}
		if c == nil {
			p.filters = append(p.filters, gfilter{op: "has", values: []string{val}, why: "quoted text, in any column"})
			continue
		}
		op := "=~"
		if known != "" {
			op = "=="
		}
		p.filters = append(p.filters, gfilter{col: c, op: op, values: []string{val}, why: "quoted text"})
	}
	g.shape(p, ms)
}

// knownValueAt matches a known value of c in the words starting at token
// j; it returns the value and the token after it.
func (g *gprompt) knownValueAt(j int, c *CatColumn) (string, int) {
	if j >= len(g.toks) || g.toks[j].quoted || g.toks[j].punct {
		return "", j
	}
	wi := -1
	for i, w := range g.words {
		if w.t == j {
			wi = i
			break
		}
	}
	if wi < 0 {
		return "", j
	}
	best, next := "", j
	for vi, v := range c.Values {
		vw := c.vwords[vi]
		if len(vw) == 0 || wi+len(vw) > len(g.words) {
			continue
		}
		ok := true
		for k, w := range vw {
			if g.words[wi+k].w != w || g.toks[g.words[wi+k].t].used {
				ok = false
				break
			}
		}
		if ok && g.words[wi+len(vw)-1].t+1 > next {
			best, next = v, g.words[wi+len(vw)-1].t+1
		}
	}
	return best, next
}

// namedBefore reports whether token i follows "named" or "called".
func (g *gprompt) namedBefore(i int) bool {
	for j := i - 1; j >= 0 && j >= i-2; j-- {
		switch g.rawAt(j) {
		case "nam", "call", "titl":
			return true
		case "the", "a":
			continue
		}
		return false
	}
	return false
}

// knownValue finds the column of t one of whose known values is v in
// other spacing or case ("unlikely travel" → unlikelyTravel).
func knownValue(t *CatTable, v string) (*CatColumn, string) {
	ws := valueWords(v)
	if len(ws) == 0 {
		return nil, ""
	}
	for _, c := range t.Columns {
		if metadataColumns[c.Name] {
			continue
		}
		for i, kv := range c.Values {
			if strings.EqualFold(kv, v) || slices.Equal(c.vwords[i], ws) {
				return c, kv
			}
		}
	}
	return nil, ""
}

// nounColumn is the column the words just before token i name: "from
// the account "x"" is AccountName, "named "x"" a display name or name.
func (g *gprompt) nounColumn(t *CatTable, i int) *CatColumn {
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		w := g.rawAt(j)
		if w == "" || w == "the" || w == "a" || w == "is" || w == "of" || w == "=" {
			continue
		}
		if w == "nam" || w == "call" || w == "titl" || w == "label" {
			var best *CatColumn
			for _, c := range t.Columns {
				n := len(c.words)
				if n == 0 || c.words[n-1] != stem("name") && c.words[n-1] != "titl" || c.Type != kql.TString {
					continue
				}
				if best == nil || n < len(best.words) || n == len(best.words) && slices.Contains(c.words, "display") {
					best = c
				}
			}
			return best
		}
		for _, suf := range []string{stem("name"), "", "id"} {
			ws := []string{stem(w)}
			if suf != "" {
				ws = append(ws, suf)
			}
			for _, c := range t.Columns {
				if slices.Equal(c.words, ws) && (c.Type == kql.TString || c.Type == kql.TDynamic) && !c.Empty {
					return c
				}
			}
		}
		return nil
	}
	return nil
}

// nearMentions are the mentions that end shortly before token i, nearest
// first.
func nearMentions(ms []mention, i int) []mention {
	var out []mention
	for k := len(ms) - 1; k >= 0; k-- {
		if ms[k].to <= i && i-ms[k].to <= 4 {
			out = append(out, ms[k])
		}
	}
	return out
}

// addValue adds f, or its value to a filter of the same column and
// operator: several addresses are any of them, not all at once.
func (p *gplan) addValue(f gfilter) {
	for i, g := range p.filters {
		if g.col == f.col && g.op == f.op && (f.op == "==" || f.op == "=~" || f.op == "has") {
			p.filters[i].values = append(p.filters[i].values, f.values...)
			return
		}
	}
	p.filters = append(p.filters, f)
}

func (p *gplan) hasFilterOn(c *CatColumn) bool {
	for _, f := range p.filters {
		if f.col == c {
			return true
		}
	}
	return false
}

// negatedAt reports whether token k is preceded by a negation.
func (g *gprompt) negatedAt(k int) bool {
	for j := k - 1; j >= 0 && j >= k-3; j-- {
		switch strings.ReplaceAll(g.toks[j].low, "'", "") {
		case "not", "no", "except", "excluding", "without", "isnt", "arent", "wasnt", "werent", "doesnt", "dont", "didnt", "non":
			return true
		}
	}
	return false
}

// explicitFilters reads "COLUMN OP VALUE" after each mention.
func (g *gprompt) explicitFilters(p *gplan, ms []mention) {
	for _, m := range ms {
		if g.toks[m.from].used {
			continue
		}
		op, j := g.opAfter(m.to)
		if op == "" {
			// "with destination device "X"", "from host web01", "facility
			// auth": a value right after the name, when it is quoted, has
			// the shape of a value, or is one the column is known to hold.
			if j < len(g.toks) && !g.toks[j].used && !g.toks[j].punct && !inMention(ms, j) && (g.toks[j].quoted || shapeOf(g.toks[j].orig) != "" || hasValueChars(g.toks[j].orig) || closestValue(m.col.Values, g.toks[j].orig) != "" || g.unknownWord(j) && isTextType(m.col.Type)) {
				op = "=="
			} else {
				continue
			}
		}
		if op == "of" {
			op = "=="
		}
		bare := op != "has"
		if kv, next := g.knownValueAt(j, m.col); kv != "" {
			// "the operation is a sign-in activity": a known value in words.
			for x := m.from; x < next; x++ {
				g.toks[x].used = true
			}
			if g.negatedAt(m.from) {
				op = negateOp(op)
			}
			p.filters = append(p.filters, gfilter{col: m.col, op: op, values: []string{kv}, why: "a known value"})
			continue
		}
		v, quoted, k := g.valueAt(j, bare)
		if v == "" {
			continue
		}
		// "is one of A, B and C" and "is A or B": lists.
		values := []string{v}
		for k < len(g.toks) {
			sep := g.toks[k].low
			if sep != "," && sep != "or" && sep != "and" {
				break
			}
			if sep == "and" && op == "==" && !quoted {
				break
			}
			v2, q2, k2 := g.valueAt(k+1, quoted)
			if v2 == "" || q2 != quoted || gNumberRE.MatchString(v) != gNumberRE.MatchString(v2) {
				break
			}
			values = append(values, v2)
			k = k2
		}
		// "3 or above", "60 days or more".
		if len(values) == 1 && reNumberOK(values[0]) && (op == "==" || op == "") {
			for x := k; x < min(k+3, len(g.toks)); x++ {
				w := g.rawAt(x)
				if (w == "or" || w == "and") && x+1 < len(g.toks) {
					switch g.toks[x+1].low {
					case "above", "more", "higher", "greater", "over", "larger":
						op, k = ">=", x+2
					case "below", "less", "lower", "fewer", "under", "smaller":
						op, k = "<=", x+2
					}
					break
				}
			}
		}
		col := m.col
		if !typeAccepts(col.Type, values, op) {
			continue
		}
		if !quoted && col.Type == kql.TString && len(col.Values) > 0 && (op == "==" || op == "!=") {
			// A bare word grounded in the column's known values keeps
			// their spelling ("member" → "Member").
			for i, v := range values {
				if kv := closestValue(col.Values, v); kv != "" {
					values[i] = kv
				} else if len(values) == 1 && !gNumberRE.MatchString(v) && shapeOf(v) == "" {
					// A bare word the column does not know: probably not a
					// value ("where the user fails to log on").
					if len(col.Values) >= 2 && col.Format != "" {
						values = nil
					}
				}
			}
			if values == nil {
				continue
			}
		}
		if !quoted && len(col.Values) == 0 && isTextType(col.Type) && !looksLikeValue(g.toks[j]) && !g.plainValueAt(j, k) {
			// "a computer is available", "authentication was used": a bare
			// English word is not a value of a free-text column.
			continue
		}
		if !quoted && op == "==" && len(values) == 1 && col.Type == kql.TString && !gNumberRE.MatchString(values[0]) && shapeOf(values[0]) == "" && len(col.Values) == 0 {
			// A bare word after "is" on a free-text column is a weak
			// reading; "contains" is the safer one.
			op = "=~"
		}
		if op == "==" && col.Type == kql.TString && quoted {
			op = "=~"
		}
		if g.negatedAt(m.from) && (op == "==" || op == "=~" || op == "contains") {
			op = negateOp(op)
		}
		for x := m.from; x < k; x++ {
			g.toks[x].used = true
		}
		p.filters = append(p.filters, gfilter{col: col, op: op, values: values, why: "stated"})
	}
}

func reNumberOK(v string) bool { return gNumberRE.MatchString(v) }

// plainValueAt reports whether the bare word at j (ending before k) is
// stated as a value: after "is", "equals", "=" or ":", and closing the
// clause ("where the facility is auth", "direction is outbound and ...").
func (g *gprompt) plainValueAt(j, k int) bool {
	switch g.rawAt(j - 1) {
	case "is", "equal", "", "of", "are":
	default:
		return false
	}
	if k >= len(g.toks) || g.toks[k].punct {
		return true
	}
	switch g.toks[k].low {
	case "and", "or", "in", "per", "by", "for", "from", "with", "during", "over", "since", "within", "on", "at":
		return true
	}
	return false
}

// unknownWord reports whether token j is no word of the catalogue, the
// hunting terms or the grammar: "jdoe" in "the account jdoe", "docm" in
// "file type docm".
func (g *gprompt) unknownWord(j int) bool {
	t := g.toks[j]
	if t.quoted || t.punct || len(t.low) < 3 || stopwords[t.low] || groundStop[t.low] || groundStop[stem(t.low)] || timeWords[t.low] || g.vocab == nil {
		return false
	}
	for _, w := range strings.Fields(t.norm) {
		if g.vocab[w] {
			return false
		}
	}
	return true
}

// valueShaped reports whether a token is a number, quoted text or an
// entity.
func valueShaped(t *tok) bool {
	return t.quoted || gNumberRE.MatchString(t.low) || shapeOf(t.orig) != ""
}

// inMention reports whether token i is part of a column mention.
func inMention(ms []mention, i int) bool {
	for _, m := range ms {
		if i >= m.from && i < m.to {
			return true
		}
	}
	return false
}

// hasValueChars reports whether a word has digits or punctuation inside
// it (web01, svc_sql, host-7): a name, not English.
func hasValueChars(w string) bool {
	return strings.ContainsAny(w, "0123456789_.-@\\/:")
}

// looksLikeValue reports whether a bare word reads as a value rather than
// English: digits, punctuation inside it, or capitals not at the start of
// the prompt.
func looksLikeValue(t *tok) bool {
	if t.quoted || shapeOf(t.orig) != "" || strings.ContainsAny(t.orig, "0123456789_.-@\\/:") {
		return true
	}
	for i, r := range t.orig {
		if i > 0 && r >= 'A' && r <= 'Z' {
			return true
		}
	}
	return t.start > 0 && t.orig != "" && t.orig[0] >= 'A' && t.orig[0] <= 'Z'
}

func negateOp(op string) string {
	switch op {
	case "==":
		return "!="
	case "=~":
		return "!~"
	case "contains":
		return "!contains"
	case "has":
		return "!has"
	}
	return op
}

// closestValue is the known value equal to v ignoring case, or the one
// it is a whole word of.
func closestValue(known []string, v string) string {
	for _, k := range known {
		if strings.EqualFold(k, v) {
			return k
		}
	}
	return ""
}

// typeAccepts reports whether values can be compared with a column of
// type t by op.
func typeAccepts(t kql.Type, values []string, op string) bool {
	for _, v := range values {
		switch t {
		case kql.TLong, kql.TInt, kql.TReal, kql.TDecimal:
			if !gNumberRE.MatchString(v) {
				return false
			}
		case kql.TDatetime:
			if _, ok := parseLooseDate(v); !ok {
				return false
			}
		case kql.TBool:
			l := strings.ToLower(v)
			if l != "true" && l != "false" && l != "yes" && l != "no" {
				return false
			}
		case kql.TString, kql.TDynamic, kql.TGuid:
			if strings.HasPrefix(op, ">") || strings.HasPrefix(op, "<") {
				return gNumberRE.MatchString(v) && t == kql.TDynamic
			}
		}
	}
	return true
}

// parseLooseDate reads 2024-03-08, 2024/03/08, 03/08/2024 (month first),
// with an optional time.
func parseLooseDate(v string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02", "2006/01/02", "01/02/2006", "1/2/2006", "2006-01-02T15:04:05Z", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// countryFilters reads country names ("from Sweden", "not in the U.S.")
// as a filter on the table's country or location column: the ISO code for
// a code or location column (Entra's Location is "SE"), the name where the
// column's known values are names (VMConnection's RemoteCountry).
func (g *gprompt) countryFilters(p *gplan) {
	low := strings.ToLower(g.text)
	names := make([]string, 0, len(countries))
	for n := range countries {
		names = append(names, n)
	}
	// Longest first ("the united states" before "united states"), then
	// alphabetical, so that the query is the same on every run.
	slices.SortFunc(names, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	for _, name := range names {
		code := countries[name]
		i := wordIndex(low, name)
		if i < 0 {
			continue
		}
		var first *tok
		k := -1
		for j, t := range g.toks {
			if t.start >= i && t.start < i+len(name) {
				if t.used {
					first = nil
					break
				}
				if first == nil {
					first, k = t, j
				}
			}
		}
		if first == nil {
			continue
		}
		c := firstColumn(p.table, "CountryCode", "Country", "Location", "CountryOrRegion", "RemoteCountry", "SourceIPLocation", "RemoteIPCountry", "ClientCountry")
		if c == nil || p.hasFilterOn(c) {
			continue
		}
		val := code
		for _, v := range c.Values {
			if strings.EqualFold(v, strings.TrimPrefix(name, "the ")) {
				val = v
			}
		}
		if strings.Contains(c.Name, "Remote") && val == code && len(c.Values) == 0 {
			val = capital(strings.TrimPrefix(name, "the ")) // a country name column
		}
		op := "=="
		if g.negatedAt(k) {
			op = "!="
		}
		for _, t := range g.toks {
			if t.start >= i && t.start < i+len(name) {
				t.used = true
			}
		}
		f := gfilter{col: c, op: op, values: []string{val}, why: "a country"}
		if c.Type == kql.TDynamic {
			// Entra's location bag: {city, state, countryOrRegion}.
			f.member = "countryOrRegion"
		}
		p.filters = append(p.filters, f)
	}
}

// wordIndex is the index of phrase in s as whole words, or -1.
func wordIndex(s, phrase string) int {
	for from := 0; ; {
		i := strings.Index(s[from:], phrase)
		if i < 0 {
			return -1
		}
		i += from
		before := i == 0 || !isWordByte(s[i-1])
		after := i+len(phrase) >= len(s) || !isWordByte(s[i+len(phrase)]) || strings.HasSuffix(phrase, ".")
		if before && after {
			return i
		}
		from = i + 1
	}
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '_'
}

// datasetNames turns words that name a device or account of the dataset
// ("SRV-DB01", "svc_sql") into filters on the table's device or account
// column.
func (g *gprompt) datasetNames(p *gplan) {
	if g.names == nil {
		return
	}
	for _, tk := range g.toks {
		if tk.used || tk.punct || len(tk.low) < 3 || stopwords[tk.low] || groundStop[tk.low] {
			continue
		}
		if devs := g.names.device(tk.low); len(devs) > 0 {
			if c := firstColumn(p.table, deviceColumns...); c != nil {
				tk.used = true
				p.addValue(gfilter{col: c, op: "=~", values: devs, why: "a device of the dataset"})
				continue
			}
		}
		if acct, ok := g.names.account(tk.low); ok {
			cols := accountColumns
			if strings.Contains(acct, "@") {
				cols = upnColumns
			}
			if c := firstColumn(p.table, cols...); c != nil {
				tk.used = true
				op := "=~"
				if c.Name == "Account" {
					op = "has" // DOMAIN\name
				}
				p.addValue(gfilter{col: c, op: op, values: []string{acct}, why: "an account of the dataset"})
			}
		}
	}
}

var (
	deviceColumns  = []string{"DeviceName", "Computer", "HostName", "DeviceId"}
	accountColumns = []string{"AccountName", "TargetUserName", "SubjectUserName", "UserName", "Account"}
	upnColumns     = []string{"UserPrincipalName", "AccountUpn", "InitiatingProcessAccountUpn", "RecipientEmailAddress", "SenderFromAddress"}
)

// nameEvidence is 2.5 for each kind of dataset name (device, account) the
// prompt says and t has a column for.
func (g *gprompt) nameEvidence(t *CatTable) float64 {
	if g.names == nil {
		return 0
	}
	dev, acct, upn := false, false, false
	for _, tk := range g.toks {
		if tk.punct || len(tk.low) < 3 || stopwords[tk.low] || groundStop[tk.low] {
			continue
		}
		if len(g.names.device(tk.low)) > 0 {
			dev = true
		} else if a, ok := g.names.account(tk.low); ok {
			if strings.Contains(a, "@") {
				upn = true
			} else {
				acct = true
			}
		}
	}
	ev := 0.0
	if dev && firstColumn(t, deviceColumns...) != nil {
		ev += 2.5
	}
	if acct && firstColumn(t, accountColumns...) != nil {
		ev += 2.5
	}
	if upn && firstColumn(t, upnColumns...) != nil {
		ev += 2.5
	}
	return ev
}

// firstColumn is the first of names that t has with data.
func firstColumn(t *CatTable, names ...string) *CatColumn {
	for _, n := range names {
		if c := t.Column(n); c != nil && !c.Empty {
			return c
		}
	}
	return nil
}

// booleans reads the Is/Has columns: "disabled accounts" is
// IsAccountEnabled == false, "not interactive" IsInteractive == false.
// The column's words after Is must all be said, or its last word alone
// when that word is an adjective (Enabled, Deleted, Interactive).
func (g *gprompt) booleans(p *gplan) {
	for _, c := range p.table.Columns {
		if len(c.words) < 2 || c.words[0] != "is" && c.words[0] != "has" || p.hasFilterOn(c) || !(c.Type == kql.TBool || c.Type == kql.TString) {
			continue
		}
		parts := strings.Fields(splitIdent(c.Name))
		lastPart := strings.ToLower(parts[len(parts)-1])
		adjective := strings.HasSuffix(lastPart, "ed") || strings.HasSuffix(lastPart, "ing") || strings.HasSuffix(lastPart, "ive") || strings.HasSuffix(lastPart, "able")
		rest := c.words[1:]
		key := rest[len(rest)-1]
		at, val := -1, true
		if sp, _, ok := g.findSeq(rest, 0, true); ok {
			at = sp.from
		} else if adjective {
			for i, tk := range g.toks {
				if tk.used || tk.punct || tk.quoted {
					continue
				}
				w := g.rawAt(i)
				if w == key {
					at = i
					break
				}
				if w == "dis"+key || w == "in"+key || w == "un"+key || w == "non"+key || w == "non-"+key || strings.HasPrefix(key, "en") && w == "dis"+key[2:] {
					at, val = i, false
					break
				}
			}
		}
		if at < 0 {
			continue
		}
		if g.negatedAt(at) {
			val = !val
		}
		g.toks[at].used = true
		v := "false"
		if val {
			v = "true"
		}
		p.filters = append(p.filters, gfilter{col: c, op: "==", values: []string{v}, why: "a yes/no column"})
	}
}

// outcome reads success and failure: a ResultType of "0" is success in
// the Entra ID sign-in tables; elsewhere a known value that says it.
func (g *gprompt) outcome(p *gplan) {
	var want string
	var at int
	for i, tk := range g.toks {
		if tk.used || tk.punct {
			continue
		}
		switch stem(strings.ReplaceAll(tk.low, "'", "")) {
		case "successful", "successfully", "succe", "succeed", "succes", "success":
			want, at = "success", i
		case "fail", "failur", "unsuccessful", "failure", "error":
			want, at = "failure", i
		}
		if want != "" {
			break
		}
	}
	if want == "" {
		return
	}
	if g.negatedAt(at) {
		want = map[string]string{"success": "failure", "failure": "success"}[want]
	}
	if c := p.table.Column("ResultType"); c != nil && !p.hasFilterOn(c) {
		g.toks[at].used = true
		op := "=="
		if want == "failure" {
			op = "!="
		}
		v := "0"
		p.filters = append(p.filters, gfilter{col: c, op: op, values: []string{v}, why: "ResultType 0 is success"})
		return
	}
	for _, c := range p.table.Columns {
		if p.hasFilterOn(c) {
			continue
		}
		for _, v := range c.Values {
			lv := strings.ToLower(v)
			if want == "success" && (lv == "success" || lv == "succeeded" || lv == "logonsuccess") ||
				want == "failure" && (lv == "failure" || lv == "failed" || lv == "logonfailed") {
				g.toks[at].used = true
				p.filters = append(p.filters, gfilter{col: c, op: "==", values: []string{v}, why: "the outcome"})
				return
			}
		}
	}
}

// shape reads counts, groupings, top N, latest, aggregates, distinct,
// projections, sorting and row limits.
func (g *gprompt) shape(p *gplan, ms []mention) {
	t := p.table
	free := func(m mention) bool { return !g.toks[m.from].used }
	lw := func(i int) string {
		if i < 0 || i >= len(g.toks) {
			return ""
		}
		return strings.ReplaceAll(g.toks[i].low, "'", "")
	}
	// Columns listed after a word at i: "by A, B and C".
	listAfter := func(i int) []*CatColumn {
		var out []*CatColumn
		for _, m := range ms {
			if m.from < i || !free(m) {
				continue
			}
			gap := false
			for k := i; k < m.from; k++ {
				l := lw(k)
				if !(l == "," || l == "and" || l == "the" || l == "their" || l == "its" || l == "each" || l == "of" || l == "a" || l == "distinct" || l == "unique" || l == "&") {
					gap = true
				}
			}
			if gap {
				break
			}
			out = append(out, m.col)
			for k := m.from; k < m.to; k++ {
				g.toks[k].used = true
			}
			i = m.to
		}
		return out
	}
	for i := range g.toks {
		if g.toks[i].used {
			continue
		}
		l := lw(i)
		switch {
		case l == "count" || l == "how" && lw(i+1) == "many" || l == "number" && lw(i+1) == "of" || l == "tally":
			p.count = true
		case (l == "which" || l == "what") && i <= 2:
			// "which accounts had event 4625": the distinct accounts, with
			// how often each appears.
			j := i + 1
			for lw(j) == "the" || lw(j) == "distinct" || lw(j) == "unique" {
				j++
			}
			for _, m := range ms {
				if m.from == j && free(m) && isTextType(m.col.Type) {
					p.by = appendCols(p.by, m.col)
					p.count = true
					for k := m.from; k < m.to; k++ {
						g.toks[k].used = true
					}
					g.toks[i].used = true
				}
			}
		case l == "per" || l == "by" && i > 0 && !slices.Contains([]string{"sort", "sorted", "order", "ordered", "performed", "created", "modified", "initiated", "generated", "used", "made"}, lw(i-1)) ||
			l == "each" && i > 0 && (lw(i-1) == "for" || lw(i-1) == "of") || l == "every" && lw(i-1) == "for":
			if cs := listAfter(i + 1); len(cs) > 0 {
				p.by = appendCols(p.by, cs...)
				g.toks[i].used = true
			}
		case l == "group" || l == "grouped":
			j := i + 1
			if lw(j) == "by" {
				j++
			}
			if cs := listAfter(j); len(cs) > 0 {
				p.by = appendCols(p.by, cs...)
				g.toks[i].used = true
			}
		case l == "top" || l == "first" || l == "latest" || l == "last" || l == "newest" || l == "recent":
			if n, err := strconv.Atoi(lw(i + 1)); err == nil && n > 0 {
				if l == "top" {
					p.topN = n
					// "top 5 file names": the most frequent values.
					for _, m := range ms {
						if m.from == i+2 && free(m) {
							p.by = appendCols(p.by, m.col)
							p.count = true
							for k := m.from; k < m.to; k++ {
								g.toks[k].used = true
							}
						}
					}
				} else if l == "latest" || l == "last" || l == "newest" {
					p.topN, p.topBy = n, t.time
				} else {
					p.take = n
				}
				g.toks[i].used, g.toks[i+1].used = true, true
			} else if l == "latest" || l == "recent" || l == "last" && (lw(i+1) == "heartbeat" || lw(i+1) == "record" || lw(i+1) == "event") {
				p.latest = true
				g.toks[i].used = true
			}
		case l == "most" && (lw(i+1) == "recent" || lw(i+1) == "latest"):
			p.latest = true
			g.toks[i].used = true
		case l == "average" || l == "avg" || l == "mean" || l == "sum" || l == "total" || l == "maximum" || l == "max" || l == "minimum" || l == "min" || l == "longest" || l == "shortest":
			if cs := listAfter(i + 1); len(cs) > 0 {
				fn := map[string]string{"average": "avg", "avg": "avg", "mean": "avg", "sum": "sum", "total": "sum", "maximum": "max", "max": "max", "minimum": "min", "min": "min", "longest": "max", "shortest": "min"}[l]
				if l == "longest" || l == "shortest" {
					p.sortBy, p.sortAsc, p.topN = cs[0].Name, l == "shortest", 10
					continue
				}
				for _, c := range cs {
					if isNumeric(c.Type) || fn == "max" || fn == "min" {
						p.agg = append(p.agg, aggregate{fn, c})
					}
				}
				g.toks[i].used = true
			}
		case l == "distinct" && lw(i+1) == "count" || l == "dcount":
			j := i + 1
			if l == "distinct" {
				j = i + 2
			}
			if lw(j) == "of" {
				j++
			}
			if cs := listAfter(j); len(cs) > 0 {
				for _, c := range cs {
					p.agg = append(p.agg, aggregate{"dcount", c})
				}
				g.toks[i].used = true
			}
		case l == "set" && lw(i+1) == "of" || l == "make_set":
			j := i + 1
			if l == "set" {
				j = i + 2
			}
			if cs := listAfter(j); len(cs) > 0 {
				for _, c := range cs {
					p.agg = append(p.agg, aggregate{"make_set", c})
				}
				g.toks[i].used = true
			}
		case l == "distinct" || l == "unique" || l == "different":
			if cs := listAfter(i + 1); len(cs) > 0 {
				p.distinc = appendCols(p.distinc, cs...)
				g.toks[i].used = true
			}
		case l == "sort" || l == "sorted" || l == "order" || l == "ordered":
			j := i + 1
			if lw(j) == "by" {
				j++
			}
			if lw(j) == "count" {
				p.sortBy = "count_"
				g.toks[j].used = true
			} else if cs := listAfter(j); len(cs) > 0 {
				p.sortBy = cs[0].Name
			}
			for k := i + 1; k < min(len(g.toks), i+8); k++ {
				switch lw(k) {
				case "asc", "ascending", "oldest":
					p.sortAsc = true
				}
			}
			g.toks[i].used = true
		case l == "show" || l == "display" || l == "project" || l == "list" || l == "table" && i > 0 && (lw(i-1) == "a" || lw(i-1) == "the") || l == "with" && (lw(i+1) == "their" || lw(i+1) == "its") || l == "include" || l == "including":
			j := i + 1
			for lw(j) == "me" || lw(j) == "the" || lw(j) == "their" || lw(j) == "its" || lw(j) == "of" || lw(j) == "a" || lw(j) == "all" || lw(j) == "only" || lw(j) == "having" || lw(j) == "with" {
				j++
			}
			if cs := listAfter(j); len(cs) > 0 {
				p.project = appendCols(p.project, cs...)
			}
		case l == "limit" || l == "limited":
			for k := i + 1; k < min(len(g.toks), i+4); k++ {
				if n, err := strconv.Atoi(lw(k)); err == nil && n > 0 {
					p.take = n
					g.toks[k].used = true
				}
			}
		}
		if n, err := strconv.Atoi(l); err == nil && n > 0 && !g.toks[i].used && !g.toks[i].quoted {
			switch stem(lw(i + 1)) {
			case "latest", "newest", "last":
				p.topN, p.topBy = n, t.time
				g.toks[i].used, g.toks[i+1].used = true, true
			case "oldest", "earliest":
				p.topN, p.topBy, p.sortAsc = n, t.time, true
				g.toks[i].used, g.toks[i+1].used = true, true
			case "entry", "entri", "record", "row", "result", "event", "item", "log", "line", "sample":
				p.take = n
				g.toks[i].used = true
			default:
				if i > 0 && (lw(i-1) == "list" || lw(i-1) == "show" || lw(i-1) == "give" || lw(i-1) == "get" || lw(i-1) == "me") {
					p.take = n
					g.toks[i].used = true
				}
			}
		}
	}
	if p.count || len(p.agg) > 0 {
		for _, tk := range g.toks {
			if l := strings.ToLower(tk.low); l == "count" || l == "how" || l == "many" {
				tk.used = true
			}
		}
	}
	// Projection: two or more columns listed anywhere else are what the
	// hunter wants to see.
	if len(p.project) == 0 && len(p.by) == 0 && len(p.agg) == 0 && !p.count {
		var listed []*CatColumn
		for _, m := range ms {
			if free(m) {
				listed = append(listed, m.col)
			}
		}
		if len(listed) >= 2 {
			p.project = listed
		}
	}
	for _, m := range ms {
		for _, c := range p.project {
			if m.col == c {
				for k := m.from; k < m.to; k++ {
					g.toks[k].used = true
				}
			}
		}
	}
}

func appendCols(xs []*CatColumn, cs ...*CatColumn) []*CatColumn {
	for _, c := range cs {
		if !slices.Contains(xs, c) {
			xs = append(xs, c)
		}
	}
	return xs
}

func isNumeric(t kql.Type) bool {
	return t == kql.TLong || t == kql.TInt || t == kql.TReal || t == kql.TDecimal || t == kql.TTimespan
}

// buildGrounded writes the plan as a KQL syntax tree.
func (o *Offline) buildGrounded(p *gplan) (*kql.Query, error) {
	t := p.table
	var ops []kql.Operator
	if tc := orString(p.timeCol, t.time); p.tr != nil && tc != "" {
		ops = append(ops, where(p.tr.predicate(tc)))
	}
	for _, f := range p.filters {
		if f.col == nil && f.op == "has" && len(f.values) == 1 {
			// Text in any column: search, which reads every column of the
			// row as text.
			ops = append(ops, &kql.SearchOp{Pred: strLit(f.values[0])})
			continue
		}
		pred := f.predicate()
		if pred != nil {
			ops = append(ops, where(pred))
		}
	}
	timeCol := t.time
	switch {
	case p.latest && timeCol != "":
		by := p.by
		if len(by) == 0 && len(p.project) > 0 {
			by = p.project[:1]
		}
		if len(by) == 0 {
			ops = append(ops, &kql.TopOp{N: longLit(int64(orDefault(p.take, 1))), Keys: []*kql.SortKey{sortKey(timeCol, true)}})
			break
		}
		ops = append(ops, &kql.SummarizeOp{Aggs: []*kql.ColumnExpr{named("", call("arg_max", ident(timeCol), &kql.Star{}))}, By: cols(colNames(by)...)})
		if len(p.project) > 0 {
			ops = append(ops, &kql.ProjectOp{Cols: cols(colNames(appendCols(slices.Clone(by), p.project...))...)})
		}
	case p.count || len(p.agg) > 0:
		var aggs []*kql.ColumnExpr
		for _, a := range p.agg {
			aggs = append(aggs, named("", call(a.fn, ident(a.col.Name))))
		}
		if p.count || len(aggs) == 0 {
			aggs = append([]*kql.ColumnExpr{named("", call("count"))}, aggs...)
		}
		by := p.by
		if len(by) == 0 && len(p.project) > 0 && p.count {
			by = p.project
		}
		ops = append(ops, &kql.SummarizeOp{Aggs: aggs, By: cols(colNames(by)...)})
		if p.topN > 0 && len(by) > 0 && firstAggName(p) != "" {
			ops = append(ops, &kql.TopOp{N: longLit(int64(p.topN)), Keys: []*kql.SortKey{sortKey(firstAggName(p), true)}})
		} else if len(by) > 0 {
			s := p.sortBy
			if s == "" || !slices.ContainsFunc(by, func(c *CatColumn) bool { return c.Name == s }) {
				s = firstAggName(p)
			}
			if s != "" {
				ops = append(ops, &kql.SortOp{Keys: []*kql.SortKey{sortKey(s, !p.sortAsc)}})
			}
		}
	case p.topN > 0 && len(p.project) > 0 && p.topBy == "" && p.sortBy == "":
		// "top 10 event ids": the most frequent values.
		ops = append(ops, &kql.SummarizeOp{Aggs: []*kql.ColumnExpr{named("", call("count"))}, By: cols(colNames(p.project)...)})
		ops = append(ops, &kql.TopOp{N: longLit(int64(p.topN)), Keys: []*kql.SortKey{sortKey("count_", true)}})
	case len(p.distinc) > 0:
		ops = append(ops, &kql.DistinctOp{Cols: identExprs(colNames(p.distinc))})
	default:
		if len(p.by) > 0 && len(p.project) == 0 {
			ops = append(ops, &kql.SummarizeOp{Aggs: []*kql.ColumnExpr{named("", call("count"))}, By: cols(colNames(p.by)...)})
			ops = append(ops, &kql.SortOp{Keys: []*kql.SortKey{sortKey("count_", true)}})
			break
		}
		sortCol, desc := p.sortBy, !p.sortAsc
		if p.topBy != "" {
			sortCol, desc = p.topBy, true
		}
		n := p.topN
		if n == 0 {
			n = p.take
		}
		switch {
		case sortCol != "" && n > 0:
			ops = append(ops, &kql.TopOp{N: longLit(int64(n)), Keys: []*kql.SortKey{sortKey(sortCol, desc)}})
		case sortCol != "":
			ops = append(ops, &kql.SortOp{Keys: []*kql.SortKey{sortKey(sortCol, desc)}})
		case n > 0 && timeCol != "":
			ops = append(ops, &kql.TopOp{N: longLit(int64(n)), Keys: []*kql.SortKey{sortKey(timeCol, true)}})
		case n > 0:
			ops = append(ops, &kql.TakeOp{N: longLit(int64(n))})
		}
		if len(p.project) == 0 && t.known {
			// The dataset fills only some of the schema's columns: show those.
			for _, c := range t.Columns {
				if !c.Empty && !strings.HasPrefix(c.Name, "_") {
					p.project = append(p.project, c)
				}
			}
		}
		if len(p.project) > 0 {
			ops = append(ops, &kql.ProjectOp{Cols: cols(colNames(p.project)...)})
		}
		if sortCol == "" && n == 0 && timeCol != "" && (len(p.project) == 0 || slices.ContainsFunc(p.project, func(c *CatColumn) bool { return c.Name == timeCol })) {
			ops = append(ops, &kql.TopOp{N: longLit(100), Keys: []*kql.SortKey{sortKey(timeCol, true)}})
		}
	}
	q := &kql.Query{Stmts: []kql.Statement{&kql.ExprStmt{X: pipe(ident(t.Name), ops...)}}}
	return q, nil
}

func identExprs(names []string) []kql.Expr {
	out := make([]kql.Expr, len(names))
	for i, n := range names {
		out[i] = ident(n)
	}
	return out
}

func orString(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func orDefault(n, d int) int {
	if n > 0 {
		return n
	}
	return d
}

// firstAggName is the column to sort a summary by: the count, or the
// first numeric aggregate; "" when there is none.
func firstAggName(p *gplan) string {
	if p.count || len(p.agg) == 0 {
		return "count_"
	}
	for _, a := range p.agg {
		if a.fn != "make_set" {
			return a.fn + "_" + a.col.Name
		}
	}
	return ""
}

func colNames(cs []*CatColumn) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

// predicate is the filter as a KQL expression, with literals of the
// column's type.
func (f gfilter) predicate() kql.Expr {
	if f.col == nil {
		var xs []kql.Expr
		for _, v := range f.values {
			xs = append(xs, binary(f.op, &kql.Star{}, strLit(v)))
		}
		return or(xs...)
	}
	c := ident(f.col.Name)
	lit := func(v string) kql.Expr {
		switch f.col.Type {
		case kql.TLong, kql.TInt, kql.TDecimal:
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				return longLit(n)
			}
			x, _ := strconv.ParseFloat(v, 64)
			return &kql.Literal{Kind: kql.LitReal, Real: x}
		case kql.TReal:
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				return longLit(n)
			}
			x, _ := strconv.ParseFloat(v, 64)
			return &kql.Literal{Kind: kql.LitReal, Real: x}
		case kql.TDatetime:
			d, _ := parseLooseDate(v)
			return dateLit(d)
		case kql.TBool:
			l := strings.ToLower(v)
			return &kql.Literal{Kind: kql.LitBool, Bool: l == "true" || l == "yes"}
		}
		return strLit(v)
	}
	var x kql.Expr = c
	if f.member != "" {
		x = call("tostring", &kql.MemberExpr{X: c, Name: ident(f.member)})
	} else if f.col.Type == kql.TDynamic || f.col.Type == kql.TGuid {
		x = call("tostring", c)
	}
	op := f.op
	if !isTextType(f.col.Type) {
		switch op {
		case "=~", "contains", "has", "startswith", "endswith":
			op = "=="
		case "!~", "!contains", "!has":
			op = "!="
		}
	}
	if op == "ipv4_is_in_range" {
		return call("ipv4_is_in_range", x, strLit(f.values[0]))
	}
	if len(f.values) > 1 {
		switch op {
		case "==", "=~":
			in := "in~"
			if !isTextType(f.col.Type) {
				in = "in"
			}
			list := make([]kql.Expr, len(f.values))
			for i, v := range f.values {
				list[i] = lit(v)
			}
			return &kql.InExpr{Op: in, X: x, List: list}
		case "!=", "!~":
			in := "!in~"
			if !isTextType(f.col.Type) {
				in = "!in"
			}
			list := make([]kql.Expr, len(f.values))
			for i, v := range f.values {
				list[i] = lit(v)
			}
			return &kql.InExpr{Op: in, X: x, List: list}
		}
		var xs []kql.Expr
		for _, v := range f.values {
			xs = append(xs, binary(op, x, lit(v)))
		}
		if strings.HasPrefix(op, "!") {
			return and(xs...)
		}
		return or(xs...)
	}
	return binary(op, x, lit(f.values[0]))
}

func isTextType(t kql.Type) bool {
	return t == kql.TString || t == kql.TDynamic || t == kql.TGuid
}

// explain says what the plan does, and what it assumed.
func (p *gplan) explain() string {
	var b strings.Builder
	b.WriteString(p.why)
	if p.table.Desc != "" {
		d := p.table.Desc
		if i := strings.IndexAny(d, ".;"); i > 0 && i < 140 {
			d = d[:i]
		} else if len(d) > 140 {
			d = d[:140] + "…"
		}
		b.WriteString(" (" + d + ")")
	}
	b.WriteString(".")
	if p.tr != nil {
		if p.table.time != "" {
			fmt.Fprintf(&b, " Time: %s (%s).", p.tr.describe(), p.table.time)
		} else {
			fmt.Fprintf(&b, " The table has no time column: %q is not applied.", p.tr.Text)
		}
	}
	for _, f := range p.filters {
		col := "any column"
		if f.col != nil {
			col = f.col.Name
		}
		fmt.Fprintf(&b, " Filter: %s %s %s (%s).", col, f.op, strings.Join(quoteAll(f.values), ", "), f.why)
	}
	return b.String()
}
