package exec

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// Bit functions, code points, byte sizes and time zones.

func registerScalar2Funcs(reg func(string, int, int, fnImpl)) {
	long := func(c *compiler, call *kql.CallExpr, a []val, i int) (string, error) {
		v := a[i]
		if v.t == kql.TDynamic {
			v = c.convert(v, kql.TLong)
		}
		if !isIntegral(v.t) {
			return "", errAt(call.Args[i], "%s() takes integers, found %s", call.Func.Name, typeName(v.t))
		}
		return "CAST(" + v.sql + " AS BIGINT)", nil
	}
	bin := func(name, op string) {
		reg(name, 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
			x, err := long(c, call, a, 0)
			if err != nil {
				return val{}, err
			}
			y, err := long(c, call, a, 1)
			if err != nil {
				return val{}, err
			}
			return val{sql: strings.ReplaceAll(strings.ReplaceAll(op, "%x", x), "%y", y), t: kql.TLong}, nil
		})
	}
	bin("binary_and", "(%x & %y)")
	bin("binary_or", "(%x | %y)")
	bin("binary_xor", "xor(%x, %y)")
	// shifts work on 64 bits like .NET: the count is taken modulo 64 and
	// bits shifted out of a left shift are lost
	bin("binary_shift_left", wrap64("(CAST(%x AS HUGEINT) * (CAST(1 AS HUGEINT) << (%y & 63)))"))
	bin("binary_shift_right", "(%x >> (%y & 63))")
	reg("binary_not", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		x, err := long(c, call, a, 0)
		if err != nil {
			return val{}, err
		}
		return val{sql: "(~" + x + ")", t: kql.TLong}, nil
	})
	reg("bitset_count_ones", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		x, err := long(c, call, a, 0)
		if err != nil {
			return val{}, err
		}
		return val{sql: "CAST(bit_count(" + x + ") AS BIGINT)", t: kql.TLong}, nil
	})
	reg("unicode_codepoints_from_string", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		s := c.asString(a[0]).sql
		return val{sql: "to_json(list_transform(string_split(" + s + `, ''), "$c" -> CAST(unicode("$c") AS BIGINT)))`, t: kql.TDynamic}, nil
	})
	// make_string is the former name of unicode_codepoints_to_string; it
	// also takes several arguments, each a code point or an array of them
	reg("unicode_codepoints_to_string make_string", 1, 64, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		if call.Func.Name == "unicode_codepoints_to_string" && len(a) > 1 {
			return val{}, errAt(call, "unicode_codepoints_to_string() takes 1 argument, found %d", len(a))
		}
		var parts []string
		for i, v := range a {
			switch {
			case v.t == kql.TDynamic:
				l := "list_transform(" + jsonList(v.sql) + `, "$c" -> TRY_CAST("$c" AS BIGINT))`
				parts = append(parts, "array_to_string(list_transform("+l+`, "$n" -> CASE WHEN "$n" BETWEEN 0 AND 1114111 AND NOT "$n" BETWEEN 55296 AND 57343 THEN chr(CAST("$n" AS INTEGER)) END), '')`)
			case isIntegral(v.t):
				parts = append(parts, "(CASE WHEN "+v.sql+" BETWEEN 0 AND 1114111 AND NOT "+v.sql+" BETWEEN 55296 AND 57343 THEN chr(CAST("+v.sql+" AS INTEGER)) END)")
			default:
				return val{}, errAt(call.Args[i], "%s() takes code points (integers or arrays of them), found %s", call.Func.Name, typeName(v.t))
			}
		}
		return val{sql: "coalesce(" + strings.Join(parts, " || ") + ", '')", t: kql.TString}, nil
	})
	reg("format_bytes", 1, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		x := c.convert(a[0], kql.TReal).sql
		if !isNumeric(a[0].t) && a[0].t != kql.TDynamic {
			return val{}, errAt(call.Args[0], "format_bytes() takes a number, found %s", typeName(a[0].t))
		}
		p := "0"
		if len(a) >= 2 {
			p = "CAST(" + a[1].sql + " AS INTEGER)"
		}
		units := []string{"Bytes", "KB", "MB", "GB", "TB", "PB", "EB"}
		// the unit: the given one, or the largest whose value is at least 1
		e := "least(greatest(CAST(floor(log(abs(" + x + ")) / log(1024)) AS INTEGER), 0), 6)"
		if len(a) == 3 {
			u, ok := a[2].isConstString()
			if !ok {
				return val{}, errAt(call.Args[2], "format_bytes: the units must be a constant string")
			}
			if u != "" {
				found := -1
				for i, n := range units {
					if strings.EqualFold(n, u) {
						found = i
					}
				}
				if found < 0 {
					return val{}, hintAt(call.Args[2], "use Bytes, KB, MB, GB, TB, PB or EB", "format_bytes: unknown unit %q", u)
				}
				e = itoa(found)
			}
		}
		var names []string
		for _, u := range units {
			names = append(names, quoteString(u))
		}
		num := "CAST(round(" + x + " / pow(1024, " + e + "), " + p + ") AS VARCHAR)"
		// no trailing zeros: 19 MB, 19.08 MB
		num = "(CASE WHEN contains(" + num + ", '.') AND NOT contains(" + num + ", 'e') THEN rtrim(rtrim(" + num + ", '0'), '.') ELSE " + num + " END)"
		return val{sql: "(CASE WHEN " + x + " IS NULL OR NOT isfinite(" + x + ") THEN '' WHEN " + x + " = 0 THEN '0 Bytes' ELSE " + num + " || ' ' || [" + strings.Join(names, ", ") + "][" + e + " + 1] END)", t: kql.TString}, nil
	})
	tz := func(name string, toUTC bool) {
		reg(name, 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
			if a[0].t != kql.TDatetime {
				return val{}, errAt(call.Args[0], "%s() takes a datetime, found %s", name, typeName(a[0].t))
			}
			zone := c.asString(a[1]).sql
			t := dtTicks(a[0].sql)
			// whole microseconds go through ICU; the last tick is kept
			ts := "make_timestamp(" + floorDivI(t, "10") + ")"
			var conv string
			if toUTC {
				conv = "timezone(" + zone + ", " + ts + ")"
			} else {
				conv = "timezone(" + zone + ", timezone('UTC', " + ts + "))"
			}
			return val{sql: ticksToDt("(epoch_us(" + conv + ") * 10 + (((" + t + ") % 10) + 10) % 10)"), t: kql.TDatetime}, nil
		})
	}
	reg("parse_ipv6", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: ipv6SQL(c.asString(a[0]).sql, ""), t: kql.TString}, nil
	})
	reg("parse_ipv6_mask", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		if !isIntegral(a[1].t) {
			return val{}, errAt(call.Args[1], "parse_ipv6_mask: the prefix must be an integer, found %s", typeName(a[1].t))
		}
		return val{sql: ipv6SQL(c.asString(a[0]).sql, "CAST("+a[1].sql+" AS INTEGER)"), t: kql.TString}, nil
	})
	tz("datetime_local_to_utc", true)
	tz("datetime_utc_to_local", false)
}

