package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReducedTariffStatement: a Kortrijk number granted the reduced tariff
// at the counter pays 25 % of the normal cost, and its statement says so;
// the notifications log lists the SMS it got.
func TestReducedTariffStatement(t *testing.T) {
	dir := storeDir(t)
	out, err := run(t, "accounts", "create", "--data", dir, "--package", "premium", "--number", "+32475000001")
	if err != nil {
		t.Fatal(err, out)
	}
	acct := strings.TrimSpace(out)
	if out, err := run(t, "reduced", "grant", "--data", dir, "--city", "Kortrijk", "--number", "+32475000001",
		"--from", "2026-11-01", "--to", "2026-12-31", "--by", "counter Kortrijk / M. Claes", "--reason", "UiTPAS kansentarief"); err != nil ||
		!strings.Contains(out, "25% of the rate in Kortrijk") {
		t.Fatalf("grant: %v %s", err, out)
	}
	if _, err := run(t, "reduced", "grant", "--data", dir, "--city", "Brussels", "--number", "+32475000001",
		"--from", "2026-11-01", "--to", "2026-12-31", "--by", "x", "--reason", "y"); err == nil {
		t.Fatal("Brussels grants no reduced tariff, yet the grant was accepted")
	}
	sms(t, dir, "2026-11-23T10:00:00+01:00", "+32475000001", "proximus", "8500 1ABC123")
	r := sms(t, dir, "2026-11-23T11:30:00+01:00", "+32475000001", "proximus", "Q")
	// 90 minutes, 30 free: 60 at €1.50 = 150; 25 % = 37.5 -> 38.
	if r.Sessions[0].CostCents != 38 {
		t.Fatalf("reduced cost %d, want 38", r.Sessions[0].CostCents)
	}
	outDir := t.TempDir()
	if out, err := run(t, "statements", "generate", "--data", dir, "--month", "2026-11", "--out", outDir); err != nil {
		t.Fatal(err, out)
	}
	raw, err := os.ReadFile(filepath.Join(outDir, acct+"-2026-11.json"))
	if err != nil || !strings.Contains(string(raw), "reduced tariff 25%") {
		t.Fatalf("the statement does not show the reduced tariff: %v\n%s", err, raw)
	}
	out, err = run(t, "messages", "--data", dir, "--number", "0475000001", "--json")
	var msgs []map[string]any
	if err != nil || json.Unmarshal([]byte(out), &msgs) != nil || len(msgs) != 2 || msgs[1]["outcome"] != "stopped" {
		t.Fatalf("notifications log: %v %s", err, out)
	}
}
