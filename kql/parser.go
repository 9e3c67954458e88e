package kql

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// parser is a recursive-descent parser over the token slice made by lex.
// Expressions use precedence climbing. The first error stops parsing: it is
// raised as a bailout panic and recovered in Parse.
type parser struct {
	src  string
	toks []token
	i    int
	errs ErrorList

	depth int // expression nesting, bounded by maxDepth

	// searchDepth > 0 while parsing a search predicate, where Col:"v"
	// means Col has "v".
	searchDepth int

	// tableValues is set while parsing datatable values, the one place
	// where Kusto accepts -9223372036854775808: in an expression it is the
	// negation of 9223372036854775808, which overflows long (conformance
	// cases r2-type-casts-coercion-0037, r3-parse-search-0017).
	tableValues bool
}

// bailout is the panic value that unwinds the parser after an error.
type bailout struct{}

// Parse parses a query text into its syntax tree. The error, if any, is an
// ErrorList of positioned errors.
func Parse(src string) (*Query, error) {
	return parseWith(src, (*parser).parseQuery)
}

// parseWith runs a parse function over src, turning a bailout into the
// collected errors and any other panic into an internal error that names
// the input.
func parseWith(src string, parse func(*parser) *Query) (q *Query, err error) {
	p := &parser{src: src, toks: []token{{kind: tEOF}}}
	defer func() {
		if r := recover(); r != nil {
			q = nil
			if _, ok := r.(bailout); ok {
				err = p.errs
				return
			}
			err = ErrorList{{
				Span: p.tok().span(),
				Msg:  fmt.Sprintf("internal error parsing %s: %v", quoteShort(src), r),
				Hint: "this is a bug in kqlhunt; please report it with the query",
			}}
		}
	}()
	lx := lex(src)
	if len(lx.errs) > 0 {
		return nil, lx.errs
	}
	p.toks = lx.toks
	q = parse(p)
	if q != nil && len(lx.comments) > 0 {
		q.Comments = make([]*Comment, len(lx.comments))
		for i, c := range lx.comments {
			q.Comments[i] = &Comment{Sp: Span{c.start, c.end}, Text: src[c.start:c.end], Trailing: c.trailing}
		}
	}
	return q, nil
}

// quoteShort quotes the start of a query text for an error message.
func quoteShort(s string) string {
	if len(s) > 60 {
		return strconv.Quote(s[:60]) + "..."
	}
	return strconv.Quote(s)
}

func (t token) span() Span { return Span{int(t.start), int(t.end)} }

func (p *parser) tok() token { return p.toks[p.i] }

// peek returns the token k places ahead (0 is the current one).
func (p *parser) peek(k int) token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) text(t token) string { return p.src[t.start:t.end] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

// prevEnd is the end offset of the last consumed token.
func (p *parser) prevEnd() int {
	if p.i == 0 {
		return 0
	}
	return int(p.toks[p.i-1].end)
}

func (p *parser) isPunct(t token, s string) bool {
	return t.kind == tPunct && p.src[t.start:t.end] == s
}

func (p *parser) isKw(t token, s string) bool {
	return t.kind == tIdent && p.src[t.start:t.end] == s
}

func (p *parser) at(s string) bool   { return p.isPunct(p.tok(), s) }
func (p *parser) atKw(s string) bool { return p.isKw(p.tok(), s) }

func (p *parser) accept(s string) bool {
	if p.at(s) {
		p.i++
		return true
	}
	return false
}

func (p *parser) acceptKw(s string) bool {
	if p.atKw(s) {
		p.i++
		return true
	}
	return false
}

// describe names a token for an error message.
func (p *parser) describe(t token) string {
	switch t.kind {
	case tEOF:
		return "end of query"
	case tString:
		return "string " + quoteShort(p.text(t))
	}
	return strconv.Quote(p.text(t))
}

func (p *parser) failAt(sp Span, hint, format string, args ...any) {
	p.errs.Add(&Error{Span: sp, Msg: fmt.Sprintf(format, args...), Hint: hint})
	panic(bailout{})
}

// expected reports that the current token is not what the grammar wants.
func (p *parser) expected(what string) {
	t := p.tok()
	p.failAt(t.span(), "", "expected %s, found %s", what, p.describe(t))
}

func (p *parser) expect(s string) token {
	if !p.at(s) {
		p.expected(strconv.Quote(s))
	}
	return p.next()
}

func (p *parser) expectKw(s string) token {
	if !p.atKw(s) {
		p.expected(strconv.Quote(s))
	}
	return p.next()
}

// expectClose consumes the closing bracket of one opened at open.
func (p *parser) expectClose(close string, open token) {
	if p.at(close) {
		p.i++
		return
	}
	t := p.tok()
	line, col := LineCol(p.src, int(open.start))
	p.failAt(t.span(), fmt.Sprintf("the %q at %d:%d is not closed", p.text(open), line, col),
		"expected %q, found %s", close, p.describe(t))
}

// adjacent reports whether token b starts right where a ends.
func adjacent(a, b token) bool { return a.end == b.start }

// ---------------------------------------------------------------- statements

func (p *parser) parseQuery() *Query {
	q := &Query{}
	for {
		for p.accept(";") {
		}
		if p.tok().kind == tEOF {
			break
		}
		if st := p.tryStatement(); st != nil {
			q.Stmts = append(q.Stmts, st)
		}
	}
	if len(p.errs) > 0 {
		panic(bailout{})
	}
	q.Sp = Span{0, len(p.src)}
	if len(q.Stmts) == 0 {
		p.failAt(Span{0, len(p.src)}, "", "empty query: expected a statement")
	}
	return q
}

// tryStatement parses one statement and its terminating ";" (or the end
// of the query). After an error it skips to the next ";" outside brackets
// and returns nil, so one query text can report an error per statement.
func (p *parser) tryStatement() (st Statement) {
	start := p.i
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				panic(r)
			}
			st = nil
			p.depth, p.searchDepth = 0, 0
			p.skipStatement(start)
		}
	}()
	st = p.parseStatement()
	if p.tok().kind != tEOF && !p.accept(";") {
		p.unexpectedAfterStatement(st)
	}
	return st
}

