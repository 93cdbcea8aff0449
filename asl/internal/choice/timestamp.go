package choice

import "time"

// timestamp is an instant with nanosecond precision, in UTC.
type timestamp struct {
	sec  int64
	nsec int32
}

// compare returns -1, 0 or +1 as t is before, equal to or after u.
func (t timestamp) compare(u timestamp) int {
	switch {
	case t.sec < u.sec:
		return -1
	case t.sec > u.sec:
		return 1
	case t.nsec < u.nsec:
		return -1
	case t.nsec > u.nsec:
		return 1
	}
	return 0
}

// parseTimestamp reads the ASL timestamp profile of RFC 3339:
// YYYY-MM-DDTHH:MM:SS, optional fractional seconds (1 to 9 digits), then
// "Z" or a numeric offset ±HH:MM. T and Z must be uppercase. It allocates
// nothing.
func parseTimestamp(s string) (timestamp, bool) {
	if len(s) < len("2006-01-02T15:04:05Z") || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return timestamp{}, false
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	hour, ok4 := digits(s[11:13])
	minute, ok5 := digits(s[14:16])
	second, ok6 := digits(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || !validDate(year, month, day) || hour > 23 || minute > 59 || second > 59 {
		return timestamp{}, false
	}
	nsec, rest, ok := fraction(s[19:])
	if !ok {
		return timestamp{}, false
	}
	offset, ok := zone(rest)
	if !ok {
		return timestamp{}, false
	}
	unix := time.Date(year, time.Month(month), day, hour, minute, second, 0, time.UTC).Unix() - int64(offset)
	return timestamp{sec: unix, nsec: nsec}, true
}

// fraction reads an optional ".ddd" (1 to 9 digits) and returns it in
// nanoseconds with the rest of s.
func fraction(s string) (int32, string, bool) {
	if s == "" || s[0] != '.' {
		return 0, s, true
	}
	n := 1
	var ns int32
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		if n > 9 {
			return 0, s, false
		}
		ns = ns*10 + int32(s[n]-'0')
		n++
	}
	if n == 1 {
		return 0, s, false
	}
	for i := n; i <= 9; i++ {
		ns *= 10
	}
	return ns, s[n:], true
}

// zone reads "Z" or "±HH:MM" as the whole of s and returns the offset east
// of UTC in seconds.
func zone(s string) (int, bool) {
	if s == "Z" {
		return 0, true
	}
	if len(s) != len("+07:00") || (s[0] != '+' && s[0] != '-') || s[3] != ':' {
		return 0, false
	}
	h, ok1 := digits(s[1:3])
	m, ok2 := digits(s[4:6])
	if !ok1 || !ok2 || h > 23 || m > 59 {
		return 0, false
	}
	off := h*3600 + m*60
	if s[0] == '-' {
		off = -off
	}
	return off, true
}

// digits parses a short run of ASCII digits.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func validDate(year, month, day int) bool {
	if month < 1 || month > 12 || day < 1 {
		return false
	}
	switch month {
	case 4, 6, 9, 11:
		return day <= 30
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return day <= 29
		}
		return day <= 28
	}
	return day <= 31
}
