package kql

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Format prints a node as canonical KQL: one pipeline operator per line
// after "| ", canonical operator spellings (take, where, sort by), strings
// re-escaped, names bracketed only when needed. A Query's comments are
// printed beside the statement or operator they were written next to (one
// inside an expression goes to the end of its operator's line). The output
// parses back to the same tree (spans and comment layout aside).
func Format(n Node) string {
	var p printer
	p.node(n)
	return p.b.String()
}

// String returns the query as canonical KQL.
func (q *Query) String() string { return Format(q) }

type printer struct {
	b      strings.Builder
	indent int

	// Comments of the query being printed: comments[next:] are not yet
	// printed; pending ones go at the end of the current line.
	comments []*Comment
	next     int
	pending  []*Comment
}

func (p *printer) str(s string) { p.b.WriteString(s) }

func (p *printer) newline() {
	p.flushPending()
	p.b.WriteByte('\n')
	p.writeIndent()
}

func (p *printer) writeIndent() {
	for i := 0; i < p.indent; i++ {
		p.b.WriteString("    ")
	}
}

// flushPending ends the current line with the pending comments: the first
// after the code, the others on lines of their own.
func (p *printer) flushPending() {
	for i, c := range p.pending {
		if i == 0 {
			p.str("  ")
		} else {
			p.b.WriteByte('\n')
			p.writeIndent()
		}
		p.str(c.Text)
	}
	p.pending = p.pending[:0]
}

// leading prints, each on its own line, the comments that start before
// pos: those written above the statement or operator at pos.
func (p *printer) leading(pos int) {
	if p.next >= len(p.comments) || p.comments[p.next].Sp.Start >= pos {
		return
	}
	if len(p.pending) > 0 {
		p.newline()
	}
	for p.next < len(p.comments) && p.comments[p.next].Sp.Start < pos {
		p.str(p.comments[p.next].Text)
		p.next++
		p.newline()
	}
}

// trailing queues, for the end of the line, the comments inside the
// element that ended at end (they have no place within it) and a comment
// written after it on the same line, before the next element at next.
func (p *printer) trailing(end, next int) {
	for p.next < len(p.comments) {
		c := p.comments[p.next]
		if c.Sp.Start >= end && !(c.Trailing && c.Sp.Start < next) {
			return
		}
		p.pending = append(p.pending, c)
		p.next++
		if c.Sp.Start >= end {
			return // only one comment can follow code on a line
		}
	}
}

// inside prints, each on its own line, the comments that start before
// end: the last ones inside a construct that is about to close.
func (p *printer) inside(end int) {
	for p.next < len(p.comments) && p.comments[p.next].Sp.Start < end {
		p.newline()
		p.str(p.comments[p.next].Text)
		p.next++
	}
}

// skipComments drops the comments inside [start, end): a GenericOp's
// source text already holds them.
func (p *printer) skipComments(start, end int) {
	for p.next < len(p.comments) && p.comments[p.next].Sp.Start >= start && p.comments[p.next].Sp.Start < end {
		p.next++
	}
}

func (p *printer) node(n Node) {
	if n == nil || isNilNode(n) {
		return
	}
	switch n := n.(type) {
	case *Query:
		p.comments = n.Comments
		p.stmts(n.Stmts)
		p.flushPending()
		for ; p.next < len(p.comments); p.next++ {
			if p.b.Len() > 0 {
				p.newline()
			}
			p.str(p.comments[p.next].Text)
		}
	case *Comment:
		p.str(n.Text)
	case Statement:
		p.stmt(n)
	case Expr:
		p.expr(n)
	case Operator:
		p.op(n)
	case *Body:
		p.body(n)
	case *Param:
		p.param(n)
	case *ColumnDecl:
		p.columnDecl(n)
	case *OpParam:
		p.opParam(n)
	case *ColumnExpr:
		p.columnExpr(n)
	case *SortKey:
		p.sortKey(n)
	case *MvExpandCol:
		p.mvCol(n)
	case *ParsePart:
		p.parsePart(n)
	case *MakeSeriesAgg:
		p.makeSeriesAgg(n)
	case *TopNestedLevel:
		p.topNestedLevel(n)
	case *ScanStep:
		p.scanStep(n)
	default:
		panic(fmt.Sprintf("kql.Format: unexpected node %T", n))
	}
}

