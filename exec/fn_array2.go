package exec

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// Array functions over dynamic arrays: array_iff, array_rotate_*,
// array_shift_*, array_split, jaccard_index, and the search functions
// with start, length and occurrence (array_index_of, indexof).

func registerArrayFuncs(reg func(string, int, int, fnImpl)) {
	reg("array_iff array_iif", 3, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		if a[0].t != kql.TDynamic {
			return val{}, errAt(call.Args[0], "%s: the condition must be a dynamic array, found %s", call.Func.Name, typeName(a[0].t))
		}
		cond := jsonList(a[0].sql)
		// a value argument is an array taken element by element, or a
		// scalar used for every element
		pick := func(v val) string {
			if v.t != kql.TDynamic {
				return "coalesce(" + c.toDynamic(v).sql + ", CAST('null' AS JSON))"
			}
			d := dynArg(c, v)
			return "(CASE WHEN json_type(" + d + `) = 'ARRAY' THEN coalesce(` + jsonList(d) + `["$i"], CAST('null' AS JSON)) ELSE ` + d + " END)"
		}
		// a condition element is true, false, or a number (non-zero is
		// true); anything else gives null
		c0 := cond + `["$i"]`
		test := "(CASE json_type(" + c0 + ") WHEN 'BOOLEAN' THEN CAST(" + c0 + " AS BOOLEAN) WHEN 'BIGINT' THEN CAST(" + c0 + " AS DOUBLE) <> 0 WHEN 'UBIGINT' THEN CAST(" + c0 + " AS DOUBLE) <> 0 WHEN 'DOUBLE' THEN CAST(" + c0 + " AS DOUBLE) <> 0 END)"
		el := "(CASE WHEN " + test + " THEN " + pick(a[1]) + " WHEN NOT " + test + " THEN " + pick(a[2]) + " ELSE CAST('null' AS JSON) END)"
		return val{sql: "to_json(list_transform(range(1, len(" + cond + `) + 1), "$i" -> ` + el + "))", t: kql.TDynamic}, nil
	})
	rotate := func(name string, sign string) {
		reg(name, 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
			l := jsonList(dynArg(c, a[0]))
			n := "(" + sign + "CAST(" + a[1].sql + " AS BIGINT))"
			// element i of the result is element (i + n) mod len of the input
			el := `"$l"[((("$i" - 1 + ` + n + `) % len("$l")) + len("$l")) % len("$l") + 1]`
			body := `(CASE WHEN "$l" IS NULL THEN NULL WHEN len("$l") = 0 THEN CAST('[]' AS JSON) ELSE to_json(list_transform(range(1, len("$l") + 1), "$i" -> ` + el + ")) END)"
			return val{sql: bindSQL(l, "l", body), t: kql.TDynamic}, nil
		})
	}
	rotate("array_rotate_left", "")
	rotate("array_rotate_right", "-")
	shift := func(name string, sign string) {
		reg(name, 2, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
			l := jsonList(dynArg(c, a[0]))
			n := "(" + sign + "CAST(" + a[1].sql + " AS BIGINT))"
			fill := "CAST('null' AS JSON)"
			if len(a) == 3 {
				fill = "coalesce(" + c.toDynamic(a[2]).sql + ", CAST('null' AS JSON))"
			}
			// element i of the result is element i + n of the input, or
			// the fill value past either end
			k := `("$i" + ` + n + ")"
			el := "(CASE WHEN " + k + ` BETWEEN 1 AND len("$l") THEN "$l"[` + k + "] ELSE " + fill + " END)"
			body := `(CASE WHEN "$l" IS NULL THEN NULL WHEN len("$l") = 0 THEN CAST('[]' AS JSON) ELSE to_json(list_transform(range(1, len("$l") + 1), "$i" -> ` + el + ")) END)"
			return val{sql: bindSQL(l, "l", body), t: kql.TDynamic}, nil
		})
	}
	shift("array_shift_left", "")
	shift("array_shift_right", "-")
	reg("array_split", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		l := jsonList(dynArg(c, a[0]))
		var idx string
		if isIntegral(a[1].t) {
			idx = "[CAST(" + a[1].sql + " AS BIGINT)]"
		} else if a[1].t == kql.TDynamic {
			idx = "list_transform(" + jsonList(a[1].sql) + `, "$k" -> TRY_CAST("$k" AS BIGINT))`
		} else {
			return val{}, errAt(call.Args[1], "array_split: the indices must be an integer or a dynamic array of integers, found %s", typeName(a[1].t))
		}
		// negative indices count from the end; indices are clamped to the
		// array, and the parts are [0..i1), [i1..i2), ..., [iN..len)
		clamp := `least(greatest(CASE WHEN "$k" < 0 THEN len("$l") + "$k" ELSE "$k" END, 0), len("$l"))`
		bounds := `list_concat([0], list_transform(` + idx + `, "$k" -> ` + clamp + `), [len("$l")])`
		parts := `list_transform(range(1, len("$b")), "$j" -> to_json(list_slice("$l", "$b"["$j"] + 1, "$b"["$j" + 1])))`
		body := `(CASE WHEN "$l" IS NULL THEN NULL ELSE to_json(` + bindSQL(bounds, "b", parts) + ") END)"
		return val{sql: bindSQL(l, "l", body), t: kql.TDynamic}, nil
	})
	reg("treepath", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: treepathSQL(dynArg(c, a[0])), t: kql.TDynamic}, nil
	})
	reg("jaccard_index", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		text := func(v val) string {
			return "list_distinct(list_transform(" + jsonList(dynArg(c, v)) + `, "$e" -> CAST("$e" AS VARCHAR)))`
		}
		x, y := text(a[0]), text(a[1])
		inter := "len(list_intersect(" + x + ", " + y + "))"
		union := "len(list_distinct(list_concat(" + x + ", " + y + ")))"
		return val{sql: "(CAST(" + inter + " AS DOUBLE) / " + union + ")", t: kql.TReal}, nil
	})
}

