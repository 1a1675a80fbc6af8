// Package gsm handles the GSM 03.38 default alphabet (3GPP TS 23.038) and
// the other text encodings an SMS may carry: Latin-1 and UCS-2 (UTF-16BE).
//
// Septets are handled unpacked, one byte each, as SMPP carries them with
// data_coding 0; Pack and Unpack convert to and from the 7-bit packed form.
// Extension characters (€ [ ] { } \ ^ ~ | and form feed) take two septets:
// the escape 0x1B and their code in the extension table.
//
// The package is pure and never panics, whatever bytes it is given.
package gsm

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Escape is the septet that switches to the extension table for the next
// septet.
const Escape = 0x1B

// ErrNotGSM is returned (wrapped, naming the rune) when a text holds a rune
// that is neither in the GSM 03.38 default alphabet nor in its extension
// table.
var ErrNotGSM = errors.New("gsm: not in the GSM 03.38 alphabet")

// ErrBadSeptet is returned (wrapped) when a byte given as a septet is above
// 0x7F.
var ErrBadSeptet = errors.New("gsm: byte is not a septet")

// basic is the GSM 03.38 default alphabet, indexed by septet. 0x1B is the
// escape; it decodes as a space when nothing follows it.
var basic = [128]rune{
	'@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
	'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', ' ', 'Æ', 'æ', 'ß', 'É',
	' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
	'¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
	'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
	'¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à',
}

// extension returns the rune of septet c of the extension table (the
// septet after an escape), and false when the table has none there.
func extension(c byte) (rune, bool) {
	switch c {
	case 0x0A:
		return '\f', true
	case 0x14:
		return '^', true
	case 0x28:
		return '{', true
	case 0x29:
		return '}', true
	case 0x2F:
		return '\\', true
	case 0x3C:
		return '[', true
	case 0x3D:
		return '~', true
	case 0x3E:
		return ']', true
	case 0x40:
		return '|', true
	case 0x65:
		return '€', true
	}
	return 0, false
}

// lookup returns the septet of r: in the default alphabet (ext false) or
// in the extension table (ext true, to be sent after an escape). ok is false
// when r is in neither.
func lookup(r rune) (code byte, ext, ok bool) {
	switch {
	case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		return byte(r), false, true
	case r == ' ', r == '!', r == '"', r == '#', r >= '%' && r <= '/',
		r >= ':' && r <= '?', r == '\n', r == '\r':
		return byte(r), false, true
	}
	switch r {
	case '@':
		return 0x00, false, true
	case '£':
		return 0x01, false, true
	case '$':
		return 0x02, false, true
	case '¥':
		return 0x03, false, true
	case 'è':
		return 0x04, false, true
	case 'é':
		return 0x05, false, true
	case 'ù':
		return 0x06, false, true
	case 'ì':
		return 0x07, false, true
	case 'ò':
		return 0x08, false, true
	case 'Ç':
		return 0x09, false, true
	case 'Ø':
		return 0x0B, false, true
	case 'ø':
		return 0x0C, false, true
	case 'Å':
		return 0x0E, false, true
	case 'å':
		return 0x0F, false, true
	case 'Δ':
		return 0x10, false, true
	case '_':
		return 0x11, false, true
	case 'Φ':
		return 0x12, false, true
	case 'Γ':
		return 0x13, false, true
	case 'Λ':
		return 0x14, false, true
	case 'Ω':
		return 0x15, false, true
	case 'Π':
		return 0x16, false, true
	case 'Ψ':
		return 0x17, false, true
	case 'Σ':
		return 0x18, false, true
	case 'Θ':
		return 0x19, false, true
	case 'Ξ':
		return 0x1A, false, true
	case 'Æ':
		return 0x1C, false, true
	case 'æ':
		return 0x1D, false, true
	case 'ß':
		return 0x1E, false, true
	case 'É':
		return 0x1F, false, true
	case '¤':
		return 0x24, false, true
	case '¡':
		return 0x40, false, true
	case 'Ä':
		return 0x5B, false, true
	case 'Ö':
		return 0x5C, false, true
	case 'Ñ':
		return 0x5D, false, true
	case 'Ü':
		return 0x5E, false, true
	case '§':
		return 0x5F, false, true
	case '¿':
		return 0x60, false, true
	case 'ä':
		return 0x7B, false, true
	case 'ö':
		return 0x7C, false, true
	case 'ñ':
		return 0x7D, false, true
	case 'ü':
		return 0x7E, false, true
	case 'à':
		return 0x7F, false, true
	case '\f':
		return 0x0A, true, true
	case '^':
		return 0x14, true, true
	case '{':
		return 0x28, true, true
	case '}':
		return 0x29, true, true
	case '\\':
		return 0x2F, true, true
	case '[':
		return 0x3C, true, true
	case '~':
		return 0x3D, true, true
	case ']':
		return 0x3E, true, true
	case '|':
		return 0x40, true, true
	case '€':
		return 0x65, true, true
	}
	return 0, false, false
}

