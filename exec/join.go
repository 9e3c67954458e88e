package exec

import (
	"sort"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// joinSides resolves $left.X / $right.X inside join conditions.
type joinSides struct {
	c           *compiler
	left, right *rel
}

func (s *joinSides) ref(side string, name *kql.Ident) (val, error) {
	r, q := s.left, "l"
	if side == "$right" {
		r, q = s.right, "r"
	}
	col, ok := r.col(name.Name)
	if !ok {
		return val{}, errAt(name, "unknown column %q on the %s side of the join", name.Name, strings.TrimPrefix(side, "$"))
	}
	return val{sql: q + "." + quoteIdent(col.Name), t: col.Type}, nil
}

func opParam(params []*kql.OpParam, name string) (kql.Expr, bool) {
	for _, p := range params {
		if strings.EqualFold(p.Name, name) {
			return p.Value, true
		}
	}
	return nil, false
}

func paramWord(params []*kql.OpParam, name string) string {
	v, ok := opParam(params, name)
	if !ok {
		return ""
	}
	switch x := v.(type) {
	case *kql.Ident:
		return x.Name
	case *kql.Literal:
		if x.Kind == kql.LitString {
			return x.Str
		}
		if x.Kind == kql.LitBool {
			return strconv.FormatBool(x.Bool)
		}
	}
	return ""
}

type joinKey struct {
	l, r     val
	sameName string // `on Key`: the shared column name
}

// joinKeys compiles the on-conditions to pairs of left/right expressions.
func (c *compiler) joinKeys(on []kql.Expr, left, right *rel, sc *scope) ([]joinKey, error) {
	sides := &joinSides{c: c, left: left, right: right}
	var keys []joinKey
	// `$left.A == $right.B and $left.C == $right.D` is a list of
	// equalities too [D:join-operator]
	var conds []kql.Expr
	var flatten func(e kql.Expr)
	flatten = func(e kql.Expr) {
		if p, ok := e.(*kql.ParenExpr); ok {
			flatten(p.X)
			return
		}
		if b, ok := e.(*kql.BinaryExpr); ok && b.Op == "and" {
			flatten(b.X)
			flatten(b.Y)
			return
		}
		conds = append(conds, e)
	}
	for _, cond := range on {
		flatten(cond)
	}
	for _, cond := range conds {
		switch x := cond.(type) {
		case *kql.Ident:
			lc, ok1 := left.col(x.Name)
			rc, ok2 := right.col(x.Name)
			if !ok1 || !ok2 {
				return nil, errAt(x, "join key %q must be a column of both sides", x.Name)
			}
			keys = append(keys, joinKey{l: val{sql: "l." + quoteIdent(x.Name), t: lc.Type}, r: val{sql: "r." + quoteIdent(x.Name), t: rc.Type}, sameName: x.Name})
		case *kql.BinaryExpr:
			if x.Op != "==" {
				return nil, errAt(x, "join conditions must be equalities ($left.A == $right.B)")
			}
			ev := &env{c: c, sc: sc, sides: sides}
			a, err := c.scalar(x.X, ev)
			if err != nil {
				return nil, err
			}
			b, err := c.scalar(x.Y, ev)
			if err != nil {
				return nil, err
			}
			if strings.HasPrefix(a.sql, "r.") && strings.HasPrefix(b.sql, "l.") {
				a, b = b, a
			}
			keys = append(keys, joinKey{l: a, r: b})
		default:
			return nil, errAt(cond, "unsupported join condition: use a column name or $left.A == $right.B")
		}
	}
	if len(keys) == 0 {
		return nil, errAt(nil, "join needs an on clause")
	}
	return keys, nil
}

func keyCond(keys []joinKey) string {
	var parts []string
	for _, k := range keys {
		l, r := k.l, k.r
		if l.t != r.t {
			if isNumeric(l.t) && isNumeric(r.t) {
				// fine
			} else if l.t == kql.TDynamic || r.t == kql.TDynamic {
				l = val{sql: "CAST(" + l.sql + " AS VARCHAR)"}
				r = val{sql: "CAST(" + r.sql + " AS VARCHAR)"}
			}
		}
		if l.t == kql.TString && r.t == kql.TString {
			parts = append(parts, l.sql+" = "+r.sql)
			continue
		}
		parts = append(parts, l.sql+" IS NOT DISTINCT FROM "+r.sql)
	}
	return strings.Join(parts, " AND ")
}

// suffixCols names the right columns that collide with taken names.
func suffixCols(taken map[string]bool, cols []kql.Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		name := c.Name
		if taken[name] {
			for n := 1; ; n++ {
				cand := c.Name + strconv.Itoa(n)
				if !taken[cand] {
					name = cand
					break
				}
			}
		}
		taken[name] = true
		out[i] = name
	}
	return out
}