// skipStatement moves past the statement that began at token index start:
// through the first ";" outside its brackets at or after the error, or,
// when the brackets never balance, the first ";" after the error.
func (p *parser) skipStatement(start int) {
	errAt := p.i
	fallback := -1
	depth := 0
	for j := start; j < len(p.toks); j++ {
		t := p.toks[j]
		switch {
		case t.kind == tEOF:
			if fallback >= 0 {
				p.i = fallback + 1
			} else {
				p.i = j
			}
			return
		case t.kind != tPunct:
		case p.isPunct(t, "(") || p.isPunct(t, "[") || p.isPunct(t, "{"):
			depth++
		case p.isPunct(t, ")") || p.isPunct(t, "]") || p.isPunct(t, "}"):
			if depth > 0 {
				depth--
			}
		case p.isPunct(t, ";") && j >= errAt:
			if depth == 0 {
				p.i = j + 1
				return
			}
			if fallback < 0 {
				fallback = j
			}
		}
	}
}

func (p *parser) unexpectedAfterStatement(st Statement) {
	t := p.tok()
	hint := ""
	if _, ok := st.(*LetStmt); ok {
		hint = `end each let statement with ";"`
	} else if p.isPunct(t, "=") {
		hint = `use "==" to compare values`
	} else if t.kind == tIdent {
		if _, ok := opKeywords[p.text(t)]; ok {
			hint = fmt.Sprintf(`add "|" before %q`, p.text(t))
		}
	}
	p.failAt(t.span(), hint, `expected "|", ";" or end of query, found %s`, p.describe(t))
}

func (p *parser) parseStatement() Statement {
	t := p.tok()
	switch {
	case p.isKw(t, "let"):
		return p.parseLet()
	case p.isKw(t, "declare") && p.isKw(p.peek(1), "query_parameters"):
		p.i += 2
		open := p.expect("(")
		d := &DeclareStmt{Params: p.parseParamList(open)}
		d.Sp = Span{int(t.start), p.prevEnd()}
		return d
	case p.isKw(t, "set") && p.peek(1).kind == tIdent &&
		(p.isPunct(p.peek(2), "=") || p.isPunct(p.peek(2), ";") || p.peek(2).kind == tEOF || p.isPunct(p.peek(2), ".")):
		p.i++
		s := &SetStmt{}
		nameStart := p.tok()
		name := p.text(p.next())
		for p.at(".") && p.peek(1).kind == tIdent {
			p.i++
			name += "." + p.text(p.next())
		}
		s.Name = &Ident{Sp: Span{int(nameStart.start), p.prevEnd()}, Name: name}
		if p.accept("=") {
			s.Value = p.parseParamValue()
		}
		s.Sp = Span{int(t.start), p.prevEnd()}
		return s
	}
	x := p.parsePipeline()
	return &ExprStmt{Sp: x.Span(), X: x}
}

func (p *parser) parseLet() *LetStmt {
	start := p.next() // let
	name := p.parseName("a name after \"let\"")
	p.expect("=")
	var v Expr
	switch t := p.tok(); {
	case p.isKw(t, "view") && p.isPunct(p.peek(1), "("):
		p.i++
		v = p.parseFuncLiteral(int(t.start), true)
	case p.isPunct(t, "(") && p.isFuncLiteral():
		v = p.parseFuncLiteral(int(t.start), false)
	default:
		v = p.parsePipeline()
	}
	return &LetStmt{Sp: Span{int(start.start), p.prevEnd()}, Name: name, Value: v}
}

// isFuncLiteral reports whether the "(" at the current token closes on a
// ")" followed by "{": a function literal rather than an expression.
func (p *parser) isFuncLiteral() bool {
	depth := 0
	for j := p.i; j < len(p.toks); j++ {
		t := p.toks[j]
		if t.kind == tEOF {
			return false
		}
		if t.kind != tPunct {
			continue
		}
		switch p.text(t) {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
			if depth == 0 {
				return j+1 < len(p.toks) && p.isPunct(p.toks[j+1], "{")
			}
		}
	}
	return false
}

func (p *parser) parseFuncLiteral(start int, view bool) *FuncExpr {
	open := p.expect("(")
	f := &FuncExpr{View: view, Params: p.parseParamList(open)}
	f.Body = p.parseBody()
	f.Sp = Span{start, p.prevEnd()}
	return f
}

// parseBody parses `{ statements }`.
func (p *parser) parseBody() *Body {
	p.enter()
	defer func() { p.depth-- }()
	open := p.expect("{")
	b := &Body{}
	for {
		for p.accept(";") {
		}
		if p.at("}") {
			break
		}
		st := p.parseStatement()
		b.Stmts = append(b.Stmts, st)
		if p.at("}") {
			break
		}
		if !p.accept(";") {
			if p.tok().kind == tEOF {
				p.expectClose("}", open)
			}
			p.unexpectedAfterStatement(st)
		}
	}
	p.expectClose("}", open)
	b.Sp = Span{int(open.start), p.prevEnd()}
	if len(b.Stmts) == 0 {
		p.failAt(b.Sp, "", "empty function body")
	}
	return b
}

// parseParamList parses parameters up to the ")" matching open:
// `name:type [= default]`, `T:(*)`, `T:(a:string, *)`.
func (p *parser) parseParamList(open token) []*Param {
	var ps []*Param
	for !p.at(")") {
		if len(ps) > 0 {
			if !p.accept(",") {
				p.expectClose(")", open)
			}
		}
		start := p.tok()
		prm := &Param{Name: p.parseName("a parameter name")}
		p.expect(":")
		if t := p.tok(); p.isPunct(t, "(") {
			p.i++
			prm.Tabular = true
			for !p.at(")") {
				if len(prm.Columns) > 0 || prm.AnyColumns {
					if !p.accept(",") {
						p.expectClose(")", t)
					}
				}
				if p.accept("*") {
					prm.AnyColumns = true
					continue
				}
				prm.Columns = append(prm.Columns, p.parseColumnDecl(true))
			}
			p.i++
		} else {
			prm.Type = p.parseTypeName()
		}
		if p.accept("=") {
			prm.Default = p.parseExpr()
		}
		prm.Sp = Span{int(start.start), p.prevEnd()}
		ps = append(ps, prm)
	}
	p.i++
	return ps
}

