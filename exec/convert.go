package exec

import (
	"github.com/kqlhunt/kqlhunt/kql"
)

// dtText formats datetime ticks as KQL does: ISO 8601, 7 fraction digits, Z.
func dtText(sql string) string {
	ts := asTS(sql)
	return "(lpad(CAST(year(" + ts + ") AS VARCHAR), 4, '0') || strftime(" + ts + ", '-%m-%dT%H:%M:%S.') || lpad(CAST(((" + sql + ") % 10000000 + 10000000) % 10000000 AS VARCHAR), 7, '0') || 'Z')"
}

// tsText formats timespan ticks as [-][d.]hh:mm:ss[.fffffff].
func tsText(sql string) string {
	a := "abs(" + sql + ")"
	return "(CASE WHEN " + sql + " IS NULL THEN NULL ELSE " +
		"(CASE WHEN " + sql + " < 0 THEN '-' ELSE '' END) || " +
		"(CASE WHEN " + a + " >= 864000000000 THEN CAST(" + a + " // 864000000000 AS VARCHAR) || '.' ELSE '' END) || " +
		"lpad(CAST((" + a + " // 36000000000) % 24 AS VARCHAR), 2, '0') || ':' || " +
		"lpad(CAST((" + a + " // 600000000) % 60 AS VARCHAR), 2, '0') || ':' || " +
		"lpad(CAST((" + a + " // 10000000) % 60 AS VARCHAR), 2, '0') || " +
		"(CASE WHEN " + a + " % 10000000 <> 0 THEN '.' || lpad(CAST(" + a + " % 10000000 AS VARCHAR), 7, '0') ELSE '' END) END)"
}

// realText formats a double as KQL's tostring does.
func realText(sql string) string {
	return "(CASE WHEN isnan(" + sql + ") THEN 'NaN' WHEN " + sql + " = CAST('Infinity' AS DOUBLE) THEN 'Infinity' " +
		"WHEN " + sql + " = CAST('-Infinity' AS DOUBLE) THEN '-Infinity' ELSE replace(replace(CAST(" + sql + " AS VARCHAR), 'e+', 'E+'), 'e-', 'E-') END)"
}

// decimalText writes a decimal without trailing fraction zeros.
func decimalText(sql string) string {
	t := "CAST(" + sql + " AS VARCHAR)"
	return "(CASE WHEN contains(" + t + ", '.') THEN rtrim(rtrim(" + t + ", '0'), '.') ELSE " + t + " END)"
}

// dynText is the string form of a dynamic value: a JSON string unquoted,
// anything else as compact JSON; null → NULL.
func dynText(sql string) string {
	return "(CASE WHEN json_type(" + sql + ") = 'VARCHAR' THEN json_extract_string(" + sql + ", '$') WHEN json_type(" + sql + ") = 'NULL' THEN NULL ELSE CAST(" + sql + " AS VARCHAR) END)"
}

// toStringVal is tostring(): never null.
func (c *compiler) toStringVal(v val) val {
	var s string
	switch v.t {
	case kql.TString:
		return v
	case kql.TInt, kql.TLong:
		s = "CAST(" + v.sql + " AS VARCHAR)"
	case kql.TReal:
		s = realText(v.sql)
	case kql.TDecimal:
		s = decimalText(v.sql)
	case kql.TBool:
		s = "(CASE WHEN " + v.sql + " THEN 'True' WHEN NOT " + v.sql + " THEN 'False' END)"
	case kql.TDatetime:
		s = dtText(v.sql)
	case kql.TTimespan:
		s = tsText(v.sql)
	case kql.TGuid:
		s = v.sql
	case kql.TDynamic:
		s = dynText(v.sql)
	default:
		s = "CAST(" + v.sql + " AS VARCHAR)"
	}
	if v.null {
		return val{sql: "''", t: kql.TString}
	}
	return val{sql: "coalesce(" + s + ", '')", t: kql.TString}
}

// toDynamic wraps a scalar as a dynamic (JSON) value.
func (c *compiler) toDynamic(v val) val {
	if v.null {
		return val{sql: "CAST(NULL AS JSON)", t: kql.TDynamic, null: true}
	}
	switch v.t {
	case kql.TDynamic:
		return v
	case kql.TDatetime:
		return val{sql: "to_json(" + dtText(v.sql) + ")", t: kql.TDynamic}
	case kql.TTimespan:
		return val{sql: "to_json(" + tsText(v.sql) + ")", t: kql.TDynamic}
	case kql.TReal, kql.TDecimal:
		return val{sql: "(CASE WHEN isnan(" + v.sql + ") OR isinf(" + v.sql + ") THEN to_json(" + realText(v.sql) + ") ELSE to_json(CAST(" + v.sql + " AS DOUBLE)) END)", t: kql.TDynamic}
	}
	return val{sql: "to_json(" + v.sql + ")", t: kql.TDynamic}
}

