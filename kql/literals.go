package kql

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// decodeString returns the value of one string literal token in any of
// its forms: '..', "..", @"..", h"..", h@'..', ```..```.
func decodeString(raw string) (val string, obfuscated bool, err error) {
	if strings.HasPrefix(raw, "```") {
		return raw[3 : len(raw)-3], false, nil
	}
	if raw[0] == 'h' || raw[0] == 'H' {
		obfuscated = true
		raw = raw[1:]
	}
	verbatim := false
	if raw[0] == '@' {
		verbatim = true
		raw = raw[1:]
	}
	quote := raw[0]
	body := raw[1 : len(raw)-1]
	if verbatim {
		return strings.ReplaceAll(body, string([]byte{quote, quote}), string(quote)), obfuscated, nil
	}
	if strings.IndexByte(body, '\\') < 0 {
		return body, obfuscated, nil
	}
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(body) {
			return "", false, errors.New("string ends with a lone backslash")
		}
		switch e := body[i]; e {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'v':
			b.WriteByte('\v')
		case '0', '1', '2', '3', '4', '5', '6', '7':
			// an octal escape of one to three digits, as Kusto.Language
			// decodes it: "\3" is U+0003, "\101" is "A", "\1234" is "S4"
			v, n := 0, 0
			for ; n < 3 && i+n < len(body) && body[i+n] >= '0' && body[i+n] <= '7'; n++ {
				v = v*8 + int(body[i+n]-'0')
			}
			b.WriteRune(rune(v))
			i += n - 1
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'u', 'U', 'x':
			n := map[byte]int{'u': 4, 'U': 8, 'x': 2}[e]
			if i+1+n > len(body) {
				return "", false, errors.New("incomplete \\" + string(e) + " escape")
			}
			v, perr := strconv.ParseUint(body[i+1:i+1+n], 16, 32)
			if perr != nil || !utf8.ValidRune(rune(v)) {
				return "", false, errors.New("invalid \\" + string(e) + " escape")
			}
			b.WriteRune(rune(v))
			i += n
		default:
			return "", false, errors.New("unknown escape sequence \\" + string(e))
		}
	}
	return b.String(), obfuscated, nil
}

// timespanLiteral returns the ticks of a literal such as 7d, 1.5h, 25min.
func timespanLiteral(text string) (int64, bool) {
	i := 0
	for i < len(text) && (isDigit(text[i]) || text[i] == '.') {
		i++
	}
	unit, ok := timespanUnits[text[i:]]
	if !ok {
		return 0, false
	}
	return scaleDecimal(text[:i], unit)
}

// scaleDecimal returns num (digits with an optional fraction) times unit,
// exactly, rounding the sub-tick remainder to the nearest tick.
func scaleDecimal(num string, unit int64) (int64, bool) {
	ip, fp, _ := strings.Cut(num, ".")
	if ip == "" && fp == "" {
		return 0, false
	}
	var whole int64
	if ip != "" {
		v, err := strconv.ParseInt(ip, 10, 64)
		if err != nil || v > math.MaxInt64/unit {
			return 0, false
		}
		whole = v * unit
	}
	if len(fp) > 15 {
		fp = fp[:15]
	}
	if fp != "" {
		f, err := strconv.ParseInt(fp, 10, 64)
		if err != nil {
			return 0, false
		}
		// f * unit / 10^len(fp), in float for the product, which is exact
		// enough: unit ≤ 8.64e11 and the result is at most one unit.
		frac := math.Round(float64(f) * float64(unit) / math.Pow10(len(fp)))
		whole += int64(frac)
		if whole < 0 {
			return 0, false
		}
	}
	return whole, true
}

