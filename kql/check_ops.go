package kql

import (
	"strconv"
	"strings"
)

// summarize: group keys first (in `by` order), then the aggregates, with
// KQL's automatic names and numeric suffixes for duplicates.
func (c *checker) summarize(o *SummarizeOp, in *rel) *rel {
	r := &rel{}
	for _, ce := range o.By {
		if ce == nil {
			continue
		}
		t := c.scalar(ce.X, in)
		c.addUnique(r, ce, []Column{{byKeyName(ce.X), t}})
	}
	for _, ce := range o.Aggs {
		if ce == nil {
			continue
		}
		c.aggCtx++
		cols := c.aggColumns(ce.X, in, r, true)
		c.aggCtx--
		c.addUnique(r, ce, cols)
	}
	return r
}

// addUnique appends cols to r: renamed to ce's names where given (a tuple
// names each column), else under their automatic names made unique. An
// empty automatic name becomes the next ColumnN.
func (c *checker) addUnique(r *rel, ce *ColumnExpr, cols []Column) {
	for i, col := range cols {
		if i < len(ce.Names) && ce.Names[i] != nil {
			col.Name = ce.Names[i].Name
			r.set(col)
			continue
		}
		if col.Name == "" {
			col.Name = nextColumnName(r)
		}
		col.Name = uniqueName(r, col.Name)
		r.cols = append(r.cols, col)
	}
}

// byKeyName is the name of an unnamed summarize key: the column, or the
// column inside a function such as bin(Timestamp, 1h) or tostring(x).
func byKeyName(e Expr) string {
	if n := exprName(e); n != "" {
		return n
	}
	if call, ok := e.(*CallExpr); ok && len(call.Args) > 0 {
		if na, ok := call.Args[0].(*NamedArg); ok && na.Name != nil {
			return na.Name.Name // bin(Name = Timestamp, 5m)
		}
		return byKeyName(call.Args[0])
	}
	return ""
}

// aggArgName is the X of an automatic aggregate name such as sum_X: the
// argument's column name, looking through conversions (sum(toint(v)) →
// sum_v); "" for other expressions.
func aggArgName(e Expr) string {
	if n := exprName(e); n != "" {
		return n
	}
	if call, ok := e.(*CallExpr); ok && call.Func != nil && len(call.Args) == 1 && isConversion(call.Func.Name) {
		return aggArgName(call.Args[0])
	}
	return ""
}

func isConversion(name string) bool {
	switch name {
	case "tostring", "toint", "tolong", "todouble", "toreal", "todecimal", "tobool", "toboolean",
		"todatetime", "totimespan", "toguid", "todynamic", "parse_json", "parsejson":
		return true
	}
	return false
}

