package exec

import (
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

const (
	tickDay  = "864000000000"
	tickHour = "36000000000"
	tickMin  = "600000000"
	tickSec  = "10000000"
)

func dtArg(c *compiler, call *kql.CallExpr, a []val, i int) (string, error) {
	v := a[i]
	if v.t == kql.TString || v.t == kql.TDynamic {
		v = c.convert(v, kql.TDatetime)
	}
	if v.t != kql.TDatetime {
		return "", errAt(call.Args[i], "%s() takes a datetime, found %s", call.Func.Name, typeName(v.t))
	}
	return v.sql, nil
}

// floorDiv writes floor(a / b) for BIGINTs.
func floorDiv(a, b string) string { return floorDivI(a, b) }

// monthsAdd adds n calendar months to datetime ticks (month ends clamp).
func monthsAdd(dt, n string) string {
	sub := "(((" + dt + ") % 10 + 10) % 10)"
	return "(" + tsTicks("("+asTS(dt)+" + to_months(CAST("+n+" AS INTEGER)))") + " + " + sub + ")"
}

// startOf returns SQL for the start of the period containing dt, shifted by
// n periods (n is SQL, may be "0").
func startOf(unit, dt, n string) string {
	t := dtTicks(dt)
	switch unit {
	case "day":
		return ticksToDt("(" + floorDiv(t, tickDay) + " + " + n + ") * " + tickDay)
	case "week":
		// weeks start on Sunday; 1970-01-01 was a Thursday (4 days after Sunday)
		return ticksToDt("((" + floorDiv(t+" + 4 * "+tickDay, "(7 * "+tickDay+")") + " + " + n + ") * 7 - 4) * " + tickDay)
	case "month":
		return tsTicks("(date_trunc('month', " + asTS(dt) + ") + to_months(CAST(" + n + " AS INTEGER)))")
	case "year":
		return tsTicks("(date_trunc('year', " + asTS(dt) + ") + to_years(CAST(" + n + " AS INTEGER)))")
	}
	return ""
}

func registerDatetimeFuncs(reg func(string, int, int, fnImpl)) {
	for _, u := range []string{"day", "week", "month", "year"} {
		unit := u
		reg("startof"+unit, 1, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
			dt, err := dtArg(c, call, a, 0)
			if err != nil {
				return val{}, err
			}
			n := "0"
			if len(a) == 2 {
				n = a[1].sql
			}
			return val{sql: startOf(unit, dt, n), t: kql.TDatetime}, nil
		})
		reg("endof"+unit, 1, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
			dt, err := dtArg(c, call, a, 0)
			if err != nil {
				return val{}, err
			}
			n := "1"
			if len(a) == 2 {
				n = "(" + a[1].sql + " + 1)"
			}
			return val{sql: ticksToDt(dtTicks(startOf(unit, dt, n)) + " - 1"), t: kql.TDatetime}, nil
		})
	}
	part := func(names, sqlPart string) {
		reg(names, 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
			dt, err := dtArg(c, call, a, 0)
			if err != nil {
				return val{}, err
			}
			return val{sql: "CAST(" + sqlPart + "(" + asTS(dt) + ") AS BIGINT)", t: kql.TInt}, nil
		})
	}
	part("getyear", "year")
	part("getmonth monthofyear", "month")
	part("dayofmonth", "day")
	part("dayofyear", "dayofyear")
	part("hourofday", "hour")
	reg("week_of_year weekofyear", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		dt, err := dtArg(c, call, a, 0)
		if err != nil {
			return val{}, err
		}
		return val{sql: "CAST(weekofyear(" + asTS(dt) + ") AS BIGINT)", t: kql.TInt}, nil
	})
	reg("dayofweek", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		dt, err := dtArg(c, call, a, 0)
		if err != nil {
			return val{}, err
		}
		return val{sql: "((((" + floorDiv(dt, tickDay) + " + 4) % 7) + 7) % 7 * " + tickDay + ")", t: kql.TTimespan}, nil
	})
	reg("datetime_add", 3, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		p, ok := a[0].isConstString()
		if !ok {
			return val{}, errAt(call.Args[0], "datetime_add: the part must be a constant string")
		}
		dt, err := dtArg(c, call, a, 2)
		if err != nil {
			return val{}, err
		}
		n := a[1].sql
		var s string
		switch strings.ToLower(p) {
		case "year":
			s = monthsAdd(dt, n+" * 12")
		case "quarter":
			s = monthsAdd(dt, n+" * 3")
		case "month":
			s = monthsAdd(dt, n)
		default:
			mul, ok := tickUnits[strings.ToLower(p)]
			if !ok {
				return val{}, errAt(call.Args[0], "datetime_add: unknown part %q", p)
			}
			if mul == "ns" {
				s = ticksToDt(dtTicks(dt) + " + " + n + " // 100")
			} else {
				s = ticksToDt(dtTicks(dt) + " + " + n + " * " + mul)
			}
		}
		return val{sql: s, t: kql.TDatetime}, nil
	})
	reg("datetime_diff", 3, 3, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		p, ok := a[0].isConstString()
		if !ok {
			return val{}, errAt(call.Args[0], "datetime_diff: the part must be a constant string")
		}
		x, err := dtArg(c, call, a, 1)
		if err != nil {
			return val{}, err
		}
		y, err := dtArg(c, call, a, 2)
		if err != nil {
			return val{}, err
		}
		var s string
		xt, yt := x, y
		x, y = asTS(x), asTS(y)
		switch strings.ToLower(p) {
		case "year":
			s = "(year(" + x + ") - year(" + y + "))"
		case "quarter":
			s = "((year(" + x + ") * 4 + quarter(" + x + ")) - (year(" + y + ") * 4 + quarter(" + y + ")))"
		case "month":
			s = "((year(" + x + ") * 12 + month(" + x + ")) - (year(" + y + ") * 12 + month(" + y + ")))"
		case "week":
			s = "((" + startOf("week", xt, "0") + " - " + startOf("week", yt, "0") + ") // (7 * " + tickDay + "))"
		case "nanosecond":
			s = "((" + xt + " - " + yt + ") * 100)"
		default:
			mul, ok := tickUnits[strings.ToLower(p)]
			if !ok || mul == "ns" {
				return val{}, errAt(call.Args[0], "datetime_diff: unknown part %q", p)
			}
			s = "(" + floorDiv(xt, mul) + " - " + floorDiv(yt, mul) + ")"
		}
		if strings.EqualFold(p, "week") {
			return val{sql: "CAST(" + s + " AS DOUBLE)", t: kql.TReal}, nil
		}
		return val{sql: "CAST(" + s + " AS BIGINT)", t: kql.TLong}, nil
	})
	reg("datetime_part", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		p, ok := a[0].isConstString()
		if !ok {
			return val{}, errAt(call.Args[0], "datetime_part: the part must be a constant string")
		}
		dt, err := dtArg(c, call, a, 1)
		if err != nil {
			return val{}, err
		}
		var s string
		t := dt
		dt = asTS(dt)
		switch strings.ToLower(p) {
		case "year":
			s = "year(" + dt + ")"
		case "quarter":
			s = "quarter(" + dt + ")"
		case "month":
			s = "month(" + dt + ")"
		case "week_of_year", "weekofyear":
			s = "weekofyear(" + dt + ")"
		case "day":
			s = "day(" + dt + ")"
		case "dayofyear":
			s = "dayofyear(" + dt + ")"
		case "hour":
			s = "hour(" + dt + ")"
		case "minute":
			s = "minute(" + dt + ")"
		case "second":
			s = "second(" + dt + ")"
		case "millisecond":
			s = "((" + t + " % " + tickSec + ") // 10000)"
		case "microsecond":
			s = "((" + t + " % " + tickSec + ") // 10)"
		case "nanosecond":
			s = "((" + t + " % " + tickSec + ") * 100)"
		default:
			return val{}, errAt(call.Args[0], "datetime_part: unknown part %q", p)
		}
		return val{sql: "CAST(" + s + " AS BIGINT)", t: kql.TInt}, nil
	})
	reg("make_datetime", 1, 7, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		parts := []string{"1", "1", "1", "0", "0", "0"}
		for i := range a {
			if i < 5 {
				parts[i] = a[i].sql
			}
		}
		sec := "0"
		if len(a) >= 6 {
			sec = "CAST(" + a[5].sql + " AS DOUBLE)"
		}
		if len(a) == 1 {
			return val{}, errAt(call, "make_datetime needs at least year, month and day")
		}
		base := "make_timestamp(CAST(" + parts[0] + " AS BIGINT), CAST(" + parts[1] + " AS BIGINT), CAST(" + parts[2] + " AS BIGINT), CAST(" + parts[3] + " AS BIGINT), CAST(" + parts[4] + " AS BIGINT), 0)"
		s := "(" + tsTicks(base) + " + CAST(round(" + sec + " * 10000000) AS BIGINT))"
		return val{sql: "(CASE WHEN " + parts[1] + " BETWEEN 1 AND 12 AND " + parts[2] + " BETWEEN 1 AND 31 THEN " + s + " END)", t: kql.TDatetime}, nil
	})
	reg("make_timespan", 1, 5, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		var terms []string
		switch len(a) {
		case 2: // hours, minutes
			terms = []string{a[0].sql + " * " + tickHour, a[1].sql + " * " + tickMin}
		case 3:
			terms = []string{a[0].sql + " * " + tickHour, a[1].sql + " * " + tickMin, "CAST(round(CAST(" + a[2].sql + " AS DOUBLE) * " + tickSec + ") AS BIGINT)"}
		case 4:
			terms = []string{a[0].sql + " * " + tickDay, a[1].sql + " * " + tickHour, a[2].sql + " * " + tickMin, "CAST(round(CAST(" + a[3].sql + " AS DOUBLE) * " + tickSec + ") AS BIGINT)"}
		default:
			return val{}, errAt(call, "make_timespan takes 2 to 4 arguments")
		}
		// a part out of its range makes no timespan (make_timespan(25, 70)
		// is null): hours 0-23, minutes 0-59, seconds [0, 60), days >= 0
		var checks []string
		first := 0
		if len(a) == 4 {
			checks = append(checks, a[0].sql+" >= 0")
			first = 1
		}
		checks = append(checks, a[first].sql+" BETWEEN 0 AND 23", a[first+1].sql+" BETWEEN 0 AND 59")
		if len(a) > first+2 {
			checks = append(checks, "CAST("+a[first+2].sql+" AS DOUBLE) >= 0 AND CAST("+a[first+2].sql+" AS DOUBLE) < 60")
		}
		return val{sql: "(CASE WHEN " + strings.Join(checks, " AND ") + " THEN " + strings.Join(terms, " + ") + " END)", t: kql.TTimespan}, nil
	})
	unix := func(name, mul string) {
		reg(name, 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
			v := c.convert(a[0], kql.TReal)
			return val{sql: ticksToDt("CAST(round(" + v.sql + " * " + mul + ") AS BIGINT)"), t: kql.TDatetime}, nil
		})
	}
	unix("unixtime_seconds_todatetime", tickSec)
	unix("unixtime_milliseconds_todatetime", "10000")
	unix("unixtime_microseconds_todatetime", "10")
	unix("unixtime_nanoseconds_todatetime", "0.01")
	reg("format_datetime", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		f, ok := a[1].isConstString()
		if !ok {
			return val{}, errAt(call.Args[1], "format_datetime: the format must be a constant string")
		}
		dt, err := dtArg(c, call, a, 0)
		if err != nil {
			return val{}, err
		}
		s, err := formatDatetimeSQL(dt, f)
		if err != nil {
			return val{}, errAt(call.Args[1], "%s", err.Error())
		}
		return val{sql: "coalesce(" + s + ", '')", t: kql.TString}, nil
	})
	reg("format_timespan", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		f, ok := a[1].isConstString()
		if !ok {
			return val{}, errAt(call.Args[1], "format_timespan: the format must be a constant string")
		}
		v := a[0]
		if v.t != kql.TTimespan {
			v = c.convert(v, kql.TTimespan)
		}
		s, err := formatTimespanSQL(v.sql, f)
		if err != nil {
			return val{}, errAt(call.Args[1], "%s", err.Error())
		}
		return val{sql: "coalesce(" + s + ", '')", t: kql.TString}, nil
	})
}

