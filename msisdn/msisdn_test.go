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

func TestCachedAgreesWithBelgium(t *testing.T) {
	c := msisdn.NewCached(3)
	for range 3 {
		for _, in := range []string{"+32475000001", "0475000002", "+33612345678", "abc", "32475000003"} {
			want, wantErr := msisdn.Belgium{}.Normalize(in)
			got, err := c.Normalize(in)
			if got != want || (err == nil) != (wantErr == nil) {
				t.Fatalf("Cached.Normalize(%q) = %q, %v; Belgium says %q, %v", in, got, err, want, wantErr)
			}
		}
	}
}

func BenchmarkNormalize(b *testing.B) {
	b.Run("uncached", func(b *testing.B) {
		for b.Loop() {
			_, _ = msisdn.Belgium{}.Normalize("32475000001")
		}
	})
	b.Run("cached", func(b *testing.B) {
		c := msisdn.NewCached(1000)
		for b.Loop() {
			_, _ = c.Normalize("32475000001")
		}
	})
}
