package gsm_test

import (
	"errors"
	"strings"
	"testing"

	"pgregory.net/rapid"
	"smspark/gsm"
)

// fataler is what septets needs of *testing.T and *rapid.T.
type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

func septets(t fataler, s string) int {
	t.Helper()
	n, ok := gsm.Septets(s)
	if !ok {
		t.Fatalf("%q is not GSM", s)
	}
	return n
}

func TestSplitGSM(t *testing.T) {
	a := strings.Repeat
	tests := []struct {
		name  string
		in    string
		sizes []int // septets per part
	}{
		{"empty", "", []int{0}},
		{"one SMS", a("a", 160), []int{160}},
		{"euro counts two", a("a", 158) + "€", []int{160}},
		{"one over", a("a", 161), []int{153, 8}},
		{"escape pair not cut", a("a", 152) + "€" + a("a", 10), []int{152, 12}},
		{"escape pair fits exactly", a("a", 151) + "€" + a("a", 10), []int{153, 10}},
		{"three parts", a("b", 459), []int{153, 153, 153}},
		{"four parts", a("b", 460), []int{153, 153, 153, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts, err := gsm.SplitGSM(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			var sizes []int
			for _, p := range parts {
				sizes = append(sizes, septets(t, p))
			}
			if len(sizes) != len(tt.sizes) {
				t.Fatalf("parts of %v septets, want %v", sizes, tt.sizes)
			}
			for i := range sizes {
				if sizes[i] != tt.sizes[i] {
					t.Fatalf("parts of %v septets, want %v", sizes, tt.sizes)
				}
			}
			if strings.Join(parts, "") != tt.in {
				t.Errorf("parts do not rejoin to the text")
			}
		})
	}
	t.Run("not GSM", func(t *testing.T) {
		if _, err := gsm.SplitGSM("ça"); !errors.Is(err, gsm.ErrNotGSM) {
			t.Errorf("SplitGSM(ça): %v, want ErrNotGSM", err)
		}
	})
}

func TestSplitUCS2(t *testing.T) {
	a := strings.Repeat
	tests := []struct {
		name  string
		in    string
		units []int
	}{
		{"one SMS", a("ç", 70), []int{70}},
		{"one over", a("ç", 71), []int{67, 4}},
		{"surrogate pair not cut", a("ç", 66) + "😀" + a("x", 5), []int{66, 7}},
		{"surrogate pair fits exactly", a("ç", 65) + "😀" + "ç" + a("x", 5), []int{67, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := gsm.SplitUCS2(tt.in)
			var units []int
			for _, p := range parts {
				units = append(units, gsm.Units(p))
			}
			if len(units) != len(tt.units) {
				t.Fatalf("parts of %v units, want %v", units, tt.units)
			}
			for i := range units {
				if units[i] != tt.units[i] {
					t.Fatalf("parts of %v units, want %v", units, tt.units)
				}
			}
			if strings.Join(parts, "") != tt.in {
				t.Errorf("parts do not rejoin to the text")
			}
		})
	}
}

func TestSplitChoosesEncoding(t *testing.T) {
	if _, ucs2 := gsm.Split("1021 1ABC123 €"); ucs2 {
		t.Errorf("GSM text split as UCS-2")
	}
	if _, ucs2 := gsm.Split("Façade"); !ucs2 {
		t.Errorf("non-GSM text split as GSM")
	}
}

func TestPropertySplitGSM(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := gsmString(700).Draw(t, "s")
		parts, ucs2 := gsm.Split(s)
		if ucs2 {
			t.Fatalf("GSM text %q split as UCS-2", s)
		}
		if strings.Join(parts, "") != s {
			t.Fatalf("parts %q do not rejoin to %q", parts, s)
		}
		limit := gsm.MaxPartSeptets
		if len(parts) == 1 {
			limit = gsm.MaxSeptets
		}
		for i, p := range parts {
			n := septets(t, p)
			if n > limit {
				t.Fatalf("part %d of %q has %d septets", i, s, n)
			}
			if i < len(parts)-1 && n < limit-1 {
				t.Fatalf("part %d of %q has %d septets, could hold more", i, s, n)
			}
		}
	})
}

func TestPropertySplitUCS2(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rs := rapid.SliceOfN(rapid.OneOf(rapid.Rune(), rapid.RuneFrom([]rune{'ç', '😀', 'a'})), 0, 300).Draw(t, "runes")
		s := string(rs)
		parts := gsm.SplitUCS2(s)
		if strings.Join(parts, "") != s {
			t.Fatalf("parts %q do not rejoin to %q", parts, s)
		}
		limit := gsm.MaxPartUnits
		if len(parts) == 1 {
			limit = gsm.MaxUnits
		}
		for i, p := range parts {
			if u := gsm.Units(p); u > limit {
				t.Fatalf("part %d of %q has %d units", i, s, u)
			}
			if _, err := gsm.DecodeUCS2(gsm.EncodeUCS2(p)); err != nil {
				t.Fatal(err)
			}
			if strings.ContainsRune(p, '\uFFFD') && !strings.ContainsRune(s, '\uFFFD') {
				t.Fatalf("part %d of %q cut a surrogate pair", i, s)
			}
		}
	})
}