// ParseTimespanText parses KQL's text forms of a timespan, as inside
// timespan(...) or given to totimespan: [-][d.]hh:mm[:ss[.fffffff]], a
// bare number of days, or a literal with a unit (90m, 1.5h).
func ParseTimespanText(s string) (ticks int64, ok bool) {
	s = strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(s, "-") {
		neg = true
		s = strings.TrimSpace(s[1:])
	} else if strings.HasPrefix(s, "+") {
		s = strings.TrimSpace(s[1:])
	}
	if s == "" {
		return 0, false
	}
	if !strings.Contains(s, ":") {
		if t, ok := timespanLiteral(s); ok {
			return sign(neg, t), true
		}
		if t, ok := scaleDecimal(s, tickDay); ok && isDigit(s[len(s)-1]) {
			return sign(neg, t), true
		}
		return 0, false
	}
	var days int64
	rest := s
	if d, r, found := strings.Cut(s, "."); found && !strings.Contains(d, ":") {
		v, err := strconv.ParseInt(d, 10, 64)
		if err != nil || v < 0 || v > 10_675_199 {
			return 0, false
		}
		days, rest = v, r
	}
	parts := strings.Split(rest, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	h, err1 := strconv.Atoi(parts[0])
	m, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 || len(parts[0]) == 0 || len(parts[1]) != 2 {
		return 0, false
	}
	t := days*tickDay + int64(h)*tickHour + int64(m)*tickMinute
	if len(parts) == 3 {
		sec, frac, _ := strings.Cut(parts[2], ".")
		sv, err := strconv.Atoi(sec)
		if err != nil || len(sec) != 2 || sv > 59 {
			return 0, false
		}
		t += int64(sv) * tickSecond
		if frac != "" {
			ft, ok := fracTicks(frac)
			if !ok {
				return 0, false
			}
			t += ft
		}
	}
	return sign(neg, t), true
}

func sign(neg bool, t int64) int64 {
	if neg {
		return -t
	}
	return t
}

// fracTicks converts fraction-of-second digits (up to 7 significant) to ticks.
func fracTicks(frac string) (int64, bool) {
	if frac == "" || len(frac) > 9 {
		return 0, false
	}
	var v int64
	for i := 0; i < 7; i++ {
		v *= 10
		if i < len(frac) {
			if !isDigit(frac[i]) {
				return 0, false
			}
			v += int64(frac[i] - '0')
		}
	}
	for i := 7; i < len(frac); i++ {
		if !isDigit(frac[i]) {
			return 0, false
		}
	}
	return v, true
}

// datetime layouts beyond ISO 8601 that Kusto accepts (RFC 822, RFC 850
// and a few common variants).
var datetimeLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04 MST",
	"2 Jan 2006 15:04:05 MST",
	"2 Jan 2006 15:04 MST",
	"Mon, 2 Jan 06 15:04:05 MST",
	"Monday, 02-Jan-06 15:04:05 MST",
	"Monday, 2-Jan-06 15:04:05 MST",
	"Mon, 02-Jan-06 15:04:05 MST",
	"Jan 2 2006 15:04:05",
	"Jan 2 2006",
}

// ParseDatetimeText parses KQL's text forms of a datetime, as inside
// datetime(...) or given to todatetime: ISO 8601 (with a space or T, an
// optional Z or offset, up to 7 fraction digits), a date alone, month-first
// MM/DD/YYYY and MM-DD-YYYY, RFC 822 and RFC 850. Offsets convert to UTC.
// The result counts 100 ns ticks since 1970-01-01 UTC.
func ParseDatetimeText(s string) (ticks int64, ok bool) {
	s = strings.TrimSpace(s)
	if t, ok := parseISODatetime(s); ok {
		return t, true
	}
	if t, ok := parseDatetimeParts(s); ok {
		return t, true
	}
	for _, layout := range datetimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			_, off := t.Zone()
			if t.Location() != time.UTC && off == 0 && !strings.HasSuffix(s, "GMT") && !strings.HasSuffix(s, "UTC") && !strings.HasSuffix(s, "Z") && strings.Contains(layout, "MST") {
				continue // an unknown zone abbreviation
			}
			return timeTicks(t.UTC()), true
		}
	}
	return 0, false
}

func timeTicks(t time.Time) int64 {
	return t.Unix()*tickSecond + int64(t.Nanosecond()/100)
}