// parseTypeName parses a scalar type name and returns its canonical form.
func (p *parser) parseTypeName() string {
	t := p.tok()
	if t.kind == tIdent {
		if ct, ok := CanonicalType(p.text(t)); ok {
			p.i++
			return string(ct)
		}
	}
	p.failAt(t.span(), "types are bool, int, long, real, decimal, string, datetime, timespan, guid, dynamic",
		"expected a type name, found %s", p.describe(t))
	return ""
}

// parseColumnDecl parses `name:type`; typeRequired false allows a bare name.
func (p *parser) parseColumnDecl(typeRequired bool) *ColumnDecl {
	start := p.tok()
	c := &ColumnDecl{Name: p.parseName("a column name")}
	if typeRequired || p.at(":") {
		p.expect(":")
		c.Type = p.parseTypeName()
	}
	c.Sp = Span{int(start.start), p.prevEnd()}
	return c
}

// nameAt reports whether a name starts at token index j: an identifier or a
// bracketed ['name'], and returns the index after it.
func (p *parser) nameAt(j int) (int, bool) {
	if j >= len(p.toks) {
		return j, false
	}
	t := p.toks[j]
	if t.kind == tIdent {
		return j + 1, true
	}
	if p.isPunct(t, "[") && j+2 < len(p.toks) && p.toks[j+1].kind == tString && p.isPunct(p.toks[j+2], "]") {
		return j + 3, true
	}
	return j, false
}

// InternalName reports whether name is reserved for the columns the
// compiler adds to carry row order and row identity ("$ord", "$rid", ...):
// a name that starts with "$", other than KQL's own $left, $right and
// $table. A query cannot write one (a positioned error), and a dataset's
// columns cannot be named so (refused at load), so that no user column can
// take an internal column's place.
func InternalName(name string) bool {
	if !strings.HasPrefix(name, "$") {
		return false
	}
	switch name {
	case "$left", "$right", "$table":
		return false
	}
	return true
}

// userName refuses a name reserved for internal columns.
func (p *parser) userName(id *Ident) *Ident {
	if InternalName(id.Name) {
		p.failAt(id.Sp, "rename it: names starting with $ are reserved", "[%s]: names starting with $ are reserved for kqlhunt's internal columns", strconv.Quote(id.Name))
	}
	return id
}

// parseName parses an identifier or a bracketed name.
func (p *parser) parseName(what string) *Ident {
	t := p.tok()
	if t.kind == tIdent {
		p.i++
		return p.userName(&Ident{Sp: t.span(), Name: p.text(t)})
	}
	if _, ok := p.nameAt(p.i); ok {
		p.i++
		s := p.next()
		v, _, err := decodeString(p.text(s))
		if err != nil {
			p.failAt(s.span(), "", "%v", err)
		}
		p.i++
		return p.userName(&Ident{Sp: Span{int(t.start), p.prevEnd()}, Name: v})
	}
	p.expected(what)
	return nil
}

// ---------------------------------------------------------------- pipelines

// sourceOps are the operators that start a pipeline on their own.
var sourceOps = map[string]bool{
	"print": true, "range": true, "datatable": true, "union": true, "find": true,
	"search": true, "evaluate": true, "externaldata": true,
}

// parsePipeline parses `Source | op | op ...`.
func (p *parser) parsePipeline() Expr {
	var src Expr
	if t := p.tok(); t.kind == tIdent && sourceOps[p.text(t)] && !p.isSourceName(t) {
		src = p.parseSourceOp()
	} else {
		src = p.parseExpr()
	}
	if !p.at("|") {
		return src
	}
	pe := &PipeExpr{Source: src}
	for p.accept("|") {
		pe.Ops = append(pe.Ops, p.parseOperator())
	}
	pe.Sp = Span{src.Span().Start, p.prevEnd()}
	return pe
}

// isSourceName reports whether a source-operator keyword at t is used as a
// plain name instead: `range(...)` the function, or a name followed by an
// operator that cannot follow the keyword.
func (p *parser) isSourceName(t token) bool {
	n := p.peek(1)
	switch p.text(t) {
	case "range":
		return n.kind != tIdent
	case "datatable", "externaldata":
		return !p.isPunct(n, "(")
	}
	if n.kind == tPunct {
		switch p.text(n) {
		case "|", ";", ")", ",", "==", "!=", ".", "]", "}":
			return true
		}
	}
	return n.kind == tEOF
}

// parseSourceOp parses an operator that has no input.
func (p *parser) parseSourceOp() Expr {
	t := p.next()
	start := int(t.start)
	switch p.text(t) {
	case "print":
		return &PrintOp{Cols: p.parseColumnList(), Sp: Span{start, p.prevEnd()}}
	case "range":
		r := &RangeOp{Name: p.parseName("a column name after \"range\"")}
		p.expectKw("from")
		r.From = p.parseExpr()
		p.expectKw("to")
		r.To = p.parseExpr()
		p.expectKw("step")
		r.Step = p.parseExpr()
		r.Sp = Span{start, p.prevEnd()}
		return r
	case "datatable":
		return p.parseDatatable(start)
	case "externaldata":
		return p.parseExternalData(start)
	case "union":
		return p.parseUnion(start)
	case "find":
		return p.parseFind(start)
	case "search":
		return p.parseSearch(start)
	case "evaluate":
		return p.parseEvaluate(start)
	}
	panic("unreachable source operator " + p.text(t))
}

