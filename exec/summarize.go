package exec

import (
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// aggCtx marks an env where aggregation functions are allowed and records
// what the summarize needs (the input's order for make_list).
type aggCtx struct {
	ord bool
}

type aggDef struct {
	prefix string // default column name prefix: sum → "sum_"
	min    int
	max    int
	impl   func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error)
}

var aggFuncs map[string]aggDef

func init() {
	aggFuncs = map[string]aggDef{}
	reg := func(names, prefix string, min, max int, impl func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error)) {
		for _, n := range strings.Fields(names) {
			aggFuncs[n] = aggDef{prefix: prefix, min: min, max: max, impl: impl}
		}
	}
	reg("count", "count_", 0, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: "count(*)", t: kql.TLong}, nil
	})
	reg("countif", "countif_", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: "count(*) FILTER (WHERE " + c.asBool(a[0]).sql + ")", t: kql.TLong}, nil
	})
	sumImpl := func(filter bool) func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
			x := a[0]
			if x.t == kql.TDynamic {
				x = c.convert(x, kql.TReal)
			}
			f := ""
			if filter {
				f = " FILTER (WHERE " + c.asBool(a[1]).sql + ")"
			}
			switch {
			case isIntegral(x.t):
				return val{sql: wrap64("coalesce(sum(CAST(" + x.sql + " AS HUGEINT))" + f + ", 0)"), t: kql.TLong}, nil
			case x.t == kql.TReal || x.t == kql.TDecimal:
				return val{sql: "coalesce(sum(" + x.sql + ")" + f + ", 0)", t: x.t}, nil
			case x.t == kql.TTimespan:
				return val{sql: "CAST(coalesce(sum(" + x.sql + ")" + f + ", 0) AS BIGINT)", t: kql.TTimespan}, nil
			}
			return val{}, errAt(call, "%s() needs a number, found %s", call.Func.Name, typeName(x.t))
		}
	}
	reg("sum", "sum_", 1, 1, sumImpl(false))
	reg("sumif", "sumif_", 2, 2, sumImpl(true))
	avgImpl := func(filter bool) func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
			x := a[0]
			if x.t == kql.TDynamic {
				x = c.convert(x, kql.TReal)
			}
			f := ""
			if filter {
				f = " FILTER (WHERE " + c.asBool(a[1]).sql + ")"
			}
			if x.t == kql.TTimespan {
				return val{sql: "CAST(round(avg(" + x.sql + ")" + f + ") AS BIGINT)", t: kql.TTimespan}, nil
			}
			if x.t == kql.TDatetime {
				return val{sql: ticksToDt("CAST(round(avg(" + dtTicks(x.sql) + ")" + f + ") AS BIGINT)"), t: kql.TDatetime}, nil
			}
			if !isNumeric(x.t) && x.t != kql.TBool {
				return val{}, errAt(call, "%s() needs a number, found %s", call.Func.Name, typeName(x.t))
			}
			return val{sql: "coalesce(avg(CAST(" + x.sql + " AS DOUBLE))" + f + ", CAST('NaN' AS DOUBLE))", t: kql.TReal}, nil
		}
	}
	reg("avg", "avg_", 1, 1, avgImpl(false))
	reg("avgif", "avgif_", 2, 2, avgImpl(true))
	minmax := func(name, prefix, f string, filter bool) {
		n := 1
		if filter {
			n = 2
		}
		reg(name, prefix, n, n, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
			x := a[0]
			fl := ""
			if filter {
				fl = " FILTER (WHERE " + c.asBool(a[1]).sql + ")"
			}
			if x.t == kql.TDynamic {
				x = c.convert(x, kql.TReal)
			}
			s := f + "(" + x.sql + ")" + fl
			if x.t == kql.TReal {
				// a NaN makes the result NaN (DuckDB orders NaN above
				// every number, so min would skip it)
				s = "(CASE WHEN coalesce(bool_or(isnan(" + x.sql + "))" + fl + ", false) THEN CAST('NaN' AS DOUBLE) ELSE " + s + " END)"
			}
			if x.t == kql.TString {
				// empty strings are ignored like nulls
				s = "coalesce(" + f + "(nullif(" + x.sql + ", ''))" + fl + ", '')"
			}
			t := x.t
			return val{sql: s, t: t}, nil
		})
	}
	minmax("min", "min_", "min", false)
	minmax("max", "max_", "max", false)
	minmax("minif", "minif_", "min", true)
	minmax("maxif", "maxif_", "max", true)
	reg("dcount", "dcount_", 1, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: "count(DISTINCT " + distinctKey(a[0]) + ")", t: kql.TLong}, nil
	})
	reg("count_distinct", "count_distinct_", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: "count(DISTINCT " + distinctKey(a[0]) + ")", t: kql.TLong}, nil
	})
	reg("dcountif", "dcountif_", 2, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: "count(DISTINCT " + distinctKey(a[0]) + ") FILTER (WHERE " + c.asBool(a[1]).sql + ")", t: kql.TLong}, nil
	})
	listImpl := func(kind string, filter bool) func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
			x := a[0]
			d := c.toDynamic(x).sql
			cond := []string{}
			if kind != "with_nulls" {
				if x.t == kql.TDynamic {
					cond = append(cond, "coalesce(json_type("+x.sql+") <> 'NULL', false)")
				} else {
					cond = append(cond, x.sql+" IS NOT NULL")
				}
			}
			if filter {
				cond = append(cond, "("+c.asBool(a[1]).sql+")")
			}
			where := ""
			if len(cond) > 0 {
				where = " FILTER (WHERE " + strings.Join(cond, " AND ") + ")"
			}
			order := ""
			if ev.ord {
				order = " ORDER BY " + ordCol
			}
			limit := ""
			maxIdx := 1
			if filter {
				maxIdx = 2
			}
			if len(a) > maxIdx {
				limit = a[maxIdx].sql
			}
			var s string
			switch kind {
			case "set":
				elems := "list(" + d + order + ")" + where
				if x.t == kql.TDynamic {
					// arrays contribute their elements
					elems = "flatten(list(CASE WHEN json_type(" + d + ") = 'ARRAY' THEN CAST(" + d + " AS JSON[]) ELSE [" + d + "] END" + order + ")" + where + ")"
				}
				s = "list_transform(" + distinctInOrder("list_transform("+elems+", e -> CAST(e AS VARCHAR))") + ", e -> CAST(e AS JSON))"
			case "bag":
				s = ""
				obj := "list(" + d + order + ") FILTER (WHERE json_type(" + d + ") = 'OBJECT'" + strings.TrimPrefix(strings.Join(append([]string{""}, cond[min(1, len(cond)):]...), " AND "), "") + ")"
				// the first value of a key wins
				r := "coalesce(list_reduce(" + obj + ", (p, q) -> json_merge_patch(q, p)), CAST('{}' AS JSON))"
				return val{sql: r, t: kql.TDynamic}, nil
			default:
				s = "list(coalesce(" + d + ", CAST('null' AS JSON))" + order + ")" + where
				if x.t == kql.TDynamic {
					// arrays contribute their elements
					s = "flatten(list(CASE WHEN json_type(" + d + ") = 'ARRAY' THEN CAST(" + d + " AS JSON[]) ELSE [coalesce(" + d + ", CAST('null' AS JSON))] END" + order + ")" + where + ")"
				}
			}
			if limit != "" {
				s = "list_slice(" + s + ", 1, " + limit + ")"
			}
			return val{sql: "coalesce(to_json(" + s + "), CAST('[]' AS JSON))", t: kql.TDynamic}, nil
		}
	}
	reg("make_list makelist", "list_", 1, 2, listImpl("list", false))
	reg("make_list_if makelist_if", "list_", 2, 3, listImpl("list", true))
	reg("make_list_with_nulls", "list_", 1, 2, listImpl("with_nulls", false))
	reg("make_set makeset", "set_", 1, 2, listImpl("set", false))
	reg("make_set_if", "set_", 2, 3, listImpl("set", true))
	reg("make_bag", "bag_", 1, 2, listImpl("bag", false))
	reg("make_bag_if", "bag_", 2, 3, listImpl("bag", true))
	stat := func(names, prefix, f string, filter bool) {
		n := 1
		if filter {
			n = 2
		}
		reg(names, prefix, n, n, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
			x := c.convert(a[0], kql.TReal)
			fl := ""
			if filter {
				fl = " FILTER (WHERE " + c.asBool(a[1]).sql + ")"
			}
			return val{sql: "coalesce(" + f + "(" + x.sql + ")" + fl + ", 0)", t: kql.TReal}, nil
		})
	}
	stat("stdev", "stdev_", "stddev_samp", false)
	stat("stdevif", "stdevif_", "stddev_samp", true)
	stat("stdevp", "stdevp_", "stddev_pop", false)
	stat("variance", "variance_", "var_samp", false)
	stat("varianceif", "varianceif_", "var_samp", true)
	stat("variancep", "variancep_", "var_pop", false)
	reg("any take_any", "any_", 1, -1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		if len(a) != 1 || a[0].sql == "*" {
			// summarize expands any(a, b) and any(*) itself
			return val{}, errAt(call, "%s() with several arguments or * is only allowed directly in summarize", call.Func.Name)
		}
		return val{sql: "any_value(" + a[0].sql + ")", t: a[0].t}, nil
	})
	reg("take_anyif anyif", "anyif_", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		s := "any_value(" + a[0].sql + ") FILTER (WHERE " + c.asBool(a[1]).sql + ")"
		if a[0].t == kql.TString {
			s = "coalesce(" + s + ", '')"
		}
		return val{sql: s, t: a[0].t}, nil
	})
	reg("percentile", "percentile_", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		x := a[0]
		if x.t == kql.TDynamic {
			x = c.convert(x, kql.TReal)
		}
		return val{sql: "quantile_disc(" + x.sql + ", CAST(" + a[1].sql + " AS DOUBLE) / 100)", t: x.t}, nil
	})
	reg("percentiles_array", "percentiles_", 2, 64, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		x := a[0]
		pcts, err := percentList(c, call, a[1:], 1)
		if err != nil {
			return val{}, err
		}
		var ps []string
		for _, p := range pcts {
			ps = append(ps, p+" / 100")
		}
		return val{sql: "to_json(quantile_disc(" + x.sql + ", [" + strings.Join(ps, ", ") + "]))", t: kql.TDynamic}, nil
	})
	reg("binary_all_or", "binary_all_or_", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: "bit_or(" + a[0].sql + ")", t: kql.TLong}, nil
	})
	reg("binary_all_and", "binary_all_and_", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: "bit_and(" + a[0].sql + ")", t: kql.TLong}, nil
	})
	reg("binary_all_xor", "binary_all_xor_", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: "bit_xor(" + a[0].sql + ")", t: kql.TLong}, nil
	})
	registerWeightedAggs(reg)
	// arg_max, arg_min, percentiles and take_any with several columns are
	// expanded by summarize itself; these entries make the names known.
	for _, n := range []string{"arg_max", "arg_min", "argmax", "argmin", "percentiles", "percentilesw"} {
		aggFuncs[n] = aggDef{prefix: n, min: 1, max: -1}
	}
}