func (p *printer) stmts(ss []Statement) {
	for i, s := range ss {
		if i > 0 {
			p.newline()
		}
		p.leading(s.Span().Start)
		p.stmt(s)
		if _, isExpr := s.(*ExprStmt); !isExpr || i < len(ss)-1 {
			p.str(";")
		}
		next := math.MaxInt
		if i+1 < len(ss) {
			next = ss[i+1].Span().Start
		}
		p.trailing(s.Span().End, next)
	}
}

func (p *printer) stmt(s Statement) {
	switch s := s.(type) {
	case *LetStmt:
		p.str("let ")
		p.ident(s.Name)
		p.str(" = ")
		p.expr(s.Value)
	case *ExprStmt:
		p.expr(s.X)
	case *DeclareStmt:
		p.str("declare query_parameters(")
		for i, prm := range s.Params {
			if i > 0 {
				p.str(", ")
			}
			p.param(prm)
		}
		p.str(")")
	case *SetStmt:
		p.str("set ")
		p.str(s.Name.Name)
		if s.Value != nil {
			p.str(" = ")
			p.expr(s.Value)
		}
	default:
		panic(fmt.Sprintf("kql.Format: unexpected statement %T", s))
	}
}

func (p *printer) body(b *Body) {
	if b == nil {
		p.str("{}")
		return
	}
	p.str("{")
	p.indent++
	p.newline()
	p.stmts(b.Stmts)
	p.inside(b.Sp.End)
	p.flushPending()
	p.indent--
	p.newline()
	p.str("}")
}

func (p *printer) param(prm *Param) {
	p.ident(prm.Name)
	p.str(":")
	if prm.Tabular {
		p.str("(")
		for i, c := range prm.Columns {
			if i > 0 {
				p.str(", ")
			}
			p.columnDecl(c)
		}
		if prm.AnyColumns {
			if len(prm.Columns) > 0 {
				p.str(", ")
			}
			p.str("*")
		}
		p.str(")")
	} else {
		p.str(prm.Type)
	}
	if prm.Default != nil {
		p.str(" = ")
		p.expr(prm.Default)
	}
}

func (p *printer) columnDecl(c *ColumnDecl) {
	p.ident(c.Name)
	if c.Type != "" {
		p.str(":")
		p.str(c.Type)
	}
}

// ---------------------------------------------------------------- names

// reservedNames are words that would parse as something else where a name
// is expected; the printer brackets names spelled like them.
var reservedNames = map[string]bool{}

func init() {
	for _, w := range []string{
		"and", "or", "by", "on", "with", "of", "to", "from", "step", "limit", "asc", "desc",
		"nulls", "default", "others", "let", "set", "declare", "view", "typeof", "in",
		"between", "matches", "has_any", "has_all", "optional", "kind", "withsource",
		"isfuzzy", "bagexpansion", "with_itemindex", "flags", "with_match_id", "datascope",
		"hint", "true", "false", "True", "False", "TRUE", "FALSE", "null", "granny",
	} {
		reservedNames[w] = true
	}
	for w := range stringOps {
		reservedNames[w] = true
	}
	for w := range notOps {
		reservedNames[w] = true
	}
	for w := range sourceOps {
		reservedNames[w] = true
	}
	for _, m := range []map[string]bool{reservedDeclNames, reservedVarNames} {
		for w := range m {
			reservedNames[w] = true
		}
	}
}

// isPlainName reports whether name can be written without brackets.
func isPlainName(name string) bool {
	if name == "" || reservedNames[name] {
		return false
	}
	s := name
	if s[0] == '$' {
		s = s[1:]
		if s == "" {
			return false
		}
		for _, r := range s {
			if !(r == '_' || r < utf8.RuneSelf && (isIdentByte(byte(r))) || r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
				return false
			}
		}
		return true
	}
	for i, r := range s {
		switch {
		case r < utf8.RuneSelf:
			c := byte(r)
			if i == 0 && !isIdentStart(c) || !isIdentByte(c) {
				return false
			}
		case r == utf8.RuneError:
			return false
		case !unicode.IsLetter(r) && (i == 0 || !unicode.IsDigit(r)):
			return false
		}
	}
	return true
}

