package kql

import (
	"fmt"
	"sort"
)

// Info is what Check learns about a query.
type Info struct {
	// Types holds the inferred type of every scalar expression (TUnknown
	// where it depends on data the checker cannot see).
	Types map[Expr]Type
	// Results holds the columns after each tabular operator and of each
	// tabular expression (pipelines, table references, subqueries).
	Results map[Node][]Column
	// Open marks the tabular results whose column set is not fully known
	// (after evaluate plugins, externaldata without a schema, search,
	// invoke of an unknown function, ...). Their Results list the columns
	// known to exist; other names may exist too.
	Open map[Node]bool
}

// Check resolves every name of q against the schema s and the query's own
// let, declare and function bindings, infers the type of every expression
// and the columns of every tabular result, and reports unknown tables,
// columns and functions (with did-you-mean hints) and wrong argument
// counts. The error, when not nil, is an ErrorList. Check is permissive
// where KQL is: an unknowable column set (evaluate, externaldata without a
// schema, an unknown function) turns off column checks downstream rather
// than producing an error the engine would not give.
func Check(q *Query, s *Schema) (info *Info, err error) {
	// Size the maps from the text length (comments included): roughly one
	// expression per 16 bytes of query text and one tabular result per 64.
	n := q.Span().End
	c := &checker{
		schema: s,
		info:   &Info{Types: make(map[Expr]Type, n/16), Results: make(map[Node][]Column, n/64), Open: map[Node]bool{}},
		scope:  &scope{},
		seen:   map[errKey]bool{},
	}
	defer func() {
		if r := recover(); r != nil {
			info, err = c.info, ErrorList{{Span: q.Span(), Msg: fmt.Sprintf("internal error in the checker: %v", r)}}
		}
	}()
	if q != nil {
		c.dynUses = DynamicUses(q)
		for _, e := range DeclaredNameErrors(q) {
			c.errorf(e.Span, e.Hint, "%s", e.Msg)
		}
		c.stmts(q.Stmts)
	}
	sort.SliceStable(c.errs, func(i, j int) bool { return c.errs[i].Span.Start < c.errs[j].Span.Start })
	return c.info, c.errs.Err()
}

// rel is the schema of a tabular value.
type rel struct {
	cols []Column
	// hidden are columns that resolve by name but are not part of the
	// visible column set: the Sentinel columns of Defender tables.
	hidden []Column
	// open: other, unknown columns may exist; unresolved names are not errors.
	open bool
	// serialized: the rows have an order, so window functions (prev,
	// next, row_number, row_cumsum, ...) may be used [D:window-functions].
	serialized bool
}

