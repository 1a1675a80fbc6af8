package gsm

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
)

// ErrOddLength is returned (wrapped) by DecodeUCS2 for an odd number of
// bytes.
var ErrOddLength = errors.New("gsm: UCS-2 text of odd length")

// DecodeLatin1 returns the text of ISO-8859-1 bytes (SMPP data_coding 3).
// Every byte is a character, so it cannot fail.
func DecodeLatin1(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for _, c := range b {
		sb.WriteRune(rune(c))
	}
	return sb.String()
}

// EncodeUCS2 returns s in UTF-16BE (SMPP data_coding 8), with surrogate
// pairs for runes above U+FFFF. Invalid UTF-8 in s is sent as U+FFFD.
func EncodeUCS2(s string) []byte {
	out := make([]byte, 0, 2*len(s))
	for _, r := range s {
		if r1, r2 := utf16.EncodeRune(r); r1 != '\uFFFD' {
			out = append(out, byte(r1>>8), byte(r1), byte(r2>>8), byte(r2))
			continue
		}
		out = append(out, byte(r>>8), byte(r))
	}
	return out
}

// DecodeUCS2 returns the text of UTF-16BE bytes. Unpaired surrogates decode
// as U+FFFD. It returns an error wrapping ErrOddLength when len(b) is odd.
func DecodeUCS2(b []byte) (string, error) {
	if len(b)%2 != 0 {
		return "", fmt.Errorf("%w: %d bytes", ErrOddLength, len(b))
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(u)), nil
}

// Units returns how many UTF-16 code units s takes in UCS-2: two for a rune
// above U+FFFF, one for any other (an invalid byte counts one, as U+FFFD).
func Units(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
