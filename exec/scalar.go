package exec

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/kqlhunt/kqlhunt/kql"
)

// val is a compiled scalar expression: SQL text and its KQL type.
type val struct {
	sql  string
	t    kql.Type
	null bool         // a typed null literal
	lit  *kql.Literal // set for constants written as literals
	// multi holds every result of a function that returns several
	// (series_stats, series_fit_line, ...) under its automatic column
	// name (see multiName); sql and t are what the call is worth inside
	// an expression.
	multi []outCol
}

func (v val) isConstString() (string, bool) {
	if v.lit != nil && v.lit.Kind == kql.LitString && !v.lit.Null {
		return v.lit.Str, true
	}
	return "", false
}

// env is the scope of a scalar expression: the row's columns, the let
// bindings, and what the context allows.
type env struct {
	c     *compiler
	sc    *scope
	cols  []kql.Column
	ord   bool   // the row has an order (make_list keeps it)
	ser   bool   // the rows are serialized (window functions allowed)
	qual  string // column qualifier ("l", "r") inside join conditions
	agg   *aggCtx
	sides *joinSides
	// pre collects helper columns computed in stages before this one
	// (window functions over window functions); nil where not allowed.
	pre *preStages
	// stepVars resolves Step.Var inside scan: the previous state.
	stepVars map[string]map[string]val
}

// preStages are helper columns by nesting level: level 0 is computed from
// the input, level 1 from level 0, and so on.
type preStages struct {
	levels [][]outCol
	n      int
}

func (p *preStages) add(level int, sql string) string {
	for len(p.levels) <= level {
		p.levels = append(p.levels, nil)
	}
	p.n++
	name := "$h" + strconv.Itoa(p.n)
	p.levels[level] = append(p.levels[level], outCol{name: name, sql: sql})
	return quoteIdent(name)
}

// withPre returns r extended with the helper stages of p.
func (c *compiler) withPre(r *rel, p *preStages) *rel {
	if p == nil || len(p.levels) == 0 {
		return r
	}
	cur := r
	for _, lvl := range p.levels {
		if len(lvl) == 0 {
			continue
		}
		var parts []string
		for _, h := range lvl {
			parts = append(parts, h.sql+" AS "+quoteIdent(h.name))
		}
		cur = c.addCTE("SELECT *, "+strings.Join(parts, ", ")+" FROM "+cur.from, r.cols, r.ord, r.sorted)
	}
	return cur
}

func (ev *env) colRef(name string) string {
	if ev.qual != "" {
		return ev.qual + "." + quoteIdent(name)
	}
	return quoteIdent(name)
}

func (ev *env) lookupCol(name string) (kql.Column, bool) {
	for _, c := range ev.cols {
		if c.Name == name {
			return c, true
		}
	}
	return kql.Column{}, false
}

func isIntegral(t kql.Type) bool { return t == kql.TInt || t == kql.TLong }
func isNumeric(t kql.Type) bool {
	return t == kql.TInt || t == kql.TLong || t == kql.TReal || t == kql.TDecimal
}

func typeName(t kql.Type) string {
	if t == "" {
		return "unknown"
	}
	return string(t)
}

// Datetimes are BIGINT ticks (100 ns) since 1970-01-01 inside a query, so
// that all of 0001..9999 fits and arithmetic stays integral; table columns
// stored as TIMESTAMP_NS are converted when read (see table).
// wrap64 reduces a HUGEINT to BIGINT with two's complement wrap-around.
func wrap64(h string) string {
	return "CAST(((" + h + " + 9223372036854775808) % 18446744073709551616 + 18446744073709551616) % 18446744073709551616 - 9223372036854775808 AS BIGINT)"
}

func dtTicks(sql string) string   { return sql }
func ticksToDt(sql string) string { return sql }

// floorDivI is floor(a / b) for integers (b > 0).
func floorDivI(a, b string) string {
	return "((" + a + " - (((" + a + ") % " + b + ") + " + b + ") % " + b + ") // " + b + ")"
}

// asTS converts datetime ticks to a µs TIMESTAMP for calendar functions.
func asTS(t string) string { return "make_timestamp(" + floorDivI(t, "10") + ")" }

// tsTicks converts a TIMESTAMP back to ticks.
func tsTicks(ts string) string { return "(epoch_us(" + ts + ") * 10)" }

