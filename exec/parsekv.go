package exec

import (
	"regexp"

	"github.com/kqlhunt/kqlhunt/kql"
)

// parseKV compiles parse-kv X as (k:type, ...) with (pair_delimiter=..,
// kv_delimiter=..[, quote=..]): for each declared key, the value after the
// first kv delimiter of the first pair whose trimmed key matches.
func (c *compiler) parseKV(r *rel, op *kql.ParseKVOp, sc *scope) (*rel, error) {
	ev := c.rowEnv(r, sc)
	src, err := c.scalar(op.X, ev)
	if err != nil {
		return nil, err
	}
	s := c.asString(src).sql
	str := func(name string) (string, bool, error) {
		for _, p := range op.With {
			if p.Name == name {
				lit, ok := p.Value.(*kql.Literal)
				if !ok || lit.Kind != kql.LitString {
					return "", false, errAt(p, "parse-kv: %s must be a string constant", name)
				}
				return lit.Str, true, nil
			}
		}
		return "", false, nil
	}
	if _, ok, _ := str("regex"); ok {
		return nil, errAt(op, "parse-kv with (regex=...) is not supported")
	}
	pd, okP, err := str("pair_delimiter")
	if err != nil {
		return nil, err
	}
	kd, okK, err := str("kv_delimiter")
	if err != nil {
		return nil, err
	}
	if !okP || !okK || pd == "" || kd == "" {
		return nil, errAt(op, "parse-kv needs pair_delimiter and kv_delimiter")
	}
	quote, hasQuote, err := str("quote")
	if err != nil {
		return nil, err
	}
	outs := relOuts(r)
	for _, d := range op.Cols {
		t, ok := kql.CanonicalType(d.Type)
		if !ok {
			return nil, errAt(d, "unknown type %q", d.Type)
		}
		key := d.Name.Name
		var v string
		if hasQuote && len(quote) == 1 && len(pd) == 1 {
			q := regexp.QuoteMeta(quote)
			p := regexp.QuoteMeta(pd)
			re := `(?:^|` + p + `)\s*` + regexp.QuoteMeta(key) + `\s*` + regexp.QuoteMeta(kd) + `\s*(?:` + q + `([^` + q + `]*)` + q + `|([^` + p + `]*))`
			m := "regexp_extract(" + s + ", " + quoteString(re) + ", "
			v = "(CASE WHEN regexp_matches(" + s + ", " + quoteString(re) + ") THEN coalesce(nullif(" + m + "1), ''), trim(" + m + "2))) END)"
		} else {
			pairs := "list_transform(string_split(" + s + ", " + quoteString(pd) + "), p -> [trim(split_part(p, " + quoteString(kd) + ", 1)), CASE WHEN strpos(p, " + quoteString(kd) + ") > 0 THEN trim(substr(p, strpos(p, " + quoteString(kd) + ") + " + itoa(len([]rune(kd))) + ")) END])"
			v = "list_filter(" + pairs + ", x -> x[1] = " + quoteString(key) + " AND x[2] IS NOT NULL)[1][2]"
			if hasQuote && quote != "" {
				v = "trim(" + v + ", " + quoteString(quote) + ")"
			}
		}
		var expr string
		if t == kql.TString {
			expr = "coalesce(" + v + ", '')"
		} else {
			expr = c.convert(val{sql: "nullif(" + v + ", '')", t: kql.TString}, t).sql
		}
		replaced := false
		for i := range outs {
			if outs[i].name == key {
				outs[i] = outCol{key, expr, t}
				replaced = true
			}
		}
		if !replaced {
			outs = append(outs, outCol{key, expr, t})
		}
	}
	return c.selectOuts(r, outs), nil
}