// parseSubPipeline parses `( [|] op | op ... )` whose input is implicit, or
// a full pipeline when the parentheses start with something that is not an
// operator (a context-free subquery).
func (p *parser) parseSubPipeline() Expr {
	p.enter()
	defer func() { p.depth-- }()
	open := p.expect("(")
	lead := p.accept("|")
	var x Expr
	t := p.tok()
	first := t.kind == tIdent && opKeywords[p.text(t)] != nil // where-x is an operator name gone wrong, not a subtraction
	if name, _ := p.opNameAt(p.i); lead || (opKeywords[name] != nil || first) && !p.isPunct(p.peekAfterName(), "|") {
		pe := &PipeExpr{}
		start := p.tok()
		pe.Ops = append(pe.Ops, p.parseOperator())
		for p.accept("|") {
			pe.Ops = append(pe.Ops, p.parseOperator())
		}
		pe.Sp = Span{int(start.start), p.prevEnd()}
		x = pe
	} else {
		x = p.parsePipeline()
	}
	p.expectClose(")", open)
	return x
}

// peekAfterName returns the token after the (possibly hyphenated) name at
// the current position.
func (p *parser) peekAfterName() token {
	_, j := p.opNameAt(p.i)
	if j < len(p.toks) {
		return p.toks[j]
	}
	return p.toks[len(p.toks)-1]
}

// opNameAt reads an operator name at token index j, joining hyphenated
// parts written without spaces (project-away, mv-expand), and returns the
// name and the index after it.
func (p *parser) opNameAt(j int) (string, int) {
	t := p.toks[j]
	if t.kind != tIdent {
		return "", j
	}
	end := j + 1
	for end+1 < len(p.toks) && p.isPunct(p.toks[end], "-") && p.toks[end+1].kind == tIdent &&
		adjacent(p.toks[end-1], p.toks[end]) && adjacent(p.toks[end], p.toks[end+1]) {
		end += 2
	}
	return p.src[t.start:p.toks[end-1].end], end
}

// ---------------------------------------------------------------- expressions

// Binary operator precedence levels, lowest first.
const (
	precOr = 1 + iota
	precAnd
	precCompare
	precAdd
	precMul
)

// stringOps maps each spelling of a two-operand string operator (without
// the leading "!") to its canonical form.
var stringOps = map[string]string{
	"contains": "contains", "contains_cs": "contains_cs", "containscs": "contains_cs",
	"has": "has", "has_cs": "has_cs",
	"hasprefix": "hasprefix", "hasprefix_cs": "hasprefix_cs",
	"hassuffix": "hassuffix", "hassuffix_cs": "hassuffix_cs",
	"startswith": "startswith", "startswith_cs": "startswith_cs",
	"endswith": "endswith", "endswith_cs": "endswith_cs",
	"like": "like", "likecs": "like_cs",
}

// notOps are the "not…" spellings of negated operators.
var notOps = map[string]string{
	"notcontains": "!contains", "notcontainscs": "!contains_cs", "notlike": "notlike",
	"notlikecs": "!like_cs", "notbetween": "!between", "notstartswith": "!startswith",
	"notendswith": "!endswith", "nothas": "!has",
}

// binOp recognizes a binary operator at the current token: its canonical
// spelling, precedence and token count; prec 0 when there is none.
func (p *parser) binOp() (op string, prec, n int) {
	t := p.tok()
	switch t.kind {
	case tPunct:
		s := p.text(t)
		switch s {
		case "==", "!=", "<", "<=", ">", ">=", "=~", "!~":
			return s, precCompare, 1
		case "<>":
			return "!=", precCompare, 1
		case "+", "-":
			return s, precAdd, 1
		case "*", "/", "%":
			return s, precMul, 1
		case ":":
			if p.searchDepth > 0 {
				return ":", precCompare, 1
			}
		case "!":
			nt := p.peek(1)
			if nt.kind != tIdent || !adjacent(t, nt) {
				return "", 0, 0
			}
			w := p.text(nt)
			if c, ok := stringOps[w]; ok {
				if c == "like" {
					return "notlike", precCompare, 2
				}
				return "!" + c, precCompare, 2
			}
			switch w {
			case "in":
				if nn := p.peek(2); p.isPunct(nn, "~") && adjacent(nt, nn) {
					return "!in~", precCompare, 3
				}
				return "!in", precCompare, 2
			case "between":
				return "!between", precCompare, 2
			}
		}
	case tIdent:
		w := p.text(t)
		switch w {
		case "and":
			return w, precAnd, 1
		case "or":
			return w, precOr, 1
		case "in":
			if nt := p.peek(1); p.isPunct(nt, "~") && adjacent(t, nt) {
				return "in~", precCompare, 2
			}
			return w, precCompare, 1
		case "has_any", "has_all", "between":
			return w, precCompare, 1
		case "matches":
			if p.isKw(p.peek(1), "regex") {
				return "matches regex", precCompare, 2
			}
		}
		if c, ok := stringOps[w]; ok {
			return c, precCompare, 1
		}
		if c, ok := notOps[w]; ok {
			return c, precCompare, 1
		}
	}
	return "", 0, 0
}

func (p *parser) parseExpr() Expr { return p.parseBinary(precOr) }

func (p *parser) parseBinary(minPrec int) Expr {
	x := p.parseUnary()
	limit := precMul // after in/between only looser operators may follow
	for {
		op, prec, n := p.binOp()
		if prec == 0 || prec < minPrec || prec > limit {
			return x
		}
		limit = precMul
		opTok := p.tok()
		p.i += n
		switch op {
		case "in", "!in", "in~", "!in~", "has_any", "has_all":
			list := p.parseInList(op, opTok)
			x = &InExpr{Sp: Span{x.Span().Start, p.prevEnd()}, Op: op, X: x, List: list}
			limit = precCompare
		case "between", "!between":
			open := p.expect("(")
			lo := p.parseBinary(precAdd)
			p.expect("..")
			hi := p.parseBinary(precAdd)
			p.expectClose(")", open)
			x = &BetweenExpr{Sp: Span{x.Span().Start, p.prevEnd()}, Not: op == "!between", X: x, Lo: lo, Hi: hi}
			limit = precCompare
		default:
			y := p.parseBinary(prec + 1)
			x = &BinaryExpr{Sp: Span{x.Span().Start, y.Span().End}, Op: op, X: x, Y: y}
		}
	}
}