func (p *printer) ident(id *Ident) {
	if id == nil {
		return
	}
	if isPlainName(id.Name) {
		p.str(id.Name)
		return
	}
	p.str("[")
	p.quote(id.Name)
	p.str("]")
}

// quote writes s as a string literal: verbatim @"..." when it holds
// backslashes and nothing that needs an escape, else "..." with escapes.
func (p *printer) quote(s string) {
	if strings.IndexByte(s, '\\') >= 0 && !strings.ContainsAny(s, "\n\r\t\x00") && !hasControl(s) {
		p.str(`@"`)
		p.str(strings.ReplaceAll(s, `"`, `""`))
		p.str(`"`)
		return
	}
	p.b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			p.str(`\"`)
		case '\\':
			p.str(`\\`)
		case '\n':
			p.str(`\n`)
		case '\r':
			p.str(`\r`)
		case '\t':
			p.str(`\t`)
		default:
			if c < 0x20 || c == 0x7f {
				fmt.Fprintf(&p.b, `\u%04x`, c)
			} else {
				p.b.WriteByte(c)
			}
		}
	}
	p.b.WriteByte('"')
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------- expressions

// exprPrec is the binding strength of an expression for parenthesizing.
func exprPrec(x Expr) int {
	switch x := x.(type) {
	case *BinaryExpr:
		return binaryPrec(x.Op)
	case *InExpr, *BetweenExpr:
		return precCompare
	case *UnaryExpr:
		return precMul + 1
	case *DatatableOp, *ExternalDataOp:
		// self-delimiting: the parser reads them as primaries
		return precMul + 2
	case *PipeExpr, Operator:
		return 0
	}
	return precMul + 2
}

// leftmost is the expression a postfix chain (x.a, x[i]) starts with:
// what the printed text of x begins with.
func leftmost(x Expr) Expr {
	for {
		switch e := x.(type) {
		case *MemberExpr:
			x = e.X
		case *IndexExpr:
			x = e.X
		default:
			return x
		}
	}
}

func binaryPrec(op string) int {
	switch op {
	case "or":
		return precOr
	case "and":
		return precAnd
	case "+", "-":
		return precAdd
	case "*", "/", "%":
		return precMul
	}
	return precCompare
}

// operand prints x, parenthesized when it binds looser than prec.
func (p *printer) operand(x Expr, prec int) {
	if exprPrec(x) < prec {
		p.str("(")
		p.expr(x)
		p.str(")")
		return
	}
	p.expr(x)
}

func (p *printer) exprs(xs []Expr) {
	for i, x := range xs {
		if i > 0 {
			p.str(", ")
		}
		p.expr(x)
	}
}

