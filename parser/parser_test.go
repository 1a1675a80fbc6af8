package parser_test

import (
	"errors"
	"strings"
	"testing"

	"smspark/parser"
)

// testParser knows the voucher prefixes of the reference data, one of them
// given in lower case to check that prefixes match case-insensitively.
var testParser = parser.Parser{VoucherPrefixes: []string{"BLA", "vbr"}}

type parseCase struct {
	text string
	want parser.Command
	err  error
}

// parseCases covers every row and every example of docs/sms.md.
var parseCases = []parseCase{
	// PASS
	{"PASS", parser.Command{Kind: parser.Credentials}, nil},
	{"PASS 1ABC123", parser.Command{Kind: parser.Unknown}, nil},
	{"PASSWORD", parser.Command{Kind: parser.Unknown}, nil},

	// C1
	{"C1", parser.Command{Kind: parser.ToggleConfirmations}, nil},
	{"C 1", parser.Command{Kind: parser.Unknown}, nil},

	// I or INFO
	{"I", parser.Command{Kind: parser.Status}, nil},
	{"INFO", parser.Command{Kind: parser.Status}, nil},
	{"INFO 1ABC123", parser.Command{Kind: parser.Unknown}, nil},
	{"ınfo", parser.Command{Kind: parser.Unknown}, nil}, // dotless ı is not I

	// NL, FR, DE, EN
	{"NL", parser.Command{Kind: parser.Language, Language: "nl"}, nil},
	{"FR", parser.Command{Kind: parser.Language, Language: "fr"}, nil},
	{"DE", parser.Command{Kind: parser.Language, Language: "de"}, nil},
	{"EN", parser.Command{Kind: parser.Language, Language: "en"}, nil},
	{"ES", parser.Command{Kind: parser.Unknown}, nil},

	// Q, Q <plate>, Q<plate>, STOP, STOP <plate>
	{"Q", parser.Command{Kind: parser.Stop}, nil},
	{"STOP", parser.Command{Kind: parser.Stop}, nil},
	{"Q 1ABC123", parser.Command{Kind: parser.Stop, Plate: "1ABC123"}, nil},
	{"Q1ABC123", parser.Command{Kind: parser.Stop, Plate: "1ABC123"}, nil},
	{"Q 1-ABC-123", parser.Command{Kind: parser.Stop, Plate: "1ABC123"}, nil},
	{"Q1.abc.123", parser.Command{Kind: parser.Stop, Plate: "1ABC123"}, nil},
	{"Q1 ABC 123", parser.Command{Kind: parser.Stop, Plate: "1ABC123"}, nil},
	{"STOP 1ABC123", parser.Command{Kind: parser.Stop, Plate: "1ABC123"}, nil},
	{"STOP 1 ABC 123", parser.Command{Kind: parser.Stop, Plate: "1ABC123"}, nil},
	{"STOP B-AB1234", parser.Command{Kind: parser.Stop, Plate: "BAB1234"}, nil},
	{"Q M AB 123", parser.Command{Kind: parser.Stop, Plate: "MAB123"}, nil},
	{"Q !!!", parser.Command{Kind: parser.Stop}, parser.ErrInvalidPlate},
	{"Q1ÄBC123", parser.Command{Kind: parser.Stop}, parser.ErrInvalidPlate},
	{"Q 1ABC123 please", parser.Command{Kind: parser.Stop}, parser.ErrInvalidPlate},
	{"STOP A", parser.Command{Kind: parser.Stop}, parser.ErrInvalidPlate},
	{"Q\x00", parser.Command{Kind: parser.Stop}, parser.ErrInvalidPlate},
	{"STOPX", parser.Command{Kind: parser.Unknown}, nil},

	// <zone> <plate>
	{"1021 1ABC123", parser.Command{Kind: parser.Start, Zone: "1021", Plate: "1ABC123"}, nil},
	{"1021 1-ABC-123", parser.Command{Kind: parser.Start, Zone: "1021", Plate: "1ABC123"}, nil},
	{"1021 1 ABC 123", parser.Command{Kind: parser.Start, Zone: "1021", Plate: "1ABC123"}, nil},
	{"1021 1.abc.123", parser.Command{Kind: parser.Start, Zone: "1021", Plate: "1ABC123"}, nil},
	{"1021 B-AB1234", parser.Command{Kind: parser.Start, Zone: "1021", Plate: "BAB1234"}, nil},
	{"1021 M AB 123", parser.Command{Kind: parser.Start, Zone: "1021", Plate: "MAB123"}, nil},
	{"1021 1ABC123D", parser.Command{Kind: parser.Start, Zone: "1021", Plate: "1ABC123D"}, nil},
	{"1021 AB", parser.Command{Kind: parser.Start, Zone: "1021", Plate: "AB"}, nil},
	{"1021 12", parser.Command{Kind: parser.Start, Zone: "1021", Plate: "12"}, nil},
	{"1021 ABCDEFGHIJ", parser.Command{Kind: parser.Start, Zone: "1021", Plate: "ABCDEFGHIJ"}, nil},
	{"123 1ABC123", parser.Command{Kind: parser.Start, Zone: "123", Plate: "1ABC123"}, nil},
	{"123456 1ABC123", parser.Command{Kind: parser.Start, Zone: "123456", Plate: "1ABC123"}, nil},
	{"1021 1ABC123 please", parser.Command{Kind: parser.Start, Zone: "1021"}, parser.ErrInvalidPlate},
	{"1021 1ÄBC123", parser.Command{Kind: parser.Start, Zone: "1021"}, parser.ErrInvalidPlate},
	{"1021 ABCDEFGHIJK", parser.Command{Kind: parser.Start, Zone: "1021"}, parser.ErrInvalidPlate},
	{"1021 A", parser.Command{Kind: parser.Start, Zone: "1021"}, parser.ErrInvalidPlate},
	{"1021 - . -", parser.Command{Kind: parser.Start, Zone: "1021"}, parser.ErrInvalidPlate},
	{"1021 1ABC_123", parser.Command{Kind: parser.Start, Zone: "1021"}, parser.ErrInvalidPlate},
	{"1021 1ABC123 🚗", parser.Command{Kind: parser.Start, Zone: "1021"}, parser.ErrInvalidPlate},
	{"1021 1ABC\xff123", parser.Command{Kind: parser.Start, Zone: "1021"}, parser.ErrInvalidPlate},
	{"1021 1ABC\x00123", parser.Command{Kind: parser.Start, Zone: "1021"}, parser.ErrInvalidPlate},
	{"1021 ÄÄ D", parser.Command{Kind: parser.Start, Zone: "1021"}, parser.ErrInvalidPlate},
	{"1021 " + strings.Repeat("A", 2000), parser.Command{Kind: parser.Start, Zone: "1021"}, parser.ErrInvalidPlate},

	// <zone>
	{"1021", parser.Command{Kind: parser.Start, Zone: "1021"}, nil},
	{"001", parser.Command{Kind: parser.Start, Zone: "001"}, nil},
	{"123456", parser.Command{Kind: parser.Start, Zone: "123456"}, nil},

	// <zone> <plate> D, <zone> D
	{"1021 D", parser.Command{Kind: parser.DayTicket, Zone: "1021"}, nil},
	{"1021 1ABC123 D", parser.Command{Kind: parser.DayTicket, Zone: "1021", Plate: "1ABC123"}, nil},
	{"1021 1 ABC 123 D", parser.Command{Kind: parser.DayTicket, Zone: "1021", Plate: "1ABC123"}, nil},
	{"1021 1-abc-123 d", parser.Command{Kind: parser.DayTicket, Zone: "1021", Plate: "1ABC123"}, nil},
	{"1021 M AB 123 D", parser.Command{Kind: parser.DayTicket, Zone: "1021", Plate: "MAB123"}, nil},
	{"1021 D D", parser.Command{Kind: parser.Start, Zone: "1021", Plate: "DD"}, nil}, // "D" alone is no plate
	{"1021 1ABC123 DD", parser.Command{Kind: parser.Start, Zone: "1021", Plate: "1ABC123DD"}, nil},
	{"1021 1ABC12345 DD", parser.Command{Kind: parser.Start, Zone: "1021"}, parser.ErrInvalidPlate},
	{"1021 1ABC1234567 D", parser.Command{Kind: parser.Start, Zone: "1021"}, parser.ErrInvalidPlate},
	{"12 1ABC123 D", parser.Command{Kind: parser.Unknown}, nil},

	// <voucher> <plate>, <voucher>
	{"BLA6JKPMWQR 1ABC123", parser.Command{Kind: parser.VoucherActivation, Voucher: "BLA6JKPMWQR", Plate: "1ABC123"}, nil},
	{"bla6jkpmwqr 1-abc-123", parser.Command{Kind: parser.VoucherActivation, Voucher: "BLA6JKPMWQR", Plate: "1ABC123"}, nil},
	{"BLA6JKPMWQR", parser.Command{Kind: parser.VoucherActivation, Voucher: "BLA6JKPMWQR"}, nil},
	{"VBR23456", parser.Command{Kind: parser.VoucherActivation, Voucher: "VBR23456"}, nil},
	{"VBR234567892 M AB 123", parser.Command{Kind: parser.VoucherActivation, Voucher: "VBR234567892", Plate: "MAB123"}, nil},
	{"BLA6JKPMWQR 1ÄBC123", parser.Command{Kind: parser.VoucherActivation, Voucher: "BLA6JKPMWQR"}, parser.ErrInvalidPlate},
	{"BLA6JKPMWQR 1ABC123 please", parser.Command{Kind: parser.VoucherActivation, Voucher: "BLA6JKPMWQR"}, parser.ErrInvalidPlate},
	{"VBR2345", parser.Command{Kind: parser.Unknown}, nil},             // 7 characters
	{"VBR2345678923", parser.Command{Kind: parser.Unknown}, nil},       // 13 characters
	{"XYZ6JKPMWQR 1ABC123", parser.Command{Kind: parser.Unknown}, nil}, // unknown prefix
	{"BLA6JK-PMWQR", parser.Command{Kind: parser.Unknown}, nil},
	{"BLA 6JKPMWQR", parser.Command{Kind: parser.Unknown}, nil},

	// anything else
	{"", parser.Command{Kind: parser.Unknown}, nil},
	{"   ", parser.Command{Kind: parser.Unknown}, nil},
	{"\t\r\n", parser.Command{Kind: parser.Unknown}, nil},
	{"hello", parser.Command{Kind: parser.Unknown}, nil},
	{"12 1ABC123", parser.Command{Kind: parser.Unknown}, nil},
	{"1234567", parser.Command{Kind: parser.Unknown}, nil},
	{"1234567 1ABC123", parser.Command{Kind: parser.Unknown}, nil},
	{"1021ABC", parser.Command{Kind: parser.Unknown}, nil},
	{"1021-1ABC123", parser.Command{Kind: parser.Unknown}, nil},
	{"١٠٢١ 1ABC123", parser.Command{Kind: parser.Unknown}, nil},      // Arabic-Indic digits
	{"１０２１ 1ABC123", parser.Command{Kind: parser.Unknown}, nil},      // full-width digits
	{"1021\u200b1ABC123", parser.Command{Kind: parser.Unknown}, nil}, // zero-width space is not white space
	{"\xff\xfe", parser.Command{Kind: parser.Unknown}, nil},
	{"\x00", parser.Command{Kind: parser.Unknown}, nil},
	{"🚗", parser.Command{Kind: parser.Unknown}, nil},
	{strings.Repeat("a ", 2000), parser.Command{Kind: parser.Unknown}, nil},
}

