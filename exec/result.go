package exec

import (
	"encoding/json"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// Result is a query's tabular result with KQL-typed columns.
//
// Values in Rows, by column type (nil is null for every type but string,
// which is never null in KQL and is "" when absent):
//
//	bool              bool
//	int, long         int64
//	real              float64 (NaN and ±Inf included)
//	decimal           string (the decimal digits, e.g. "1.50")
//	string            string
//	datetime          time.Time, UTC, at 100 ns resolution
//	timespan          Timespan
//	guid              string, lower case
//	dynamic           Dynamic (JSON text)
type Result struct {
	Columns []kql.Column
	Rows    [][]any
	// Ordered is true when KQL defines the row order (a final sort, top,
	// serialize, ...); otherwise rows are a multiset.
	Ordered bool
}

// Timespan is a KQL timespan: a count of 100 ns ticks.
type Timespan int64

// Duration converts t to a time.Duration.
func (t Timespan) Duration() time.Duration { return time.Duration(t) * 100 }

// Dynamic is a KQL dynamic value as JSON text.
type Dynamic json.RawMessage

// Ticks per unit of time.
const (
	TicksPerMicrosecond = 10
	TicksPerMillisecond = 10_000
	TicksPerSecond      = 10_000_000
	TicksPerMinute      = 60 * TicksPerSecond
	TicksPerHour        = 60 * TicksPerMinute
	TicksPerDay         = 24 * TicksPerHour
)