// ipv6SQL is the canonical IPv6 text of the IPv6 or IPv4 address s
// (eight groups of four lower-case hex digits; an IPv4 address maps to
// ::ffff:a.b.c.d), with the bits after the prefix cleared: the prefix is
// the smaller of the address's /n (plus 96 for IPv4 notation) and mask
// (an SQL integer, or "" for none). Invalid text gives "".
func ipv6SQL(s, mask string) string {
	addr := "regexp_extract(" + s + ", '^([^/]*)', 1)"
	v4 := `'^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$'`
	octet := func(a string, i int) string {
		return "CAST(regexp_extract(" + a + ", " + v4 + ", " + itoa(i) + ") AS INTEGER)"
	}
	v4ok := func(a string) string {
		return "(regexp_matches(" + a + ", " + v4 + ") AND " + octet(a, 1) + " <= 255 AND " + octet(a, 2) + " <= 255 AND " + octet(a, 3) + " <= 255 AND " + octet(a, 4) + " <= 255)"
	}
	v4groups := func(a string) string {
		return "[" + octet(a, 1) + " * 256 + " + octet(a, 2) + ", " + octet(a, 3) + " * 256 + " + octet(a, 4) + "]"
	}
	// an IPv4 tail (::ffff:1.2.3.4) becomes two hex groups
	tail := `regexp_extract("$a", '[^:]*$')`
	a6 := `(CASE WHEN contains(` + tail + `, '.') THEN (CASE WHEN ` + v4ok(tail) + ` THEN regexp_replace("$a", '[^:]*$', printf('%x:%x', ` + v4groups(tail) + `[1], ` + v4groups(tail) + `[2])) END) ELSE "$a" END)`
	hexGroups := func(t string) string {
		return "(CASE WHEN " + t + " = '' THEN CAST([] AS VARCHAR[]) ELSE string_split(" + t + ", ':') END)"
	}
	left, right := hexGroups(`split_part("$h", '::', 1)`), hexGroups(`split_part("$h", '::', 2)`)
	groups := `(CASE WHEN "$h" IS NULL OR NOT regexp_matches("$h", '^[0-9A-Fa-f:]+$') OR length("$h") - length(replace("$h", '::', '')) > 2 THEN NULL ` +
		`WHEN contains("$h", '::') THEN (CASE WHEN len(` + left + `) + len(` + right + `) <= 7 THEN list_concat(` + left + `, list_transform(range(8 - len(` + left + `) - len(` + right + `)), "$z" -> '0'), ` + right + `) END) ` +
		`ELSE (CASE WHEN len(string_split("$h", ':')) = 8 THEN string_split("$h", ':') END) END)`
	ints := `(CASE WHEN list_bool_and(list_transform("$g", "$t" -> regexp_matches("$t", '^[0-9A-Fa-f]{1,4}$'))) THEN list_transform("$g", "$t" -> CAST(('0x' || "$t") AS INTEGER)) END)`
	v6 := bindSQL(bindSQL(a6, "h", groups), "g", ints)
	all := `(CASE WHEN ` + v4ok(`"$a"`) + ` THEN list_concat([0, 0, 0, 0, 0, 65535], ` + v4groups(`"$a"`) + `) ELSE ` + v6 + " END)"
	// the prefix, in bits of the 128
	isV4 := `(` + v4ok(`"$a"`) + ` OR contains(regexp_extract("$a", '[^:]*$'), '.'))`
	given := "regexp_extract(" + s + `, '/(\d{1,3})$', 1)`
	pfx := "(CASE WHEN " + given + " = '' THEN 128 WHEN " + isV4 + " THEN CAST(" + given + " AS INTEGER) + 96 ELSE CAST(" + given + " AS INTEGER) END)"
	if mask != "" {
		pfx = "least(" + pfx + ", " + mask + ")"
	}
	keep := `least(greatest("$p" - 16 * ("$k" - 1), 0), 16)`
	text := `array_to_string(list_transform(range(1, 9), "$k" -> printf('%04x', "$n"["$k"] & ((65535 << (16 - ` + keep + `)) & 65535))), ':')`
	valid := "(NOT contains(" + s + ", '/') OR regexp_matches(" + s + `, '^[^/]*/\d{1,3}$'))`
	body := `(CASE WHEN "$n" IS NULL OR NOT ` + valid + ` OR "$p" < 0 OR "$p" > 128 THEN '' ELSE ` + text + " END)"
	return "coalesce(" + bindSQL(addr, "a", bindSQL(all, "n", bindSQL(pfx, "p", body))) + ", '')"
}
