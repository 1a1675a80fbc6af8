// Package billing makes the monthly statements of Premium and Pro accounts
// and the daily charge files for operator billing, and the Belgian
// structured communication that payments quote. It is pure domain: it
// works on sessions given to it and writes JSON and CSV.
package billing

import (
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Structured is a Belgian structured communication ("gestructureerde
// mededeling", OGM/VCS): 10 digits and their check number mod 97 (97 when
// the remainder is 0), written +++123/4567/89012+++.
type Structured string

// ErrBadStructured is returned for a malformed structured communication.
var ErrBadStructured = errors.New("not a valid structured communication")

// NewStructured returns the structured communication of base, which must
// be below 10^10.
func NewStructured(base uint64) (Structured, error) {
	if base >= 1e10 {
		return "", fmt.Errorf("%w: base %d has more than 10 digits", ErrBadStructured, base)
	}
	check := base % 97
	if check == 0 {
		check = 97
	}
	return Structured(fmt.Sprintf("%010d%02d", base, check)), nil
}

// StructuredFor derives a stable structured communication from a key (an
// account and a month, an order): the same key always gives the same one.
func StructuredFor(key string) Structured {
	h := fnv.New64a()
	h.Write([]byte(key))
	s, _ := NewStructured(h.Sum64() % 1e10)
	return s
}

// ParseStructured reads "+++467/0200/03612+++", "467020003612" or
// "467/0200/03612" and checks the mod-97 check digits. Returns
// ErrBadStructured (wrapped).
func ParseStructured(s string) (Structured, error) {
	d := strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return r
		case r == '+' || r == '/' || r == '*' || r == ' ':
			return -1
		}
		return 'x'
	}, s)
	if len(d) != 12 || strings.ContainsRune(d, 'x') {
		return "", fmt.Errorf("%w: %q", ErrBadStructured, s)
	}
	base, _ := strconv.ParseUint(d[:10], 10, 64)
	want, err := NewStructured(base)
	if err != nil || string(want) != d {
		return "", fmt.Errorf("%w: %q: check digits", ErrBadStructured, s)
	}
	return want, nil
}

// String writes it as +++123/4567/89012+++.
func (s Structured) String() string {
	if len(s) != 12 {
		return string(s)
	}
	return "+++" + string(s[:3]) + "/" + string(s[3:7]) + "/" + string(s[7:]) + "+++"
}
