package exec

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// constStrings decodes a constant dynamic array of strings.
func constStrings(v val) ([]string, bool) {
	if v.lit == nil || v.lit.Kind != kql.LitDynamic || v.null {
		return nil, false
	}
	var out []string
	if json.Unmarshal([]byte(v.lit.Str), &out) != nil {
		return nil, false
	}
	return out, true
}

// constElems decodes a constant dynamic array.
func constElems(v val) ([]any, bool) {
	if v.lit == nil || v.lit.Kind != kql.LitDynamic || v.null {
		return nil, false
	}
	var out []any
	if json.Unmarshal([]byte(v.lit.Str), &out) != nil {
		return nil, false
	}
	return out, true
}

func validIPv4(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 3 {
			return false
		}
		n := 0
		for _, ch := range p {
			if ch < '0' || ch > '9' {
				return false
			}
			n = n*10 + int(ch-'0')
		}
		if n > 255 {
			return false
		}
	}
	return true
}

// ipBoundary is what may surround an IPv4 address found in text.
const ipBoundary = `[^0-9A-Za-z_.]`

func registerMoreFuncs(reg func(string, int, int, fnImpl)) {
	reg("has_ipv4", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		ip, ok := a[1].isConstString()
		if !ok {
			return val{}, errAt(call.Args[1], "has_ipv4: the address must be a constant")
		}
		if !validIPv4(ip) {
			return val{sql: "FALSE", t: kql.TBool}, nil
		}
		re := `(?:^|` + ipBoundary + `)` + regexp.QuoteMeta(ip) + `(?:$|` + ipBoundary + `|\.(?:$|[^0-9]))`
		return val{sql: "regexp_matches(" + c.asString(a[0]).sql + ", " + quoteString(re) + ")", t: kql.TBool}, nil
	})
	hasPrefix := func(c *compiler, s string, prefix string) string {
		if !strings.HasSuffix(prefix, ".") && strings.Count(prefix, ".") != 3 {
			return "FALSE"
		}
		// the address that starts with the prefix must itself be valid
		re := `(?:^|` + ipBoundary + `)(` + regexp.QuoteMeta(prefix) + `[0-9]{0,3}(?:\.[0-9]{1,3})*)(?:$|` + ipBoundary + `|\.(?:$|[^0-9]))`
		m := "regexp_extract(" + s + ", " + quoteString(re) + ", 1)"
		return "(regexp_matches(" + s + ", " + quoteString(re) + ") AND " + ipv4Long(m) + " IS NOT NULL)"
	}
	reg("has_ipv4_prefix", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		p, ok := a[1].isConstString()
		if !ok {
			return val{}, errAt(call.Args[1], "has_ipv4_prefix: the prefix must be a constant")
		}
		return val{sql: hasPrefix(c, c.asString(a[0]).sql, p), t: kql.TBool}, nil
	})
	anyIP := func(prefix bool) fnImpl {
		return func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
			var items []string
			for i, v := range a[1:] {
				if s, ok := v.isConstString(); ok {
					items = append(items, s)
					continue
				}
				if l, ok := constStrings(v); ok {
					items = append(items, l...)
					continue
				}
				return val{}, errAt(call.Args[i+1], "%s: the addresses must be constants", call.Func.Name)
			}
			s := c.asString(a[0]).sql
			var parts []string
			for _, it := range items {
				if prefix {
					parts = append(parts, hasPrefix(c, s, it))
				} else if !validIPv4(it) {
					continue
				} else {
					re := `(?:^|` + ipBoundary + `)` + regexp.QuoteMeta(it) + `(?:$|` + ipBoundary + `|\.(?:$|[^0-9]))`
					parts = append(parts, "regexp_matches("+s+", "+quoteString(re)+")")
				}
			}
			if len(parts) == 0 {
				return val{sql: "FALSE", t: kql.TBool}, nil
			}
			return val{sql: "(" + strings.Join(parts, " OR ") + ")", t: kql.TBool}, nil
		}
	}
	reg("has_any_ipv4", 2, 64, anyIP(false))
	reg("has_any_ipv4_prefix", 2, 64, anyIP(true))
	reg("ipv4_netmask_suffix", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		s := c.asString(a[0]).sql
		return val{sql: "(CASE WHEN " + ipv4Long(s) + " IS NOT NULL AND " + ipv4Prefix(s) + " <= 32 THEN " + ipv4Prefix(s) + " END)", t: kql.TInt}, nil
	})
	reg("replace_strings", 3, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		from, ok1 := constElems(a[1])
		to, ok2 := constElems(a[2])
		if !ok1 || !ok2 {
			return val{}, errAt(call, "replace_strings: the lookups and replacements must be constant arrays")
		}
		// lookups apply in their order; a replacement that is not a
		// string leaves its lookup as it is (but still protected from
		// the later lookups)
		type pair struct{ from, to string }
		var ps []pair
		for i, fe := range from {
			f, ok := fe.(string)
			if !ok || f == "" {
				continue
			}
			t := ""
			if i < len(to) {
				if ts, ok := to[i].(string); ok {
					t = ts
				} else {
					t = f
				}
			}
			ps = append(ps, pair{f, t})
		}
		// replace every lookup with a private-use placeholder first, so
		// replacements are never replaced again
		s := c.asString(a[0]).sql
		for i, p := range ps {
			s = "replace(" + s + ", " + quoteString(p.from) + ", " + quoteString(string(rune(0xF0000+i))) + ")"
		}
		for i, p := range ps {
			s = "replace(" + s + ", " + quoteString(string(rune(0xF0000+i))) + ", " + quoteString(p.to) + ")"
		}
		return val{sql: s, t: kql.TString}, nil
	})
	reg("translate", 3, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		from, to, s := c.asString(a[0]).sql, c.asString(a[1]).sql, c.asString(a[2]).sql
		// a shorter replacement list repeats its last character
		padded := "(CASE WHEN length(" + to + ") = 0 THEN '' ELSE rpad(" + to + ", CAST(greatest(length(" + from + "), length(" + to + ")) AS INTEGER), right(" + to + ", 1)) END)"
		return val{sql: "coalesce(translate(" + s + ", " + from + ", " + padded + "), '')", t: kql.TString}, nil
	})
	reg("range", 2, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		step := "1"
		if len(a) == 3 {
			step = a[2].sql
		}
		if a[0].t == kql.TTimespan && a[1].t == kql.TTimespan {
			if len(a) == 2 {
				step = "36000000000" // 1h
			}
			return val{sql: "(CASE WHEN " + step + " = 0 THEN NULL ELSE to_json(list_transform(range(0, CAST(least(greatest((" + a[1].sql + " - " + a[0].sql + ") // " + step + " + 1, 0), 1048576) AS BIGINT)), i -> " + tsText(a[0].sql+" + i * "+step) + ")) END)", t: kql.TDynamic}, nil
		}
		if a[0].t == kql.TDatetime && a[1].t == kql.TDatetime {
			// datetimes step by a timespan, 1h when omitted [D:range-function]
			if len(a) == 2 {
				step = "36000000000"
			} else if a[2].t != kql.TTimespan {
				return val{}, errAt(call.Args[2], "range() over datetimes needs a timespan step, found %s", typeName(a[2].t))
			}
			return val{sql: "(CASE WHEN " + step + " = 0 THEN NULL ELSE to_json(list_transform(range(0, CAST(least(greatest((" + a[1].sql + " - " + a[0].sql + ") // " + step + " + 1, 0), 1048576) AS BIGINT)), i -> " + dtText(a[0].sql+" + i * "+step) + ")) END)", t: kql.TDynamic}, nil
		}
		if !isIntegral(a[0].t) || !isIntegral(a[1].t) || (len(a) == 3 && !isIntegral(a[2].t)) {
			return val{}, errAt(call, "range() is supported for integers, datetimes and timespans only")
		}
		return val{sql: "(CASE WHEN " + step + " = 0 THEN NULL ELSE to_json(list_transform(range(0, CAST(least(greatest((" + a[1].sql + " - " + a[0].sql + ") // " + step + " + 1, 0), 1048576) AS BIGINT)), i -> " + a[0].sql + " + i * " + step + ")) END)", t: kql.TDynamic}, nil
	})
	reg("pack_all", 0, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		ignore := len(a) == 1 && a[0].lit != nil && a[0].lit.Kind == kql.LitBool && a[0].lit.Bool
		var parts []string
		for _, col := range ev.cols {
			v := val{sql: ev.colRef(col.Name), t: col.Type}
			d := c.toDynamic(v).sql
			if ignore {
				cond := v.sql + " IS NOT NULL"
				if col.Type == kql.TString {
					cond = v.sql + " <> ''"
				}
				parts = append(parts, "CASE WHEN "+cond+" THEN json_object("+quoteString(col.Name)+", "+d+") ELSE CAST('{}' AS JSON) END")
				continue
			}
			parts = append(parts, "json_object("+quoteString(col.Name)+", coalesce("+d+", CAST('null' AS JSON)))")
		}
		if len(parts) == 0 {
			return val{sql: "CAST('{}' AS JSON)", t: kql.TDynamic}, nil
		}
		expr := parts[0]
		for _, p := range parts[1:] {
			expr = "json_merge_patch(" + expr + ", " + p + ")"
		}
		if !ignore {
			// json_merge_patch drops null members; build the object directly
			var kv []string
			for _, col := range ev.cols {
				v := val{sql: ev.colRef(col.Name), t: col.Type}
				kv = append(kv, quoteString(col.Name), "coalesce("+c.toDynamic(v).sql+", CAST('null' AS JSON))")
			}
			expr = "json_object(" + strings.Join(kv, ", ") + ")"
		}
		return val{sql: expr, t: kql.TDynamic}, nil
	})
	reg("bag_set_key", 3, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		d := dynArg(c, a[0])
		k := c.asString(a[1]).sql
		v := "coalesce(" + c.toDynamic(a[2]).sql + ", CAST('null' AS JSON))"
		if str, ok := a[1].isConstString(); ok {
			path, isPath, err := jsonPathKeys(call.Args[1], str)
			if err != nil {
				return val{}, err
			}
			if isPath {
				// missing bags on the way are created
				return val{sql: "(CASE WHEN json_type(" + d + ") = 'OBJECT' THEN json_merge_patch(" + d + ", " + nestedObject(path, v) + ") END)", t: kql.TDynamic}, nil
			}
		}
		return val{sql: "(CASE WHEN json_type(" + d + ") = 'OBJECT' THEN json_merge_patch(" + d + ", json_object(" + k + ", " + v + ")) END)", t: kql.TDynamic}, nil
	})
	reg("bag_pack_columns", 1, 128, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		var kv []string
		for i, arg := range call.Args {
			name := autoName(arg)
			if name == "" {
				return val{}, errAt(arg, "bag_pack_columns takes column names")
			}
			kv = append(kv, quoteString(name), "coalesce("+c.toDynamic(a[i]).sql+", CAST('null' AS JSON))")
		}
		return val{sql: "json_object(" + strings.Join(kv, ", ") + ")", t: kql.TDynamic}, nil
	})
	reg("tohex", 1, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		n := a[0].sql
		h := "lower(printf('%x', CAST(" + n + " AS BIGINT)))"
		if a[0].t == kql.TInt {
			h = "lower(printf('%x', CAST(" + n + " AS BIGINT) & 4294967295))"
		}
		if len(a) == 2 {
			h = "lpad(" + h + ", CAST(greatest(" + a[1].sql + ", length(" + h + ")) AS INTEGER), '0')"
		}
		return val{sql: "coalesce(" + h + ", '')", t: kql.TString}, nil
	})
	reg("isascii", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: "regexp_matches(" + c.asString(a[0]).sql + ", '^[\\x00-\\x7F]*$')", t: kql.TBool}, nil
	})
	reg("url_decode", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: "coalesce(" + tryApply(c.asString(a[0]).sql, func(x string) string { return "url_decode(replace(" + x + ", '+', ' '))" }) + ", '')", t: kql.TString}, nil
	})
	reg("url_encode", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		// lower-case hex, space as +
		e := "url_encode(" + c.asString(a[0]).sql + ")"
		return val{sql: "replace(" + lowerHex(e) + ", '%20', '+')", t: kql.TString}, nil
	})
	reg("url_encode_component", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: lowerHex("url_encode(" + c.asString(a[0]).sql + ")"), t: kql.TString}, nil
	})
}

// lowerHex lower-cases the hex digits of %XX escapes.
func lowerHex(s string) string {
	return "array_to_string(list_transform(string_split(" + s + ", '%'), (p, i) -> CASE WHEN i = 1 THEN p ELSE lower(substr(p, 1, 2)) || substr(p, 3) END), '%')"
}
