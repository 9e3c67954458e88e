package remote

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

// serviceTypes maps the type names the services write in their column
// lists to KQL types: Kusto's own names (ADX v2, Log Analytics), and the
// .NET names Defender's advanced hunting API uses (DateTime, Int64, ...).
var serviceTypes = map[string]kql.Type{
	"bool": kql.TBool, "boolean": kql.TBool, "sbyte": kql.TBool, "system.boolean": kql.TBool, "system.sbyte": kql.TBool,
	"int": kql.TInt, "int32": kql.TInt, "system.int32": kql.TInt,
	"long": kql.TLong, "int64": kql.TLong, "system.int64": kql.TLong,
	"real": kql.TReal, "double": kql.TReal, "single": kql.TReal, "system.double": kql.TReal, "system.single": kql.TReal,
	"decimal": kql.TDecimal, "system.decimal": kql.TDecimal, "system.data.sqltypes.sqldecimal": kql.TDecimal,
	"string": kql.TString, "system.string": kql.TString,
	"datetime": kql.TDatetime, "date": kql.TDatetime, "system.datetime": kql.TDatetime,
	"timespan": kql.TTimespan, "time": kql.TTimespan, "system.timespan": kql.TTimespan,
	"guid": kql.TGuid, "uniqueid": kql.TGuid, "system.guid": kql.TGuid,
	"dynamic": kql.TDynamic, "object": kql.TDynamic, "system.object": kql.TDynamic,
}

// columnType returns the KQL type of a service's column type name.
func columnType(name string) (kql.Type, error) {
	if t, ok := serviceTypes[strings.ToLower(strings.TrimSpace(name))]; ok {
		return t, nil
	}
	return "", fmt.Errorf("unknown column type %q", name)
}

// decoder converts the JSON values of one service to the Go values
// exec.Result documents.
type decoder struct {
	// dynamicAsText: the service writes dynamic values as JSON text in a
	// string (Log Analytics, Defender) rather than as JSON values (ADX).
	dynamicAsText bool
}

// value converts one JSON value of a column of type t.
func (d decoder) value(t kql.Type, raw json.RawMessage) (any, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		if t == kql.TString {
			return "", nil // strings are never null in KQL
		}
		return nil, nil
	}
	str, isStr := "", raw[0] == '"'
	if isStr {
		if err := json.Unmarshal(raw, &str); err != nil {
			return nil, err
		}
	}
	switch t {
	case kql.TString:
		if isStr {
			return str, nil
		}
		return compact(raw), nil
	case kql.TBool:
		switch {
		case string(raw) == "true", isStr && strings.EqualFold(str, "true"):
			return true, nil
		case string(raw) == "false", isStr && strings.EqualFold(str, "false"):
			return false, nil
		case string(raw) == "1":
			return true, nil
		case string(raw) == "0":
			return false, nil
		}
	case kql.TInt, kql.TLong:
		text := string(raw)
		if isStr {
			text = str
		}
		if i, err := strconv.ParseInt(text, 10, 64); err == nil {
			return i, nil
		}
		if f, err := strconv.ParseFloat(text, 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<63 {
			return int64(f), nil
		}
	case kql.TReal:
		if isStr {
			switch str {
			case "NaN":
				return math.NaN(), nil
			case "Infinity", "+Infinity":
				return math.Inf(1), nil
			case "-Infinity":
				return math.Inf(-1), nil
			}
			if f, err := strconv.ParseFloat(str, 64); err == nil {
				return f, nil
			}
			break
		}
		if f, err := strconv.ParseFloat(string(raw), 64); err == nil {
			return f, nil
		}
	case kql.TDecimal:
		text := string(raw)
		if isStr {
			text = str
		}
		if _, err := strconv.ParseFloat(text, 64); err == nil {
			// as the local engine writes decimals: no trailing fraction zeros
			if strings.Contains(text, ".") && !strings.ContainsAny(text, "eE") {
				text = strings.TrimSuffix(strings.TrimRight(text, "0"), ".")
			}
			return text, nil
		}
	case kql.TDatetime:
		if isStr {
			if tm, err := ParseDatetime(str); err == nil {
				return tm, nil
			}
		}
	case kql.TTimespan:
		if isStr {
			if ts, err := ParseTimespan(str); err == nil {
				return ts, nil
			}
			break
		}
		if i, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
			return exec.Timespan(i), nil // a number is ticks
		}
	case kql.TGuid:
		if isStr {
			return strings.ToLower(str), nil
		}
	case kql.TDynamic:
		if isStr && d.dynamicAsText {
			inner := strings.TrimSpace(str)
			if inner == "" {
				return nil, nil
			}
			if json.Valid([]byte(inner)) {
				if inner == "null" {
					return nil, nil
				}
				return exec.Dynamic(compact(json.RawMessage(inner))), nil
			}
		}
		return exec.Dynamic(compact(raw)), nil
	default:
		return nil, fmt.Errorf("unsupported column type %q", t)
	}
	return nil, fmt.Errorf("%s is not a %s value", truncateText(string(raw), 40), t)
}

func compact(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
}

func truncateText(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// ParseDatetime reads a datetime as the services write it: ISO 8601 in
// UTC with up to 7 fraction digits (2024-01-02T03:04:05.1234567Z), or
// with an offset; the result is UTC at 100 ns resolution.
func ParseDatetime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Truncate(100 * time.Nanosecond), nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid datetime %q", s)
}

// ParseTimespan reads a timespan as Kusto writes it, [-][d.]hh:mm:ss[.fffffff],
// into ticks.
func ParseTimespan(s string) (exec.Timespan, error) {
	bad := fmt.Errorf("invalid timespan %q", s)
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var days int64
	clock := s
	if i := strings.IndexByte(s, ':'); i >= 0 {
		if j := strings.LastIndexByte(s[:i], '.'); j >= 0 {
			d, err := strconv.ParseInt(s[:j], 10, 64)
			if err != nil {
				return 0, bad
			}
			days, clock = d, s[j+1:]
		}
	} else {
		return 0, bad
	}
	clock, frac, _ := strings.Cut(clock, ".")
	parts := strings.Split(clock, ":")
	if len(parts) < 2 || len(parts) > 3 || len(frac) > 7 {
		return 0, bad
	}
	var hms [3]int64
	for i, p := range parts {
		v, err := strconv.ParseInt(p, 10, 64)
		if err != nil || v < 0 {
			return 0, bad
		}
		hms[i] = v
	}
	var f int64
	if frac != "" {
		v, err := strconv.ParseInt(frac+strings.Repeat("0", 7-len(frac)), 10, 64)
		if err != nil {
			return 0, bad
		}
		f = v
	}
	ticks := days*exec.TicksPerDay + hms[0]*exec.TicksPerHour + hms[1]*exec.TicksPerMinute + hms[2]*exec.TicksPerSecond + f
	if neg {
		ticks = -ticks
	}
	return exec.Timespan(ticks), nil
}
