package exec

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// fnImpl writes one scalar function. Arguments are compiled (a) unless the
// definition is raw, in which case the implementation compiles them.
type fnImpl func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error)

type fnDef struct {
	min, max int // arity; max -1 = variadic
	raw      bool
	impl     fnImpl
}

var scalarFuncs map[string]fnDef

func init() {
	scalarFuncs = map[string]fnDef{}
	reg := func(names string, min, max int, impl fnImpl) {
		for _, n := range strings.Fields(names) {
			scalarFuncs[n] = fnDef{min: min, max: max, impl: impl}
		}
	}
	regRaw := func(names string, impl fnImpl) {
		for _, n := range strings.Fields(names) {
			scalarFuncs[n] = fnDef{raw: true, max: -1, impl: impl}
		}
	}
	conv := func(t kql.Type) fnImpl {
		return func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
			return c.convert(a[0], t), nil
		}
	}
	reg("tostring", 1, 1, conv(kql.TString))
	reg("toint", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		v := c.convert(a[0], kql.TLong)
		if a[0].t == kql.TString {
			return val{sql: "(CASE WHEN " + v.sql + " BETWEEN -2147483648 AND 2147483647 THEN " + v.sql + " END)", t: kql.TInt}, nil
		}
		// numbers wrap to 32 bits like a .NET unchecked cast
		return val{sql: "((((" + v.sql + ") % 4294967296) + 6442450944) % 4294967296 - 2147483648)", t: kql.TInt}, nil
	})
	reg("tolong", 1, 1, conv(kql.TLong))
	reg("todouble toreal", 1, 1, conv(kql.TReal))
	reg("todecimal", 1, 1, conv(kql.TDecimal))
	reg("tobool toboolean", 1, 1, conv(kql.TBool))
	reg("todatetime", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		if s, ok := a[0].isConstString(); ok {
			if ticks, ok := kql.ParseDatetimeText(s); ok {
				return val{sql: sqlDatetime(ticks), t: kql.TDatetime}, nil
			}
		}
		return c.convert(a[0], kql.TDatetime), nil
	})
	reg("totimespan totime", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		if s, ok := a[0].isConstString(); ok {
			if ticks, ok := kql.ParseTimespanText(s); ok {
				return val{sql: sqlLong(ticks), t: kql.TTimespan}, nil
			}
		}
		return c.convert(a[0], kql.TTimespan), nil
	})
	reg("toguid", 1, 1, conv(kql.TGuid))
	reg("todynamic toobject parse_json parsejson", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		v := a[0]
		if v.t != kql.TString {
			return c.toDynamic(v), nil
		}
		return val{sql: parseJSONSQL(v.sql), t: kql.TDynamic}, nil
	})
	reg("tolower", 1, 1, strFn(func(s string) string { return "lower(" + s + ")" }))
	reg("toupper", 1, 1, strFn(func(s string) string { return "upper(" + s + ")" }))
	reg("strlen", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: "CAST(length(" + c.asString(a[0]).sql + ") AS BIGINT)", t: kql.TLong}, nil
	})
	reg("string_size", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: "CAST(strlen(" + c.asString(a[0]).sql + ") AS BIGINT)", t: kql.TLong}, nil
	})
	reg("reverse", 1, 1, strFn(func(s string) string { return "reverse(" + s + ")" }))
	reg("strcat", 1, 64, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		var parts []string
		for _, v := range a {
			parts = append(parts, c.asString(v).sql)
		}
		return val{sql: "(" + strings.Join(parts, " || ") + ")", t: kql.TString}, nil
	})
	reg("strcat_delim", 3, 64, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		var parts []string
		for _, v := range a[1:] {
			parts = append(parts, c.asString(v).sql)
		}
		return val{sql: "(" + strings.Join(parts, " || "+c.asString(a[0]).sql+" || ") + ")", t: kql.TString}, nil
	})
	reg("strrep", 2, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		s := c.asString(a[0]).sql
		n := "greatest(coalesce(" + a[1].sql + ", 0), 0)"
		if len(a) == 3 {
			d := c.asString(a[2]).sql
			return val{sql: "coalesce(CASE WHEN " + n + " = 0 THEN '' ELSE repeat(" + s + " || " + d + ", " + n + " - 1) || " + s + " END, '')", t: kql.TString}, nil
		}
		return val{sql: "coalesce(repeat(" + s + ", " + n + "), '')", t: kql.TString}, nil
	})
	reg("substring", 2, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		s := c.asString(a[0]).sql
		n := "length(" + s + ")"
		start := "(CASE WHEN " + a[1].sql + " < 0 THEN (CASE WHEN " + n + " + " + a[1].sql + " < 0 THEN " + n + " ELSE " + n + " + " + a[1].sql + " END) ELSE least(" + a[1].sql + ", " + n + ") END)"
		if len(a) == 3 {
			return val{sql: "coalesce(substr(" + s + ", " + start + " + 1, greatest(" + a[2].sql + ", 0)), '')", t: kql.TString}, nil
		}
		return val{sql: "coalesce(substr(" + s + ", " + start + " + 1), '')", t: kql.TString}, nil
	})
	reg("indexof", 2, 5, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		s, t := c.asString(a[0]).sql, c.asString(a[1]).sql
		if len(a) == 2 {
			return val{sql: "(CASE WHEN " + t + " = '' THEN NULL ELSE CAST(strpos(" + s + ", " + t + ") - 1 AS BIGINT) END)", t: kql.TLong}, nil
		}
		length, occ := "-1", "1"
		if len(a) >= 4 {
			length = a[3].sql
		}
		if len(a) == 5 {
			occ = a[4].sql
		}
		// the match must start inside [start, start+length); it may run past
		positions := searchRange("length("+s+")", a[2].sql, length)
		match := "substr(" + s + `, "$p" + 1, length(` + t + ")) = " + t
		return val{sql: "(CASE WHEN " + t + " = '' THEN NULL ELSE " + nthMatch(positions, match, occ) + " END)", t: kql.TLong}, nil
	})
	reg("countof", 2, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		s, t := c.asString(a[0]).sql, c.asString(a[1]).sql
		if len(a) == 3 {
			kind, ok := a[2].isConstString()
			if !ok {
				return val{}, errAt(call.Args[2], "countof: the kind must be a constant")
			}
			if kind == "regex" {
				return val{sql: "CAST(len(regexp_extract_all(" + s + ", " + t + ")) AS BIGINT)", t: kql.TLong}, nil
			}
		}
		// plain: overlapping occurrences
		return val{sql: "(CASE WHEN length(" + t + ") = 0 THEN CAST(0 AS BIGINT) ELSE CAST(len(list_filter(range(1, length(" + s + ") + 1), i -> substr(" + s + ", i, length(" + t + ")) = " + t + ")) AS BIGINT) END)", t: kql.TLong}, nil
	})
	reg("replace_string", 3, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		s, f, r := c.asString(a[0]).sql, c.asString(a[1]).sql, c.asString(a[2]).sql
		return val{sql: "(CASE WHEN " + f + " = '' THEN " + s + " ELSE replace(" + s + ", " + f + ", " + r + ") END)", t: kql.TString}, nil
	})
	reg("replace_regex replace", 3, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		// the pattern: replace_regex(text, regex, rewrite), but the
		// deprecated replace(regex, rewrite, text)
		pi := 1
		if call.Func.Name == "replace" {
			pi = 0
		}
		var err error
		if a[pi], err = regexVal(call.Args[pi], a[pi]); err != nil {
			return val{}, err
		}
		s, p, r := c.asString(a[0]).sql, c.asString(a[1]).sql, c.asString(a[2])
		rs := r.sql
		if str, ok := r.isConstString(); ok {
			rs = quoteString(rewriteRepl(str))
		}
		if call.Func.Name == "replace" {
			s, p = c.asString(a[2]).sql, c.asString(a[0]).sql
			r = c.asString(a[1])
			rs = r.sql
			if str, ok := r.isConstString(); ok {
				rs = quoteString(rewriteRepl(str))
			}
		}
		return val{sql: "coalesce(regexp_replace(" + s + ", " + p + ", " + rs + ", 'g'), '')", t: kql.TString}, nil
	})
	reg("trim", 2, 2, trimFn(true, true))
	reg("trim_start", 2, 2, trimFn(true, false))
	reg("trim_end", 2, 2, trimFn(false, true))
	reg("extract", 3, 4, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		var err error
		if a[0], err = regexVal(call.Args[0], a[0]); err != nil {
			return val{}, err
		}
		s := c.asString(a[2]).sql
		v := val{sql: "(CASE WHEN regexp_matches(" + s + ", " + a[0].sql + ") THEN regexp_extract(" + s + ", " + a[0].sql + ", CAST(" + a[1].sql + " AS INTEGER)) ELSE '' END)", t: kql.TString}
		if len(a) == 4 {
			t, err := typeArg(call.Args[3])
			if err != nil {
				return val{}, err
			}
			if t != kql.TString {
				return c.convert(val{sql: "nullif(" + v.sql + ", '')", t: kql.TString}, t), nil
			}
		}
		return val{sql: "coalesce(" + v.sql + ", '')", t: kql.TString}, nil
	})
	reg("extract_all", 2, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		re, err := regexVal(call.Args[0], a[0])
		if err != nil {
			return val{}, err
		}
		s := c.asString(a[len(a)-1]).sql
		pat, ok := re.isConstString()
		if !ok {
			return val{}, errAt(call.Args[0], "extract_all: the pattern must be a constant")
		}
		rx, _ := regexp.Compile(pat)
		groups := rx.NumSubexp()
		if len(a) == 3 {
			// groups by number or by name
			var raw []any
			if a[1].lit == nil || a[1].lit.Kind != kql.LitDynamic || json.Unmarshal([]byte(a[1].lit.Str), &raw) != nil || len(raw) == 0 {
				return val{}, errAt(call.Args[1], "extract_all: the capture groups must be a constant array of numbers or names")
			}
			var sel []int
			for _, g := range raw {
				switch g := g.(type) {
				case float64:
					sel = append(sel, int(g))
				case string:
					i := rx.SubexpIndex(g)
					if i < 0 {
						return val{}, errAt(call.Args[1], "extract_all: the expression has no capture group %q", g)
					}
					sel = append(sel, i)
				default:
					return val{}, errAt(call.Args[1], "extract_all: the capture groups must be a constant array of numbers or names")
				}
			}
			var gs []string
			for _, g := range sel {
				if g < 0 || g > groups {
					return val{}, errAt(call.Args[1], "extract_all: the expression has no capture group %d", g)
				}
				gs = append(gs, "regexp_extract(m, "+re.sql+", "+strconv.Itoa(g)+")")
			}
			each := "[" + strings.Join(gs, ", ") + "]"
			if len(gs) == 1 {
				each = gs[0]
			}
			return val{sql: "(CASE WHEN len(regexp_extract_all(" + s + ", " + re.sql + ")) = 0 THEN NULL ELSE to_json(list_transform(regexp_extract_all(" + s + ", " + re.sql + "), m -> " + each + ")) END)", t: kql.TDynamic}, nil
		}
		if groups == 0 {
			return val{}, errAt(call.Args[0], "extract_all: the regular expression needs a capture group")
		}
		if groups == 1 {
			g := "1"
			return val{sql: "(CASE WHEN len(regexp_extract_all(" + s + ", " + re.sql + ", " + g + ")) = 0 THEN NULL ELSE to_json(regexp_extract_all(" + s + ", " + re.sql + ", " + g + ")) END)", t: kql.TDynamic}, nil
		}
		var gs []string
		for i := 1; i <= groups; i++ {
			gs = append(gs, "regexp_extract(m, "+re.sql+", "+strconv.Itoa(i)+")")
		}
		return val{sql: "(CASE WHEN len(regexp_extract_all(" + s + ", " + re.sql + ")) = 0 THEN NULL ELSE to_json(list_transform(regexp_extract_all(" + s + ", " + re.sql + "), m -> [" + strings.Join(gs, ", ") + "])) END)", t: kql.TDynamic}, nil
	})
	reg("split", 2, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		s, d := c.asString(a[0]).sql, c.asString(a[1]).sql
		list := "string_split(" + s + ", " + d + ")"
		if len(a) == 3 {
			return val{sql: "(CASE WHEN " + a[2].sql + " >= 0 AND " + a[2].sql + " < len(" + list + ") THEN to_json([" + list + "[" + a[2].sql + " + 1]]) END)", t: kql.TDynamic}, nil
		}
		return val{sql: "to_json(" + list + ")", t: kql.TDynamic}, nil
	})
	reg("isempty", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		v := a[0]
		switch v.t {
		case kql.TString:
			return val{sql: "(" + v.sql + " = '')", t: kql.TBool}, nil
		case kql.TDynamic:
			return val{sql: "coalesce(" + dynText(v.sql) + " = '', true)", t: kql.TBool}, nil
		}
		return val{sql: "(" + v.sql + " IS NULL)", t: kql.TBool}, nil
	})
	reg("isnotempty notempty", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		v := a[0]
		switch v.t {
		case kql.TString:
			return val{sql: "(" + v.sql + " <> '')", t: kql.TBool}, nil
		case kql.TDynamic:
			return val{sql: "coalesce(" + dynText(v.sql) + " <> '', false)", t: kql.TBool}, nil
		}
		return val{sql: "(" + v.sql + " IS NOT NULL)", t: kql.TBool}, nil
	})
	reg("isnull", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		v := a[0]
		switch v.t {
		case kql.TString:
			return val{sql: "FALSE", t: kql.TBool}, nil
		case kql.TDynamic:
			return val{sql: "coalesce(json_type(" + v.sql + ") = 'NULL', true)", t: kql.TBool}, nil
		}
		return val{sql: "(" + v.sql + " IS NULL)", t: kql.TBool}, nil
	})
	reg("isnotnull notnull", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		v := a[0]
		switch v.t {
		case kql.TString:
			return val{sql: "TRUE", t: kql.TBool}, nil
		case kql.TDynamic:
			return val{sql: "coalesce(json_type(" + v.sql + ") <> 'NULL', false)", t: kql.TBool}, nil
		}
		return val{sql: "(" + v.sql + " IS NOT NULL)", t: kql.TBool}, nil
	})
	reg("iff iif", 3, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		t, vs, err := c.commonType(call, a[1:])
		if err != nil {
			return val{}, err
		}
		return val{sql: "(CASE WHEN " + c.asBool(a[0]).sql + " THEN " + vs[0] + " ELSE " + vs[1] + " END)", t: t}, nil
	})
	reg("case", 3, -1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		if len(a)%2 != 1 {
			return val{}, errAt(call, "case() takes condition/value pairs and an else value")
		}
		var vals []val
		for i := 1; i < len(a); i += 2 {
			vals = append(vals, a[i])
		}
		vals = append(vals, a[len(a)-1])
		t, vs, err := c.commonType(call, vals)
		if err != nil {
			return val{}, err
		}
		var b strings.Builder
		b.WriteString("(CASE")
		for i := 0; i+1 < len(a); i += 2 {
			b.WriteString(" WHEN " + c.asBool(a[i]).sql + " THEN " + vs[i/2])
		}
		b.WriteString(" ELSE " + vs[len(vs)-1] + " END)")
		return val{sql: b.String(), t: t}, nil
	})
	reg("coalesce", 1, 64, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		t, vs, err := c.commonType(call, a)
		if err != nil {
			return val{}, err
		}
		if t == kql.TString {
			for i := range vs {
				vs[i] = "nullif(" + vs[i] + ", '')"
			}
			return val{sql: "coalesce(" + strings.Join(vs, ", ") + ", '')", t: t}, nil
		}
		if t == kql.TDynamic {
			for i := range vs {
				vs[i] = "(CASE WHEN json_type(" + vs[i] + ") <> 'NULL' THEN " + vs[i] + " END)"
			}
		}
		return val{sql: "coalesce(" + strings.Join(vs, ", ") + ")", t: t}, nil
	})
	reg("isnan", 1, 1, realPred("isnan"))
	reg("isinf", 1, 1, realPred("isinf"))
	reg("isfinite", 1, 1, realPred("isfinite"))
	reg("gettype", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		v := a[0]
		if v.t == kql.TDynamic {
			return val{sql: "coalesce(CASE json_type(" + v.sql + ") WHEN 'VARCHAR' THEN 'string' WHEN 'BIGINT' THEN 'long' WHEN 'UBIGINT' THEN 'long' WHEN 'DOUBLE' THEN 'double' WHEN 'BOOLEAN' THEN 'bool' WHEN 'ARRAY' THEN 'array' WHEN 'OBJECT' THEN 'dictionary' WHEN 'NULL' THEN 'null' END, 'null')", t: kql.TString}, nil
		}
		name := string(v.t)
		if name == "" {
			name = "null"
		}
		if v.t == kql.TTimespan {
			name = "timespan"
		}
		return val{sql: quoteString(name), t: kql.TString}, nil
	})
	reg("abs", 1, 1, numFn(func(s string) string { return "abs(" + s + ")" }, false))
	reg("sqrt", 1, 1, realFn("(CASE WHEN %s < 0 THEN CAST('NaN' AS DOUBLE) ELSE sqrt(%s) END)"))
	reg("exp", 1, 1, realFn("exp(%s)"))
	reg("exp2", 1, 1, realFn("pow(2, %s)"))
	reg("exp10", 1, 1, realFn("pow(10, %s)"))
	reg("log", 1, 1, realFn("(CASE WHEN %s < 0 THEN NULL WHEN %s = 0 THEN CAST('-Infinity' AS DOUBLE) ELSE ln(%s) END)"))
	reg("log10", 1, 1, realFn("(CASE WHEN %s < 0 THEN NULL WHEN %s = 0 THEN CAST('-Infinity' AS DOUBLE) ELSE log10(%s) END)"))
	reg("log2", 1, 1, realFn("(CASE WHEN %s < 0 THEN NULL WHEN %s = 0 THEN CAST('-Infinity' AS DOUBLE) ELSE log2(%s) END)"))
	reg("sin", 1, 1, realFn("sin(%s)"))
	reg("cos", 1, 1, realFn("cos(%s)"))
	reg("tan", 1, 1, realFn("tan(%s)"))
	reg("asin", 1, 1, realFn("asin(%s)"))
	reg("acos", 1, 1, realFn("acos(%s)"))
	reg("atan", 1, 1, realFn("atan(%s)"))
	// new_guid() and rand() are volatile: a new value for each row
	reg("new_guid", 0, 0, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: "lower(CAST(gen_random_uuid() AS VARCHAR))", t: kql.TGuid}, nil
	})
	// rand() is a real in [0, 1); rand(N) one of the integers 0 .. N-1,
	// typed real as Kusto.Language types it
	reg("rand", 0, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		if len(a) == 0 {
			return val{sql: "random()", t: kql.TReal}, nil
		}
		if !isIntegral(a[0].t) {
			return val{}, errAt(call.Args[0], "rand() takes an integer, found %s", typeName(a[0].t))
		}
		return val{sql: "(CASE WHEN " + a[0].sql + " > 0 THEN floor(random() * " + a[0].sql + ") END)", t: kql.TReal}, nil
	})
	reg("pi", 0, 0, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: "pi()", t: kql.TReal}, nil
	})
	reg("pow", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: "pow(CAST(" + a[0].sql + " AS DOUBLE), CAST(" + a[1].sql + " AS DOUBLE))", t: kql.TReal}, nil
	})
	reg("sign", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: "CAST(sign(" + c.convert(a[0], kql.TReal).sql + ") AS DOUBLE)", t: kql.TReal}, nil
	})
	reg("round", 1, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		p := "0"
		if len(a) == 2 {
			p = a[1].sql
		}
		if isIntegral(a[0].t) {
			return val{sql: "CAST(round(" + a[0].sql + ", " + p + ") AS BIGINT)", t: kql.TLong}, nil
		}
		// half away from zero, like .NET MidpointRounding.AwayFromZero
		return val{sql: "round(CAST(" + a[0].sql + " AS DOUBLE), CAST(" + p + " AS INTEGER))", t: kql.TReal}, nil
	})
	reg("ceiling", 1, 1, realFn("ceil(%s)"))
	reg("floor bin", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return c.bin(call, a[0], a[1], nil)
	})
	reg("bin_at", 3, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return c.bin(call, a[0], a[1], &a[2])
	})
	reg("min_of max_of", 1, 64, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		t, vs, err := c.commonType(call, a)
		if err != nil {
			return val{}, err
		}
		f := "least"
		if call.Func.Name == "max_of" {
			f = "greatest"
		}
		// nulls are ignored; a NaN makes the result NaN (DuckDB orders NaN
		// above every number, Kusto propagates it)
		out := f + "(" + strings.Join(vs, ", ") + ")"
		if t == kql.TReal {
			var nans []string
			for _, v := range vs {
				nans = append(nans, "coalesce(isnan("+v+"), false)")
			}
			out = "(CASE WHEN " + strings.Join(nans, " OR ") + " THEN CAST('NaN' AS DOUBLE) ELSE " + out + " END)"
		}
		return val{sql: out, t: t}, nil
	})
	reg("now", 0, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		n := c.nowSQL()
		if len(a) == 1 {
			return val{sql: ticksToDt(dtTicks(n) + " + " + a[0].sql), t: kql.TDatetime}, nil
		}
		return val{sql: n, t: kql.TDatetime}, nil
	})
	reg("ago", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		if a[0].t != kql.TTimespan {
			return val{}, errAt(call.Args[0], "ago() takes a timespan, found %s", typeName(a[0].t))
		}
		if a[0].lit != nil && !a[0].null {
			return val{sql: sqlDatetime(nowTicks(c) - a[0].lit.Ticks), t: kql.TDatetime}, nil
		}
		return val{sql: ticksToDt(dtTicks(c.nowSQL()) + " - " + a[0].sql), t: kql.TDatetime}, nil
	})
	reg("not", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		v := c.asBool(a[0])
		if v.t != kql.TBool {
			return val{}, errAt(call.Args[0], "not() takes a bool, found %s", typeName(v.t))
		}
		return val{sql: "(NOT " + v.sql + ")", t: kql.TBool}, nil
	})
	reg("toscalar", 1, 1, nil)
	scalarFuncs["toscalar"] = fnDef{raw: true, min: 1, max: 1, impl: func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return c.scalarSubquery(call.Args[0], ev)
	}}
	regRaw("typeof", func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{}, errAt(call, "typeof() names a type; it is not a value")
	})
	registerDatetimeFuncs(reg)
	registerDynamicFuncs(reg)
	registerMiscFuncs(reg)
	registerMoreFuncs(reg)
	registerCorpusFuncs(reg)
	registerParseFuncs(reg)
	registerSeriesFuncs(reg)
	registerArrayFuncs(reg)
	registerScalar2Funcs(reg)
	registerDecomposeFuncs(reg)
	registerWindowFuncs(regRaw)
}

