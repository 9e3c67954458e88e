package exec

import (
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// topNested compiles top-nested: level i keeps the top N values of its key
// within each combination of the previous levels' keys, ranked by its
// aggregation over that group.
func (c *compiler) topNested(r *rel, op *kql.TopNestedOp, sc *scope) (*rel, error) {
	type level struct {
		key, keySQL string
		keyT        kql.Type
		agg, aggSQL string
		aggT        kql.Type
		n           string
		desc        bool
	}
	var levels []level
	ev := c.rowEnv(r, sc)
	ev.ser = false
	aggEnv := c.rowEnv(r, sc)
	aggEnv.ser = false
	aggEnv.agg = &aggCtx{ord: r.ord}
	for _, l := range op.Levels {
		if l.Others != nil {
			return nil, errAt(l.Others, "top-nested with others is not supported")
		}
		k, err := c.scalar(l.Of.X, ev)
		if err != nil {
			return nil, err
		}
		key := autoName(l.Of.X)
		if len(l.Of.Names) > 0 {
			key = l.Of.Names[0].Name
		}
		if key == "" {
			return nil, errAt(l.Of, "top-nested: name the expression (of Name = expr)")
		}
		a, err := c.scalar(l.By.X, aggEnv)
		if err != nil {
			return nil, err
		}
		agg := "aggregated_" + key
		if len(l.By.Names) > 0 {
			agg = l.By.Names[0].Name
		}
		n := ""
		if l.N != nil {
			if n, err = c.countArg(l.N, sc); err != nil {
				return nil, err
			}
		}
		levels = append(levels, level{key, k.sql, k.t, agg, a.sql, a.t, n, l.Order != "asc"})
	}
	var ranked []*rel
	for i, l := range levels {
		var sel, gb, part []string
		for j := 0; j <= i; j++ {
			sel = append(sel, levels[j].keySQL+" AS \"$k"+strconv.Itoa(j)+"\"")
			gb = append(gb, strconv.Itoa(j+1))
			if j < i {
				part = append(part, "\"$k"+strconv.Itoa(j)+"\"")
			}
		}
		sel = append(sel, l.aggSQL+" AS \"$a"+strconv.Itoa(i)+"\"")
		a := c.addCTE("SELECT "+strings.Join(sel, ", ")+" FROM "+r.from+" GROUP BY "+strings.Join(gb, ", "), nil, false, false)
		dir := " DESC NULLS LAST"
		if !l.desc {
			dir = " ASC NULLS FIRST"
		}
		pb := ""
		if len(part) > 0 {
			pb = "PARTITION BY " + strings.Join(part, ", ") + " "
		}
		q := "SELECT * FROM " + a.from
		if l.n != "" {
			q += " QUALIFY row_number() OVER (" + pb + "ORDER BY \"$a" + strconv.Itoa(i) + "\"" + dir + ") <= " + l.n
		}
		ranked = append(ranked, c.addCTE(q, nil, false, false))
	}
	// join the levels: each row of level i extends a kept row of level i-1
	from := ranked[0].from + " AS t0"
	for i := 1; i < len(ranked); i++ {
		var on []string
		for j := 0; j < i; j++ {
			on = append(on, "t"+strconv.Itoa(i)+".\"$k"+strconv.Itoa(j)+"\" IS NOT DISTINCT FROM t"+strconv.Itoa(i-1)+".\"$k"+strconv.Itoa(j)+"\"")
		}
		from += " JOIN " + ranked[i].from + " AS t" + strconv.Itoa(i) + " ON " + strings.Join(on, " AND ")
	}
	var sel []string
	var cols []kql.Column
	last := "t" + strconv.Itoa(len(levels)-1)
	for i, l := range levels {
		ti := "t" + strconv.Itoa(i)
		sel = append(sel, last+".\"$k"+strconv.Itoa(i)+"\" AS "+quoteIdent(l.key), ti+".\"$a"+strconv.Itoa(i)+"\" AS "+quoteIdent(l.agg))
		cols = append(cols, kql.Column{Name: l.key, Type: l.keyT}, kql.Column{Name: l.agg, Type: l.aggT})
	}
	return c.addCTE("SELECT "+strings.Join(sel, ", ")+" FROM "+from, cols, false, false), nil
}
