package smsc

import (
	"fmt"
	"strings"
	"time"
)

// FormatSMPPTime returns t in SMPP absolute time format
// "YYMMDDhhmmsstnnp" in loc: t tenths of a second, nn the offset from UTC
// in quarter hours, p '+' or '-'.
func FormatSMPPTime(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	_, off := t.Zone()
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%s%d%02d%c", t.Format("060102150405"), t.Nanosecond()/1e8, off/900, sign)
}

// smppAddr returns the address, TON and NPI for a number as the simulator
// is given it: "+32475000001" is international (TON 1, NPI 1, without
// '+'), digits alone are of unknown type (TON 0, NPI 1), anything else
// alphanumeric (TON 5, NPI 0).
func smppAddr(s string) (string, byte, byte) {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "+"); ok {
		return rest, 1, 1
	}
	if s != "" && strings.Trim(s, "0123456789") == "" {
		return s, 0, 1
	}
	return s, 5, 0
}

// displayAddr writes an international address (TON 1) with '+'.
func displayAddr(addr string, ton byte) string {
	if ton == 1 && !strings.HasPrefix(addr, "+") {
		return "+" + addr
	}
	return addr
}

// numberKey is how MTs are filed by number: without '+'.
func numberKey(s string) string {
	return strings.TrimPrefix(strings.TrimSpace(s), "+")
}

// mask hides all but the last three characters of a number, for logs.
func mask(s string) string {
	r := []rune(s)
	if len(r) <= 3 {
		return "***"
	}
	return "***" + string(r[len(r)-3:])
}