func (c *compiler) scalar(e kql.Expr, ev *env) (val, error) {
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > 300 {
		return val{}, errAt(e, "expression nests too deeply")
	}
	switch e := e.(type) {
	case *kql.Literal:
		return literal(e), nil
	case *kql.Ident:
		return c.ident(e, ev)
	case *kql.NamedArg:
		// a named argument where no parameter takes that name is its value:
		// Kusto.Language binds make_list_if(x, IsBig = x > 2) as
		// make_list_if(x, x > 2), named list_x (as kql.Check does)
		return c.scalar(e.Value, ev)
	case *kql.ParenExpr:
		if c.isTabular(e.X, ev.sc) {
			return c.scalarSubquery(e.X, ev)
		}
		v, err := c.scalar(e.X, ev)
		if err != nil {
			return v, err
		}
		v.sql = "(" + v.sql + ")"
		return v, nil
	case *kql.BinaryExpr:
		return c.binary(e, ev)
	case *kql.UnaryExpr:
		v, err := c.scalar(e.X, ev)
		if err != nil {
			return v, err
		}
		if !isNumeric(v.t) && v.t != kql.TTimespan {
			if v.t == kql.TDynamic {
				v = c.convert(v, kql.TReal)
			} else {
				return val{}, errAt(e, "unary %s needs a number or timespan, found %s", e.Op, typeName(v.t))
			}
		}
		if e.Op == "-" {
			if v.lit != nil && !v.null {
				l := *v.lit
				switch l.Kind {
				case kql.LitInt, kql.LitLong:
					l.Int = -l.Int
				case kql.LitReal:
					l.Real = -l.Real
				case kql.LitTimespan:
					l.Ticks = -l.Ticks
				default:
					return val{sql: "(-" + v.sql + ")", t: v.t}, nil
				}
				return literal(&l), nil
			}
			return val{sql: "(-" + v.sql + ")", t: v.t}, nil
		}
		return v, nil
	case *kql.InExpr:
		return c.inExpr(e, ev)
	case *kql.BetweenExpr:
		return c.between(e, ev)
	case *kql.CallExpr:
		return c.call(e, ev)
	case *kql.MemberExpr:
		return c.member(e, ev)
	case *kql.IndexExpr:
		return c.index(e, ev)
	case *kql.PipeExpr:
		return c.scalarSubquery(e, ev)
	case *kql.TypeExpr:
		return val{}, errAt(e, "a type is not a value here")
	case *kql.Star:
		return val{}, errAt(e, "* is not a value here")
	}
	return val{}, errAt(e, "unsupported expression")
}

// scalarSubquery turns a tabular expression used as a scalar into the
// first column of its first row (Kusto's implicit toscalar).
func (c *compiler) scalarSubquery(e kql.Expr, ev *env) (val, error) {
	r, err := c.tabular(e, ev.sc)
	if err != nil {
		return val{}, err
	}
	if len(r.cols) == 0 {
		return val{}, errAt(e, "the tabular expression has no columns")
	}
	q := "(SELECT " + quoteIdent(r.cols[0].Name) + " FROM " + r.from
	if r.ord {
		q += " ORDER BY " + ordCol
	}
	q += " LIMIT 1)"
	t := r.cols[0].Type
	if t == kql.TString {
		q = "coalesce(" + q + ", '')"
	}
	return val{sql: q, t: t}, nil
}

func literal(l *kql.Literal) val {
	v := val{lit: l}
	switch l.Kind {
	case kql.LitString:
		v.t = kql.TString
		v.sql = quoteString(l.Str)
		return v
	case kql.LitBool:
		v.t = kql.TBool
		v.sql = "FALSE"
		if l.Bool {
			v.sql = "TRUE"
		}
	case kql.LitInt:
		v.t = kql.TInt
		v.sql = sqlLong(l.Int)
	case kql.LitLong:
		v.t = kql.TLong
		v.sql = sqlLong(l.Int)
	case kql.LitReal:
		v.t = kql.TReal
		v.sql = sqlReal(l.Real)
	case kql.LitDecimal:
		v.t = kql.TDecimal
		if _, err := strconv.ParseFloat(l.Str, 64); err == nil {
			v.sql = "CAST(" + quoteString(l.Str) + " AS DECIMAL(38,18))"
		} else {
			v.sql = "CAST(NULL AS DECIMAL(38,18))"
			v.null = true
		}
	case kql.LitDatetime:
		v.t = kql.TDatetime
		v.sql = sqlDatetime(l.Ticks)
	case kql.LitTimespan:
		v.t = kql.TTimespan
		v.sql = sqlLong(l.Ticks)
	case kql.LitGuid:
		v.t = kql.TGuid
		v.sql = quoteString(strings.ToLower(l.Str))
	case kql.LitDynamic:
		v.t = kql.TDynamic
		v.sql = "CAST(" + quoteString(l.Str) + " AS JSON)"
		if l.Str == "null" {
			v.null = true
			v.sql = "CAST(NULL AS JSON)"
		}
	}
	if l.Null {
		v.null = true
		v.sql = "CAST(NULL AS " + sqlType(v.t) + ")"
	}
	return v
}

func (c *compiler) ident(e *kql.Ident, ev *env) (val, error) {
	if col, ok := ev.lookupCol(e.Name); ok {
		return val{sql: ev.colRef(col.Name), t: col.Type}, nil
	}
	if b := ev.sc.lookup(e.Name); b != nil {
		switch {
		case b.scalar != nil:
			v := *b.scalar
			if !strings.HasPrefix(v.sql, "(") && strings.ContainsAny(v.sql, " ") {
				v.sql = "(" + v.sql + ")"
			}
			return v, nil
		case b.rel != nil:
			return c.scalarSubquery(e, ev)
		case b.fn != nil && len(b.fn.Params) == 0:
			return c.call(&kql.CallExpr{Sp: e.Sp, Func: e}, ev)
		}
	}
	if ev.sides != nil {
		return val{}, hintAt(e, "use $left.Name or $right.Name, or a column both sides share", "unknown column %q in the join condition", e.Name)
	}
	if _, ok := ev.c.opts.Schema.Table(e.Name); ok {
		return c.scalarSubquery(e, ev)
	}
	return val{}, hintAt(e, didYouMean(e.Name, ev), "unknown name %q", e.Name)
}

