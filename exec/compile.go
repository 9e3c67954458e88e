package exec

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// CompileOptions configures Compile.
type CompileOptions struct {
	// Schema names the tables a query may read. Nil means no tables.
	Schema *kql.Schema
	// Now is the value of now() and the origin of ago(); the zero time
	// means the time of the call. One value serves the whole query.
	Now time.Time
	// Probe runs a query over the data while compiling; operators whose
	// output columns depend on the data (evaluate bag_unpack) need it.
	// Nil means such operators are rejected.
	Probe func(sql string) ([][]any, error)
}

// Program is a compiled query: one DuckDB statement and the KQL columns of
// its result.
type Program struct {
	SQL     string
	Columns []kql.Column
	// Ordered is true when KQL defines the row order of the result (a final
	// sort, top or serialize); otherwise the rows are a multiset.
	Ordered bool
	// Tables are the stored tables the statement reads, sorted (an engine
	// with a TableLoader creates them on first use).
	Tables []string
}

// The range of KQL datetimes in ticks since the Unix epoch.
const (
	minDatetimeTicks = "-621355968000000000"
	maxDatetimeTicks = "2534023007999999999"
)

// ordCol is the hidden column that carries a relation's row order. It is
// not a valid KQL identifier, so it cannot clash with a user's column.
const ordCol = `"$ord"`

// rel is a compiled tabular expression: a name to select from (a CTE or a
// table) and its KQL columns.
type rel struct {
	from string
	cols []kql.Column
	// ord: the relation has the hidden ordCol defining its row order.
	ord bool
	// sorted: KQL defines the order (sort, top, serialize kept it).
	sorted bool
	// name is the source name used by union withsource (table, let or as).
	name string
	// scanTable and scanSQL are set on the plain read of a stored table
	// (scanSQL without a WHERE), so that a following where can add a
	// time-window filter on the stored columns (see pushdown.go).
	scanTable *kql.Table
	scanSQL   string
	// scanWhere are conditions on the stored table's own columns that the
	// read applies (time windows, filters on stored non-datetime columns).
	scanWhere []string
}

func (r *rel) col(name string) (kql.Column, bool) {
	for _, c := range r.cols {
		if c.Name == name {
			return c, true
		}
	}
	return kql.Column{}, false
}

// binding is what a let statement (or a function parameter) binds a name to.
type binding struct {
	scalar *val
	rel    *rel
	fn     *kql.FuncExpr
	fnSc   *scope
	// unevaluated tabular body of a view-like let, compiled on use
}

type scope struct {
	parent *scope
	m      map[string]*binding
}

func newScope(parent *scope) *scope { return &scope{parent: parent, m: map[string]*binding{}} }

func (s *scope) lookup(name string) *binding {
	for ; s != nil; s = s.parent {
		if b, ok := s.m[name]; ok {
			return b
		}
	}
	return nil
}

type compiler struct {
	// tables: the stored tables read
	tables map[string]bool
	opts   CompileOptions
	now    time.Time
	ctes   []string
	nextID int
	depth  int
	// part is the hidden column that partitions rows while compiling an
	// mv-apply subquery ("" otherwise): operators work per partition.
	part string
	// recursive is set when a stage is a recursive CTE (scan).
	recursive bool
	// refs holds every identifier the query names; a table read exposes
	// the Sentinel columns among them (see sentinelColumns).
	refs map[string]bool
	// dynUses are the names the query uses as dynamic values: Sentinel's
	// JSON columns among them read as dynamic (kql.Table.SentinelDynamic).
	dynUses map[string]bool
}

// pcols is colList plus the partition column.
func (c *compiler) pcols(cols []kql.Column, ord bool) string {
	s := colList(cols, ord)
	if c.part != "" {
		s += ", " + c.part
	}
	return s
}

// partBy is "PARTITION BY part " inside mv-apply subqueries.
func (c *compiler) partBy() string {
	if c.part == "" {
		return ""
	}
	return "PARTITION BY " + c.part + " "
}

// errAt builds a positioned compile error.
func errAt(n kql.Node, format string, args ...any) *kql.Error {
	var sp kql.Span
	if n != nil {
		sp = n.Span()
	}
	return &kql.Error{Span: sp, Msg: fmt.Sprintf(format, args...)}
}

func hintAt(n kql.Node, hint, format string, args ...any) *kql.Error {
	e := errAt(n, format, args...)
	e.Hint = hint
	return e
}

