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

// filterCond returns a boolean SQL expression for use as a WHERE or
// QUALIFY condition. A WHERE keeps only the rows where its condition is
// true, so null and false filter alike: the outer coalesce(X, false) that
// makes a KQL predicate non-null is dropped there, which lets DuckDB see
// the comparison itself (and use it in its filter pushdown and IN-list
// optimisations). Anything else comes back unchanged.
func filterCond(s string) string {
	const pre, post = "coalesce(", ", false)"
	if !strings.HasPrefix(s, pre) || !strings.HasSuffix(s, post) {
		return s
	}
	// The coalesce must span the whole text: its "(" closes at the end.
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\'', '"':
			i = skipQuoted(s, i)
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 && i != len(s)-1 {
				return s
			}
		}
	}
	if depth != 0 {
		return s
	}
	inner := s[len(pre) : len(s)-len(post)]
	// The second argument must be the literal false at the top level:
	// check that the inner text is balanced on its own (no top-level
	// comma split went wrong).
	d := 0
	for i := 0; i < len(inner); i++ {
		switch inner[i] {
		case '\'', '"':
			i = skipQuoted(inner, i)
		case '(':
			d++
		case ')':
			d--
			if d < 0 {
				return s
			}
		case ',':
			if d == 0 {
				return s
			}
		}
	}
	if d != 0 {
		return s
	}
	return inner
}

// skipQuoted returns the index of the quote that closes the SQL string or
// quoted identifier opening at s[i] (a doubled quote is an escaped one
// inside it), or len(s) when it is not closed.
func skipQuoted(s string, i int) int {
	q := s[i]
	for i++; i < len(s); i++ {
		if s[i] == q {
			if i+1 < len(s) && s[i+1] == q {
				i++
				continue
			}
			return i
		}
	}
	return i
}