// distinctKey is the value dcount compares (dynamic by its JSON text).
func distinctKey(v val) string {
	if v.t == kql.TDynamic {
		return "CAST(" + v.sql + " AS VARCHAR)"
	}
	return v.sql
}

func (c *compiler) aggregate(e *kql.CallExpr, ad aggDef, ev *env) (val, error) {
	if ad.impl == nil {
		return val{}, errAt(e, "%s() must be used directly as a summarize aggregation", e.Func.Name)
	}
	if len(e.Args) < ad.min || (ad.max >= 0 && len(e.Args) > ad.max) {
		return val{}, errAt(e, "%s", kql.ArityMessage(e.Func.Name, ad.min, ad.max, len(e.Args)))
	}
	inner := *ev
	inner.agg = nil
	var args []val
	for _, a := range e.Args {
		if _, ok := a.(*kql.Star); ok {
			args = append(args, val{sql: "*", t: kql.TLong})
			continue
		}
		v, err := c.scalar(a, &inner)
		if err != nil {
			return val{}, err
		}
		args = append(args, v)
	}
	return ad.impl(c, ev, e, args)
}

func hasStar(args []kql.Expr) bool {
	for _, a := range args {
		if _, ok := a.(*kql.Star); ok {
			return true
		}
	}
	return false
}