// parseInList parses the parenthesized list of in/has_any: scalars, a
// dynamic array or a tabular subquery.
func (p *parser) parseInList(op string, opTok token) []Expr {
	open := p.tok()
	if !p.accept("(") {
		p.failAt(open.span(), fmt.Sprintf("write %s (a, b, ...)", op), "expected \"(\" after %q, found %s", op, p.describe(open))
	}
	var list []Expr
	for !p.at(")") {
		if len(list) > 0 && !p.accept(",") {
			p.expectClose(")", open)
		}
		list = append(list, p.parsePipeline())
	}
	p.i++
	if len(list) == 0 && op != "in" && op != "!in" && op != "in~" && op != "!in~" {
		p.failAt(Span{int(opTok.start), p.prevEnd()}, "", "%s needs at least one value", op)
	}
	return list
}

// maxDepth bounds expression nesting, so hostile input cannot exhaust the
// stack.
const maxDepth = 1000

func (p *parser) parseUnary() Expr {
	p.enter()
	x := p.parseUnary1()
	p.depth--
	return x
}

// enter counts one level of nesting; the caller decrements p.depth when
// done (a bailout resets it).
func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.failAt(p.tok().span(), "", "query nested too deeply (more than %d levels)", maxDepth)
	}
}

func (p *parser) parseUnary1() Expr {
	t := p.tok()
	if p.isPunct(t, "-") || p.isPunct(t, "+") {
		if lit := p.negativeLiteral(); lit != nil {
			return p.parsePostfix(lit)
		}
		p.i++
		x := p.parseUnary()
		return &UnaryExpr{Sp: Span{int(t.start), x.Span().End}, Op: p.text(t), X: x}
	}
	return p.parsePostfix(p.parsePrimary())
}

// negativeLiteral folds a minus sign and the number or timespan right
// after it (no space between) into one literal (-9223372036854775808 is a
// long in datatable values only, see parser.tableValues); nil when the minus
// is not followed by one.
func (p *parser) negativeLiteral() *Literal {
	t, n := p.tok(), p.peek(1)
	if !p.isPunct(t, "-") || !adjacent(t, n) {
		return nil
	}
	var lit *Literal
	switch n.kind {
	case tLong:
		p.i += 2
		lit = &Literal{Kind: LitLong, Int: p.parseLong(n, true)}
	case tReal, tTimespan:
		p.i++
		lit = p.parsePrimary().(*Literal)
		lit.Real = -lit.Real
		lit.Ticks = -lit.Ticks
	default:
		return nil
	}
	lit.Sp = Span{int(t.start), p.prevEnd()}
	return lit
}

func (p *parser) parsePostfix(x Expr) Expr {
	for {
		t := p.tok()
		switch {
		case p.isPunct(t, ".") && p.isPunct(p.peek(1), "[") && !(p.peek(2).kind == tString && p.isPunct(p.peek(3), "]")):
			open := p.peek(1)
			p.i += 2 // x.[expr]
			idx := p.parseExpr()
			p.expectClose("]", open)
			x = &IndexExpr{Sp: Span{x.Span().Start, p.prevEnd()}, X: x, Index: idx}
		case p.isPunct(t, "."):
			p.i++
			name := p.parseName("a member name after \".\"")
			x = &MemberExpr{Sp: Span{x.Span().Start, p.prevEnd()}, X: x, Name: name}
		case p.isPunct(t, "["):
			p.i++
			idx := p.parseExpr()
			p.expectClose("]", t)
			x = &IndexExpr{Sp: Span{x.Span().Start, p.prevEnd()}, X: x, Index: idx}
		case p.isPunct(t, "("):
			id, ok := x.(*Ident)
			if !ok {
				return x
			}
			p.i++
			args := p.parseArgs(t)
			x = &CallExpr{Sp: Span{id.Sp.Start, p.prevEnd()}, Func: id, Args: args}
		default:
			return x
		}
	}
}

// parseArgs parses call arguments after the "(" token open.
func (p *parser) parseArgs(open token) []Expr {
	var args []Expr
	for !p.at(")") {
		if len(args) > 0 && !p.accept(",") {
			p.expectClose(")", open)
		}
		t := p.tok()
		switch {
		case p.isPunct(t, "*") && (p.isPunct(p.peek(1), ")") || p.isPunct(p.peek(1), ",")):
			p.i++
			args = append(args, &Star{Sp: t.span()})
		case p.isNamedArg():
			name := p.parseName("an argument name")
			p.i++ // =
			v := p.parsePipeline()
			args = append(args, &NamedArg{Sp: Span{int(t.start), p.prevEnd()}, Name: name, Value: v})
		default:
			args = append(args, p.parsePipeline())
		}
	}
	p.i++
	return args
}

// isNamedArg reports whether `name =` starts here.
func (p *parser) isNamedArg() bool {
	j, ok := p.nameAt(p.i)
	return ok && j < len(p.toks) && p.isPunct(p.toks[j], "=")
}

// literalTypeNames are the type names written as typed literals: int(1),
// real(nan), dynamic([...]), bool(null).
var literalTypeNames = map[string]LitKind{
	"int": LitInt, "long": LitLong, "real": LitReal, "double": LitReal, "decimal": LitDecimal,
	"bool": LitBool, "boolean": LitBool, "dynamic": LitDynamic, "int64": LitLong, "int32": LitInt,
	"string": LitString,
}