func didYouMean(name string, ev *env) string {
	best, bestD := "", 3
	for _, c := range ev.cols {
		if d := editDistance(strings.ToLower(name), strings.ToLower(c.Name)); d < bestD {
			best, bestD = c.Name, d
		}
	}
	if best != "" {
		return "did you mean " + strconv.Quote(best) + "?"
	}
	return ""
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}

// ---------------------------------------------------------------- operators

func (c *compiler) binary(e *kql.BinaryExpr, ev *env) (val, error) {
	if _, ok := e.X.(*kql.Star); ok && strOps[strings.TrimPrefix(e.Op, "!")] {
		// `* has "x"`: any column
		lit, ok := e.Y.(*kql.Literal)
		if !ok || lit.Kind != kql.LitString {
			return val{}, errAt(e.Y, "* %s needs a string constant", e.Op)
		}
		y := literal(lit)
		var parts []string
		for _, col := range ev.cols {
			v, err := c.stringOp(&kql.BinaryExpr{Sp: e.Sp, Op: strings.TrimPrefix(e.Op, "!")}, val{sql: ev.colRef(col.Name), t: col.Type}, y)
			if err != nil {
				return val{}, err
			}
			parts = append(parts, v.sql)
		}
		s := "FALSE"
		if len(parts) > 0 {
			s = "(" + strings.Join(parts, " OR ") + ")"
		}
		if strings.HasPrefix(e.Op, "!") {
			s = "(NOT " + s + ")"
		}
		return val{sql: s, t: kql.TBool}, nil
	}
	x, err := c.scalar(e.X, ev)
	if err != nil {
		return val{}, err
	}
	y, err := c.scalar(e.Y, ev)
	if err != nil {
		return val{}, err
	}
	switch e.Op {
	case "and", "or":
		x, y = c.asBool(x), c.asBool(y)
		if x.t != kql.TBool || y.t != kql.TBool {
			return val{}, errAt(e, "%s needs bool operands, found %s and %s", e.Op, typeName(x.t), typeName(y.t))
		}
		return val{sql: "(" + x.sql + " " + strings.ToUpper(e.Op) + " " + y.sql + ")", t: kql.TBool}, nil
	case "+", "-", "*", "/", "%":
		return c.arith(e, x, y)
	case "==", "!=", "<", "<=", ">", ">=":
		return c.compare(e, x, y)
	case "=~", "!~":
		xs, ys := c.asString(x), c.asString(y)
		s := "(lower(" + xs.sql + ") = lower(" + ys.sql + "))"
		if ys.lit != nil || isConstSQL(ys.sql) {
			if str, ok := ys.isConstString(); ok {
				s = "(lower(" + xs.sql + ") = " + quoteString(strings.ToLower(str)) + ")"
			}
		}
		if e.Op == "!~" {
			s = "(NOT " + s + ")"
		}
		return val{sql: s, t: kql.TBool}, nil
	case "matches regex":
		xs := c.asString(x)
		if y.t != kql.TString {
			return val{}, errAt(e.Y, "matches regex needs a string pattern")
		}
		y, err := regexVal(e.Y, y)
		if err != nil {
			return val{}, err
		}
		return val{sql: "regexp_matches(" + xs.sql + ", " + y.sql + ")", t: kql.TBool}, nil
	case "like", "notlike":
		return val{}, errAt(e, "operator %q is not supported", e.Op)
	}
	if strOps[strings.TrimPrefix(e.Op, "!")] {
		return c.stringOp(e, x, y)
	}
	return val{}, errAt(e, "operator %q is not supported", e.Op)
}

func isConstSQL(s string) bool { return strings.HasPrefix(s, "'") }

var strOps = map[string]bool{
	"contains": true, "contains_cs": true, "has": true, "has_cs": true,
	"hasprefix": true, "hasprefix_cs": true, "hassuffix": true, "hassuffix_cs": true,
	"startswith": true, "startswith_cs": true, "endswith": true, "endswith_cs": true,
}

func (c *compiler) asBool(v val) val {
	if v.t == kql.TDynamic {
		return c.convert(v, kql.TBool)
	}
	return v
}

