package exec

import (
	"fmt"

	"github.com/kqlhunt/kqlhunt/kql"
)

// (This file sorts after functions.go, fn_datetime.go and summarize.go,
// whose init functions fill the maps it extends.)
//
// Writers for catalogue functions that check accepted and query called
// unknown (issue 10 point 1): cheap ones written here; the others are on
// kql's not-supported list, so that both refuse them with one message.
func init() {
	reg := func(name string, min, max int, impl fnImpl) {
		scalarFuncs[name] = fnDef{min: min, max: max, impl: impl}
	}
	num2 := func(format string) fnImpl {
		return func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
			for i, v := range a {
				if !isNumeric(v.t) && v.t != kql.TDynamic {
					return val{}, errAt(call.Args[i], "%s() takes numbers, found %s", call.Func.Name, typeName(v.t))
				}
			}
			x := "CAST(" + c.convert(a[0], kql.TReal).sql + " AS DOUBLE)"
			y := "CAST(" + c.convert(a[1], kql.TReal).sql + " AS DOUBLE)"
			return val{sql: fmt.Sprintf(format, x, y), t: kql.TReal}, nil
		}
	}
	// atan2(y, x) [D:atan2-function]; cot = 1/tan; degrees/radians;
	// gamma and loggamma (the log of the absolute value of gamma)
	reg("atan2", 2, 2, num2("atan2(%[1]s, %[2]s)"))
	reg("cot", 1, 1, realFn("(1.0 / tan(%s))"))
	reg("degrees", 1, 1, realFn("degrees(%s)"))
	reg("radians", 1, 1, realFn("radians(%s)"))
	reg("gamma", 1, 1, realFn("gamma(%s)"))
	reg("loggamma", 1, 1, realFn("lgamma(%s)"))
	// datepart is the deprecated name of datetime_part, extractall of
	// extract_all
	scalarFuncs["datepart"] = scalarFuncs["datetime_part"]
	scalarFuncs["extractall"] = scalarFuncs["extract_all"]
	// isutf8: a loaded string is always valid UTF-8
	reg("isutf8", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: "(" + c.asString(a[0]).sql + " IS NOT NULL)", t: kql.TBool}, nil
	})
	// repeat(value, count): an array of count copies of value (empty for
	// count <= 0) [D:repeat-function]
	reg("repeat", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		if a[0].t == kql.TDynamic {
			return val{}, errAt(call.Args[0], "%s", kql.RepeatDynamicMessage)
		}
		if !isIntegral(a[1].t) {
			return val{}, errAt(call.Args[1], "repeat() takes an integer count, found %s", typeName(a[1].t))
		}
		d := c.toDynamic(a[0]).sql
		return val{sql: "(CASE WHEN " + a[1].sql + " IS NULL THEN NULL ELSE to_json(list_transform(range(0, CAST(least(greatest(" + a[1].sql + ", 0), 1048576) AS BIGINT)), i -> coalesce(" + d + ", CAST('null' AS JSON)))) END)", t: kql.TDynamic}, nil
	})
	// assert(condition, message): true, or the query fails with message
	reg("assert", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		cond := c.asBool(a[0])
		if cond.t != kql.TBool {
			return val{}, errAt(call.Args[0], "assert() takes a bool, found %s", typeName(a[0].t))
		}
		return val{sql: "(CASE WHEN " + cond.sql + " THEN true ELSE error('assert: ' || " + c.asString(a[1]).sql + ") END)", t: kql.TBool}, nil
	})
	// column_ifexists(name, default): the column when the row has it, else
	// default [D:column-ifexists-function]
	scalarFuncs["column_ifexists"] = fnDef{raw: true, min: 2, max: 2, impl: func(c *compiler, ev *env, call *kql.CallExpr, _ []val) (val, error) {
		if len(call.Args) != 2 {
			return val{}, errAt(call, "%s", kql.ArityMessage("column_ifexists", 2, 2, len(call.Args)))
		}
		lit, ok := call.Args[0].(*kql.Literal)
		if !ok || lit.Kind != kql.LitString {
			return val{}, errAt(call.Args[0], "column_ifexists() takes the column name as a string constant")
		}
		if col, ok := ev.lookupCol(lit.Str); ok {
			return val{sql: ev.colRef(col.Name), t: col.Type}, nil
		}
		return c.scalar(call.Args[1], ev)
	}}
	aggFuncs["count_distinctif"] = aggDef{prefix: "count_distinctif_", min: 2, max: 2, impl: func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: "count(DISTINCT " + distinctKey(a[0]) + ") FILTER (WHERE " + c.asBool(a[1]).sql + ")", t: kql.TLong}, nil
	}}
}
