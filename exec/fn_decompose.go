package exec

import (
	"github.com/kqlhunt/kqlhunt/kql"
)

// Series decomposition and anomaly detection: series_outliers,
// series_decompose, series_decompose_anomalies, series_decompose_forecast.
//
// What the documentation fixes is followed as written: the seasonal
// component is the median of the points of the same phase; the trend is
// the average (avg), a least-squares line (linefit) or nothing (none) of
// the series less its seasonal part; baseline = seasonal + trend;
// residual = series - baseline; test points at the end are left out of
// the learning. series_outliers scores a point above the high percentile
// as (x - high) / (high - low) and below the low one as (x - low) / (high
// - low), 0 between: with the 25th/75th percentiles (tukey) a score beyond
// ±1.5 is exactly outside Tukey's fences; ctukey takes the 10th/90th. The
// percentiles interpolate linearly. When high = low, a point outside them
// scores ±Infinity.
//
// Automatic seasonality (-1, the default) is not documented beyond "uses
// series_periods_detect" with a score threshold of 0.6. Here the period
// is the lag p in [4, n/2] with the highest autocorrelation of the
// learning points, taken when that autocorrelation reaches the threshold.
// Kusto's detector may choose differently on some series.

// decomposition holds the SQL of a decomposition's parts, each a DOUBLE[]
// of the series' length, valid inside the lambdas that decomposeSQL opens.
type decomposition struct {
	x, seasonal, trend, baseline, residual string
}

// decomposeSQL decomposes the DOUBLE[] series l and returns body(parts)
// evaluated over the decomposition. period is an SQL integer (-1 detects
// one, 0 is none), trend avg, linefit or none, testPoints and threshold
// SQL numbers.
func decomposeSQL(l, period, trend, testPoints, threshold string, body func(decomposition) string) string {
	x := `"$x"`
	n := "len(" + x + ")"
	nt := "greatest(" + n + " - " + testPoints + ", 1)"
	// the period: explicit, or detected by autocorrelation
	m := "list_avg(list_slice(" + x + ", 1, " + nt + "))"
	dev := func(i string) string { return "(" + x + "[" + i + "] - " + m + ")" }
	acf := "(" + `list_sum(list_transform(range(1, ` + nt + ` - "$lag" + 1), "$i" -> ` + dev(`"$i"`) + " * " + dev(`"$i" + "$lag"`) + "))" +
		" / nullif(" + `list_sum(list_transform(range(1, ` + nt + ` + 1), "$i" -> ` + dev(`"$i"`) + " * " + dev(`"$i"`) + ")), 0))"
	lags := `list_transform(range(4, ` + nt + ` // 2 + 1), "$lag" -> {'r': coalesce(` + acf + `, 0), 'p': "$lag"})`
	best := "list_sort(" + lags + ", 'DESC')[1]"
	detect := "(CASE WHEN " + nt + " < 8 THEN 0 WHEN " + best + ".r >= " + threshold + " THEN " + best + ".p ELSE 0 END)"
	p := "(CASE WHEN " + period + " < 0 THEN " + detect + " ELSE " + period + " END)"
	// seasonal: the median of the learning points of the same phase
	phase := `list_transform(list_filter(range(0, ` + nt + `), "$j" -> "$j" % "$p" = "$k" % "$p"), "$j" -> ` + x + `["$j" + 1])`
	seasonal := `(CASE WHEN "$p" < 2 THEN list_transform(range(0, ` + n + `), "$k" -> 0.0) ELSE list_transform(range(0, ` + n + `), "$k" -> coalesce(CAST(list_aggregate(` + phase + `, 'median') AS DOUBLE), 0.0)) END)`
	// trend of the series less its seasonal part, learnt on the first nt points
	d := `list_transform(range(1, ` + n + ` + 1), "$i" -> ` + x + `["$i"] - "$se"["$i"])`
	var tr string
	switch trend {
	case "none":
		tr = `list_transform(range(1, ` + n + ` + 1), "$i" -> 0.0)`
	case "avg":
		tr = `list_transform(range(1, ` + n + ` + 1), "$i" -> coalesce(list_avg(list_slice("$d", 1, ` + nt + `)), 0.0))`
	default: // linefit
		mx := "((" + nt + " + 1) / 2.0)"
		my := `list_avg(list_slice("$d", 1, ` + nt + "))"
		sxy := `list_sum(list_transform(range(1, ` + nt + ` + 1), "$i" -> ("$i" - ` + mx + `) * ("$d"["$i"] - ` + my + ")))"
		sxx := `list_sum(list_transform(range(1, ` + nt + ` + 1), "$i" -> ("$i" - ` + mx + `) * ("$i" - ` + mx + ")))"
		slope := "coalesce(" + sxy + " / nullif(" + sxx + ", 0), 0)"
		tr = `list_transform(range(1, ` + n + ` + 1), "$i" -> coalesce(` + my + " + " + slope + ` * ("$i" - ` + mx + "), 0.0))"
	}
	parts := decomposition{
		x:        x,
		seasonal: `"$se"`,
		trend:    `"$tr"`,
		baseline: `list_transform(range(1, ` + n + ` + 1), "$i" -> "$se"["$i"] + "$tr"["$i"])`,
		residual: `list_transform(range(1, ` + n + ` + 1), "$i" -> ` + x + `["$i"] - "$se"["$i"] - "$tr"["$i"])`,
	}
	inner := bindSQL(tr, "tr", body(parts))
	inner = bindSQL(d, "d", inner)
	inner = bindSQL(seasonal, "se", inner)
	inner = bindSQL(p, "p", inner)
	return bindSQL(l, "x", "(CASE WHEN "+x+" IS NULL OR len("+x+") = 0 THEN NULL ELSE "+inner+" END)")
}

