// Package msisdn recognises Belgian mobile numbers and writes them in
// E.164, using libphonenumber's metadata (github.com/nyaruka/phonenumbers)
// rather than hand-written number ranges.
package msisdn

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// ErrUnsupported is returned for an address that is not a Belgian mobile
// number: foreign, fixed-line, short codes, or not a number at all.
var ErrUnsupported = errors.New("not a Belgian mobile number")

// Belgium normalises Belgian mobile numbers. The zero value is ready.
type Belgium struct{}

// Normalize accepts "+32475000001", "0032475000001", "32475000001" (as
// SMSCs send international numbers without '+') and "0475000001", and
// returns "+32475000001". Returns ErrUnsupported (wrapped) otherwise.
func (Belgium) Normalize(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" || len(s) > 20 {
		return "", fmt.Errorf("%w: %q", ErrUnsupported, mask(s))
	}
	if strings.HasPrefix(s, "32") {
		s = "+" + s
	}
	num, err := phonenumbers.Parse(s, "BE")
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	if phonenumbers.GetRegionCodeForNumber(num) != "BE" || !phonenumbers.IsValidNumber(num) {
		return "", fmt.Errorf("%w: %q", ErrUnsupported, mask(s))
	}
	if phonenumbers.GetNumberType(num) != phonenumbers.MOBILE {
		return "", fmt.Errorf("%w: %q is not mobile", ErrUnsupported, mask(s))
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// mask hides all but the last three characters.
func mask(s string) string {
	r := []rune(s)
	if len(r) <= 3 {
		return "***"
	}
	return "***" + string(r[len(r)-3:])
}
