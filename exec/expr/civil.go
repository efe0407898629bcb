package expr

// Civil-calendar arithmetic on day numbers (days since 1970-01-01, the
// Date32 representation), proleptic Gregorian, without time.Time: these run
// per row. The algorithms are Howard Hinnant's days_from_civil and
// civil_from_days.

const (
	microsPerSecond = 1_000_000
	microsPerDay    = 86_400 * microsPerSecond
)

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// civilFromDays converts a day number to year, month (1-12), day (1-31).
func civilFromDays(z int64) (y int64, m, d int) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	if mp < 10 {
		m = int(mp + 3)
	} else {
		m = int(mp - 9)
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// daysFromCivil converts a (valid) civil date to its day number.
func daysFromCivil(y int64, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := int64((m + 9) % 12)
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func isLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// daysInMonth returns the length of month m of year y.
func daysInMonth(y int64, m int) int {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// addMonths adds months to a day number with MySQL's rule: the day is
// clamped to the end of the target month (2020-01-31 + 1 month = 2020-02-29).
func addMonths(days int64, months int64) int64 {
	if months == 0 {
		return days
	}
	y, m, d := civilFromDays(days)
	total := y*12 + int64(m-1) + months
	ny := floorDiv(total, 12)
	nm := int(total-ny*12) + 1
	if dim := daysInMonth(ny, nm); d > dim {
		d = dim
	}
	return daysFromCivil(ny, nm, d)
}

// appendDate formats a day number as YYYY-MM-DD.
func appendDate(b []byte, days int64) []byte {
	y, m, d := civilFromDays(days)
	if y < 0 {
		b = append(b, '-')
		y = -y
	}
	if y < 10000 {
		b = append(b, '0'+byte(y/1000), '0'+byte(y/100%10), '0'+byte(y/10%10), '0'+byte(y%10))
	} else {
		b = appendUint(b, uint64(y))
	}
	return append(b, '-', '0'+byte(m/10), '0'+byte(m%10), '-', '0'+byte(d/10), '0'+byte(d%10))
}

func appendUint(b []byte, v uint64) []byte {
	var buf [20]byte
	i := len(buf)
	for v >= 10 {
		i--
		buf[i] = '0' + byte(v%10)
		v /= 10
	}
	i--
	buf[i] = '0' + byte(v)
	return append(b, buf[i:]...)
}

// appendTimestamp formats microseconds as 'YYYY-MM-DD HH:MM:SS[.ffffff]'
// (the fraction only when it is not zero).
func appendTimestamp(b []byte, us int64) []byte {
	days := floorDiv(us, microsPerDay)
	rem := us - days*microsPerDay
	b = appendDate(b, days)
	secs := rem / microsPerSecond
	frac := rem % microsPerSecond
	h, mi, s := secs/3600, secs/60%60, secs%60
	b = append(b, ' ', '0'+byte(h/10), '0'+byte(h%10), ':', '0'+byte(mi/10), '0'+byte(mi%10), ':', '0'+byte(s/10), '0'+byte(s%10))
	if frac != 0 {
		b = append(b, '.')
		for p := int64(100000); p > 0; p /= 10 {
			b = append(b, '0'+byte(frac/p%10))
		}
	}
	return b
}

// parseDigits reads 1..max ASCII digits at s[i:], returning the value and
// the index after them.
func parseDigits(s []byte, i, maxDigits int) (v int64, next int, ok bool) {
	start := i
	for i < len(s) && i-start < maxDigits && s[i] >= '0' && s[i] <= '9' {
		v = v*10 + int64(s[i]-'0')
		i++
	}
	return v, i, i > start
}

// parseDate parses 'YYYY-MM-DD' (1-2 digit month and day allowed; a time
// part after a space or 'T' is accepted and ignored) to a day number.
func parseDate(s []byte) (int64, bool) {
	s = trimSpace(s)
	days, rest, ok := parseDatePrefix(s)
	if !ok {
		return 0, false
	}
	if len(rest) > 0 {
		if _, ok := parseTime(rest); !ok {
			return 0, false
		}
	}
	return days, true
}

func parseDatePrefix(s []byte) (days int64, rest []byte, ok bool) {
	y, i, ok := parseDigits(s, 0, 4)
	if !ok || i != 4 || i >= len(s) || s[i] != '-' {
		return 0, nil, false
	}
	m, j, ok := parseDigits(s, i+1, 2)
	if !ok || j >= len(s) || s[j] != '-' {
		return 0, nil, false
	}
	d, k, ok := parseDigits(s, j+1, 2)
	if !ok || m < 1 || m > 12 || d < 1 || int(d) > daysInMonth(y, int(m)) {
		return 0, nil, false
	}
	return daysFromCivil(y, int(m), int(d)), s[k:], true
}

// parseTime parses ' HH:MM[:SS[.ffffff]]' (or with 'T') to microseconds.
func parseTime(s []byte) (int64, bool) {
	if len(s) == 0 || (s[0] != ' ' && s[0] != 'T') {
		return 0, false
	}
	h, i, ok := parseDigits(s, 1, 2)
	if !ok || i >= len(s) || s[i] != ':' || h > 23 {
		return 0, false
	}
	mi, j, ok := parseDigits(s, i+1, 2)
	if !ok || mi > 59 {
		return 0, false
	}
	var sec, frac int64
	if j < len(s) && s[j] == ':' {
		var k int
		if sec, k, ok = parseDigits(s, j+1, 2); !ok || sec > 59 {
			return 0, false
		}
		j = k
		if j < len(s) && s[j] == '.' {
			f, k, ok := parseDigits(s, j+1, 6)
			if !ok {
				return 0, false
			}
			for d := k - (j + 1); d < 6; d++ {
				f *= 10
			}
			frac = f
			j = k
			for j < len(s) && s[j] >= '0' && s[j] <= '9' { // digits beyond microseconds are dropped
				j++
			}
		}
	}
	if j != len(s) {
		return 0, false
	}
	return (h*3600+mi*60+sec)*microsPerSecond + frac, true
}

// parseTimestamp parses 'YYYY-MM-DD[ HH:MM:SS[.ffffff]]' to microseconds.
func parseTimestamp(s []byte) (int64, bool) {
	s = trimSpace(s)
	days, rest, ok := parseDatePrefix(s)
	if !ok {
		return 0, false
	}
	var t int64
	if len(rest) > 0 {
		if t, ok = parseTime(rest); !ok {
			return 0, false
		}
	}
	return days*microsPerDay + t, true
}

func trimSpace(s []byte) []byte {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}
