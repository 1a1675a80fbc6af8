package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"smspark/httpapi"
)

// TestAuditLocal: admin actions on a stopped engine's store (--data) are
// recorded as "local" via cli, and smspark audit lists them since a
// moment; reads are not recorded.
func TestAuditLocal(t *testing.T) {
	dir := storeDir(t)
	out, err := run(t, "accounts", "create", "--data", dir, "--package", "premium", "--number", "+32475000001")
	if err != nil {
		t.Fatal(err, out)
	}
	acct := strings.TrimSpace(out)
	steps := [][]string{
		{"accounts", "add-number", "--data", dir, "--account", acct, "--number", "+32475000002"},
		{"accounts", "show", "--data", dir, "--account", acct},
		{"keys", "create", "--data", dir, "--role", "admin", "--label", "noc"},
		{"reduced", "grant", "--data", dir, "--city", "Kortrijk", "--account", acct, "--from", "2026-11-01",
			"--to", "2026-12-31", "--by", "counter", "--reason", "UiTPAS"},
		{"vouchers", "issue", "--data", dir, "--city", "Blankenberge", "--type", "BLA", "--citizen", "An Peeters",
			"--street", "Kerkstraat", "--number", "12", "--quantity", "10"},
		{"backup", "--data", dir, filepath.Join(t.TempDir(), "copy.db")},
	}
	for _, args := range steps {
		if out, err := run(t, args...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	out, err = run(t, "audit", "--data", dir, "--json")
	var entries []httpapi.AuditEntry
	if err != nil || json.Unmarshal([]byte(out), &entries) != nil {
		t.Fatalf("audit: %v\n%s", err, out)
	}
	var got []string
	for _, e := range entries {
		if e.Actor != "local" || e.Via != "cli" || e.At == "" {
			t.Errorf("entry %+v: want local via cli, with a time", e)
		}
		got = append(got, e.Action)
	}
	want := "account.create account.add_number key.create reduced.grant voucher.issue backup"
	if strings.Join(got, " ") != want {
		t.Fatalf("audit actions %q, want %q", strings.Join(got, " "), want)
	}
	if entries[1].Target != acct || !strings.Contains(entries[1].Detail, "+32475000002") {
		t.Errorf("add-number entry: %+v", entries[1])
	}
	out, err = run(t, "audit", "--data", dir, "--since", "2000-01-01", "--limit", "2")
	if err != nil || !strings.Contains(out, "WHEN") || !strings.Contains(out, "voucher.issue") ||
		strings.Contains(out, "account.create") {
		t.Fatalf("audit --limit 2: %v\n%s", err, out)
	}
	if out, err := run(t, "audit", "--data", dir, "--since", "24h", "--json"); err != nil || strings.Count(out, `"action"`) != 6 {
		t.Fatalf("audit --since 24h: %v\n%s", err, out)
	}
	if _, err := run(t, "audit", "--data", dir, "--since", "yesterday"); err == nil {
		t.Fatal("--since yesterday accepted")
	}
}
