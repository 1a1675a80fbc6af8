package gsm_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"pgregory.net/rapid"
	"smspark/gsm"
)

// basicTable is the GSM 03.38 default alphabet as 3GPP TS 23.038 lists it,
// written as code points so that it is checked against the package's own
// table, which is written as characters. 0x1B (escape) is absent.
var basicTable = []struct {
	code byte
	r    rune
}{
	{0x00, 0x0040}, {0x01, 0x00A3}, {0x02, 0x0024}, {0x03, 0x00A5},
	{0x04, 0x00E8}, {0x05, 0x00E9}, {0x06, 0x00F9}, {0x07, 0x00EC},
	{0x08, 0x00F2}, {0x09, 0x00C7}, {0x0A, 0x000A}, {0x0B, 0x00D8},
	{0x0C, 0x00F8}, {0x0D, 0x000D}, {0x0E, 0x00C5}, {0x0F, 0x00E5},
	{0x10, 0x0394}, {0x11, 0x005F}, {0x12, 0x03A6}, {0x13, 0x0393},
	{0x14, 0x039B}, {0x15, 0x03A9}, {0x16, 0x03A0}, {0x17, 0x03A8},
	{0x18, 0x03A3}, {0x19, 0x0398}, {0x1A, 0x039E}, {0x1C, 0x00C6},
	{0x1D, 0x00E6}, {0x1E, 0x00DF}, {0x1F, 0x00C9},
	{0x20, 0x0020}, {0x21, 0x0021}, {0x22, 0x0022}, {0x23, 0x0023},
	{0x24, 0x00A4}, {0x25, 0x0025}, {0x26, 0x0026}, {0x27, 0x0027},
	{0x28, 0x0028}, {0x29, 0x0029}, {0x2A, 0x002A}, {0x2B, 0x002B},
	{0x2C, 0x002C}, {0x2D, 0x002D}, {0x2E, 0x002E}, {0x2F, 0x002F},
	{0x30, 0x0030}, {0x31, 0x0031}, {0x32, 0x0032}, {0x33, 0x0033},
	{0x34, 0x0034}, {0x35, 0x0035}, {0x36, 0x0036}, {0x37, 0x0037},
	{0x38, 0x0038}, {0x39, 0x0039}, {0x3A, 0x003A}, {0x3B, 0x003B},
	{0x3C, 0x003C}, {0x3D, 0x003D}, {0x3E, 0x003E}, {0x3F, 0x003F},
	{0x40, 0x00A1}, {0x41, 0x0041}, {0x42, 0x0042}, {0x43, 0x0043},
	{0x44, 0x0044}, {0x45, 0x0045}, {0x46, 0x0046}, {0x47, 0x0047},
	{0x48, 0x0048}, {0x49, 0x0049}, {0x4A, 0x004A}, {0x4B, 0x004B},
	{0x4C, 0x004C}, {0x4D, 0x004D}, {0x4E, 0x004E}, {0x4F, 0x004F},
	{0x50, 0x0050}, {0x51, 0x0051}, {0x52, 0x0052}, {0x53, 0x0053},
	{0x54, 0x0054}, {0x55, 0x0055}, {0x56, 0x0056}, {0x57, 0x0057},
	{0x58, 0x0058}, {0x59, 0x0059}, {0x5A, 0x005A}, {0x5B, 0x00C4},
	{0x5C, 0x00D6}, {0x5D, 0x00D1}, {0x5E, 0x00DC}, {0x5F, 0x00A7},
	{0x60, 0x00BF}, {0x61, 0x0061}, {0x62, 0x0062}, {0x63, 0x0063},
	{0x64, 0x0064}, {0x65, 0x0065}, {0x66, 0x0066}, {0x67, 0x0067},
	{0x68, 0x0068}, {0x69, 0x0069}, {0x6A, 0x006A}, {0x6B, 0x006B},
	{0x6C, 0x006C}, {0x6D, 0x006D}, {0x6E, 0x006E}, {0x6F, 0x006F},
	{0x70, 0x0070}, {0x71, 0x0071}, {0x72, 0x0072}, {0x73, 0x0073},
	{0x74, 0x0074}, {0x75, 0x0075}, {0x76, 0x0076}, {0x77, 0x0077},
	{0x78, 0x0078}, {0x79, 0x0079}, {0x7A, 0x007A}, {0x7B, 0x00E4},
	{0x7C, 0x00F6}, {0x7D, 0x00F1}, {0x7E, 0x00FC}, {0x7F, 0x00E0},
}