func nowTicks(c *compiler) int64 {
	return c.now.UnixNano() / 100
}

func (c *compiler) nowSQL() string { return sqlDatetime(nowTicks(c)) }

func strFn(f func(string) string) fnImpl {
	return func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: "coalesce(" + f(c.asString(a[0]).sql) + ", '')", t: kql.TString}, nil
	}
}

func realPred(f string) fnImpl {
	return func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		v := c.convert(a[0], kql.TReal)
		return val{sql: f + "(" + v.sql + ")", t: kql.TBool}, nil
	}
}

func realFn(format string) fnImpl {
	return func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		v := c.convert(a[0], kql.TReal)
		if !isNumeric(a[0].t) && a[0].t != kql.TDynamic {
			return val{}, errAt(call.Args[0], "%s() takes a number, found %s", call.Func.Name, typeName(a[0].t))
		}
		s := "CAST(" + v.sql + " AS DOUBLE)"
		return val{sql: strings.ReplaceAll(format, "%s", s), t: kql.TReal}, nil
	}
}

func numFn(f func(string) string, keepIntegral bool) fnImpl {
	return func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		v := a[0]
		if v.t == kql.TDynamic {
			v = c.convert(v, kql.TReal)
		}
		if v.t == kql.TTimespan {
			return val{sql: f(v.sql), t: v.t}, nil
		}
		if !isNumeric(v.t) {
			return val{}, errAt(call.Args[0], "%s() takes a number, found %s", call.Func.Name, typeName(v.t))
		}
		t := v.t
		if t == kql.TInt && !keepIntegral {
			t = kql.TInt
		}
		return val{sql: "CAST(" + f(v.sql) + " AS " + sqlType(t) + ")", t: t}, nil
	}
}