func keyTaken(keys []aggOut, name string) bool {
	for _, k := range keys {
		if k.name == name {
			return true
		}
	}
	return false
}

// isAggCall reports whether e is a call of an aggregation function.
func isAggCall(e kql.Expr) bool {
	call, ok := e.(*kql.CallExpr)
	return ok && call.Func != nil && aggFuncs[call.Func.Name].impl != nil
}

// aggName is an aggregation's default column name.
func aggName(call *kql.CallExpr) string {
	name := call.Func.Name
	ad := aggFuncs[name]
	arg := ""
	if len(call.Args) > 0 {
		arg = autoName(call.Args[0])
	}
	switch name {
	case "take_any":
		if arg != "" {
			return arg
		}
		return "any_"
	case "percentile":
		if len(call.Args) == 2 {
			return "percentile_" + arg + "_" + pctText(call.Args[1])
		}
	case "percentilew":
		if len(call.Args) == 3 {
			return "percentile_" + arg + "_" + pctText(call.Args[2])
		}
	}
	return ad.prefix + arg
}

func pctText(e kql.Expr) string {
	if lit, ok := e.(*kql.Literal); ok {
		switch lit.Kind {
		case kql.LitInt, kql.LitLong:
			return strconv.FormatInt(lit.Int, 10)
		case kql.LitReal:
			return strings.ReplaceAll(strconv.FormatFloat(lit.Real, 'f', -1, 64), ".", "_")
		}
	}
	return ""
}

