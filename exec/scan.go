package exec

import (
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// scan compiles a single-step scan as a recursive CTE that walks the rows
// in order, carrying the declared state: a row whose predicate holds is
// emitted with the state after its assignments (all computed from the
// previous state); other rows leave the state unchanged and are dropped.
func (c *compiler) scan(r *rel, op *kql.ScanOp, sc *scope) (*rel, error) {
	if len(op.Steps) != 1 {
		return nil, errAt(op, "scan with %d steps is not supported (one step only)", len(op.Steps))
	}
	if len(op.Params) > 0 || len(op.By) > 0 || len(op.OrderBy) > 0 {
		return nil, errAt(op, "scan parameters, order by and partition by are not supported")
	}
	step := op.Steps[0]
	if !r.ord || !r.sorted {
		return nil, hintAt(op, "add | serialize (or a sort) before scan", "scan needs a serialized row set")
	}
	type state struct {
		name string
		t    kql.Type
		init string
		col  string
	}
	var vars []state
	vals := map[string]val{}
	bare := map[string]val{}
	for i, p := range op.Declare {
		t, ok := kql.CanonicalType(p.Type)
		if !ok {
			return nil, errAt(p, "scan: unknown type %q", p.Type)
		}
		init := "CAST(NULL AS " + sqlType(t) + ")"
		if t == kql.TString {
			init = "''"
		}
		if p.Default != nil {
			v, err := c.scalar(p.Default, &env{c: c, sc: sc})
			if err != nil {
				return nil, err
			}
			init = "CAST(" + c.convert(v, t).sql + " AS " + sqlType(t) + ")"
		}
		col := "\"$v" + strconv.Itoa(i) + "\""
		vars = append(vars, state{p.Name.Name, t, init, col})
		vals[p.Name.Name] = val{sql: "st." + col, t: t}
		// a bare variable in a step is the row's own value, which starts
		// at the declared default; Step.var is the previous state
		bare[p.Name.Name] = val{sql: init, t: t}
	}
	inner := newScope(sc)
	for name, v := range bare {
		v := v
		inner.m[name] = &binding{scalar: &v}
	}
	ev := &env{c: c, sc: inner, cols: r.cols, qual: "n", stepVars: map[string]map[string]val{step.Name.Name: vals}}
	pred, err := c.scalar(step.Pred, ev)
	if err != nil {
		return nil, err
	}
	if pred.t != kql.TBool {
		return nil, errAt(step.Pred, "scan: the step condition must be bool")
	}
	next := map[string]string{}
	for _, ce := range step.Assign {
		if len(ce.Names) != 1 {
			return nil, errAt(ce, "scan: expected name = expression")
		}
		name := ce.Names[0].Name
		if _, ok := vals[name]; !ok {
			return nil, errAt(ce.Names[0], "scan: %q is not a declared variable", name)
		}
		v, err := c.scalar(ce.X, ev)
		if err != nil {
			return nil, err
		}
		next[name] = c.convert(v, vals[name].t).sql
	}
	c.recursive = true
	num := c.addCTE("SELECT *, row_number() OVER (ORDER BY "+ordCol+") AS \"$rn\" FROM "+r.from, r.cols, true, true)
	var cols, init, upd []string
	for _, v := range vars {
		cols = append(cols, v.col)
		init = append(init, v.init)
		if e, ok := next[v.name]; ok {
			upd = append(upd, "CASE WHEN coalesce("+pred.sql+", false) THEN "+e+" ELSE st."+v.col+" END")
		} else {
			upd = append(upd, "st."+v.col)
		}
	}
	c.nextID++
	name := quoteIdent("_s" + strconv.Itoa(c.nextID))
	body := "SELECT CAST(0 AS BIGINT), FALSE, " + strings.Join(init, ", ") +
		"\n  UNION ALL\n  SELECT n.\"$rn\", coalesce(" + pred.sql + ", false), " + strings.Join(upd, ", ") +
		" FROM " + name + " AS st JOIN " + num.from + " AS n ON n.\"$rn\" = st.\"$rn\" + 1"
	c.ctes = append(c.ctes, name+"(\"$rn\", \"$m\", "+strings.Join(cols, ", ")+") AS (\n  "+body+"\n)")
	var sel []string
	outCols := append([]kql.Column(nil), r.cols...)
	for _, col := range r.cols {
		sel = append(sel, "n."+quoteIdent(col.Name))
	}
	for _, v := range vars {
		sel = append(sel, "st."+v.col+" AS "+quoteIdent(v.name))
		outCols = append(outCols, kql.Column{Name: v.name, Type: v.t})
	}
	sel = append(sel, "n."+ordCol)
	return c.addCTE("SELECT "+strings.Join(sel, ", ")+" FROM "+name+" AS st JOIN "+num.from+" AS n ON n.\"$rn\" = st.\"$rn\" WHERE st.\"$m\"", outCols, true, true), nil
}
