package exec

import (
	"regexp"
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// Pruning the compiled statement.
//
// The compiler writes one CTE per pipeline stage, and a stage selects what
// its input has (SELECT *), so a table read converts every datetime column,
// a join lists every column of both sides and a where that moves into the
// table read leaves the plain read behind unused. DuckDB's optimizer drops
// unused columns from the plan, but only after binding every one of them:
// on a small table the binding costs more than the query. prune works on
// the finished list of stages, from the last to the first:
//
//   - a stage no later stage (or the final SELECT) names is dropped;
//   - a stage's needed columns are the quoted identifiers its readers
//     name, plus everything its reader needs when the reader selects *;
//   - a plain read of a stored table (SELECT * [REPLACE (...)] FROM table)
//     becomes an explicit list of the table's columns;
//   - items that only copy, convert or number a column and that no reader
//     needs are removed, except from stages with DISTINCT or GROUP BY,
//     where they decide the rows.
//
// Every identifier the compiler writes is quoted, so a reader's quoted
// identifiers over-approximate what it reads. Anything that could read
// columns without naming them (a * outside the select list, COLUMNS,
// positional references, a relation used as a value) makes the reader
// need every column of what it reads.

// pstage is one CTE of the statement.
type pstage struct {
	name string // quoted, as written in FROM clauses
	head string // text before the body: `"_s1" AS (` or `"_s1" AS MATERIALIZED (`
	body string
	// opaque stages (a recursive CTE with a column list) are kept as written
	opaque bool
	raw    string
}

func parseStage(s string) pstage {
	name, rest, ok := cutQuoted(s)
	if ok {
		for _, h := range []string{" AS (\n  ", " AS MATERIALIZED (\n  "} {
			if strings.HasPrefix(rest, h) && strings.HasSuffix(rest, "\n)") {
				return pstage{name: name, head: name + h, body: strings.TrimSuffix(rest[len(h):], "\n)")}
			}
		}
	}
	// the name of an opaque stage still matters for reachability
	return pstage{name: name, opaque: true, raw: s, body: s}
}

// cutQuoted splits a leading quoted identifier from s.
func cutQuoted(s string) (q, rest string, ok bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", s, false
	}
	for i := 1; i < len(s); i++ {
		if s[i] == '"' {
			if i+1 < len(s) && s[i+1] == '"' {
				i++
				continue
			}
			return s[:i+1], s[i+1:], true
		}
	}
	return "", s, false
}

func (p pstage) text() string {
	if p.opaque {
		return p.raw
	}
	return p.head + p.body + "\n)"
}

// ---------------------------------------------------------------- lexing

type tokKind uint8

const (
	tkWord tokKind = iota
	tkQuoted
	tkString
	tkNumber
	tkPunct
)

type tok struct {
	k          tokKind
	s          string
	start, end int
}

// lexSQL splits the SQL the compiler writes into tokens: words, quoted
// identifiers, string literals, numbers and single punctuation characters.
func lexSQL(s string) []tok {
	var out []tok
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\n' || c == '\t' || c == '\r':
			i++
			continue
		case c == '"' || c == '\'':
			j := i + 1
			for j < len(s) {
				if s[j] == c {
					if j+1 < len(s) && s[j+1] == c {
						j += 2
						continue
					}
					break
				}
				j++
			}
			k := tkQuoted
			if c == '\'' {
				k = tkString
			}
			end := min(j+1, len(s))
			out = append(out, tok{k, s[i:end], i, end})
			i = end
			continue
		case isWordStart(c):
			j := i + 1
			for j < len(s) && (isWordStart(s[j]) || (s[j] >= '0' && s[j] <= '9') || s[j] == '$') {
				j++
			}
			out = append(out, tok{tkWord, s[i:j], i, j})
			i = j
			continue
		case c >= '0' && c <= '9':
			j := i + 1
			for j < len(s) && ((s[j] >= '0' && s[j] <= '9') || s[j] == '.' || s[j] == 'e' || s[j] == 'E') {
				j++
			}
			out = append(out, tok{tkNumber, s[i:j], i, j})
			i = j
			continue
		}
		out = append(out, tok{tkPunct, s[i : i+1], i, i + 1})
		i++
	}
	return out
}

func isWordStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
}

func isKw(t tok, kw string) bool { return t.k == tkWord && strings.EqualFold(t.s, kw) }

// ---------------------------------------------------------------- select shape

// selItem is one item of a select list.
type selItem struct {
	lo, hi int    // token range [lo, hi)
	name   string // output name (quoted), "" when unknown
	star   bool   // *, * REPLACE (...), * EXCLUDE (...), q.*
	expr   string // expression text without the alias
}

// selShape is a body of the form SELECT [DISTINCT] items FROM rest.
type selShape struct {
	toks     []tok
	distinct bool
	items    []selItem
	from     int // index of the FROM token
	grouped  bool
	// starOnlyInList: every * in star position is a top-level select item
	starOnlyInList bool
}

// shapeOf parses body; ok is false when it is not one simple SELECT.
func shapeOf(body string, toks []tok) (sh selShape, ok bool) {
	sh.toks = toks
	if len(toks) == 0 || !isKw(toks[0], "SELECT") {
		return sh, false
	}
	i := 1
	if i < len(toks) && isKw(toks[i], "DISTINCT") {
		sh.distinct = true
		i++
		if i < len(toks) && isKw(toks[i], "ON") {
			// DISTINCT ON (keys): skip the keys
			k := matchParen(toks, i+1)
			if k < 0 {
				return sh, false
			}
			i = k + 1
		}
	}
	depth := 0
	start := i
	from := -1
	for j := i; j < len(toks); j++ {
		t := toks[j]
		if t.k == tkPunct {
			depth += nesting(t.s)
			if t.s == "," && depth == 0 {
				sh.items = append(sh.items, makeItem(body, toks, start, j))
				start = j + 1
			}
			continue
		}
		if depth == 0 && isKw(t, "FROM") && !(j > 0 && isKw(toks[j-1], "DISTINCT")) {
			from = j
			break
		}
	}
	if from < 0 || start >= from {
		return sh, false
	}
	sh.items = append(sh.items, makeItem(body, toks, start, from))
	sh.from = from
	// clauses after FROM at the top level
	depth = 0
	for j := from + 1; j < len(toks); j++ {
		t := toks[j]
		if t.k == tkPunct {
			depth += nesting(t.s)
			continue
		}
		if depth != 0 {
			continue
		}
		switch {
		case isKw(t, "UNION"), isKw(t, "EXCEPT"), isKw(t, "INTERSECT"), isKw(t, "SELECT"):
			return sh, false
		case isKw(t, "GROUP"), isKw(t, "HAVING"):
			sh.grouped = true
		}
	}
	// where are the stars?
	sh.starOnlyInList = true
	inList := map[int]bool{}
	for _, it := range sh.items {
		if it.star {
			for j := it.lo; j < it.hi; j++ {
				if toks[j].s == "*" {
					inList[j] = true
					break
				}
			}
		}
	}
	for j, t := range toks {
		if t.k == tkPunct && t.s == "*" && starPosition(toks, j) && !inList[j] {
			sh.starOnlyInList = false
		}
	}
	return sh, true
}

func makeItem(body string, toks []tok, lo, hi int) selItem {
	it := selItem{lo: lo, hi: hi}
	n := hi - lo
	switch {
	case n >= 1 && toks[lo].s == "*":
		it.star = true
	case n == 3 && toks[lo].k == tkWord && toks[lo+1].s == "." && toks[lo+2].s == "*":
		it.star = true
	}
	if it.star {
		return it
	}
	exprHi := hi
	switch {
	case n >= 3 && isKw(toks[hi-2], "AS") && toks[hi-1].k == tkQuoted:
		it.name = toks[hi-1].s
		exprHi = hi - 2
	case n == 1 && toks[lo].k == tkQuoted:
		it.name = toks[lo].s
	case n == 3 && toks[lo].k == tkWord && toks[lo+1].s == "." && toks[lo+2].k == tkQuoted:
		it.name = toks[lo+2].s
	}
	if exprHi > lo {
		it.expr = body[toks[lo].start:toks[exprHi-1].end]
	}
	return it
}