func (r *rel) find(name string) (Column, bool) {
	if r == nil {
		return Column{}, false
	}
	for _, c := range r.cols {
		if c.Name == name {
			return c, true
		}
	}
	for _, c := range r.hidden {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

func (r *rel) index(name string) int {
	for i, c := range r.cols {
		if c.Name == name {
			return i
		}
	}
	return -1
}

func (r *rel) has(name string) bool {
	_, ok := r.find(name)
	return ok
}

// names returns the visible and hidden column names.
func (r *rel) names() []string {
	if r == nil {
		return nil
	}
	out := make([]string, 0, len(r.cols)+len(r.hidden))
	for _, c := range r.cols {
		out = append(out, c.Name)
	}
	for _, c := range r.hidden {
		out = append(out, c.Name)
	}
	return out
}

func (r *rel) clone() *rel {
	if r == nil {
		return &rel{open: true}
	}
	return &rel{cols: append([]Column(nil), r.cols...), hidden: r.hidden, open: r.open, serialized: r.serialized}
}

// set replaces the column of that name in place, or appends it.
func (r *rel) set(col Column) {
	if i := r.index(col.Name); i >= 0 {
		r.cols[i] = col
		return
	}
	r.cols = append(r.cols, col)
}

func openRel() *rel { return &rel{open: true} }

// ---------------------------------------------------------------- scopes

type bindKind int

const (
	bindScalar bindKind = iota
	bindTable
	bindFunc
)

type binding struct {
	kind bindKind
	typ  Type    // bindScalar
	str  *string // bindScalar: the value of a string literal
	rel  *rel    // bindTable
	fn   *FuncExpr
	env  *scope // the scope a function was defined in
	// fnResult is the result of the function's body checked with its
	// declared parameters: a tabular rel, or nil with fnType for a scalar.
	fnResult  *rel
	fnType    Type
	fnTabular bool
}

type scope struct {
	parent *scope
	names  map[string]*binding
}

func (s *scope) lookup(name string) *binding {
	for ; s != nil; s = s.parent {
		if b, ok := s.names[name]; ok {
			return b
		}
	}
	return nil
}

func (s *scope) bind(name string, b *binding) {
	if s.names == nil {
		s.names = map[string]*binding{}
	}
	s.names[name] = b
}

// allNames lists the names bound in s and its parents of the given kinds.
func (s *scope) allNames(kinds ...bindKind) []string {
	var out []string
	for ; s != nil; s = s.parent {
		for n, b := range s.names {
			for _, k := range kinds {
				if b.kind == k {
					out = append(out, n)
				}
			}
		}
	}
	return out
}

// ---------------------------------------------------------------- checker

type errKey struct {
	span Span
	msg  string
}

type checker struct {
	schema *Schema
	info   *Info
	scope  *scope
	errs   ErrorList
	seen   map[errKey]bool
	// quiet > 0 while re-checking a function body for a call: the body's
	// errors were already reported at its definition.
	quiet int
	depth int // function call nesting, against runaway recursion
	// dynUses are the names the query uses as dynamic values: Sentinel's
	// JSON columns among them read as dynamic (see Table.SentinelDynamic).
	dynUses map[string]bool
	// pipes holds, for each pipeline being checked (innermost last), its
	// operators so far with their inputs, to explain dropped columns.
	pipes [][]stage
	// tables caches the value of each schema table referenced.
	tables map[*Table]*rel
	// aggCtx > 0 where aggregate functions may be called: summarize's
	// aggregates, make-series, top-nested's by.
	aggCtx int
}

func (c *checker) errorf(sp Span, hint string, format string, args ...any) {
	if c.quiet > 0 {
		return
	}
	msg := fmt.Sprintf(format, args...)
	k := errKey{sp, msg}
	if c.seen[k] || len(c.errs) >= MaxErrors {
		return
	}
	c.seen[k] = true
	c.errs = append(c.errs, &Error{Span: sp, Msg: msg, Hint: hint})
}

func (c *checker) setType(e Expr, t Type) Type {
	if e != nil {
		c.info.Types[e] = t
	}
	return t
}

func (c *checker) setRel(n Node, r *rel) *rel {
	if r == nil {
		r = openRel()
	}
	c.info.Results[n] = r.cols
	if r.open {
		c.info.Open[n] = true
	} else {
		delete(c.info.Open, n)
	}
	return r
}

// stmts checks a statement list (a query or a function body) in the
// current scope and returns the value of the last expression statement.
func (c *checker) stmts(list []Statement) (r *rel, t Type, tabular bool) {
	for _, st := range list {
		switch st := st.(type) {
		case *LetStmt:
			c.let(st)
		case *DeclareStmt:
			for _, p := range st.Params {
				c.bindParam(p)
			}
		case *SetStmt:
			if st.Value != nil {
				c.scalar(st.Value, nil)
			}
		case *ExprStmt:
			r, t, tabular = c.any(st.X, nil)
		}
	}
	return r, t, tabular
}

func (c *checker) let(st *LetStmt) {
	if st.Name == nil {
		return
	}
	if fn, ok := st.Value.(*FuncExpr); ok {
		b := &binding{kind: bindFunc, fn: fn, env: c.scope}
		// Check the body once with the declared parameters; its errors
		// are reported here, not at each call.
		b.fnResult, b.fnType, b.fnTabular = c.funcBody(fn, c.scope, nil, nil)
		c.scope.bind(st.Name.Name, b)
		return
	}
	r, t, tab := c.any(st.Value, nil)
	if tab {
		c.scope.bind(st.Name.Name, &binding{kind: bindTable, rel: r})
	} else {
		b := &binding{kind: bindScalar, typ: t}
		if lit, ok := st.Value.(*Literal); ok && lit.Kind == LitString {
			b.str = &lit.Str // table(name) reads it
		}
		c.scope.bind(st.Name.Name, b)
	}
}

func (c *checker) bindParam(p *Param) {
	if p == nil || p.Name == nil {
		return
	}
	if p.Default != nil {
		c.scalar(p.Default, nil)
	}
	if p.Tabular {
		c.scope.bind(p.Name.Name, &binding{kind: bindTable, rel: paramRel(p)})
		return
	}
	c.scope.bind(p.Name.Name, &binding{kind: bindScalar, typ: Type(p.Type)})
}

func paramRel(p *Param) *rel {
	r := &rel{open: p.AnyColumns || (len(p.Columns) == 0)}
	for _, cd := range p.Columns {
		if cd != nil && cd.Name != nil {
			r.cols = append(r.cols, Column{cd.Name.Name, declType(cd.Type)})
		}
	}
	return r
}

func declType(s string) Type {
	if t, ok := CanonicalType(s); ok {
		return t
	}
	return Type(s)
}

// funcBody checks a user function's body in a new scope under env, with
// parameters bound to the declared types or, where given, the actual
// argument types and tables.
func (c *checker) funcBody(fn *FuncExpr, env *scope, argTypes []Type, argRels []*rel) (*rel, Type, bool) {
	saved := c.scope
	c.scope = &scope{parent: env}
	defer func() { c.scope = saved }()
	for i, p := range fn.Params {
		if p == nil || p.Name == nil {
			continue
		}
		if p.Tabular {
			r := paramRel(p)
			if i < len(argRels) && argRels[i] != nil {
				r = argRels[i]
			}
			c.scope.bind(p.Name.Name, &binding{kind: bindTable, rel: r})
			continue
		}
		t := Type(p.Type)
		if i < len(argTypes) && argTypes[i] != TUnknown && t == TUnknown {
			t = argTypes[i]
		}
		c.scope.bind(p.Name.Name, &binding{kind: bindScalar, typ: t})
	}
	if fn.Body == nil {
		return openRel(), TUnknown, true
	}
	r, t, tab := c.stmts(fn.Body.Stmts)
	if tab {
		c.setRel(fn.Body, r)
	}
	return r, t, tab
}

// any checks an expression that may be tabular or scalar (let values,
// expression statements) and says which it is.
func (c *checker) any(e Expr, row *rel) (*rel, Type, bool) {
	// Outside a row context a name that is bound to nothing is taken for a
	// table, so the diagnostic says "unknown table".
	unboundName := false
	if id, ok := e.(*Ident); ok && row == nil && c.scope.lookup(id.Name) == nil {
		unboundName = true
	}
	if unboundName || c.isTabular(e) {
		return c.tab(e, nil), TUnknown, true
	}
	return nil, c.scalar(e, row), false
}

// isTabular tells whether e denotes a table in the current scope.
func (c *checker) isTabular(e Expr) bool {
	switch e := e.(type) {
	case *PipeExpr, *DatatableOp, *ExternalDataOp, *PrintOp, *RangeOp, *UnionOp, *SearchOp, *FindOp, *EvaluateOp:
		return true
	case *ParenExpr:
		return c.isTabular(e.X)
	case *Ident:
		if b := c.scope.lookup(e.Name); b != nil {
			return b.kind == bindTable || (b.kind == bindFunc && (b.fn.View || len(b.fn.Params) == 0) && b.fnTabular)
		}
		if _, ok := c.schema.Table(e.Name); ok {
			return true
		}
		if _, ok := c.schema.Renamed[e.Name]; ok {
			return true
		}
		return false
	case *CallExpr:
		if e.Func == nil {
			return false
		}
		if b := c.scope.lookup(e.Func.Name); b != nil {
			return b.kind == bindFunc && b.fnTabular
		}
		switch e.Func.Name {
		case "materialize", "table", "cluster", "database", "view", "external_table", "materialized_view":
			return true
		}
		return false
	case *MemberExpr:
		// cluster("x").database("y").T
		if call, ok := e.X.(*CallExpr); ok && call.Func != nil {
			switch call.Func.Name {
			case "cluster", "database":
				return true
			}
		}
		return false
	}
	return false
}