type aggOut struct {
	name  string
	sql   string
	t     kql.Type
	named bool
}

func (c *compiler) summarize(r *rel, op *kql.SummarizeOp, sc *scope) (*rel, error) {
	keyEnv := c.rowEnv(r, sc)
	keyEnv.ord = false
	aggEnv := c.rowEnv(r, sc)
	aggEnv.agg = &aggCtx{ord: r.ord}
	var keys []aggOut
	nm := newNamer(nil, "Column")
	for _, ce := range op.By {
		v, err := c.scalar(ce.X, keyEnv)
		if err != nil {
			return nil, err
		}
		name := ""
		if len(ce.Names) > 0 {
			name = ce.Names[0].Name
		} else if n := autoName(ce.X); n != "" {
			name = n
		} else if call, ok := ce.X.(*kql.CallExpr); ok && len(call.Args) > 0 {
			name = autoName(call.Args[0])
		}
		if name == "" {
			name = nm.next()
		}
		if v.t == kql.TDynamic {
			// group dynamic values by their JSON text
			v.sql = "CAST(" + v.sql + " AS VARCHAR)"
			v.t = "dynamic-text"
		}
		// an automatic name already taken by an earlier key gets 1, 2, ...
		// (by k, bin(k, 1h) is k, k1); a repeated given name is refused
		// by kql.DeclaredNameErrors before compiling
		for base, n := name, 1; keyTaken(keys, name); n++ {
			name = base + strconv.Itoa(n)
		}
		keys = append(keys, aggOut{name: name, sql: v.sql, t: v.t, named: true})
	}
	var aggs []aggOut
	type argPick struct {
		field  string
		fields []aggOut // name, sql, type of each picked column
	}
	var picks []argPick
	for _, ce := range op.Aggs {
		call, isCall := ce.X.(*kql.CallExpr)
		if isCall && argPickFuncs[call.Func.Name] && c.sc(sc, call.Func.Name) {
			p, outs, err := c.argPick(call, aggEnv, r, keys, ce)
			if err != nil {
				return nil, err
			}
			field := "$pick" + strconv.Itoa(len(picks))
			aggs = append(aggs, aggOut{name: field, sql: p, t: "pick"})
			picks = append(picks, argPick{field: field, fields: outs})
			continue
		}
		if isCall && (call.Func.Name == "percentiles" || call.Func.Name == "percentilesw") && c.sc(sc, call.Func.Name) {
			weighted := call.Func.Name == "percentilesw"
			first := 1
			if weighted {
				first = 2
			}
			if len(call.Args) <= first {
				return nil, errAt(call, "%s() takes a column and at least one percentage", call.Func.Name)
			}
			x, err := c.scalar(call.Args[0], keyEnv)
			if err != nil {
				return nil, err
			}
			var w val
			if weighted {
				if w, err = c.scalar(call.Args[1], keyEnv); err != nil {
					return nil, err
				}
				if x, err = weightedArgs(c, call, []val{x, w}); err != nil {
					return nil, err
				}
			}
			for i, pa := range call.Args[first:] {
				p, err := c.scalar(pa, keyEnv)
				if err != nil {
					return nil, err
				}
				name := "percentile_" + autoName(call.Args[0]) + "_" + pctText(pa)
				if i < len(ce.Names) {
					name = ce.Names[i].Name
				}
				sql := "quantile_disc(" + x.sql + ", CAST(" + p.sql + " AS DOUBLE) / 100)"
				if weighted {
					sql = weightedPercentile(x, w, "CAST("+p.sql+" AS DOUBLE)")
				}
				aggs = append(aggs, aggOut{name: name, sql: sql, t: x.t, named: i < len(ce.Names)})
			}
			continue
		}
		if isCall && (call.Func.Name == "take_any" || call.Func.Name == "any") && (len(call.Args) > 1 || hasStar(call.Args)) && c.sc(sc, call.Func.Name) {
			// take_any(a, b) keeps the names a, b; any(a, b) names them
			// any_a, any_b; * stands for every column but the group keys
			// (take_any(*) by k gives k, v; any(*) gives any_k, any_v)
			prefix := ""
			if call.Func.Name == "any" {
				prefix = "any_"
			}
			var args []kql.Expr
			for _, a := range call.Args {
				if st, ok := a.(*kql.Star); ok {
					for _, col := range r.cols {
						if !keyTaken(keys, col.Name) {
							args = append(args, &kql.Ident{Sp: st.Sp, Name: col.Name})
						}
					}
					continue
				}
				args = append(args, a)
			}
			for i, a := range args {
				x, err := c.scalar(a, keyEnv)
				if err != nil {
					return nil, err
				}
				name := autoName(a)
				if name != "" {
					name = prefix + name
				}
				if i < len(ce.Names) {
					name = ce.Names[i].Name
				}
				if name == "" {
					name = nm.next()
				}
				aggs = append(aggs, aggOut{name: name, sql: "any_value(" + x.sql + ")", t: x.t, named: i < len(ce.Names)})
			}
			continue
		}
		v, err := c.scalar(ce.X, aggEnv)
		if err != nil {
			return nil, err
		}
		name := ""
		switch {
		case len(ce.Names) > 0:
			name = ce.Names[0].Name
		case isCall && aggFuncs[call.Func.Name].impl != nil && c.sc(sc, call.Func.Name):
			name = aggName(call)
		case isCall && isConversionFunc(call.Func.Name) && len(call.Args) == 1 && isAggCall(call.Args[0]):
			// a conversion passes the aggregate's name through:
			// tostring(make_set(x)) is set_x (Microsoft's published hunts
			// read it so; sum(toint(v)) is sum_v the other way round)
			name = aggName(call.Args[0].(*kql.CallExpr))
		default:
			name = nm.next()
		}
		aggs = append(aggs, aggOut{name: name, sql: v.sql, t: v.t, named: len(ce.Names) > 0})
	}
	// de-duplicate names: later duplicates get 1, 2, ...
	taken := map[string]bool{}
	for _, k := range keys {
		taken[k.name] = true
	}
	for i := range aggs {
		if aggs[i].t == "pick" {
			continue
		}
		if taken[aggs[i].name] {
			base := aggs[i].name
			for n := 1; ; n++ {
				cand := base + strconv.Itoa(n)
				if !taken[cand] {
					aggs[i].name = cand
					break
				}
			}
		}
		taken[aggs[i].name] = true
	}
	var sel []string
	var cols []kql.Column
	for _, k := range keys {
		sel = append(sel, k.sql+" AS "+quoteIdent(k.name))
		t := k.t
		if t == "dynamic-text" {
			t = kql.TDynamic
		}
		cols = append(cols, kql.Column{Name: k.name, Type: t})
	}
	for _, a := range aggs {
		sel = append(sel, a.sql+" AS "+quoteIdent(a.name))
		cols = append(cols, kql.Column{Name: a.name, Type: a.t})
	}
	if len(sel) == 0 {
		return nil, errAt(op, "summarize needs an aggregation or a by clause")
	}
	// Groups come out of a parallel hash aggregate in any order; where the
	// input has one, a group takes the position of its first row, so that
	// make_list over the groups, ties of a later sort and row_number see
	// the order Kusto's engine gives them.
	ord := r.ord && len(keys) > 0
	if ord {
		sel = append(sel, "min("+ordCol+") AS "+ordCol)
	}
	if c.part != "" {
		sel = append([]string{c.part}, sel...)
	}
	sql := "SELECT " + strings.Join(sel, ", ") + " FROM " + r.from
	nk := len(keys)
	if c.part != "" {
		nk++
	}
	if nk > 0 {
		var g []string
		for i := 0; i < nk; i++ {
			g = append(g, strconv.Itoa(i+1))
		}
		sql += " GROUP BY " + strings.Join(g, ", ")
	}
	out := c.addCTE(sql, cols, ord, false)
	// second stage: dynamic keys back to JSON, arg_max picks expanded
	needPost := len(picks) > 0
	for _, k := range keys {
		if k.t == "dynamic-text" {
			needPost = true
		}
	}
	if !needPost {
		return out, nil
	}
	var post []string
	var pcols []kql.Column
	if c.part != "" {
		post = append(post, c.part)
	}
	for _, k := range keys {
		if k.t == "dynamic-text" {
			post = append(post, "CAST("+quoteIdent(k.name)+" AS JSON) AS "+quoteIdent(k.name))
			pcols = append(pcols, kql.Column{Name: k.name, Type: kql.TDynamic})
			continue
		}
		post = append(post, quoteIdent(k.name))
		pcols = append(pcols, kql.Column{Name: k.name, Type: k.t})
	}
	pi := 0
	for _, a := range aggs {
		if a.t == "pick" {
			for j, f := range picks[pi].fields {
				name := f.name
				for taken2(pcols, name) {
					name = nextFree(pcols, name)
				}
				expr := "struct_extract(" + quoteIdent(a.name) + ", 'f" + strconv.Itoa(j) + "')"
				if f.t == kql.TString {
					expr = "coalesce(" + expr + ", '')"
				}
				post = append(post, expr+" AS "+quoteIdent(name))
				pcols = append(pcols, kql.Column{Name: name, Type: f.t})
			}
			pi++
			continue
		}
		post = append(post, quoteIdent(a.name))
		pcols = append(pcols, kql.Column{Name: a.name, Type: a.t})
	}
	if ord {
		post = append(post, ordCol)
	}
	return c.addCTE("SELECT "+strings.Join(post, ", ")+" FROM "+out.from, pcols, ord, false), nil
}

