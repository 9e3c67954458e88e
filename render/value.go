package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
)

// FormatValue returns the text form of a value of KQL type t, as Kusto's
// tostring() writes it: datetime with 7 fraction digits and a Z, timespan as
// [-][d.]hh:mm:ss[.fffffff], bool as true/false, real as FormatReal writes it, dynamic as
// compact JSON. Null is the empty string.
func FormatValue(t kql.Type, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "true"
		}
		return "false"
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case float64:
		return FormatReal(x)
	case time.Time:
		return FormatDatetime(x)
	case exec.Timespan:
		return FormatTimespan(int64(x))
	case exec.Dynamic:
		return compactJSON(x)
	case json.RawMessage:
		return compactJSON(exec.Dynamic(x))
	}
	return fmt.Sprint(v)
}

// FormatReal writes f as Kusto's tostring() does (the .NET round-trip
// form): the shortest digits that read back to f, in fixed notation with
// at least one fraction digit (1.0, 0.30000000000000007, 1418873.53) when
// its decimal exponent is from -4 to 15, and as 1E+16 or 1.5E-05 beyond
// that, with Kusto's names for the special values.
func FormatReal(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	mant, exp, _ := strings.Cut(e, "e")
	x, _ := strconv.Atoi(exp)
	if f != 0 && (x < -4 || x > 15) {
		sign := "+"
		if x < 0 {
			sign, x = "-", -x
		}
		return fmt.Sprintf("%sE%s%02d", mant, sign, x)
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// FormatDatetime writes t in UTC as 2006-01-02T15:04:05.0000000Z: always
// seven fraction digits (100 ns ticks), as Kusto's tostring does.
func FormatDatetime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.0000000Z")
}

// FormatTimespan writes a tick count as [-][d.]hh:mm:ss[.fffffff]; the
// fraction appears only when it is not zero.
func FormatTimespan(ticks int64) string {
	var b strings.Builder
	u := uint64(ticks)
	if ticks < 0 {
		b.WriteByte('-')
		u = uint64(-ticks) // also right for math.MinInt64
	}
	days := u / exec.TicksPerDay
	rem := u % exec.TicksPerDay
	if days > 0 {
		b.WriteString(strconv.FormatUint(days, 10))
		b.WriteByte('.')
	}
	h := rem / exec.TicksPerHour
	rem %= exec.TicksPerHour
	m := rem / exec.TicksPerMinute
	rem %= exec.TicksPerMinute
	s := rem / exec.TicksPerSecond
	frac := rem % exec.TicksPerSecond
	fmt.Fprintf(&b, "%02d:%02d:%02d", h, m, s)
	if frac != 0 {
		fmt.Fprintf(&b, ".%07d", frac)
	}
	return b.String()
}

func compactJSON(d exec.Dynamic) string {
	if len(d) == 0 {
		return ""
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, d); err != nil {
		return string(d)
	}
	return buf.String()
}

// JSONValue returns v in the JSON form of the conformance suite and of
// `--format json`: long as an integer, real as a number or "NaN",
// "Infinity", "-Infinity", datetime and timespan as their text, dynamic as
// the JSON value itself, decimal as a number with its digits kept, null as
// null (strings are never null).
func JSONValue(t kql.Type, v any) any {
	switch x := v.(type) {
	case nil:
		if t == kql.TString {
			return ""
		}
		return nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return FormatReal(x)
		}
		return x
	case string:
		if t == kql.TDecimal {
			if _, err := strconv.ParseFloat(x, 64); err == nil {
				return json.Number(x)
			}
		}
		return x
	case time.Time:
		return FormatDatetime(x)
	case exec.Timespan:
		return FormatTimespan(int64(x))
	case exec.Dynamic:
		if len(x) == 0 {
			return nil
		}
		return json.RawMessage(x)
	}
	return v
}