func (c *compiler) join(left *rel, op *kql.JoinOp, sc *scope) (*rel, error) {
	right, err := c.tabular(op.Right, sc)
	if err != nil {
		return nil, err
	}
	kind := strings.ToLower(paramWord(op.Params, "kind"))
	if kind == "" {
		kind = "innerunique"
	}
	keys, err := c.joinKeys(op.On, left, right, sc)
	if err != nil {
		return nil, err
	}
	cond := keyCond(keys)
	lfrom := left.from
	if kind == "innerunique" {
		var pk []string
		for _, k := range keys {
			pk = append(pk, strings.Replace(k.l.sql, "l.", "", 1))
		}
		// One left row per key: DISTINCT ON keeps a whole row per key
		// (nulls form one key, as in the join) and costs a hash
		// aggregate, where a row_number() window costs a sort; with an
		// order, the first row of each key.
		order := ""
		if left.ord {
			order = " ORDER BY " + strings.Join(pk, ", ") + ", " + ordCol
		}
		d := c.addCTE("SELECT DISTINCT ON ("+strings.Join(pk, ", ")+") * FROM "+left.from+order, left.cols, left.ord, false)
		lfrom = d.from
		kind = "inner"
	}
	sqlKind := map[string]string{
		"inner": "INNER JOIN", "leftouter": "LEFT JOIN", "rightouter": "RIGHT JOIN", "fullouter": "FULL JOIN",
		"leftsemi": "SEMI JOIN", "leftanti": "ANTI JOIN", "anti": "ANTI JOIN", "leftantisemi": "ANTI JOIN",
		"rightsemi": "SEMI JOIN", "rightanti": "ANTI JOIN", "rightantisemi": "ANTI JOIN",
	}[kind]
	if sqlKind == "" {
		return nil, errAt(op, "unknown join kind %q", kind)
	}
	switch kind {
	case "leftsemi", "leftanti", "anti", "leftantisemi":
		sql := "SELECT " + qualCols("l", left.cols, nil, false) + " FROM " + lfrom + " AS l " + sqlKind + " " + right.from + " AS r ON " + cond
		return c.addCTE(sql, left.cols, false, false), nil
	case "rightsemi", "rightanti", "rightantisemi":
		// swap sides: r is the outer relation
		sql := "SELECT " + qualCols("r", right.cols, nil, false) + " FROM " + right.from + " AS r " + sqlKind + " " + lfrom + " AS l ON " + cond
		return c.addCTE(sql, right.cols, false, false), nil
	}
	taken := map[string]bool{}
	for _, col := range left.cols {
		taken[col.Name] = true
	}
	rnames := suffixCols(taken, right.cols)
	var sel []string
	var cols []kql.Column
	outerL := kind == "rightouter" || kind == "fullouter"
	outerR := kind == "leftouter" || kind == "fullouter"
	for _, col := range left.cols {
		sel = append(sel, nullSafe("l."+quoteIdent(col.Name), col.Type, outerL)+" AS "+quoteIdent(col.Name))
		cols = append(cols, col)
	}
	for i, col := range right.cols {
		sel = append(sel, nullSafe("r."+quoteIdent(col.Name), col.Type, outerR)+" AS "+quoteIdent(rnames[i]))
		cols = append(cols, kql.Column{Name: rnames[i], Type: col.Type})
	}
	sql := "SELECT " + strings.Join(sel, ", ") + " FROM " + lfrom + " AS l " + sqlKind + " " + right.from + " AS r ON " + cond
	return c.addCTE(sql, cols, false, false), nil
}