// Compile translates a parsed query to one DuckDB SQL statement. The result
// is the query's last tabular expression statement.
func Compile(q *kql.Query, opts CompileOptions) (prog *Program, err error) {
	if q == nil {
		return nil, kql.ErrorList{&kql.Error{Msg: "empty query"}}
	}
	defer func() {
		if r := recover(); r != nil {
			prog = nil
			err = kql.ErrorList{&kql.Error{Span: q.Sp, Msg: fmt.Sprintf("internal compiler error: %v", r)}}
		}
	}()
	c := &compiler{opts: opts, now: opts.Now}
	if c.now.IsZero() {
		c.now = time.Now()
	}
	c.now = c.now.UTC().Truncate(100 * time.Nanosecond)
	if errs := kql.DeclaredNameErrors(q); len(errs) > 0 {
		return nil, errs[:1]
	}
	p, err := c.query(q)
	if err != nil {
		if e, ok := err.(*kql.Error); ok {
			return nil, kql.ErrorList{e}
		}
		return nil, err
	}
	return p, nil
}

func (c *compiler) query(q *kql.Query) (*Program, error) {
	c.refs = map[string]bool{}
	kql.Inspect(q, func(n kql.Node) bool {
		if id, ok := n.(*kql.Ident); ok {
			c.refs[id.Name] = true
		}
		return true
	})
	c.dynUses = kql.DynamicUses(q)
	sc := newScope(nil)
	var last *rel
	var lastStmt kql.Node
	for _, st := range q.Stmts {
		switch st := st.(type) {
		case *kql.LetStmt:
			if err := c.let(st, sc); err != nil {
				return nil, err
			}
		case *kql.ExprStmt:
			r, err := c.tabular(st.X, sc)
			if err != nil {
				return nil, err
			}
			if last == nil {
				last, lastStmt = r, st
			}
		case *kql.SetStmt:
			// Request properties do not change results here.
		case *kql.DeclareStmt:
			for _, p := range st.Params {
				if p.Default == nil {
					return nil, errAt(p, "query parameter %q has no value", p.Name.Name)
				}
				v, err := c.scalar(p.Default, &env{c: c, sc: sc})
				if err != nil {
					return nil, err
				}
				if p.Type != "" {
					if t, ok := kql.CanonicalType(p.Type); ok && t != v.t {
						v = c.convert(v, t)
					}
				}
				sc.m[p.Name.Name] = &binding{scalar: &v}
			}
		default:
			return nil, errAt(st, "unsupported statement")
		}
	}
	if last == nil {
		return nil, errAt(q, "the query has no tabular expression to run")
	}
	_ = lastStmt
	return c.finish(last), nil
}

// pruneStages turns the pruning of finish on; tests compare the results
// of pruned and unpruned statements.
var pruneStages = true

