package exec

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// ipv4Long parses dotted IPv4 text (optionally /prefix, ignored here) to a
// BIGINT, null when invalid.
func ipv4Long(s string) string {
	re := "'^\\s*([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\s*(/\\s*[0-9]{1,2})?\\s*$'"
	g := func(i string) string { return "CAST(regexp_extract(" + s + ", " + re + ", " + i + ") AS BIGINT)" }
	return "(CASE WHEN regexp_matches(" + s + ", " + re + ") AND " + g("1") + " < 256 AND " + g("2") + " < 256 AND " + g("3") + " < 256 AND " + g("4") + " < 256 " +
		"THEN " + g("1") + " * 16777216 + " + g("2") + " * 65536 + " + g("3") + " * 256 + " + g("4") + " END)"
}

// ipv4Prefix is the /prefix of IPv4 text (32 when absent).
func ipv4Prefix(s string) string {
	return "coalesce(TRY_CAST(nullif(regexp_extract(" + s + ", '/\\s*([0-9]{1,2})\\s*$', 1), '') AS BIGINT), 32)"
}

func ipv4Mask(prefix string) string {
	return "(CASE WHEN " + prefix + " <= 0 THEN 0 ELSE (4294967295 - ((1::BIGINT << (32 - least(" + prefix + ", 32))) - 1)) END)"
}

func ipv4Text(n string) string {
	return "(CASE WHEN " + n + " IS NULL THEN '' ELSE CAST((" + n + " >> 24) & 255 AS VARCHAR) || '.' || CAST((" + n + " >> 16) & 255 AS VARCHAR) || '.' || CAST((" + n + " >> 8) & 255 AS VARCHAR) || '.' || CAST(" + n + " & 255 AS VARCHAR) END)"
}

