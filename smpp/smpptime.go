package smpp

import (
	"errors"
	"fmt"
	"time"
)

// ErrBadTime is returned (wrapped) by ParseSMPPTime for a string that is
// not an SMPP absolute time.
var ErrBadTime = errors.New("smpp: bad SMPP time")

// ErrRelativeTime is returned (wrapped) by ParseSMPPTime for an SMPP
// relative time ("…R"), which says nothing about when.
var ErrRelativeTime = errors.New("smpp: relative SMPP time")

// quarter is the unit of an SMPP time's offset from UTC.
const quarter = 15 * 60 // seconds

// FormatSMPPTime formats t as an SMPP 3.4 absolute time (§7.1.1),
// "YYMMDDhhmmsstnnp": t the tenth of a second, nn the offset from UTC in
// quarter hours and p '+' or '-'. The offset is t's own; an offset that is
// not a whole number of quarter hours (or beyond 12 hours) is written as
// UTC. The zero time gives "" (an SMPP NULL time). Years are written
// modulo 100.
func FormatSMPPTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	_, off := t.Zone()
	if off%quarter != 0 || off > 48*quarter || off < -48*quarter {
		t, off = t.UTC(), 0
	}
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%02d%02d%02d%02d%02d%02d%d%02d%c",
		t.Year()%100, int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second(),
		t.Nanosecond()/int(100*time.Millisecond), off/quarter, sign)
}

// ParseSMPPTime parses an SMPP 3.4 absolute time, "YYMMDDhhmmsstnnp"
// (years 2000–2099). The result is in a fixed zone at the offset the
// string gives. It returns the zero time and no error for "" (NULL), an
// error wrapping ErrRelativeTime for a relative time, and one wrapping
// ErrBadTime for anything else that is not a valid absolute time.
func ParseSMPPTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if len(s) != 16 {
		return time.Time{}, fmt.Errorf("%w: %q is not 16 characters", ErrBadTime, s)
	}
	switch s[15] {
	case 'R':
		return time.Time{}, fmt.Errorf("%w: %q", ErrRelativeTime, s)
	case '+', '-':
	default:
		return time.Time{}, fmt.Errorf("%w: %q ends in neither +, - nor R", ErrBadTime, s)
	}
	var d [15]int
	for i := range 15 {
		c := s[i]
		if c < '0' || c > '9' {
			return time.Time{}, fmt.Errorf("%w: %q has a non-digit at %d", ErrBadTime, s, i)
		}
		d[i] = int(c - '0')
	}
	two := func(i int) int { return d[i]*10 + d[i+1] }
	year, month, day := 2000+two(0), two(2), two(4)
	hour, minute, sec, tenth, nn := two(6), two(8), two(10), d[12], two(13)
	if nn > 48 {
		return time.Time{}, fmt.Errorf("%w: %q has an offset of %d quarter hours", ErrBadTime, s, nn)
	}
	off := nn * quarter
	if s[15] == '-' {
		off = -off
	}
	zone := time.FixedZone("", off)
	t := time.Date(year, time.Month(month), day, hour, minute, sec, tenth*int(100*time.Millisecond), zone)
	if t.Year() != year || int(t.Month()) != month || t.Day() != day ||
		t.Hour() != hour || t.Minute() != minute || t.Second() != sec {
		return time.Time{}, fmt.Errorf("%w: %q is not a date", ErrBadTime, s)
	}
	return t, nil
}