// outlierScores is series_outliers over the DOUBLE[] r with the given
// percentiles (SQL fractions); null elements score 0.
func outlierScores(r, lo, hi string) string {
	q := func(f string) string {
		return "list_aggregate(list_filter(" + r + `, "$v" -> "$v" IS NOT NULL), 'quantile_cont', ` + f + ")"
	}
	score := func(v, ql, qh string) string {
		return "(CASE WHEN " + v + " IS NULL THEN 0.0 WHEN " + v + " > " + qh + " THEN (" + v + " - " + qh + ") / (" + qh + " - " + ql + ") " +
			"WHEN " + v + " < " + ql + " THEN (" + v + " - " + ql + ") / (" + qh + " - " + ql + ") ELSE 0.0 END)"
	}
	return bindSQL(q(lo), "ql", bindSQL(q(hi), "qh", "list_transform("+r+`, "$v" -> `+score(`"$v"`, `"$ql"`, `"$qh"`)+")"))
}

// adKind reads the anomaly detection method: tukey (25/75) or ctukey
// (10/90, the default).
func adKind(n kql.Node, v *val) (lo, hi string, err error) {
	kind := "ctukey"
	if v != nil {
		s, ok := v.isConstString()
		if !ok {
			return "", "", errAt(n, "the anomaly detection method must be a constant string")
		}
		if s != "" {
			kind = s
		}
	}
	switch kind {
	case "ctukey":
		return "0.1", "0.9", nil
	case "tukey":
		return "0.25", "0.75", nil
	}
	return "", "", hintAt(n, `use "ctukey" or "tukey"`, "unknown anomaly detection method %q", kind)
}

// decomposeArgs reads seasonality, trend and test points (at positions
// i, i+1, i+2 when present) and the seasonality threshold (at thr).
func decomposeArgs(c *compiler, call *kql.CallExpr, a []val, i int, defTrend string, thr int) (period, trend, test, threshold string, err error) {
	period, trend, test, threshold = "-1", defTrend, "0", "0.6"
	if len(a) > i && !a[i].null {
		if !isIntegral(a[i].t) {
			return "", "", "", "", errAt(call.Args[i], "%s: the seasonality must be an integer, found %s", call.Func.Name, typeName(a[i].t))
		}
		period = "CAST(" + a[i].sql + " AS BIGINT)"
	}
	if len(a) > i+1 && !a[i+1].null {
		s, ok := a[i+1].isConstString()
		if !ok {
			return "", "", "", "", errAt(call.Args[i+1], "%s: the trend must be a constant string", call.Func.Name)
		}
		switch s {
		case "avg", "linefit", "none":
			trend = s
		case "":
		default:
			return "", "", "", "", hintAt(call.Args[i+1], `use "avg", "linefit" or "none"`, "%s: unknown trend %q", call.Func.Name, s)
		}
	}
	if len(a) > i+2 && !a[i+2].null {
		if !isIntegral(a[i+2].t) {
			return "", "", "", "", errAt(call.Args[i+2], "%s: the test points must be an integer, found %s", call.Func.Name, typeName(a[i+2].t))
		}
		test = "greatest(CAST(" + a[i+2].sql + " AS BIGINT), 0)"
	}
	if thr >= 0 && len(a) > thr && !a[thr].null {
		threshold = "CAST(" + a[thr].sql + " AS DOUBLE)"
	}
	return period, trend, test, threshold, nil
}