// starPosition reports whether the * at j stands for columns (not a
// multiplication and not count(*)).
func starPosition(toks []tok, j int) bool {
	if j == 0 {
		return true
	}
	p := toks[j-1]
	switch {
	case isKw(p, "SELECT"), isKw(p, "DISTINCT"):
		return true
	case p.k == tkPunct && (p.s == "," || p.s == "."):
		return true
	case p.k == tkPunct && p.s == "(":
		return !(j >= 2 && isKw(toks[j-2], "count"))
	case p.k == tkPunct && p.s == ")":
		// DISTINCT ON (keys) *
		open := -1
		depth := 0
		for k := j - 1; k >= 0; k-- {
			if toks[k].s == ")" && toks[k].k == tkPunct {
				depth++
			} else if toks[k].s == "(" && toks[k].k == tkPunct {
				depth--
				if depth == 0 {
					open = k
					break
				}
			}
		}
		return open >= 2 && isKw(toks[open-1], "ON") && isKw(toks[open-2], "DISTINCT")
	}
	return false
}

// nesting is how a punctuation token changes the bracket depth: +1 for
// an opening bracket, -1 for a closing one, 0 otherwise.
func nesting(p string) int {
	switch p {
	case "(", "[", "{":
		return 1
	case ")", "]", "}":
		return -1
	}
	return 0
}

// matchParen returns the index of the parenthesis closing the one at i,
// or -1.
func matchParen(toks []tok, i int) int {
	if i >= len(toks) || toks[i].s != "(" {
		return -1
	}
	depth := 0
	for k := i; k < len(toks); k++ {
		if toks[k].k != tkPunct {
			continue
		}
		switch toks[k].s {
		case "(":
			depth++
		case ")":
			depth--
			if depth == 0 {
				return k
			}
		}
	}
	return -1
}

var (
	reRef       = regexp.MustCompile(`^(?:[A-Za-z_][A-Za-z0-9_]*\.)?"(?:[^"]|"")*"$`)
	reEpochRef  = regexp.MustCompile(`^epoch_ns\("(?:[^"]|"")*"\) // 100$`)
	reCoalesce  = regexp.MustCompile(`^coalesce\((?:[A-Za-z_][A-Za-z0-9_]*\.)?"(?:[^"]|"")*", ''\)$`)
	reConstant  = regexp.MustCompile(`^(?:'(?:[^']|'')*'|-?[0-9]+|CAST\(NULL AS [A-Z0-9(), ]+\)|NULL)$`)
	reRowNumber = regexp.MustCompile(`^row_number\(\) OVER \(`)
)

// droppable reports whether removing the item cannot change the rows of a
// stage without DISTINCT or GROUP BY: it copies, converts or numbers a
// column, or is a constant (never an aggregate or a set-returning call).
func droppable(it selItem) bool {
	if it.star || it.name == "" {
		return false
	}
	e := it.expr
	if reRef.MatchString(e) || reEpochRef.MatchString(e) || reCoalesce.MatchString(e) || reConstant.MatchString(e) {
		return true
	}
	if reRowNumber.MatchString(e) && strings.HasSuffix(e, ")") && closesAtEnd(e[len("row_number() OVER "):]) {
		return true
	}
	return false
}

// closesAtEnd reports whether the parenthesis opening s closes at its end.
func closesAtEnd(s string) bool {
	toks := lexSQL(s)
	depth := 0
	for i, t := range toks {
		if t.k != tkPunct {
			continue
		}
		switch t.s {
		case "(":
			depth++
		case ")":
			depth--
			if depth == 0 {
				return i == len(toks)-1
			}
		}
	}
	return false
}

