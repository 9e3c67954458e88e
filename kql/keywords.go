package kql

import (
	"fmt"
	"sort"
)

// Kusto treats most of its keywords as soft: `print has = 1`,
// `extend count = 1` and `project from = a` are fine. A few it reserves: a
// column, variable or parameter spelled like one of them must be written
// bracketed, ['first'], and Kusto rejects the plain spelling ("The name
// 'first' needs to be bracketed as ['first'] to be used in this context").
// The lists below are what Kusto.Language's binder and the Kusto engine
// (the conformance cases with `extend first = ...`, `extend last = ...`,
// `extend asc = ...`, `extend missing = ...`, all rejected) refuse.
//
// DeclaredNameErrors is the one place that applies them: kql.Check reports
// its errors and exec's compiler refuses the same queries with the same
// messages, and the printer brackets these names so that fmt's output
// parses back to the same query.

// reservedDeclNames must be bracketed wherever a name is declared:
// extend/print/project/summarize columns, datatable and parse-kv
// columns, mv-expand names, scan and function parameters, let and range
// variables.
var reservedDeclNames = setOf(
	"first", "last", "asc", "desc", "missing", "kind", "withsource", "isfuzzy",
	"bagexpansion", "with_itemindex", "flags", "others",
	"true", "false", "True", "False", "TRUE", "FALSE",
	"and", "or", "between", "project", "union",
	"has_cs", "has_any", "has_all", "contains_cs", "containscs", "hasprefix", "hasprefix_cs",
	"hassuffix", "hassuffix_cs", "startswith", "startswith_cs", "endswith", "endswith_cs",
	"like", "likecs", "notcontains", "notcontainscs", "notlike", "notlikecs",
	"int", "long", "string", "real", "dynamic", "datetime", "timespan", "decimal", "double",
	"date", "time", "uint", "ulong", "int64", "float", "boolean", "uniqueid",
)

// reservedVarNames must in addition be bracketed as let and range
// variables (`let has = 1` is refused, `print has = 1` is not).
var reservedVarNames = setOf(
	"by", "in", "of", "to", "set", "has", "contains", "print", "datatable",
	"find", "search", "externaldata",
)

// reservedRefNames must be bracketed where a column or variable is
// referred to: `extend has = 1` is fine, `| project has` is refused (the
// conformance cases r3-null-and-edge-0024 and r3-nested-pipelines-let-cte-0034,
// rejected by the Kusto engine), and so is `where has == 1`.
var reservedRefNames = func() map[string]bool {
	m := setOf("where", "title", "as", "toscalar", "totable", "materialize", "sample", "invoke")
	for _, s := range []map[string]bool{reservedDeclNames, reservedVarNames} {
		for w := range s {
			m[w] = true
		}
	}
	// these parse as literals or option names where they could be refused
	for _, w := range []string{"kind", "withsource", "true", "false", "True", "False", "TRUE", "FALSE"} {
		delete(m, w)
	}
	return m
}()

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// bracketed reports whether id was written as ['name'] (or ["name"]).
func bracketed(id *Ident) bool {
	return id.Sp.End-id.Sp.Start != len(id.Name)
}

// ReservedName reports whether Kusto refuses name, unbracketed, as a
// declared column name.
func ReservedName(name string) bool { return reservedDeclNames[name] }

// DeclaredNameErrors returns an error for each name declared or referred
// to in the tree at n without the brackets Kusto requires for it, in
// source order.
func DeclaredNameErrors(n Node) ErrorList {
	var errs ErrorList
	check := func(id *Ident, reserved ...map[string]bool) {
		if id == nil || bracketed(id) {
			return
		}
		for _, m := range reserved {
			if m[id.Name] {
				errs = append(errs, &Error{Span: id.Sp, Msg: `"` + id.Name + `" is a keyword`,
					Hint: "write ['" + id.Name + "'] to use it as a name"})
				return
			}
		}
	}
	ref := func(xs ...Expr) {
		for _, x := range xs {
			if id, ok := x.(*Ident); ok {
				check(id, reservedRefNames)
			}
		}
	}
	Inspect(n, func(n Node) bool {
		switch n := n.(type) {
		case *BinaryExpr:
			ref(n.X, n.Y)
		case *UnaryExpr:
			ref(n.X)
		case *BetweenExpr:
			ref(n.X, n.Lo, n.Hi)
		case *InExpr:
			ref(n.X)
			ref(n.List...)
		case *CallExpr:
			ref(n.Args...)
		case *NamedArg:
			ref(n.Value)
		case *IndexExpr:
			ref(n.X, n.Index)
		case *MemberExpr:
			ref(n.X)
		case *SortKey:
			ref(n.X)
		case *LetStmt:
			check(n.Name, reservedDeclNames, reservedVarNames)
		case *RangeOp:
			check(n.Name, reservedDeclNames, reservedVarNames)
		case *ColumnExpr:
			for _, id := range n.Names {
				check(id, reservedDeclNames)
			}
			ref(n.X)
		case *ColumnDecl:
			check(n.Name, reservedDeclNames)
		case *Param:
			check(n.Name, reservedDeclNames)
		case *SummarizeOp:
			errs = append(errs, summarizeDuplicates(n)...)
		case *MvExpandCol:
			check(n.Name, reservedDeclNames)
		case *ParsePart:
			// `from` and `to` read as keywords in a parse pattern: Kusto
			// refuses `parse s with "from=" from:string " to=" to:string`
			if n.Column != nil && n.Column.Name != nil && !bracketed(n.Column.Name) &&
				(n.Column.Name.Name == "from" || n.Column.Name.Name == "to") {
				check(n.Column.Name, setOf(n.Column.Name.Name))
			}
		}
		return true
	})
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Span.Start < errs[j].Span.Start })
	if len(errs) > MaxErrors {
		errs = errs[:MaxErrors]
	}
	return errs
}

// summarizeDuplicates reports a summarize column given a name that an
// earlier one (group keys first, then aggregates) was already given:
// `summarize count() by k, k` and `summarize k = count() by k` are
// refused by Kusto ("A column with the name 'k' is already declared").
// Automatic names do not collide: `by k, bin(k, 1h)` names the second k1.
func summarizeDuplicates(op *SummarizeOp) ErrorList {
	var errs ErrorList
	taken := map[string]bool{}
	for i, ce := range append(append([]*ColumnExpr(nil), op.By...), op.Aggs...) {
		if ce == nil {
			continue
		}
		var ids []*Ident
		switch {
		case len(ce.Names) > 0:
			ids = ce.Names
		case i < len(op.By):
			if id, ok := ce.X.(*Ident); ok {
				ids = []*Ident{id}
			}
		}
		for _, id := range ids {
			if id == nil {
				continue
			}
			if taken[id.Name] {
				errs = append(errs, &Error{Span: ce.Span(), Msg: fmt.Sprintf("column %q is already declared", id.Name),
					Hint: "give it another name, e.g. " + id.Name + "2 = ..."})
				continue
			}
			taken[id.Name] = true
		}
	}
	return errs
}
