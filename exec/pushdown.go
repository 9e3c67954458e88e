package exec

import (
	"strconv"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// Time-window pre-filters.
//
// Queries work on datetimes as 100 ns ticks, so a table's TIMESTAMP_NS
// columns are converted (epoch_ns(c) // 100) when the table is read. A
// filter on the converted value cannot use DuckDB's zone maps, and nearly
// every hunting query starts with `where Timestamp > ago(Nd)`. When a
// where directly follows a table, each conjunct comparing a datetime column
// with a constant also becomes a filter on the stored column, in the table
// read itself, where DuckDB skips the row groups outside the window. On
// positive tick values the stored-column condition is exactly the
// conjunct (ticks = floor(ns / 100)), so the conjunct is not evaluated
// again on the ticks.

// timeWindowFilter returns the SQL condition on the stored columns of
// r's table implied by pred, or "" when there is none, and the conjuncts
// of pred it fully replaces (rest: the others).
func (c *compiler) timeWindowFilter(r *rel, pred kql.Expr, sc *scope) (filter string, rest []kql.Expr) {
	if r.scanTable == nil {
		return "", nil
	}
	var conds []string
	var walk func(e kql.Expr)
	walk = func(e kql.Expr) {
		switch e := e.(type) {
		case *kql.ParenExpr:
			walk(e.X)
			return
		case *kql.BinaryExpr:
			if e.Op == "and" {
				walk(e.X)
				walk(e.Y)
				return
			}
			op, col, other := e.Op, e.X, e.Y
			if _, ok := col.(*kql.Ident); !ok {
				// constant on the left: ago(1d) < Timestamp
				op, col, other = flipCmp(op), e.Y, e.X
			}
			if cond := c.windowCond(r, col, op, other, sc); cond != "" {
				conds = append(conds, cond)
				return
			}
		case *kql.BetweenExpr:
			if !e.Not {
				if lo := c.windowCond(r, e.X, ">=", e.Lo, sc); lo != "" {
					if hi := c.windowCond(r, e.X, "<=", e.Hi, sc); hi != "" {
						conds = append(conds, lo, hi)
						return
					}
				}
			}
		}
		rest = append(rest, e)
	}
	walk(pred)
	return strings.Join(conds, " AND "), rest
}

func flipCmp(op string) string {
	switch op {
	case "<":
		return ">"
	case "<=":
		return ">="
	case ">":
		return "<"
	case ">=":
		return "<="
	}
	return op
}

// windowCond is the stored-column condition implied by `col op other`
// when col is a datetime column of r's table and other a positive
// constant datetime.
func (c *compiler) windowCond(r *rel, colExpr kql.Expr, op string, other kql.Expr, sc *scope) string {
	id, ok := colExpr.(*kql.Ident)
	if !ok {
		return ""
	}
	// Only stored columns (a Sentinel TimeGenerated reads Timestamp).
	name := id.Name
	if name == "TimeGenerated" && !hasStoredColumn(r.scanTable, name, kql.TDatetime) {
		name = "Timestamp"
	}
	if !hasStoredColumn(r.scanTable, name, kql.TDatetime) {
		return ""
	}
	col := kql.Column{Name: name, Type: kql.TDatetime}
	if rc, ok := r.col(id.Name); !ok || rc.Type != kql.TDatetime {
		return ""
	}
	if !c.constTimeExpr(other, r, sc) {
		return ""
	}
	v, err := c.scalar(other, &env{c: c, sc: sc})
	if err != nil || v.t != kql.TDatetime {
		return ""
	}
	ticks, ok := parseSQLLong(v.sql)
	// Positive ticks whose nanoseconds fit in int64: ticks of stored
	// values are floor(ns / 100) there whatever the rounding of negative
	// values.
	if !ok || ticks <= 0 || ticks >= (1<<63-1)/100-1 {
		return ""
	}
	at := func(t int64) string {
		return "TIMESTAMP_NS '" + time.Unix(0, t*100).UTC().Format("2006-01-02 15:04:05.000000000") + "'"
	}
	ref := quoteIdent(col.Name)
	switch op {
	case ">", ">=":
		// ticks > t needs ns >= (t+1)*100; ticks >= t needs ns >= t*100
		if op == ">" {
			ticks++
		}
		return ref + " >= " + at(ticks)
	case "<", "<=":
		// ticks < t needs ns < t*100; ticks <= t needs ns < (t+1)*100
		if op == "<=" {
			ticks++
		}
		return ref + " < " + at(ticks)
	case "==":
		return ref + " >= " + at(ticks) + " AND " + ref + " < " + at(ticks+1)
	}
	return ""
}

// constTimeExpr reports whether e is built only of literals, scalar let
// bindings and the time functions, so compiling it again has no effect.
func (c *compiler) constTimeExpr(e kql.Expr, r *rel, sc *scope) bool {
	switch e := e.(type) {
	case *kql.Literal:
		return true
	case *kql.ParenExpr:
		return c.constTimeExpr(e.X, r, sc)
	case *kql.UnaryExpr:
		return c.constTimeExpr(e.X, r, sc)
	case *kql.BinaryExpr:
		return (e.Op == "+" || e.Op == "-") && c.constTimeExpr(e.X, r, sc) && c.constTimeExpr(e.Y, r, sc)
	case *kql.Ident:
		if _, ok := r.col(e.Name); ok {
			return false
		}
		b := sc.lookup(e.Name)
		return b != nil && b.scalar != nil
	case *kql.CallExpr:
		switch e.Func.Name {
		case "ago", "now", "datetime", "todatetime", "startofday", "startofweek", "startofmonth", "startofyear":
		default:
			return false
		}
		if b := sc.lookup(e.Func.Name); b != nil {
			return false // a user function shadows the built-in
		}
		for _, a := range e.Args {
			if !c.constTimeExpr(a, r, sc) {
				return false
			}
		}
		return true
	}
	return false
}

// parseSQLLong reads the integer constants sqlLong writes.
func parseSQLLong(s string) (int64, bool) {
	s = strings.TrimPrefix(s, "(")
	s = strings.TrimSuffix(s, ")")
	if strings.HasPrefix(s, "CAST(") && strings.HasSuffix(s, " AS BIGINT") {
		s = strings.TrimSuffix(strings.TrimPrefix(s, "CAST("), " AS BIGINT")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// constCount reads the row count countArg writes for a constant:
// greatest(coalesce(N, 0), 0).
func constCount(sql string) (int64, bool) {
	const pre, suf = "greatest(coalesce(", ", 0), 0)"
	if !strings.HasPrefix(sql, pre) || !strings.HasSuffix(sql, suf) {
		return 0, false
	}
	n, ok := parseSQLLong(strings.TrimSuffix(strings.TrimPrefix(sql, pre), suf))
	if !ok {
		return 0, false
	}
	return max(n, 0), true
}