// nullSafe coalesces string columns of the outer side of a join to "".
func nullSafe(expr string, t kql.Type, outer bool) string {
	if outer && t == kql.TString {
		return "coalesce(" + expr + ", '')"
	}
	return expr
}

func qualCols(q string, cols []kql.Column, names []string, _ bool) string {
	var parts []string
	for i, c := range cols {
		s := q + "." + quoteIdent(c.Name)
		if names != nil {
			s += " AS " + quoteIdent(names[i])
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return "NULL AS \"$none\""
	}
	return strings.Join(parts, ", ")
}

func (c *compiler) lookup(left *rel, op *kql.LookupOp, sc *scope) (*rel, error) {
	right, err := c.tabular(op.Right, sc)
	if err != nil {
		return nil, err
	}
	kind := strings.ToLower(paramWord(op.Params, "kind"))
	if kind == "" {
		kind = "leftouter"
	}
	if kind != "leftouter" && kind != "inner" {
		return nil, errAt(op, "lookup kind must be leftouter or inner, found %q", kind)
	}
	keys, err := c.joinKeys(op.On, left, right, sc)
	if err != nil {
		return nil, err
	}
	skip := map[string]bool{}
	for _, k := range keys {
		if k.sameName != "" {
			skip[k.sameName] = true
		} else if strings.HasPrefix(k.r.sql, "r.") {
			n := strings.TrimPrefix(k.r.sql, "r.")
			if ln := strings.TrimPrefix(k.l.sql, "l."); ln == n {
				skip[strings.Trim(n, `"`)] = true
			}
		}
	}
	taken := map[string]bool{}
	for _, col := range left.cols {
		taken[col.Name] = true
	}
	var rcols []kql.Column
	for _, col := range right.cols {
		if !skip[col.Name] {
			rcols = append(rcols, col)
		}
	}
	rnames := suffixCols(taken, rcols)
	var sel []string
	var cols []kql.Column
	for _, col := range left.cols {
		sel = append(sel, "l."+quoteIdent(col.Name))
		cols = append(cols, col)
	}
	outer := kind == "leftouter"
	for i, col := range rcols {
		sel = append(sel, nullSafe("r."+quoteIdent(col.Name), col.Type, outer)+" AS "+quoteIdent(rnames[i]))
		cols = append(cols, kql.Column{Name: rnames[i], Type: col.Type})
	}
	jk := "LEFT JOIN"
	if !outer {
		jk = "INNER JOIN"
	}
	if left.ord {
		sel = append(sel, "l."+ordCol)
	}
	sql := "SELECT " + strings.Join(sel, ", ") + " FROM " + left.from + " AS l " + jk + " " + right.from + " AS r ON " + keyCond(keys)
	return c.addCTE(sql, cols, left.ord, false), nil
}

// union compiles union (input is nil when union starts the pipeline).
func (c *compiler) union(input *rel, op *kql.UnionOp, sc *scope) (*rel, error) {
	var rels []*rel
	if input != nil {
		rels = append(rels, input)
	}
	for _, t := range op.Tables {
		if w, ok := t.(*kql.Wildcard); ok {
			var names []string
			for n := sc; n != nil; n = n.parent {
				for name, b := range n.m {
					if b.rel != nil && wildMatch(w.Pattern, name) {
						names = append(names, name)
					}
				}
			}
			if c.opts.Schema != nil {
				var matched []string
				for _, name := range c.opts.Schema.TableNames() {
					if wildMatch(w.Pattern, name) {
						matched = append(matched, name)
					}
				}
				names = append(names, nonEmptyTables(c.opts.Schema, matched)...)
			}
			sort.Strings(names)
			for _, name := range names {
				r, err := c.tabular(&kql.Ident{Sp: w.Sp, Name: name}, sc)
				if err != nil {
					return nil, err
				}
				rels = append(rels, r)
			}
			continue
		}
		r, err := c.tabular(t, sc)
		if err != nil {
			if paramWord(op.Params, "isfuzzy") == "true" {
				continue
			}
			return nil, err
		}
		rels = append(rels, r)
	}
	kind := strings.ToLower(paramWord(op.Params, "kind"))
	withSource := paramWord(op.Params, "withsource")
	// output columns: by name; a name with several types → name_type
	type colInfo struct {
		name  string
		types []kql.Type
	}
	var order []string
	info := map[string]*colInfo{}
	for _, r := range rels {
		for _, col := range r.cols {
			ci, ok := info[col.Name]
			if !ok {
				ci = &colInfo{name: col.Name}
				info[col.Name] = ci
				order = append(order, col.Name)
			}
			found := false
			for _, t := range ci.types {
				if t == col.Type {
					found = true
				}
			}
			if !found {
				ci.types = append(ci.types, col.Type)
			}
		}
	}
	var outs []outC
	for _, n := range order {
		ci := info[n]
		if kind == "inner" {
			inAll := true
			for _, r := range rels {
				if _, ok := r.col(n); !ok {
					inAll = false
				}
			}
			if !inAll {
				continue
			}
		}
		if len(ci.types) == 1 {
			outs = append(outs, outC{src: n, t: ci.types[0], name: n})
			continue
		}
		for _, t := range ci.types {
			name := n + "_" + string(t)
			for k := 1; info[name] != nil || usedName(outs, name); k++ {
				name = n + "_" + string(t) + strconv.Itoa(k)
			}
			outs = append(outs, outC{src: n, t: t, name: name})
		}
	}
	var cols []kql.Column
	if withSource != "" {
		cols = append(cols, kql.Column{Name: withSource, Type: kql.TString})
	}
	for _, o := range outs {
		cols = append(cols, kql.Column{Name: o.name, Type: o.t})
	}
	var branches []string
	for i, r := range rels {
		var sel []string
		if withSource != "" {
			name := r.name
			if name == "" {
				name = "union_arg" + strconv.Itoa(i)
			}
			sel = append(sel, quoteString(name)+" AS "+quoteIdent(withSource))
		}
		for _, o := range outs {
			col, ok := r.col(o.src)
			if ok && col.Type == o.t {
				sel = append(sel, quoteIdent(o.src)+" AS "+quoteIdent(o.name))
				continue
			}
			if o.t == kql.TString {
				sel = append(sel, "'' AS "+quoteIdent(o.name))
			} else {
				sel = append(sel, "CAST(NULL AS "+sqlType(o.t)+") AS "+quoteIdent(o.name))
			}
		}
		ordExpr := "CAST(0 AS BIGINT)"
		if r.ord {
			ordExpr = ordCol
		}
		sel = append(sel, "CAST("+strconv.Itoa(i)+" AS BIGINT) AS \"$branch\"", ordExpr+" AS \"$bord\"")
		branches = append(branches, "SELECT "+strings.Join(sel, ", ")+" FROM "+r.from)
	}
	if len(branches) == 0 {
		return nil, errAt(op, "union has no tables")
	}
	u := c.addCTE(strings.Join(branches, "\nUNION ALL\n"), cols, false, false)
	return c.addCTE("SELECT "+colList(cols, false)+", row_number() OVER (ORDER BY \"$branch\", \"$bord\") AS "+ordCol+" FROM "+u.from, cols, true, false), nil
}

type outC struct {
	src  string
	t    kql.Type
	name string
}

func usedName(outs []outC, name string) bool {
	for _, o := range outs {
		if o.name == name {
			return true
		}
	}
	return false
}
