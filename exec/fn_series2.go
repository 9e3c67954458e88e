package exec

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// Series functions: element-wise arithmetic and comparison over dynamic
// arrays, statistics, linear fit, correlation and the FIR/IIR filters.
// A series is read as a DOUBLE[] whose non-numeric elements are null;
// results are written back as JSON with NaN and ±Infinity as strings, the
// way Kusto prints them.

// multiName is the automatic column name of one result of a function
// with several: FUNC_ARG_SUFFIX (series_stats_x_min), or FUNC_SUFFIX when
// the first argument is not a column.
func multiName(call *kql.CallExpr, suffix string) string {
	prefix := call.Func.Name
	if len(call.Args) > 0 {
		if n := autoName(call.Args[0]); n != "" {
			prefix += "_" + n
		}
	}
	return prefix + "_" + suffix
}

// numList reads a dynamic array as DOUBLE[] (null when it is not an array).
func numList(d string) string {
	return "list_transform(" + jsonList(d) + `, "$v" -> TRY_CAST("$v" AS DOUBLE))`
}

// realJSON is the dynamic form of one real (NaN and infinities as text).
func realJSON(x string) string {
	return "(CASE WHEN " + x + " IS NULL THEN CAST('null' AS JSON) WHEN isnan(" + x + ") OR isinf(" + x + ") THEN to_json(" + realText(x) + ") ELSE to_json(" + x + ") END)"
}

// realListJSON writes a DOUBLE[] as a dynamic array.
func realListJSON(l string) string {
	return "to_json(list_transform(" + l + `, "$y" -> ` + realJSON(`"$y"`) + "))"
}

// seriesOperand is an argument of an element-wise function: a list, or a
// scalar that applies to every element.
type seriesOperand struct {
	list string // DOUBLE[] or ""
	num  string // DOUBLE scalar when list is ""
}

func (c *compiler) seriesArg(v val) seriesOperand {
	if isNumeric(v.t) {
		return seriesOperand{num: "CAST(" + v.sql + " AS DOUBLE)"}
	}
	return seriesOperand{list: numList(dynArg(c, v))}
}

// at is element i (1-based SQL) of the operand.
func (o seriesOperand) at(i string) string {
	if o.list == "" {
		return o.num
	}
	return o.list + "[" + i + "]"
}

// seriesZip applies f to the elements of a and b; the result is as long
// as the longer list, missing elements being null.
func seriesZip(a, b seriesOperand, f func(x, y string) string) string {
	var n string
	switch {
	case a.list != "" && b.list != "":
		n = "greatest(len(" + a.list + "), len(" + b.list + "))"
	case a.list != "":
		n = "len(" + a.list + ")"
	case b.list != "":
		n = "len(" + b.list + ")"
	default:
		n = "1"
	}
	return `list_transform(range(1, ` + n + ` + 1), "$i" -> ` + f(a.at(`"$i"`), b.at(`"$i"`)) + ")"
}

