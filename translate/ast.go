package translate

import (
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// Small constructors for the syntax tree the translator builds. Nodes
// carry zero spans: they were never source text.

func ident(name string) *kql.Ident { return &kql.Ident{Name: name} }

func strLit(s string) *kql.Literal { return &kql.Literal{Kind: kql.LitString, Str: s} }

func longLit(n int64) *kql.Literal { return &kql.Literal{Kind: kql.LitLong, Int: n} }

func spanLit(d time.Duration) *kql.Literal {
	return &kql.Literal{Kind: kql.LitTimespan, Ticks: int64(d / 100)}
}

func dateLit(t time.Time) *kql.Literal {
	return &kql.Literal{Kind: kql.LitDatetime, Ticks: t.UTC().UnixNano() / 100}
}

func binary(op string, x, y kql.Expr) *kql.BinaryExpr { return &kql.BinaryExpr{Op: op, X: x, Y: y} }

func call(name string, args ...kql.Expr) *kql.CallExpr {
	return &kql.CallExpr{Func: ident(name), Args: args}
}

func paren(x kql.Expr) kql.Expr {
	switch x.(type) {
	case *kql.Ident, *kql.Literal, *kql.CallExpr, *kql.ParenExpr, *kql.InExpr:
		return x
	}
	return &kql.ParenExpr{X: x}
}

// and joins predicates with "and"; an "or" operand is parenthesized.
func and(xs ...kql.Expr) kql.Expr {
	var out kql.Expr
	for _, x := range xs {
		if x == nil {
			continue
		}
		if b, ok := x.(*kql.BinaryExpr); ok && b.Op == "or" {
			x = paren(x)
		}
		if out == nil {
			out = x
		} else {
			out = binary("and", out, x)
		}
	}
	return out
}

// or joins predicates with "or"; an "and" operand needs no parentheses.
func or(xs ...kql.Expr) kql.Expr {
	var out kql.Expr
	for _, x := range xs {
		if x == nil {
			continue
		}
		if out == nil {
			out = x
		} else {
			out = binary("or", out, x)
		}
	}
	return out
}

func inList(op string, x kql.Expr, values []string) *kql.InExpr {
	list := make([]kql.Expr, len(values))
	for i, v := range values {
		list[i] = strLit(v)
	}
	return &kql.InExpr{Op: op, X: x, List: list}
}

func named(name string, x kql.Expr) *kql.ColumnExpr {
	if name == "" {
		return &kql.ColumnExpr{X: x}
	}
	return &kql.ColumnExpr{Names: []*kql.Ident{ident(name)}, X: x}
}

func cols(names ...string) []*kql.ColumnExpr {
	out := make([]*kql.ColumnExpr, len(names))
	for i, n := range names {
		out[i] = &kql.ColumnExpr{X: ident(n)}
	}
	return out
}

func sortKey(col string, desc bool) *kql.SortKey {
	o := "asc"
	if desc {
		o = "desc"
	}
	return &kql.SortKey{X: ident(col), Order: o}
}

func pipe(src kql.Expr, ops ...kql.Operator) *kql.PipeExpr {
	return &kql.PipeExpr{Source: src, Ops: ops}
}

func where(pred kql.Expr) *kql.WhereOp { return &kql.WhereOp{Pred: pred} }

// parsePredicate parses the predicate of `T | where PRED`; the lexicon's
// hunting concepts are written as KQL text.
func parsePredicate(src string) (kql.Expr, error) {
	q, err := kql.Parse("T | where " + src)
	if err != nil {
		return nil, err
	}
	p := q.Stmts[0].(*kql.ExprStmt).X.(*kql.PipeExpr)
	return p.Ops[0].(*kql.WhereOp).Pred, nil
}
