package kql

// SentinelDynamic reports whether column name of t reads as dynamic in a
// query whose dynamic uses are uses (from DynamicUses): the advanced-hunting
// column is a string whose Sentinel type is dynamic, and the query uses it
// as dynamic.
func (t *Table) SentinelDynamic(name string, uses map[string]bool) bool {
	if t == nil || !uses[name] || t.SentinelTypes[name] != TDynamic {
		return false
	}
	for _, c := range t.Columns {
		if c.Name == name {
			return c.Type == TString
		}
	}
	return false
}

// dynamicArgFuncs are the functions whose first argument must be dynamic
// (an array or a property bag); a column passed to one is used as dynamic.
var dynamicArgFuncs = map[string]bool{
	"bag_keys": true, "bag_has_key": true, "bag_remove_keys": true, "bag_unpack": true,
	"array_length": true, "array_slice": true, "array_sort_asc": true, "array_sort_desc": true,
	"array_index_of": true, "array_reverse": true, "set_has_element": true,
}

// DynamicUses returns the names that query n uses as dynamic values: the
// X of a property access X.name or an index X[i], a column that
// mv-expand or mv-apply expands (mv-expand X, mv-expand n = X), and the
// first argument of a function that takes an array or bag (bag_keys,
// bag_has_key, array_length, evaluate bag_unpack, ...). Only bare
// identifiers count: parse_json(X).name uses X as a string.
func DynamicUses(n Node) map[string]bool {
	uses := map[string]bool{}
	mark := func(e Expr) {
		if id, ok := e.(*Ident); ok {
			uses[id.Name] = true
		}
	}
	Inspect(n, func(n Node) bool {
		switch n := n.(type) {
		case *MemberExpr:
			mark(n.X)
		case *IndexExpr:
			mark(n.X)
		case *MvExpandCol:
			mark(n.X)
		case *CallExpr:
			if n.Func != nil && dynamicArgFuncs[n.Func.Name] && len(n.Args) > 0 {
				mark(n.Args[0])
			}
		}
		return true
	})
	return uses
}