func registerSeriesFuncs(reg func(string, int, int, fnImpl)) {
	arith := func(name string, f func(x, y string) string) {
		reg(name, 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
			x, y := c.seriesArg(a[0]), c.seriesArg(a[1])
			return val{sql: realListJSON(seriesZip(x, y, f)), t: kql.TDynamic}, nil
		})
	}
	arith("series_add", func(x, y string) string { return "(" + x + " + " + y + ")" })
	arith("series_subtract", func(x, y string) string { return "(" + x + " - " + y + ")" })
	arith("series_multiply", func(x, y string) string { return "(" + x + " * " + y + ")" })
	arith("series_divide", func(x, y string) string { return "(" + x + " / " + y + ")" })
	cmp := func(name, op string) {
		reg(name, 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
			x, y := c.seriesArg(a[0]), c.seriesArg(a[1])
			return val{sql: "to_json(" + seriesZip(x, y, func(x, y string) string { return "(" + x + " " + op + " " + y + ")" }) + ")", t: kql.TDynamic}, nil
		})
	}
	cmp("series_greater", ">")
	cmp("series_greater_equals", ">=")
	cmp("series_less", "<")
	cmp("series_less_equals", "<=")
	cmp("series_equals", "=")
	cmp("series_not_equals", "<>")
	unary := func(name, f string) {
		reg(name, 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
			l := numList(dynArg(c, a[0]))
			return val{sql: realListJSON("list_transform(" + l + `, "$x" -> ` + strings.ReplaceAll(f, "%s", `"$x"`) + ")"), t: kql.TDynamic}, nil
		})
	}
	unary("series_abs", "abs(%s)")
	unary("series_sign", "CAST(sign(%s) AS DOUBLE)")
	unary("series_exp", "exp(%s)")
	unary("series_log", "(CASE WHEN %s < 0 THEN NULL WHEN %s = 0 THEN CAST('-Infinity' AS DOUBLE) ELSE ln(%s) END)")
	unary("series_cos", "cos(%s)")
	unary("series_sin", "sin(%s)")
	unary("series_tan", "tan(%s)")
	unary("series_acos", "acos(%s)")
	unary("series_asin", "asin(%s)")
	unary("series_atan", "atan(%s)")
	unary("series_ceiling", "ceil(%s)")
	unary("series_floor", "floor(%s)")
	reg("series_sum", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: "CAST(list_sum(" + numList(dynArg(c, a[0])) + ") AS DOUBLE)", t: kql.TReal}, nil
	})
	reg("series_magnitude", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		l := numList(dynArg(c, a[0]))
		return val{sql: "sqrt(list_sum(list_transform(" + l + `, "$x" -> "$x" * "$x")))`, t: kql.TReal}, nil
	})
	reg("series_dot_product", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		x, y := c.seriesArg(a[0]), c.seriesArg(a[1])
		return val{sql: "CAST(list_sum(" + seriesZip(x, y, func(x, y string) string { return "(" + x + " * " + y + ")" }) + ") AS DOUBLE)", t: kql.TReal}, nil
	})
	reg("series_stats_dynamic", 1, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		l, err := statsList(c, call, a)
		if err != nil {
			return val{}, err
		}
		var parts []string
		for _, s := range seriesStats(`"$l"`, true) {
			parts = append(parts, quoteString(s.name), s.json)
		}
		return val{sql: bindSQL(l, "l", "json_object("+strings.Join(parts, ", ")+")"), t: kql.TDynamic}, nil
	})
	reg("series_stats", 1, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		l, err := statsList(c, call, a)
		if err != nil {
			return val{}, err
		}
		var multi []outCol
		for _, s := range seriesStats(l, false) {
			multi = append(multi, outCol{multiName(call, s.name), s.sql, s.t})
		}
		return val{sql: multi[0].sql, t: multi[0].t, multi: multi}, nil
	})
	reg("series_fit_line", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		var multi []outCol
		for _, s := range lineFit(numList(dynArg(c, a[0]))) {
			multi = append(multi, outCol{multiName(call, s.name), s.sql, s.t})
		}
		return val{sql: multi[0].sql, t: multi[0].t, multi: multi}, nil
	})
	reg("series_fit_line_dynamic", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		var parts []string
		for _, s := range lineFit(`"$l"`) {
			parts = append(parts, quoteString(s.name), s.json)
		}
		return val{sql: bindSQL(numList(dynArg(c, a[0])), "l", "json_object("+strings.Join(parts, ", ")+")"), t: kql.TDynamic}, nil
	})
	reg("series_pearson_correlation", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		x, y := numList(dynArg(c, a[0])), numList(dynArg(c, a[1]))
		mx, my := `list_avg("$x")`, `list_avg("$y")`
		idx := `range(1, len("$x") + 1)`
		sum := func(f string) string {
			return "list_sum(list_transform(" + idx + `, "$i" -> ` + f + "))"
		}
		dx, dy := `("$x"["$i"] - `+mx+")", `("$y"["$i"] - `+my+")"
		r := sum(dx+" * "+dy) + " / sqrt(" + sum(dx+" * "+dx) + " * " + sum(dy+" * "+dy) + ")"
		body := `(CASE WHEN len("$x") <> len("$y") OR len("$x") = 0 THEN NULL ELSE ` + r + " END)"
		return val{sql: bindSQL(x, "x", bindSQL(y, "y", body)), t: kql.TReal}, nil
	})
	reg("series_iir", 3, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		x := numList(dynArg(c, a[0]))
		b, err := constNumbers(call.Args[1], a[1], "series_iir: the numerators")
		if err != nil {
			return val{}, err
		}
		d, err := constNumbers(call.Args[2], a[2], "series_iir: the denominators")
		if err != nil {
			return val{}, err
		}
		if len(d) == 0 || d[0] == 0 {
			return val{}, errAt(call.Args[2], "series_iir: the first denominator must not be zero")
		}
		// y[n] = (sum b[i] x[n-i] - sum_{j>=1} a[j] y[n-j]) / a[0], with
		// values before the start taken as 0
		n := `(len("$acc") + 1)`
		var terms []string
		for i, bi := range b {
			terms = append(terms, sqlReal(bi)+" * coalesce(CASE WHEN "+n+" - "+strconv.Itoa(i)+` >= 1 THEN "$x"[`+n+" - "+strconv.Itoa(i)+"] END, 0)")
		}
		for j := 1; j < len(d); j++ {
			terms = append(terms, "- "+sqlReal(d[j])+" * coalesce(CASE WHEN "+n+" - "+strconv.Itoa(j)+` >= 1 THEN "$acc"[`+n+" - "+strconv.Itoa(j)+"] END, 0)")
		}
		step := `("$acc", "$e") -> list_append("$acc", (` + strings.Join(terms, " ") + ") / " + sqlReal(d[0]) + ")"
		red := `list_reduce(list_transform("$x", "$v" -> ["$v"]), ` + step + ", CAST([] AS DOUBLE[]))"
		return val{sql: bindSQL(x, "x", `(CASE WHEN "$x" IS NULL THEN NULL ELSE `+realListJSON(red)+" END)"), t: kql.TDynamic}, nil
	})
	reg("series_fir", 2, 4, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		x := numList(dynArg(c, a[0]))
		f, err := constNumbers(call.Args[1], a[1], "series_fir: the filter")
		if err != nil {
			return val{}, err
		}
		if len(f) == 0 {
			return val{}, errAt(call.Args[1], "series_fir: the filter is empty")
		}
		negative := false
		sum := 0.0
		for _, v := range f {
			sum += v
			if v < 0 {
				negative = true
			}
		}
		normalize := !negative
		if len(a) >= 3 {
			b, ok := constBool(a[2])
			if !ok {
				return val{}, errAt(call.Args[2], "series_fir: normalize must be a constant bool")
			}
			normalize = b
		}
		center := false
		if len(a) == 4 {
			b, ok := constBool(a[3])
			if !ok {
				return val{}, errAt(call.Args[3], "series_fir: center must be a constant bool")
			}
			center = b
		}
		if normalize && (negative || sum == 0) {
			return val{}, errAt(call.Args[1], "series_fir: a filter with negative values cannot be normalized (pass normalize=false)")
		}
		// y[n] = sum f[i] x[n-i+shift]; a centered filter looks (len-1)/2
		// points ahead; points outside the series count as 0
		shift := 0
		if center {
			shift = (len(f) - 1) / 2
		}
		var terms []string
		for i, fi := range f {
			k := `"$i" - ` + strconv.Itoa(i-shift)
			terms = append(terms, sqlReal(fi)+` * coalesce(CASE WHEN `+k+` >= 1 THEN "$x"[`+k+"] END, 0)")
		}
		el := "(" + strings.Join(terms, " + ") + ")"
		if normalize {
			el += " / " + sqlReal(sum)
		}
		body := `(CASE WHEN "$x" IS NULL THEN NULL ELSE ` + realListJSON(`list_transform(range(1, len("$x") + 1), "$i" -> `+el+")") + " END)"
		return val{sql: bindSQL(x, "x", body), t: kql.TDynamic}, nil
	})
}

