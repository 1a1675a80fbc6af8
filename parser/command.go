package parser

import (
	"strings"
)

// Command is a parsed SMS.
type Command struct {
	Kind     Kind
	Zone     string // Start, DayTicket: the zone code as sent (ASCII digits, 3 to 6)
	Plate    string // normalised (upper case, no separators); "" = not given (remembered plate / bare stop)
	Voucher  string // VoucherActivation: the code in upper case
	Language string // Language: "nl", "fr", "de" or "en"
}

// Parser parses SMS texts. The zero value knows no voucher prefixes, so it
// never recognises a voucher. A Parser is not modified by Parse and may be
// used by several goroutines at once.
type Parser struct {
	// VoucherPrefixes are the known voucher code prefixes (e.g. "BLA",
	// "VBR"), matched case-insensitively; a code without a known prefix is
	// not a voucher. Empty prefixes are ignored.
	VoucherPrefixes []string
}

// Voucher code limits (docs/sms.md: a letter first, 8 to 12 letters and digits).
const (
	minVoucherLen = 8
	maxVoucherLen = 12
)

// Zone code limits (docs/sms.md: digits only, 3 to 6 of them).
const (
	minZoneLen = 3
	maxZoneLen = 6
)

// Parse returns the command the text asks for, following the grammar of
// docs/sms.md. The text is trimmed, runs of Unicode white space count as one
// space and ASCII letters match case-insensitively; non-ASCII letters are
// never folded, so they match no keyword and are never part of a plate.
//
// The forms, first match wins:
//
//	PASS                               Credentials
//	C1                                 ToggleConfirmations
//	I, INFO                            Status
//	NL, FR, DE, EN                     Language
//	Q, Q <plate>, Q<plate>,
//	STOP, STOP <plate>                 Stop
//	<zone> D, <zone> <plate> D         DayTicket
//	<zone>, <zone> <plate>             Start
//	<voucher>, <voucher> <plate>       VoucherActivation
//
// A plate is the rest of the text after the zone, voucher or stop word and
// may contain separators (see NormalizePlate). A text that matches none of
// the forms, the empty text included, is Kind Unknown with a nil error.
//
// Returns ErrInvalidPlate, with the command's Kind and its Zone or Voucher
// set and Plate "", when the form is recognised but what stands in the
// place of the plate is not a plate ("1021 1ABC123 please" is Start with
// ErrInvalidPlate). It returns no other error. Parse runs in time linear
// in the length of text (times the number of voucher prefixes) and never
// panics, whatever bytes it is given.
func (p Parser) Parse(text string) (Command, error) {
	fields := strings.Fields(text)
	if len(fields) == 0 {
		return Command{Kind: Unknown}, nil
	}
	for i, f := range fields {
		fields[i] = upperASCII(f)
	}
	first := fields[0]

	if len(fields) == 1 {
		switch first {
		case "PASS":
			return Command{Kind: Credentials}, nil
		case "C1":
			return Command{Kind: ToggleConfirmations}, nil
		case "I", "INFO":
			return Command{Kind: Status}, nil
		case "NL", "FR", "DE", "EN":
			return Command{Kind: Language, Language: strings.ToLower(first)}, nil
		case "Q", "STOP":
			return Command{Kind: Stop}, nil
		}
	}

	// Stop with a plate: "STOP <plate>", "Q <plate>", "Q<plate>".
	if first == "STOP" || first == "Q" {
		return withPlate(Command{Kind: Stop}, fields[1:])
	}
	if first[0] == 'Q' {
		rest := append([]string{first[1:]}, fields[1:]...)
		return withPlate(Command{Kind: Stop}, rest)
	}

	if isZone(first) {
		rest := fields[1:]
		if n := len(rest); n > 0 && rest[n-1] == "D" {
			// "<zone> D" or "<zone> <plate> D".
			day := Command{Kind: DayTicket, Zone: first}
			if n == 1 {
				return day, nil
			}
			if plate, err := NormalizePlate(strings.Join(rest[:n-1], " ")); err == nil {
				day.Plate = plate
				return day, nil
			}
			// Not a zone and a plate before the D: the D is read as part
			// of the plate of a start, which then is not a plate either.
		}
		return withPlate(Command{Kind: Start, Zone: first}, rest)
	}

	if p.isVoucher(first) {
		return withPlate(Command{Kind: VoucherActivation, Voucher: first}, fields[1:])
	}
	return Command{Kind: Unknown}, nil
}

// withPlate sets c.Plate from the fields that make up the plate, if any.
// Returns c and ErrInvalidPlate, with Plate "", when they are not a plate.
func withPlate(c Command, fields []string) (Command, error) {
	if len(fields) == 0 {
		return c, nil
	}
	plate, err := NormalizePlate(strings.Join(fields, " "))
	if err != nil {
		return c, err
	}
	c.Plate = plate
	return c, nil
}

// isZone reports whether s is a zone code: 3 to 6 ASCII digits.
func isZone(s string) bool {
	if len(s) < minZoneLen || len(s) > maxZoneLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isVoucher reports whether s, already upper-cased, is a voucher code: an
// ASCII letter first, 8 to 12 ASCII letters and digits, starting with one of
// p's prefixes (compared case-insensitively).
func (p Parser) isVoucher(s string) bool {
	if len(s) < minVoucherLen || len(s) > maxVoucherLen || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	for _, prefix := range p.VoucherPrefixes {
		if prefix != "" && hasPrefixFoldASCII(s, prefix) {
			return true
		}
	}
	return false
}

// hasPrefixFoldASCII reports whether the upper-case ASCII string s begins
// with prefix, ASCII letters of prefix compared case-insensitively. A
// prefix with a byte outside ASCII letters and digits never matches, since
// s has none.
func hasPrefixFoldASCII(s, prefix string) bool {
	if len(prefix) > len(s) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := prefix[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// upperASCII returns s with the ASCII letters a–z upper-cased and every
// other byte, invalid UTF-8 included, left as it is.
func upperASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'a' <= s[i] && s[i] <= 'z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'a' <= b[j] && b[j] <= 'z' {
					b[j] -= 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