// finish writes the final SELECT over the last relation, after pruning
// the stages it does not need (see prune.go).
func (c *compiler) finish(r *rel) *Program {
	sel := func(checked func(name string) bool) string {
		var b strings.Builder
		b.WriteString("SELECT ")
		for i, col := range r.cols {
			if i > 0 {
				b.WriteString(", ")
			}
			q := quoteIdent(col.Name)
			switch col.Type {
			case kql.TDynamic:
				b.WriteString("CAST(" + q + " AS VARCHAR) AS " + q)
			case kql.TDecimal:
				b.WriteString(decimalText(q) + " AS " + q)
			case kql.TDatetime:
				if checked != nil && checked(q) {
					// a stored value: in range, and read back as the
					// driver's time.Time, which Run keeps as it is
					b.WriteString("make_timestamp_ns(" + q + " * 100) AS " + q)
					break
				}
				// KQL datetimes span 0001-01-01 .. 9999-12-31; beyond is null
				b.WriteString("(CASE WHEN " + q + " BETWEEN " + minDatetimeTicks + " AND " + maxDatetimeTicks + " THEN " + q + " END) AS " + q)
			default:
				b.WriteString(q)
			}
		}
		if len(r.cols) == 0 {
			b.WriteString("NULL AS \"$empty\" LIMIT 0")
		}
		b.WriteString(" FROM " + r.from)
		if r.ord {
			b.WriteString(" ORDER BY " + ordCol)
		}
		return b.String()
	}
	final := sel(nil)
	ctes := c.ctes
	if len(ctes) > 0 && pruneStages {
		p := newPruner(ctes, c.opts.Schema)
		ctes = p.run(final)
		if i, ok := p.index[r.from]; ok {
			// stored datetimes (TIMESTAMP_NS: 1677..2262) need no range check
			final = sel(func(q string) bool { return p.storedDatetime(i, q, 0) })
		}
	}
	var b strings.Builder
	if len(ctes) > 0 {
		b.WriteString("WITH ")
		if c.recursive {
			b.WriteString("RECURSIVE ")
		}
		for i, s := range ctes {
			if i > 0 {
				b.WriteString(",\n")
			}
			b.WriteString(s)
		}
		b.WriteString("\n")
	}
	b.WriteString(final)
	cols := append([]kql.Column(nil), r.cols...)
	var tables []string
	for t := range c.tables {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	return &Program{SQL: b.String(), Columns: cols, Ordered: r.sorted, Tables: tables}
}

// addCTE appends a stage and returns a relation reading it.
func (c *compiler) addCTE(sql string, cols []kql.Column, ord, sorted bool) *rel {
	c.nextID++
	name := fmt.Sprintf("_s%d", c.nextID)
	c.ctes = append(c.ctes, quoteIdent(name)+" AS (\n  "+sql+"\n)")
	return &rel{from: quoteIdent(name), cols: cols, ord: ord, sorted: sorted}
}

func (c *compiler) addMaterializedCTE(sql string, cols []kql.Column, ord, sorted bool) *rel {
	c.nextID++
	name := fmt.Sprintf("_s%d", c.nextID)
	c.ctes = append(c.ctes, quoteIdent(name)+" AS MATERIALIZED (\n  "+sql+"\n)")
	return &rel{from: quoteIdent(name), cols: cols, ord: ord, sorted: sorted}
}

// colList is the quoted column list of r, with ordCol when r has it.
func colList(cols []kql.Column, ord bool) string {
	var parts []string
	for _, c := range cols {
		parts = append(parts, quoteIdent(c.Name))
	}
	if ord {
		parts = append(parts, ordCol)
	}
	if len(parts) == 0 {
		return "NULL AS \"$none\""
	}
	return strings.Join(parts, ", ")
}

func (c *compiler) let(st *kql.LetStmt, sc *scope) error {
	name := st.Name.Name
	switch v := st.Value.(type) {
	case *kql.FuncExpr:
		sc.m[name] = &binding{fn: v, fnSc: sc}
		return nil
	}
	if c.isTabular(st.Value, sc) {
		r, err := c.tabular(st.Value, sc)
		if err != nil {
			return err
		}
		r2 := *r
		r2.name = ""
		sc.m[name] = &binding{rel: &r2}
		return nil
	}
	v, err := c.scalar(st.Value, &env{c: c, sc: sc})
	if err != nil {
		return err
	}
	sc.m[name] = &binding{scalar: &v}
	return nil
}

// isTabular reports whether e denotes a tabular expression.
func (c *compiler) isTabular(e kql.Expr, sc *scope) bool {
	switch e := e.(type) {
	case *kql.PipeExpr, *kql.DatatableOp, *kql.PrintOp, *kql.RangeOp, *kql.UnionOp,
		*kql.EvaluateOp, *kql.SearchOp, *kql.FindOp, *kql.ExternalDataOp:
		return true
	case *kql.ParenExpr:
		return c.isTabular(e.X, sc)
	case *kql.Ident:
		if b := sc.lookup(e.Name); b != nil {
			return b.rel != nil || (b.fn != nil && len(b.fn.Params) == 0 && c.fnIsTabular(b))
		}
		_, ok := c.opts.Schema.Table(e.Name)
		return ok
	case *kql.CallExpr:
		switch e.Func.Name {
		case "materialize", "table", "view":
			return true
		}
		if b := sc.lookup(e.Func.Name); b != nil && b.fn != nil {
			return c.fnIsTabular(b)
		}
	}
	return false
}

// fnIsTabular reports whether a user function's body ends in a tabular
// expression. Parameters are bound to placeholders for the test.
func (c *compiler) fnIsTabular(b *binding) bool {
	body := b.fn.Body
	if body == nil || len(body.Stmts) == 0 {
		return false
	}
	inner := newScope(b.fnSc)
	for _, p := range b.fn.Params {
		if p.Tabular {
			inner.m[p.Name.Name] = &binding{rel: &rel{}}
		} else {
			inner.m[p.Name.Name] = &binding{scalar: &val{sql: "NULL"}}
		}
	}
	for _, st := range body.Stmts {
		switch st := st.(type) {
		case *kql.LetStmt:
			if _, ok := st.Value.(*kql.FuncExpr); ok {
				inner.m[st.Name.Name] = &binding{fn: st.Value.(*kql.FuncExpr), fnSc: inner}
			} else if c.isTabular(st.Value, inner) {
				inner.m[st.Name.Name] = &binding{rel: &rel{}}
			} else {
				inner.m[st.Name.Name] = &binding{scalar: &val{sql: "NULL"}}
			}
		case *kql.ExprStmt:
			return c.isTabular(st.X, inner)
		}
	}
	return false
}
