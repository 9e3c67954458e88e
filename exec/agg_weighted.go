package exec

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// Weighted percentiles (percentilew, percentilesw, percentilesw_array)
// and percentiles_array over a dynamic list of percentages.
//
// The weighted percentile P of values v with weights w is the smallest v
// whose cumulative weight (of all values up to it) reaches P% of the total
// weight: the nearest-rank rule of percentile() with each value counted
// w times. It is computed from list() of the group, in time quadratic in
// the group's size.

func registerWeightedAggs(reg func(names, prefix string, min, max int, impl func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error))) {
	reg("percentilew", "percentile_", 3, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		x, err := weightedArgs(c, call, a)
		if err != nil {
			return val{}, err
		}
		return val{sql: weightedPercentile(x, a[1], "CAST("+a[2].sql+" AS DOUBLE)"), t: x.t}, nil
	})
	reg("percentilesw_array", "percentiles_", 3, 64, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		x, err := weightedArgs(c, call, a)
		if err != nil {
			return val{}, err
		}
		ps, err := percentList(c, call, a[2:], 2)
		if err != nil {
			return val{}, err
		}
		var parts []string
		for _, p := range ps {
			parts = append(parts, "coalesce("+c.toDynamic(val{sql: weightedPercentile(x, a[1], p), t: x.t}).sql+", CAST('null' AS JSON))")
		}
		return val{sql: "to_json([" + strings.Join(parts, ", ") + "])", t: kql.TDynamic}, nil
	})
}

func weightedArgs(c *compiler, call *kql.CallExpr, a []val) (val, error) {
	x := a[0]
	if x.t == kql.TDynamic {
		x = c.convert(x, kql.TReal)
	}
	if !isNumeric(a[1].t) {
		return val{}, errAt(call.Args[1], "%s: the weight must be a number, found %s", call.Func.Name, typeName(a[1].t))
	}
	return x, nil
}

// percentList reads the percentages of a *_array percentile function:
// numbers, or one constant dynamic array of numbers.
func percentList(c *compiler, call *kql.CallExpr, a []val, first int) ([]string, error) {
	if len(a) == 1 && a[0].t == kql.TDynamic {
		ns, err := constNumbers(call.Args[first], a[0], call.Func.Name+": the percentages")
		if err != nil {
			return nil, err
		}
		var ps []string
		for _, n := range ns {
			ps = append(ps, sqlReal(n))
		}
		return ps, nil
	}
	var ps []string
	for i, p := range a {
		if !isNumeric(p.t) {
			return nil, errAt(call.Args[first+i], "%s: a percentage must be a number, found %s", call.Func.Name, typeName(p.t))
		}
		ps = append(ps, "CAST("+p.sql+" AS DOUBLE)")
	}
	return ps, nil
}

// weightedPercentile is the aggregate SQL of one weighted percentile.
func weightedPercentile(x, w val, p string) string {
	pairs := "list({'v': " + x.sql + ", 'w': CAST(" + w.sql + " AS DOUBLE)}) FILTER (WHERE " + x.sql + " IS NOT NULL AND " + w.sql + " > 0)"
	cum := `list_sum(list_transform(list_filter("$s", "$f" -> "$f".v <= "$e".v), "$g" -> "$g".w))`
	total := `list_sum(list_transform("$s", "$g" -> "$g".w))`
	pick := `list_filter("$s", "$e" -> ` + cum + " >= " + p + " / 100.0 * " + total + `)[1].v`
	return "CAST(" + bindSQL("list_sort("+pairs+")", "s", pick) + " AS " + sqlType(x.t) + ")"
}