func trimFn(start, end bool) fnImpl {
	return func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		re, err := regexVal(call.Args[0], c.asString(a[0]))
		if err != nil {
			return val{}, err
		}
		s := c.asString(a[1]).sql
		out := s
		if start {
			out = "regexp_replace(" + out + ", '^(?:' || " + re.sql + " || ')', '')"
		}
		if end {
			out = "regexp_replace(" + out + ", '(?:' || " + re.sql + " || ')$', '')"
		}
		return val{sql: "coalesce(" + out + ", '')", t: kql.TString}, nil
	}
}

// parseJSONSQL is parse_json of the string s: invalid JSON → the string
// itself; "" → null.
func parseJSONSQL(s string) string {
	return "(CASE WHEN " + s + " = '' THEN NULL WHEN json_valid(" + s + ") THEN CAST(" + s + " AS JSON) ELSE to_json(" + s + ") END)"
}

// rewriteRepl turns KQL's replacement syntax ($1, \1) into RE2's (\1).
func rewriteRepl(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '$' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
			b.WriteByte('\\')
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func typeArg(e kql.Expr) (kql.Type, error) {
	switch x := e.(type) {
	case *kql.TypeExpr:
		if t, ok := kql.CanonicalType(x.Type); ok {
			return t, nil
		}
	case *kql.CallExpr:
		if x.Func.Name == "typeof" && len(x.Args) == 1 {
			if id, ok := x.Args[0].(*kql.Ident); ok {
				if t, ok := kql.CanonicalType(id.Name); ok {
					return t, nil
				}
			}
			if te, ok := x.Args[0].(*kql.TypeExpr); ok {
				if t, ok := kql.CanonicalType(te.Type); ok {
					return t, nil
				}
			}
		}
	}
	return "", errAt(e, "expected typeof(type)")
}

// commonType converts values to one type (iff, case, coalesce).
func (c *compiler) commonType(call *kql.CallExpr, a []val) (kql.Type, []string, error) {
	var t kql.Type
	// iff and case take the common type of their non-dynamic values and
	// convert dynamic ones to it (Kusto.Language: ReturnTypeKind.
	// CommonNonDynamic with CommonScalarOrDynamic parameters), so
	// iff(p, s, parse_url(u).Host) is a string.
	conditional := call.Func.Name == "iff" || call.Func.Name == "iif" || call.Func.Name == "case"
	skipDynamic := false
	if conditional {
		for _, v := range a {
			if !v.null && v.t != kql.TDynamic {
				skipDynamic = true
			}
		}
	}
	for _, v := range a {
		if v.null || (skipDynamic && v.t == kql.TDynamic) {
			continue
		}
		switch {
		case t == "":
			t = v.t
		case t == v.t:
		case isIntegral(t) && isIntegral(v.t):
			t = kql.TLong
		case isNumeric(t) && isNumeric(v.t) && call.Func.Name != "iff" && call.Func.Name != "iif" && call.Func.Name != "case":
			t = kql.TReal
		default:
			return "", nil, errAt(call, "%s(): arguments have different types %s and %s", call.Func.Name, typeName(t), typeName(v.t))
		}
	}
	if t == "" && len(a) > 0 {
		t = a[0].t
	}
	var out []string
	for _, v := range a {
		if v.null {
			out = append(out, "CAST(NULL AS "+sqlType(t)+")")
			continue
		}
		if v.t == kql.TDynamic && t != kql.TDynamic {
			out = append(out, c.convert(v, t).sql)
			continue
		}
		if v.t != t {
			out = append(out, "CAST("+v.sql+" AS "+sqlType(t)+")")
			continue
		}
		out = append(out, v.sql)
	}
	return t, out, nil
}

// bin floors x to a multiple of size from the epoch (or from at).
func (c *compiler) bin(call *kql.CallExpr, x, size val, at *val) (val, error) {
	if x.t == kql.TDynamic {
		x = c.convert(x, kql.TReal)
	}
	switch {
	case x.t == kql.TDatetime && size.t == kql.TTimespan:
		// bins count from 0001-01-01 (.NET tick 0), which the engine shows
		// for spans that do not divide a day (bin(datetime(1955-11-05), 7d)
		// is 1955-10-31)
		origin := "-621355968000000000"
		if at != nil {
			if at.t != kql.TDatetime {
				return val{}, errAt(call, "bin_at: the fixed point must be a datetime")
			}
			origin = dtTicks(at.sql)
		}
		t := dtTicks(x.sql)
		if step, ok := parseSQLLong(size.sql); ok && step > 0 {
			// a constant step: t minus its offset from the bin start,
			// which is t's own offset when the step divides the origin
			if o, ok := parseSQLLong(origin); ok && o%step == 0 {
				s := strconv.FormatInt(step, 10)
				return val{sql: ticksToDt("(" + t + " - ((" + t + ") % " + s + " + " + s + ") % " + s + ")"), t: kql.TDatetime}, nil
			}
		}
		// a bin size that is not positive gives null (bin(t, -1h))
		return val{sql: ticksToDt("(" + origin + ") + " + floorDivI("("+t+" - ("+origin+"))", "(CASE WHEN "+size.sql+" > 0 THEN "+size.sql+" END)") + " * " + size.sql), t: kql.TDatetime}, nil
	case x.t == kql.TTimespan && (size.t == kql.TTimespan || isIntegral(size.t)):
		origin := "0"
		if at != nil {
			origin = at.sql
		}
		return val{sql: "((" + origin + ") + floor((" + x.sql + " - (" + origin + ")) / CAST(nullif(" + size.sql + ", 0) AS DOUBLE))::BIGINT * " + size.sql + ")", t: kql.TTimespan}, nil
	case isIntegral(x.t) && isIntegral(size.t):
		origin := "0"
		if at != nil {
			origin = at.sql
		}
		return val{sql: "((" + origin + ") + floor((" + x.sql + " - (" + origin + ")) / CAST(nullif(" + size.sql + ", 0) AS DOUBLE))::BIGINT * " + size.sql + ")", t: kql.TLong}, nil
	case isNumeric(x.t) && isNumeric(size.t):
		origin := "0"
		if at != nil {
			origin = at.sql
		}
		return val{sql: "((" + origin + ") + floor((CAST(" + x.sql + " AS DOUBLE) - (" + origin + ")) / nullif(" + size.sql + ", 0)) * " + size.sql + ")", t: kql.TReal}, nil
	}
	return val{}, errAt(call, "%s(): cannot bin a %s by a %s", call.Func.Name, typeName(x.t), typeName(size.t))
}

// call compiles a function call.
func (c *compiler) call(e *kql.CallExpr, ev *env) (val, error) {
	name := e.Func.Name
	if b := ev.sc.lookup(name); b != nil && b.fn != nil {
		return c.callScalarFn(e, b, ev)
	}
	if ad, ok := aggFuncs[name]; ok {
		if ev.agg == nil {
			return val{}, errAt(e, "%s() is an aggregation: use it in summarize", name)
		}
		return c.aggregate(e, ad, ev)
	}
	d, ok := scalarFuncs[name]
	if !ok || d.impl == nil {
		if err := kql.UnsupportedFunction(e); err != nil {
			return val{}, err
		}
		return val{}, errAt(e.Func, "unknown function %q", name)
	}
	if d.raw {
		return d.impl(c, ev, e, nil)
	}
	if len(e.Args) < d.min || (d.max >= 0 && len(e.Args) > d.max) {
		return val{}, errAt(e, "%s", kql.ArityMessage(name, d.min, d.max, len(e.Args)))
	}
	args := make([]val, len(e.Args))
	for i, a := range e.Args {
		if _, ok := a.(*kql.TypeExpr); ok {
			// typeof(T) arguments are read from the syntax by the function
			args[i] = val{sql: "NULL", t: kql.TDynamic, null: true}
			continue
		}
		if call, ok := a.(*kql.CallExpr); ok && call.Func.Name == "typeof" {
			args[i] = val{sql: "NULL", t: kql.TDynamic, null: true}
			continue
		}
		v, err := c.scalar(a, ev)
		if err != nil {
			return val{}, err
		}
		args[i] = v
	}
	return d.impl(c, ev, e, args)
}

// callScalarFn inlines a user function whose body is a scalar expression.
func (c *compiler) callScalarFn(e *kql.CallExpr, b *binding, ev *env) (val, error) {
	if c.fnIsTabular(b) {
		return c.scalarSubquery(e, ev)
	}
	inner, err := c.bindParams(e, b, ev, nil)
	if err != nil {
		return val{}, err
	}
	var out *val
	ev2 := *ev
	ev2.sc = inner
	ev2.cols = nil // a function body sees its parameters, not the caller's columns
	for _, st := range b.fn.Body.Stmts {
		switch st := st.(type) {
		case *kql.LetStmt:
			if err := c.let(st, inner); err != nil {
				return val{}, err
			}
		case *kql.ExprStmt:
			v, err := c.scalar(st.X, &ev2)
			if err != nil {
				return val{}, err
			}
			out = &v
		}
	}
	if out == nil {
		return val{}, errAt(e, "function %q has no result", e.Func.Name)
	}
	return *out, nil
}
