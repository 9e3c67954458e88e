package exec

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// tabular compiles a tabular expression.
func (c *compiler) tabular(e kql.Expr, sc *scope) (*rel, error) {
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > 200 {
		return nil, errAt(e, "query nests too deeply")
	}
	switch e := e.(type) {
	case *kql.PipeExpr:
		if e.Source == nil {
			return nil, errAt(e, "pipeline has no input")
		}
		r, err := c.tabular(e.Source, sc)
		if err != nil {
			return nil, err
		}
		return c.ops(r, e.Ops, sc)
	case *kql.ParenExpr:
		return c.tabular(e.X, sc)
	case *kql.Ident:
		if b := sc.lookup(e.Name); b != nil {
			if b.rel != nil {
				r := *b.rel
				return &r, nil
			}
			if b.fn != nil && len(b.fn.Params) == 0 {
				return c.callTabularFn(&kql.CallExpr{Sp: e.Sp, Func: e}, b, sc)
			}
			return nil, errAt(e, "%q is not a tabular expression", e.Name)
		}
		return c.table(e, e.Name)
	case *kql.DatatableOp:
		return c.datatable(e, sc)
	case *kql.PrintOp:
		return c.print(e, sc)
	case *kql.RangeOp:
		return c.rangeOp(e, sc)
	case *kql.UnionOp:
		return c.union(nil, e, sc)
	case *kql.CallExpr:
		switch e.Func.Name {
		case "materialize":
			if len(e.Args) != 1 {
				return nil, errAt(e, "materialize() takes one tabular argument")
			}
			r, err := c.tabular(e.Args[0], sc)
			if err != nil {
				return nil, err
			}
			m := c.addMaterializedCTE("SELECT * FROM "+r.from, r.cols, r.ord, r.sorted)
			m.name = r.name
			return m, nil
		case "table", "view":
			if e.Func.Name == "table" && len(e.Args) >= 1 {
				// table("T"), or table(t) with t a let-bound string constant
				lit, ok := e.Args[0].(*kql.Literal)
				if id, isID := e.Args[0].(*kql.Ident); isID {
					if b := sc.lookup(id.Name); b != nil && b.scalar != nil && b.scalar.lit != nil {
						lit, ok = b.scalar.lit, true
					}
				}
				if ok && lit.Kind == kql.LitString {
					if b := sc.lookup(lit.Str); b != nil && b.rel != nil {
						r := *b.rel
						return &r, nil
					}
					return c.table(e.Args[0], lit.Str)
				}
			}
		}
		if b := sc.lookup(e.Func.Name); b != nil && b.fn != nil {
			return c.callTabularFn(e, b, sc)
		}
		return nil, errAt(e, "%q is not a tabular function", e.Func.Name)
	case *kql.EvaluateOp:
		return nil, errAt(e, "evaluate %s without input is not supported", e.Plugin.Func.Name)
	case *kql.ExternalDataOp:
		return nil, errAt(e, "externaldata is not allowed: queries read only the loaded dataset")
	case *kql.SearchOp:
		return c.searchTables(e, sc)
	case *kql.FindOp:
		return c.find(e, sc)
	case *kql.MemberExpr:
		if call, ok := e.X.(*kql.CallExpr); ok && call.Func != nil {
			switch call.Func.Name {
			case "arg", "adx", "cluster", "database", "workspace", "app":
				return nil, errAt(e, "%s(...).%s reads another service or database; queries read only the loaded dataset", call.Func.Name, e.Name.Name)
			}
		}
	}
	return nil, errAt(e, "expected a tabular expression")
}

func (c *compiler) table(n kql.Node, name string) (*rel, error) {
	t, ok := c.opts.Schema.Table(name)
	if !ok {
		return nil, errAt(n, "unknown table or tabular expression %q", name)
	}
	if c.tables == nil {
		c.tables = map[string]bool{}
	}
	c.tables[t.Name] = true
	cols := append([]kql.Column(nil), t.Columns...)
	var conv []string
	for i, col := range cols {
		q := quoteIdent(col.Name)
		switch {
		case col.Type == kql.TDatetime:
			// stored as TIMESTAMP_NS; queries work on ticks
			conv = append(conv, "epoch_ns("+q+") // 100 AS "+q)
		case t.SentinelDynamic(col.Name, c.dynUses):
			// the Sentinel flavour of a JSON column: parse_json of the text
			cols[i].Type = kql.TDynamic
			conv = append(conv, parseJSONSQL(q)+" AS "+q)
		}
	}
	extra, extraCols := c.sentinelColumns(t)
	cols = append(cols, extraCols...)
	if len(conv) > 0 || len(extra) > 0 {
		scan := "SELECT *"
		if len(conv) > 0 {
			scan += " REPLACE (" + strings.Join(conv, ", ") + ")"
		}
		for _, e := range extra {
			scan += ", " + e
		}
		scan += " FROM " + quoteIdent(t.Name)
		r := c.addCTE(scan, cols, false, false)
		r.name = name
		r.scanTable, r.scanSQL = t, scan
		return r, nil
	}
	return &rel{from: quoteIdent(t.Name), cols: cols, name: name}, nil
}

