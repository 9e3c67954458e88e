package exec

import (
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// makeSeries compiles make-series: for each group, one dynamic array per
// aggregation over the bins [from, to) of the axis, empty bins filled with
// the default, and the axis itself as an array.
func (c *compiler) makeSeries(r *rel, op *kql.MakeSeriesOp, sc *scope) (*rel, error) {
	if k := paramWord(op.Params, "kind"); k != "" && !strings.EqualFold(k, "nonempty") {
		return nil, errAt(op, "make-series kind=%s is not supported", k)
	}
	ev := c.rowEnv(r, sc)
	ev.ser = false
	axis, err := c.scalar(op.On, ev)
	if err != nil {
		return nil, err
	}
	step, err := c.scalar(op.Step, &env{c: c, sc: sc})
	if err != nil {
		return nil, err
	}
	// the axis as a number: ticks for datetime
	var ax string
	switch {
	case axis.t == kql.TDatetime && step.t == kql.TTimespan:
		ax = dtTicks(axis.sql)
	case axis.t == kql.TTimespan && step.t == kql.TTimespan, isNumeric(axis.t) && isNumeric(step.t):
		ax = axis.sql
	default:
		return nil, errAt(op.On, "make-series: cannot step a %s axis by %s", typeName(axis.t), typeName(step.t))
	}
	bound := func(e kql.Expr) (string, error) {
		v, err := c.scalar(e, &env{c: c, sc: sc})
		if err != nil {
			return "", err
		}
		if axis.t == kql.TDatetime {
			if v.t != kql.TDatetime {
				return "", errAt(e, "make-series: from/to must be datetimes")
			}
			return dtTicks(v.sql), nil
		}
		return v.sql, nil
	}
	from := "min(" + ax + ")"
	if axis.t != kql.TReal {
		from = "CAST(floor(min(" + ax + ") / CAST(" + step.sql + " AS DOUBLE)) * " + step.sql + " AS BIGINT)"
	}
	if op.From != nil {
		if from, err = bound(op.From); err != nil {
			return nil, err
		}
	}
	to := "max(" + ax + ") + " + step.sql
	if op.To != nil {
		if to, err = bound(op.To); err != nil {
			return nil, err
		}
	}
	axisName := autoName(op.On)
	if axisName == "" {
		return nil, errAt(op.On, "make-series: the axis must be a column")
	}
	p := c.addCTE("SELECT f, e, s, CAST(greatest(ceil((e - f) / CAST(s AS DOUBLE)), 0) AS BIGINT) AS n FROM (SELECT "+from+" AS f, "+to+" AS e, "+step.sql+" AS s FROM "+r.from+" LIMIT 1)", nil, false, false)
	// group keys
	type key struct {
		name string
		sql  string
		t    kql.Type
	}
	var keys []key
	for _, ce := range op.By {
		v, err := c.scalar(ce.X, ev)
		if err != nil {
			return nil, err
		}
		name := autoName(ce.X)
		if len(ce.Names) > 0 {
			name = ce.Names[0].Name
		}
		if name == "" {
			return nil, errAt(ce, "make-series: name the by expression")
		}
		keys = append(keys, key{name, v.sql, v.t})
	}
	aggEnv := c.rowEnv(r, sc)
	aggEnv.ser = false
	aggEnv.agg = &aggCtx{ord: r.ord}
	type agg struct {
		name string
		sql  string
		def  string
	}
	var aggs []agg
	for _, a := range op.Aggs {
		v, err := c.scalar(a.Col.X, aggEnv)
		if err != nil {
			return nil, err
		}
		name := ""
		if len(a.Col.Names) > 0 {
			name = a.Col.Names[0].Name
		} else if call, ok := a.Col.X.(*kql.CallExpr); ok {
			name = aggName(call)
		}
		if name == "" {
			name = "Column" + strconv.Itoa(len(aggs)+1)
		}
		def := "to_json(0)"
		if a.Default != nil {
			d, err := c.scalar(a.Default, &env{c: c, sc: sc})
			if err != nil {
				return nil, err
			}
			def = "coalesce(" + c.toDynamic(d).sql + ", CAST('null' AS JSON))"
			if d.null {
				def = "CAST('null' AS JSON)"
			}
		}
		aggs = append(aggs, agg{name, c.toDynamic(v).sql, def})
	}
	var ksel, kcols []string
	for i, k := range keys {
		ksel = append(ksel, k.sql+" AS "+quoteIdent(k.name))
		kcols = append(kcols, quoteIdent(k.name))
		_ = i
	}
	// groups present in the input
	gsel := "1 AS \"$one\""
	if len(ksel) > 0 {
		gsel = strings.Join(ksel, ", ")
	}
	g := c.addCTE("SELECT DISTINCT "+gsel+" FROM "+r.from, nil, false, false)
	// aggregates per group and bin
	var asel []string
	asel = append(asel, ksel...)
	asel = append(asel, "CAST(floor(("+ax+" - p.f) / CAST(p.s AS DOUBLE)) AS BIGINT) AS \"$b\"")
	for i, a := range aggs {
		asel = append(asel, a.sql+" AS \"$a"+strconv.Itoa(i)+"\"")
	}
	var groupBy []string
	for i := 0; i <= len(keys); i++ {
		groupBy = append(groupBy, strconv.Itoa(i+1))
	}
	ag := c.addCTE("SELECT "+strings.Join(asel, ", ")+" FROM "+r.from+", "+p.from+" AS p WHERE "+ax+" >= p.f AND "+ax+" < p.e GROUP BY "+strings.Join(groupBy, ", "), nil, false, false)
	grid := c.addCTE("SELECT g.*, unnest(range(0, p.n)) AS \"$i\" FROM "+g.from+" AS g, "+p.from+" AS p", nil, false, false)
	var on []string
	for _, k := range kcols {
		on = append(on, "gr."+k+" IS NOT DISTINCT FROM a."+k)
	}
	on = append(on, "gr.\"$i\" = a.\"$b\"")
	var sel []string
	var cols []kql.Column
	for _, k := range keys {
		sel = append(sel, "gr."+quoteIdent(k.name))
		cols = append(cols, kql.Column{Name: k.name, Type: k.t})
	}
	for i, a := range aggs {
		sel = append(sel, "to_json(list(coalesce(a.\"$a"+strconv.Itoa(i)+"\", "+a.def+") ORDER BY gr.\"$i\")) AS "+quoteIdent(a.name))
		cols = append(cols, kql.Column{Name: a.name, Type: kql.TDynamic})
	}
	axisVal := "any_value(p.f) + gr.\"$i\" * any_value(p.s)"
	axisVal = "p.f + gr.\"$i\" * p.s"
	if axis.t == kql.TDatetime {
		axisVal = "to_json(" + dtText(ticksToDt(axisVal)) + ")"
	} else if axis.t == kql.TTimespan {
		axisVal = "to_json(" + tsText(axisVal) + ")"
	} else {
		axisVal = "to_json(" + axisVal + ")"
	}
	sel = append(sel, "to_json(list("+axisVal+" ORDER BY gr.\"$i\")) AS "+quoteIdent(axisName))
	cols = append(cols, kql.Column{Name: axisName, Type: kql.TDynamic})
	var gb []string
	for _, k := range kcols {
		gb = append(gb, "gr."+k)
	}
	sql := "SELECT " + strings.Join(sel, ", ") + " FROM " + grid.from + " AS gr CROSS JOIN " + p.from + " AS p LEFT JOIN " + ag.from + " AS a ON " + strings.Join(on, " AND ")
	if len(gb) > 0 {
		sql += " GROUP BY " + strings.Join(gb, ", ")
	} else {
		sql += " GROUP BY gr.\"$one\""
	}
	return c.addCTE(sql, cols, false, false), nil
}
