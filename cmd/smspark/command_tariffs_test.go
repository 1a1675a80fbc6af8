package main

import (
	"os"
	"strings"
	"testing"
)

func TestTariffsQuote(t *testing.T) {
	tests := []struct {
		zone, from, to, want string
	}{
		{"1021", "2026-11-23T10:00:00+01:00", "2026-11-23T11:08:00+01:00", "283"},
		{"8500", "2026-11-23T10:00:00+01:00", "2026-11-23T10:45:00+01:00", "38"},
		{"1021", "2026-11-22T10:00:00+01:00", "2026-11-22T12:00:00+01:00", "0"},
		{"1021", "2026-11-23T10:00:00+01:00", "2026-11-23T14:30:00+01:00", "1125"},
		{"8370", "2026-11-23T00:00:00+01:00", "2026-11-24T00:00:00+01:00", "1200"},
		{"1021", "2026-11-23T09:00:00Z", "2026-11-23T10:08:00Z", "283"}, // the same hour in UTC
	}
	for _, tt := range tests {
		t.Run(tt.zone+" "+tt.from, func(t *testing.T) {
			out, err := run(t, "tariffs", "quote", "--zone", tt.zone, "--from", tt.from, "--to", tt.to)
			if err != nil || strings.TrimSpace(out) != tt.want {
				t.Fatalf("quote = %q, %v; want %s", out, err, tt.want)
			}
		})
	}
	for _, args := range [][]string{
		{"--zone", "9999", "--from", "2026-11-23T10:00:00+01:00", "--to", "2026-11-23T11:00:00+01:00"},
		{"--zone", "1021", "--from", "monday", "--to", "2026-11-23T11:00:00+01:00"},
		{"--zone", "1021", "--from", "2026-11-23T11:00:00+01:00", "--to", "2026-11-23T10:00:00+01:00"},
	} {
		if out, err := run(t, append([]string{"tariffs", "quote"}, args...)...); err == nil {
			t.Fatalf("%v accepted: %s", args, out)
		}
	}
}

func TestTariffsValidate(t *testing.T) {
	out, err := run(t, "tariffs", "validate")
	if err != nil || !strings.Contains(out, "ok: 4 cities, 6 zones, 4 operators") {
		t.Fatalf("validate = %q, %v", out, err)
	}
	out, err = run(t, "tariffs", "validate", "--config", "../../config/testdata/conf.good.yml")
	if err != nil || !strings.Contains(out, "ok") {
		t.Fatalf("validate conf.good.yml = %q, %v", out, err)
	}
}

// TestTariffsQuoteJSON: the README's example of tariffs quote --json.
func TestTariffsQuoteJSON(t *testing.T) {
	out, err := run(t, "tariffs", "quote", "--zone", "1021", "--from", "2026-11-23T10:00:00+01:00", "--to", "2026-11-23T11:08:00+01:00", "--json")
	want := `{
  "city": "Brussels",
  "cost_cents": 283,
  "from": "2026-11-23T10:00:00+01:00",
  "minutes": 68,
  "to": "2026-11-23T11:08:00+01:00",
  "zone": "1021",
  "zone_name": "Louise"
}
`
	if err != nil || out != want {
		t.Fatalf("quote --json: %v\n%s", err, out)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), strings.ReplaceAll(strings.TrimSpace(want), "\n", "\n    ")) {
		t.Error("the README's example of tariffs quote --json is not what it prints")
	}
	out, err = run(t, "tariffs", "validate", "--json")
	if err != nil || !strings.Contains(out, `"zones": 6`) {
		t.Fatalf("validate --json: %v\n%s", err, out)
	}
}