// variants returns the text as sent in several ways that must all parse
// the same: ASCII case changed, white space added at the ends and between
// words. Only the spaces between words and the ASCII letters change.
func variants(text string) map[string]string {
	return map[string]string{
		"asis":    text,
		"lower":   mapASCII(text, func(i int, c byte) byte { return lower(c) }),
		"upper":   mapASCII(text, func(i int, c byte) byte { return upper(c) }),
		"mixed":   mapASCII(text, func(i int, c byte) byte { return map[bool]func(byte) byte{true: lower, false: upper}[i%2 == 0](c) }),
		"padded":  "  \t" + strings.ReplaceAll(text, " ", "  \t ") + " \n",
		"newline": "\r\n" + strings.ReplaceAll(text, " ", "\n") + "\n\n",
		"unicode": "\u3000" + strings.ReplaceAll(text, " ", "\u00a0\u2003") + "\u2028",
	}
}

func mapASCII(s string, f func(int, byte) byte) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = f(i, c)
	}
	return string(b)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases {
		name := tc.text
		if len(name) > 40 {
			name = name[:40] + "..."
		}
		t.Run(name, func(t *testing.T) {
			for vname, text := range variants(tc.text) {
				got, err := testParser.Parse(text)
				if !errors.Is(err, tc.err) || (tc.err == nil && err != nil) {
					t.Errorf("%s: Parse(%q) error = %v, want %v", vname, text, err, tc.err)
				}
				if got != tc.want {
					t.Errorf("%s: Parse(%q) = %+v, want %+v", vname, text, got, tc.want)
				}
			}
		})
	}
}