// Text → value parsers that never fail (null instead).

func parseLongSQL(s string) string {
	t := "trim(" + s + ", ' \t\n\r')"
	return "(CASE WHEN regexp_matches(" + t + ", '^[+-]?[0-9]+$') THEN TRY_CAST(" + t + " AS BIGINT) " +
		"WHEN regexp_matches(" + t + ", '^0[xX][0-9a-fA-F]{1,16}$') THEN " + wrap64("CAST(TRY_CAST('0x' || substr("+t+", 3) AS UBIGINT) AS HUGEINT)") + " ELSE NULL END)"
}

func parseRealSQL(s string) string {
	t := "trim(" + s + ", ' \t\n\r')"
	return "(CASE WHEN regexp_matches(" + t + ", '^[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?$') THEN TRY_CAST(" + t + " AS DOUBLE) " +
		"WHEN " + t + " IN ('NaN', 'nan') THEN CAST('NaN' AS DOUBLE) WHEN " + t + " IN ('Infinity', '+Infinity', 'inf') THEN CAST('Infinity' AS DOUBLE) " +
		"WHEN " + t + " IN ('-Infinity', '-inf') THEN CAST('-Infinity' AS DOUBLE) ELSE NULL END)"
}

func parseBoolSQL(s string) string {
	t := "lower(" + s + ")"
	return "(CASE WHEN " + t + " = 'true' THEN TRUE WHEN " + t + " = 'false' THEN FALSE " +
		"WHEN regexp_matches(" + s + ", '^[+-]?[0-9]+$') THEN TRY_CAST(" + s + " AS HUGEINT) <> 0 " +
		"WHEN regexp_matches(" + s + ", '^0[xX][0-9a-fA-F]{1,16}$') THEN TRY_CAST('0x' || substr(" + s + ", 3) AS UBIGINT) <> 0 ELSE NULL END)"
}

// parseDatetimeSQL parses KQL datetime text to ticks: ISO 8601 (with T, Z
// or an offset), 'yyyy-mm-dd hh:mm:ss[.f]', and m/d/yyyy [h:mm[:ss]].
func parseDatetimeSQL(s string) string {
	t := "trim(" + s + ")"
	re := "'^([0-9]{4}-[0-9]{1,2}-[0-9]{1,2})(?:[ T]([0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)(?:\\.([0-9]+))?)?\\s*(Z|[+-][0-9]{2}:?[0-9]{2})?$'"
	g := func(i string) string { return "regexp_extract(" + t + ", " + re + ", " + i + ")" }
	base := "TRY_CAST(" + g("1") + " || ' ' || coalesce(nullif(" + g("2") + ", ''), '00:00:00') AS TIMESTAMP)"
	frac := "coalesce(TRY_CAST(nullif(substr(rpad(" + g("3") + ", 7, '0'), 1, 7), '') AS BIGINT), 0)"
	off := "(CASE WHEN " + g("4") + " IN ('', 'Z') THEN 0 ELSE (CASE WHEN substr(" + g("4") + ", 1, 1) = '-' THEN -1 ELSE 1 END) * " +
		"(CAST(substr(" + g("4") + ", 2, 2) AS BIGINT) * 36000000000 + CAST(right(" + g("4") + ", 2) AS BIGINT) * 600000000) END)"
	iso := "(" + tsTicks(base) + " - ((" + tsTicks(base) + ") % 10000000 + 10000000) % 10000000 + " + frac + " - " + off + ")"
	us := "(CASE WHEN regexp_matches(" + t + ", '^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}( [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?$') " +
		"THEN " + tsTicks("try_strptime("+t+", ['%m/%d/%Y %H:%M:%S', '%m/%d/%Y %H:%M', '%m/%d/%Y'])") + " " +
		"WHEN regexp_matches(" + t + ", '^[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}$') THEN " + tsTicks("try_strptime("+t+", '%m-%d-%Y')") + " END)"
	return "(CASE WHEN regexp_matches(" + t + ", " + re + ") THEN " + iso + " ELSE " + us + " END)"
}

