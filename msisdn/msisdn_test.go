package msisdn_test

import (
	"errors"
	"strings"
	"testing"

	"smspark/msisdn"
)

func TestNormalize(t *testing.T) {
	ok := map[string]string{
		"+32475000001":       "+32475000001",
		"32475000001":        "+32475000001",
		"0032475000001":      "+32475000001",
		"0475000001":         "+32475000001",
		" +32 475 00 00 01 ": "+32475000001",
		"+32499999999":       "+32499999999",
		"+32460123456":       "+32460123456",
	}
	for in, want := range ok {
		t.Run(in, func(t *testing.T) {
			got, err := msisdn.Belgium{}.Normalize(in)
			if err != nil || got != want {
				t.Fatalf("Normalize(%q) = %q, %v; want %q", in, got, err, want)
			}
		})
	}
	bad := []string{"", "abc", "+33612345678", "+3225551234", "4411", "+32", "\x00", "🚗", strings.Repeat("4", 2000), "+32475000001\x00"}
	for _, in := range bad {
		t.Run("bad", func(t *testing.T) {
			_, err := msisdn.Belgium{}.Normalize(in)
			if !errors.Is(err, msisdn.ErrUnsupported) {
				t.Fatalf("Normalize(%q) error = %v, want ErrUnsupported", in, err)
			}
			if len(in) > 6 && strings.Contains(err.Error(), in) {
				t.Fatalf("error %q shows the number in clear", err)
			}
		})
	}
}