// aggColumns checks one summarize aggregate expression in row context in
// (out: the columns produced so far) and returns the columns it produces
// with their automatic names ("" where KQL would number a ColumnN).
func (c *checker) aggColumns(e Expr, in, out *rel, summarize bool) []Column {
	call, ok := e.(*CallExpr)
	var b *builtin
	if ok && call.Func != nil {
		if c.scope.lookup(call.Func.Name) == nil {
			b, _ = lookupBuiltin(call.Func.Name)
		}
	}
	if b == nil || !b.Agg {
		// An expression over aggregates (count() * 2, tostring(make_set(x)),
		// toint(n = dcount(x))): a function applied to an aggregate takes
		// the aggregate's name, or the name given inside it.
		if ok && len(call.Args) > 0 {
			if na, isNamed := call.Args[0].(*NamedArg); isNamed && na.Name != nil {
				return []Column{{na.Name.Name, c.scalar(e, in)}}
			}
			if !c.containsAgg(call.Args[0]) {
				// the aggregate is elsewhere: datetime_diff("second", max(t), min(t))
			} else if inner := c.aggColumns(call.Args[0], in, out, summarize); len(inner) == 1 && inner[0].Name != "" {
				return []Column{{inner[0].Name, c.scalar(e, in)}}
			}
		}
		t := c.scalar(e, in)
		if summarize && !c.containsAgg(e) {
			// (make-series accepts constants: other=-1 default=-2)
			c.errorf(e.Span(), "use it as a group key: summarize ... by "+nameOr(exprName(e), "expr"),
				"summarize needs an aggregate function here")
		}
		return []Column{{exprName(e), t}}
	}
	t := c.scalar(call, in)
	args := call.Args
	switch b.naming {
	case nameCountif:
		if len(args) == 1 {
			if id, ok := args[0].(*Ident); ok {
				return []Column{{b.prefix + "_" + id.Name, t}}
			}
		}
		return []Column{{b.prefix + "_", t}}
	case nameKeep, nameArgMax:
		var cols []Column
		seen := map[string]bool{}
		for i, a := range args {
			if b.naming == nameKeep && b.Name == "take_anyif" && i > 0 {
				break
			}
			if _, ok := a.(*Star); ok {
				// Columns that may exist (Sentinel's) come along with *.
				out.hidden = append(out.hidden, in.hidden...)
				out.open = out.open || in.open
				for _, col := range in.cols {
					if !seen[col.Name] && !out.has(col.Name) {
						seen[col.Name] = true
						cols = append(cols, col)
					}
				}
				continue
			}
			name := aggArgName(a)
			if na, ok := a.(*NamedArg); ok && na.Name != nil {
				name = na.Name.Name
			}
			seen[name] = true
			cols = append(cols, Column{name, c.info.Types[a]})
		}
		return cols
	case namePercentile, namePercentileW:
		first := 1
		if b.naming == namePercentileW {
			first = 2
		}
		x := aggArgName(args[0])
		var cols []Column
		for _, p := range args[min(first, len(args)):] {
			cols = append(cols, Column{"percentile_" + x + "_" + percentText(p), t})
		}
		return cols
	default:
		if b.Name == "any" && (len(args) > 1 || hasStarArg(args)) {
			// any(a, b) is any_a, any_b; any(*) is any_<col> for each
			// column that is not a group key
			var cols []Column
			for _, a := range args {
				if _, ok := a.(*Star); ok {
					out.open = out.open || in.open
					for _, col := range in.cols {
						if !out.has(col.Name) {
							cols = append(cols, Column{b.prefix + "_" + col.Name, col.Type})
						}
					}
					continue
				}
				cols = append(cols, Column{b.prefix + "_" + aggArgName(a), c.info.Types[a]})
			}
			return cols
		}
		x := ""
		if len(args) > 0 {
			x = aggArgName(args[0])
		}
		return []Column{{b.prefix + "_" + x, t}}
	}
}

// percentText renders a percentile argument for a column name: 50 → "50",
// 99.9 → "99_9".
func percentText(e Expr) string {
	lit, ok := e.(*Literal)
	if !ok {
		return ""
	}
	switch lit.Kind {
	case LitInt, LitLong:
		return strconv.FormatInt(lit.Int, 10)
	case LitReal:
		return strings.ReplaceAll(strconv.FormatFloat(lit.Real, 'f', -1, 64), ".", "_")
	case LitDecimal:
		return strings.ReplaceAll(lit.Str, ".", "_")
	}
	return ""
}

// joinKind returns the kind= of a join, lower case, with its default.
func joinKind(params []*OpParam, def string) string {
	k := strings.ToLower(paramString(params, "kind"))
	if k == "" {
		return def
	}
	return k
}

// joinKeys checks join/lookup conditions and returns the key columns of
// each side.
func (c *checker) joinKeys(conds []Expr, left, right *rel) (lk, rk []string) {
	var walk func(e Expr)
	walk = func(e Expr) {
		switch e := e.(type) {
		case *Ident:
			c.setType(e, TUnknown)
			lc, lok := c.column(e, left)
			rc, rok := c.column(e, right)
			if lok {
				c.setType(e, lc.Type)
			}
			if lok && rok && !joinTypesMatch(lc.Type, rc.Type) {
				c.errorf(e.Sp, "convert one side, e.g. tostring() or tolong()", "join keys have different types: %s and %s", lc.Type, rc.Type)
			}
			if lok || rok || left.open || right.open {
				lk = append(lk, e.Name)
				rk = append(rk, e.Name)
			}
		case *ParenExpr:
			walk(e.X)
		case *BinaryExpr:
			switch e.Op {
			case "and":
				walk(e.X)
				walk(e.Y)
				c.setType(e, TBool)
				return
			case "==":
				l, lside := c.sideRef(e.X, left, right)
				r, rside := c.sideRef(e.Y, left, right)
				if tl, tr := c.info.Types[e.X], c.info.Types[e.Y]; !joinTypesMatch(tl, tr) {
					c.errorf(e.Sp, "convert one side, e.g. tostring() or tolong()", "join keys have different types: %s and %s", tl, tr)
				}
				if lside == "right" || rside == "left" {
					l, r = r, l
				}
				if l != "" || r != "" {
					lk = append(lk, l)
					rk = append(rk, r)
				}
				c.setType(e, TBool)
				return
			}
			c.scalar(e, left)
		default:
			c.scalar(e, left)
		}
	}
	for _, cond := range conds {
		walk(cond)
	}
	return lk, rk
}