func (p *parser) parsePrimary() Expr {
	t := p.tok()
	switch t.kind {
	case tLong:
		p.i++
		return &Literal{Sp: t.span(), Kind: LitLong, Int: p.parseLong(t, false)}
	case tReal:
		p.i++
		v, err := strconv.ParseFloat(p.text(t), 64)
		if err != nil && !math.IsInf(v, 0) {
			p.failAt(t.span(), "", "invalid real literal %q", p.text(t))
		}
		return &Literal{Sp: t.span(), Kind: LitReal, Real: v}
	case tTimespan:
		p.i++
		v, ok := timespanLiteral(p.text(t))
		if !ok {
			p.failAt(t.span(), "", "timespan literal %q is out of range", p.text(t))
		}
		return &Literal{Sp: t.span(), Kind: LitTimespan, Ticks: v}
	case tString:
		return p.parseStrings()
	case tTyped:
		p.i++
		return p.typedLiteral(t)
	case tIdent:
		w := p.text(t)
		switch w {
		case "true", "True", "TRUE", "false", "False", "FALSE":
			p.i++
			return &Literal{Sp: t.span(), Kind: LitBool, Bool: w[0] == 't' || w[0] == 'T'}
		case "typeof":
			if open := p.peek(1); p.isPunct(open, "(") {
				p.i += 2
				ty := p.parseTypeName()
				p.expectClose(")", open)
				return &TypeExpr{Sp: Span{int(t.start), p.prevEnd()}, Type: ty}
			}
		case "datatable", "externaldata":
			if p.isPunct(p.peek(1), "(") {
				return p.parseSourceOp()
			}
		}
		if kind, ok := literalTypeNames[w]; ok && p.isPunct(p.peek(1), "(") {
			return p.parseTypedTokens(t, kind)
		}
		p.i++
		return p.userName(&Ident{Sp: t.span(), Name: w})
	case tPunct:
		switch p.text(t) {
		case "(":
			p.i++
			x := p.parsePipeline()
			p.expectClose(")", t)
			return &ParenExpr{Sp: Span{int(t.start), p.prevEnd()}, X: x}
		case "[":
			if _, ok := p.nameAt(p.i); ok {
				return p.parseName("a name")
			}
		case "*":
			p.i++
			return &Star{Sp: t.span()}
		}
	}
	if t.kind == tIdent || t.kind == tPunct && p.text(t) == "|" {
		p.expected("an expression")
	}
	p.expected("an expression")
	return nil
}

// parseLong converts an integer token, with neg for a preceding minus.
func (p *parser) parseLong(t token, neg bool) int64 {
	s := p.text(t)
	var v uint64
	var err error
	if len(s) > 2 && (s[1] == 'x' || s[1] == 'X') {
		v, err = strconv.ParseUint(s[2:], 16, 64)
	} else {
		v, err = strconv.ParseUint(s, 10, 64)
	}
	if err != nil || v > math.MaxInt64 && !(neg && v == 1<<63 && p.tableValues) {
		p.failAt(t.span(), "write a real number such as 1e20 instead", "integer literal %q overflows long", s)
	}
	if neg {
		return -int64(v)
	}
	return int64(v)
}

// parseStrings parses one or more adjacent string literals into one.
func (p *parser) parseStrings() *Literal {
	first := p.tok()
	lit := &Literal{Kind: LitString}
	var parts []string
	for p.tok().kind == tString {
		t := p.next()
		v, obf, err := decodeString(p.text(t))
		if err != nil {
			p.failAt(t.span(), "", "%v", err)
		}
		lit.Obfuscated = lit.Obfuscated || obf
		parts = append(parts, v)
	}
	if len(parts) == 1 {
		lit.Str = parts[0]
	} else {
		lit.Str = strings.Join(parts, "")
	}
	lit.Sp = Span{int(first.start), p.prevEnd()}
	return lit
}

// typedLiteral decodes datetime(...), time(...), timespan(...), guid(...).
func (p *parser) typedLiteral(t token) *Literal {
	raw := p.text(t)
	open := strings.IndexByte(raw, '(')
	n := 0
	for n < len(raw) && isIdentByte(raw[n]) {
		n++
	}
	name := raw[:n] // a comment may stand between the name and "("
	inner := strings.TrimSpace(strings.Map(func(r rune) rune {
		if isSpaceRune(r) {
			return ' '
		}
		return r
	}, raw[open+1:len(raw)-1]))
	if len(inner) >= 2 && (inner[0] == '"' || inner[0] == '\'') && inner[len(inner)-1] == inner[0] {
		inner = strings.TrimSpace(inner[1 : len(inner)-1]) // datetime("2023-05-07")
	}
	lit := &Literal{Sp: t.span()}
	switch name {
	case "datetime", "date":
		lit.Kind = LitDatetime
	case "time", "timespan":
		lit.Kind = LitTimespan
	default:
		lit.Kind = LitGuid
	}
	if inner == "null" {
		lit.Null = true
		return lit
	}
	var ok bool
	switch lit.Kind {
	case LitDatetime:
		lit.Ticks, ok = ParseDatetimeText(inner)
	case LitTimespan:
		lit.Ticks, ok = ParseTimespanText(inner)
	case LitGuid:
		lit.Str, ok = parseGuid(inner)
	}
	if !ok {
		p.failAt(t.span(), "", "invalid %s literal %q", name, inner)
	}
	return lit
}

// parseGuid checks the 8-4-4-4-12 hex form and returns it in lower case.
func parseGuid(s string) (string, bool) {
	if len(s) != 36 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return "", false
			}
			continue
		}
		if !(isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return "", false
		}
	}
	return strings.ToLower(s), true
}