var tickUnits = map[string]string{
	"week": "(7 * " + tickDay + ")", "day": tickDay, "hour": tickHour, "minute": tickMin,
	"second": tickSec, "millisecond": "10000", "microsecond": "10", "nanosecond": "ns",
}

type fmtErr string

func (e fmtErr) Error() string { return string(e) }

// formatDatetimeSQL translates a .NET-style format to SQL string pieces.
func formatDatetimeSQL(dt, f string) (string, error) {
	t := dt
	dt = asTS(dt)
	pad := func(expr string, n int) string {
		return "lpad(CAST(" + expr + " AS VARCHAR), CAST(greatest(" + strconv.Itoa(n) + ", length(CAST(" + expr + " AS VARCHAR))) AS INTEGER), '0')"
	}
	var parts []string
	lit := func(s string) { parts = append(parts, quoteString(s)) }
	for i := 0; i < len(f); {
		ch := f[i]
		j := i
		for j < len(f) && f[j] == ch {
			j++
		}
		n := j - i
		// two-letter specifiers repeat: "dddd" is "dd" "dd", "MMM" is "MM" "M"
		if n > 2 && strings.IndexByte("dMHhms", ch) >= 0 {
			j = i + 2
			n = 2
		}
		switch ch {
		case 'y':
			switch {
			case n == 1:
				parts = append(parts, "CAST(year("+dt+") % 100 AS VARCHAR)")
			case n == 2:
				parts = append(parts, pad("year("+dt+") % 100", 2))
			default:
				parts = append(parts, pad("year("+dt+")", n))
			}
		case 'M':
			parts = append(parts, pad("month("+dt+")", n))
		case 'd':
			parts = append(parts, pad("day("+dt+")", n))
		case 'H':
			parts = append(parts, pad("hour("+dt+")", n))
		case 'h':
			parts = append(parts, pad("((hour("+dt+") + 11) % 12 + 1)", n))
		case 'm':
			parts = append(parts, pad("minute("+dt+")", n))
		case 's':
			parts = append(parts, pad("second("+dt+")", n))
		case 'f', 'F':
			if n > 7 {
				return "", fmtErr("format_datetime: at most 7 fraction digits")
			}
			frac := "substr(" + pad("(("+t+") % 10000000 + 10000000) % 10000000", 7) + ", 1, " + strconv.Itoa(n) + ")"
			if ch == 'F' {
				frac = "rtrim(" + frac + ", '0')"
			}
			parts = append(parts, frac)
		case 't':
			s := "(CASE WHEN hour(" + dt + ") < 12 THEN 'AM' ELSE 'PM' END)"
			if n == 1 {
				s = "substr(" + s + ", 1, 1)"
			}
			parts = append(parts, s)
		case '\\':
			if i+1 < len(f) {
				lit(string(f[i+1]))
				i += 2
				continue
			}
			j = i + 1
		case '"', '\'':
			k := strings.IndexByte(f[i+1:], ch)
			if k < 0 {
				return "", fmtErr("format_datetime: unterminated quote in the format")
			}
			lit(f[i+1 : i+1+k])
			i += k + 2
			continue
		default:
			if isASCIILetter(ch) {
				return "", fmtErr("format_datetime: unsupported format specifier " + strconv.Quote(f[i:j]))
			}
			lit(f[i:j])
		}
		i = j
	}
	if len(parts) == 0 {
		return "''", nil
	}
	return "(" + strings.Join(parts, " || ") + ")", nil
}