// searchRange is the list of candidate 0-based positions of a search over
// n items from start (negative: from the end; clamped to the items) for
// length items (-1: to the end). A start past the end finds nothing: Kusto
// gives -1 for indexof of a quote from 3 in a 2-character string.
func searchRange(n, start, length string) string {
	s := "least(greatest(CASE WHEN " + start + " < 0 THEN " + n + " + " + start + " ELSE " + start + " END, 0), " + n + ")"
	e := "(CASE WHEN " + length + " < 0 THEN " + n + " ELSE least(" + s + " + " + length + ", " + n + ") END)"
	return "(CASE WHEN " + n + " IS NOT NULL AND " + start + " IS NOT NULL THEN range(" + s + ", greatest(" + e + ", " + s + ")) END)"
}

// nthMatch is the occurrence-th position in positions where match holds
// ("$p" is the position), -1 when there are fewer matches, null when
// positions is null.
func nthMatch(positions, match, occurrence string) string {
	found := "list_filter(" + positions + `, "$p" -> ` + match + ")"
	return "(CASE WHEN " + positions + " IS NULL OR " + occurrence + " < 1 THEN NULL ELSE CAST(coalesce(" + found + "[" + occurrence + "], -1) AS BIGINT) END)"
}

// sortArrays is array_sort_asc/desc over several arrays: the first is
// sorted (numbers as numbers when all are, else as text; ties keep their
// order) and the others are permuted the same way. Each sorted array is
// a column NAME_sorted; inside an expression the call is the array of the
// sorted arrays (array_sort_asc(t, c)[1] is c in the order of t).
func sortArrays(c *compiler, call *kql.CallExpr, a []val, dir string) (val, error) {
	nullsLast := true
	arrays := a
	if last := a[len(a)-1]; last.t == kql.TBool {
		b, ok := constBool(last)
		if !ok {
			return val{}, errAt(call.Args[len(a)-1], "%s: nulls_last must be a constant bool", call.Func.Name)
		}
		nullsLast, arrays = b, a[:len(a)-1]
	}
	var ls []string
	for i, v := range arrays {
		if v.t != kql.TDynamic {
			return val{}, errAt(call.Args[i], "%s: expected a dynamic array, found %s", call.Func.Name, typeName(v.t))
		}
		ls = append(ls, jsonList(v.sql))
	}
	key := ls[0]
	num := "list_bool_and(list_transform(" + key + `, "$e" -> json_type("$e") IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'NULL')))`
	// z puts nulls first or last whatever the direction; i keeps ties in
	// input order (negated when descending)
	isNull := `(json_type(` + key + `["$i"]) IS NULL OR json_type(` + key + `["$i"]) = 'NULL')`
	z := isNull
	if (dir == "DESC") == nullsLast {
		z = "(NOT " + isNull + ")"
	}
	i := `"$i"`
	if dir == "DESC" {
		i = `-"$i"`
	}
	order := func(k string) string {
		return "list_transform(list_sort(list_transform(range(1, len(" + key + `) + 1), "$i" -> {'z': ` + z + ", 'k': " + k + ", 'i': " + i + "}), '" + dir + `'), "$s" -> abs("$s".i))`
	}
	idx := "(CASE WHEN " + num + " THEN " + order(`TRY_CAST(`+key+`["$i"] AS DOUBLE)`) + " ELSE " + order(`CASE WHEN json_type(`+key+`["$i"]) = 'VARCHAR' THEN json_extract_string(`+key+`["$i"], '$') ELSE CAST(`+key+`["$i"] AS VARCHAR) END`) + " END)"
	var multi []outCol
	var sorted []string
	for j, l := range ls {
		s := bindSQL(idx, "idx", "(CASE WHEN "+l+` IS NULL THEN NULL ELSE to_json(list_transform("$idx", "$i" -> coalesce(`+l+`["$i"], CAST('null' AS JSON)))) END)`)
		name := autoName(call.Args[j])
		if name == "" {
			name = "array" + strconv.Itoa(j+1)
		}
		multi = append(multi, outCol{name + "_sorted", s, kql.TDynamic})
		sorted = append(sorted, "coalesce("+s+", CAST('null' AS JSON))")
	}
	return val{sql: "to_json([" + strings.Join(sorted, ", ") + "])", t: kql.TDynamic, multi: multi}, nil
}

