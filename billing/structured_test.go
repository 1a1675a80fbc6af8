package billing_test

import (
	"errors"
	"testing"

	"pgregory.net/rapid"

	"smspark/billing"
)

// The seeds carry three real structured communications.
func TestStructuredFromTheSeeds(t *testing.T) {
	for _, s := range []string{"467020003612", "467020010177", "467020014019", "+++467/0200/03612+++"} {
		if _, err := billing.ParseStructured(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	if got, _ := billing.NewStructured(4670200036); got.String() != "+++467/0200/03612+++" {
		t.Errorf("NewStructured = %s", got)
	}
	for _, bad := range []string{"467020003613", "46702000361", "+++467/0200/0361x+++", ""} {
		if _, err := billing.ParseStructured(bad); !errors.Is(err, billing.ErrBadStructured) {
			t.Errorf("%q accepted", bad)
		}
	}
	// Remainder 0 is written 97.
	if got, _ := billing.NewStructured(97); string(got) != "000000009797" {
		t.Errorf("NewStructured(97) = %s", got)
	}
}

func TestStructuredRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		base := rapid.Uint64Range(0, 9_999_999_999).Draw(t, "base")
		s, err := billing.NewStructured(base)
		if err != nil {
			t.Fatal(err)
		}
		back, err := billing.ParseStructured(s.String())
		if err != nil || back != s {
			t.Fatalf("%s -> %s, %v", s, back, err)
		}
	})
	a, b := billing.StructuredFor("A1|2026-11"), billing.StructuredFor("A1|"+"2026-11")
	if a != b || billing.StructuredFor("A1|2026-12") == a {
		t.Fatal("StructuredFor is not stable, or not distinct")
	}
}