// sideRef resolves $left.X / $right.X in a join condition and returns the
// column name and the side.
func (c *checker) sideRef(e Expr, left, right *rel) (string, string) {
	if m, ok := e.(*MemberExpr); ok && m.Name != nil {
		if id, ok := m.X.(*Ident); ok && (id.Name == "$left" || id.Name == "$right") {
			side, r := "left", left
			if id.Name == "$right" {
				side, r = "right", right
			}
			col, found := c.column(m.Name, r)
			c.setType(id, TUnknown)
			if found {
				c.setType(m, col.Type)
				return col.Name, side
			}
			c.setType(m, TUnknown)
			return m.Name.Name, side
		}
	}
	c.scalar(e, left)
	return "", ""
}

// appendRight adds right's columns to out, renaming those whose name is
// taken (k → k1, or the next free number).
func appendRight(out *rel, right []Column, skip map[string]bool) {
	for _, col := range right {
		if skip[col.Name] {
			continue
		}
		col.Name = uniqueName(out, col.Name)
		out.cols = append(out.cols, col)
	}
}

func (c *checker) join(o *JoinOp, in *rel) *rel {
	right := c.tab(o.Right, nil)
	c.joinKeys(o.On, in, right)
	kind := joinKind(o.Params, "innerunique")
	switch kind {
	case "leftsemi", "leftanti", "anti", "leftantisemi":
		r := in.clone()
		r.serialized = false
		return r
	case "rightsemi", "rightanti", "rightantisemi":
		r := right.clone()
		r.serialized = false
		return r
	}
	out := &rel{cols: append([]Column(nil), in.cols...), open: in.open || right.open}
	out.hidden = append(append([]Column(nil), in.hidden...), right.hidden...)
	appendRight(out, right.cols, nil)
	return out
}

func (c *checker) lookup(o *LookupOp, in *rel) *rel {
	right := c.tab(o.Right, nil)
	_, rk := c.joinKeys(o.On, in, right)
	skip := map[string]bool{}
	for _, k := range rk {
		skip[k] = true
	}
	// lookup is documented as a join but keeps the left rows' order here
	// (permissive: no window-function error after it).
	out := &rel{cols: append([]Column(nil), in.cols...), open: in.open || right.open, hidden: in.hidden, serialized: in.serialized}
	appendRight(out, right.cols, skip)
	return out
}

// union: the input (when an operator) and each table; kind=outer keeps
// every column (a name with several types becomes name_type), inner the
// common ones; withsource= adds the source column first.
func (c *checker) union(o *UnionOp, in *rel) *rel {
	var parts []*rel
	if len(in.cols) > 0 || in.open {
		parts = append(parts, in)
	}
	fuzzy := strings.EqualFold(paramString(o.Params, "isfuzzy"), "true")
	for _, t := range o.Tables {
		if w, ok := t.(*Wildcard); ok {
			matched := c.wildcardTables(w.Pattern)
			if len(matched) == 0 {
				parts = append(parts, openRel())
			}
			parts = append(parts, matched...)
			c.setRel(w, openRel())
			continue
		}
		if fuzzy {
			if id, ok := t.(*Ident); ok && c.scope.lookup(id.Name) == nil {
				if _, ok := c.schema.Table(id.Name); !ok {
					parts = append(parts, openRel())
					continue
				}
			}
		}
		if fuzzy {
			// isfuzzy: a part that does not resolve is left out, not an error.
			c.quiet++
			parts = append(parts, c.tab(t, nil))
			c.quiet--
			continue
		}
		parts = append(parts, c.tab(t, nil))
	}
	out := &rel{}
	for _, p := range parts {
		if p.open {
			out.open = true
		}
		out.hidden = append(out.hidden, p.hidden...)
	}
	if strings.EqualFold(paramString(o.Params, "kind"), "inner") {
		if len(parts) > 0 {
			for _, col := range parts[0].cols {
				common := true
				for _, p := range parts[1:] {
					if !p.has(col.Name) {
						common = false
					}
				}
				if common {
					out.cols = append(out.cols, col)
				}
			}
		}
	} else {
		out.cols = unionColumns(parts)
	}
	if src := paramString(o.Params, "withsource"); src != "" {
		out.cols = append([]Column{{src, TString}}, out.cols...)
	}
	return out
}

