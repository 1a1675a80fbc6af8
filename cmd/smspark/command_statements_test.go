package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"smspark/billing"
)

func TestStatementsGenerate(t *testing.T) {
	dir := storeDir(t)
	out, err := run(t, "accounts", "create", "--data", dir, "--package", "premium", "--number", "+32475000001", "--number", "+32475000002")
	if err != nil {
		t.Fatal(err, out)
	}
	acct := strings.TrimSpace(out)
	for _, s := range []struct{ at, from, text string }{
		{"2026-10-31T20:00:00+01:00", "+32475000001", "1021 1ABC123"}, // first use: free
		{"2026-10-31T20:30:00+01:00", "+32475000001", "Q"},            // ended in October: not on November's
		{"2026-11-23T10:00:00+01:00", "+32475000001", "1021 1ABC123"},
		{"2026-11-23T11:08:00+01:00", "+32475000001", "Q"}, // 283
		{"2026-11-24T10:00:00+01:00", "+32475000002", "8500 2XYZ999"},
		{"2026-11-24T10:45:00+01:00", "+32475000002", "Q"}, // 38 (first use of this number: Kortrijk has none)
		// Ends at its 2-hour maximum, 22:00 on the 30th; charged 20:00-21:00 at
		// €3.00: 300. The Q the next day finds nothing.
		{"2026-11-30T20:00:00+01:00", "+32475000001", "1030 1ABC123"},
		{"2026-12-01T09:30:00+01:00", "+32475000001", "Q"},
	} {
		sms(t, dir, s.at, s.from, "proximus", s.text)
	}
	gen := func() map[string][]byte {
		outDir := t.TempDir()
		if out, err := run(t, "statements", "generate", "--data", dir, "--month", "2026-11", "--out", outDir); err != nil {
			t.Fatal(err, out)
		}
		files := map[string][]byte{}
		for _, ext := range []string{".json", ".csv", ".pdf"} {
			b, err := os.ReadFile(filepath.Join(outDir, acct+"-2026-11"+ext))
			if err != nil {
				t.Fatal(err)
			}
			files[ext] = b
		}
		var st struct {
			Lines []struct {
				CostCents        int64 `json:"cost_cents"`
				TransactionCents int64 `json:"transaction_cents"`
			} `json:"lines"`
			TotalCents    int64  `json:"total_cents"`
			Communication string `json:"communication"`
		}
		if err := json.Unmarshal(files[".json"], &st); err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, l := range st.Lines {
			sum += l.CostCents + l.TransactionCents
		}
		if len(st.Lines) != 3 || sum != st.TotalCents || st.TotalCents != 283+38+300 {
			t.Fatalf("statement: %d lines, total %d, sum %d: %s", len(st.Lines), st.TotalCents, sum, files[".json"])
		}
		if _, err := billing.ParseStructured(st.Communication); err != nil {
			t.Fatal(err)
		}
		return files
	}
	a, b := gen(), gen()
	for ext := range a {
		if !bytes.Equal(a[ext], b[ext]) {
			t.Errorf("%s differs when generated again", ext)
		}
	}
}