// sentinelColumns returns the select items and columns of the Sentinel
// flavour of table t (kql.Table.SentinelColumns, and the standard columns
// every Log Analytics table has, kql.LogAnalyticsColumns) that the query names:
// published hunts written for Microsoft Sentinel read TimeGenerated, Type,
// TenantId, ... on Defender tables. TimeGenerated is the ingestion time
// there, the same instant as Timestamp here; Type is the table name;
// other strings are empty (strings are never null) and other types null.
// Only referenced columns are added, so getschema and project-all output
// of a table stay its advanced-hunting schema.
func (c *compiler) sentinelColumns(t *kql.Table) (items []string, cols []kql.Column) {
	std := kql.LogAnalyticsColumns()
	for i, col := range append(append([]kql.Column(nil), t.SentinelColumns...), std...) {
		if !c.refs[col.Name] {
			continue
		}
		if i < len(t.SentinelColumns) {
			if _, ok := t.Column(col.Name); !ok {
				continue
			}
		} else if _, ok := t.Column(col.Name); ok {
			continue // the table has its own column of that name
		}
		var v string
		switch {
		case col.Name == "TimeGenerated" && col.Type == kql.TDatetime && hasStoredColumn(t, "Timestamp", kql.TDatetime):
			v = "epoch_ns(" + quoteIdent("Timestamp") + ") // 100"
		case sentinelAlias[col.Name] != "" && hasStoredColumn(t, sentinelAlias[col.Name], col.Type):
			// the same value under its advanced-hunting spelling
			v = quoteIdent(sentinelAlias[col.Name])
		case col.Name == "Type" && col.Type == kql.TString:
			v = quoteString(t.Name)
		case col.Type == kql.TString:
			v = "''"
		default:
			v = "CAST(NULL AS " + sqlType(col.Type) + ")"
		}
		items = append(items, v+" AS "+quoteIdent(col.Name))
		cols = append(cols, col)
	}
	return items, cols
}

// sentinelAlias maps Sentinel column names to the advanced-hunting
// column holding the same value (IdentityInfo's AccountUPN is AccountUpn).
var sentinelAlias = map[string]string{"AccountUPN": "AccountUpn"}

// hasStoredColumn reports whether t's advanced-hunting columns include
// name with type typ.
func hasStoredColumn(t *kql.Table, name string, typ kql.Type) bool {
	for _, c := range t.Columns {
		if c.Name == name && c.Type == typ {
			return true
		}
	}
	return false
}

// callTabularFn inlines a user function whose body is tabular.
func (c *compiler) callTabularFn(call *kql.CallExpr, b *binding, sc *scope) (*rel, error) {
	inner, err := c.bindParams(call, b, &env{c: c, sc: sc}, nil)
	if err != nil {
		return nil, err
	}
	var out *rel
	for _, st := range b.fn.Body.Stmts {
		switch st := st.(type) {
		case *kql.LetStmt:
			if err := c.let(st, inner); err != nil {
				return nil, err
			}
		case *kql.ExprStmt:
			r, err := c.tabular(st.X, inner)
			if err != nil {
				return nil, err
			}
			out = r
		}
	}
	if out == nil {
		return nil, errAt(call, "function %q has no tabular result", call.Func.Name)
	}
	if b.fn.View {
		o := *out
		o.name = call.Func.Name
		out = &o
	}
	return out, nil
}

// bindParams binds a user function's parameters to the call's arguments.
// Scalar arguments are compiled in the caller's env; tabular ones as
// relations (input is the implicit pipeline input for invoke).
func (c *compiler) bindParams(call *kql.CallExpr, b *binding, ev *env, input *rel) (*scope, error) {
	inner := newScope(b.fnSc)
	params := b.fn.Params
	args := call.Args
	ai := 0
	for i, p := range params {
		if i == 0 && input != nil && p.Tabular {
			inner.m[p.Name.Name] = &binding{rel: input}
			continue
		}
		var a kql.Expr
		if ai < len(args) {
			a = args[ai]
			ai++
		}
		if na, ok := a.(*kql.NamedArg); ok {
			a = na.Value
		}
		if a == nil {
			if p.Default == nil {
				return nil, errAt(call, "function %q: missing argument %q", call.Func.Name, p.Name.Name)
			}
			a = p.Default
		}
		if p.Tabular {
			r, err := c.tabular(a, ev.sc)
			if err != nil {
				return nil, err
			}
			inner.m[p.Name.Name] = &binding{rel: r}
			continue
		}
		v, err := c.scalar(a, ev)
		if err != nil {
			return nil, err
		}
		if t, ok := kql.CanonicalType(p.Type); ok && t != v.t && v.t != "" {
			v = c.convert(v, t)
		}
		inner.m[p.Name.Name] = &binding{scalar: &v}
	}
	if ai < len(args) {
		return nil, errAt(args[ai], "function %q takes %d arguments", call.Func.Name, len(params))
	}
	return inner, nil
}