// statsList is the series of series_stats with the ignore_nonfinite rule
// applied: without it, a series holding a null, NaN or infinity has no
// statistics (the list becomes null).
func statsList(c *compiler, call *kql.CallExpr, a []val) (string, error) {
	l := numList(dynArg(c, a[0]))
	ignore := false
	if len(a) == 2 {
		b, ok := constBool(a[1])
		if !ok {
			return "", errAt(call.Args[1], "%s: ignore_nonfinite must be a constant bool", call.Func.Name)
		}
		ignore = b
	}
	fin := `("$f" IS NOT NULL AND isfinite("$f"))`
	if ignore {
		return "list_filter(" + l + `, "$f" -> ` + fin + ")", nil
	}
	return bindSQL(l, "s", `(CASE WHEN list_bool_and(list_transform("$s", "$f" -> `+fin+`)) OR len("$s") = 0 THEN "$s" END)`), nil
}

type seriesStat struct {
	name, sql, json string
	t               kql.Type
}

// seriesStats are the statistics of series_stats over the DOUBLE[] l
// (sample variance and deviation); dyn adds sum and len.
func seriesStats(l string, dyn bool) []seriesStat {
	mk := func(name, sql string, t kql.Type) seriesStat {
		j := realJSON(sql)
		if t == kql.TLong {
			j = "to_json(" + sql + ")"
		}
		return seriesStat{name, sql, j, t}
	}
	idx := func(f string) string {
		return "CAST(list_position(" + l + ", " + f + "(" + l + ")) - 1 AS BIGINT)"
	}
	out := []seriesStat{
		mk("min", "CAST(list_min("+l+") AS DOUBLE)", kql.TReal),
		mk("min_idx", idx("list_min"), kql.TLong),
		mk("max", "CAST(list_max("+l+") AS DOUBLE)", kql.TReal),
		mk("max_idx", idx("list_max"), kql.TLong),
		mk("avg", "CAST(list_avg("+l+") AS DOUBLE)", kql.TReal),
		mk("stdev", "CAST(list_stddev_samp("+l+") AS DOUBLE)", kql.TReal),
		mk("variance", "CAST(list_var_samp("+l+") AS DOUBLE)", kql.TReal),
	}
	if dyn {
		out = append(out,
			mk("sum", "CAST(list_sum("+l+") AS DOUBLE)", kql.TReal),
			mk("len", "CAST(len("+l+") AS BIGINT)", kql.TLong))
	}
	return out
}