func (p *printer) expr(x Expr) {
	if x == nil || isNilNode(x) {
		return // an incomplete synthetic tree prints what it has
	}
	switch x := x.(type) {
	case *Ident:
		p.ident(x)
	case *Wildcard:
		p.str(x.Pattern)
	case *Star:
		p.str("*")
	case *Literal:
		p.literal(x)
	case *BinaryExpr:
		prec := binaryPrec(x.Op)
		p.operand(x.X, prec)
		p.str(" ")
		p.str(x.Op)
		p.str(" ")
		p.operand(x.Y, prec+1)
	case *UnaryExpr:
		p.str(x.Op)
		switch leftmost(x.X).(type) {
		case *UnaryExpr, *Literal:
			p.str(" ") // -5 (or -0 .A) would read back as a negative literal
		}
		p.operand(x.X, precMul+1)
	case *InExpr:
		p.operand(x.X, precCompare)
		p.str(" ")
		p.str(x.Op)
		p.str(" (")
		p.exprs(x.List)
		p.str(")")
	case *BetweenExpr:
		p.operand(x.X, precCompare)
		if x.Not {
			p.str(" !between (")
		} else {
			p.str(" between (")
		}
		p.operand(x.Lo, precAdd)
		p.str(" .. ")
		p.operand(x.Hi, precAdd)
		p.str(")")
	case *CallExpr:
		p.ident(x.Func)
		p.str("(")
		p.exprs(x.Args)
		p.str(")")
	case *NamedArg:
		p.ident(x.Name)
		p.str("=")
		p.expr(x.Value)
	case *MemberExpr:
		p.operand(x.X, precMul+2)
		if _, ok := x.X.(*Literal); ok {
			p.str(" ") // 0.x would read back as the real 0. and x
		}
		p.str(".")
		p.ident(x.Name)
	case *IndexExpr:
		p.operand(x.X, precMul+2)
		p.str("[")
		p.expr(x.Index)
		p.str("]")
	case *ParenExpr:
		if _, ok := x.X.(*PipeExpr); ok {
			p.str("(")
			p.indent++
			p.expr(x.X)
			p.indent--
			p.str(")")
			return
		}
		p.str("(")
		p.expr(x.X)
		p.str(")")
	case *TypeExpr:
		p.str("typeof(")
		p.str(x.Type)
		p.str(")")
	case *FuncExpr:
		if x.View {
			p.str("view ")
		}
		p.str("(")
		for i, prm := range x.Params {
			if i > 0 {
				p.str(", ")
			}
			p.param(prm)
		}
		p.str(") ")
		p.body(x.Body)
	case *PipeExpr:
		p.pipe(x)
	case Operator:
		p.op(x)
	default:
		panic(fmt.Sprintf("kql.Format: unexpected expression %T", x))
	}
}

func (p *printer) pipe(x *PipeExpr) {
	nextStart := func(i int) int {
		if i+1 < len(x.Ops) && x.Ops[i+1] != nil {
			return x.Ops[i+1].Span().Start
		}
		return x.Span().End
	}
	if x.Source != nil {
		p.expr(x.Source)
		if len(x.Ops) > 0 && x.Ops[0] != nil {
			p.trailing(x.Source.Span().End, x.Ops[0].Span().Start)
		}
	}
	for i, op := range x.Ops {
		if i > 0 || x.Source != nil {
			p.newline()
			if op != nil {
				p.leading(op.Span().Start)
			}
			p.str("| ")
		} else if op != nil {
			p.leading(op.Span().Start)
		}
		p.op(op)
		if op != nil {
			p.trailing(op.Span().End, nextStart(i))
		}
	}
}

// subPipe prints a parenthesized sub-pipeline.
func (p *printer) subPipe(x Expr) {
	p.str("(")
	p.indent++
	p.expr(x)
	p.indent--
	p.str(")")
}

func (p *printer) literal(l *Literal) {
	switch l.Kind {
	case LitString:
		if l.Obfuscated {
			p.str("h")
		}
		p.quote(l.Str)
	case LitBool:
		switch {
		case l.Null:
			p.str("bool(null)")
		case l.Bool:
			p.str("true")
		default:
			p.str("false")
		}
	case LitInt:
		if l.Null {
			p.str("int(null)")
		} else {
			p.str("int(" + strconv.FormatInt(l.Int, 10) + ")")
		}
	case LitLong:
		switch {
		case l.Null:
			p.str("long(null)")
		default:
			p.str(strconv.FormatInt(l.Int, 10))
		}
	case LitReal:
		p.str(formatRealLiteral(l))
	case LitDecimal:
		if l.Null {
			p.str("decimal(null)")
		} else {
			p.str("decimal(" + l.Str + ")")
		}
	case LitDatetime:
		if l.Null {
			p.str("datetime(null)")
		} else {
			p.str("datetime(" + formatDatetimeShort(l.Ticks) + ")")
		}
	case LitTimespan:
		switch {
		case l.Null:
			p.str("timespan(null)")
		case l.Ticks < 0:
			p.str("-" + formatTimespanLiteral(-l.Ticks))
		default:
			p.str(formatTimespanLiteral(l.Ticks))
		}
	case LitGuid:
		if l.Null {
			p.str("guid(null)")
		} else {
			p.str("guid(" + l.Str + ")")
		}
	case LitDynamic:
		if l.Null {
			p.str("dynamic(null)")
		} else {
			p.str("dynamic(" + l.Str + ")")
		}
	default:
		panic(fmt.Sprintf("kql.Format: unknown literal kind %d", l.Kind))
	}
}

