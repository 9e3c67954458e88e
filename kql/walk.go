package kql

import (
	"fmt"
	"reflect"
)

// A Visitor's Visit is called for each node Walk meets. If the returned
// visitor w is not nil, Walk visits each child of n with w, then calls
// w.Visit(nil).
type Visitor interface {
	Visit(n Node) (w Visitor)
}

// Walk traverses the tree rooted at n in depth-first order, as go/ast.Walk.
func Walk(v Visitor, n Node) {
	if v = v.Visit(n); v == nil {
		return
	}
	eachChild(n, func(c Node) { Walk(v, c) })
	v.Visit(nil)
}

type inspector func(Node) bool

func (f inspector) Visit(n Node) Visitor {
	if n != nil && f(n) {
		return f
	}
	return nil
}

// Inspect traverses the tree rooted at n in pre-order, calling f for each
// node; when f returns false the node's children are skipped.
func Inspect(n Node, f func(Node) bool) {
	Walk(inspector(f), n)
}

// eachChild calls f for each non-nil child of n in source order.
func eachChild(n Node, f func(Node)) {
	expr := func(x Expr) {
		if x != nil && !isNilNode(x) {
			f(x)
		}
	}
	exprs := func(xs []Expr) {
		for _, x := range xs {
			expr(x)
		}
	}
	ident := func(id *Ident) {
		if id != nil {
			f(id)
		}
	}
	cols := func(cs []*ColumnExpr) {
		for _, c := range cs {
			if c != nil {
				f(c)
			}
		}
	}
	params := func(ps []*OpParam) {
		for _, p := range ps {
			if p != nil {
				f(p)
			}
		}
	}
	decls := func(ds []*ColumnDecl) {
		for _, d := range ds {
			if d != nil {
				f(d)
			}
		}
	}
	fparams := func(ps []*Param) {
		for _, p := range ps {
			if p != nil {
				f(p)
			}
		}
	}
	keys := func(ks []*SortKey) {
		for _, k := range ks {
			if k != nil {
				f(k)
			}
		}
	}
	mvcols := func(cs []*MvExpandCol) {
		for _, c := range cs {
			if c != nil {
				f(c)
			}
		}
	}
	switch n := n.(type) {
	case *Query:
		for _, s := range n.Stmts {
			if s != nil && !isNilNode(s) {
				f(s)
			}
		}
	case *LetStmt:
		ident(n.Name)
		expr(n.Value)
	case *ExprStmt:
		expr(n.X)
	case *DeclareStmt:
		fparams(n.Params)
	case *SetStmt:
		ident(n.Name)
		expr(n.Value)
	case *Ident, *Wildcard, *Star, *Literal, *TypeExpr, *GetSchemaOp, *GenericOp:
	case *BinaryExpr:
		expr(n.X)
		expr(n.Y)
	case *UnaryExpr:
		expr(n.X)
	case *InExpr:
		expr(n.X)
		exprs(n.List)
	case *BetweenExpr:
		expr(n.X)
		expr(n.Lo)
		expr(n.Hi)
	case *CallExpr:
		ident(n.Func)
		exprs(n.Args)
	case *NamedArg:
		ident(n.Name)
		expr(n.Value)
	case *MemberExpr:
		expr(n.X)
		ident(n.Name)
	case *IndexExpr:
		expr(n.X)
		expr(n.Index)
	case *ParenExpr:
		expr(n.X)
	case *FuncExpr:
		fparams(n.Params)
		if n.Body != nil {
			f(n.Body)
		}
	case *Body:
		for _, s := range n.Stmts {
			if s != nil && !isNilNode(s) {
				f(s)
			}
		}
	case *Param:
		ident(n.Name)
		decls(n.Columns)
		expr(n.Default)
	case *ColumnDecl:
		ident(n.Name)
	case *PipeExpr:
		expr(n.Source)
		for _, op := range n.Ops {
			if op != nil && !isNilNode(op) {
				f(op)
			}
		}
	case *OpParam:
		expr(n.Value)
	case *ColumnExpr:
		for _, id := range n.Names {
			ident(id)
		}
		expr(n.X)
	case *SortKey:
		expr(n.X)
	case *WhereOp:
		expr(n.Pred)
	case *ProjectOp:
		cols(n.Cols)
	case *ProjectAwayOp:
		exprs(n.Cols)
	case *ProjectKeepOp:
		exprs(n.Cols)
	case *ProjectRenameOp:
		cols(n.Cols)
	case *ProjectReorderOp:
		keys(n.Cols)
	case *ExtendOp:
		cols(n.Cols)
	case *SummarizeOp:
		params(n.Params)
		cols(n.Aggs)
		cols(n.By)
	case *SortOp:
		params(n.Params)
		keys(n.Keys)
	case *TopOp:
		expr(n.N)
		keys(n.Keys)
	case *TakeOp:
		expr(n.N)
	case *CountOp:
		ident(n.As)
	case *DistinctOp:
		params(n.Params)
		exprs(n.Cols)
	case *JoinOp:
		params(n.Params)
		expr(n.Right)
		exprs(n.On)
	case *LookupOp:
		params(n.Params)
		expr(n.Right)
		exprs(n.On)
	case *UnionOp:
		params(n.Params)
		exprs(n.Tables)
	case *MvExpandCol:
		ident(n.Name)
		expr(n.X)
	case *MvExpandOp:
		params(n.Params)
		mvcols(n.Cols)
		expr(n.Limit)
	case *MvApplyOp:
		params(n.Params)
		mvcols(n.Cols)
		expr(n.Limit)
		expr(n.Sub)
	case *ParsePart:
		if n.Lit != nil {
			f(n.Lit)
		}
		if n.Column != nil {
			f(n.Column)
		}
	case *ParseOp:
		params(n.Params)
		expr(n.X)
		for _, pt := range n.Pattern {
			if pt != nil {
				f(pt)
			}
		}
	case *ParseKVOp:
		expr(n.X)
		decls(n.Cols)
		params(n.With)
	case *MakeSeriesAgg:
		if n.Col != nil {
			f(n.Col)
		}
		expr(n.Default)
	case *MakeSeriesOp:
		params(n.Params)
		for _, a := range n.Aggs {
			if a != nil {
				f(a)
			}
		}
		expr(n.On)
		expr(n.From)
		expr(n.To)
		expr(n.Step)
		cols(n.By)
	case *EvaluateOp:
		params(n.Params)
		if n.Plugin != nil {
			f(n.Plugin)
		}
		decls(n.Output)
	case *RenderOp:
		params(n.With)
	case *AsOp:
		params(n.Params)
		ident(n.Name)
	case *SerializeOp:
		cols(n.Cols)
	case *InvokeOp:
		if n.Call != nil {
			f(n.Call)
		}
	case *SampleOp:
		expr(n.N)
	case *SampleDistinctOp:
		expr(n.N)
		expr(n.Of)
	case *TopNestedLevel:
		expr(n.N)
		if n.Of != nil {
			f(n.Of)
		}
		expr(n.Others)
		if n.By != nil {
			f(n.By)
		}
	case *TopNestedOp:
		for _, l := range n.Levels {
			if l != nil {
				f(l)
			}
		}
	case *TopHittersOp:
		expr(n.N)
		expr(n.Of)
		expr(n.By)
	case *SearchOp:
		params(n.Params)
		exprs(n.Tables)
		expr(n.Pred)
	case *FindOp:
		params(n.Params)
		exprs(n.Tables)
		expr(n.Pred)
		cols(n.Project)
	case *FacetOp:
		exprs(n.Cols)
		expr(n.With)
	case *ForkOp:
		cols(n.Branches)
	case *PartitionOp:
		params(n.Params)
		expr(n.By)
		expr(n.Sub)
	case *ScanStep:
		ident(n.Name)
		expr(n.Pred)
		cols(n.Assign)
	case *ScanOp:
		params(n.Params)
		keys(n.OrderBy)
		exprs(n.By)
		fparams(n.Declare)
		for _, s := range n.Steps {
			if s != nil {
				f(s)
			}
		}
	case *DatatableOp:
		params(n.Params)
		decls(n.Cols)
		exprs(n.Values)
	case *ExternalDataOp:
		decls(n.Cols)
		exprs(n.URLs)
		params(n.With)
	case *PrintOp:
		cols(n.Cols)
	case *RangeOp:
		ident(n.Name)
		expr(n.From)
		expr(n.To)
		expr(n.Step)
	default:
		panic(fmt.Sprintf("kql.Walk: unexpected node %T", n))
	}
}

