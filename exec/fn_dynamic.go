package exec

import (
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// jsonList is a dynamic array as a DuckDB JSON[] (null for non-arrays).
func jsonList(sql string) string {
	return "(CASE WHEN json_type(" + sql + ") = 'ARRAY' THEN CAST(" + sql + " AS JSON[]) END)"
}

// elemText is the comparable text of a JSON value.
func elemText(e string) string {
	return "CAST(" + e + " AS VARCHAR)"
}

// distinctInOrder removes duplicates from a list, keeping first occurrences.
//
// It runs in time n log n (make_set over a large group): the elements
// paired with their positions are sorted, the first of each run of equal
// elements kept (s[j - 1] is the sorted list's previous element) and those
// put back in the order of their positions. Keeping an element when
// list_position finds no earlier equal one was quadratic.
func distinctInOrder(l string) string {
	// the lambda parameters are named so as not to meet a column's name
	s := "list_sort(list_transform(" + l + ", (\"$dx\", \"$di\") -> {'v': \"$dx\", 'i': \"$di\"}))"
	firsts := "list_transform([" + s + "], \"$ds\" -> list_filter(\"$ds\", (\"$dp\", \"$dj\") -> \"$dj\" = 1 OR \"$ds\"[\"$dj\" - 1].v IS DISTINCT FROM \"$dp\".v))[1]"
	return "list_transform(list_sort(list_transform(" + firsts + ", \"$dp\" -> {'i': \"$dp\".i, 'v': \"$dp\".v})), \"$dp\" -> \"$dp\".v)"
}

func dynArg(c *compiler, a val) string {
	if a.t != kql.TDynamic {
		return c.toDynamic(a).sql
	}
	return a.sql
}

func registerDynamicFuncs(reg func(string, int, int, fnImpl)) {
	reg("array_length", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		d := dynArg(c, a[0])
		return val{sql: "(CASE WHEN json_type(" + d + ") = 'ARRAY' THEN CAST(json_array_length(" + d + ") AS BIGINT) END)", t: kql.TLong}, nil
	})
	reg("array_concat", 1, 64, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		// arguments that are not arrays contribute nothing
		var ls []string
		for _, v := range a {
			ls = append(ls, "coalesce("+jsonList(dynArg(c, v))+", CAST([] AS JSON[]))")
		}
		expr := ls[0]
		for _, l := range ls[1:] {
			expr = "list_concat(" + expr + ", " + l + ")"
		}
		return val{sql: "to_json(" + expr + ")", t: kql.TDynamic}, nil
	})
	reg("array_slice", 3, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		l := jsonList(dynArg(c, a[0]))
		n := "len(" + l + ")"
		s := "(CASE WHEN " + a[1].sql + " < 0 THEN greatest(" + n + " + " + a[1].sql + ", 0) ELSE " + a[1].sql + " END)"
		e := "(CASE WHEN " + a[2].sql + " < 0 THEN " + n + " + " + a[2].sql + " ELSE least(" + a[2].sql + ", " + n + " - 1) END)"
		return val{sql: "to_json(CASE WHEN " + e + " < " + s + " THEN CAST([] AS JSON[]) ELSE list_slice(" + l + ", " + s + " + 1, " + e + " + 1) END)", t: kql.TDynamic}, nil
	})
	reg("array_index_of", 2, 5, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		l := jsonList(dynArg(c, a[0]))
		x := c.toDynamic(a[1]).sql
		start, length, occ := "0", "-1", "1"
		if len(a) >= 3 {
			start = a[2].sql
		}
		if len(a) >= 4 {
			length = a[3].sql
		}
		if len(a) == 5 {
			occ = a[4].sql
		}
		// numbers compare as numbers (15 finds 15.0), other values by
		// their JSON text
		e := l + `["$p" + 1]`
		num := func(j string) string { return "json_type(" + j + ") IN ('BIGINT', 'UBIGINT', 'DOUBLE')" }
		match := "(CASE WHEN " + num(e) + " AND " + num(x) + " THEN CAST(" + e + " AS DOUBLE) = CAST(" + x + " AS DOUBLE) ELSE " + elemText(e) + " = " + elemText("("+x+")") + " END)"
		return val{sql: nthMatch(searchRange("len("+l+")", start, length), match, occ), t: kql.TLong}, nil
	})
	reg("array_sum", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		l := jsonList(dynArg(c, a[0]))
		return val{sql: "CAST(list_sum(list_transform(" + l + ", e -> TRY_CAST(e AS DOUBLE))) AS DOUBLE)", t: kql.TReal}, nil
	})
	minmax := func(name, f string) {
		reg(name, 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
			l := jsonList(dynArg(c, a[0]))
			return val{sql: "(SELECT to_json(" + f + "(TRY_CAST(e AS DOUBLE))) FROM (SELECT unnest(" + l + ") AS e))", t: kql.TDynamic}, nil
		})
	}
	_ = minmax
	sortFn := func(name, dir string) {
		reg(name, 1, 64, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
			if len(a) >= 2 && a[1].t == kql.TDynamic {
				return sortArrays(c, call, a, dir)
			}
			if len(a) > 2 {
				return val{}, errAt(call.Args[2], "%s: expected arrays and then one nulls_last bool", name)
			}
			l := jsonList(dynArg(c, a[0]))
			nulls := "NULLS LAST"
			if len(a) == 2 {
				if a[1].lit != nil && a[1].lit.Kind == kql.LitBool && !a[1].lit.Bool {
					nulls = "NULLS FIRST"
				}
			}
			num := "list_bool_and(list_transform(" + l + ", e -> json_type(e) IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'NULL')))"
			return val{sql: "(CASE WHEN " + l + " IS NULL THEN NULL WHEN len(" + l + ") = 0 THEN CAST('[]' AS JSON) WHEN " + num + " THEN to_json(list_transform(list_sort(list_transform(" + l + ", e -> TRY_CAST(e AS DOUBLE)), '" + dir + "', '" + nulls + "'), x -> CASE WHEN x = trunc(x) AND abs(x) < 1e15 THEN to_json(CAST(x AS BIGINT)) ELSE to_json(x) END)) " +
				"ELSE to_json(list_transform(list_sort(list_transform(" + l + ", e -> CASE WHEN json_type(e) = 'VARCHAR' THEN json_extract_string(e, '$') ELSE CAST(e AS VARCHAR) END), '" + dir + "', '" + nulls + "'), x -> to_json(x))) END)", t: kql.TDynamic}, nil
		})
	}
	sortFn("array_sort_asc", "ASC")
	sortFn("array_sort_desc", "DESC")
	reg("array_reverse", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		l := jsonList(dynArg(c, a[0]))
		return val{sql: "to_json(list_reverse(" + l + "))", t: kql.TDynamic}, nil
	})
	reg("pack_array", 0, -1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		var parts []string
		for _, v := range a {
			d := c.toDynamic(v).sql
			parts = append(parts, "coalesce("+d+", CAST('null' AS JSON))")
		}
		if len(parts) == 0 {
			return val{sql: "CAST('[]' AS JSON)", t: kql.TDynamic}, nil
		}
		return val{sql: "to_json([" + strings.Join(parts, ", ") + "])", t: kql.TDynamic}, nil
	})
	reg("pack bag_pack pack_dictionary", 0, 128, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		if len(a)%2 != 0 {
			return val{}, errAt(call, "%s() takes key/value pairs", call.Func.Name)
		}
		var parts []string
		for i := 0; i < len(a); i += 2 {
			parts = append(parts, c.asString(a[i]).sql, "coalesce("+c.toDynamic(a[i+1]).sql+", CAST('null' AS JSON))")
		}
		if len(parts) == 0 {
			return val{sql: "CAST('{}' AS JSON)", t: kql.TDynamic}, nil
		}
		return val{sql: "json_object(" + strings.Join(parts, ", ") + ")", t: kql.TDynamic}, nil
	})
	reg("bag_keys", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		d := dynArg(c, a[0])
		return val{sql: "(CASE WHEN json_type(" + d + ") = 'OBJECT' THEN to_json(json_keys(" + d + ")) END)", t: kql.TDynamic}, nil
	})
	reg("bag_has_key", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		d := dynArg(c, a[0])
		if str, ok := a[1].isConstString(); ok {
			path, isPath, err := jsonPathKeys(call.Args[1], str)
			if err != nil {
				return val{}, err
			}
			if isPath {
				// every step but the last must be a bag
				parent := keysPointer(path[:len(path)-1])
				return val{sql: "(json_type(" + d + ") = 'OBJECT' AND coalesce(json_type(" + d + ", " + quoteString(parent) + ") = 'OBJECT' AND json_extract(" + d + ", " + quoteString(keysPointer(path)) + ") IS NOT NULL, false))", t: kql.TBool}, nil
			}
		}
		k := c.asString(a[1]).sql
		return val{sql: "(json_type(" + d + ") = 'OBJECT' AND list_contains(json_keys(" + d + "), " + k + "))", t: kql.TBool}, nil
	})
	reg("bag_merge", 1, 64, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		// first value wins: apply later bags first
		expr := "CAST('{}' AS JSON)"
		for i := len(a) - 1; i >= 0; i-- {
			d := dynArg(c, a[i])
			expr = "(CASE WHEN json_type(" + d + ") = 'OBJECT' THEN json_merge_patch(" + expr + ", " + d + ") ELSE " + expr + " END)"
		}
		return val{sql: expr, t: kql.TDynamic}, nil
	})
	reg("bag_remove_keys", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		d := dynArg(c, a[0])
		if ks, ok := constStrings(a[1]); ok {
			// with JSONPath keys: remove each key where its parent is a
			// bag, by a merge patch that sets it to null
			var paths [][]string
			anyPath := false
			for _, k := range ks {
				path, isPath, err := jsonPathKeys(call.Args[1], k)
				if err != nil {
					return val{}, err
				}
				if !isPath {
					path = []string{k}
				}
				anyPath = anyPath || isPath
				paths = append(paths, path)
			}
			if anyPath {
				out := d
				for _, path := range paths {
					parent := quoteString(keysPointer(path[:len(path)-1]))
					out = "(CASE WHEN json_type(" + out + ", " + parent + ") = 'OBJECT' AND json_extract(" + out + ", " + quoteString(keysPointer(path)) + ") IS NOT NULL THEN json_merge_patch(" + out + ", " + nestedObject(path, "CAST('null' AS JSON)") + ") ELSE " + out + " END)"
				}
				return val{sql: "(CASE WHEN json_type(" + d + ") = 'OBJECT' THEN " + out + " END)", t: kql.TDynamic}, nil
			}
		}
		keys := "list_transform(" + jsonList(dynArg(c, a[1])) + ", e -> json_extract_string(e, '$'))"
		kept := "list_filter(json_keys(" + d + "), k -> NOT coalesce(list_contains(" + keys + ", k), false))"
		obj := "to_json(map_from_entries(list_transform(" + kept + ", k -> struct_pack(k := k, v := json_extract(" + d + ", '/' || replace(replace(k, '~', '~0'), '/', '~1'))))))"
		return val{sql: "(CASE WHEN json_type(" + d + ") = 'OBJECT' THEN (CASE WHEN len(" + kept + ") = 0 THEN CAST('{}' AS JSON) ELSE " + obj + " END) END)", t: kql.TDynamic}, nil
	})
	reg("set_has_element", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		l := jsonList(dynArg(c, a[0]))
		x := c.toDynamic(a[1]).sql
		return val{sql: "list_contains(list_transform(" + l + ", e -> CAST(e AS VARCHAR)), CAST(" + x + " AS VARCHAR))", t: kql.TBool}, nil
	})
	setOp := func(name string) {
		reg(name, 2, 64, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
			var ls []string
			for _, v := range a {
				ls = append(ls, "list_transform("+jsonList(dynArg(c, v))+", e -> CAST(e AS VARCHAR))")
			}
			expr := ls[0]
			for _, l := range ls[1:] {
				switch name {
				case "set_union":
					expr = "list_concat(" + expr + ", " + l + ")"
				case "set_intersect":
					expr = "list_intersect(" + expr + ", " + l + ")"
				case "set_difference":
					expr = "list_filter(" + expr + ", x -> NOT list_contains(" + l + ", x))"
				}
			}
			return val{sql: "to_json(list_transform(" + distinctInOrder(expr) + ", x -> CAST(x AS JSON)))", t: kql.TDynamic}, nil
		})
	}
	setOp("set_union")
	setOp("set_intersect")
	setOp("set_difference")
	reg("strcat_array", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		l := jsonList(dynArg(c, a[0]))
		return val{sql: "coalesce(array_to_string(list_transform(" + l + ", e -> coalesce(" + dynText("e") + ", '')), " + c.asString(a[1]).sql + "), '')", t: kql.TString}, nil
	})
	reg("dynamic_to_json", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: "coalesce(CAST(" + dynArg(c, a[0]) + " AS VARCHAR), 'null')", t: kql.TString}, nil
	})
	reg("zip", 2, 16, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		var ls []string
		for _, v := range a {
			ls = append(ls, jsonList(dynArg(c, v)))
		}
		var lens []string
		for _, l := range ls {
			lens = append(lens, "coalesce(len("+l+"), 0)")
		}
		var elems []string
		for _, l := range ls {
			elems = append(elems, "coalesce("+l+"[i], CAST('null' AS JSON))")
		}
		return val{sql: "to_json(list_transform(range(1, greatest(" + strings.Join(lens, ", ") + ") + 1), i -> to_json([" + strings.Join(elems, ", ") + "])))", t: kql.TDynamic}, nil
	})
	fill := func(name string, forward bool) {
		reg(name, 1, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
			if len(a) == 2 {
				return val{}, errAt(call.Args[1], "%s with a missing-value placeholder is not supported", name)
			}
			l := jsonList(dynArg(c, a[0]))
			notNull := "x -> coalesce(json_type(x) <> 'NULL', false)"
			var pick string
			if forward {
				pick = "list_filter(list_slice(" + l + ", 1, i), " + notNull + ")[-1]"
			} else {
				pick = "list_filter(list_slice(" + l + ", i, len(" + l + ")), " + notNull + ")[1]"
			}
			return val{sql: "(CASE WHEN " + l + " IS NULL THEN NULL ELSE to_json(list_transform(range(1, len(" + l + ") + 1), i -> coalesce(" + pick + ", CAST('null' AS JSON)))) END)", t: kql.TDynamic}, nil
		})
	}
	fill("series_fill_forward", true)
	fill("series_fill_backward", false)
	reg("series_fill_linear", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		// nulls between two values are interpolated; leading and trailing
		// nulls take the nearest value (fill_edges defaults to true)
		l := jsonList(dynArg(c, a[0]))
		ok := func(j string) string { return "coalesce(json_type(" + l + "[" + j + "]) <> 'NULL', false)" }
		p := "list_filter(range(1, i + 1), j -> " + ok("j") + ")[-1]"
		n := "list_filter(range(i, len(" + l + ") + 1), j -> " + ok("j") + ")[1]"
		num := func(j string) string { return "CAST(" + l + "[" + j + "] AS DOUBLE)" }
		el := "CASE WHEN " + ok("i") + " THEN " + l + "[i] " +
			"WHEN " + p + " IS NULL AND " + n + " IS NULL THEN CAST('null' AS JSON) " +
			"WHEN " + p + " IS NULL THEN " + l + "[" + n + "] " +
			"WHEN " + n + " IS NULL THEN " + l + "[" + p + "] " +
			"ELSE to_json(" + num(p) + " + (" + num(n) + " - " + num(p) + ") * (i - " + p + ") / (" + n + " - " + p + ")) END"
		return val{sql: "(CASE WHEN " + l + " IS NULL THEN NULL ELSE to_json(list_transform(range(1, len(" + l + ") + 1), i -> " + el + ")) END)", t: kql.TDynamic}, nil
	})
	reg("series_fill_const", 2, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		if len(a) == 3 {
			return val{}, errAt(call.Args[2], "series_fill_const with a missing-value placeholder is not supported")
		}
		l := jsonList(dynArg(c, a[0]))
		k := "coalesce(" + c.toDynamic(a[1]).sql + ", CAST('null' AS JSON))"
		return val{sql: "to_json(list_transform(" + l + ", x -> CASE WHEN coalesce(json_type(x) <> 'NULL', false) THEN x ELSE " + k + " END))", t: kql.TDynamic}, nil
	})
	_ = strconv.Itoa
}