// parseTypedTokens parses int(1), long(-2), real(nan), real(+inf),
// decimal(1.2), bool(true), dynamic(...) and their nulls.
func (p *parser) parseTypedTokens(t token, kind LitKind) *Literal {
	name := p.text(t)
	p.i++
	open := p.next()
	lit := &Literal{Kind: kind}
	if p.atKw("null") {
		p.i++
		lit.Null = true
	} else {
		switch kind {
		case LitDynamic:
			var b strings.Builder
			p.parseJSON(&b, 0)
			lit.Str = b.String()
		case LitBool:
			v := p.tok()
			switch p.text(v) {
			case "true", "True", "TRUE":
				lit.Bool = true
			case "false", "False", "FALSE":
			default:
				p.failAt(v.span(), "", "expected true, false or null in %s(...), found %s", name, p.describe(v))
			}
			p.i++
		case LitString:
			p.failAt(t.span(), "", "%s(...) is not a literal; use tostring()", name)
		default:
			neg := false
			sign := p.tok()
			if p.isPunct(sign, "-") || p.isPunct(sign, "+") {
				neg = p.text(sign) == "-"
				p.i++
			}
			v := p.tok()
			switch {
			case kind == LitReal && v.kind == tIdent && (p.text(v) == "nan" || p.text(v) == "inf"):
				if p.text(v) == "nan" {
					lit.Real = math.NaN()
				} else if neg {
					lit.Real = math.Inf(-1)
				} else {
					lit.Real = math.Inf(1)
				}
			case v.kind == tLong && kind != LitDecimal:
				n := p.parseLong(v, neg)
				switch kind {
				case LitReal:
					lit.Real = float64(n)
				case LitInt:
					if n < math.MinInt32 || n > math.MaxInt32 {
						p.failAt(v.span(), "use long(...)", "int literal %s out of range", p.text(v))
					}
					lit.Int = n
				default:
					lit.Int = n
				}
			case (v.kind == tReal || v.kind == tLong) && (kind == LitReal || kind == LitDecimal):
				if kind == LitDecimal {
					lit.Str = p.text(v)
					if neg {
						lit.Str = "-" + lit.Str
					}
				} else {
					f, _ := strconv.ParseFloat(p.text(v), 64)
					if neg {
						f = -f
					}
					lit.Real = f
				}
			default:
				p.failAt(v.span(), "", "expected a number or null in %s(...), found %s", name, p.describe(v))
			}
			p.i++
		}
	}
	p.expectClose(")", open)
	lit.Sp = Span{int(t.start), p.prevEnd()}
	return lit
}

// parseJSON parses the inside of dynamic(...) — JSON with KQL's string
// forms — and writes it to b as canonical compact JSON.
func (p *parser) parseJSON(b *strings.Builder, depth int) {
	if depth > 100 {
		p.failAt(p.tok().span(), "", "dynamic literal nested too deeply")
	}
	t := p.tok()
	switch t.kind {
	case tString:
		lit := p.parseStrings()
		writeJSONString(b, lit.Str)
		return
	case tLong, tReal:
		p.i++
		p.writeJSONNumber(b, t, false)
		return
	case tIdent:
		switch p.text(t) {
		case "true", "false", "null":
			p.i++
			b.WriteString(p.text(t))
			return
		case "dynamic":
			if open := p.peek(1); p.isPunct(open, "(") {
				p.i += 2
				p.parseJSON(b, depth+1)
				p.expectClose(")", open)
				return
			}
		}
	case tTyped:
		p.i++
		lit := p.typedLiteral(t)
		writeJSONString(b, jsonTypedText(lit))
		return
	case tPunct:
		switch p.text(t) {
		case "-", "+":
			n := p.peek(1)
			if n.kind == tLong || n.kind == tReal {
				p.i += 2
				p.writeJSONNumber(b, n, p.text(t) == "-")
				return
			}
		case "[":
			p.i++
			b.WriteByte('[')
			for k := 0; !p.at("]"); k++ {
				if k > 0 {
					if !p.accept(",") {
						p.expectClose("]", t)
					}
					if p.at("]") {
						break
					}
					b.WriteByte(',')
				}
				p.parseJSON(b, depth+1)
			}
			p.i++
			b.WriteByte(']')
			return
		case "{":
			p.i++
			b.WriteByte('{')
			for k := 0; !p.at("}"); k++ {
				if k > 0 {
					if !p.accept(",") {
						p.expectClose("}", t)
					}
					if p.at("}") {
						break
					}
					b.WriteByte(',')
				}
				kt := p.tok()
				switch kt.kind {
				case tString:
					writeJSONString(b, p.parseStrings().Str)
				case tIdent:
					p.i++
					writeJSONString(b, p.text(kt))
				default:
					p.expected("a property name")
				}
				p.expect(":")
				b.WriteByte(':')
				p.parseJSON(b, depth+1)
			}
			p.i++
			b.WriteByte('}')
			return
		}
	}
	p.expected("a JSON value in dynamic(...)")
}

func (p *parser) writeJSONNumber(b *strings.Builder, t token, neg bool) {
	if t.kind == tLong {
		b.WriteString(strconv.FormatInt(p.parseLong(t, neg), 10))
		return
	}
	if neg {
		b.WriteByte('-')
	}
	b.WriteString(p.text(t))
}

// jsonTypedText is the string a datetime/timespan/guid takes inside a
// dynamic value.
func jsonTypedText(l *Literal) string {
	if l.Null {
		return ""
	}
	switch l.Kind {
	case LitDatetime:
		return formatDatetime(l.Ticks)
	case LitTimespan:
		return formatTimespanText(l.Ticks)
	}
	return l.Str
}

// writeJSONString writes s as a JSON string.
func writeJSONString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte(hex[r>>4])
			b.WriteByte(hex[r&0xF])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// ---------------------------------------------------------------- operator pieces

// parseColumnExpr parses `Expr`, `Name = Expr` or `(A, B) = Expr`.
func (p *parser) parseColumnExpr() *ColumnExpr {
	start := p.tok()
	c := &ColumnExpr{}
	if j, ok := p.nameAt(p.i); ok && j < len(p.toks) && p.isPunct(p.toks[j], "=") {
		c.Names = []*Ident{p.parseName("a column name")}
		p.i++
	} else if p.isPunct(start, "(") && p.isTupleAssign() {
		p.i++
		for !p.at(")") {
			if len(c.Names) > 0 {
				p.expect(",")
			}
			c.Names = append(c.Names, p.parseName("a column name"))
		}
		p.i++
		p.expect("=")
	}
	c.X = p.parseExpr()
	c.Sp = Span{int(start.start), p.prevEnd()}
	return c
}

// isTupleAssign reports whether `( name, name, ... ) =` starts here.
func (p *parser) isTupleAssign() bool {
	j := p.i + 1
	for {
		k, ok := p.nameAt(j)
		if !ok {
			return false
		}
		j = k
		if j >= len(p.toks) {
			return false
		}
		if p.isPunct(p.toks[j], ")") {
			return j+1 < len(p.toks) && p.isPunct(p.toks[j+1], "=")
		}
		if !p.isPunct(p.toks[j], ",") {
			return false
		}
		j++
	}
}