// extTable is the extension table: the septet after an escape.
var extTable = []struct {
	code byte
	r    rune
}{
	{0x0A, 0x000C}, // form feed
	{0x14, 0x005E}, // ^
	{0x28, 0x007B}, // {
	{0x29, 0x007D}, // }
	{0x2F, 0x005C}, // backslash
	{0x3C, 0x005B}, // [
	{0x3D, 0x007E}, // ~
	{0x3E, 0x005D}, // ]
	{0x40, 0x007C}, // |
	{0x65, 0x20AC}, // €
}

func TestBasicTable(t *testing.T) {
	if len(basicTable) != 127 {
		t.Fatalf("basic table has %d entries, want 127", len(basicTable))
	}
	for _, c := range basicTable {
		t.Run(fmt.Sprintf("0x%02X_%U", c.code, c.r), func(t *testing.T) {
			s := string(c.r)
			got, err := gsm.Encode(s)
			if err != nil || !bytes.Equal(got, []byte{c.code}) {
				t.Errorf("Encode(%q) = % X, %v; want %02X", s, got, err, c.code)
			}
			dec, err := gsm.Decode([]byte{c.code})
			if err != nil || dec != s {
				t.Errorf("Decode(%02X) = %q, %v; want %q", c.code, dec, err, s)
			}
			if n, ok := gsm.Septets(s); n != 1 || !ok {
				t.Errorf("Septets(%q) = %d, %v; want 1, true", s, n, ok)
			}
		})
	}
}

func TestExtensionTable(t *testing.T) {
	for _, c := range extTable {
		t.Run(fmt.Sprintf("ESC_0x%02X_%U", c.code, c.r), func(t *testing.T) {
			s := string(c.r)
			want := []byte{gsm.Escape, c.code}
			got, err := gsm.Encode(s)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("Encode(%q) = % X, %v; want % X", s, got, err, want)
			}
			dec, err := gsm.Decode(want)
			if err != nil || dec != s {
				t.Errorf("Decode(% X) = %q, %v; want %q", want, dec, err, s)
			}
			if n, ok := gsm.Septets(s); n != 2 || !ok {
				t.Errorf("Septets(%q) = %d, %v; want 2, true", s, n, ok)
			}
		})
	}
}

// TestNothingElseEncodes checks that the alphabet is exactly the two
// tables: no other rune of the first planes is accepted.
func TestNothingElseEncodes(t *testing.T) {
	in := map[rune]bool{}
	for _, c := range basicTable {
		in[c.r] = true
	}
	for _, c := range extTable {
		in[c.r] = true
	}
	for r := rune(0); r < 0x3000; r++ {
		_, err := gsm.Encode(string(r))
		if (err == nil) != in[r] {
			t.Errorf("Encode(%U) error %v, in table %v", r, err, in[r])
		}
		if _, ok := gsm.Septets(string(r)); ok != in[r] {
			t.Errorf("Septets(%U) ok %v, in table %v", r, ok, in[r])
		}
	}
}

func TestEncode(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []byte
	}{
		{"empty", "", []byte{}},
		{"ascii", "Q 1ABC123", []byte("Q 1ABC123")},
		{"at sign and dollar", "@$_", []byte{0x00, 0x02, 0x11}},
		{"euro amount", "€ 2,83", []byte{0x1B, 0x65, ' ', '2', ',', '8', '3'}},
		{"accents", "déjà vu", []byte{'d', 0x05, 'j', 0x7F, ' ', 'v', 'u'}},
		{"brackets", "[x]", []byte{0x1B, 0x3C, 'x', 0x1B, 0x3E}},
		{"german", "Größe", []byte{'G', 'r', 0x7C, 0x1E, 'e'}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := gsm.Encode(tt.in)
			if err != nil || !bytes.Equal(got, tt.want) {
				t.Errorf("Encode(%q) = % X, %v; want % X", tt.in, got, err, tt.want)
			}
			if n, ok := gsm.Septets(tt.in); !ok || n != len(tt.want) {
				t.Errorf("Septets(%q) = %d, %v; want %d", tt.in, n, ok, len(tt.want))
			}
		})
	}
}

