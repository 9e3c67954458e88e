package translate

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// genericColumns are the columns a dimension may be held in, across all
// subjects, in the lexicon's order: what a follow-up to a typed query
// looks for among its result columns.
func genericColumns(dim string) []string {
	var out []string
	for _, sub := range subjects {
		for _, c := range sub.dims[dim] {
			out = appendUnique(out, c)
		}
	}
	return out
}

func baseColumn(cols []kql.Column, names ...string) (kql.Column, bool) {
	for _, n := range names {
		for _, c := range cols {
			if c.Name == n {
				return c, true
			}
		}
	}
	return kql.Column{}, false
}

// timeColumn is the result column a time window applies to.
func timeColumn(cols []kql.Column) (string, bool) {
	if c, ok := baseColumn(cols, "Timestamp", "TimeGenerated", "CreatedTime", "FirstSeen"); ok {
		return c.Name, true
	}
	for _, c := range cols {
		if c.Type == kql.TDatetime {
			return c.Name, true
		}
	}
	return "", false
}

// onBase builds a follow-up to a typed query: its statements, with the
// plan's filters and shape appended to its last pipeline.
func (b *builder) onBase(p *Plan) (*kql.Query, string) {
	q, err := kql.Parse(p.Base)
	if err != nil || len(q.Stmts) == 0 {
		return nil, "The previous query does not parse; type a new question."
	}
	last, ok := q.Stmts[len(q.Stmts)-1].(*kql.ExprStmt)
	if !ok {
		return nil, "The previous query ends in a statement without a result; type a new question."
	}
	pipeX, ok := last.X.(*kql.PipeExpr)
	if !ok {
		pipeX = &kql.PipeExpr{Source: last.X}
	}
	ops := slices.Clone(pipeX.Ops)
	cols := p.BaseColumns
	tbl := &kql.Table{Columns: cols}
	if p.Time != nil && p.BaseTime && len(ops) > 0 {
		// A new window replaces the one the base query was asked with
		// ("what about the last 30 days" after "the last 7 days"), rather
		// than narrowing it silently.
		if _, ok := ops[0].(*kql.WhereOp); ok {
			ops = ops[1:]
		}
	}
	if p.Time != nil {
		tc, ok := timeColumn(cols)
		if !ok {
			return nil, "The previous result has no time column to apply " + p.Time.describe() + " to."
		}
		ops = append(ops, where(p.Time.predicate(tc)))
	}
	for _, f := range p.Filters {
		switch f.Dim {
		case "concept":
			pred, err := parsePredicate(f.Concept)
			if err != nil {
				return nil, "internal error: " + err.Error()
			}
			if f.Negate {
				pred = call("not", pred)
			}
			ops = append(ops, where(pred))
			continue
		case "text":
			return nil, fmt.Sprintf("Which column should have %s? Say, for example, \"where the command line contains %s\".", strings.Join(quoteAll(f.Values), ", "), quoteAll(f.Values)[0])
		}
		var found []string
		for _, c := range genericColumns(f.Dim) {
			if _, ok := baseColumn(cols, c); ok {
				found = append(found, c)
			}
		}
		if len(found) == 0 {
			if c, ok := firstBaseColumn(cols, f.Dim); ok {
				found = append(found, c)
			}
		}
		if len(found) == 0 {
			return nil, fmt.Sprintf("The previous result has no %s column to filter by %s.", dimName(f.Dim), strings.Join(f.Values, ", "))
		}
		ops = append(ops, where(match(tbl, userColumns(found[:1], f), f)))
	}
	var by []string
	for _, d := range p.By {
		c, ok := firstBaseColumn(cols, d)
		if !ok {
			return nil, fmt.Sprintf("The previous result has no %s column to group by.", dimName(d))
		}
		by = appendUnique(by, c)
	}
	n := p.N
	switch p.Shape {
	case ShapeCount:
		if len(by) == 0 {
			ops = append(ops, &kql.CountOp{})
			break
		}
		ops = append(ops,
			&kql.SummarizeOp{Aggs: []*kql.ColumnExpr{named("Count", call("count"))}, By: cols2(by)},
			&kql.SortOp{Keys: []*kql.SortKey{sortKey("Count", true), sortKey(by[0], false)}})
	case ShapeTop, ShapeRare:
		if n <= 0 {
			n = 10
		}
		ops = append(ops,
			&kql.SummarizeOp{Aggs: []*kql.ColumnExpr{named("Count", call("count"))}, By: cols2(by)},
			&kql.TopOp{N: longLit(int64(n)), Keys: []*kql.SortKey{sortKey("Count", p.Shape == ShapeTop), sortKey(by[0], false)}})
	case ShapeTrend:
		tc, ok := timeColumn(cols)
		if !ok {
			return nil, "The previous result has no time column to count over time."
		}
		bin := p.Bin
		if bin == 0 {
			bin = 24 * time.Hour
		}
		ops = append(ops,
			&kql.SummarizeOp{Aggs: []*kql.ColumnExpr{named("Count", call("count"))}, By: append([]*kql.ColumnExpr{named(tc, call("bin", ident(tc), spanLit(bin)))}, cols2(by)...)},
			&kql.SortOp{Keys: []*kql.SortKey{sortKey(tc, false)}})
	default:
		if p.Sort != "" {
			var col string
			switch p.Sort {
			case "time":
				col, _ = timeColumn(cols)
			case "count":
				if c, ok := baseColumn(cols, "Count", "count_"); ok {
					col = c.Name
				}
			default:
				col, _ = firstBaseColumn(cols, p.Sort)
			}
			if col == "" {
				return nil, "The previous result has no column to sort that way."
			}
			if n > 0 {
				ops = append(ops, &kql.TopOp{N: longLit(int64(n)), Keys: []*kql.SortKey{sortKey(col, p.Desc)}})
				n = 0
			} else {
				ops = append(ops, &kql.SortOp{Keys: []*kql.SortKey{sortKey(col, p.Desc)}})
			}
		}
		if n > 0 {
			ops = append(ops, &kql.TakeOp{N: longLit(int64(n))})
		}
	}
	stmts := slices.Clone(q.Stmts)
	stmts[len(stmts)-1] = &kql.ExprStmt{X: &kql.PipeExpr{Source: pipeX.Source, Ops: ops}}
	out := &kql.Query{Stmts: stmts}
	return out, ""
}

func firstBaseColumn(cols []kql.Column, dim string) (string, bool) {
	for _, c := range genericColumns(dim) {
		if _, ok := baseColumn(cols, c); ok {
			return c, true
		}
	}
	// Columns of other schemas (Sentinel's UserPrincipalName, Computer,
	// IpAddress, ...): by the words of their names.
	for _, want := range dimNameWords[dim] {
		for _, c := range cols {
			if c.Type != kql.TString {
				continue
			}
			if ws := nameWords(c.Name); slices.Contains(ws, want) {
				return c.Name, true
			}
		}
	}
	return "", false
}

// dimNameWords are, per dimension, the words a column name of any schema
// has when it holds that dimension, in order of preference.
var dimNameWords = map[string][]string{
	dimUser:   {"upn", "user", "account", "caller", "identity"},
	dimDevice: {"devic", "computer", "host", "machin"},
	dimIP:     {"ip", "address"},
}

func cols2(names []string) []*kql.ColumnExpr { return cols(names...) }
