package exec

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// slidingWindowCounts compiles `evaluate sliding_window_counts(Id, Time,
// Start, End, Lookback, Bin [, dim1, ...])` [D:sliding-window-counts-plugin]:
// for each bin B from Start to End (bins counted from Start) and each
// combination of the dimensions, Count and Dcount of Id over the rows whose
// Time falls in the Lookback window that ends with B's bin. As in the
// reference's sliding-window technique, each row counts in the bins whose
// window covers it, so a bin no row covers has no output row. The output
// is Time (named as the timeline column), the dimensions, Count, Dcount.
func (c *compiler) slidingWindowCounts(r *rel, call *kql.CallExpr, sc *scope) (*rel, error) {
	if len(call.Args) < 6 {
		return nil, errAt(call, "sliding_window_counts needs IdColumn, TimelineColumn, Start, End, LookbackWindow and Bin")
	}
	colArg := func(a kql.Expr) (kql.Column, error) {
		id, ok := a.(*kql.Ident)
		if !ok {
			return kql.Column{}, errAt(a, "sliding_window_counts: expected a column name")
		}
		col, ok := r.col(id.Name)
		if !ok {
			return kql.Column{}, errAt(id, "unknown column %q", id.Name)
		}
		return col, nil
	}
	idCol, err := colArg(call.Args[0])
	if err != nil {
		return nil, err
	}
	timeCol, err := colArg(call.Args[1])
	if err != nil {
		return nil, err
	}
	if timeCol.Type != kql.TDatetime {
		return nil, errAt(call.Args[1], "sliding_window_counts: the timeline column must be a datetime, %q is %s", timeCol.Name, typeName(timeCol.Type))
	}
	ev := &env{c: c, sc: sc}
	var sv [4]val
	want := [4]kql.Type{kql.TDatetime, kql.TDatetime, kql.TTimespan, kql.TTimespan}
	names := [4]string{"Start", "End", "LookbackWindow", "Bin"}
	for i := range sv {
		v, err := c.scalar(call.Args[2+i], ev)
		if err != nil {
			return nil, err
		}
		if v.t != want[i] {
			return nil, errAt(call.Args[2+i], "sliding_window_counts: %s must be a %s, found %s", names[i], want[i], typeName(v.t))
		}
		sv[i] = v
	}
	var dims []kql.Column
	for _, a := range call.Args[6:] {
		col, err := colArg(a)
		if err != nil {
			return nil, err
		}
		dims = append(dims, col)
	}
	start, end, look, bin := sv[0].sql, sv[1].sql, sv[2].sql, sv[3].sql
	t := quoteIdent(timeCol.Name)
	// bins in one lookback window: ceil(Lookback / Bin)
	n := "CAST(ceil(CAST(" + look + " AS DOUBLE) / nullif(" + bin + ", 0)) AS BIGINT)"
	inner := []string{quoteIdent(idCol.Name) + ` AS "$id"`, floorDivI("("+t+" - ("+start+"))", "nullif("+bin+", 0)") + ` AS "$i"`}
	outer := []string{"(" + start + `) + ("$i" + "$j") * (` + bin + ") AS " + quoteIdent(timeCol.Name)}
	cols := []kql.Column{timeCol}
	var group []string
	for _, d := range dims {
		inner = append(inner, quoteIdent(d.Name))
		outer = append(outer, quoteIdent(d.Name))
		group = append(group, quoteIdent(d.Name))
		cols = append(cols, d)
	}
	outer = append(outer, `count(*) AS "Count"`, "count(DISTINCT "+distinctKey(val{sql: `"$id"`, t: idCol.Type})+`) AS "Dcount"`)
	cols = append(cols, kql.Column{Name: "Count", Type: kql.TLong}, kql.Column{Name: "Dcount", Type: kql.TLong})
	binExpr := "(" + start + `) + ("$i" + "$j") * (` + bin + ")"
	group = append([]string{binExpr}, group...)
	sql := "SELECT " + strings.Join(outer, ", ") +
		" FROM (SELECT " + strings.Join(inner, ", ") + " FROM " + r.from + " WHERE " + t + " IS NOT NULL) AS w, " +
		`(SELECT unnest(range(0, ` + n + `)) AS "$j") AS k` +
		" WHERE " + binExpr + " BETWEEN (" + start + ") AND (" + end + ")" +
		" GROUP BY " + strings.Join(group, ", ")
	return c.addCTE(sql, cols, false, false), nil
}
