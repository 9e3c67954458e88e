package kql

import (
	"fmt"
	"sort"
	"strconv"
)

// opKeywords are the operator names accepted after "|", with their
// canonical spelling (filter → where, order → sort, limit → take).
var opKeywords = map[string]*string{}

// genericOps are operators kept as source text in a GenericOp.
var genericOps = []string{
	"consume", "reduce", "make-graph", "graph-match", "graph-merge", "graph-to-table",
	"graph-shortest-paths", "graph-mark-components", "assert-schema", "macro-expand",
	"project-smart", "execute-show-command", "lookup-table",
}

func init() {
	canon := func(name, c string) { s := c; opKeywords[name] = &s }
	for _, n := range []string{
		"where", "project", "project-away", "project-keep", "project-rename", "project-reorder",
		"extend", "summarize", "sort", "top", "take", "count", "distinct", "join", "lookup",
		"union", "mv-expand", "mv-apply", "parse", "parse-where", "parse-kv", "make-series",
		"evaluate", "render", "as", "serialize", "invoke", "sample", "sample-distinct",
		"top-nested", "top-hitters", "getschema", "search", "facet", "fork", "partition", "scan",
		"extend-schema",
	} {
		canon(n, n)
	}
	canon("filter", "where")
	canon("order", "sort")
	canon("limit", "take")
	canon("mvexpand", "mv-expand")
	canon("mvapply", "mv-apply")
	for _, n := range genericOps {
		canon(n, n)
	}
	delete(opKeywords, "extend-schema")
}