func registerMiscFuncs(reg func(string, int, int, fnImpl)) {
	hash := func(name, f string) {
		reg(name, 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
			return val{sql: f + "(" + c.asString(a[0]).sql + ")", t: kql.TString}, nil
		})
	}
	hash("hash_md5", "md5")
	hash("hash_sha1", "sha1")
	hash("hash_sha256", "sha256")
	reg("base64_encode_tostring base64_encodestring", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: "to_base64(encode(" + c.asString(a[0]).sql + "))", t: kql.TString}, nil
	})
	reg("base64_decode_tostring base64_decodestring", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		s := c.asString(a[0]).sql
		return val{sql: "coalesce(CASE WHEN regexp_matches(" + s + ", '^[A-Za-z0-9+/]*={0,2}$') AND length(" + s + ") % 4 = 0 THEN " + tryApply(s, func(x string) string { return "decode(from_base64(" + x + "))" }) + " END, '')", t: kql.TString}, nil
	})
	reg("strcmp", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		x, y := c.asString(a[0]).sql, c.asString(a[1]).sql
		return val{sql: "(CASE WHEN " + x + " < " + y + " THEN CAST(-1 AS BIGINT) WHEN " + x + " > " + y + " THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END)", t: kql.TInt}, nil
	})
	reg("parse_ipv4", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		s := c.asString(a[0]).sql
		n := ipv4Long(s)
		return val{sql: "(" + n + " & " + ipv4Mask(ipv4Prefix(s)) + ")", t: kql.TLong}, nil
	})
	reg("parse_ipv4_mask", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		s := c.asString(a[0]).sql
		return val{sql: "(" + ipv4Long(s) + " & " + ipv4Mask(a[1].sql) + ")", t: kql.TLong}, nil
	})
	reg("ipv4_is_private", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		n := ipv4Long(c.asString(a[0]).sql)
		return val{sql: "(CASE WHEN " + n + " IS NULL THEN NULL ELSE (" + n + " // 16777216 = 10 OR " + n + " // 1048576 = 2753 OR " + n + " // 65536 = 49320) END)", t: kql.TBool}, nil
	})
	reg("ipv4_is_in_range", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		ip, rng := c.asString(a[0]).sql, c.asString(a[1]).sql
		m := ipv4Mask(ipv4Prefix(rng))
		return val{sql: "((" + ipv4Long(ip) + " & " + m + ") = (" + ipv4Long(rng) + " & " + m + "))", t: kql.TBool}, nil
	})
	reg("ipv4_is_in_any_range", 2, 64, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		ip := c.asString(a[0]).sql
		var conds []string
		for _, r := range a[1:] {
			if r.t == kql.TDynamic {
				l := jsonList(r.sql)
				conds = append(conds, "list_bool_or(list_transform("+l+", e -> (("+ipv4Long(ip)+" & "+ipv4Mask(ipv4Prefix("json_extract_string(e, '$')"))+") = ("+ipv4Long("json_extract_string(e, '$')")+" & "+ipv4Mask(ipv4Prefix("json_extract_string(e, '$')"))+"))))")
				continue
			}
			rng := c.asString(r).sql
			m := ipv4Mask(ipv4Prefix(rng))
			conds = append(conds, "(("+ipv4Long(ip)+" & "+m+") = ("+ipv4Long(rng)+" & "+m+"))")
		}
		return val{sql: "(CASE WHEN " + ipv4Long(ip) + " IS NULL THEN NULL ELSE coalesce(" + strings.Join(conds, " OR ") + ", false) END)", t: kql.TBool}, nil
	})
	reg("ipv4_compare", 2, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		x, y := c.asString(a[0]).sql, c.asString(a[1]).sql
		p := "least(" + ipv4Prefix(x) + ", " + ipv4Prefix(y) + ")"
		if len(a) == 3 {
			p = "least(" + p + ", " + a[2].sql + ")"
		}
		m := ipv4Mask(p)
		xl, yl := "("+ipv4Long(x)+" & "+m+")", "("+ipv4Long(y)+" & "+m+")"
		return val{sql: "(CASE WHEN " + xl + " < " + yl + " THEN CAST(-1 AS BIGINT) WHEN " + xl + " > " + yl + " THEN CAST(1 AS BIGINT) WHEN " + xl + " = " + yl + " THEN CAST(0 AS BIGINT) END)", t: kql.TLong}, nil
	})
	reg("ipv4_is_match", 2, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		x, y := c.asString(a[0]).sql, c.asString(a[1]).sql
		p := "least(" + ipv4Prefix(x) + ", " + ipv4Prefix(y) + ")"
		if len(a) == 3 {
			p = "least(" + p + ", " + a[2].sql + ")"
		}
		m := ipv4Mask(p)
		return val{sql: "((" + ipv4Long(x) + " & " + m + ") = (" + ipv4Long(y) + " & " + m + "))", t: kql.TBool}, nil
	})
	reg("format_ipv4", 1, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		var n string
		if a[0].t == kql.TString {
			n = "(" + ipv4Long(a[0].sql) + " & " + ipv4Mask(ipv4Prefix(a[0].sql)) + ")"
		} else {
			n = "(CASE WHEN " + c.convert(a[0], kql.TLong).sql + " BETWEEN 0 AND 4294967295 THEN " + c.convert(a[0], kql.TLong).sql + " END)"
		}
		if len(a) == 2 {
			// a mask outside 0..32 gives ""
			n = "(CASE WHEN " + a[1].sql + " BETWEEN 0 AND 32 THEN " + n + " & " + ipv4Mask(a[1].sql) + " END)"
		}
		return val{sql: ipv4Text(n), t: kql.TString}, nil
	})
	reg("format_ipv4_mask", 1, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		var n, p string
		if a[0].t == kql.TString {
			p = ipv4Prefix(a[0].sql)
			n = "(" + ipv4Long(a[0].sql) + " & " + ipv4Mask(p) + ")"
		} else {
			n = c.convert(a[0], kql.TLong).sql
			p = "32"
		}
		if len(a) == 2 {
			// the smaller of the text's /prefix and the mask; a mask
			// outside 0..32 gives ""
			p = "least(" + p + ", " + a[1].sql + ")"
			n = "(CASE WHEN " + a[1].sql + " BETWEEN 0 AND 32 THEN " + n + " & " + ipv4Mask(p) + " END)"
		}
		return val{sql: "(CASE WHEN " + n + " IS NULL THEN '' ELSE " + ipv4Text(n) + " || '/' || CAST(" + p + " AS VARCHAR) END)", t: kql.TString}, nil
	})
}

// restartGroup adds a helper column numbering the runs that a restart
// condition starts.
func restartGroup(c *compiler, ev *env, call *kql.CallExpr, e kql.Expr) (string, error) {
	if ev.pre == nil {
		return "", errAt(call, "%s() with a restart condition is allowed in extend and project only", call.Func.Name)
	}
	r, err := c.scalar(e, ev)
	if err != nil {
		return "", err
	}
	if r.t != kql.TBool {
		return "", errAt(e, "the restart condition must be bool, found %s", typeName(r.t))
	}
	r0 := ev.pre.add(0, r.sql)
	return ev.pre.add(1, "sum(CASE WHEN "+r0+" THEN 1 ELSE 0 END) OVER (ORDER BY "+ordCol+" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"), nil
}

