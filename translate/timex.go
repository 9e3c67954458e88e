package translate

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// TimeRange is the time window a prompt asks for.
type TimeRange struct {
	// Ago, when non-zero, is a window ending now: time > ago(Ago).
	Ago time.Duration
	// Start (inclusive) and End (exclusive) are absolute bounds; either
	// may be zero.
	Start, End time.Time
	// Day is "today" or "yesterday": calendar days relative to now().
	Day string
	// Text is how the prompt said it, for the explanation.
	Text string
}

// predicate is the filter on column col.
func (r *TimeRange) predicate(col string) kql.Expr {
	c := ident(col)
	switch {
	case r.Day == "today":
		return binary(">=", c, call("startofday", call("now")))
	case r.Day == "yesterday":
		return and(binary(">=", c, call("startofday", call("ago", spanLit(24*time.Hour)))),
			binary("<", ident(col), call("startofday", call("now"))))
	case r.Ago > 0:
		return binary(">", c, call("ago", spanLit(r.Ago)))
	}
	var lo, hi kql.Expr
	if !r.Start.IsZero() {
		lo = binary(">=", c, dateLit(r.Start))
	}
	if !r.End.IsZero() {
		hi = binary("<", ident(col), dateLit(r.End))
	}
	return and(lo, hi)
}

// describe says the window in English.
func (r *TimeRange) describe() string {
	switch {
	case r.Day != "":
		return r.Day
	case r.Ago > 0:
		return "in the last " + humanDuration(r.Ago)
	case !r.Start.IsZero() && !r.End.IsZero():
		if r.End.Sub(r.Start) == 24*time.Hour && r.Start.Hour() == 0 && r.Start.Minute() == 0 {
			return "on " + r.Start.Format("2006-01-02")
		}
		return fmt.Sprintf("from %s to %s", fmtTime(r.Start), fmtTime(r.End))
	case !r.Start.IsZero():
		return "since " + fmtTime(r.Start)
	case !r.End.IsZero():
		return "before " + fmtTime(r.End)
	}
	return ""
}

func fmtTime(t time.Time) string {
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04:05Z")
}

func humanDuration(d time.Duration) string {
	unit := func(n int64, s string) string {
		if n == 1 {
			return s
		}
		return fmt.Sprintf("%d %ss", n, s)
	}
	switch {
	case d%(24*time.Hour) == 0 && d >= 24*time.Hour:
		n := int64(d / (24 * time.Hour))
		if n%7 == 0 && n != 0 && n < 28 {
			return unit(n/7, "week")
		}
		return unit(n, "day")
	case d%time.Hour == 0:
		return unit(int64(d/time.Hour), "hour")
	case d%time.Minute == 0:
		return unit(int64(d/time.Minute), "minute")
	}
	return d.String()
}

var numberWords = map[string]int{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
	"thirty": 30, "few": 3, "couple": 2, "couple of": 2,
}

func parseCount(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 1, true
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	n, ok := numberWords[s]
	return n, ok
}

var unitDur = map[string]time.Duration{
	"m": time.Minute, "min": time.Minute, "mins": time.Minute, "minute": time.Minute, "minutes": time.Minute,
	"h": time.Hour, "hr": time.Hour, "hrs": time.Hour, "hour": time.Hour, "hours": time.Hour,
	"d": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
	"w": 7 * 24 * time.Hour, "wk": 7 * 24 * time.Hour, "week": 7 * 24 * time.Hour, "weeks": 7 * 24 * time.Hour,
	"month": 30 * 24 * time.Hour, "months": 30 * 24 * time.Hour,
	"year": 365 * 24 * time.Hour, "years": 365 * 24 * time.Hour,
}