// parseTimespanSQL parses [-][d.]hh:mm[:ss[.fffffff]] and KQL literals
// like 1d, 2h, 30m, 10s, 100ms.
func parseTimespanSQL(s string) string {
	t := "trim(" + s + ")"
	re := "'^(-)?(?:([0-9]+)\\.)?([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\\.([0-9]{1,7}))?)?$'"
	g := func(i string) string { return "regexp_extract(" + t + ", " + re + ", " + i + ")" }
	n := func(i string) string { return "coalesce(TRY_CAST(nullif(" + g(i) + ", '') AS BIGINT), 0)" }
	clock := "(CASE WHEN " + g("1") + " = '-' THEN -1 ELSE 1 END) * (" + n("2") + " * 864000000000 + " + n("3") + " * 36000000000 + " + n("4") + " * 600000000 + " + n("5") + " * 10000000 + coalesce(TRY_CAST(nullif(rpad(" + g("6") + ", 7, '0'), '0000000') AS BIGINT), 0))"
	ure := "'^(-?[0-9]+(?:\\.[0-9]+)?)\\s*(d|day|days|h|hr|hrs|hour|hours|m|min|minute|minutes|s|sec|second|seconds|ms|milli|millis|millisecond|milliseconds|microsecond|microseconds|tick|ticks)$'"
	num := "TRY_CAST(regexp_extract(" + t + ", " + ure + ", 1) AS DOUBLE)"
	unit := "regexp_extract(" + t + ", " + ure + ", 2)"
	units := "CAST(round(" + num + " * (CASE " +
		"WHEN " + unit + " IN ('d','day','days') THEN 864000000000 " +
		"WHEN " + unit + " IN ('h','hr','hrs','hour','hours') THEN 36000000000 " +
		"WHEN " + unit + " IN ('m','min','minute','minutes') THEN 600000000 " +
		"WHEN " + unit + " IN ('s','sec','second','seconds') THEN 10000000 " +
		"WHEN " + unit + " IN ('ms','milli','millis','millisecond','milliseconds') THEN 10000 " +
		"WHEN " + unit + " IN ('microsecond','microseconds') THEN 10 ELSE 1 END)) AS BIGINT)"
	return "(CASE WHEN regexp_matches(" + t + ", " + re + ") THEN " + clock +
		" WHEN regexp_matches(" + t + ", " + ure + ") THEN " + units + " ELSE NULL END)"
}

