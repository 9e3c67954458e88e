package exec

import (
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// search compiles `T | search Pred`: bare string (or number) terms match
// any column with has (wildcards: "a*" hasprefix, "*a" hassuffix, "*a*"
// contains), `col:"x"` matches one column; the rest is an ordinary
// predicate. The result gets a leading $table column.
func (c *compiler) search(r *rel, op *kql.SearchOp, sc *scope) (*rel, error) {
	if len(op.Tables) > 0 {
		return nil, errAt(op, "search in (tables) is not supported")
	}
	cs := strings.EqualFold(paramWord(op.Params, "kind"), "case_sensitive")
	ev := c.rowEnv(r, sc)
	pred, err := c.searchPred(op.Pred, r, ev, cs)
	if err != nil {
		return nil, err
	}
	name := r.name
	if name == "" {
		name = "search_arg0"
	}
	cols := append([]kql.Column{{Name: "$table", Type: kql.TString}}, r.cols...)
	sql := "SELECT " + quoteString(name) + " AS \"$table\", " + colList(r.cols, r.ord) + " FROM " + r.from + " WHERE " + pred
	return c.addCTE(sql, cols, r.ord, r.sorted), nil
}

func (c *compiler) searchPred(e kql.Expr, r *rel, ev *env, cs bool) (string, error) {
	switch x := e.(type) {
	case *kql.ParenExpr:
		s, err := c.searchPred(x.X, r, ev, cs)
		return "(" + s + ")", err
	case *kql.BinaryExpr:
		switch x.Op {
		case "and", "or":
			a, err := c.searchPred(x.X, r, ev, cs)
			if err != nil {
				return "", err
			}
			b, err := c.searchPred(x.Y, r, ev, cs)
			if err != nil {
				return "", err
			}
			return "(" + a + " " + strings.ToUpper(x.Op) + " " + b + ")", nil
		case ":":
			col, ok := x.X.(*kql.Ident)
			lit, ok2 := x.Y.(*kql.Literal)
			if !ok || !ok2 {
				return "", errAt(x, "search: expected Column:\"term\"")
			}
			cc, found := r.col(col.Name)
			if !found {
				return "", errAt(col, "unknown column %q", col.Name)
			}
			return c.termMatch([]kql.Column{cc}, lit, cs)
		}
	case *kql.CallExpr:
		if x.Func.Name == "not" && len(x.Args) == 1 {
			s, err := c.searchPred(x.Args[0], r, ev, cs)
			return "(NOT " + s + ")", err
		}
	case *kql.Literal:
		return c.termMatch(r.cols, x, cs)
	case *kql.Star:
		// search *: every row
		return "TRUE", nil
	}
	v, err := c.scalar(e, ev)
	if err != nil {
		return "", err
	}
	if v.t != kql.TBool {
		return "", errAt(e, "search: expected a predicate, found %s", typeName(v.t))
	}
	return v.sql, nil
}

func (c *compiler) termMatch(cols []kql.Column, lit *kql.Literal, cs bool) (string, error) {
	var term string
	switch lit.Kind {
	case kql.LitString:
		term = lit.Str
	case kql.LitLong, kql.LitInt:
		term = strconv.FormatInt(lit.Int, 10)
	case kql.LitReal:
		term = strconv.FormatFloat(lit.Real, 'f', -1, 64)
	default:
		return "", errAt(lit, "search: expected a string term")
	}
	op := "has"
	switch {
	case strings.HasPrefix(term, "*") && strings.HasSuffix(term, "*") && len(term) > 1:
		op, term = "contains", term[1:len(term)-1]
	case strings.HasSuffix(term, "*"):
		op, term = "hasprefix", term[:len(term)-1]
	case strings.HasPrefix(term, "*"):
		op, term = "hassuffix", term[1:]
	}
	if cs {
		op += "_cs"
	}
	t := val{sql: quoteString(term), t: kql.TString, lit: &kql.Literal{Kind: kql.LitString, Str: term}}
	if len(cols) > 1 && !strings.ContainsRune(term, searchSep) {
		// One test over the row's text: the columns' string forms joined by
		// a separator that is neither a letter nor a digit, so it bounds
		// terms as the start and end of a value do, and that the term does
		// not contain, so no match spans two columns. The same rows match
		// as with a test per column, but DuckDB compiles the term's
		// pattern once per table instead of once per column (each
		// compilation of the Unicode boundary classes costs milliseconds).
		// concat_ws skips nulls, which match nothing either way.
		texts := make([]string, len(cols))
		for i, col := range cols {
			texts[i] = c.asString(val{sql: quoteIdent(col.Name), t: col.Type}).sql
		}
		x := val{sql: "concat_ws(chr(" + strconv.Itoa(searchSep) + "), " + strings.Join(texts, ", ") + ")", t: kql.TString}
		v, err := c.stringOp(&kql.BinaryExpr{Sp: lit.Sp, Op: op}, x, t)
		if err != nil {
			return "", err
		}
		return v.sql, nil
	}
	var parts []string
	for _, col := range cols {
		x := val{sql: quoteIdent(col.Name), t: col.Type}
		v, err := c.stringOp(&kql.BinaryExpr{Sp: lit.Sp, Op: op}, x, t)
		if err != nil {
			return "", err
		}
		parts = append(parts, v.sql)
	}
	if len(parts) == 0 {
		return "FALSE", nil
	}
	return "(" + strings.Join(parts, " OR ") + ")", nil
}

// searchSep separates the columns of a row in termMatch's text: the
// information separator two (U+001E), which no search term contains in
// practice; a term that does is tested column by column.
const searchSep = 0x1e