var months = map[string]time.Month{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
	"may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
	"sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

var weekdays = map[string]time.Weekday{
	"sunday": 0, "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6,
}

const monthRE = `january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec`
const weekdayRE = `monday|tuesday|wednesday|thursday|friday|saturday|sunday`

// dateRE matches one date: ISO (with an optional time), "june 3[, 2025]",
// "3 june [2025]", a weekday, today, yesterday.
var dateRE = `(?:\d{4}-\d{2}-\d{2}(?:[t ]\d{1,2}:\d{2}(?::\d{2})?z?)?|\d{4}/\d{1,2}/\d{1,2}(?: \d{1,2}:\d{2}(?::\d{2})?)?|\d{1,2}/\d{1,2}/\d{4}(?: \d{1,2}:\d{2}(?::\d{2})?)?|(?:` + monthRE + `)\.? \d{1,2}(?:st|nd|rd|th)?(?:,? \d{4})?|\d{1,2}(?:st|nd|rd|th)? (?:of )?(?:` + monthRE + `)(?:,? \d{4})?|(?:last )?(?:` + weekdayRE + `)|today|yesterday)`

var (
	reAgo      = lazyRegexp(`\b(?:(?:in|during|over|for|within|from) )?(?:the )?(?:past|last|previous|recent|prior) ?(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|few|couple of)? ?(minutes?|mins?|hours?|hrs?|h|days?|d|weeks?|wk|w|months?|years?)\b`)
	reAgoShort = lazyRegexp(`\b(?:(?:in|during|over|for|within|from) )?(?:the )?(?:past|last|previous) (\d+)(m|h|d|w)\b`)
	reBetween  = lazyRegexp(`\b(?:between|from) (` + dateRE + `) (?:and|to|until|through|-) (` + dateRE + `)\b`)
	reSince    = lazyRegexp(`\b(?:since|after|from) (` + dateRE + `)\b`)
	reBefore   = lazyRegexp(`\b(?:before|until|prior to) (` + dateRE + `)\b`)
	reOnDay    = lazyRegexp(`\bon (` + dateRE + `)\b`)
	reInMonth  = lazyRegexp(`\b(?:in|during) (` + monthRE + `)(?: (\d{4}))?\b`)
	reToday    = lazyRegexp(`\b(today|yesterday)\b`)
	// "from midnight to 10am on 2024-03-09", "on March 12 between 9:00
	// and 9:30": a window of clock times on one day.
	reClockOn  = lazyRegexp(`\b(?:between|from) (` + clockRE + `) (?:and|to|until|till|-) (` + clockRE + `) on (` + dateRE + `)`)
	reOnClock  = lazyRegexp(`\bon (` + dateRE + `),? (?:between|from) (` + clockRE + `) (?:and|to|until|till|-) (` + clockRE + `)`)
	reThisUnit = lazyRegexp(`\bthis (week|month)\b`)
)

// clockRE is a time of day: 9, 9:30, 18:42:05, 10am, 10 p.m., midnight, noon.
const clockRE = `(?:\d{1,2}(?::\d{2}){0,2}(?: ?[ap]\.?m\.?)?|midnight|noon)`

// parseClock reads a clockRE match as an offset from midnight.
func parseClock(s string) (time.Duration, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ".", "")
	switch s {
	case "midnight":
		return 0, true
	case "noon":
		return 12 * time.Hour, true
	}
	pm, am := strings.HasSuffix(s, "pm"), strings.HasSuffix(s, "am")
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(s, "pm"), "am"))
	parts := strings.Split(s, ":")
	var d time.Duration
	units := []time.Duration{time.Hour, time.Minute, time.Second}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || i > 0 && n > 59 {
			return 0, false
		}
		if i == 0 {
			if n > 23 || (am || pm) && (n < 1 || n > 12) {
				return 0, false
			}
			if pm && n < 12 {
				n += 12
			}
			if am && n == 12 {
				n = 0
			}
		}
		d += time.Duration(n) * units[i]
	}
	return d, true
}

// parseDate reads one dateRE match relative to now (UTC). A date without
// a year is the latest such date not after now.
func parseDate(s string, now time.Time) (t time.Time, hasTime bool, ok bool) {
	s = strings.TrimSpace(strings.ToLower(s))
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	switch s {
	case "today":
		return today, false, true
	case "yesterday":
		return today.AddDate(0, 0, -1), false, true
	}
	s = strings.TrimPrefix(s, "last ")
	if wd, found := weekdays[s]; found {
		back := (int(today.Weekday()) - int(wd) + 7) % 7
		return today.AddDate(0, 0, -back), false, true
	}
	if i := strings.IndexByte(s, '/'); i > 0 {
		// 2024/03/08, or 10/04/2022 read month first (day first when the
		// first number cannot be a month), with an optional time.
		datePart, clock, _ := strings.Cut(s, " ")
		f := strings.Split(datePart, "/")
		if len(f) != 3 {
			return time.Time{}, false, false
		}
		a, _ := strconv.Atoi(f[0])
		b, _ := strconv.Atoi(f[1])
		c, _ := strconv.Atoi(f[2])
		var y, m, d int
		switch {
		case len(f[0]) == 4:
			y, m, d = a, b, c
		case a > 12:
			y, m, d = c, b, a
		default:
			y, m, d = c, a, b
		}
		t = time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		if t.Day() != d || int(t.Month()) != m {
			return time.Time{}, false, false
		}
		if clock != "" {
			off, ok := parseClock(clock)
			if !ok {
				return time.Time{}, false, false
			}
			return t.Add(off), true, true
		}
		return t, false, true
	}
	if len(s) >= 10 && s[4] == '-' {
		if datePart, clock, ok := strings.Cut(s, " "); ok && len(clock) <= 7 && strings.Count(clock, ":") >= 1 {
			// "2022-10-06 1:59": a one-digit hour.
			if t, err := time.Parse("2006-01-02", datePart); err == nil {
				if off, ok := parseClock(clock); ok {
					return t.Add(off), true, true
				}
			}
		}
		for _, layout := range []string{"2006-01-02t15:04:05z", "2006-01-02t15:04:05", "2006-01-02 15:04:05", "2006-01-02t15:04z", "2006-01-02t15:04", "2006-01-02 15:04", "2006-01-02"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC(), len(layout) > 10, true
			}
		}
		return time.Time{}, false, false
	}
	s = strings.NewReplacer(",", "", ".", "", " of ", " ").Replace(s)
	f := strings.Fields(s)
	var mon time.Month
	day, year := 0, 0
	for _, w := range f {
		if m, found := months[w]; found {
			mon = m
			continue
		}
		w = strings.TrimRight(w, "stndrh")
		n, err := strconv.Atoi(w)
		if err != nil {
			return time.Time{}, false, false
		}
		if n > 31 {
			year = n
		} else {
			day = n
		}
	}
	if mon == 0 || day == 0 {
		return time.Time{}, false, false
	}
	if year == 0 {
		year = now.Year()
		if time.Date(year, mon, day, 0, 0, 0, 0, time.UTC).After(now) {
			year--
		}
	}
	t = time.Date(year, mon, day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day {
		return time.Time{}, false, false
	}
	return t, false, true
}

