package exec

import (
	"fmt"

	"github.com/kqlhunt/kqlhunt/kql"
)

// pivotAggs maps the aggregations the pivot plugin accepts to their
// conditional forms [D:pivot-plugin].
var pivotAggs = map[string]string{
	"count": "countif", "sum": "sumif", "dcount": "dcountif", "avg": "avgif",
	"min": "minif", "max": "maxif", "take_any": "take_anyif", "any": "take_anyif",
	"stdev": "stdevif", "variance": "varianceif",
	"make_list": "make_list_if", "make_set": "make_set_if", "make_bag": "make_bag_if",
}

// pivot compiles `evaluate pivot(P [, agg(X)] [, C1, C2, ...]) [: (schema)]`:
// one row per combination of the columns C (by default every column but
// P and X), and one column per distinct value of P, named by the value's
// text, holding agg over that combination's rows with that value (count()
// by default; count and sum give 0 where no row has the value, as the
// reference's examples show).
//
// The output columns depend on the data, so the plan has two phases: the
// distinct values of P are read first through CompileOptions.Probe (in
// order of first appearance when the input has an order, else sorted),
// then the plugin compiles as a summarize of one conditional aggregate
// per value (countif(tostring(P) == "v"), sumif(X, ...), ...). A declared
// output schema names the value columns instead, without the first phase.
func (c *compiler) pivot(r *rel, op *kql.EvaluateOp, sc *scope) (*rel, error) {
	call := op.Plugin
	sp := call.Sp
	if len(call.Args) == 0 {
		return nil, errAt(call, "pivot needs the column to rotate")
	}
	pid, ok := call.Args[0].(*kql.Ident)
	if !ok {
		return nil, errAt(call.Args[0], "pivot: the pivot column must be a column name")
	}
	pcol, ok := r.col(pid.Name)
	if !ok {
		return nil, errAt(pid, "unknown column %q", pid.Name)
	}
	args := call.Args[1:]
	aggName, aggArgs := "count", []kql.Expr(nil)
	if len(args) > 0 {
		if ac, ok := args[0].(*kql.CallExpr); ok {
			if _, ok := pivotAggs[ac.Func.Name]; !ok {
				return nil, errAt(ac, "pivot: %s() is not one of the aggregations pivot takes (min, max, take_any, sum, dcount, avg, stdev, variance, make_list, make_bag, make_set, count)", ac.Func.Name)
			}
			aggName, aggArgs = ac.Func.Name, ac.Args
			args = args[1:]
		}
	}
	skip := map[string]bool{pid.Name: true}
	for _, a := range aggArgs {
		if id, ok := a.(*kql.Ident); ok {
			skip[id.Name] = true
		}
	}
	var by []*kql.ColumnExpr
	if len(args) > 0 {
		for _, a := range args {
			id, ok := a.(*kql.Ident)
			if !ok {
				return nil, errAt(a, "pivot: expected a column name")
			}
			if _, ok := r.col(id.Name); !ok {
				return nil, errAt(id, "unknown column %q", id.Name)
			}
			by = append(by, &kql.ColumnExpr{Sp: id.Sp, X: id})
		}
	} else {
		for _, col := range r.cols {
			if !skip[col.Name] {
				by = append(by, &kql.ColumnExpr{Sp: sp, X: &kql.Ident{Sp: sp, Name: col.Name}})
			}
		}
	}
	values, err := c.pivotValues(r, op, pcol, by)
	if err != nil {
		return nil, err
	}
	sum := &kql.SummarizeOp{Sp: op.Sp, By: by}
	for _, v := range values {
		if v == "" {
			return nil, errAt(pid, "pivot: column %q has an empty value, which cannot name an output column", pid.Name)
		}
		if kql.InternalName(v) {
			return nil, errAt(pid, "pivot: column %q has the value %q, which cannot name an output column: names starting with $ are reserved for kqlhunt's internal columns", pid.Name, v)
		}
		cond := &kql.BinaryExpr{Sp: sp, Op: "==",
			X: &kql.CallExpr{Sp: sp, Func: &kql.Ident{Sp: sp, Name: "tostring"}, Args: []kql.Expr{&kql.Ident{Sp: pid.Sp, Name: pid.Name}}},
			Y: &kql.Literal{Sp: sp, Kind: kql.LitString, Str: v}}
		agg := &kql.CallExpr{Sp: sp, Func: &kql.Ident{Sp: sp, Name: pivotAggs[aggName]}, Args: append(append([]kql.Expr(nil), aggArgs...), cond)}
		sum.Aggs = append(sum.Aggs, &kql.ColumnExpr{Sp: sp, Names: []*kql.Ident{{Sp: sp, Name: v}}, X: agg})
	}
	return c.summarize(r, sum, sc)
}

// pivotValues returns the names of pivot's value columns: from the declared
// output schema, or the distinct values of the pivot column in the data.
func (c *compiler) pivotValues(r *rel, op *kql.EvaluateOp, pcol kql.Column, by []*kql.ColumnExpr) ([]string, error) {
	if len(op.Output) > 0 {
		grouped := map[string]bool{}
		for _, b := range by {
			grouped[b.X.(*kql.Ident).Name] = true
		}
		var values []string
		for _, d := range op.Output {
			if d != nil && d.Name != nil && !grouped[d.Name.Name] {
				values = append(values, d.Name.Name)
			}
		}
		return values, nil
	}
	if c.opts.Probe == nil {
		return nil, errAt(op.Plugin, "evaluate pivot needs the data to find its columns; it runs only through the engine (or declare the output schema)")
	}
	text := c.asString(val{sql: quoteIdent(pcol.Name), t: pcol.Type}).sql
	sel := "SELECT v FROM (SELECT " + text + " AS v FROM " + r.from + ") GROUP BY v ORDER BY v"
	if r.ord {
		sel = "SELECT v FROM (SELECT " + text + " AS v, " + ordCol + " AS o FROM " + r.from + ") GROUP BY v ORDER BY min(o)"
	}
	rows, err := c.opts.Probe(c.withSQL(sel))
	if err != nil {
		return nil, errAt(op.Plugin, "pivot: %v", err)
	}
	values := make([]string, 0, len(rows))
	for _, row := range rows {
		if len(row) == 1 && row[0] != nil {
			values = append(values, fmt.Sprint(row[0]))
		}
	}
	return values, nil
}