func registerDecomposeFuncs(reg func(string, int, int, fnImpl)) {
	reg("series_outliers", 1, 5, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		var kind *val
		if len(a) >= 2 {
			kind = &a[1]
		}
		lo, hi, err := adKind(call.Args[min(1, len(call.Args)-1)], kind)
		if err != nil {
			return val{}, err
		}
		l := numList(dynArg(c, a[0]))
		if len(a) >= 3 && !a[2].null {
			// values equal to ignore_val count as missing
			l = "list_transform(" + l + `, "$w" -> CASE WHEN "$w" = CAST(` + a[2].sql + ` AS DOUBLE) THEN NULL ELSE "$w" END)`
		}
		if len(a) >= 4 && hi == "0.9" {
			lo = "CAST(" + a[3].sql + " AS DOUBLE) / 100"
		}
		if len(a) == 5 && hi != "0.75" {
			hi = "CAST(" + a[4].sql + " AS DOUBLE) / 100"
		}
		return val{sql: bindSQL(l, "o", "(CASE WHEN \"$o\" IS NULL THEN NULL ELSE "+realListJSON(outlierScores(`"$o"`, lo, hi))+" END)"), t: kql.TDynamic}, nil
	})
	reg("series_decompose", 1, 5, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		period, trend, test, thr, err := decomposeArgs(c, call, a, 1, "avg", 4)
		if err != nil {
			return val{}, err
		}
		l := numList(dynArg(c, a[0]))
		part := func(f func(decomposition) string) string {
			return decomposeSQL(l, period, trend, test, thr, func(d decomposition) string { return realListJSON(f(d)) })
		}
		multi := []outCol{
			{multiName(call, "baseline"), part(func(d decomposition) string { return d.baseline }), kql.TDynamic},
			{multiName(call, "seasonal"), part(func(d decomposition) string { return d.seasonal }), kql.TDynamic},
			{multiName(call, "trend"), part(func(d decomposition) string { return d.trend }), kql.TDynamic},
			{multiName(call, "residual"), part(func(d decomposition) string { return d.residual }), kql.TDynamic},
		}
		return val{sql: multi[0].sql, t: kql.TDynamic, multi: multi}, nil
	})
	reg("series_decompose_anomalies", 1, 7, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		k := "1.5"
		if len(a) >= 2 && !a[1].null {
			if !isNumeric(a[1].t) {
				return val{}, errAt(call.Args[1], "series_decompose_anomalies: the threshold must be a number, found %s", typeName(a[1].t))
			}
			k = "CAST(" + a[1].sql + " AS DOUBLE)"
		}
		period, trend, test, thr, err := decomposeArgs(c, call, a, 2, "avg", 6)
		if err != nil {
			return val{}, err
		}
		var kind *val
		if len(a) >= 6 && !a[5].null {
			kind = &a[5]
		}
		lo, hi, err := adKind(call.Args[min(5, len(call.Args)-1)], kind)
		if err != nil {
			return val{}, err
		}
		l := numList(dynArg(c, a[0]))
		scores := func(d decomposition) string { return outlierScores(d.residual, lo, hi) }
		flag := func(d decomposition) string {
			return "to_json(list_transform(" + scores(d) + `, "$z" -> CAST(CASE WHEN "$z" > ` + k + ` THEN 1 WHEN "$z" < -` + k + ` THEN -1 ELSE 0 END AS BIGINT)))`
		}
		multi := []outCol{
			{multiName(call, "ad_flag"), decomposeSQL(l, period, trend, test, thr, flag), kql.TDynamic},
			{multiName(call, "ad_score"), decomposeSQL(l, period, trend, test, thr, func(d decomposition) string { return realListJSON(scores(d)) }), kql.TDynamic},
			{multiName(call, "baseline"), decomposeSQL(l, period, trend, test, thr, func(d decomposition) string { return realListJSON(d.baseline) }), kql.TDynamic},
		}
		return val{sql: multi[0].sql, t: kql.TDynamic, multi: multi}, nil
	})
	reg("series_decompose_forecast", 2, 5, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		if !isIntegral(a[1].t) {
			return val{}, errAt(call.Args[1], "series_decompose_forecast: the points must be an integer, found %s", typeName(a[1].t))
		}
		// arguments: series, points, seasonality, trend, threshold
		period, trend, _, thr, err := decomposeArgs(c, call, a[:min(len(a), 4)], 2, "linefit", -1)
		if err != nil {
			return val{}, err
		}
		if len(a) == 5 && !a[4].null {
			thr = "CAST(" + a[4].sql + " AS DOUBLE)"
		}
		test := "greatest(CAST(" + a[1].sql + " AS BIGINT), 0)"
		l := numList(dynArg(c, a[0]))
		return val{sql: decomposeSQL(l, period, trend, test, thr, func(d decomposition) string { return realListJSON(d.baseline) }), t: kql.TDynamic}, nil
	})
}