// unionColumns merges the column sets of an outer union in order of first
// appearance; a name that appears with several types is split into one
// column per type named name_type, made unique with digits.
func unionColumns(parts []*rel) []Column {
	type entry struct {
		name string
		typ  Type
	}
	var order []entry
	seen := map[entry]bool{}
	ntypes := map[string]int{} // distinct types per name
	for _, p := range parts {
		for _, col := range p.cols {
			e := entry{col.Name, col.Type}
			if !seen[e] {
				seen[e] = true
				ntypes[col.Name]++
				order = append(order, e)
			}
		}
	}
	// Names of columns that keep their own name are taken first: a split
	// column yields to them (x_long from one table, x:long split from
	// another → x_long and x_long1).
	split := func(e entry) bool { return ntypes[e.name] > 1 && e.typ != TUnknown }
	taken := &rel{}
	for _, e := range order {
		if !split(e) {
			taken.cols = append(taken.cols, Column{e.name, e.typ})
		}
	}
	out := make([]Column, 0, len(order))
	for _, e := range order {
		if !split(e) {
			out = append(out, Column{e.name, e.typ})
			continue
		}
		name := uniqueName(taken, e.name+"_"+string(e.typ))
		taken.cols = append(taken.cols, Column{name, e.typ})
		out = append(out, Column{name, e.typ})
	}
	return out
}

// wildcardTables returns the tables (schema and let-bound) a union
// wildcard such as Device* matches, in name order.
func (c *checker) wildcardTables(pattern string) []*rel {
	var out []*rel
	for _, name := range c.schema.TableNames() {
		if wildcardMatch(pattern, name) {
			t, _ := c.schema.Table(name)
			out = append(out, c.schemaRel(t))
		}
	}
	for _, name := range c.scope.allNames(bindTable) {
		if wildcardMatch(pattern, name) {
			out = append(out, c.scope.lookup(name).rel)
		}
	}
	return out
}

// mvExpand expands array columns in place (type dynamic, or the to
// typeof() type); with_itemindex= appends a long column.
func (c *checker) mvExpand(params []*OpParam, cols []*MvExpandCol, limit Expr, in *rel) *rel {
	r := in.clone()
	for _, mc := range cols {
		if mc == nil {
			continue
		}
		c.scalar(mc.X, in)
		t := TDynamic
		if mc.ToType != "" {
			t = declType(mc.ToType)
		}
		name := ""
		if mc.Name != nil {
			name = mc.Name.Name
		} else {
			name = aggArgName(mc.X)
		}
		if name == "" {
			name = nextColumnName(r)
		}
		r.set(Column{name, t})
	}
	if idx := paramString(params, "with_itemindex"); idx != "" {
		r.set(Column{idx, TLong})
	}
	if limit != nil {
		c.scalar(limit, nil)
	}
	return r
}

// mvApply runs the subquery over the expanded rows; the output is the
// input row's columns with the subquery's columns merged in.
func (c *checker) mvApply(o *MvApplyOp, in *rel) *rel {
	expanded := c.mvExpand(o.Params, o.Cols, o.Limit, in)
	// The expanded rows of each input row keep the array's order.
	expanded.serialized = true
	sub := c.tab(o.Sub, expanded.clone())
	r := &rel{open: in.open || sub.open, hidden: in.hidden, serialized: in.serialized}
	expandedNames := map[string]bool{}
	for _, mc := range o.Cols {
		if mc == nil {
			continue
		}
		if mc.Name != nil {
			expandedNames[mc.Name.Name] = true
		} else if n := exprName(mc.X); n != "" {
			expandedNames[n] = true
		}
	}
	for _, col := range in.cols {
		if sc, ok := sub.find(col.Name); ok {
			r.cols = append(r.cols, sc)
		} else if !expandedNames[col.Name] {
			r.cols = append(r.cols, col)
		}
	}
	for _, sc := range sub.cols {
		if !r.has(sc.Name) {
			r.cols = append(r.cols, sc)
		}
	}
	return r
}

