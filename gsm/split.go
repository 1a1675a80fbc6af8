package gsm

import "unicode/utf16"

// Limits of one SMS and of one part of a concatenated SMS whose user data
// header carries an 8-bit reference (6 octets).
const (
	MaxSeptets     = 160 // one GSM 03.38 SMS
	MaxPartSeptets = 153 // one part of a concatenated GSM 03.38 SMS
	MaxUnits       = 70  // one UCS-2 SMS, in UTF-16 units
	MaxPartUnits   = 67  // one part of a concatenated UCS-2 SMS
)

// Split splits s into the texts of the SMS that carry it: in GSM 03.38
// when every rune of s is in the alphabet (ucs2 false), else in UCS-2.
// A text that fits one SMS is one part (the empty text too).
func Split(s string) (parts []string, ucs2 bool) {
	if parts, err := SplitGSM(s); err == nil {
		return parts, false
	}
	return SplitUCS2(s), true
}

// SplitGSM splits s into GSM 03.38 parts: s itself if it takes at most
// MaxSeptets septets, else parts of at most MaxPartSeptets septets, never
// cutting an extension character from its escape. Joined, the parts are s.
// It returns an error wrapping ErrNotGSM when s is not GSM 03.38 text.
func SplitGSM(s string) ([]string, error) {
	n, ok := Septets(s)
	if !ok {
		_, err := Encode(s)
		return nil, err
	}
	if n <= MaxSeptets {
		return []string{s}, nil
	}
	return split(s, MaxPartSeptets, func(r rune) int {
		if _, ext, _ := lookup(r); ext {
			return 2
		}
		return 1
	}), nil
}

// SplitUCS2 splits s into UCS-2 parts: s itself if it takes at most
// MaxUnits UTF-16 units, else parts of at most MaxPartUnits units, never
// cutting a surrogate pair. Joined, the parts are s.
func SplitUCS2(s string) []string {
	if Units(s) <= MaxUnits {
		return []string{s}
	}
	return split(s, MaxPartUnits, utf16.RuneLen)
}

// split cuts s into parts of at most limit, where each rune weighs
// size(r), between runes only.
func split(s string, limit int, size func(rune) int) []string {
	var parts []string
	start, used := 0, 0
	for i, r := range s {
		w := size(r)
		if used+w > limit {
			parts = append(parts, s[start:i])
			start, used = i, 0
		}
		used += w
	}
	return append(parts, s[start:])
}