func formatRealLiteral(l *Literal) string {
	v := l.Real
	switch {
	case l.Null:
		return "real(null)"
	case math.IsNaN(v):
		return "real(nan)"
	case math.IsInf(v, 1):
		return "real(+inf)"
	case math.IsInf(v, -1):
		return "real(-inf)"
	}
	s := strconv.FormatFloat(math.Abs(v), 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	if math.Signbit(v) {
		return "-" + s
	}
	return s
}

// formatTimespanLiteral writes a non-negative timespan with the largest
// unit that divides it: 7d, 90m, 1500ms, 3tick.
func formatTimespanLiteral(t int64) string {
	units := []struct {
		n    int64
		name string
	}{{tickDay, "d"}, {tickHour, "h"}, {tickMinute, "m"}, {tickSecond, "s"}, {tickMilli, "ms"}, {tickMicro, "microsecond"}, {1, "tick"}}
	if t == 0 {
		return "0s"
	}
	for _, u := range units {
		if t%u.n == 0 {
			return strconv.FormatInt(t/u.n, 10) + u.name
		}
	}
	return strconv.FormatInt(t, 10) + "tick"
}

// formatTimespanText writes [-][d.]hh:mm:ss[.fffffff].
func formatTimespanText(t int64) string {
	var b strings.Builder
	u := uint64(t)
	if t < 0 {
		b.WriteByte('-')
		u = uint64(-t)
	}
	days := u / tickDay
	rem := u % tickDay
	if days > 0 {
		fmt.Fprintf(&b, "%d.", days)
	}
	fmt.Fprintf(&b, "%02d:%02d:%02d", rem/tickHour, rem%tickHour/tickMinute, rem%tickMinute/tickSecond)
	if f := rem % tickSecond; f != 0 {
		fmt.Fprintf(&b, ".%07d", f)
	}
	return b.String()
}

// formatDatetime writes ticks as 2024-01-02T03:04:05.1234567Z.
func formatDatetime(ticks int64) string {
	t := time.Unix(0, 0).UTC().Add(time.Duration(ticks/tickSecond) * time.Second)
	return t.Format("2006-01-02T15:04:05") + fmt.Sprintf(".%07dZ", mod(ticks, tickSecond))
}

func mod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// formatDatetimeShort writes ticks as a date alone at midnight, else ISO
// 8601 with only the fraction digits needed.
func formatDatetimeShort(ticks int64) string {
	sec := ticks / tickSecond
	frac := mod(ticks, tickSecond)
	if frac != 0 && ticks < 0 {
		sec--
	}
	t := time.Unix(sec, 0).UTC()
	if frac == 0 && t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("2006-01-02")
	}
	s := t.Format("2006-01-02T15:04:05")
	if frac != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%07d", frac), "0")
	}
	return s + "Z"
}

// ---------------------------------------------------------------- operators

func (p *printer) opParams(ps []*OpParam) {
	for _, prm := range ps {
		p.opParam(prm)
		p.str(" ")
	}
}

func (p *printer) opParam(prm *OpParam) {
	p.str(prm.Name)
	p.str("=")
	p.expr(prm.Value)
}

func (p *printer) withProps(ps []*OpParam) {
	p.str(" with (")
	for i, prm := range ps {
		if i > 0 {
			p.str(", ")
		}
		if isPlainName(prm.Name) {
			p.str(prm.Name)
		} else {
			p.ident(&Ident{Name: prm.Name})
		}
		p.str("=")
		p.expr(prm.Value)
	}
	p.str(")")
}