func formatTimespanSQL(ts, f string) (string, error) {
	a := "abs(" + ts + ")"
	pad := func(expr string, n int) string {
		return "lpad(CAST(" + expr + " AS VARCHAR), CAST(greatest(" + strconv.Itoa(n) + ", length(CAST(" + expr + " AS VARCHAR))) AS INTEGER), '0')"
	}
	var parts []string
	for i := 0; i < len(f); {
		ch := f[i]
		j := i
		for j < len(f) && f[j] == ch {
			j++
		}
		n := j - i
		switch ch {
		case 'd':
			parts = append(parts, pad(a+" // "+tickDay, n))
		case 'h', 'H':
			parts = append(parts, pad("("+a+" // "+tickHour+") % 24", n))
		case 'm':
			parts = append(parts, pad("("+a+" // "+tickMin+") % 60", n))
		case 's':
			parts = append(parts, pad("("+a+" // "+tickSec+") % 60", n))
		case 'f', 'F':
			frac := "substr(" + pad(a+" % 10000000", 7) + ", 1, " + strconv.Itoa(n) + ")"
			if ch == 'F' {
				frac = "rtrim(" + frac + ", '0')"
			}
			parts = append(parts, frac)
		case '\\':
			if i+1 < len(f) {
				parts = append(parts, quoteString(string(f[i+1])))
				i += 2
				continue
			}
			j = i + 1
		case '"', '\'':
			k := strings.IndexByte(f[i+1:], ch)
			if k < 0 {
				return "", fmtErr("format_timespan: unterminated quote in the format")
			}
			parts = append(parts, quoteString(f[i+1:i+1+k]))
			i += k + 2
			continue
		default:
			if isASCIILetter(ch) || ch == '%' {
				return "", fmtErr("format_timespan: unsupported format specifier " + strconv.Quote(f[i:j]))
			}
			parts = append(parts, quoteString(f[i:j]))
		}
		i = j
	}
	if len(parts) == 0 {
		return "''", nil
	}
	return "((CASE WHEN " + ts + " < 0 THEN '-' ELSE '' END) || " + strings.Join(parts, " || ") + ")", nil
}

func isASCIILetter(ch byte) bool { return ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' }