func taken2(cols []kql.Column, name string) bool {
	for _, c := range cols {
		if c.Name == name {
			return true
		}
	}
	return false
}

func nextFree(cols []kql.Column, base string) string {
	for n := 1; ; n++ {
		cand := base + strconv.Itoa(n)
		if !taken2(cols, cand) {
			return cand
		}
	}
}

// sc reports whether name is the built-in (not shadowed by a let).
func (c *compiler) sc(s *scope, name string) bool {
	b := s.lookup(name)
	return b == nil || b.fn == nil
}

// argPickFuncs are arg_max, arg_min and their deprecated names argmax and
// argmin [D:arg-max-aggregation-function].
var argPickFuncs = map[string]bool{"arg_max": true, "arg_min": true, "argmax": true, "argmin": true}

// argPick compiles arg_max/arg_min(e, cols...) to one arg_max over a struct.
func (c *compiler) argPick(call *kql.CallExpr, ev *env, r *rel, keys []aggOut, ce *kql.ColumnExpr) (string, []aggOut, error) {
	if len(call.Args) < 1 {
		return "", nil, errAt(call, "%s() needs an expression to maximize", call.Func.Name)
	}
	inner := *ev
	inner.agg = nil
	e, err := c.scalar(call.Args[0], &inner)
	if err != nil {
		return "", nil, err
	}
	isMin := call.Func.Name == "arg_min" || call.Func.Name == "argmin"
	prefix := "max_"
	if isMin {
		prefix = "min_"
	}
	eName := autoName(call.Args[0])
	if eName == "" {
		eName = prefix
	}
	outs := []aggOut{{name: eName, sql: e.sql, t: e.t}}
	keyNames := map[string]bool{}
	for _, k := range keys {
		keyNames[k.name] = true
	}
	for _, a := range call.Args[1:] {
		if _, ok := a.(*kql.Star); ok {
			for _, col := range r.cols {
				if col.Name == eName || keyNames[col.Name] {
					continue
				}
				outs = append(outs, aggOut{name: col.Name, sql: quoteIdent(col.Name), t: col.Type})
			}
			continue
		}
		x := a
		name := ""
		if na, ok := a.(*kql.NamedArg); ok {
			x, name = na.Value, na.Name.Name
		}
		v, err := c.scalar(x, &inner)
		if err != nil {
			return "", nil, err
		}
		if name == "" {
			name = autoName(x)
		}
		if name == "" {
			name = "Column" + strconv.Itoa(len(outs))
		}
		outs = append(outs, aggOut{name: name, sql: v.sql, t: v.t})
	}
	for i, n := range ce.Names {
		if i < len(outs) {
			outs[i].name = n.Name
		}
	}
	var fields []string
	for i, o := range outs {
		fields = append(fields, "f"+strconv.Itoa(i)+" := "+o.sql)
	}
	f := "arg_max"
	if isMin {
		f = "arg_min"
	}
	key := e.sql
	if e.t == kql.TDynamic {
		key = "TRY_CAST(" + e.sql + " AS DOUBLE)"
	}
	if isMin && (e.t == kql.TReal || e.t == kql.TDynamic) {
		// a NaN key wins arg_min as it wins arg_max (where DuckDB
		// already orders it above every number)
		key = "(CASE WHEN " + key + " IS NOT NULL THEN (CASE WHEN isnan(" + key + ") THEN 0 ELSE 1 END, " + key + ") END)"
	}
	// rows whose key is null lose, unless every key of the group is null
	st := "struct_pack(" + strings.Join(fields, ", ") + ")"
	return "coalesce(" + f + "(" + st + ", " + key + "), first(" + st + "))", outs, nil
}