func (c *compiler) arith(e *kql.BinaryExpr, x, y val) (val, error) {
	op := e.Op
	if x.t == kql.TDynamic && y.t == kql.TDynamic {
		return val{}, hintAt(e, "convert the values first, for example with toreal() or tolong()", "cannot apply %s to two dynamic values", op)
	}
	if x.t == kql.TDynamic {
		x = c.dynToNumber(x)
	}
	if y.t == kql.TDynamic {
		y = c.dynToNumber(y)
	}
	bad := func() (val, error) {
		return val{}, errAt(e, "cannot apply %s to %s and %s", op, typeName(x.t), typeName(y.t))
	}
	switch {
	case isNumeric(x.t) && isNumeric(y.t):
		if (x.t == kql.TDecimal || y.t == kql.TDecimal) && x.t != kql.TReal && y.t != kql.TReal {
			xs, ys := "CAST("+x.sql+" AS DECIMAL(38,18))", "CAST("+y.sql+" AS DECIMAL(38,18))"
			switch op {
			case "/", "*":
				// DECIMAL(38,18) products and quotients overflow DuckDB's scale
				return val{sql: "TRY_CAST(CAST(" + xs + " AS DOUBLE) " + op + " CAST(" + ys + " AS DOUBLE) AS DECIMAL(38,18))", t: kql.TDecimal}, nil
			case "%":
				return val{sql: "(" + xs + " - abs(" + ys + ") * floor(" + xs + " / abs(" + ys + ")))", t: kql.TDecimal}, nil
			}
			return val{sql: "TRY_CAST(" + xs + " " + op + " " + ys + " AS DECIMAL(38,18))", t: kql.TDecimal}, nil
		}
		real := x.t == kql.TReal || y.t == kql.TReal || x.t == kql.TDecimal || y.t == kql.TDecimal
		t := kql.TLong
		if real {
			t = kql.TReal
		}
		if real {
			xs, ys := "CAST("+x.sql+" AS DOUBLE)", "CAST("+y.sql+" AS DOUBLE)"
			switch op {
			case "%":
				// never negative: x - |y| * floor(x / |y|)
				return val{sql: "(" + xs + " - abs(" + ys + ") * floor(" + xs + " / abs(" + ys + ")))", t: t}, nil
			case "/":
				return val{sql: "(" + xs + " / " + ys + ")", t: t}, nil
			}
			return val{sql: "(" + xs + " " + op + " " + ys + ")", t: t}, nil
		}
		xs, ys := x.sql, y.sql
		switch op {
		case "/":
			return val{sql: "(" + xs + " // nullif(" + ys + ", 0))", t: t}, nil
		case "%":
			return val{sql: "((" + xs + " % nullif(" + ys + ", 0) + abs(" + ys + ")) % abs(" + ys + "))", t: t}, nil
		}
		// 64-bit two's complement wrap-around, as Kusto (unchecked .NET) does
		return val{sql: wrap64("(CAST(" + xs + " AS HUGEINT) " + op + " " + ys + ")"), t: t}, nil
	case x.t == kql.TDatetime && y.t == kql.TDatetime && op == "-":
		return val{sql: "(" + dtTicks(x.sql) + " - " + dtTicks(y.sql) + ")", t: kql.TTimespan}, nil
	case x.t == kql.TDatetime && y.t == kql.TTimespan && (op == "+" || op == "-"):
		return val{sql: ticksToDt(dtTicks(x.sql) + " " + op + " " + y.sql), t: kql.TDatetime}, nil
	case x.t == kql.TTimespan && y.t == kql.TDatetime && op == "+":
		return val{sql: ticksToDt(dtTicks(y.sql) + " + " + x.sql), t: kql.TDatetime}, nil
	case x.t == kql.TTimespan && y.t == kql.TTimespan:
		switch op {
		case "+", "-":
			return val{sql: "(" + x.sql + " " + op + " " + y.sql + ")", t: kql.TTimespan}, nil
		case "/":
			return val{sql: "(CAST(" + x.sql + " AS DOUBLE) / " + y.sql + ")", t: kql.TReal}, nil
		case "%":
			return val{sql: "(" + x.sql + " % nullif(" + y.sql + ", 0))", t: kql.TTimespan}, nil
		}
	case x.t == kql.TTimespan && isNumeric(y.t) && (op == "*" || op == "/"):
		if op == "/" {
			return val{sql: "CAST(trunc(" + x.sql + " / CAST(" + y.sql + " AS DOUBLE)) AS BIGINT)", t: kql.TTimespan}, nil
		}
		return val{sql: "CAST(round(" + x.sql + " * " + y.sql + ") AS BIGINT)", t: kql.TTimespan}, nil
	case isNumeric(x.t) && y.t == kql.TTimespan && op == "*":
		return val{sql: "CAST(round(" + x.sql + " * " + y.sql + ") AS BIGINT)", t: kql.TTimespan}, nil
	}
	return bad()
}

// dynToNumber converts a dynamic value used in arithmetic.
func (c *compiler) dynToNumber(v val) val {
	return val{sql: "TRY_CAST(" + v.sql + " AS DOUBLE)", t: kql.TReal}
}

// unify converts x and y to a common comparable type.
func (c *compiler) unify(x, y val) (val, val, bool) {
	switch {
	case x.t == y.t:
		return x, y, true
	case isNumeric(x.t) && isNumeric(y.t):
		return x, y, true
	case x.t == kql.TDynamic && y.t != kql.TDynamic:
		return c.convert(x, y.t), y, true
	case y.t == kql.TDynamic && x.t != kql.TDynamic:
		return x, c.convert(y, x.t), true
	case x.t == kql.TGuid && y.t == kql.TString:
		return x, val{sql: "lower(" + y.sql + ")", t: kql.TGuid}, true
	case y.t == kql.TGuid && x.t == kql.TString:
		return val{sql: "lower(" + x.sql + ")", t: kql.TGuid}, y, true
	case x.null:
		return c.convert(x, y.t), y, true
	case y.null:
		return x, c.convert(y, x.t), true
	case x.t == kql.TString && scalarConvertible(y.t):
		return c.convert(x, y.t), y, true
	case y.t == kql.TString && scalarConvertible(x.t):
		return x, c.convert(y, x.t), true
	}
	return x, y, false
}

// scalarConvertible: a string compared with a value of type t is
// converted to t, as to<t>() would (null when it does not convert):
// Kusto.Language binds bool == "0", long == "1", datetime > "2024-01-01",
// and published hunts filter IsAdminOperation == "true" on a bool column.
func scalarConvertible(t kql.Type) bool {
	switch t {
	case kql.TBool, kql.TInt, kql.TLong, kql.TReal, kql.TDecimal, kql.TDatetime, kql.TTimespan:
		return true
	}
	return false
}

