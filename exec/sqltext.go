package exec

import (
	"github.com/kqlhunt/kqlhunt/kql"
	"math"
	"strconv"
	"strings"
	"time"
)

// quoteIdent quotes a SQL identifier: double quotes, inner quotes doubled.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// quoteString writes a SQL string literal: single quotes, inner quotes
// doubled. A NUL character cannot appear in a DuckDB literal, so it is
// spliced in with chr(0).
func quoteString(s string) string {
	if strings.ContainsRune(s, 0) {
		parts := strings.Split(s, "\x00")
		for i, p := range parts {
			parts[i] = quoteString(p)
		}
		return "(" + strings.Join(parts, " || chr(0) || ") + ")"
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// sqlReal writes a DOUBLE literal (never a DECIMAL one).
func sqlReal(f float64) string {
	switch {
	case math.IsNaN(f):
		return "CAST('NaN' AS DOUBLE)"
	case math.IsInf(f, 1):
		return "CAST('Infinity' AS DOUBLE)"
	case math.IsInf(f, -1):
		return "CAST('-Infinity' AS DOUBLE)"
	}
	return "CAST(" + strconv.FormatFloat(f, 'e', -1, 64) + " AS DOUBLE)"
}

func itoa(n int) string { return strconv.Itoa(n) }

func sqlLong(n int64) string {
	if n == math.MinInt64 {
		return "CAST('-9223372036854775808' AS BIGINT)"
	}
	if n < 0 {
		return "CAST(" + strconv.FormatInt(n, 10) + " AS BIGINT)"
	}
	return "CAST(" + strconv.FormatInt(n, 10) + " AS BIGINT)"
}

// sqlDatetime writes a datetime constant: ticks since the epoch.
func sqlDatetime(ticks int64) string {
	return sqlLong(ticks)
}

// ticksToTime converts 100 ns ticks since the epoch to a UTC time.
func ticksToTime(ticks int64) time.Time {
	sec := ticks / TicksPerSecond
	rem := ticks % TicksPerSecond
	if rem < 0 {
		rem += TicksPerSecond
		sec--
	}
	return time.Unix(sec, rem*100).UTC()
}

// sqlType is the DuckDB storage type of a KQL type.
func sqlType(t kql.Type) string {
	switch t {
	case "bool":
		return "BOOLEAN"
	case "int", "long":
		return "BIGINT"
	case "real":
		return "DOUBLE"
	case "decimal":
		return "DECIMAL(38,18)"
	case "datetime":
		return "BIGINT"
	case "timespan":
		return "BIGINT"
	case "dynamic":
		return "JSON"
	}
	return "VARCHAR"
}
