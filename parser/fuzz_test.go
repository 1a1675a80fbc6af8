package parser_test

import (
	"errors"
	"strings"
	"testing"
	"unicode"

	"smspark/parser"
)

// fuzzSeeds are texts worth starting from besides those of parseCases.
var fuzzSeeds = []string{
	"1021 1ABC123 D",
	"1021 D",
	"1021 1 abc 123 d",
	"1021 A D",
	"BLA6JKPMWQR 1ABC123",
	"vbr23456",
	"BLA6JKPMWQR 1ABC123 D",
	"Q1ABC123",
	"q 1-abc-123",
	"STOP 1 ABC 123",
	"1021 1ABC123 please",
	"\xff1021 1ABC123",
	"1021 \xc3\x28",
	"1021\x001ABC123",
	"1021\u00a01ABC123\u2028D",
	"ＰＡＳＳ",
	strings.Repeat("1021 ", 500),
	strings.Repeat("\xf0\x9f\x9a\x97", 600),
}

func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.text)
	}
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got, err := testParser.Parse(text)
		checkCommand(t, text, got, err)

		// White space at the ends and ASCII case do not matter.
		for _, v := range []string{" \t" + text + "\r\n\u3000", swapCaseASCII(text)} {
			got2, err2 := testParser.Parse(v)
			if got2 != got || !errors.Is(err2, err) {
				t.Errorf("Parse(%q) = %+v, %v but Parse(%q) = %+v, %v", text, got, err, v, got2, err2)
			}
		}

		// Without voucher prefixes only voucher activations change.
		got3, err3 := parser.Parser{}.Parse(text)
		if got.Kind == parser.VoucherActivation {
			if got3 != (parser.Command{}) || err3 != nil {
				t.Errorf("Parser{}.Parse(%q) = %+v, %v; want Unknown", text, got3, err3)
			}
		} else if got3 != got || !errors.Is(err3, err) {
			t.Errorf("Parser{}.Parse(%q) = %+v, %v; want %+v, %v", text, got3, err3, got, err)
		}
	})
}

// checkCommand checks what holds for every result of Parse.
func checkCommand(t *testing.T, text string, c parser.Command, err error) {
	t.Helper()
	if c.Kind < parser.Unknown || c.Kind > parser.DayTicket {
		t.Fatalf("Parse(%q): Kind %d out of range", text, c.Kind)
	}
	if err != nil {
		if !errors.Is(err, parser.ErrInvalidPlate) {
			t.Errorf("Parse(%q): error %v, want only ErrInvalidPlate", text, err)
		}
		if c.Plate != "" {
			t.Errorf("Parse(%q): Plate %q with error %v", text, c.Plate, err)
		}
		switch c.Kind {
		case parser.Stop, parser.Start, parser.VoucherActivation:
		default:
			t.Errorf("Parse(%q): Kind %d with error %v", text, c.Kind, err)
		}
	}
	if c.Plate != "" {
		if p, perr := parser.NormalizePlate(c.Plate); p != c.Plate || perr != nil {
			t.Errorf("Parse(%q): Plate %q normalises to %q, %v", text, c.Plate, p, perr)
		}
		switch c.Kind {
		case parser.Stop, parser.Start, parser.VoucherActivation, parser.DayTicket:
		default:
			t.Errorf("Parse(%q): Kind %d with Plate %q", text, c.Kind, c.Plate)
		}
	}
	hasZone := c.Kind == parser.Start || c.Kind == parser.DayTicket
	if hasZone != (c.Zone != "") {
		t.Errorf("Parse(%q): Kind %d with Zone %q", text, c.Kind, c.Zone)
	}
	if c.Zone != "" {
		if !isASCIIDigits(c.Zone) || len(c.Zone) < 3 || len(c.Zone) > 6 {
			t.Errorf("Parse(%q): Zone %q is not 3 to 6 ASCII digits", text, c.Zone)
		}
		if f := strings.Fields(text); f[0] != c.Zone {
			t.Errorf("Parse(%q): Zone %q is not the first word", text, c.Zone)
		}
	}
	if (c.Kind == parser.VoucherActivation) != (c.Voucher != "") {
		t.Errorf("Parse(%q): Kind %d with Voucher %q", text, c.Kind, c.Voucher)
	}
	if c.Voucher != "" {
		v := c.Voucher
		if len(v) < 8 || len(v) > 12 || v[0] < 'A' || v[0] > 'Z' || strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
			t.Errorf("Parse(%q): Voucher %q is not a voucher code", text, v)
		}
		if !strings.HasPrefix(v, "BLA") && !strings.HasPrefix(v, "VBR") {
			t.Errorf("Parse(%q): Voucher %q has no known prefix", text, v)
		}
	}
	if (c.Kind == parser.Language) != (c.Language != "") {
		t.Errorf("Parse(%q): Kind %d with Language %q", text, c.Kind, c.Language)
	}
	switch c.Language {
	case "", "nl", "fr", "de", "en":
	default:
		t.Errorf("Parse(%q): Language %q", text, c.Language)
	}
}

func FuzzNormalizePlate(f *testing.F) {
	for _, s := range []string{
		"1ABC123", "1-ABC-123", "1 abc 123", "1.abc.123", "B-AB1234", "M AB 123",
		"A", "", "ABCDEFGHIJK", "1ÄBC123", "1ıBC123", "\xff", "1\u00a0AB", "1\u200bAB",
		strings.Repeat("-", 2000), strings.Repeat("ab", 1000),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parser.NormalizePlate(s)
		want, ok := referencePlate(s)
		if got != want || ok != (err == nil) {
			t.Fatalf("NormalizePlate(%q) = %q, %v; reference says %q, %v", s, got, err, want, ok)
		}
		if err != nil {
			if !errors.Is(err, parser.ErrInvalidPlate) {
				t.Fatalf("NormalizePlate(%q): error %v, want ErrInvalidPlate", s, err)
			}
			return
		}
		if again, err := parser.NormalizePlate(got); again != got || err != nil {
			t.Fatalf("NormalizePlate(%q) = %q, %v; not idempotent", got, again, err)
		}
	})
}

// referencePlate is a plain restatement of the plate rule of docs/sms.md.
func referencePlate(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s { // invalid UTF-8 comes out as U+FFFD, not a plate character
		switch {
		case unicode.IsSpace(r) || r == '-' || r == '.':
		case 'a' <= r && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case 'A' <= r && r <= 'Z' || '0' <= r && r <= '9':
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	p := b.String()
	if len(p) < 2 || len(p) > 10 {
		return "", false
	}
	return p, true
}

func isASCIIDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// swapCaseASCII swaps the case of ASCII letters and leaves every other
// byte alone.
func swapCaseASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case 'a' <= c && c <= 'z':
			b[i] = c - ('a' - 'A')
		case 'A' <= c && c <= 'Z':
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b)
}