func (p *printer) columnExpr(c *ColumnExpr) {
	switch len(c.Names) {
	case 0:
	case 1:
		p.ident(c.Names[0])
		p.str(" = ")
	default:
		p.str("(")
		for i, n := range c.Names {
			if i > 0 {
				p.str(", ")
			}
			p.ident(n)
		}
		p.str(") = ")
	}
	p.expr(c.X)
}

func (p *printer) columns(cs []*ColumnExpr) {
	for i, c := range cs {
		if i > 0 {
			p.str(", ")
		}
		p.columnExpr(c)
	}
}

func (p *printer) sortKey(k *SortKey) {
	p.expr(k.X)
	if k.Order != "" {
		p.str(" ")
		p.str(k.Order)
	}
	if k.Nulls != "" {
		p.str(" nulls ")
		p.str(k.Nulls)
	}
}

func (p *printer) sortKeys(ks []*SortKey) {
	for i, k := range ks {
		if i > 0 {
			p.str(", ")
		}
		p.sortKey(k)
	}
}

func (p *printer) mvCol(c *MvExpandCol) {
	if c.Name != nil {
		p.ident(c.Name)
		p.str(" = ")
	}
	p.expr(c.X)
	if c.ToType != "" {
		p.str(" to typeof(")
		p.str(c.ToType)
		p.str(")")
	}
}

func (p *printer) mvCols(cs []*MvExpandCol, limit Expr) {
	for i, c := range cs {
		if i > 0 {
			p.str(", ")
		}
		p.mvCol(c)
	}
	if limit != nil {
		p.str(" limit ")
		p.expr(limit)
	}
}

func (p *printer) parsePart(pt *ParsePart) {
	switch {
	case pt.Star:
		p.str("*")
	case pt.Lit != nil:
		p.literal(pt.Lit)
	case pt.Column != nil:
		p.columnDecl(pt.Column)
	}
}

func (p *printer) makeSeriesAgg(a *MakeSeriesAgg) {
	p.columnExpr(a.Col)
	if a.Default != nil {
		p.str(" default = ")
		p.expr(a.Default)
	}
}

func (p *printer) topNestedLevel(l *TopNestedLevel) {
	p.str("top-nested ")
	if l.N != nil {
		p.expr(l.N)
		p.str(" ")
	}
	p.str("of ")
	p.columnExpr(l.Of)
	if l.Others != nil {
		p.str(" with others = ")
		p.expr(l.Others)
	}
	p.str(" by ")
	p.columnExpr(l.By)
	if l.Order != "" {
		p.str(" ")
		p.str(l.Order)
	}
}

func (p *printer) scanStep(s *ScanStep) {
	p.str("step ")
	p.ident(s.Name)
	if s.Optional {
		p.str(" optional")
	}
	p.str(": ")
	p.expr(s.Pred)
	if len(s.Assign) > 0 {
		p.str(" => ")
		p.columns(s.Assign)
	}
	p.str(";")
}

func (p *printer) tables(ts []Expr) {
	p.exprs(ts)
}