// Septets returns how many septets s takes in GSM 03.38: one per rune of
// the default alphabet, two per rune of the extension table. ok is false,
// and n zero, when s holds a rune that is in neither (invalid UTF-8
// included).
func Septets(s string) (n int, ok bool) {
	for _, r := range s {
		_, ext, ok := lookup(r)
		if !ok {
			return 0, false
		}
		n++
		if ext {
			n++
		}
	}
	return n, true
}

// validAt reports whether s holds a valid encoding of a rune at byte i,
// so that an error can tell a literal U+FFFD from invalid UTF-8.
func validAt(s string, i int) bool {
	r, size := utf8.DecodeRuneInString(s[i:])
	return r != utf8.RuneError || size > 1
}

// IsGSM reports whether every rune of s is in the default alphabet or its
// extension table.
func IsGSM(s string) bool {
	_, ok := Septets(s)
	return ok
}

// Encode returns the septets of s, unpacked, one byte each, with the escape
// 0x1B before each extension character. It returns an error wrapping
// ErrNotGSM, naming the rune and its byte offset, when s holds a rune that
// GSM 03.38 cannot represent (invalid UTF-8 included); it never falls back
// to raw UTF-8.
func Encode(s string) ([]byte, error) {
	out := make([]byte, 0, len(s))
	for i, r := range s {
		code, ext, ok := lookup(r)
		if !ok {
			if r == utf8.RuneError && !validAt(s, i) {
				return nil, fmt.Errorf("%w: invalid UTF-8 at byte %d", ErrNotGSM, i)
			}
			return nil, fmt.Errorf("%w: %q (%U) at byte %d", ErrNotGSM, r, r, i)
		}
		if ext {
			out = append(out, Escape)
		}
		out = append(out, code)
	}
	return out, nil
}

// Decode returns the text of unpacked septets. An escape followed by a
// septet the extension table does not define decodes as that septet's
// character in the default alphabet, and an escape followed by another
// escape, or by nothing (a lone trailing escape), decodes as a space, as
// 3GPP TS 23.038 asks of a receiving entity. It returns an error wrapping
// ErrBadSeptet, naming the byte and its offset, when a byte is above 0x7F.
func Decode(b []byte) (string, error) {
	var sb strings.Builder
	sb.Grow(len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c > 0x7F {
			return "", fmt.Errorf("%w: 0x%02X at offset %d", ErrBadSeptet, c, i)
		}
		if c != Escape {
			sb.WriteRune(basic[c])
			continue
		}
		if i+1 == len(b) {
			sb.WriteByte(' ')
			break
		}
		i++
		c = b[i]
		switch r, ok := extension(c); {
		case c > 0x7F:
			return "", fmt.Errorf("%w: 0x%02X at offset %d", ErrBadSeptet, c, i)
		case ok:
			sb.WriteRune(r)
		case c == Escape:
			sb.WriteByte(' ')
		default:
			sb.WriteRune(basic[c])
		}
	}
	return sb.String(), nil
}