func (c *compiler) compare(e *kql.BinaryExpr, x, y val) (val, error) {
	if x.t == kql.TDynamic && y.t == kql.TDynamic && !x.null && !y.null {
		return val{}, hintAt(e, "convert one side, for example with tostring()", "cannot compare two dynamic values with %s", e.Op)
	}
	// A bool compares with a number as 0 or 1 (the bool type is true (1)
	// and false (0) [D:scalar-data-types/bool]; Microsoft's published hunts
	// filter IsLocalAdmin == 1, and Kusto.Language lists bool/number
	// comparison signatures).
	if x.t == kql.TBool && isNumeric(y.t) && !y.null {
		x = val{sql: "CAST(" + x.sql + " AS BIGINT)", t: kql.TLong}
	} else if y.t == kql.TBool && isNumeric(x.t) && !x.null {
		y = val{sql: "CAST(" + y.sql + " AS BIGINT)", t: kql.TLong}
	}
	x, y, ok := c.unify(x, y)
	if !ok {
		return val{}, errAt(e, "cannot compare %s with %s", typeName(x.t), typeName(y.t))
	}
	if x.t == kql.TDynamic {
		x = val{sql: "CAST(" + x.sql + " AS VARCHAR)", t: kql.TString}
		y = val{sql: "CAST(" + y.sql + " AS VARCHAR)", t: kql.TString}
	}
	if (x.t == kql.TReal || y.t == kql.TReal) && !x.null && !y.null {
		// IEEE: NaN compares unequal to everything (DuckDB sorts NaN last and
		// calls it equal to itself)
		inner, err := c.compareNoNaN(e, x, y)
		if err != nil {
			return val{}, err
		}
		res := "FALSE"
		if e.Op == "!=" {
			res = "TRUE"
		}
		return val{sql: "(CASE WHEN isnan(CAST(" + x.sql + " AS DOUBLE)) OR isnan(CAST(" + y.sql + " AS DOUBLE)) THEN " + res + " ELSE " + inner.sql + " END)", t: kql.TBool}, nil
	}
	return c.compareNoNaN(e, x, y)
}

func (c *compiler) compareNoNaN(e *kql.BinaryExpr, x, y val) (val, error) {
	switch e.Op {
	case "==", "!=":
		neq := e.Op == "!="
		if x.t == kql.TString {
			op := " = "
			if neq {
				op = " <> "
			}
			return val{sql: "(" + x.sql + op + y.sql + ")", t: kql.TBool}, nil
		}
		if x.null && y.null {
			return val{sql: "CAST(NULL AS BOOLEAN)", t: kql.TBool}, nil
		}
		dist := " IS NOT DISTINCT FROM "
		if neq {
			dist = " IS DISTINCT FROM "
		}
		if (x.lit != nil && !x.null) || (y.lit != nil && !y.null) {
			return val{sql: "(" + x.sql + dist + y.sql + ")", t: kql.TBool}, nil
		}
		return val{sql: "(CASE WHEN " + x.sql + " IS NULL AND " + y.sql + " IS NULL THEN NULL ELSE " + x.sql + dist + y.sql + " END)", t: kql.TBool}, nil
	}
	if x.t == kql.TBool && e.Op != "==" {
		return val{sql: "(" + x.sql + " " + e.Op + " " + y.sql + ")", t: kql.TBool}, nil
	}
	return val{sql: "(" + x.sql + " " + e.Op + " " + y.sql + ")", t: kql.TBool}, nil
}

// asString converts a value for a string operator: strings as they are,
// dynamic strings unquoted, other values through tostring.
func (c *compiler) asString(v val) val {
	if v.t == kql.TString {
		return v
	}
	return c.toStringVal(v)
}

func isTermRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// termRegex builds the RE2 pattern of has/hasprefix/hassuffix for a
// constant right-hand side.
//
// Case folding applies to the term only ((?i:term)): letters and digits
// fold to letters and digits, so the boundary classes mean the same
// either way, and RE2 need not fold them. The classes still cost most of
// the pattern's compilation (about 8 ms per query on a small table).
func termRegex(t string, op string, cs bool) string {
	var b strings.Builder
	runes := []rune(t)
	left := op != "hassuffix" && len(runes) > 0 && isTermRune(runes[0])
	right := op != "hasprefix" && len(runes) > 0 && isTermRune(runes[len(runes)-1])
	if left {
		b.WriteString(`(?:^|[^\pL\pN])`)
	}
	if cs {
		b.WriteString(regexp.QuoteMeta(t))
	} else {
		b.WriteString("(?i:" + regexp.QuoteMeta(t) + ")")
	}
	if right {
		b.WriteString(`(?:$|[^\pL\pN])`)
	}
	return b.String()
}