func (c *compiler) ops(r *rel, ops []kql.Operator, sc *scope) (*rel, error) {
	var err error
	for _, op := range ops {
		r, err = c.op(r, op, sc)
		if err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (c *compiler) rowEnv(r *rel, sc *scope) *env {
	return &env{c: c, sc: sc, cols: r.cols, ord: r.ord, ser: r.ord && r.sorted}
}

func (c *compiler) op(r *rel, op kql.Operator, sc *scope) (*rel, error) {
	if c.part != "" {
		switch op.(type) {
		case *kql.WhereOp, *kql.ProjectOp, *kql.ExtendOp, *kql.SummarizeOp, *kql.SortOp, *kql.TopOp, *kql.TakeOp,
			*kql.CountOp, *kql.DistinctOp, *kql.ProjectAwayOp, *kql.ProjectKeepOp, *kql.ProjectRenameOp,
			*kql.ProjectReorderOp, *kql.MvExpandOp, *kql.ParseOp, *kql.SerializeOp:
		default:
			return nil, errAt(op, "operator %s is not supported inside mv-apply", opName(op))
		}
	}
	switch op := op.(type) {
	case *kql.WhereOp:
		return c.where(r, op, sc)
	case *kql.ProjectOp:
		return c.project(r, op.Cols, sc, false)
	case *kql.ExtendOp:
		return c.extend(r, op.Cols, sc)
	case *kql.SummarizeOp:
		return c.summarize(r, op, sc)
	case *kql.SortOp:
		return c.sortOp(r, op.Keys, sc, "")
	case *kql.TopOp:
		n, err := c.countArg(op.N, sc)
		if err != nil {
			return nil, err
		}
		return c.sortOp(r, op.Keys, sc, n)
	case *kql.TakeOp:
		n, err := c.countArg(op.N, sc)
		if err != nil {
			return nil, err
		}
		sql := "SELECT * FROM " + r.from
		if c.part != "" {
			o := ""
			if r.ord {
				o = "ORDER BY " + ordCol
			}
			sql += " QUALIFY row_number() OVER (" + c.partBy() + o + ") <= " + n
		} else {
			if r.ord {
				sql += " ORDER BY " + ordCol
			}
			sql += " LIMIT " + n
		}
		return c.addCTE(sql, r.cols, r.ord, r.sorted), nil
	case *kql.SampleOp:
		n, err := c.countArg(op.N, sc)
		if err != nil {
			return nil, err
		}
		return c.addCTE("SELECT * FROM "+r.from+" LIMIT "+n, r.cols, r.ord, false), nil
	case *kql.CountOp:
		name := "Count"
		if op.As != nil {
			name = op.As.Name
		}
		if c.part != "" {
			return c.addCTE("SELECT count(*) AS "+quoteIdent(name)+", "+c.part+" FROM "+r.from+" GROUP BY "+c.part, []kql.Column{{Name: name, Type: kql.TLong}}, false, false), nil
		}
		return c.addCTE("SELECT count(*) AS "+quoteIdent(name)+" FROM "+r.from, []kql.Column{{Name: name, Type: kql.TLong}}, false, false), nil
	case *kql.DistinctOp:
		return c.distinct(r, op, sc)
	case *kql.ProjectAwayOp:
		return c.projectAway(r, op.Cols, false)
	case *kql.ProjectKeepOp:
		return c.projectAway(r, op.Cols, true)
	case *kql.ProjectRenameOp:
		return c.projectRename(r, op)
	case *kql.ProjectReorderOp:
		return c.projectReorder(r, op)
	case *kql.JoinOp:
		return c.join(r, op, sc)
	case *kql.LookupOp:
		return c.lookup(r, op, sc)
	case *kql.UnionOp:
		return c.union(r, op, sc)
	case *kql.MvExpandOp:
		return c.mvExpand(r, op, sc)
	case *kql.ParseOp:
		return c.parse(r, op, sc)
	case *kql.SerializeOp:
		r2 := c.serialize(r)
		if len(op.Cols) > 0 {
			return c.extend(r2, op.Cols, sc)
		}
		return r2, nil
	case *kql.AsOp:
		r2 := *r
		r2.name = op.Name.Name
		sc.m[op.Name.Name] = &binding{rel: &r2}
		return &r2, nil
	case *kql.RenderOp:
		return r, nil
	case *kql.InvokeOp:
		b := sc.lookup(op.Call.Func.Name)
		if b == nil || b.fn == nil {
			return nil, errAt(op.Call, "unknown function %q", op.Call.Func.Name)
		}
		inner, err := c.bindParams(op.Call, b, c.rowEnv(r, sc), r)
		if err != nil {
			return nil, err
		}
		var out *rel
		for _, st := range b.fn.Body.Stmts {
			switch st := st.(type) {
			case *kql.LetStmt:
				if err := c.let(st, inner); err != nil {
					return nil, err
				}
			case *kql.ExprStmt:
				if out, err = c.tabular(st.X, inner); err != nil {
					return nil, err
				}
			}
		}
		if out == nil {
			return nil, errAt(op, "function %q has no tabular result", op.Call.Func.Name)
		}
		return out, nil
	case *kql.GetSchemaOp:
		return c.getschema(r)
	case *kql.EvaluateOp:
		return c.evaluate(r, op, sc)
	case *kql.MvApplyOp:
		return c.mvApply(r, op, sc)
	case *kql.MakeSeriesOp:
		return c.makeSeries(r, op, sc)
	case *kql.SearchOp:
		return c.search(r, op, sc)
	case *kql.ParseKVOp:
		return c.parseKV(r, op, sc)
	case *kql.TopNestedOp:
		return c.topNested(r, op, sc)
	case *kql.ScanOp:
		return c.scan(r, op, sc)
	case *kql.PartitionOp:
		return c.partition(r, op, sc)
	case *kql.GenericOp:
		return nil, errAt(op, "operator %q is not supported", op.Name)
	}
	return nil, errAt(op, "operator %s is not supported", opName(op))
}

func opName(op kql.Operator) string {
	s := fmt.Sprintf("%T", op)
	s = strings.TrimPrefix(s, "*kql.")
	s = strings.TrimSuffix(s, "Op")
	return strings.ToLower(s)
}

// countArg compiles the N of take/top/sample: a long expression.
func (c *compiler) countArg(e kql.Expr, sc *scope) (string, error) {
	v, err := c.scalar(e, &env{c: c, sc: sc})
	if err != nil {
		return "", err
	}
	if !isIntegral(v.t) {
		return "", errAt(e, "expected an integer row count, found %s", typeName(v.t))
	}
	return "greatest(coalesce(" + v.sql + ", 0), 0)", nil
}

func (c *compiler) where(r *rel, op *kql.WhereOp, sc *scope) (*rel, error) {
	v, err := c.scalar(op.Pred, c.rowEnv(r, sc))
	if err != nil {
		return nil, err
	}
	if v.t != kql.TBool && v.t != kql.TDynamic && v.t != "" {
		return nil, errAt(op.Pred, "where: the predicate is %s, not bool", typeName(v.t))
	}
	if v.t == kql.TDynamic {
		v = c.convert(v, kql.TBool)
	}
	if r.scanTable != nil && !r.ord && c.part == "" {
		// Conditions that can run on the stored table itself keep this a
		// read of the table (see pushdown.go and storedTopN); the others
		// filter the converted rows.
		conds := append([]string(nil), r.scanWhere...)
		rest := []kql.Expr{op.Pred}
		if w, rs := c.timeWindowFilter(r, op.Pred, sc); w != "" {
			conds = append(conds, w)
			rest = rs
		}
		var parts []string
		ev := c.rowEnv(r, sc)
		for _, x := range rest {
			pv, err := c.scalar(x, ev)
			if err != nil || pv.t != kql.TBool {
				// keep the whole predicate over the converted rows
				parts = []string{v.sql}
				break
			}
			if storedOnly(x, r.scanTable) && !c.readsSentinelDynamic(x, r.scanTable) {
				conds = append(conds, filterCond(pv.sql))
			} else {
				parts = append(parts, filterCond(pv.sql))
			}
		}
		if len(conds) > len(r.scanWhere) {
			name, table, scan := r.name, r.scanTable, r.scanSQL
			r = c.addCTE(scan+" WHERE "+strings.Join(conds, " AND "), r.cols, false, false)
			r.name, r.scanTable, r.scanSQL, r.scanWhere = name, table, scan, conds
			if len(parts) == 0 {
				return r, nil
			}
			v.sql = "(" + strings.Join(parts, " AND ") + ")"
		}
	}
	return c.addCTE("SELECT * FROM "+r.from+" WHERE "+filterCond(v.sql), r.cols, r.ord, r.sorted), nil
}

// autoName is the column name KQL gives an unnamed expression, or "" when
// it gets a ColumnN name.
func autoName(e kql.Expr) string {
	switch e := e.(type) {
	case *kql.Ident:
		return e.Name
	case *kql.ParenExpr:
		return autoName(e.X)
	case *kql.MemberExpr:
		if base := autoName(e.X); base != "" {
			return base + "_" + e.Name.Name
		}
	case *kql.IndexExpr:
		if base := autoName(e.X); base != "" {
			if lit, ok := e.Index.(*kql.Literal); ok && lit.Kind == kql.LitString {
				return base + "_" + lit.Str
			}
		}
	}
	return ""
}

// namer hands out Column1, Column2, ... skipping taken names.
type namer struct {
	taken map[string]bool
	n     int
	base  string
}

func newNamer(cols []kql.Column, base string) *namer {
	nm := &namer{taken: map[string]bool{}, base: base}
	for _, c := range cols {
		nm.taken[c.Name] = true
	}
	return nm
}

func (nm *namer) next() string {
	for {
		nm.n++
		s := nm.base + strconv.Itoa(nm.n)
		if !nm.taken[s] {
			nm.taken[s] = true
			return s
		}
	}
}

type outCol struct {
	name string
	sql  string
	t    kql.Type
}

func (c *compiler) project(r *rel, cols []*kql.ColumnExpr, sc *scope, keepAll bool) (*rel, error) {
	ev := c.rowEnv(r, sc)
	ev.pre = &preStages{}
	var outs []outCol
	nm := newNamer(nil, "Column")
	seen := map[string]int{}
	for _, ce := range cols {
		if w, ok := ce.X.(*kql.Wildcard); ok && len(ce.Names) == 0 {
			for _, col := range r.cols {
				if wildMatch(w.Pattern, col.Name) {
					outs = append(outs, outCol{col.Name, quoteIdent(col.Name), col.Type})
				}
			}
			continue
		}
		v, err := c.scalar(ce.X, ev)
		if err != nil {
			return nil, err
		}
		if v.multi != nil {
			parts, err := multiOuts(ce, v)
			if err != nil {
				return nil, err
			}
			// project keeps the results left without a name under their
			// automatic names; extend drops them [D:series-fit-2lines-function]
			parts = append(parts, v.multi[len(parts):]...)
			for _, o := range parts {
				if _, dup := seen[o.name]; dup {
					return nil, errAt(ce, "column %q is projected twice", o.name)
				}
				seen[o.name] = len(outs)
				outs = append(outs, o)
			}
			continue
		}
		names, err := c.colNames(ce, v, nm)
		if err != nil {
			return nil, err
		}
		if len(names) > 1 {
			return nil, errAt(ce, "tuple assignment is not supported here")
		}
		name := names[0]
		if _, dup := seen[name]; dup {
			return nil, errAt(ce, "column %q is projected twice", name)
		}
		seen[name] = len(outs)
		outs = append(outs, outCol{name, v.sql, v.t})
	}
	return c.selectOuts(c.withPre(r, ev.pre), outs), nil
}

func (c *compiler) colNames(ce *kql.ColumnExpr, v val, nm *namer) ([]string, error) {
	if len(ce.Names) > 0 {
		var ns []string
		for _, n := range ce.Names {
			ns = append(ns, n.Name)
		}
		return ns, nil
	}
	// conversions pass the name through: extend tostring(RawEventData.Id)
	// is RawEventData_Id, as the checker names it (summarize by
	// tostring(x) is x in the conformance cases)
	if n := convArgName(ce.X); n != "" {
		return []string{n}, nil
	}
	return []string{nm.next()}, nil
}

func (c *compiler) selectOuts(r *rel, outs []outCol) *rel {
	var parts []string
	var cols []kql.Column
	for _, o := range outs {
		parts = append(parts, o.sql+" AS "+quoteIdent(o.name))
		cols = append(cols, kql.Column{Name: o.name, Type: o.t})
	}
	if r.ord {
		parts = append(parts, ordCol)
	}
	if c.part != "" {
		parts = append(parts, c.part)
	}
	if len(parts) == 0 {
		parts = append(parts, "NULL AS \"$none\"")
	}
	return c.addCTE("SELECT "+strings.Join(parts, ", ")+" FROM "+r.from, cols, r.ord, r.sorted)
}

func (c *compiler) extend(r *rel, cols []*kql.ColumnExpr, sc *scope) (*rel, error) {
	nm := newNamer(r.cols, "Column")
	batch := map[string]bool{}
	cur := r
	outs := relOuts(cur)
	pre := &preStages{}
	for _, ce := range cols {
		if len(batch) > 0 && kql.Mentions(ce.X, batch) {
			// Kusto resolves every expression of one extend against its
			// input: a column made earlier in the same extend is unknown
			return nil, hintAt(ce.X, "use a second extend", "a column defined in this extend cannot be used in the same extend")
		}
		ev := c.rowEnv(cur, sc)
		ev.pre = pre
		v, err := c.scalar(ce.X, ev)
		if err != nil {
			return nil, err
		}
		if v.multi != nil {
			parts, err := multiOuts(ce, v)
			if err != nil {
				return nil, err
			}
			for _, o := range parts {
				outs = setOut(outs, o)
				if _, existed := r.col(o.name); !existed {
					batch[o.name] = true
				}
			}
			continue
		}
		names, err := c.colNames(ce, v, nm)
		if err != nil {
			return nil, err
		}
		if len(names) > 1 {
			return nil, errAt(ce, "tuple assignment is not supported here")
		}
		name := names[0]
		if len(ce.Names) == 0 && autoName(ce.X) == name {
			// `extend x` of an existing column changes nothing.
			if _, ok := cur.col(name); ok {
				continue
			}
		}
		replaced := false
		for i := range outs {
			if outs[i].name == name {
				outs[i] = outCol{name, v.sql, v.t}
				replaced = true
			}
		}
		if !replaced {
			outs = append(outs, outCol{name, v.sql, v.t})
		}
		// later expressions of the same extend see new columns; a
		// reassigned input column still reads its input value
		if _, existed := r.col(name); !existed {
			batch[name] = true
		}
	}
	return c.selectOuts(c.withPre(cur, pre), outs), nil
}

// setOut replaces the column of o's name in outs, or appends o.
func setOut(outs []outCol, o outCol) []outCol {
	for i := range outs {
		if outs[i].name == o.name {
			outs[i] = o
			return outs
		}
	}
	return append(outs, o)
}

// multiOuts names the results of a function that returns several: the
// given names take the first results in order (fewer names keep fewer
// columns); without names each keeps the name the function gave it.
func multiOuts(ce *kql.ColumnExpr, v val) ([]outCol, error) {
	if len(ce.Names) > 0 {
		if len(ce.Names) > len(v.multi) {
			return nil, errAt(ce, "%d names for %d results", len(ce.Names), len(v.multi))
		}
		var outs []outCol
		for i, n := range ce.Names {
			outs = append(outs, outCol{n.Name, v.multi[i].sql, v.multi[i].t})
		}
		return outs, nil
	}
	return v.multi, nil
}

func relOuts(r *rel) []outCol {
	var outs []outCol
	for _, col := range r.cols {
		outs = append(outs, outCol{col.Name, quoteIdent(col.Name), col.Type})
	}
	return outs
}

func wildMatch(pattern, name string) bool {
	ok, err := path.Match(pattern, name)
	return err == nil && ok
}

func (c *compiler) projectAway(r *rel, items []kql.Expr, keep bool) (*rel, error) {
	match := make([]bool, len(r.cols))
	for _, it := range items {
		found := false
		switch it := it.(type) {
		case *kql.Ident:
			for i, col := range r.cols {
				if col.Name == it.Name {
					match[i], found = true, true
				}
			}
			if !found {
				return nil, errAt(it, "unknown column %q", it.Name)
			}
		case *kql.Wildcard:
			for i, col := range r.cols {
				if wildMatch(it.Pattern, col.Name) {
					match[i] = true
				}
			}
		default:
			return nil, errAt(it, "expected a column name or wildcard")
		}
	}
	var outs []outCol
	for i, col := range r.cols {
		if match[i] == keep {
			outs = append(outs, outCol{col.Name, quoteIdent(col.Name), col.Type})
		}
	}
	return c.selectOuts(r, outs), nil
}

func (c *compiler) projectRename(r *rel, op *kql.ProjectRenameOp) (*rel, error) {
	outs := relOuts(r)
	for _, ce := range op.Cols {
		old, ok := ce.X.(*kql.Ident)
		if !ok || len(ce.Names) != 1 {
			return nil, errAt(ce, "expected NewName = ExistingColumn")
		}
		found := false
		for i := range outs {
			if outs[i].name == old.Name && outs[i].sql == quoteIdent(old.Name) {
				outs[i].name = ce.Names[0].Name
				found = true
				break
			}
		}
		if !found {
			return nil, errAt(old, "unknown column %q", old.Name)
		}
	}
	return c.selectOuts(r, outs), nil
}

func (c *compiler) projectReorder(r *rel, op *kql.ProjectReorderOp) (*rel, error) {
	used := make([]bool, len(r.cols))
	var front []outCol
	for _, k := range op.Cols {
		var matched []int
		switch x := k.X.(type) {
		case *kql.Ident:
			for i, col := range r.cols {
				if col.Name == x.Name && !used[i] {
					matched = append(matched, i)
				}
			}
			if len(matched) == 0 {
				if _, ok := r.col(x.Name); ok {
					// named again: it is already placed (Microsoft's
					// published hunts repeat names in project-reorder)
					continue
				}
				return nil, errAt(x, "unknown column %q", x.Name)
			}
		case *kql.Wildcard:
			for i, col := range r.cols {
				if !used[i] && wildMatch(x.Pattern, col.Name) {
					matched = append(matched, i)
				}
			}
		default:
			return nil, errAt(k, "expected a column name or wildcard")
		}
		switch k.Order {
		case "asc", "granny-asc":
			sort.SliceStable(matched, func(a, b int) bool { return r.cols[matched[a]].Name < r.cols[matched[b]].Name })
		case "desc", "granny-desc":
			sort.SliceStable(matched, func(a, b int) bool { return r.cols[matched[a]].Name > r.cols[matched[b]].Name })
		}
		for _, i := range matched {
			used[i] = true
			front = append(front, outCol{r.cols[i].Name, quoteIdent(r.cols[i].Name), r.cols[i].Type})
		}
	}
	for i, col := range r.cols {
		if !used[i] {
			front = append(front, outCol{col.Name, quoteIdent(col.Name), col.Type})
		}
	}
	return c.selectOuts(r, front), nil
}

// serialize gives r a row order if it has none.
func (c *compiler) serialize(r *rel) *rel {
	if r.ord {
		r2 := *r
		r2.sorted = true
		return &r2
	}
	sql := "SELECT " + c.pcols(r.cols, false) + ", row_number() OVER () AS " + ordCol + " FROM " + r.from
	out := c.addCTE(sql, r.cols, true, true)
	return out
}

// orderTerms writes ORDER BY terms for sort keys with KQL's defaults:
// desc, null smallest (asc → nulls first, desc → nulls last), NaN next to null.
func (c *compiler) orderTerms(keys []*kql.SortKey, ev *env, topDefault bool) ([]string, error) {
	var terms []string
	for _, k := range keys {
		v, err := c.scalar(k.X, ev)
		if err != nil {
			return nil, err
		}
		desc, nullsFirst := sortDirection(k)
		dir := " ASC"
		if desc {
			dir = " DESC"
		}
		nulls := " NULLS LAST"
		if nullsFirst {
			nulls = " NULLS FIRST"
		}
		if v.t == kql.TReal {
			// null and NaN group together, below -Infinity.
			cls := "(CASE WHEN " + v.sql + " IS NULL THEN 0 WHEN isnan(" + v.sql + ") THEN 1 ELSE 2 END)"
			if nullsFirst == desc {
				// null/NaN must go to the other end from where DESC/ASC puts them
				terms = append(terms, cls+invert(dir))
			} else {
				terms = append(terms, cls+dir)
			}
			terms = append(terms, v.sql+dir+nulls)
			continue
		}
		sqlv := v.sql
		if v.t == kql.TDynamic {
			return nil, hintAt(k.X, "convert it first, for example with tostring() or tolong()", "cannot sort by a dynamic value")
		}
		terms = append(terms, sqlv+dir+nulls)
	}
	return terms, nil
}

// sortDirection is KQL's direction of a sort key: descending unless asc,
// and null is the smallest value (first when ascending, last when
// descending) unless nulls first/last says otherwise.
func sortDirection(k *kql.SortKey) (desc, nullsFirst bool) {
	desc = k.Order != "asc"
	nullsFirst = !desc
	switch k.Nulls {
	case "first":
		nullsFirst = true
	case "last":
		nullsFirst = false
	}
	return desc, nullsFirst
}

// storedOnly reports whether x reads only columns that t stores as they are
// seen in a query (every type but datetime, which is read as ticks), so
// its SQL means the same on the stored table. Sentinel columns a query adds
// to the read (TimeGenerated, Type, ...) are not stored.
func storedOnly(x kql.Expr, t *kql.Table) bool {
	ok := true
	kql.Inspect(x, func(n kql.Node) bool {
		switch n := n.(type) {
		case *kql.CallExpr:
			if readsColumnsImplicitly[n.Func.Name] {
				ok = false
				return false
			}
			for _, a := range n.Args {
				if !storedOnly(a, t) {
					ok = false
				}
			}
			return false // the function name is not a column
		case *kql.MemberExpr:
			if !storedOnly(n.X, t) {
				ok = false
			}
			return false // the member name is not a column
		case *kql.PipeExpr, *kql.ParenExpr:
			if _, sub := n.(*kql.PipeExpr); sub {
				ok = false // a subquery: keep it over the converted rows
				return false
			}
		case *kql.Ident:
			found := false
			for _, col := range t.Columns {
				if col.Name == n.Name {
					found = col.Type != kql.TDatetime
					break
				}
			}
			if !found {
				ok = false
			}
		}
		return ok
	})
	return ok
}

// readsColumnsImplicitly lists the functions that read columns the
// query does not name (or the row's position), so storedOnly cannot vouch
// for them.
var readsColumnsImplicitly = map[string]bool{
	"ingestion_time": true, "pack_all": true, "column_ifexists": true,
	"row_number": true, "row_cumsum": true, "row_rank_dense": true, "row_rank_min": true,
	"prev": true, "next": true, "cursor_after": true, "cursor_before_or_at": true,
}

// storedTopN returns the top-N of a plain table read done on the stored
// table itself, with the read's conversions applied to the N rows only, when
// every key is a stored datetime, int or long column: their stored order
// (TIMESTAMP_NS, INTEGER, BIGINT, nulls alike) is the order of the values
// the query sees, and DuckDB's top-N on a stored column can skip row groups
// by their min/max, which it cannot do on the converted ticks.
func storedTopN(r *rel, keys []*kql.SortKey, limit string) (string, bool) {
	t := r.scanTable
	if t == nil || r.ord {
		return "", false
	}
	from := " FROM " + quoteIdent(t.Name)
	if !strings.HasSuffix(r.scanSQL, from) {
		return "", false
	}
	var terms []string
	for _, k := range keys {
		id, ok := k.X.(*kql.Ident)
		if !ok {
			return "", false
		}
		stored := false
		for _, col := range t.Columns {
			if col.Name == id.Name && (col.Type == kql.TDatetime || col.Type == kql.TLong || col.Type == kql.TInt) {
				stored = true
				break
			}
		}
		if !stored {
			return "", false
		}
		desc, nullsFirst := sortDirection(k)
		term := quoteIdent(id.Name) + " ASC"
		if desc {
			term = quoteIdent(id.Name) + " DESC"
		}
		if nullsFirst {
			term += " NULLS FIRST"
		} else {
			term += " NULLS LAST"
		}
		terms = append(terms, term)
	}
	inner := "SELECT *" + from
	if len(r.scanWhere) > 0 {
		inner += " WHERE " + strings.Join(r.scanWhere, " AND ")
	}
	inner += " ORDER BY " + strings.Join(terms, ", ") + " LIMIT " + limit
	return strings.TrimSuffix(r.scanSQL, from) + " FROM (" + inner + ") AS " + quoteIdent(t.Name), true
}

func invert(dir string) string {
	if dir == " ASC" {
		return " DESC"
	}
	return " ASC"
}

// sortOp compiles sort (limit "") and top (limit N).
func (c *compiler) sortOp(r *rel, keys []*kql.SortKey, sc *scope, limit string) (*rel, error) {
	ev := c.rowEnv(r, sc)
	terms, err := c.orderTerms(keys, ev, limit != "")
	if err != nil {
		return nil, err
	}
	if r.ord {
		terms = append(terms, ordCol+" ASC")
	}
	sel := "SELECT " + c.pcols(r.cols, false) + ", row_number() OVER (" + c.partBy() + "ORDER BY " + strings.Join(terms, ", ") + ") AS " + ordCol + " FROM " + r.from
	if limit != "" && c.part == "" {
		// ORDER BY ... LIMIT lets DuckDB use a top-N instead of numbering
		// every row; with a constant count, since DuckDB sorts everything
		// under an expression LIMIT.
		if n, ok := constCount(limit); ok {
			limit = strconv.FormatInt(n, 10)
		}
		top := "SELECT * FROM " + r.from + " ORDER BY " + strings.Join(terms, ", ") + " LIMIT " + limit
		if raw, ok := storedTopN(r, keys, limit); ok {
			top = raw
		}
		t := c.addCTE(top, r.cols, r.ord, false)
		sel = "SELECT " + c.pcols(r.cols, false) + ", row_number() OVER (ORDER BY " + strings.Join(terms, ", ") + ") AS " + ordCol + " FROM " + t.from
	} else if limit != "" {
		sel = "SELECT * FROM (" + sel + ") WHERE " + ordCol + " <= " + limit
	}
	return c.addCTE(sel, r.cols, true, true), nil
}

func (c *compiler) distinct(r *rel, op *kql.DistinctOp, sc *scope) (*rel, error) {
	if len(op.Cols) == 1 {
		if _, ok := op.Cols[0].(*kql.Star); ok {
			return c.addCTE("SELECT DISTINCT "+c.pcols(r.cols, false)+" FROM "+r.from, r.cols, false, false), nil
		}
	}
	ev := c.rowEnv(r, sc)
	var outs []string
	var cols []kql.Column
	nm := newNamer(nil, "Column")
	for _, e := range op.Cols {
		x := e
		name := ""
		if ce, ok := e.(*kql.NamedArg); ok {
			x, name = ce.Value, ce.Name.Name
		}
		v, err := c.scalar(x, ev)
		if err != nil {
			return nil, err
		}
		if name == "" {
			name = autoName(x)
		}
		if name == "" {
			name = nm.next()
		}
		outs = append(outs, v.sql+" AS "+quoteIdent(name))
		cols = append(cols, kql.Column{Name: name, Type: v.t})
	}
	if c.part != "" {
		outs = append(outs, c.part)
	}
	return c.addCTE("SELECT DISTINCT "+strings.Join(outs, ", ")+" FROM "+r.from, cols, false, false), nil
}

// ---------------------------------------------------------------- sources

func (c *compiler) datatable(op *kql.DatatableOp, sc *scope) (*rel, error) {
	var cols []kql.Column
	for _, d := range op.Cols {
		t, ok := kql.CanonicalType(d.Type)
		if !ok {
			return nil, errAt(d, "unknown type %q", d.Type)
		}
		cols = append(cols, kql.Column{Name: d.Name.Name, Type: t})
	}
	if len(cols) == 0 {
		return nil, errAt(op, "datatable needs at least one column")
	}
	if len(op.Values)%len(cols) != 0 {
		return nil, errAt(op, "datatable has %d values, not a multiple of its %d columns", len(op.Values), len(cols))
	}
	ev := &env{c: c, sc: sc}
	var rows []string
	for i := 0; i < len(op.Values); i += len(cols) {
		var cells []string
		for j, col := range cols {
			e := op.Values[i+j]
			if !isConstExpr(e) {
				return nil, errAt(e, "datatable values must be constants")
			}
			v, err := c.scalar(e, ev)
			if err != nil {
				return nil, err
			}
			if v.t != col.Type {
				cv, ok := c.literalConvert(v, col.Type)
				if !ok {
					return nil, errAt(e, "datatable column %q is %s; the value is %s", col.Name, col.Type, typeName(v.t))
				}
				v = cv
			}
			cells = append(cells, "CAST("+v.sql+" AS "+sqlType(col.Type)+")")
		}
		cells = append(cells, strconv.Itoa(i/len(cols)+1))
		rows = append(rows, "("+strings.Join(cells, ", ")+")")
	}
	var names []string
	for _, col := range cols {
		names = append(names, quoteIdent(col.Name))
	}
	names = append(names, ordCol)
	var sql string
	if len(rows) == 0 {
		var sel []string
		for _, col := range cols {
			sel = append(sel, "CAST(NULL AS "+sqlType(col.Type)+") AS "+quoteIdent(col.Name))
		}
		sel = append(sel, "CAST(0 AS BIGINT) AS "+ordCol)
		sql = "SELECT " + strings.Join(sel, ", ") + " WHERE false"
	} else {
		sql = "SELECT * FROM (VALUES " + strings.Join(rows, ", ") + ") AS t(" + strings.Join(names, ", ") + ")"
	}
	return c.addCTE(sql, cols, true, false), nil
}

// isConstExpr reports whether e is a literal, possibly negated or
// parenthesized.
func isConstExpr(e kql.Expr) bool {
	switch x := e.(type) {
	case *kql.Literal:
		return true
	case *kql.UnaryExpr:
		return isConstExpr(x.X)
	case *kql.ParenExpr:
		return isConstExpr(x.X)
	}
	return false
}

// literalConvert converts a constant to a datatable column's type the way
// Kusto accepts it (long literal in a real or int column, null literals).
func (c *compiler) literalConvert(v val, t kql.Type) (val, bool) {
	if v.null {
		return val{sql: "NULL", t: t, null: true}, true
	}
	switch {
	case isNumeric(v.t) && isNumeric(t):
		return c.convert(v, t), true
	case t == kql.TDynamic:
		return c.toDynamic(v), true
	case t == kql.TString && v.t == kql.TDynamic:
		return val{}, false
	case t == kql.TGuid && v.t == kql.TString:
		return val{sql: "lower(" + v.sql + ")", t: t}, true
	}
	return val{}, false
}

func (c *compiler) print(op *kql.PrintOp, sc *scope) (*rel, error) {
	ev := &env{c: c, sc: sc}
	var parts []string
	var cols []kql.Column
	for i, ce := range op.Cols {
		v, err := c.scalar(ce.X, ev)
		if err != nil {
			return nil, err
		}
		if v.multi != nil {
			outs, err := multiOuts(ce, v)
			if err != nil {
				return nil, err
			}
			for _, o := range outs {
				parts = append(parts, o.sql+" AS "+quoteIdent(o.name))
				cols = append(cols, kql.Column{Name: o.name, Type: o.t})
			}
			continue
		}
		name := fmt.Sprintf("print_%d", i)
		if len(ce.Names) > 0 {
			name = ce.Names[0].Name
		}
		parts = append(parts, v.sql+" AS "+quoteIdent(name))
		cols = append(cols, kql.Column{Name: name, Type: v.t})
	}
	parts = append(parts, "CAST(1 AS BIGINT) AS "+ordCol)
	return c.addCTE("SELECT "+strings.Join(parts, ", "), cols, true, false), nil
}

func (c *compiler) rangeOp(op *kql.RangeOp, sc *scope) (*rel, error) {
	ev := &env{c: c, sc: sc}
	from, err := c.scalar(op.From, ev)
	if err != nil {
		return nil, err
	}
	to, err := c.scalar(op.To, ev)
	if err != nil {
		return nil, err
	}
	step, err := c.scalar(op.Step, ev)
	if err != nil {
		return nil, err
	}
	name := quoteIdent(op.Name.Name)
	var sel string
	t := from.t
	switch {
	case isIntegral(from.t) && isIntegral(to.t) && isIntegral(step.t):
		t = kql.TLong
		sel = "SELECT " + from.sql + " + i * " + step.sql + " AS " + name + ", i + 1 AS " + ordCol +
			" FROM range(0, CAST(CASE WHEN " + step.sql + " = 0 THEN 0 ELSE greatest((" + to.sql + " - " + from.sql + ") // " + step.sql + " + 1, 0) END AS BIGINT)) AS r(i)"
	case isNumeric(from.t) && isNumeric(to.t) && isNumeric(step.t):
		t = kql.TReal
		sel = "SELECT CAST(" + from.sql + " AS DOUBLE) + i * " + step.sql + " AS " + name + ", i + 1 AS " + ordCol +
			" FROM range(0, CAST(CASE WHEN " + step.sql + " = 0 THEN 0 ELSE greatest(floor((" + to.sql + " - " + from.sql + ") / " + step.sql + ") + 1, 0) END AS BIGINT)) AS r(i)"
	case from.t == kql.TDatetime && to.t == kql.TDatetime && step.t == kql.TTimespan:
		f, tt := dtTicks(from.sql), dtTicks(to.sql)
		sel = "SELECT " + ticksToDt(f+" + i * "+step.sql) + " AS " + name + ", i + 1 AS " + ordCol +
			" FROM range(0, CAST(CASE WHEN " + step.sql + " = 0 THEN 0 ELSE greatest((" + tt + " - " + f + ") // " + step.sql + " + 1, 0) END AS BIGINT)) AS r(i)"
	case from.t == kql.TTimespan && to.t == kql.TTimespan && step.t == kql.TTimespan:
		sel = "SELECT " + from.sql + " + i * " + step.sql + " AS " + name + ", i + 1 AS " + ordCol +
			" FROM range(0, CAST(CASE WHEN " + step.sql + " = 0 THEN 0 ELSE greatest((" + to.sql + " - " + from.sql + ") // " + step.sql + " + 1, 0) END AS BIGINT)) AS r(i)"
	default:
		return nil, errAt(op, "range: cannot step from %s to %s by %s", typeName(from.t), typeName(to.t), typeName(step.t))
	}
	return c.addCTE(sel, []kql.Column{{Name: op.Name.Name, Type: t}}, true, false), nil
}

func (c *compiler) getschema(r *rel) (*rel, error) {
	var rows []string
	for i, col := range r.cols {
		rows = append(rows, fmt.Sprintf("(%s, CAST(%d AS BIGINT), %s, %s, %d)", quoteString(col.Name), i, quoteString(dotnetType(col.Type)), quoteString(string(col.Type)), i+1))
	}
	cols := []kql.Column{{Name: "ColumnName", Type: kql.TString}, {Name: "ColumnOrdinal", Type: kql.TLong}, {Name: "DataType", Type: kql.TString}, {Name: "ColumnType", Type: kql.TString}}
	if len(rows) == 0 {
		return c.addCTE("SELECT '' AS \"ColumnName\", CAST(0 AS BIGINT) AS \"ColumnOrdinal\", '' AS \"DataType\", '' AS \"ColumnType\", CAST(0 AS BIGINT) AS "+ordCol+" WHERE false", cols, true, false), nil
	}
	return c.addCTE("SELECT * FROM (VALUES "+strings.Join(rows, ", ")+") AS t(\"ColumnName\", \"ColumnOrdinal\", \"DataType\", \"ColumnType\", "+ordCol+")", cols, true, false), nil
}

func dotnetType(t kql.Type) string {
	switch t {
	case kql.TBool:
		return "System.Boolean"
	case kql.TInt:
		return "System.Int32"
	case kql.TLong:
		return "System.Int64"
	case kql.TReal:
		return "System.Double"
	case kql.TDecimal:
		return "System.Data.SqlTypes.SqlDecimal"
	case kql.TDatetime:
		return "System.DateTime"
	case kql.TTimespan:
		return "System.TimeSpan"
	case kql.TGuid:
		return "System.Guid"
	case kql.TDynamic:
		return "System.Object"
	}
	return "System.String"
}