// isNilNode reports whether an interface holds a typed nil pointer.
func isNilNode(n Node) bool {
	v := reflect.ValueOf(n)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// Mentions reports whether e may refer to one of names. Unknown node
// kinds answer true (callers treat that as the safe, conservative answer).
func Mentions(e Expr, names map[string]bool) bool {
	switch e := e.(type) {
	case nil:
		return false
	case *Ident:
		return names[e.Name]
	case *Literal, *TypeExpr, *Star, *Wildcard:
		return false
	case *BinaryExpr:
		return Mentions(e.X, names) || Mentions(e.Y, names)
	case *UnaryExpr:
		return Mentions(e.X, names)
	case *ParenExpr:
		return Mentions(e.X, names)
	case *MemberExpr:
		return Mentions(e.X, names)
	case *IndexExpr:
		return Mentions(e.X, names) || Mentions(e.Index, names)
	case *BetweenExpr:
		return Mentions(e.X, names) || Mentions(e.Lo, names) || Mentions(e.Hi, names)
	case *InExpr:
		if Mentions(e.X, names) {
			return true
		}
		for _, a := range e.List {
			if Mentions(a, names) {
				return true
			}
		}
		return false
	case *NamedArg:
		return Mentions(e.Value, names)
	case *CallExpr:
		for _, a := range e.Args {
			if Mentions(a, names) {
				return true
			}
		}
		return false
	}
	return true
}