func (c *compiler) stringOp(e *kql.BinaryExpr, x, y val) (val, error) {
	neg := strings.HasPrefix(e.Op, "!")
	op := strings.TrimPrefix(e.Op, "!")
	cs := strings.HasSuffix(op, "_cs")
	base := strings.TrimSuffix(op, "_cs")
	xs := c.asString(x)
	ys := c.asString(y)
	var s string
	lower := func(v val) string {
		if str, ok := v.isConstString(); ok {
			return quoteString(strings.ToLower(str))
		}
		return "lower(" + v.sql + ")"
	}
	hay, needle := xs.sql, ys.sql
	if !cs {
		hay, needle = "lower("+xs.sql+")", lower(ys)
	}
	switch base {
	case "contains":
		s = "contains(" + hay + ", " + needle + ")"
	case "startswith":
		s = "starts_with(" + hay + ", " + needle + ")"
	case "endswith":
		s = "suffix(" + hay + ", " + needle + ")"
	case "has", "hasprefix", "hassuffix":
		if str, ok := ys.isConstString(); ok {
			if str == "" {
				s = "TRUE"
				break
			}
			s = "regexp_matches(" + xs.sql + ", " + quoteString(termRegex(str, base, cs)) + ")"
			if termPrefilter {
				// the vectorised substring test first: the pattern
				// runs on the rows that contain the term only
				s = "(" + termContains(xs.sql, str, cs) + " AND " + s + ")"
			}
		} else {
			s = "(contains(" + hay + ", " + needle + ") AND regexp_matches(" + xs.sql + ", " + dynTermRegex(ys.sql, base, cs) + "))"
		}
	}
	if neg {
		s = "(NOT " + s + ")"
	}
	return val{sql: s, t: kql.TBool}, nil
}

// termPrefilter turns on the substring prefilter of the term operators
// (tests compare the rows with and without it).
var termPrefilter = true