func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		name, in, mention string
	}{
		{"c cedilla", "Façade", "'ç'"},
		{"e circumflex", "arrêt", "'ê'"},
		{"backtick", "a`b", "'`'"},
		{"emoji", "ok 😀", "U+1F600"},
		{"tab", "a\tb", "U+0009"},
		{"invalid utf8", "a\xffb", "invalid UTF-8 at byte 1"},
		{"literal replacement char", "a\uFFFD", "U+FFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := gsm.Encode(tt.in)
			if !errors.Is(err, gsm.ErrNotGSM) {
				t.Fatalf("Encode(%q) = % X, %v; want ErrNotGSM", tt.in, got, err)
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("error %q does not mention %s", err, tt.mention)
			}
			if got != nil {
				t.Errorf("Encode(%q) returned bytes % X with its error", tt.in, got)
			}
			if n, ok := gsm.Septets(tt.in); ok || n != 0 {
				t.Errorf("Septets(%q) = %d, %v; want 0, false", tt.in, n, ok)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, ""},
		{"hello", []byte("hello"), "hello"},
		{"euro", []byte{0x1B, 0x65, '5'}, "€5"},
		{"lone trailing escape is a space", []byte{'a', 0x1B}, "a "},
		{"escape escape is a space", []byte{0x1B, 0x1B, 'b'}, " b"},
		{"escape before undefined code is the basic character", []byte{0x1B, 'A'}, "A"},
		{"escape before at sign", []byte{0x1B, 0x00}, "@"},
		{"line breaks", []byte{'a', 0x0A, 'b', 0x0D}, "a\nb\r"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := gsm.Decode(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("Decode(% X) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		mention string
	}{
		{"high byte", []byte{'a', 0x80}, "0x80 at offset 1"},
		{"utf8 bytes", []byte("é"), "0xC3 at offset 0"},
		{"high byte after escape", []byte{0x1B, 0xFF}, "0xFF at offset 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := gsm.Decode(tt.in)
			if !errors.Is(err, gsm.ErrBadSeptet) {
				t.Fatalf("Decode(% X) = %q, %v; want ErrBadSeptet", tt.in, got, err)
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("error %q does not mention %q", err, tt.mention)
			}
		})
	}
}

func TestToGSM(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Louise", "Louise"},
		{"Façade – côté", "Facade - coté"},
		{"Île Notre-Dame", "Ile Notre-Dame"},
		{"Gare de l’Ouest", "Gare de l'Ouest"},
		{"Cœur", "Coeur"},
		{"Blauwe zone", "Blauwe zone"},
		{"Zürich Straße", "Zürich Straße"},
		{"日本", "??"},
		{"a\xffb", "a?b"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := gsm.ToGSM(tt.in)
			if got != tt.want {
				t.Errorf("ToGSM(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if !gsm.IsGSM(got) {
				t.Errorf("ToGSM(%q) = %q is not GSM", tt.in, got)
			}
		})
	}
}

// gsmRunes is every rune of the alphabet and its extension table.
func gsmRunes() []rune {
	var rs []rune
	for _, c := range basicTable {
		rs = append(rs, c.r)
	}
	for _, c := range extTable {
		rs = append(rs, c.r)
	}
	return rs
}

// gsmString draws a string of GSM 03.38 runes.
func gsmString(max int) *rapid.Generator[string] {
	rs := gsmRunes()
	return rapid.Custom(func(t *rapid.T) string {
		return string(rapid.SliceOfN(rapid.SampledFrom(rs), 0, max).Draw(t, "runes"))
	})
}

func TestPropertyEncodeDecode(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := gsmString(400).Draw(t, "s")
		b, err := gsm.Encode(s)
		if err != nil {
			t.Fatalf("Encode(%q): %v", s, err)
		}
		if n, ok := gsm.Septets(s); !ok || n != len(b) {
			t.Fatalf("Septets(%q) = %d, %v; Encode gave %d septets", s, n, ok, len(b))
		}
		got, err := gsm.Decode(b)
		if err != nil || got != s {
			t.Fatalf("Decode(Encode(%q)) = %q, %v", s, got, err)
		}
	})
}

func TestPropertyToGSM(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.String().Draw(t, "s")
		got := gsm.ToGSM(s)
		if !gsm.IsGSM(got) {
			t.Fatalf("ToGSM(%q) = %q is not GSM", s, got)
		}
		if gsm.IsGSM(s) && got != s {
			t.Fatalf("ToGSM changed GSM text %q to %q", s, got)
		}
	})
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte("1021 1ABC123"))
	f.Add([]byte{0x1B, 0x65, 0x00, 0x1B})
	f.Add([]byte{0x1B, 0x1B, 0x1B})
	f.Add([]byte{0x80, 0xFF})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := gsm.Decode(b)
		if err != nil {
			if !errors.Is(err, gsm.ErrBadSeptet) {
				t.Fatalf("Decode(% X): unexpected error %v", b, err)
			}
			return
		}
		if !utf8.ValidString(s) {
			t.Fatalf("Decode(% X) = %q: invalid UTF-8", b, s)
		}
		enc, err := gsm.Encode(s)
		if err != nil {
			t.Fatalf("Encode(Decode(% X) = %q): %v", b, s, err)
		}
		if len(enc) > len(b)+1 {
			t.Fatalf("Encode(Decode(% X)) grew to % X", b, enc)
		}
		again, err := gsm.Decode(enc)
		if err != nil || again != s {
			t.Fatalf("Decode(Encode(%q)) = %q, %v", s, again, err)
		}
	})
}