func TestParseVoucherPrefixes(t *testing.T) {
	tests := []struct {
		name     string
		prefixes []string
		text     string
		want     parser.Command
	}{
		{"zero parser knows no voucher", nil, "BLA6JKPMWQR 1ABC123", parser.Command{Kind: parser.Unknown}},
		{"empty prefix is ignored", []string{""}, "BLA6JKPMWQR", parser.Command{Kind: parser.Unknown}},
		{"lower-case prefix", []string{"bla"}, "BLA6JKPMWQR", parser.Command{Kind: parser.VoucherActivation, Voucher: "BLA6JKPMWQR"}},
		{"mixed-case prefix", []string{"bLa"}, "bla6jkpmwqr", parser.Command{Kind: parser.VoucherActivation, Voucher: "BLA6JKPMWQR"}},
		{"prefix longer than code", []string{"BLA6JKPMWQRXYZ"}, "BLA6JKPMWQR", parser.Command{Kind: parser.Unknown}},
		{"whole code is prefix", []string{"BLA6JKPMWQR"}, "BLA6JKPMWQR", parser.Command{Kind: parser.VoucherActivation, Voucher: "BLA6JKPMWQR"}},
		{"non-ASCII prefix never matches", []string{"\u212aAB"}, "KAB6JKPMWQR", parser.Command{Kind: parser.Unknown}},
		{"second prefix", []string{"XYZ", "BLA"}, "BLA6JKPMWQR", parser.Command{Kind: parser.VoucherActivation, Voucher: "BLA6JKPMWQR"}},
		{"Q-prefix is a stop", []string{"QRS"}, "QRS6JKPMWQR", parser.Command{Kind: parser.Stop, Plate: "RS6JKPMWQR"}},
		{"digit first is a zone", []string{"123"}, "12345678", parser.Command{Kind: parser.Unknown}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := parser.Parser{VoucherPrefixes: tt.prefixes}.Parse(tt.text)
			if got != tt.want {
				t.Errorf("Parse(%q) = %+v, want %+v", tt.text, got, tt.want)
			}
		})
	}
}