// ---------------------------------------------------------------- the pass

// need is a set of quoted column names, or every column.
type need struct {
	all   bool
	names map[string]bool
}

func (n *need) addAll() { n.all = true }

func (n *need) add(name string) {
	if n.names == nil {
		n.names = map[string]bool{}
	}
	n.names[name] = true
}

func (n *need) merge(o *need) {
	if o.all {
		n.all = true
		return
	}
	for k := range o.names {
		n.add(k)
	}
}

func (n *need) has(name string) bool { return n.all || n.names[name] }

// pruner holds the stages and what is known of them.
type pruner struct {
	stages []pstage
	index  map[string]int        // quoted stage name → index
	tables map[string]*kql.Table // quoted stored table name → table
	shapes []*selShape           // parsed shapes after pruning (nil: not simple)
}

func newPruner(ctes []string, schema *kql.Schema) *pruner {
	p := &pruner{index: map[string]int{}, tables: map[string]*kql.Table{}}
	for _, s := range ctes {
		st := parseStage(s)
		if st.name != "" {
			p.index[st.name] = len(p.stages)
		}
		p.stages = append(p.stages, st)
	}
	if schema != nil {
		for _, n := range schema.TableNames() {
			if t, ok := schema.Table(n); ok {
				q := quoteIdent(t.Name)
				if _, clash := p.index[q]; !clash {
					p.tables[q] = t
				}
			}
		}
	}
	p.shapes = make([]*selShape, len(p.stages))
	return p
}

