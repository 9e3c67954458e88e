package kql

// # The Sentinel flavour of dynamic columns
//
// Several advanced-hunting columns are documented as string but hold JSON
// (AdditionalFields, DeviceInfo.LoggedOnUsers, DeviceNetworkInfo.IPAddresses,
// ...). In Microsoft Sentinel (Log Analytics) the same tables carry them as
// dynamic; schema.json records that as the column's "la_type" and Table.
// SentinelTypes holds it. Published hunts written for Sentinel read them as
// dynamic (AdditionalFields.Experience, LoggedOnUsers[0].UserName,
// mv-expand AdditionalFields), which advanced hunting rejects (a string has
// no properties).
//
// The rule both the checker and the compiler apply: in a query that uses
// such a column as a dynamic value anywhere (see DynamicUses), the column
// reads as dynamic, the stored JSON text parsed as parse_json parses it, on
// every read of a table whose Sentinel type for it is dynamic. A query that
// uses it only as a string (has, contains, parse_json(AdditionalFields),
// tostring(...)) keeps advanced hunting's string. So:
//
//   - a query that advanced hunting accepts keeps its meaning: it has no
//     dynamic use of the column, since member access, indexing and
//     mv-expand are errors on a string there;
//   - a query that only Sentinel accepts gets Sentinel's type, for the whole
//     query: one column has one type in one query, never string in one
//     operator and dynamic in the next;
//   - a string-only use inside such a query still works as it does in
//     Sentinel: parse_json/todynamic of a dynamic is the same value,
//     tostring gives its JSON text, and has/contains search that text.
//
// Only string → dynamic differences follow use. Other la_type differences
// (IdentityLogonEvents.Port int vs string, CvssScore string vs real) are
// not inferred from use: comparing them with the other type stays the
// type error advanced hunting reports.

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