// suggestOp returns the operator keyword closest to name, if close enough.
func suggestOp(name string) string {
	best, bestD := "", 3
	if len(name) <= 4 {
		bestD = 2
	}
	names := make([]string, 0, len(opKeywords)+8)
	for k := range opKeywords {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if d := EditDistance(name, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// EditDistance is the Levenshtein distance between a and b, counted in
// bytes (callers compare ASCII words and names). The parser ranks
// did-you-mean candidates with it; the translator corrects typos with it.
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// parseOperator parses one tabular operator after "|".
func (p *parser) parseOperator() Operator {
	t := p.tok()
	if t.kind != tIdent {
		p.failAt(t.span(), "", `expected a tabular operator after "|", found %s`, p.describe(t))
	}
	name, j := p.opNameAt(p.i)
	c, ok := opKeywords[name]
	if !ok && sourceOps[name] {
		p.failAt(Span{int(t.start), int(p.toks[j-1].end)}, "start a new statement, or use it inside union or join",
			"%q cannot follow \"|\": it has no input", name)
	}
	if !ok {
		hint := ""
		if s := suggestOp(name); s != "" {
			hint = fmt.Sprintf("did you mean %q?", s)
		}
		p.failAt(Span{int(t.start), int(p.toks[j-1].end)}, hint, "unknown tabular operator %q", name)
	}
	p.i = j
	start := int(t.start)
	sp := func() Span { return Span{start, p.prevEnd()} }
	switch *c {
	case "where":
		return &WhereOp{Pred: p.parseExpr(), Sp: sp()}
	case "project":
		return &ProjectOp{Cols: p.parseColumnList(), Sp: sp()}
	case "project-away", "project-keep":
		cols := []Expr{p.parseNamePattern()}
		for p.accept(",") {
			cols = append(cols, p.parseNamePattern())
		}
		if *c == "project-away" {
			return &ProjectAwayOp{Cols: cols, Sp: sp()}
		}
		return &ProjectKeepOp{Cols: cols, Sp: sp()}
	case "project-rename":
		var cols []*ColumnExpr
		for {
			ct := p.tok()
			newName := p.parseName("a new column name")
			p.expect("=")
			old := p.parseName("the column to rename")
			cols = append(cols, &ColumnExpr{Sp: Span{int(ct.start), p.prevEnd()}, Names: []*Ident{newName}, X: old})
			if !p.accept(",") {
				break
			}
		}
		return &ProjectRenameOp{Cols: cols, Sp: sp()}
	case "project-reorder":
		var keys []*SortKey
		for {
			kt := p.tok()
			k := &SortKey{X: p.parseNamePattern()}
			if w, end := p.opNameAt(p.i); w == "asc" || w == "desc" || w == "granny-asc" || w == "granny-desc" {
				k.Order = w
				p.i = end
			}
			k.Sp = Span{int(kt.start), p.prevEnd()}
			keys = append(keys, k)
			if !p.accept(",") {
				break
			}
		}
		return &ProjectReorderOp{Cols: keys, Sp: sp()}
	case "extend":
		return &ExtendOp{Cols: p.parseColumnList(), Sp: sp()}
	case "summarize":
		s := &SummarizeOp{Params: p.parseOpParams("summarize")}
		if !p.atKw("by") || p.isPunct(p.peek(1), "=") {
			if !p.atOpEnd() {
				s.Aggs = p.parseColumnList()
			}
		}
		if p.acceptKw("by") {
			s.By = p.parseColumnList()
		}
		s.Sp = sp()
		return s
	case "sort":
		s := &SortOp{Params: p.parseOpParams("sort")}
		p.expectKw("by")
		s.Keys = []*SortKey{p.parseSortKey()}
		for p.accept(",") {
			s.Keys = append(s.Keys, p.parseSortKey())
		}
		s.Sp = sp()
		return s
	case "top":
		top := &TopOp{N: p.parseExpr()}
		p.expectKw("by")
		top.Keys = []*SortKey{p.parseSortKey()}
		for p.accept(",") {
			top.Keys = append(top.Keys, p.parseSortKey())
		}
		top.Sp = sp()
		return top
	case "take":
		return &TakeOp{N: p.parseExpr(), Sp: sp()}
	case "count":
		cnt := &CountOp{}
		if p.acceptKw("as") {
			cnt.As = p.parseName("a column name after \"as\"")
		}
		cnt.Sp = sp()
		return cnt
	case "distinct":
		d := &DistinctOp{Params: p.parseOpParams("distinct")}
		for {
			if st := p.tok(); p.isPunct(st, "*") {
				p.i++
				d.Cols = append(d.Cols, &Star{Sp: st.span()})
			} else if c := p.parseColumnExpr(); len(c.Names) == 1 {
				d.Cols = append(d.Cols, &NamedArg{Sp: c.Sp, Name: c.Names[0], Value: c.X})
			} else if len(c.Names) > 1 {
				p.failAt(c.Sp, "", "distinct does not take a tuple assignment")
			} else {
				d.Cols = append(d.Cols, c.X)
			}
			if !p.accept(",") {
				break
			}
		}
		d.Sp = sp()
		return d
	case "join", "lookup":
		params := p.parseOpParams(*c)
		right := p.parseJoinRight()
		params = append(params, p.parseOpParams(*c)...)
		var on []Expr
		if p.acceptKw("on") {
			on = []Expr{p.parseExpr()}
			for p.accept(",") {
				on = append(on, p.parseExpr())
			}
		} else if *c == "lookup" {
			p.expected(`"on"`)
		}
		if *c == "join" {
			return &JoinOp{Params: params, Right: right, On: on, Sp: sp()}
		}
		return &LookupOp{Params: params, Right: right, On: on, Sp: sp()}
	case "union":
		return p.parseUnion(start)
	case "mv-expand":
		m := &MvExpandOp{Params: p.parseOpParams("mv-expand")}
		m.Cols, m.Limit = p.parseMvCols()
		m.Sp = sp()
		return m
	case "mv-apply":
		m := &MvApplyOp{Params: p.parseOpParams("mv-apply")}
		m.Cols, m.Limit = p.parseMvCols()
		p.expectKw("on")
		m.Sub = p.parseSubPipeline()
		m.Sp = sp()
		return m
	case "parse", "parse-where":
		op := &ParseOp{Where: *c == "parse-where", Params: p.parseOpParams(*c)}
		op.X = p.parseExpr()
		p.expectKw("with")
		for !p.atOpEnd() {
			pt := p.tok()
			part := &ParsePart{}
			switch {
			case p.isPunct(pt, "*"):
				p.i++
				part.Star = true
			case pt.kind == tString:
				part.Lit = p.parseStrings1()
			default:
				if _, ok := p.nameAt(p.i); !ok {
					p.expected(`"*", a string or a column name in the parse pattern`)
				}
				part.Column = p.parseColumnDecl(false)
			}
			part.Sp = Span{int(pt.start), p.prevEnd()}
			op.Pattern = append(op.Pattern, part)
			p.accept(",")
		}
		if len(op.Pattern) == 0 {
			p.expected("a parse pattern")
		}
		op.Sp = sp()
		return op
	case "parse-kv":
		op := &ParseKVOp{X: p.parseExpr()}
		p.expectKw("as")
		open := p.expect("(")
		for !p.at(")") {
			if len(op.Cols) > 0 && !p.accept(",") {
				p.expectClose(")", open)
			}
			op.Cols = append(op.Cols, p.parseColumnDecl(true))
		}
		p.i++
		if p.acceptKw("with") {
			op.With = p.parseWithProps()
		}
		op.Sp = sp()
		return op
	case "make-series":
		return p.parseMakeSeries(start)
	case "evaluate":
		return p.parseEvaluate(start)
	case "render":
		r := &RenderOp{}
		ct := p.tok()
		if ct.kind != tIdent {
			p.expected("a chart type after \"render\"")
		}
		r.Chart = p.text(p.next())
		if p.acceptKw("with") {
			r.With = p.parseWithProps()
		}
		r.Sp = sp()
		return r
	case "as":
		a := &AsOp{Params: p.parseOpParams("as")}
		a.Name = p.parseName("a name after \"as\"")
		a.Sp = sp()
		return a
	case "serialize":
		s := &SerializeOp{}
		if !p.atOpEnd() {
			s.Cols = p.parseColumnList()
		}
		s.Sp = sp()
		return s
	case "invoke":
		x := p.parsePostfix(p.parsePrimary())
		call, ok := x.(*CallExpr)
		if !ok {
			p.failAt(x.Span(), "write invoke f()", "expected a function call after \"invoke\"")
		}
		return &InvokeOp{Call: call, Sp: sp()}
	case "sample":
		return &SampleOp{N: p.parseExpr(), Sp: sp()}
	case "sample-distinct":
		s := &SampleDistinctOp{N: p.parseExpr()}
		p.expectKw("of")
		s.Of = p.parseExpr()
		s.Sp = sp()
		return s
	case "top-nested":
		return p.parseTopNested(start)
	case "top-hitters":
		th := &TopHittersOp{N: p.parseExpr()}
		p.expectKw("of")
		th.Of = p.parseExpr()
		if p.acceptKw("by") {
			th.By = p.parseExpr()
		}
		th.Sp = sp()
		return th
	case "getschema":
		return &GetSchemaOp{Sp: sp()}
	case "search":
		return p.parseSearch(start)
	case "find":
		return p.parseFind(start)
	case "facet":
		f := &FacetOp{}
		p.expectKw("by")
		f.Cols = []Expr{p.parseNamePattern()}
		for p.accept(",") {
			f.Cols = append(f.Cols, p.parseNamePattern())
		}
		if p.acceptKw("with") {
			f.With = p.parseSubPipeline()
		}
		f.Sp = sp()
		return f
	case "fork":
		f := &ForkOp{}
		for {
			bt := p.tok()
			b := &ColumnExpr{}
			if j, ok := p.nameAt(p.i); ok && j < len(p.toks) && p.isPunct(p.toks[j], "=") {
				b.Names = []*Ident{p.parseName("a branch name")}
				p.i++
			} else if !p.isPunct(bt, "(") {
				break
			}
			b.X = p.parseSubPipeline()
			b.Sp = Span{int(bt.start), p.prevEnd()}
			f.Branches = append(f.Branches, b)
		}
		if len(f.Branches) == 0 {
			p.expected(`"(" to start a fork branch`)
		}
		f.Sp = sp()
		return f
	case "partition":
		pt := &PartitionOp{Params: p.parseOpParams("partition")}
		p.expectKw("by")
		pt.By = p.parseName("a column name after \"partition by\"")
		pt.Params = append(pt.Params, p.parseOpParams("partition")...)
		if open := p.tok(); p.isPunct(open, "{") {
			p.i++
			pt.Sub = p.parsePipeline()
			p.expectClose("}", open)
		} else {
			pt.Sub = p.parseSubPipeline()
		}
		pt.Sp = sp()
		return pt
	case "scan":
		return p.parseScan(start)
	}
	// A generic operator: keep its text up to the end of the operator.
	p.skipOperatorText()
	return &GenericOp{Sp: sp(), Name: *c, Text: p.src[start:p.prevEnd()]}
}

// skipOperatorText consumes tokens up to the end of the operator: a "|",
// ";" or an unbalanced closing bracket at depth 0.
func (p *parser) skipOperatorText() {
	depth := 0
	for {
		t := p.tok()
		if t.kind == tEOF {
			return
		}
		if t.kind == tPunct {
			switch p.text(t) {
			case "(", "[", "{":
				depth++
			case ")", "]", "}":
				if depth == 0 {
					return
				}
				depth--
			case "|", ";":
				if depth == 0 {
					return
				}
			}
		}
		p.i++
	}
}

// parseStrings1 parses exactly one string literal token.
func (p *parser) parseStrings1() *Literal {
	t := p.next()
	v, obf, err := decodeString(p.text(t))
	if err != nil {
		p.failAt(t.span(), "", "%v", err)
	}
	return &Literal{Sp: t.span(), Kind: LitString, Str: v, Obfuscated: obf}
}

// parseJoinRight parses the right side of join/lookup: a parenthesized
// subquery or a table expression.
func (p *parser) parseJoinRight() Expr {
	return p.parseUnary()
}

// parseMvCols parses the columns of mv-expand / mv-apply and the optional
// `limit N`.
func (p *parser) parseMvCols() ([]*MvExpandCol, Expr) {
	var cols []*MvExpandCol
	for {
		ct := p.tok()
		c := &MvExpandCol{}
		if j, ok := p.nameAt(p.i); ok && j < len(p.toks) && p.isPunct(p.toks[j], "=") {
			c.Name = p.parseName("a column name")
			p.i++
		}
		c.X = p.parseExpr()
		if p.atKw("to") && p.isKw(p.peek(1), "typeof") {
			p.i += 2
			open := p.expect("(")
			c.ToType = p.parseTypeName()
			p.expectClose(")", open)
		}
		c.Sp = Span{int(ct.start), p.prevEnd()}
		cols = append(cols, c)
		if !p.accept(",") {
			break
		}
	}
	var limit Expr
	if p.acceptKw("limit") {
		limit = p.parseExpr()
	}
	return cols, limit
}

func (p *parser) parseUnion(start int) *UnionOp {
	u := &UnionOp{Params: p.parseOpParams("union")}
	for {
		t := p.tok()
		var x Expr
		switch {
		case p.isPunct(t, "("):
			x = p.parseUnary()
		case t.kind == tIdent && p.hasAdjacentStar() || p.isPunct(t, "*"):
			x = p.parseNamePattern()
		default:
			x = p.parseUnary()
		}
		u.Tables = append(u.Tables, x)
		if !p.accept(",") {
			break
		}
	}
	u.Sp = Span{start, p.prevEnd()}
	return u
}

// hasAdjacentStar reports whether the name at the current token continues
// with an adjacent "*" (a wildcard pattern).
func (p *parser) hasAdjacentStar() bool {
	for j := p.i + 1; j < len(p.toks); j++ {
		if !adjacent(p.toks[j-1], p.toks[j]) {
			return false
		}
		if p.isPunct(p.toks[j], "*") {
			return true
		}
		if p.toks[j].kind != tIdent && p.toks[j].kind != tLong {
			return false
		}
	}
	return false
}

// parseTableList parses `in (T1, T2, ...)` of search and find.
func (p *parser) parseTableList() []Expr {
	open := p.expect("(")
	var ts []Expr
	for !p.at(")") {
		if len(ts) > 0 && !p.accept(",") {
			p.expectClose(")", open)
		}
		if p.tok().kind == tIdent && p.hasAdjacentStar() || p.at("*") {
			ts = append(ts, p.parseNamePattern())
		} else {
			ts = append(ts, p.parseUnary())
		}
	}
	p.i++
	return ts
}

func (p *parser) parseSearch(start int) *SearchOp {
	s := &SearchOp{Params: p.parseOpParams("search")}
	if p.atKw("in") && p.isPunct(p.peek(1), "(") {
		p.i++
		s.Tables = p.parseTableList()
	}
	p.searchDepth++
	s.Pred = p.parseExpr()
	p.searchDepth--
	s.Sp = Span{start, p.prevEnd()}
	return s
}

func (p *parser) parseFind(start int) *FindOp {
	f := &FindOp{Params: p.parseOpParams("find")}
	if p.atKw("in") && p.isPunct(p.peek(1), "(") {
		p.i++
		f.Tables = p.parseTableList()
	}
	p.expectKw("where")
	f.Pred = p.parseExpr()
	if name, j := p.opNameAt(p.i); name == "project-smart" {
		p.i = j
		f.ProjectSmart = true
	} else if name == "project" {
		p.i = j
		f.Project = p.parseColumnList()
	}
	f.Sp = Span{start, p.prevEnd()}
	return f
}

func (p *parser) parseEvaluate(start int) *EvaluateOp {
	e := &EvaluateOp{Params: p.parseOpParams("evaluate")}
	x := p.parsePostfix(p.parsePrimary())
	call, ok := x.(*CallExpr)
	if !ok {
		p.failAt(x.Span(), "write evaluate plugin(args)", "expected a plugin call after \"evaluate\"")
	}
	e.Plugin = call
	if p.at(":") && p.isPunct(p.peek(1), "(") {
		p.i++
		open := p.next()
		for !p.at(")") {
			if (len(e.Output) > 0 || e.OutputAny) && !p.accept(",") {
				p.expectClose(")", open)
			}
			if p.accept("*") {
				e.OutputAny = true
				continue
			}
			e.Output = append(e.Output, p.parseColumnDecl(true))
		}
		p.i++
		if len(e.Output) == 0 && !e.OutputAny {
			p.failAt(Span{int(open.start), p.prevEnd()}, "", "empty output schema")
		}
	}
	e.Sp = Span{start, p.prevEnd()}
	return e
}

func (p *parser) parseDatatable(start int) *DatatableOp {
	d := &DatatableOp{}
	open := p.expect("(")
	for !p.at(")") {
		if len(d.Cols) > 0 && !p.accept(",") {
			p.expectClose(")", open)
		}
		d.Cols = append(d.Cols, p.parseColumnDecl(true))
	}
	p.i++
	vopen := p.expect("[")
	for !p.at("]") {
		if len(d.Values) > 0 {
			if !p.accept(",") {
				p.expectClose("]", vopen)
			}
			if p.at("]") {
				break // trailing comma
			}
		}
		p.tableValues = true
		v := p.parseExpr()
		p.tableValues = false
		d.Values = append(d.Values, v)
	}
	p.i++
	d.Sp = Span{start, p.prevEnd()}
	return d
}

func (p *parser) parseExternalData(start int) *ExternalDataOp {
	e := &ExternalDataOp{}
	open := p.expect("(")
	for !p.at(")") {
		if len(e.Cols) > 0 && !p.accept(",") {
			p.expectClose(")", open)
		}
		e.Cols = append(e.Cols, p.parseColumnDecl(true))
	}
	p.i++
	uopen := p.expect("[")
	for !p.at("]") {
		if len(e.URLs) > 0 {
			if !p.accept(",") {
				p.expectClose("]", uopen)
			}
			if p.at("]") {
				break
			}
		}
		e.URLs = append(e.URLs, p.parseExpr())
	}
	p.i++
	if p.acceptKw("with") {
		e.With = p.parseWithProps()
	}
	e.Sp = Span{start, p.prevEnd()}
	return e
}

func (p *parser) parseMakeSeries(start int) *MakeSeriesOp {
	m := &MakeSeriesOp{Params: p.parseOpParams("make-series")}
	for {
		at := p.tok()
		a := &MakeSeriesAgg{Col: p.parseColumnExpr()}
		if p.atKw("default") && p.isPunct(p.peek(1), "=") {
			p.i += 2
			a.Default = p.parseExpr()
		}
		a.Sp = Span{int(at.start), p.prevEnd()}
		m.Aggs = append(m.Aggs, a)
		if !p.accept(",") {
			break
		}
	}
	p.expectKw("on")
	m.On = p.parseBinary(precAdd)
	if p.atKw("in") && p.isKw(p.peek(1), "range") {
		p.i += 2
		open := p.expect("(")
		m.From = p.parseExpr()
		p.expect(",")
		m.To = p.parseExpr()
		p.expect(",")
		m.Step = p.parseExpr()
		p.expectClose(")", open)
	} else {
		if p.acceptKw("from") {
			m.From = p.parseExpr()
		}
		if p.acceptKw("to") {
			m.To = p.parseExpr()
		}
		p.expectKw("step")
		m.Step = p.parseExpr()
	}
	if p.acceptKw("by") {
		m.By = p.parseColumnList()
	}
	m.Sp = Span{start, p.prevEnd()}
	return m
}

func (p *parser) parseTopNested(start int) *TopNestedOp {
	tn := &TopNestedOp{}
	for {
		lt := p.tok()
		l := &TopNestedLevel{}
		if !p.atKw("of") {
			l.N = p.parseExpr()
		}
		p.expectKw("of")
		l.Of = p.parseColumnExpr()
		if p.atKw("with") && p.isKw(p.peek(1), "others") {
			p.i += 2
			p.expect("=")
			l.Others = p.parseExpr()
		}
		p.expectKw("by")
		l.By = p.parseColumnExpr()
		if p.atKw("asc") || p.atKw("desc") {
			l.Order = p.text(p.next())
		}
		l.Sp = Span{int(lt.start), p.prevEnd()}
		tn.Levels = append(tn.Levels, l)
		if !(p.at(",") && p.peek(1).kind == tIdent) {
			break
		}
		if name, j := p.opNameAt(p.i + 1); name == "top-nested" {
			p.i = j
		} else {
			break
		}
	}
	tn.Sp = Span{start, p.prevEnd()}
	return tn
}

func (p *parser) parseScan(start int) *ScanOp {
	s := &ScanOp{Params: p.parseOpParams("scan")}
	if p.atKw("order") && p.isKw(p.peek(1), "by") {
		p.i += 2
		s.OrderBy = []*SortKey{p.parseSortKey()}
		for p.accept(",") {
			s.OrderBy = append(s.OrderBy, p.parseSortKey())
		}
	}
	if p.atKw("partition") && p.isKw(p.peek(1), "by") {
		p.i += 2
		s.By = []Expr{p.parseExpr()}
		for p.accept(",") {
			s.By = append(s.By, p.parseExpr())
		}
	}
	if p.acceptKw("declare") {
		open := p.expect("(")
		s.Declare = p.parseParamList(open)
	}
	p.expectKw("with")
	open := p.expect("(")
	for !p.at(")") {
		st := p.tok()
		p.expectKw("step")
		step := &ScanStep{Name: p.parseName("a step name")}
		if p.acceptKw("optional") {
			step.Optional = true
		}
		p.expect(":")
		step.Pred = p.parseExpr()
		if p.accept("=>") {
			step.Assign = p.parseColumnList()
		}
		step.Sp = Span{int(st.start), p.prevEnd()}
		s.Steps = append(s.Steps, step)
		if !p.accept(";") && !p.at(")") {
			p.expectClose(")", open)
		}
	}
	p.i++
	if len(s.Steps) == 0 {
		p.failAt(Span{start, p.prevEnd()}, "", "scan needs at least one step")
	}
	s.Sp = Span{start, p.prevEnd()}
	return s
}

var _ = strconv.Quote