// refs returns the stages named in toks (other than self).
func (p *pruner) refs(toks []tok, self int) []int {
	var out []int
	seen := map[int]bool{}
	for _, t := range toks {
		if t.k != tkQuoted {
			continue
		}
		if i, ok := p.index[t.s]; ok && i != self && !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	return out
}

// readsImplicitly reports whether a body may read columns it does not
// name: COLUMNS(...), positional #n, NATURAL or USING joins, PIVOT, a
// relation used as a value, or a * it is not safe to follow.
func (p *pruner) readsImplicitly(toks []tok, sh *selShape, ok bool) bool {
	aliases := map[string]bool{}
	for j, t := range toks {
		switch {
		case isKw(t, "COLUMNS"), isKw(t, "NATURAL"), isKw(t, "USING"), isKw(t, "PIVOT"), isKw(t, "UNPIVOT"),
			isKw(t, "LATERAL"), t.k == tkPunct && t.s == "#":
			return true
		case t.k == tkPunct && t.s == "*" && starPosition(toks, j):
			if !ok || !sh.starOnlyInList {
				return true
			}
		}
		if t.k == tkQuoted {
			if _, isStage := p.index[t.s]; isStage {
				prev := ""
				if j > 0 {
					prev = strings.ToUpper(toks[j-1].s)
				}
				if prev != "FROM" && prev != "JOIN" && prev != "," {
					return true // a stage used other than as a source
				}
				// its alias
				k := j + 1
				if k < len(toks) && isKw(toks[k], "AS") {
					k++
				}
				if k < len(toks) && (toks[k].k == tkWord || toks[k].k == tkQuoted) && !isClauseWord(toks[k]) {
					aliases[toks[k].s] = true
				}
			}
		}
	}
	// an alias is read only through alias.column
	for j, t := range toks {
		if (t.k == tkWord || t.k == tkQuoted) && aliases[t.s] {
			if j+1 < len(toks) && toks[j+1].s == "." {
				continue
			}
			if j > 0 && (isKw(toks[j-1], "AS") || toks[j-1].k == tkQuoted) {
				continue // the declaration
			}
			return true
		}
	}
	return false
}

func isClauseWord(t tok) bool {
	if t.k != tkWord {
		return false
	}
	switch strings.ToUpper(t.s) {
	case "WHERE", "INNER", "LEFT", "RIGHT", "FULL", "JOIN", "SEMI", "ANTI", "CROSS", "ON", "GROUP", "ORDER",
		"QUALIFY", "LIMIT", "HAVING", "WINDOW", "UNION", "POSITIONAL", "ASOF", "OFFSET", "SAMPLE", "USING":
		return true
	}
	return false
}

// run prunes the stages read by final and returns the kept stages.
func (p *pruner) run(final string) []string {
	n := len(p.stages)
	needs := make([]need, n)
	reached := make([]bool, n)
	ftoks := lexSQL(final)
	fsh, fok := shapeOf(final, ftoks)
	p.propagate(ftoks, &fsh, fok, &need{all: true}, -1, needs, reached)
	for i := n - 1; i >= 0; i-- {
		if !reached[i] {
			continue
		}
		st := &p.stages[i]
		if st.opaque {
			toks := lexSQL(st.body)
			p.propagate(toks, nil, false, &needs[i], i, needs, reached)
			continue
		}
		toks := lexSQL(st.body)
		sh, ok := shapeOf(st.body, toks)
		if ok {
			if body, changed := p.rewrite(st.body, &sh, &needs[i]); changed {
				st.body = body
				toks = lexSQL(body)
				sh, ok = shapeOf(body, toks)
			}
		}
		if ok {
			p.shapes[i] = &sh
		}
		p.propagate(toks, &sh, ok, &needs[i], i, needs, reached)
	}
	var out []string
	for i, st := range p.stages {
		if reached[i] {
			out = append(out, st.text())
		}
	}
	return out
}

// propagate records what a body (the final SELECT when self < 0) needs of
// the stages it reads.
func (p *pruner) propagate(toks []tok, sh *selShape, ok bool, own *need, self int, needs []need, reached []bool) {
	srcs := p.refs(toks, self)
	if len(srcs) == 0 {
		return
	}
	implicit := p.readsImplicitly(toks, sh, ok)
	hasStar := false
	if ok {
		for _, it := range sh.items {
			if it.star {
				hasStar = true
			}
		}
	}
	// the stages each alias names (alias."col" reads only those)
	aliasOf := map[string]map[int]bool{}
	for k, t := range toks {
		i, isStage := p.index[t.s]
		if t.k != tkQuoted || !isStage || i == self {
			continue
		}
		a := k + 1
		if a < len(toks) && isKw(toks[a], "AS") {
			a++
		}
		if a < len(toks) && (toks[a].k == tkWord || toks[a].k == tkQuoted) && !isClauseWord(toks[a]) {
			if aliasOf[toks[a].s] == nil {
				aliasOf[toks[a].s] = map[int]bool{}
			}
			aliasOf[toks[a].s][i] = true
		}
	}
	for _, j := range srcs {
		reached[j] = true
		if implicit {
			needs[j].addAll()
			continue
		}
		for k, t := range toks {
			if t.k != tkQuoted {
				continue
			}
			if k >= 1 && isKw(toks[k-1], "AS") {
				continue // a name being defined (an output column, an alias)
			}
			if k >= 2 && toks[k-1].s == "." && toks[k-1].k == tkPunct {
				if st, ok := aliasOf[toks[k-2].s]; ok && !st[j] {
					continue // another stage's column
				}
			}
			needs[j].add(t.s)
		}
		if hasStar {
			needs[j].merge(own)
		}
	}
}

// rewrite expands a plain read of a stored table into its columns and
// drops the items nobody needs.
func (p *pruner) rewrite(body string, sh *selShape, nd *need) (string, bool) {
	if nd.all || sh.distinct || sh.grouped {
		return body, false
	}
	toks := sh.toks
	type outItem struct {
		text string
		name string
		drop bool
	}
	var items []outItem
	expanded := false
	for k, it := range sh.items {
		if it.star && k == 0 {
			if cols, ok := p.tableStar(body, sh, it); ok {
				for _, c := range cols {
					items = append(items, outItem{text: c.text, name: c.name, drop: c.droppable})
				}
				expanded = true
				continue
			}
		}
		text := body[toks[it.lo].start:toks[it.hi-1].end]
		items = append(items, outItem{text: text, name: it.name, drop: droppable(it)})
	}
	// a name the stage itself uses after FROM (ORDER BY, QUALIFY may
	// read an output column) stays; the WHERE of a stored-table read
	// reads the table's columns
	usedAfter := map[string]bool{}
	storedRead := p.storedSource(sh) != nil
	for j := sh.from + 1; j < len(toks); j++ {
		if toks[j].k == tkQuoted {
			usedAfter[toks[j].s] = true
		}
	}
	if storedRead && !clausesAfterWhere(toks, sh.from) {
		usedAfter = map[string]bool{}
	}
	var kept []string
	changed := expanded
	for _, o := range items {
		if o.drop && o.name != "" && !nd.has(o.name) && !usedAfter[o.name] {
			changed = true
			continue
		}
		kept = append(kept, o.text)
	}
	if !changed {
		return body, false
	}
	if len(kept) == 0 {
		kept = []string{"NULL AS \"$none\""}
	}
	head := "SELECT "
	return head + strings.Join(kept, ", ") + " " + body[toks[sh.from].start:], true
}

// clausesAfterWhere reports whether anything but a WHERE follows FROM's
// source at the top level (ORDER BY, QUALIFY, LIMIT, ...).
func clausesAfterWhere(toks []tok, from int) bool {
	depth := 0
	for j := from + 1; j < len(toks); j++ {
		t := toks[j]
		if t.k == tkPunct {
			depth += nesting(t.s)
			continue
		}
		if depth == 0 && t.k == tkWord {
			switch strings.ToUpper(t.s) {
			case "ORDER", "QUALIFY", "LIMIT", "WINDOW", "HAVING", "GROUP", "OFFSET", "JOIN":
				return true
			}
		}
	}
	return false
}

// storedSource returns the stored table a stage reads when its FROM is
// that table alone, or a subquery `(SELECT * FROM "T" ...) AS "T"` of it.
func (p *pruner) storedSource(sh *selShape) *kql.Table {
	toks := sh.toks
	j := sh.from + 1
	if j >= len(toks) {
		return nil
	}
	var t *kql.Table
	end := j + 1
	switch {
	case toks[j].k == tkQuoted:
		t = p.tables[toks[j].s]
	case toks[j].s == "(" && j+4 < len(toks) && isKw(toks[j+1], "SELECT") && toks[j+2].s == "*" && isKw(toks[j+3], "FROM") && toks[j+4].k == tkQuoted:
		t = p.tables[toks[j+4].s]
		depth := 0
		k := j
		for ; k < len(toks); k++ {
			if toks[k].s == "(" {
				depth++
			} else if toks[k].s == ")" {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		if k+2 >= len(toks) || !isKw(toks[k+1], "AS") || toks[k+2].s != toks[j+4].s {
			return nil
		}
		end = k + 3
	}
	if t == nil {
		return nil
	}
	// a single source: what follows is a WHERE or nothing at the top level
	if end < len(toks) && !isKw(toks[end], "WHERE") && !isKw(toks[end], "ORDER") && !isKw(toks[end], "LIMIT") {
		return nil
	}
	return t
}

type starCol struct {
	text, name string
	droppable  bool
}

// tableStar expands `* [REPLACE (e AS "c", ...)]` over a stored table.
func (p *pruner) tableStar(body string, sh *selShape, it selItem) ([]starCol, bool) {
	t := p.storedSource(sh)
	if t == nil {
		return nil, false
	}
	toks := sh.toks
	repl := map[string]selItem{}
	j := it.lo + 1
	if j < it.hi {
		if !isKw(toks[j], "REPLACE") || j+1 >= it.hi || toks[j+1].s != "(" || toks[it.hi-1].s != ")" {
			return nil, false
		}
		// items of the REPLACE list
		depth := 0
		start := j + 2
		for k := j + 2; k < it.hi; k++ {
			s := toks[k].s
			if toks[k].k != tkPunct {
				continue
			}
			switch s {
			case "(", "[", "{":
				depth++
			case ")", "]", "}":
				if depth == 0 && k == it.hi-1 {
					r := makeItem(body, toks, start, k)
					if r.name == "" {
						return nil, false
					}
					repl[r.name] = r
				}
				depth--
			case ",":
				if depth == 0 {
					r := makeItem(body, toks, start, k)
					if r.name == "" {
						return nil, false
					}
					repl[r.name] = r
					start = k + 1
				}
			}
		}
	}
	var out []starCol
	for _, c := range t.Columns {
		q := quoteIdent(c.Name)
		if r, ok := repl[q]; ok {
			out = append(out, starCol{text: body[toks[r.lo].start:toks[r.hi-1].end], name: q, droppable: droppable(r)})
			delete(repl, q)
			continue
		}
		out = append(out, starCol{text: q, name: q, droppable: true})
	}
	if len(repl) > 0 {
		return nil, false // replaces a column the schema does not list
	}
	return out, true
}

// storedDatetime reports whether column name (quoted) of stage i is a
// stored datetime column read as ticks (epoch_ns(c) // 100) and copied
// unchanged since: such values are in KQL's datetime range.
func (p *pruner) storedDatetime(i int, name string, depth int) bool {
	if i < 0 || i >= len(p.stages) || depth > 64 {
		return false
	}
	sh := p.shapes[i]
	if sh == nil {
		return false
	}
	toks := sh.toks
	srcs := p.sources(sh)
	var star *selItem
	for k := range sh.items {
		it := &sh.items[k]
		if it.star {
			if star == nil {
				star = it
			}
			continue
		}
		if it.name != name {
			continue
		}
		ts := toks[it.lo:it.hi]
		if len(ts) >= 3 && isKw(ts[len(ts)-2], "AS") {
			ts = ts[:len(ts)-2]
		}
		switch {
		case len(ts) == 1 && ts[0].k == tkQuoted:
			if s, ok := srcs[""]; ok {
				return p.storedDatetime(s, ts[0].s, depth+1)
			}
		case len(ts) == 3 && ts[1].s == "." && ts[2].k == tkQuoted:
			if s, ok := srcs[ts[0].s]; ok {
				return p.storedDatetime(s, ts[2].s, depth+1)
			}
		case reEpochRef.MatchString(it.expr):
			return p.storedSource(sh) != nil
		}
		return false
	}
	if s, ok := srcs[""]; ok && star != nil && star.hi-star.lo == 1 {
		return p.storedDatetime(s, name, depth+1)
	}
	return false
}

// sources maps the aliases of the stages a simple shape reads (and "" for
// the only one) to their indexes.
func (p *pruner) sources(sh *selShape) map[string]int {
	out := map[string]int{}
	toks := sh.toks
	n := 0
	last := -1
	depth := 0
	for j := sh.from + 1; j < len(toks); j++ {
		t := toks[j]
		if t.k == tkPunct {
			depth += nesting(t.s)
			continue
		}
		if t.k != tkQuoted || depth != 0 {
			continue
		}
		i, ok := p.index[t.s]
		if !ok {
			continue
		}
		prev := strings.ToUpper(toks[j-1].s)
		if prev != "FROM" && prev != "JOIN" && prev != "," {
			continue
		}
		n++
		last = i
		k := j + 1
		if k < len(toks) && isKw(toks[k], "AS") {
			k++
		}
		if k < len(toks) && (toks[k].k == tkWord || toks[k].k == tkQuoted) && !isClauseWord(toks[k]) {
			out[toks[k].s] = i
		}
		out[t.s] = i
	}
	if n == 1 {
		out[""] = last
	} else {
		delete(out, "")
	}
	return out
}