// indexofRegexRange is indexof_regex(source, regex, start[, length[,
// occurrence]]): the position of the occurrence-th match, matches taken
// left to right without overlapping, within the length characters from
// start; -1 when there are fewer, null for a negative start. The position
// is the length of the text before the match: the pieces between matches
// and the matches before it. Patterns that can match the empty string are
// refused, as the pieces and the matches would not line up.
func indexofRegexRange(c *compiler, call *kql.CallExpr, a []val) (val, error) {
	pat, ok := a[1].isConstString()
	if !ok {
		return val{}, errAt(call.Args[1], "indexof_regex with a start: the expression must be a constant")
	}
	if rx, err := regexp.Compile(pat); err == nil && rx.MatchString("") {
		return val{}, errAt(call.Args[1], "indexof_regex with a start: an expression that matches the empty string is not supported")
	}
	s := c.asString(a[0]).sql
	start, occ := a[2].sql, "1"
	sub := "substr(" + s + ", " + start + " + 1)"
	if len(a) >= 4 {
		sub = "(CASE WHEN " + a[3].sql + " < 0 THEN substr(" + s + ", " + start + " + 1) ELSE substr(" + s + ", " + start + " + 1, " + a[3].sql + ") END)"
	}
	if len(a) == 5 {
		occ = a[4].sql
	}
	re := quoteString(pat)
	lens := func(l string) string { return "coalesce(list_sum(list_transform(" + l + `, "$t" -> length("$t"))), 0)` }
	pos := lens(`list_slice(regexp_split_to_array("$u", `+re+"), 1, "+occ+")") + " + " + lens(`list_slice(regexp_extract_all("$u", `+re+"), 1, "+occ+" - 1)")
	body := "(CASE WHEN " + start + " < 0 OR " + occ + ` < 1 THEN NULL WHEN len(regexp_extract_all("$u", ` + re + ")) < " + occ + " THEN CAST(-1 AS BIGINT) ELSE CAST(" + start + " + " + pos + " AS BIGINT) END)"
	return val{sql: bindSQL(sub, "u", body), t: kql.TLong}, nil
}

// treepathDepth bounds the nesting treepath follows; deeper values stop
// the query with an error rather than a partial answer.
const treepathDepth = 12

// treepathSQL lists the paths of every value inside the dynamic d, parents
// before children: ['key'] for a bag member, [0] for the elements of an
// array (all elements share it; their paths are merged, first seen
// first) [D:treepath-function].
func treepathSQL(d string) string {
	children := func(j string, lvl int) string {
		k, e := `"$k`+itoa(lvl)+`"`, `"$e`+itoa(lvl)+`"`
		return "(CASE json_type(" + j + ") " +
			"WHEN 'OBJECT' THEN list_transform(json_keys(" + j + "), " + k + " -> {'s': '[''' || replace(" + k + ", '''', '\\''') || ''']', 'c': json_extract(" + j + ", '/' || replace(replace(" + k + ", '~', '~0'), '/', '~1'))}) " +
			"WHEN 'ARRAY' THEN list_transform(CAST(" + j + " AS JSON[]), " + e + " -> {'s': '[0]', 'c': " + e + "}) " +
			"ELSE CAST([] AS STRUCT(s VARCHAR, c JSON)[]) END)"
	}
	var level func(j, p string, lvl int) string
	level = func(j, p string, lvl int) string {
		if lvl == treepathDepth {
			return "(CASE WHEN json_type(" + j + ") IN ('OBJECT', 'ARRAY') AND len(" + children(j, lvl) + ") > 0 THEN CAST(error('treepath: the value nests deeper than " + itoa(treepathDepth) + " levels') AS VARCHAR[]) ELSE CAST([] AS VARCHAR[]) END)"
		}
		ch := `"$ch` + itoa(lvl) + `"`
		path := p + " || " + ch + ".s"
		return "flatten(list_transform(" + children(j, lvl) + ", " + ch + " -> list_prepend(" + path + ", " + level(ch+".c", path, lvl+1) + ")))"
	}
	all := level(d, "''", 0)
	return "(CASE WHEN " + d + " IS NULL THEN NULL ELSE to_json(" + bindSQL(all, "tp", distinctInOrder(`"$tp"`)) + ") END)"
}