// convert converts v to type t the way KQL's to*() functions do: never an
// error, null when the value does not convert.
func (c *compiler) convert(v val, t kql.Type) val {
	if v.t == t {
		return v
	}
	if t == kql.TString {
		return c.toStringVal(v)
	}
	if t == kql.TDynamic {
		return c.toDynamic(v)
	}
	if v.null {
		return val{sql: "CAST(NULL AS " + sqlType(t) + ")", t: t, null: true}
	}
	src := v
	if v.t == kql.TDynamic {
		// Numbers and bools convert directly; strings go through the text parsers.
		switch t {
		case kql.TInt, kql.TLong:
			return val{sql: "(CASE WHEN json_type(" + v.sql + ") IN ('BIGINT', 'UBIGINT') THEN TRY_CAST(" + v.sql + " AS BIGINT) " +
				"WHEN json_type(" + v.sql + ") = 'DOUBLE' THEN TRY_CAST(trunc(CAST(" + v.sql + " AS DOUBLE)) AS BIGINT) " +
				"WHEN json_type(" + v.sql + ") = 'BOOLEAN' THEN CAST(CAST(" + v.sql + " AS BOOLEAN) AS BIGINT) " +
				"WHEN json_type(" + v.sql + ") = 'VARCHAR' THEN " + parseLongSQL("json_extract_string("+v.sql+", '$')") + " END)", t: t}
		case kql.TReal, kql.TDecimal:
			return val{sql: "(CASE WHEN json_type(" + v.sql + ") IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN TRY_CAST(" + v.sql + " AS DOUBLE) " +
				"WHEN json_type(" + v.sql + ") = 'BOOLEAN' THEN CAST(CAST(" + v.sql + " AS BOOLEAN) AS DOUBLE) " +
				"WHEN json_type(" + v.sql + ") = 'VARCHAR' THEN " + parseRealSQL("json_extract_string("+v.sql+", '$')") + " END)", t: t}
		case kql.TBool:
			return val{sql: "(CASE WHEN json_type(" + v.sql + ") = 'BOOLEAN' THEN CAST(" + v.sql + " AS BOOLEAN) " +
				"WHEN json_type(" + v.sql + ") IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN CAST(" + v.sql + " AS DOUBLE) <> 0 " +
				"WHEN json_type(" + v.sql + ") = 'VARCHAR' THEN " + parseBoolSQL("json_extract_string("+v.sql+", '$')") + " END)", t: t}
		}
		src = val{sql: "(CASE WHEN json_type(" + v.sql + ") = 'VARCHAR' THEN json_extract_string(" + v.sql + ", '$') END)", t: kql.TString}
		if t == kql.TTimespan {
			// a number in a dynamic is ticks
			return val{sql: "(CASE WHEN json_type(" + v.sql + ") IN ('BIGINT', 'UBIGINT') THEN TRY_CAST(" + v.sql + " AS BIGINT) ELSE " + parseTimespanSQL(src.sql) + " END)", t: t}
		}
	}
	switch t {
	case kql.TInt, kql.TLong:
		switch src.t {
		case kql.TInt, kql.TLong:
			return val{sql: src.sql, t: t}
		case kql.TReal, kql.TDecimal:
			// out of range saturates, as the engine shows for 9.2233720368547758e18
			return val{sql: "(CASE WHEN isinf(CAST(" + src.sql + " AS DOUBLE)) OR isnan(CAST(" + src.sql + " AS DOUBLE)) THEN NULL WHEN " + src.sql + " >= 9223372036854775807 THEN 9223372036854775807 WHEN " + src.sql + " <= -9223372036854775808 THEN -9223372036854775808 ELSE TRY_CAST(trunc(" + src.sql + ") AS BIGINT) END)", t: t}
		case kql.TBool:
			return val{sql: "CAST(" + src.sql + " AS BIGINT)", t: t}
		case kql.TString:
			return val{sql: parseLongSQL(src.sql), t: t}
		case kql.TDatetime:
			return val{sql: "(" + src.sql + " + 621355968000000000)", t: t}
		case kql.TTimespan:
			return val{sql: src.sql, t: t}
		}
	case kql.TReal, kql.TDecimal:
		if t == kql.TDecimal {
			switch src.t {
			case kql.TString:
				return val{sql: "TRY_CAST(trim(" + src.sql + ") AS DECIMAL(38,18))", t: t}
			case kql.TInt, kql.TLong, kql.TReal, kql.TBool:
				return val{sql: "TRY_CAST(" + src.sql + " AS DECIMAL(38,18))", t: t}
			}
		}
		switch src.t {
		case kql.TInt, kql.TLong, kql.TReal, kql.TDecimal, kql.TBool:
			return val{sql: "CAST(" + src.sql + " AS DOUBLE)", t: t}
		case kql.TString:
			return val{sql: parseRealSQL(src.sql), t: t}
		case kql.TDatetime:
			return val{sql: "CAST(" + src.sql + " + 621355968000000000 AS DOUBLE)", t: t}
		case kql.TTimespan:
			return val{sql: "CAST(" + src.sql + " AS DOUBLE)", t: t}
		}
	case kql.TBool:
		switch src.t {
		case kql.TInt, kql.TLong, kql.TReal, kql.TDecimal:
			return val{sql: "(" + src.sql + " <> 0)", t: t}
		case kql.TString:
			return val{sql: parseBoolSQL(src.sql), t: t}
		}
	case kql.TDatetime:
		switch src.t {
		case kql.TString:
			return val{sql: parseDatetimeSQL(src.sql), t: t}
		case kql.TInt, kql.TLong:
			return val{sql: "(" + src.sql + " - 621355968000000000)", t: t}
		}
	case kql.TTimespan:
		switch src.t {
		case kql.TString:
			return val{sql: parseTimespanSQL(src.sql), t: t}
		case kql.TInt, kql.TLong:
			return val{sql: src.sql, t: t}
		case kql.TReal, kql.TDecimal:
			return val{sql: "TRY_CAST(round(" + src.sql + ") AS BIGINT)", t: t}
		}
	case kql.TGuid:
		if src.t == kql.TString {
			return val{sql: "(CASE WHEN regexp_matches(trim(" + src.sql + "), '^[{(]?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}[})]?$') THEN lower(CAST(TRY_CAST(regexp_replace(trim(" + src.sql + "), '[{}()]', '', 'g') AS UUID) AS VARCHAR)) END)", t: t}
		}
	}
	return val{sql: "CAST(NULL AS " + sqlType(t) + ")", t: t, null: true}
}