// makeSeries: the by keys, then one dynamic array per aggregate, then the
// axis column as an array.
func (c *checker) makeSeries(o *MakeSeriesOp, in *rel) *rel {
	r := &rel{}
	for _, ce := range o.By {
		if ce == nil {
			continue
		}
		t := c.scalar(ce.X, in)
		c.addUnique(r, ce, []Column{{byKeyName(ce.X), t}})
	}
	for _, a := range o.Aggs {
		if a == nil || a.Col == nil {
			continue
		}
		c.aggCtx++
		cols := c.aggColumns(a.Col.X, in, r, false)
		c.aggCtx--
		for i := range cols {
			cols[i].Type = TDynamic
		}
		c.addUnique(r, a.Col, cols)
		if a.Default != nil {
			c.scalar(a.Default, nil)
		}
	}
	c.scalar(o.On, in)
	for _, e := range []Expr{o.From, o.To, o.Step} {
		if e != nil {
			c.scalar(e, in)
		}
	}
	axis := exprName(o.On)
	if axis == "" {
		axis = nextColumnName(r)
	}
	r.set(Column{axis, TDynamic})
	return r
}

// topNested: per level, the `of` column and its aggregate
// (aggregated_X unless named).
func (c *checker) topNested(o *TopNestedOp, in *rel) *rel {
	r := &rel{}
	for _, lv := range o.Levels {
		if lv == nil {
			continue
		}
		if lv.N != nil {
			c.scalar(lv.N, nil)
		}
		of := ""
		if lv.Of != nil {
			t := c.scalar(lv.Of.X, in)
			of = nameOr(firstName(lv.Of), exprName(lv.Of.X))
			if of == "" {
				of = nextColumnName(r)
			}
			r.set(Column{of, t})
		}
		if lv.Others != nil {
			c.scalar(lv.Others, in)
		}
		if lv.By != nil {
			c.aggCtx++
			t := c.scalar(lv.By.X, in)
			c.aggCtx--
			r.set(Column{nameOr(firstName(lv.By), "aggregated_"+of), t})
		}
	}
	return r
}

// containsAgg tells whether e calls an aggregate function (so it may stand
// in summarize's aggregate list).
func (c *checker) containsAgg(e Expr) bool {
	switch e := e.(type) {
	case *CallExpr:
		if e.Func != nil && c.scope.lookup(e.Func.Name) == nil {
			if b, ok := lookupBuiltin(e.Func.Name); ok && b.Agg {
				return true
			}
		}
		if e.Func != nil {
			if b := c.scope.lookup(e.Func.Name); b != nil && b.kind == bindFunc {
				return true // a user function may aggregate inside
			}
		}
		for _, a := range e.Args {
			if c.containsAgg(a) {
				return true
			}
		}
	case *BinaryExpr:
		return c.containsAgg(e.X) || c.containsAgg(e.Y)
	case *UnaryExpr:
		return c.containsAgg(e.X)
	case *ParenExpr:
		return c.containsAgg(e.X)
	case *NamedArg:
		return c.containsAgg(e.Value)
	case *MemberExpr:
		return c.containsAgg(e.X)
	case *IndexExpr:
		return c.containsAgg(e.X) || c.containsAgg(e.Index)
	case *InExpr:
		if c.containsAgg(e.X) {
			return true
		}
		for _, x := range e.List {
			if c.containsAgg(x) {
				return true
			}
		}
	case *BetweenExpr:
		return c.containsAgg(e.X) || c.containsAgg(e.Lo) || c.containsAgg(e.Hi)
	}
	return false
}

// joinTypesMatch tells whether two join key types can be equated: the
// same type, two numbers, or one side unknown.
func joinTypesMatch(a, b Type) bool {
	return a == b || a == TUnknown || b == TUnknown || (isNumeric(a) && isNumeric(b))
}

func hasStarArg(args []Expr) bool {
	for _, a := range args {
		if _, ok := a.(*Star); ok {
			return true
		}
	}
	return false
}