// ToGSM returns s with every rune GSM 03.38 cannot represent replaced by a
// close one that it can: letters lose the accents the alphabet lacks
// ("ç" → "c", "ê" → "e", "Â" → "A"), typographic quotes, dashes and spaces
// become their plain forms, "œ" becomes "oe", and anything else becomes
// "?". It is lossy; use it for display names, never for secrets.
func ToGSM(s string) string {
	if IsGSM(s) {
		return s
	}
	var sb strings.Builder
	sb.Grow(len(s))
	for _, r := range s {
		if _, _, ok := lookup(r); ok {
			sb.WriteRune(r)
			continue
		}
		sb.WriteString(fold(r))
	}
	return sb.String()
}

// fold returns the GSM 03.38 stand-in for a rune outside the alphabet.
func fold(r rune) string {
	switch r {
	case 'á', 'â', 'ã', 'ā', 'ă', 'ą':
		return "a"
	case 'À', 'Á', 'Â', 'Ã', 'Ā', 'Ă', 'Ą':
		return "A"
	case 'ç', 'ć', 'č', 'ĉ', 'ċ':
		return "c"
	case 'Ć', 'Č', 'Ĉ', 'Ċ':
		return "C"
	case 'ď', 'đ':
		return "d"
	case 'Ď', 'Đ':
		return "D"
	case 'ê', 'ë', 'ē', 'ĕ', 'ė', 'ę', 'ě':
		return "e"
	case 'È', 'Ê', 'Ë', 'Ē', 'Ĕ', 'Ė', 'Ę', 'Ě':
		return "E"
	case 'ğ', 'ģ':
		return "g"
	case 'Ğ', 'Ģ':
		return "G"
	case 'í', 'î', 'ï', 'ī', 'į', 'ı':
		return "i"
	case 'Ì', 'Í', 'Î', 'Ï', 'Ī', 'Į', 'İ':
		return "I"
	case 'ł', 'ľ', 'ĺ':
		return "l"
	case 'Ł', 'Ľ', 'Ĺ':
		return "L"
	case 'ń', 'ň', 'ņ':
		return "n"
	case 'Ń', 'Ň', 'Ņ':
		return "N"
	case 'ó', 'ô', 'õ', 'ō', 'ő':
		return "o"
	case 'Ò', 'Ó', 'Ô', 'Õ', 'Ō', 'Ő':
		return "O"
	case 'ŕ', 'ř':
		return "r"
	case 'Ŕ', 'Ř':
		return "R"
	case 'ś', 'š', 'ş', 'ș':
		return "s"
	case 'Ś', 'Š', 'Ş', 'Ș':
		return "S"
	case 'ť', 'ţ', 'ț':
		return "t"
	case 'Ť', 'Ţ', 'Ț':
		return "T"
	case 'ú', 'û', 'ū', 'ů', 'ű', 'ų':
		return "u"
	case 'Ù', 'Ú', 'Û', 'Ū', 'Ů', 'Ű', 'Ų':
		return "U"
	case 'ý', 'ÿ':
		return "y"
	case 'Ý', 'Ÿ':
		return "Y"
	case 'ź', 'ż', 'ž':
		return "z"
	case 'Ź', 'Ż', 'Ž':
		return "Z"
	case 'œ':
		return "oe"
	case 'Œ':
		return "OE"
	case 'ĳ':
		return "ij"
	case 'Ĳ':
		return "IJ"
	case '‘', '’', '‚', '‛', '′', '`', '´':
		return "'"
	case '“', '”', '„', '‟', '″', '«', '»':
		return `"`
	case '‐', '‑', '‒', '–', '—', '―', '−':
		return "-"
	case '…':
		return "..."
	case '\t', '\u00A0', '\u2002', '\u2003', '\u2009', '\u202F':
		return " "
	case '·', '•':
		return "."
	}
	return "?"
}