// parseISODatetime parses YYYY-MM-DD[( |T)hh:mm[:ss[.f]]][Z|±hh:mm| UTC| GMT]
// and the month-first MM-DD-YYYY / MM/DD/YYYY forms.
func parseISODatetime(s string) (int64, bool) {
	var year, month, day int
	var rest string
	num := func(str string, n int) (int, bool) {
		if len(str) < n {
			return 0, false
		}
		v := 0
		for i := 0; i < n; i++ {
			if !isDigit(str[i]) {
				return 0, false
			}
			v = v*10 + int(str[i]-'0')
		}
		return v, true
	}
	// The date part: YYYY-M-D, YYYY/M/D, M-D-YYYY or M/D/YYYY.
	dateEnd := strings.IndexAny(s, " Tt")
	if dateEnd < 0 {
		dateEnd = len(s)
	}
	date := s[:dateEnd]
	rest = s[dateEnd:]
	sep := "-"
	if strings.Contains(date, "/") {
		sep = "/"
	}
	parts := strings.Split(date, sep)
	if len(parts) != 3 {
		return 0, false
	}
	field := func(str string, minLen, maxLen int) (int, bool) {
		if len(str) < minLen || len(str) > maxLen {
			return 0, false
		}
		return num(str, len(str))
	}
	var ok1, ok2, ok3 bool
	if len(parts[0]) == 4 {
		year, ok1 = field(parts[0], 4, 4)
		month, ok2 = field(parts[1], 1, 2)
		day, ok3 = field(parts[2], 1, 2)
	} else {
		month, ok1 = field(parts[0], 1, 2)
		day, ok2 = field(parts[1], 1, 2)
		year, ok3 = field(parts[2], 4, 4)
	}
	if !ok1 || !ok2 || !ok3 || month < 1 || month > 12 || day < 1 || day > 31 || year < 1 {
		return 0, false
	}
	var hh, mm, ss int
	var frac int64
	offset := 0
	if rest != "" {
		if rest[0] != ' ' && rest[0] != 'T' && rest[0] != 't' {
			return 0, false
		}
		rest = strings.TrimLeft(rest[1:], " ")
		if rest != "" {
			var ok bool
			if hh, ok = num(rest, 2); !ok || len(rest) < 5 || rest[2] != ':' {
				return 0, false
			}
			if mm, ok = num(rest[3:], 2); !ok {
				return 0, false
			}
			rest = rest[5:]
			if len(rest) >= 3 && rest[0] == ':' {
				if ss, ok = num(rest[1:], 2); !ok {
					return 0, false
				}
				rest = rest[3:]
				if len(rest) > 0 && rest[0] == '.' {
					j := 1
					for j < len(rest) && isDigit(rest[j]) {
						j++
					}
					if frac, ok = fracTicks(rest[1:j]); !ok {
						return 0, false
					}
					rest = rest[j:]
				}
			}
			if hh > 23 || mm > 59 || ss > 59 {
				return 0, false
			}
			rest = strings.TrimLeft(rest, " ")
			switch {
			case rest == "" || rest == "Z" || rest == "z" || rest == "UTC" || rest == "GMT":
			case rest[0] == '+' || rest[0] == '-':
				oh, ok1 := num(rest[1:], 2)
				r := rest[3:]
				if len(r) > 0 && r[0] == ':' {
					r = r[1:]
				}
				om, ok2 := num(r, 2)
				if !ok1 || !ok2 || len(r) != 2 || oh > 14 || om > 59 {
					return 0, false
				}
				offset = oh*3600 + om*60
				if rest[0] == '-' {
					offset = -offset
				}
			default:
				return 0, false
			}
		}
	}
	t := time.Date(year, time.Month(month), day, hh, mm, ss, 0, time.UTC)
	if t.Day() != day {
		return 0, false // 31 February and the like
	}
	return (t.Unix()-int64(offset))*tickSecond + frac, true
}

// parseDatetimeParts parses the comma-separated form
// year, month, day[, hour, minute, second[, fraction]] as in
// datetime(2025, 6, 14).
func parseDatetimeParts(s string) (int64, bool) {
	parts := strings.Split(s, ",")
	if len(parts) < 3 || len(parts) > 7 || len(parts) == 4 || len(parts) == 5 {
		return 0, false
	}
	v := make([]int, 6)
	var frac int64
	for i, part := range parts {
		part = strings.TrimSpace(part)
		if i == 6 {
			f, ok := fracTicks(part)
			if !ok {
				return 0, false
			}
			frac = f
			continue
		}
		n, err := strconv.Atoi(part)
		if err != nil || n < 0 {
			return 0, false
		}
		v[i] = n
	}
	if v[0] < 1 || v[0] > 9999 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 59 {
		return 0, false
	}
	t := time.Date(v[0], time.Month(v[1]), v[2], v[3], v[4], v[5], 0, time.UTC)
	if t.Day() != v[2] {
		return 0, false
	}
	return t.Unix()*tickSecond + frac, true
}