// TestParseHugeInput parses texts far longer than any SMS; a quadratic
// parser would not finish within the test timeout.
func TestParseHugeInput(t *testing.T) {
	const n = 1 << 20
	texts := map[string]string{
		"words":      strings.Repeat("a ", n/2),
		"spaces":     strings.Repeat(" \t\u3000", n/5),
		"zone plate": "1021 " + strings.Repeat("1 ", n/2),
		"zone and D": "1021 " + strings.Repeat("A ", n/2) + "D",
		"stop":       "Q" + strings.Repeat("-", n),
		"invalid":    strings.Repeat("\xff", n),
		"voucher":    "BLA6JKPMWQR " + strings.Repeat(". ", n/2),
		"letters":    strings.Repeat("b", n),
	}
	for name, text := range texts {
		t.Run(name, func(t *testing.T) {
			got, err := testParser.Parse(text)
			if err != nil && !errors.Is(err, parser.ErrInvalidPlate) {
				t.Errorf("error = %v", err)
			}
			if got.Plate != "" {
				t.Errorf("Plate = %q, want none", got.Plate)
			}
		})
	}
}

func TestNormalizePlate(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  error
	}{
		{"1ABC123", "1ABC123", nil},
		{"1-ABC-123", "1ABC123", nil},
		{"1 ABC 123", "1ABC123", nil},
		{"1.abc.123", "1ABC123", nil},
		{" 1\tabc\n123 ", "1ABC123", nil},
		{"1\u00a0ABC\u3000123", "1ABC123", nil},
		{"B-AB1234", "BAB1234", nil},
		{"M AB 123", "MAB123", nil},
		{"AB", "AB", nil},
		{"12", "12", nil},
		{"ABCDEFGHIJ", "ABCDEFGHIJ", nil},
		{"A-B-C-D-E-F-G-H-I-J", "ABCDEFGHIJ", nil},
		{"", "", parser.ErrInvalidPlate},
		{"A", "", parser.ErrInvalidPlate},
		{"-.- .", "", parser.ErrInvalidPlate},
		{"A-", "", parser.ErrInvalidPlate},
		{"ABCDEFGHIJK", "", parser.ErrInvalidPlate},
		{"1ÄBC123", "", parser.ErrInvalidPlate},
		{"1äbc123", "", parser.ErrInvalidPlate},
		{"1ıBC123", "", parser.ErrInvalidPlate}, // dotless i upper-cases to I in Unicode, not here
		{"１ABC123", "", parser.ErrInvalidPlate},
		{"1ABC_123", "", parser.ErrInvalidPlate},
		{"1ABC/123", "", parser.ErrInvalidPlate},
		{"1ABC\x00123", "", parser.ErrInvalidPlate},
		{"1ABC\xff123", "", parser.ErrInvalidPlate},
		{"1ABC\u200b123", "", parser.ErrInvalidPlate},
		{"1ABC🚗", "", parser.ErrInvalidPlate},
		{strings.Repeat("A", 2000), "", parser.ErrInvalidPlate},
	}
	for _, tt := range tests {
		name := tt.in
		if len(name) > 40 {
			name = name[:40] + "..."
		}
		t.Run(name, func(t *testing.T) {
			got, err := parser.NormalizePlate(tt.in)
			if got != tt.want || !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
				t.Errorf("NormalizePlate(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
			}
		})
	}
}