// termContains is the SQL of the substring prefilter of a term test of
// x (the SQL of a string) against a constant term: it holds for every row
// where the term pattern (termRegex) matches, so that the pattern need
// only run on the rows it keeps, and DuckDB evaluates it vectorised.
//
// Case-sensitive it is contains(x, term). Case-insensitive, RE2's (?i)
// matches at each letter of the term the letters of its fold orbit, and
// lower() maps those to the term's lower-cased letter except in the few
// orbits with two lower-case forms (ſ beside s and S, ς beside σ, ϑ beside
// θ, µ beside μ, ...): a row whose match holds one of those (foldExtras)
// contains it, so the test is contains(lower(x), lower(term)) or contains
// one of them. DuckDB's lower() maps code point by code point as
// unicode.ToLower does.
func termContains(x, term string, cs bool) string {
	if cs {
		return "contains(" + x + ", " + quoteString(term) + ")"
	}
	s := "contains(lower(" + x + "), " + quoteString(strings.ToLower(term)) + ")"
	extras := foldExtras(term)
	if len(extras) == 0 {
		return s
	}
	parts := []string{s}
	for _, e := range extras {
		parts = append(parts, "contains("+x+", "+quoteString(e)+")")
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// foldExtras are the letters RE2's (?i) matches to a letter of term whose
// lower case is not the term letter's lower case, in order of first need.
func foldExtras(term string) []string {
	var out []string
	seen := map[rune]bool{}
	for _, r := range term {
		lr := unicode.ToLower(r)
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if unicode.ToLower(f) != lr && !seen[f] {
				seen[f] = true
				out = append(out, string(f))
			}
		}
	}
	return out
}

// dynTermRegex builds the has pattern in SQL for a non-constant needle.
func dynTermRegex(t, base string, cs bool) string {
	open, close := "", ""
	if !cs {
		open, close = "'(?i:' || ", " || ')'"
	}
	left, right := "''", "''"
	if base != "hassuffix" {
		left = "(CASE WHEN regexp_matches(" + t + ", '^[\\pL\\pN]') THEN '(?:^|[^\\pL\\pN])' ELSE '' END)"
	}
	if base != "hasprefix" {
		right = "(CASE WHEN regexp_matches(" + t + ", '[\\pL\\pN]$') THEN '(?:$|[^\\pL\\pN])' ELSE '' END)"
	}
	return "(" + left + " || " + open + "regexp_escape(" + t + ")" + close + " || " + right + ")"
}

func (c *compiler) between(e *kql.BetweenExpr, ev *env) (val, error) {
	x, err := c.scalar(e.X, ev)
	if err != nil {
		return val{}, err
	}
	lo, err := c.scalar(e.Lo, ev)
	if err != nil {
		return val{}, err
	}
	hi, err := c.scalar(e.Hi, ev)
	if err != nil {
		return val{}, err
	}
	x1, lo, ok1 := c.unify(x, lo)
	if !ok1 {
		// datetime between (dt .. timespan) means dt .. dt+span
		if x.t == kql.TDatetime && lo.t == kql.TDatetime && hi.t == kql.TTimespan {
			hi = val{sql: ticksToDt(dtTicks(lo.sql) + " + " + hi.sql), t: kql.TDatetime}
		} else {
			return val{}, errAt(e, "between: cannot compare %s with %s", typeName(x.t), typeName(lo.t))
		}
	}
	if x.t == kql.TDatetime && lo.t == kql.TDatetime && hi.t == kql.TTimespan {
		hi = val{sql: ticksToDt(dtTicks(lo.sql) + " + " + hi.sql), t: kql.TDatetime}
	}
	x2, hi, ok2 := c.unify(x1, hi)
	if !ok2 {
		return val{}, errAt(e, "between: cannot compare %s with %s", typeName(x.t), typeName(hi.t))
	}
	s := "(" + x2.sql + " BETWEEN " + lo.sql + " AND " + hi.sql + ")"
	if e.Not {
		s = "(NOT " + s + ")"
	}
	return val{sql: s, t: kql.TBool}, nil
}

// inExpr compiles in, !in, in~, !in~, has_any, has_all.
func (c *compiler) inExpr(e *kql.InExpr, ev *env) (val, error) {
	x, err := c.scalar(e.X, ev)
	if err != nil {
		return val{}, err
	}
	ci := strings.HasSuffix(e.Op, "~")
	neg := strings.HasPrefix(e.Op, "!")
	// A tabular right side: the first column of the subquery.
	if len(e.List) == 1 && c.isTabular(e.List[0], ev.sc) && (e.Op == "in" || e.Op == "!in" || e.Op == "in~" || e.Op == "!in~") {
		r, err := c.tabular(e.List[0], ev.sc)
		if err != nil {
			return val{}, err
		}
		if len(r.cols) == 0 {
			return val{}, errAt(e.List[0], "the subquery has no columns")
		}
		col := quoteIdent(r.cols[0].Name)
		xs := x.sql
		if r.cols[0].Type == kql.TDynamic && x.t != kql.TDynamic {
			col = "CAST(" + col + " AS VARCHAR)"
			xs = c.toDynamic(x).sql
			xs = "CAST(" + xs + " AS VARCHAR)"
		}
		if ci {
			xs = "lower(" + c.asString(x).sql + ")"
			col = "lower(" + col + ")"
		}
		s := "coalesce(" + xs + " IN (SELECT " + col + " FROM " + r.from + "), false)"
		if neg {
			s = "(NOT " + s + ")"
		}
		return val{sql: s, t: kql.TBool}, nil
	}
	var items []val
	var dynLists []val
	var dynArgs []kql.Expr
	for _, a := range e.List {
		v, err := c.scalar(a, ev)
		if err != nil {
			return val{}, err
		}
		if v.t == kql.TDynamic {
			if v.lit != nil && !v.null {
				var arr []any
				if json.Unmarshal([]byte(v.lit.Str), &arr) == nil {
					for _, el := range arr {
						items = append(items, jsonScalarVal(el))
					}
					continue
				}
			}
			dynLists = append(dynLists, v)
			dynArgs = append(dynArgs, a)
			continue
		}
		items = append(items, v)
	}
	switch e.Op {
	case "has_any", "has_all":
		for _, a := range dynArgs {
			terms, err := c.queryTerms(e, a, ev)
			if err != nil {
				return val{}, err
			}
			items = append(items, terms...)
		}
		if e.Op == "has_any" {
			if re, ok := hasAnyRegex(items); ok {
				// one pass of one regex instead of a lower() and a
				// regex per term (a substring prefilter per term costs
				// more than it saves: DuckDB lowers the text once per term)
				m := "regexp_matches(" + c.asString(x).sql + ", " + quoteString(re) + ")"
				return val{sql: m, t: kql.TBool}, nil
			}
		}
		var parts []string
		for _, it := range items {
			bv, err := c.stringOp(&kql.BinaryExpr{Sp: e.Sp, Op: "has"}, x, c.asString(it))
			if err != nil {
				return val{}, err
			}
			parts = append(parts, bv.sql)
		}
		if len(parts) == 0 {
			if e.Op == "has_all" {
				return val{sql: "TRUE", t: kql.TBool}, nil
			}
			return val{sql: "FALSE", t: kql.TBool}, nil
		}
		j := " OR "
		if e.Op == "has_all" {
			j = " AND "
		}
		return val{sql: "(" + strings.Join(parts, j) + ")", t: kql.TBool}, nil
	}
	var conds []string
	if len(items) > 0 {
		var xs string
		var list []string
		if ci {
			xs = "lower(" + c.asString(x).sql + ")"
			for _, it := range items {
				if s, ok := it.isConstString(); ok {
					list = append(list, quoteString(strings.ToLower(s)))
				} else {
					list = append(list, "lower("+c.asString(it).sql+")")
				}
			}
		} else {
			xs = x.sql
			for _, it := range items {
				a, b, ok := c.unify(x, it)
				if !ok {
					if it.null {
						continue
					}
					// Kusto compares mismatched types as unequal.
					continue
				}
				xs = a.sql
				list = append(list, b.sql)
			}
		}
		if len(list) > 0 {
			conds = append(conds, xs+" IN ("+strings.Join(list, ", ")+")")
		}
	}
	for _, d := range dynLists {
		xs := c.toDynamic(x).sql
		if ci {
			conds = append(conds, "list_contains(list_transform(CAST("+d.sql+" AS JSON[]), e -> lower(CASE WHEN json_type(e) = 'VARCHAR' THEN json_extract_string(e, '$') ELSE CAST(e AS VARCHAR) END)), lower("+c.asString(x).sql+"))")
		} else {
			conds = append(conds, "list_contains(list_transform(CAST("+d.sql+" AS JSON[]), e -> CAST(e AS VARCHAR)), CAST("+xs+" AS VARCHAR))")
		}
	}
	s := "FALSE"
	if len(conds) > 0 {
		s = "coalesce(" + strings.Join(conds, " OR ") + ", false)"
	}
	if neg {
		s = "(NOT " + s + ")"
	}
	return val{sql: s, t: kql.TBool}, nil
}

// jsonScalarVal turns an element of a constant dynamic array into a value.
func jsonScalarVal(el any) val {
	switch x := el.(type) {
	case string:
		return val{sql: quoteString(x), t: kql.TString, lit: &kql.Literal{Kind: kql.LitString, Str: x}}
	case float64:
		if x == float64(int64(x)) {
			return val{sql: sqlLong(int64(x)), t: kql.TLong, lit: &kql.Literal{Kind: kql.LitLong, Int: int64(x)}}
		}
		return val{sql: sqlReal(x), t: kql.TReal, lit: &kql.Literal{Kind: kql.LitReal, Real: x}}
	case bool:
		s := "FALSE"
		if x {
			s = "TRUE"
		}
		return val{sql: s, t: kql.TBool, lit: &kql.Literal{Kind: kql.LitBool, Bool: x}}
	case nil:
		return val{sql: "NULL", null: true, t: kql.TDynamic}
	}
	b, _ := json.Marshal(el)
	return val{sql: "CAST(" + quoteString(string(b)) + " AS JSON)", t: kql.TDynamic}
}

// ---------------------------------------------------------------- dynamic access

func jsonPointer(key string) string {
	key = strings.ReplaceAll(key, "~", "~0")
	key = strings.ReplaceAll(key, "/", "~1")
	return "/" + key
}

func (c *compiler) member(e *kql.MemberExpr, ev *env) (val, error) {
	if id, ok := e.X.(*kql.Ident); ok && ev.sides != nil && (id.Name == "$left" || id.Name == "$right") {
		return ev.sides.ref(id.Name, e.Name)
	}
	if id, ok := e.X.(*kql.Ident); ok && ev.stepVars != nil {
		if vars, ok := ev.stepVars[id.Name]; ok {
			v, ok := vars[e.Name.Name]
			if !ok {
				return val{}, errAt(e.Name, "scan: %q is not a declared variable", e.Name.Name)
			}
			return v, nil
		}
	}
	x, err := c.scalar(e.X, ev)
	if err != nil {
		return val{}, err
	}
	if x.t != kql.TDynamic {
		return val{}, errAt(e, "%s has no property %q: only dynamic values do", typeName(x.t), e.Name.Name)
	}
	return val{sql: "json_extract(" + x.sql + ", " + quoteString(jsonPointer(e.Name.Name)) + ")", t: kql.TDynamic}, nil
}

func (c *compiler) index(e *kql.IndexExpr, ev *env) (val, error) {
	x, err := c.scalar(e.X, ev)
	if err != nil {
		return val{}, err
	}
	if x.t != kql.TDynamic {
		return val{}, errAt(e, "cannot index a %s value: only dynamic values can be indexed", typeName(x.t))
	}
	i, err := c.scalar(e.Index, ev)
	if err != nil {
		return val{}, err
	}
	if i.lit != nil && !i.null {
		switch i.lit.Kind {
		case kql.LitString:
			return val{sql: "json_extract(" + x.sql + ", " + quoteString(jsonPointer(i.lit.Str)) + ")", t: kql.TDynamic}, nil
		case kql.LitLong, kql.LitInt:
			p := "$[" + strconv.FormatInt(i.lit.Int, 10) + "]"
			if i.lit.Int < 0 {
				p = "$[#" + strconv.FormatInt(i.lit.Int, 10) + "]"
			}
			return val{sql: "json_extract(" + x.sql + ", " + quoteString(p) + ")", t: kql.TDynamic}, nil
		}
	}
	switch {
	case isIntegral(i.t):
		p := "(CASE WHEN " + i.sql + " >= 0 THEN '$[' || " + i.sql + " || ']' ELSE '$[#' || " + i.sql + " || ']' END)"
		return val{sql: "json_extract(" + x.sql + ", " + p + ")", t: kql.TDynamic}, nil
	case i.t == kql.TString:
		p := "('/' || replace(replace(" + i.sql + ", '~', '~0'), '/', '~1'))"
		return val{sql: "json_extract(" + x.sql + ", " + p + ")", t: kql.TDynamic}, nil
	}
	return val{}, errAt(e.Index, "a dynamic index must be a string or an integer, found %s", typeName(i.t))
}

// hasAnyRegex is the single RE2 pattern of has_any over constant terms
// that need the same term boundaries: (?i), the left boundary, the terms
// as alternatives, the right boundary. A row matches it exactly when it
// has one of the terms. Lists with an empty term keep the per-term form.
func hasAnyRegex(items []val) (string, bool) {
	var terms []string
	first := true
	var left, right bool
	for _, it := range items {
		t, ok := it.isConstString()
		if !ok {
			return "", false
		}
		if t == "" {
			return "", false // has "" keeps its own rule
		}
		runes := []rune(t)
		l, r := isTermRune(runes[0]), isTermRune(runes[len(runes)-1])
		if first {
			left, right, first = l, r, false
		} else if l != left || r != right {
			return "", false
		}
		terms = append(terms, regexp.QuoteMeta(t))
	}
	if len(terms) < 2 {
		return "", false
	}
	var b strings.Builder
	if left {
		b.WriteString(`(?:^|[^\pL\pN])`)
	}
	// folding on the terms only (see termRegex)
	b.WriteString("(?i:" + strings.Join(terms, "|") + ")")
	if right {
		b.WriteString(`(?:$|[^\pL\pN])`)
	}
	return b.String(), true
}