// extractTime finds the time window in s (lower case), blanks what it
// used, and returns the window (nil when the prompt names none).
func extractTime(s *scanner, now time.Time) (*TimeRange, error) {
	for _, re := range []*lazyRE{reClockOn, reOnClock} {
		m := s.find(re)
		if m == nil {
			continue
		}
		day, c1, c2 := m[3], m[1], m[2]
		if re == reOnClock {
			day, c1, c2 = m[1], m[2], m[3]
		}
		d, _, ok := parseDate(day, now)
		a, ok1 := parseClock(c1)
		b, ok2 := parseClock(c2)
		if !ok || !ok1 || !ok2 {
			return nil, fmt.Errorf("could not read the times in %q", m[0])
		}
		if b <= a {
			return nil, fmt.Errorf("the time range %q ends before it starts", m[0])
		}
		return &TimeRange{Start: d.Add(a), End: d.Add(b), Text: m[0]}, nil
	}
	if m := s.find(reBetween); m != nil {
		a, _, ok1 := parseDate(m[1], now)
		b, bt, ok2 := parseDate(m[2], now)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("could not read the dates in %q", m[0])
		}
		if !bt {
			b = b.AddDate(0, 0, 1)
		}
		if !b.After(a) {
			return nil, fmt.Errorf("the time range %q ends before it starts", m[0])
		}
		return &TimeRange{Start: a, End: b, Text: m[0]}, nil
	}
	if m := s.find(reAgoShort); m != nil {
		n, _ := strconv.Atoi(m[1])
		return &TimeRange{Ago: time.Duration(n) * unitDur[m[2]], Text: m[0]}, nil
	}
	if m := s.find(reAgo); m != nil {
		n, ok := parseCount(m[1])
		if !ok || n <= 0 {
			return nil, fmt.Errorf("could not read the number in %q", m[0])
		}
		return &TimeRange{Ago: time.Duration(n) * unitDur[m[2]], Text: m[0]}, nil
	}
	if m := s.find(reSince); m != nil {
		if w := strings.TrimSpace(m[1]); strings.HasPrefix(m[0], "from") && (w == "today" || w == "yesterday") {
			// "alerts from yesterday": that day, not since it.
			return &TimeRange{Day: w, Text: m[0]}, nil
		}
		t, _, ok := parseDate(m[1], now)
		if ok {
			return &TimeRange{Start: t, Text: m[0]}, nil
		}
	}
	if m := s.find(reBefore); m != nil {
		t, _, ok := parseDate(m[1], now)
		if ok {
			return &TimeRange{End: t, Text: m[0]}, nil
		}
	}
	if m := s.find(reInMonth); m != nil {
		mon := months[m[1]]
		year := now.Year()
		if m[2] != "" {
			year, _ = strconv.Atoi(m[2])
		} else if mon > now.Month() {
			year--
		}
		start := time.Date(year, mon, 1, 0, 0, 0, 0, time.UTC)
		return &TimeRange{Start: start, End: start.AddDate(0, 1, 0), Text: m[0]}, nil
	}
	if m := s.find(reOnDay); m != nil {
		t, _, ok := parseDate(m[1], now)
		if ok {
			return &TimeRange{Start: t, End: t.AddDate(0, 0, 1), Text: m[0]}, nil
		}
	}
	if m := s.find(reThisUnit); m != nil {
		today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
		if m[1] == "week" {
			// KQL's startofweek is Sunday.
			return &TimeRange{Start: today.AddDate(0, 0, -int(today.Weekday())), Text: m[0]}, nil
		}
		return &TimeRange{Start: time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC), Text: m[0]}, nil
	}
	if m := s.find(reToday); m != nil {
		return &TimeRange{Day: m[1], Text: m[0]}, nil
	}
	return nil, nil
}
