package exec

import (
	"github.com/kqlhunt/kqlhunt/kql"
)

// Functions published hunting queries use: ingestion_time, extract_json,
// parse_url, parse_urlquery.
func registerCorpusFuncs(reg func(string, int, int, fnImpl)) {
	// ingestion_time() is the record's hidden $IngestionTime, null when the
	// table records none [D:ingestion-time-policy]. The datasets here
	// record no separate ingestion time: a record was ingested when its
	// event happened, the instant its Sentinel TimeGenerated also reads
	// (the row's TimeGenerated, else its Timestamp); rows with neither
	// column give null as in Kusto.
	reg("ingestion_time $IngestionTime", 0, 0, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		for _, name := range []string{"TimeGenerated", "Timestamp"} {
			if col, ok := ev.lookupCol(name); ok && col.Type == kql.TDatetime {
				return val{sql: ev.colRef(col.Name), t: kql.TDatetime}, nil
			}
		}
		return val{sql: "CAST(NULL AS BIGINT)", t: kql.TDatetime, null: true}, nil
	})
	// extract_json(path, text [, typeof(T)]): the element at the JSONPath in
	// the JSON text, as a string (a JSON string unquoted, other values as
	// JSON text), or converted to T [D:extract-json-function].
	reg("extract_json extractjson", 2, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		if a[0].t != kql.TString {
			return val{}, errAt(call.Args[0], "%s: the path must be a string", call.Func.Name)
		}
		s := c.asString(a[1]).sql
		el := "(CASE WHEN json_valid(" + s + ") THEN json_extract(CAST(" + s + " AS JSON), " + a[0].sql + ") END)"
		t := kql.TString
		if len(a) == 3 {
			var err error
			if t, err = typeArg(call.Args[2]); err != nil {
				return val{}, err
			}
		}
		if t == kql.TDynamic {
			return val{sql: el, t: kql.TDynamic}, nil
		}
		str := "(CASE WHEN json_type(" + el + ") = 'VARCHAR' THEN json_extract_string(" + el + ", '$') WHEN json_type(" + el + ") = 'NULL' THEN NULL ELSE CAST(" + el + " AS VARCHAR) END)"
		if t == kql.TString {
			return val{sql: "coalesce(" + str + ", '')", t: kql.TString}, nil
		}
		return c.convert(val{sql: str, t: kql.TString}, t), nil
	})
	// parse_url(url): the parts of an absolute URL as a property bag
	// [D:parse-url-function]; parts that are absent are empty strings and
	// a text that is not scheme://... gives every part empty.
	reg("parse_url", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		s := c.asString(a[0]).sql
		const re = `'^([A-Za-z][A-Za-z0-9+.-]*)://(?:([^:@/?#]*)(?::([^@/?#]*))?@)?(\[[^\]]*\]|[^:/?#]*)(?::([0-9]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$'`
		g := func(i string) string { return "regexp_extract(" + s + ", " + re + ", " + i + ")" }
		return val{sql: "json_object('Scheme', " + g("1") + ", 'Host', " + g("4") + ", 'Port', " + g("5") +
			", 'Path', " + g("6") + ", 'Username', " + g("2") + ", 'Password', " + g("3") +
			", 'Query Parameters', " + queryParams(g("7")) + ", 'Fragment', " + g("8") + ")", t: kql.TDynamic}, nil
	})
	// indexof_regex(s, re): the 0-based position of re's first match, -1
	// without one [D:indexof-regex-function]: the shortest prefix after
	// which re matches (in the same string, so anchors and \b see the
	// same context). The start/length/occurrence form is not supported.
	reg("indexof_regex", 2, 5, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		var err error
		if a[1], err = regexVal(call.Args[1], a[1]); err != nil {
			return val{}, err
		}
		if len(a) > 2 {
			return indexofRegexRange(c, call, a)
		}
		s := c.asString(a[0]).sql
		pre := "('^(?s:(.*?))(?:' || " + a[1].sql + " || ')')"
		return val{sql: "(CASE WHEN regexp_matches(" + s + ", " + a[1].sql + ") THEN length(regexp_extract(" + s + ", " + pre + ", 1)) ELSE -1 END)", t: kql.TLong}, nil
	})
	// parse_urlquery(query): {"Query Parameters": {k: v, ...}}
	// [D:parse-url-query-function].
	reg("parse_urlquery", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		s := c.asString(a[0]).sql
		return val{sql: "json_object('Query Parameters', " + queryParams("regexp_replace("+s+", '^\\?', '')") + ")", t: kql.TDynamic}, nil
	})
}

// queryParams is the SQL of the property bag of a URL query string
// (k1=v1&k2=v2): each key once, its last value winning as in a bag.
func queryParams(q string) string {
	return "coalesce((SELECT json_group_object(split_part(\"$p\", '=', 1), substr(\"$p\", length(split_part(\"$p\", '=', 1)) + 2)) " +
		"FROM unnest(string_split(" + q + ", '&')) AS \"$q\"(\"$p\") WHERE \"$p\" <> ''), CAST('{}' AS JSON))"
}