// lineFit is the least-squares line through the points (1, l[1]), (2,
// l[2]), ...: rsquare, slope, variance (sample variance of the data),
// rvariance (sample variance of the residuals), interception and
// line_fit, as series_fit_line documents them.
func lineFit(l string) []seriesStat {
	n := "len(" + l + ")"
	mx := "((" + n + " + 1) / 2.0)"
	my := "list_avg(" + l + ")"
	idx := "range(1, " + n + " + 1)"
	sum := func(f string) string { return "list_sum(list_transform(" + idx + `, "$i" -> ` + f + "))" }
	sxy := sum(`("$i" - ` + mx + ") * (" + l + `["$i"] - ` + my + ")")
	sxx := sum(`("$i" - ` + mx + `) * ("$i" - ` + mx + ")")
	slope := "(" + sxy + " / nullif(" + sxx + ", 0))"
	icpt := "(" + my + " - " + slope + " * " + mx + ")"
	fit := `list_transform(` + idx + `, "$i" -> ` + icpt + ` + ` + slope + ` * "$i")`
	res := `list_transform(` + idx + `, "$i" -> ` + l + `["$i"] - (` + icpt + ` + ` + slope + ` * "$i"))`
	ssres := "list_sum(list_transform(" + res + `, "$r" -> "$r" * "$r"))`
	sstot := sum("(" + l + `["$i"] - ` + my + ") * (" + l + `["$i"] - ` + my + ")")
	rsq := "(CASE WHEN " + sstot + " = 0 THEN 1.0 ELSE 1 - " + ssres + " / " + sstot + " END)"
	mk := func(name, sql string) seriesStat { return seriesStat{name, sql, realJSON(sql), kql.TReal} }
	return []seriesStat{
		mk("rsquare", "CAST("+rsq+" AS DOUBLE)"),
		mk("slope", "CAST(coalesce("+slope+", 0) AS DOUBLE)"),
		mk("variance", "CAST(coalesce(list_var_samp("+l+"), 0) AS DOUBLE)"),
		mk("rvariance", "CAST(coalesce(list_var_samp("+res+"), 0) AS DOUBLE)"),
		mk("interception", "CAST(coalesce("+icpt+", "+my+") AS DOUBLE)"),
		{"line_fit", realListJSON(fit), realListJSON(fit), kql.TDynamic},
	}
}

// constNumbers reads a constant dynamic array of numbers.
func constNumbers(n kql.Node, v val, what string) ([]float64, error) {
	if v.lit == nil || v.lit.Kind != kql.LitDynamic {
		return nil, errAt(n, "%s must be a constant array of numbers", what)
	}
	var xs []any
	if err := json.Unmarshal([]byte(v.lit.Str), &xs); err != nil {
		return nil, errAt(n, "%s must be a constant array of numbers", what)
	}
	var out []float64
	for _, x := range xs {
		f, ok := x.(float64)
		if !ok {
			return nil, errAt(n, "%s must be a constant array of numbers", what)
		}
		out = append(out, f)
	}
	return out, nil
}

func constBool(v val) (bool, bool) {
	if v.lit != nil && v.lit.Kind == kql.LitBool && !v.lit.Null {
		return v.lit.Bool, true
	}
	return false, false
}
