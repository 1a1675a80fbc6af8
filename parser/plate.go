package parser

import (
	"unicode"
	"unicode/utf8"
)

// Plate length limits, counted after separators are removed.
const (
	minPlateLen = 2
	maxPlateLen = 10
)

// NormalizePlate returns the plate s as the system stores it: white space
// (any Unicode white space), '-' and '.' removed, ASCII letters upper-cased.
// What remains must be 2 to 10 characters, each an ASCII letter A–Z or a
// digit 0–9 ("1-abc-123" becomes "1ABC123", "B-AB1234" becomes "BAB1234").
// Non-ASCII letters ("1ÄBC123"), other punctuation and invalid UTF-8 are not
// allowed.
//
// Returns ErrInvalidPlate, and "", when s is not a plate. The work done is
// bounded by the length of s and stops at the first character that rules
// the plate out.
func NormalizePlate(s string) (string, error) {
	var buf [maxPlateLen]byte
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError || !unicode.IsSpace(r) {
				return "", ErrInvalidPlate
			}
			i += size
			continue
		}
		i++
		switch {
		case c == ' ' || c == '-' || c == '.' || c == '\t' || c == '\n' ||
			c == '\v' || c == '\f' || c == '\r':
			continue
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		case 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		default:
			return "", ErrInvalidPlate
		}
		if n == maxPlateLen {
			return "", ErrInvalidPlate
		}
		buf[n] = c
		n++
	}
	// Every character kept is a letter or a digit, so a plate of at least
	// two characters has at least one letter or digit.
	if n < minPlateLen {
		return "", ErrInvalidPlate
	}
	return string(buf[:n]), nil
}