func (p *parser) parseColumnList() []*ColumnExpr {
	cols := []*ColumnExpr{p.parseColumnExpr()}
	for p.accept(",") {
		cols = append(cols, p.parseColumnExpr())
	}
	return cols
}

// atOpEnd reports whether the current token ends an operator.
func (p *parser) atOpEnd() bool {
	t := p.tok()
	if t.kind == tEOF {
		return true
	}
	if t.kind == tPunct {
		switch p.text(t) {
		case "|", ")", ";", "}", "]":
			return true
		}
	}
	return false
}

// parseNamePattern parses a column name or a wildcard pattern such as
// Foo*, *Id or Device*Events.
func (p *parser) parseNamePattern() Expr {
	start := p.tok()
	if p.isPunct(start, "[") {
		return p.parseName("a column name")
	}
	j := p.i
	star := false
	for j < len(p.toks) {
		t := p.toks[j]
		if j > p.i && !adjacent(p.toks[j-1], t) {
			break
		}
		if p.isPunct(t, "*") {
			star = true
		} else if t.kind != tIdent && !(t.kind == tLong && j > p.i) {
			break
		}
		j++
	}
	if j == p.i {
		p.expected("a column name")
	}
	if !star {
		return p.parseName("a column name")
	}
	p.i = j
	return &Wildcard{Sp: Span{int(start.start), p.prevEnd()}, Pattern: p.src[start.start:p.prevEnd()]}
}

// parseSortKey parses `Expr [asc|desc] [nulls first|last]`.
func (p *parser) parseSortKey() *SortKey {
	start := p.tok()
	k := &SortKey{X: p.parseExpr()}
	if p.atKw("asc") || p.atKw("desc") {
		k.Order = p.text(p.next())
	}
	if p.acceptKw("nulls") {
		if !p.atKw("first") && !p.atKw("last") {
			p.expected(`"first" or "last"`)
		}
		k.Nulls = p.text(p.next())
	}
	k.Sp = Span{int(start.start), p.prevEnd()}
	return k
}

// paramSets lists the `name=value` options each operator accepts; names
// ending in "." accept any suffix (hint.strategy, hint.shufflekey, ...).
var paramSets = map[string][]string{
	"join":            {"kind", "hint.", "withsource"},
	"lookup":          {"kind", "hint."},
	"union":           {"kind", "withsource", "isfuzzy", "hint."},
	"mv-expand":       {"kind", "bagexpansion", "with_itemindex", "hint."},
	"mv-apply":        {"kind", "bagexpansion", "with_itemindex", "hint."},
	"parse":           {"kind", "flags"},
	"parse-where":     {"kind", "flags"},
	"summarize":       {"hint."},
	"distinct":        {"hint."},
	"sort":            {"hint."},
	"make-series":     {"kind", "hint."},
	"evaluate":        {"hint."},
	"as":              {"hint."},
	"search":          {"kind", "hint."},
	"find":            {"withsource", "hint.", "datascope"},
	"partition":       {"hint."},
	"scan":            {"with_match_id"},
	"datatable":       {},
	"sample-distinct": {},
}

func paramAllowed(set []string, name string) bool {
	for _, s := range set {
		if s == name || strings.HasSuffix(s, ".") && strings.HasPrefix(name, s) {
			return true
		}
	}
	return false
}

// parseOpParams parses the `name=value` options of operator op.
func (p *parser) parseOpParams(op string) []*OpParam {
	set := paramSets[op]
	var ps []*OpParam
	for {
		t := p.tok()
		if t.kind != tIdent {
			return ps
		}
		j := p.i + 1
		for j+1 < len(p.toks) && p.isPunct(p.toks[j], ".") && p.toks[j+1].kind == tIdent {
			j += 2
		}
		if !p.isPunct(p.toks[j], "=") {
			return ps
		}
		name := p.src[t.start:p.toks[j-1].end]
		if !paramAllowed(set, name) {
			return ps
		}
		p.i = j + 1
		v := p.parseParamValue()
		ps = append(ps, &OpParam{Sp: Span{int(t.start), p.prevEnd()}, Name: name, Value: v})
	}
}

// parseParamValue parses an option value: a bare word (an *Ident), a
// literal, or a signed number.
func (p *parser) parseParamValue() Expr {
	t := p.tok()
	if t.kind == tIdent {
		switch p.text(t) {
		case "true", "false", "True", "False", "TRUE", "FALSE":
			return p.parsePrimary()
		}
		if _, ok := literalTypeNames[p.text(t)]; ok && p.isPunct(p.peek(1), "(") {
			return p.parsePrimary()
		}
		p.i++
		return p.userName(&Ident{Sp: t.span(), Name: p.text(t)}) // withsource=, with_itemindex= name columns
	}
	if p.isPunct(t, "[") {
		return p.parseName("a name")
	}
	return p.parseUnaryNoCall()
}

// parseUnaryNoCall parses a literal or signed literal.
func (p *parser) parseUnaryNoCall() Expr {
	t := p.tok()
	if p.isPunct(t, "-") || p.isPunct(t, "+") {
		p.i++
		x := p.parseUnaryNoCall()
		return &UnaryExpr{Sp: Span{int(t.start), x.Span().End}, Op: p.text(t), X: x}
	}
	switch t.kind {
	case tLong, tReal, tTimespan, tString, tTyped:
		return p.parsePrimary()
	}
	p.expected("a value")
	return nil
}

// parseWithProps parses `( name = value, ... )` for render, externaldata,
// parse-kv; a value may be a list of names (ycolumns=a, b).
func (p *parser) parseWithProps() []*OpParam {
	open := p.expect("(")
	var ps []*OpParam
	for !p.at(")") {
		if len(ps) > 0 && !p.accept(",") {
			p.expectClose(")", open)
		}
		t := p.tok()
		name := p.parseName("a property name")
		p.expect("=")
		v := p.parseExpr()
		ps = append(ps, &OpParam{Sp: Span{int(t.start), p.prevEnd()}, Name: name.Name, Value: v})
	}
	p.i++
	return ps
}
