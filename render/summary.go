package render

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
)

// Summary describes a result in a few lines for a person: the number of
// rows, the time span its first datetime column covers, and the most
// frequent values of the columns whose values repeat (or, for a count per
// group, the largest groups). Deterministic: ties break by value. Names
// and values are Sanitized: the summary goes to a terminal.
func Summary(r *exec.Result) string {
	n := len(r.Rows)
	var lines []string
	switch n {
	case 0:
		return "No rows."
	case 1:
		lines = append(lines, "1 row.")
	default:
		lines = append(lines, fmt.Sprintf("%d rows.", n))
	}
	// A single number: say it.
	if n == 1 && len(r.Columns) == 1 {
		return fmt.Sprintf("%s: %s.", Sanitize(r.Columns[0].Name), Sanitize(FormatValue(r.Columns[0].Type, r.Rows[0][0])))
	}
	for i, c := range r.Columns {
		if c.Type != kql.TDatetime {
			continue
		}
		var lo, hi time.Time
		for _, row := range r.Rows {
			t, ok := row[i].(time.Time)
			if !ok {
				continue
			}
			if lo.IsZero() || t.Before(lo) {
				lo = t
			}
			if hi.IsZero() || t.After(hi) {
				hi = t
			}
		}
		if !lo.IsZero() {
			if lo.Equal(hi) {
				lines = append(lines, fmt.Sprintf("%s: %s.", Sanitize(c.Name), FormatDatetime(lo)))
			} else {
				lines = append(lines, fmt.Sprintf("%s from %s to %s (%s).", Sanitize(c.Name), FormatDatetime(lo), FormatDatetime(hi), spanText(hi.Sub(lo))))
			}
		}
		break
	}
	// A count per group: the largest groups.
	countCol := -1
	for i, c := range r.Columns {
		if (c.Name == "Count" || c.Name == "count_") && (c.Type == kql.TLong || c.Type == kql.TInt) {
			countCol = i
		}
	}
	if countCol >= 0 && n > 1 {
		var total int64
		for _, row := range r.Rows {
			if v, ok := row[countCol].(int64); ok {
				total += v
			}
		}
		lines = append(lines, fmt.Sprintf("Total %s: %d.", Sanitize(r.Columns[countCol].Name), total))
		return strings.Join(lines, "\n")
	}
	shown := 0
	for i, c := range r.Columns {
		if shown == 3 || n < 3 {
			break
		}
		if c.Type != kql.TString {
			continue
		}
		counts := map[string]int{}
		for _, row := range r.Rows {
			if s, ok := row[i].(string); ok && s != "" {
				counts[s]++
			}
		}
		// Only columns whose values repeat say something.
		if len(counts) < 1 || len(counts) > n/2 || len(counts) > 50 {
			continue
		}
		type kv struct {
			v string
			n int
		}
		var top []kv
		for v, k := range counts {
			top = append(top, kv{v, k})
		}
		sort.Slice(top, func(a, b int) bool {
			if top[a].n != top[b].n {
				return top[a].n > top[b].n
			}
			return top[a].v < top[b].v
		})
		more := ""
		if len(top) > 3 {
			more = fmt.Sprintf(", and %d more", len(top)-3)
			top = top[:3]
		}
		parts := make([]string, len(top))
		for j, t := range top {
			v := Sanitize(t.v)
			if rs := []rune(v); len(rs) > 60 {
				v = string(rs[:57]) + "..."
			}
			parts[j] = fmt.Sprintf("%s (%d)", v, t.n)
		}
		lines = append(lines, fmt.Sprintf("%s: %s%s.", Sanitize(c.Name), strings.Join(parts, ", "), more))
		shown++
	}
	return strings.Join(lines, "\n")
}

func spanText(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%.1f days", d.Hours()/24)
	case d >= 2*time.Hour:
		return fmt.Sprintf("%.1f hours", d.Hours())
	case d >= 2*time.Minute:
		return fmt.Sprintf("%.0f minutes", d.Minutes())
	}
	return d.Round(time.Millisecond).String()
}
