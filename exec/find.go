package exec

import (
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// Search and find over several tables [D:search-operator, D:find-operator].
//
// `search [in (T, ...)] Pred` without input and `find [in (T, ...)] where
// Pred [project ...]` look in the named tables, or in every table of the
// dataset when none are named. The predicate is evaluated in each table
// on its own: a column it names that a table lacks reads as null there
// (so `A == 1 or B == 2` filters a table with only B by B == 2, as the find
// reference describes), and a table that has none of the columns the
// predicate names is left out. The filtered tables are then combined as
// union combines them (columns by name, a name with several types split
// into name_type).
//
// search's result is $table (the source table's name) and the tables'
// columns. find's is source_ (or the withsource= name), then:
//   - project-smart (the default): the columns the predicate names and the
//     columns every contributing table has, and pack_, a property bag of
//     the row's other columns;
//   - project A, B[, pack_all()]: those columns (null where a table lacks
//     one), and with pack_all() a pack_ bag of all the row's columns.

// findSource is one table of a search or find with the columns the
// predicate names and it lacks added as nulls.
type findSource struct {
	name string
	r    *rel
	own  []kql.Column
}

// findSources resolves the tables of a search/find (all tables of the
// dataset when none are named) and prepares each for the predicate.
func (c *compiler) findSources(n kql.Node, tables []kql.Expr, pred kql.Expr, sc *scope) ([]findSource, []string, error) {
	type named struct {
		name string
		r    *rel
	}
	var rels []named
	addTable := func(sp kql.Node, name string) error {
		r, err := c.table(sp, name)
		if err != nil {
			return err
		}
		rels = append(rels, named{name, r})
		return nil
	}
	if len(tables) == 0 {
		for _, name := range nonEmptyTables(c.opts.Schema, c.opts.Schema.TableNames()) {
			if err := addTable(n, name); err != nil {
				return nil, nil, err
			}
		}
	}
	for _, t := range tables {
		if w, ok := t.(*kql.Wildcard); ok {
			var matched []string
			for _, name := range c.opts.Schema.TableNames() {
				if wildMatch(w.Pattern, name) {
					matched = append(matched, name)
				}
			}
			for _, name := range nonEmptyTables(c.opts.Schema, matched) {
				if err := addTable(w, name); err != nil {
					return nil, nil, err
				}
			}
			continue
		}
		r, err := c.tabular(t, sc)
		if err != nil {
			return nil, nil, err
		}
		name := r.name
		if id, ok := t.(*kql.Ident); ok {
			name = id.Name
		}
		rels = append(rels, named{name, r})
	}
	// the columns the predicate names, with their first type
	types := map[string]kql.Type{}
	var refs []string
	for _, name := range predicateNames(pred) {
		for _, nr := range rels {
			if col, ok := nr.r.col(name); ok {
				types[name] = col.Type
				refs = append(refs, name)
				break
			}
		}
	}
	var out []findSource
	for _, nr := range rels {
		r := nr.r
		has := false
		var extra []string
		cols := append([]kql.Column(nil), r.cols...)
		for _, name := range refs {
			if _, ok := r.col(name); ok {
				has = true
				continue
			}
			extra = append(extra, "CAST(NULL AS "+sqlType(types[name])+") AS "+quoteIdent(name))
			cols = append(cols, kql.Column{Name: name, Type: types[name]})
		}
		if len(refs) > 0 && !has {
			continue
		}
		ext := r
		if len(extra) > 0 {
			ext = c.addCTE("SELECT *, "+strings.Join(extra, ", ")+" FROM "+r.from, cols, r.ord, r.sorted)
		}
		out = append(out, findSource{name: nr.name, r: ext, own: r.cols})
	}
	return out, refs, nil
}

// nonEmptyTables drops from names the tables the dataset says are empty
// (kql.Table.Empty), unless all of them are: a workspace has no table a
// source never wrote to, so search, find and union over all tables or a
// wildcard pass them by (and search * does not list their columns).
func nonEmptyTables(s *kql.Schema, names []string) []string {
	var out []string
	for _, n := range names {
		if t, ok := s.Table(n); !ok || !t.Empty {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return names
	}
	return out
}

// predicateNames returns the identifiers a predicate reads, in order,
// without function names and property names.
func predicateNames(e kql.Expr) []string {
	var names []string
	seen := map[string]bool{}
	var walk func(n kql.Node)
	walk = func(n kql.Node) {
		kql.Inspect(n, func(n kql.Node) bool {
			switch n := n.(type) {
			case *kql.CallExpr:
				for _, a := range n.Args {
					walk(a)
				}
				return false
			case *kql.MemberExpr:
				walk(n.X)
				return false
			case *kql.Ident:
				if !seen[n.Name] {
					seen[n.Name] = true
					names = append(names, n.Name)
				}
			}
			return true
		})
	}
	if e != nil {
		walk(e)
	}
	return names
}

// unionSources combines per-table results as union does: columns by
// name in order of first appearance, a name with several types split into
// name_type. The result has no row order (search and find define none), so
// unlike union no row numbering is needed, which matters for search *
// over every column of every table.
func (c *compiler) unionSources(n kql.Node, parts []*rel) (*rel, error) {
	if len(parts) == 0 {
		return nil, errAt(n, "no table has the columns the predicate names")
	}
	types := map[string][]kql.Type{}
	var order []string
	for _, p := range parts {
		for _, col := range p.cols {
			ts, seen := types[col.Name]
			if !seen {
				order = append(order, col.Name)
			}
			found := false
			for _, t := range ts {
				found = found || t == col.Type
			}
			if !found {
				types[col.Name] = append(ts, col.Type)
			}
		}
	}
	var outs []outC
	for _, name := range order {
		ts := types[name]
		if len(ts) == 1 {
			outs = append(outs, outC{src: name, t: ts[0], name: name})
			continue
		}
		for _, t := range ts {
			out := name + "_" + string(t)
			for k := 1; types[out] != nil || usedName(outs, out); k++ {
				out = name + "_" + string(t) + strconv.Itoa(k)
			}
			outs = append(outs, outC{src: name, t: t, name: out})
		}
	}
	var cols []kql.Column
	for _, o := range outs {
		cols = append(cols, kql.Column{Name: o.name, Type: o.t})
	}
	// Each branch selects only the columns its table has, under positional
	// aliases ("$u<i>", so that DuckDB's case-insensitive names cannot
	// merge two KQL columns), and UNION ALL BY NAME fills in the others
	// with nulls: the plan stays as narrow as the tables instead of every
	// branch carrying every column of every table. The outer select names
	// the columns and turns the nulls of a string column some table lacks
	// into empty strings (strings are never null).
	missing := make([]bool, len(outs))
	var branches []string
	for _, p := range parts {
		var sel []string
		for i, o := range outs {
			if col, ok := p.col(o.src); ok && col.Type == o.t {
				sel = append(sel, quoteIdent(o.src)+" AS "+quoteIdent(unionAlias(i)))
			} else {
				missing[i] = true
			}
		}
		if len(sel) == 0 {
			// a branch needs a column; a constant null one is harmless
			sel = append(sel, "NULL AS \"$u\"")
		}
		branches = append(branches, "SELECT "+strings.Join(sel, ", ")+" FROM "+p.from)
	}
	if len(branches) == 1 {
		var sel []string
		for _, o := range outs {
			sel = append(sel, quoteIdent(o.src)+" AS "+quoteIdent(o.name))
		}
		return c.addCTE("SELECT "+strings.Join(sel, ", ")+" FROM "+parts[0].from, cols, false, false), nil
	}
	var sel []string
	for i, o := range outs {
		v := quoteIdent(unionAlias(i))
		switch {
		case missing[i] && o.t == kql.TString:
			v = "coalesce(" + v + ", '')"
		case missing[i]:
			v = "CAST(" + v + " AS " + sqlType(o.t) + ")"
		}
		sel = append(sel, v+" AS "+quoteIdent(o.name))
	}
	from := "(" + strings.Join(branches, "\nUNION ALL BY NAME\n") + ")"
	return c.addCTE("SELECT "+strings.Join(sel, ", ")+" FROM "+from, cols, false, false), nil
}

// unionAlias is the name of output column i inside unionSources' union.
func unionAlias(i int) string { return "$u" + strconv.Itoa(i) }

// searchTables compiles search without input.
func (c *compiler) searchTables(op *kql.SearchOp, sc *scope) (*rel, error) {
	srcs, _, err := c.findSources(op, op.Tables, op.Pred, sc)
	if err != nil {
		return nil, err
	}
	cs := strings.EqualFold(paramWord(op.Params, "kind"), "case_sensitive")
	if lit, ok := op.Pred.(*kql.Literal); ok && lit.Kind == kql.LitString {
		if r, ok := c.searchTerm(op, srcs, lit.Str, cs); ok {
			return r, nil
		}
	}
	var parts []*rel
	for _, s := range srcs {
		pred, err := c.searchPred(op.Pred, s.r, c.rowEnv(s.r, sc), cs)
		if err != nil {
			return nil, err
		}
		cols := append([]kql.Column{{Name: "$table", Type: kql.TString}}, s.own...)
		sql := "SELECT " + quoteString(s.name) + " AS \"$table\", " + colList(s.own, false) + " FROM " + s.r.from + " WHERE " + pred
		parts = append(parts, c.addCTE(sql, cols, false, false))
	}
	return c.unionSources(op, parts)
}

// searchTerm compiles `search "term"` over several tables (a has,
// hasprefix or hassuffix term) so that DuckDB compiles the term's pattern
// once in all, not once per table: each table keeps the rows whose text
// (termMatch's columns joined by searchSep) contains the term, a cheap
// vectorised test that every match passes, and the union of those rows,
// materialised so that the filter is not pushed back into each table, is
// then tested with the term's boundary pattern. ok is false for the terms
// termMatch tests otherwise.
func (c *compiler) searchTerm(op *kql.SearchOp, srcs []findSource, term string, cs bool) (*rel, bool) {
	base := "has"
	switch {
	case strings.HasPrefix(term, "*") && strings.HasSuffix(term, "*") && len(term) > 1:
		return nil, false
	case strings.HasSuffix(term, "*"):
		base, term = "hasprefix", term[:len(term)-1]
	case strings.HasPrefix(term, "*"):
		base, term = "hassuffix", term[1:]
	}
	if !termPrefilter || term == "" || strings.ContainsRune(term, searchSep) || len(srcs) < 2 {
		return nil, false
	}
	const text = "$search_text"
	var parts []*rel
	for _, s := range srcs {
		texts := make([]string, len(s.own))
		for i, col := range s.own {
			texts[i] = c.asString(val{sql: quoteIdent(col.Name), t: col.Type}).sql
		}
		txt := "concat_ws(chr(" + strconv.Itoa(searchSep) + "), " + strings.Join(texts, ", ") + ")"
		if len(texts) == 0 {
			txt = "''"
		}
		cols := append([]kql.Column{{Name: "$table", Type: kql.TString}}, s.own...)
		cols = append(cols, kql.Column{Name: text, Type: kql.TString})
		sql := "SELECT " + quoteString(s.name) + " AS \"$table\", " + colList(s.own, false) + ", " + txt + " AS " + quoteIdent(text) +
			" FROM " + s.r.from + " WHERE " + termContains(txt, term, cs)
		parts = append(parts, c.addCTE(sql, cols, false, false))
	}
	u, err := c.unionSources(op, parts)
	if err != nil {
		return nil, false
	}
	m := c.addMaterializedCTE("SELECT * FROM "+u.from, u.cols, false, false)
	var out []kql.Column
	var sel []string
	for _, col := range u.cols {
		if col.Name != text {
			out = append(out, col)
			sel = append(sel, quoteIdent(col.Name))
		}
	}
	sql := "SELECT " + strings.Join(sel, ", ") + " FROM " + m.from + " WHERE regexp_matches(" + quoteIdent(text) + ", " + quoteString(termRegex(term, base, cs)) + ")"
	return c.addCTE(sql, out, false, false), true
}

// find compiles the find operator.
func (c *compiler) find(op *kql.FindOp, sc *scope) (*rel, error) {
	srcs, refs, err := c.findSources(op, op.Tables, op.Pred, sc)
	if err != nil {
		return nil, err
	}
	source := paramWord(op.Params, "withsource")
	if source == "" {
		source = "source_"
	}
	// the output columns and their types
	type outCol struct {
		name string
		t    kql.Type
	}
	var outs []outCol
	packAll, packRest := false, false
	typeOf := func(name string) (kql.Type, bool) {
		for _, s := range srcs {
			if col, ok := findCol(s.own, name); ok {
				return col.Type, true
			}
		}
		return "", false
	}
	if len(op.Project) > 0 {
		for _, ce := range op.Project {
			if call, ok := ce.X.(*kql.CallExpr); ok && call.Func.Name == "pack_all" && len(call.Args) == 0 && len(ce.Names) == 0 {
				packAll = true
				continue
			}
			id, ok := ce.X.(*kql.Ident)
			if !ok || len(ce.Names) > 0 {
				return nil, errAt(ce, "find project takes column names and pack_all()")
			}
			t, ok := typeOf(id.Name)
			if !ok {
				t = kql.TString
			}
			for _, s := range srcs {
				if col, ok := findCol(s.own, id.Name); ok && col.Type != t {
					return nil, errAt(id, "find: column %q has different types in the tables (%s, %s)", id.Name, typeName(t), typeName(col.Type))
				}
			}
			outs = append(outs, outCol{id.Name, t})
		}
	} else {
		// project-smart: the predicate's columns and the columns common to
		// all the tables, in table order; the rest packed into pack_
		packRest = true
		want := map[string]bool{}
		for _, name := range refs {
			want[name] = true
		}
		if len(srcs) > 0 {
			for _, col := range srcs[0].own {
				common := true
				for _, s := range srcs[1:] {
					if c2, ok := findCol(s.own, col.Name); !ok || c2.Type != col.Type {
						common = false
					}
				}
				if common {
					want[col.Name] = true
				}
			}
		}
		seen := map[string]bool{}
		for _, s := range srcs {
			for _, col := range s.own {
				if want[col.Name] && !seen[col.Name] {
					seen[col.Name] = true
					outs = append(outs, outCol{col.Name, col.Type})
				}
			}
		}
	}
	var parts []*rel
	for _, s := range srcs {
		pred, err := c.searchPred(op.Pred, s.r, c.rowEnv(s.r, sc), false)
		if err != nil {
			return nil, err
		}
		cols := []kql.Column{{Name: source, Type: kql.TString}}
		sel := []string{quoteString(s.name) + " AS " + quoteIdent(source)}
		inOut := map[string]bool{}
		for _, o := range outs {
			inOut[o.name] = true
			col, ok := findCol(s.own, o.name)
			switch {
			case ok && col.Type == o.t:
				sel = append(sel, quoteIdent(o.name))
			case ok:
				// another type in this table: union splits it by type
				sel = append(sel, quoteIdent(o.name))
				o.t = col.Type
			case o.t == kql.TString:
				sel = append(sel, "'' AS "+quoteIdent(o.name))
			default:
				sel = append(sel, "CAST(NULL AS "+sqlType(o.t)+") AS "+quoteIdent(o.name))
			}
			cols = append(cols, kql.Column{Name: o.name, Type: o.t})
		}
		if packAll || packRest {
			var kv []string
			for _, col := range s.own {
				if packRest && inOut[col.Name] {
					continue
				}
				v := val{sql: quoteIdent(col.Name), t: col.Type}
				kv = append(kv, quoteString(col.Name), "coalesce("+c.toDynamic(v).sql+", CAST('null' AS JSON))")
			}
			bag := "CAST('{}' AS JSON)"
			if len(kv) > 0 {
				bag = "json_object(" + strings.Join(kv, ", ") + ")"
			}
			sel = append(sel, bag+" AS \"pack_\"")
			cols = append(cols, kql.Column{Name: "pack_", Type: kql.TDynamic})
		}
		parts = append(parts, c.addCTE("SELECT "+strings.Join(sel, ", ")+" FROM "+s.r.from+" WHERE "+pred, cols, false, false))
	}
	return c.unionSources(op, parts)
}

func findCol(cols []kql.Column, name string) (kql.Column, bool) {
	for _, c := range cols {
		if c.Name == name {
			return c, true
		}
	}
	return kql.Column{}, false
}