func (p *printer) op(o Operator) {
	if o == nil || isNilNode(o) {
		return
	}
	switch o := o.(type) {
	case *WhereOp:
		p.str("where ")
		p.expr(o.Pred)
	case *ProjectOp:
		p.str("project ")
		p.columns(o.Cols)
	case *ProjectAwayOp:
		p.str("project-away ")
		p.exprs(o.Cols)
	case *ProjectKeepOp:
		p.str("project-keep ")
		p.exprs(o.Cols)
	case *ProjectRenameOp:
		p.str("project-rename ")
		p.columns(o.Cols)
	case *ProjectReorderOp:
		p.str("project-reorder ")
		p.sortKeys(o.Cols)
	case *ExtendOp:
		p.str("extend ")
		p.columns(o.Cols)
	case *SummarizeOp:
		p.str("summarize")
		for _, prm := range o.Params {
			p.str(" ")
			p.opParam(prm)
		}
		if len(o.Aggs) > 0 {
			p.str(" ")
			p.columns(o.Aggs)
		}
		if len(o.By) > 0 {
			p.str(" by ")
			p.columns(o.By)
		}
	case *SortOp:
		p.str("sort ")
		p.opParams(o.Params)
		p.str("by ")
		p.sortKeys(o.Keys)
	case *TopOp:
		p.str("top ")
		p.expr(o.N)
		p.str(" by ")
		p.sortKeys(o.Keys)
	case *TakeOp:
		p.str("take ")
		p.expr(o.N)
	case *CountOp:
		p.str("count")
		if o.As != nil {
			p.str(" as ")
			p.ident(o.As)
		}
	case *DistinctOp:
		p.str("distinct ")
		p.opParams(o.Params)
		for i, c := range o.Cols {
			if i > 0 {
				p.str(", ")
			}
			if na, ok := c.(*NamedArg); ok {
				p.ident(na.Name)
				p.str(" = ")
				p.expr(na.Value)
				continue
			}
			p.expr(c)
		}
	case *JoinOp:
		p.str("join ")
		p.joinLike(o.Params, o.Right, o.On)
	case *LookupOp:
		p.str("lookup ")
		p.joinLike(o.Params, o.Right, o.On)
	case *UnionOp:
		p.str("union ")
		p.opParams(o.Params)
		p.tables(o.Tables)
	case *MvExpandOp:
		p.str("mv-expand ")
		p.opParams(o.Params)
		p.mvCols(o.Cols, o.Limit)
	case *MvApplyOp:
		p.str("mv-apply ")
		p.opParams(o.Params)
		p.mvCols(o.Cols, o.Limit)
		p.str(" on ")
		p.subPipe(o.Sub)
	case *ParseOp:
		if o.Where {
			p.str("parse-where ")
		} else {
			p.str("parse ")
		}
		p.opParams(o.Params)
		p.expr(o.X)
		p.str(" with")
		for _, pt := range o.Pattern {
			p.str(" ")
			p.parsePart(pt)
		}
	case *ParseKVOp:
		p.str("parse-kv ")
		p.expr(o.X)
		p.str(" as (")
		for i, c := range o.Cols {
			if i > 0 {
				p.str(", ")
			}
			p.columnDecl(c)
		}
		p.str(")")
		if o.With != nil {
			p.withProps(o.With)
		}
	case *MakeSeriesOp:
		p.str("make-series ")
		p.opParams(o.Params)
		for i, a := range o.Aggs {
			if i > 0 {
				p.str(", ")
			}
			p.makeSeriesAgg(a)
		}
		p.str(" on ")
		p.operand(o.On, precAdd)
		if o.From != nil {
			p.str(" from ")
			p.expr(o.From)
		}
		if o.To != nil {
			p.str(" to ")
			p.expr(o.To)
		}
		p.str(" step ")
		p.expr(o.Step)
		if len(o.By) > 0 {
			p.str(" by ")
			p.columns(o.By)
		}
	case *EvaluateOp:
		p.str("evaluate ")
		p.opParams(o.Params)
		p.expr(o.Plugin)
		if len(o.Output) > 0 || o.OutputAny {
			p.str(" : (")
			for i, c := range o.Output {
				if i > 0 {
					p.str(", ")
				}
				p.columnDecl(c)
			}
			if o.OutputAny {
				if len(o.Output) > 0 {
					p.str(", ")
				}
				p.str("*")
			}
			p.str(")")
		}
	case *RenderOp:
		p.str("render ")
		p.str(o.Chart)
		if o.With != nil {
			p.withProps(o.With)
		}
	case *AsOp:
		p.str("as ")
		p.opParams(o.Params)
		p.ident(o.Name)
	case *SerializeOp:
		p.str("serialize")
		if len(o.Cols) > 0 {
			p.str(" ")
			p.columns(o.Cols)
		}
	case *InvokeOp:
		p.str("invoke ")
		p.expr(o.Call)
	case *SampleOp:
		p.str("sample ")
		p.expr(o.N)
	case *SampleDistinctOp:
		p.str("sample-distinct ")
		p.expr(o.N)
		p.str(" of ")
		p.expr(o.Of)
	case *TopNestedOp:
		for i, l := range o.Levels {
			if i > 0 {
				p.str(", ")
			}
			p.topNestedLevel(l)
		}
	case *TopHittersOp:
		p.str("top-hitters ")
		p.expr(o.N)
		p.str(" of ")
		p.expr(o.Of)
		if o.By != nil {
			p.str(" by ")
			p.expr(o.By)
		}
	case *GetSchemaOp:
		p.str("getschema")
	case *SearchOp:
		p.str("search ")
		p.opParams(o.Params)
		if len(o.Tables) > 0 {
			p.str("in (")
			p.tables(o.Tables)
			p.str(") ")
		}
		p.expr(o.Pred)
	case *FindOp:
		p.str("find ")
		p.opParams(o.Params)
		if len(o.Tables) > 0 {
			p.str("in (")
			p.tables(o.Tables)
			p.str(") ")
		}
		p.str("where ")
		p.expr(o.Pred)
		if o.ProjectSmart {
			p.str(" project-smart")
		} else if len(o.Project) > 0 {
			p.str(" project ")
			p.columns(o.Project)
		}
	case *FacetOp:
		p.str("facet by ")
		p.exprs(o.Cols)
		if o.With != nil {
			p.str(" with ")
			p.subPipe(o.With)
		}
	case *ForkOp:
		p.str("fork")
		for _, b := range o.Branches {
			p.str(" ")
			if len(b.Names) > 0 {
				p.ident(b.Names[0])
				p.str("=")
			}
			p.subPipe(b.X)
		}
	case *PartitionOp:
		p.str("partition ")
		p.opParams(o.Params)
		p.str("by ")
		p.expr(o.By)
		p.str(" ")
		p.subPipe(o.Sub)
	case *ScanOp:
		p.str("scan ")
		p.opParams(o.Params)
		if len(o.OrderBy) > 0 {
			p.str("order by ")
			p.sortKeys(o.OrderBy)
			p.str(" ")
		}
		if len(o.By) > 0 {
			p.str("partition by ")
			p.exprs(o.By)
			p.str(" ")
		}
		if len(o.Declare) > 0 {
			p.str("declare (")
			for i, prm := range o.Declare {
				if i > 0 {
					p.str(", ")
				}
				p.param(prm)
			}
			p.str(") ")
		}
		p.str("with (")
		p.indent++
		for _, s := range o.Steps {
			p.newline()
			p.scanStep(s)
		}
		p.indent--
		p.newline()
		p.str(")")
	case *GenericOp:
		p.str(o.Text)
		p.skipComments(o.Sp.Start, o.Sp.End)
	case *DatatableOp:
		p.str("datatable(")
		for i, c := range o.Cols {
			if i > 0 {
				p.str(", ")
			}
			p.columnDecl(c)
		}
		p.str(") [")
		p.indent++
		nc := len(o.Cols)
		for i, v := range o.Values {
			if i > 0 {
				p.str(",")
				if nc > 0 && i%nc == 0 {
					p.newline()
				} else {
					p.str(" ")
				}
			} else if len(o.Values) > nc {
				p.newline()
			}
			p.expr(v)
		}
		p.indent--
		if len(o.Values) > nc {
			p.newline()
		}
		p.str("]")
	case *ExternalDataOp:
		p.str("externaldata(")
		for i, c := range o.Cols {
			if i > 0 {
				p.str(", ")
			}
			p.columnDecl(c)
		}
		p.str(") [")
		p.exprs(o.URLs)
		p.str("]")
		if o.With != nil {
			p.withProps(o.With)
		}
	case *PrintOp:
		p.str("print ")
		p.columns(o.Cols)
	case *RangeOp:
		p.str("range ")
		p.ident(o.Name)
		p.str(" from ")
		p.expr(o.From)
		p.str(" to ")
		p.expr(o.To)
		p.str(" step ")
		p.expr(o.Step)
	default:
		panic(fmt.Sprintf("kql.Format: unexpected operator %T", o))
	}
}

func (p *printer) joinLike(params []*OpParam, right Expr, on []Expr) {
	p.opParams(params)
	p.expr(right)
	if len(on) > 0 {
		p.str(" on ")
		p.exprs(on)
	}
}