func registerWindowFuncs(regRaw func(string, fnImpl)) {
	need := func(ev *env, call *kql.CallExpr) error {
		if ev.stepVars != nil {
			return errAt(call, "%s", kql.WindowInScanMessage(call.Func.Name))
		}
		if !ev.ser || ev.agg != nil || ev.qual != "" {
			return hintAt(call, "add | serialize (or a sort) before this operator", "%s() needs a serialized row set", call.Func.Name)
		}
		return nil
	}
	over := " OVER (ORDER BY " + ordCol + ")"
	regRaw("row_number", func(c *compiler, ev *env, call *kql.CallExpr, _ []val) (val, error) {
		if err := need(ev, call); err != nil {
			return val{}, err
		}
		start := "1"
		if len(call.Args) >= 1 {
			v, err := c.scalar(call.Args[0], ev)
			if err != nil {
				return val{}, err
			}
			start = v.sql
		}
		if len(call.Args) >= 2 {
			g, err := restartGroup(c, ev, call, call.Args[1])
			if err != nil {
				return val{}, err
			}
			return val{sql: "(row_number() OVER (PARTITION BY " + g + " ORDER BY " + ordCol + ") + " + start + " - 1)", t: kql.TLong}, nil
		}
		return val{sql: "(row_number()" + over + " + " + start + " - 1)", t: kql.TLong}, nil
	})
	shift := func(name, f string) {
		regRaw(name, func(c *compiler, ev *env, call *kql.CallExpr, _ []val) (val, error) {
			if err := need(ev, call); err != nil {
				return val{}, err
			}
			if len(call.Args) < 1 || len(call.Args) > 3 {
				return val{}, errAt(call, "%s() takes 1 to 3 arguments", name)
			}
			x, err := c.scalar(call.Args[0], ev)
			if err != nil {
				return val{}, err
			}
			off := "1"
			if len(call.Args) >= 2 {
				if lit, ok := call.Args[1].(*kql.Literal); ok && (lit.Kind == kql.LitLong || lit.Kind == kql.LitInt) && lit.Int < 1 {
					return val{}, errAt(call.Args[1], "%s(): the offset must be at least 1", name)
				}
				o, err := c.scalar(call.Args[1], ev)
				if err != nil {
					return val{}, err
				}
				off = o.sql
			}
			def := "NULL"
			if x.t == kql.TString {
				def = "''"
			}
			if len(call.Args) == 3 {
				// a constant: Kusto rejects a column here (prev(t, 1, t) in
				// the conformance cases) and accepts a row-independent
				// expression (Microsoft's uptime hunt: prev(Timestamp, 1, now(1d)))
				d, err := c.scalar(call.Args[2], &env{c: c, sc: ev.sc})
				if err != nil {
					if !isConstExpr(call.Args[2]) {
						return val{}, errAt(call.Args[2], "%s(): the default value must be a constant", name)
					}
					return val{}, err
				}
				def = "CAST(" + d.sql + " AS " + sqlType(x.t) + ")"
			}
			return val{sql: f + "(" + x.sql + ", CAST(" + off + " AS BIGINT), " + def + ")" + over, t: x.t}, nil
		})
	}
	rank := func(name string, dense bool) {
		regRaw(name, func(c *compiler, ev *env, call *kql.CallExpr, _ []val) (val, error) {
			if err := need(ev, call); err != nil {
				return val{}, err
			}
			if len(call.Args) != 1 && len(call.Args) != 2 {
				return val{}, errAt(call, "%s() takes 1 or 2 arguments", name)
			}
			if ev.pre == nil {
				return val{}, errAt(call, "%s() is allowed in extend and project only", name)
			}
			x, err := c.scalar(call.Args[0], ev)
			if err != nil {
				return val{}, err
			}
			xv := ev.pre.add(0, x.sql)
			part, grp := "", "0"
			if len(call.Args) == 2 {
				g, err := restartGroup(c, ev, call, call.Args[1])
				if err != nil {
					return val{}, err
				}
				part, grp = "PARTITION BY "+g+" ", g
			}
			w := " OVER (" + part + "ORDER BY " + ordCol + ")"
			changed := ev.pre.add(2, "(CASE WHEN row_number()"+w+" = 1 OR "+xv+" IS DISTINCT FROM lag("+xv+")"+w+" THEN 1 ELSE 0 END)")
			run := " OVER (" + part + "ORDER BY " + ordCol + " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
			if dense {
				return val{sql: "CAST(sum(" + changed + ")" + run + " AS BIGINT)", t: kql.TLong}, nil
			}
			rn := ev.pre.add(2, "row_number()"+w)
			g := ev.pre.add(3, "sum("+changed+")"+run)
			return val{sql: "CAST(min(" + rn + ") OVER (PARTITION BY " + grp + ", " + g + ") AS BIGINT)", t: kql.TLong}, nil
		})
	}
	rank("row_rank_dense", true)
	rank("row_rank_min", false)
	shift("prev", "lag")
	shift("next", "lead")
	regRaw("row_cumsum", func(c *compiler, ev *env, call *kql.CallExpr, _ []val) (val, error) {
		if err := need(ev, call); err != nil {
			return val{}, err
		}
		if len(call.Args) != 1 && len(call.Args) != 2 {
			return val{}, errAt(call, "row_cumsum() takes 1 or 2 arguments")
		}
		part := ""
		if len(call.Args) == 2 {
			g, err := restartGroup(c, ev, call, call.Args[1])
			if err != nil {
				return val{}, err
			}
			part = "PARTITION BY " + g + " "
		}
		x, err := c.scalar(call.Args[0], ev)
		if err != nil {
			return val{}, err
		}
		t := x.t
		if t == kql.TInt {
			t = kql.TLong
		}
		return val{sql: "CAST(sum(" + x.sql + ") OVER (" + part + "ORDER BY " + ordCol + " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS " + sqlType(t) + ")", t: t}, nil
	})
}
