package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"smspark/payments"
	"strings"
	"testing"
	"time"

	"smspark/config"
	"smspark/permits"
	"smspark/store"
)

// permitsFixture writes two permits into a new store: a paid Leuven one
// with a rental car, and a Brussels one awaiting payment.
func permitsFixture(t *testing.T) (dir, leuven, brussels string) {
	t.Helper()
	dir = t.TempDir()
	db, err := store.Open(dir, store.Options{Create: true, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	loc := config.Default().Location
	from := time.Date(2026, 11, 23, 0, 0, 0, 0, loc)
	paid := time.Date(2026, 11, 23, 10, 0, 0, 0, loc)
	l := permits.Permit{ID: "PLEUVEN2345", Type: "leuven-resident", TypeName: "Bewonerskaart", City: "Leuven",
		Zones: []string{"3000"}, Holder: "An Peeters", Plates: []string{"1ABC123"}, Length: permits.Year, From: from,
		Until: permits.Year.End(from, loc), PriceCents: 12000, Status: permits.StatusActive, Created: paid, PaidAt: paid,
		Payment: payments.Payment{Reference: "PAY1", Method: "bancontact", Attempts: 2, LastResult: payments.ResultPaid},
		Changes: []permits.PlateChange{{Kind: permits.ChangeTemporary, Old: "1ABC123", New: "9RENT99", From: paid,
			Until: from.AddDate(0, 0, 3), Made: paid}}}
	b := permits.Permit{ID: "PBRUSSELS23", Type: "brussels-resident", TypeName: "Carte riverain", City: "Brussels",
		Zones: []string{"1021", "1030"}, Plates: []string{"2XYZ999"}, Length: permits.Year, From: from,
		Until: permits.Year.End(from, loc), PriceCents: 7500, Status: permits.StatusAwaitingPayment, Created: paid}
	if err := db.PutPermits(context.Background(), l, b); err != nil {
		t.Fatal(err)
	}
	return dir, l.ID, b.ID
}

func runPermits(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newPermitsCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(t.Context())
	return out.String(), err
}

func TestPermitsList(t *testing.T) {
	dir, leuven, brussels := permitsFixture(t)
	const at = "2026-11-24T12:00:00+01:00"
	tests := []struct {
		name string
		args []string
		want []string // IDs in order
	}{
		{"all", nil, []string{brussels, leuven}},
		{"a city", []string{"--city", "leuven"}, []string{leuven}},
		{"a plate as written", []string{"--plate", "9-rent-99"}, []string{leuven}},
		{"active", []string{"--status", "active"}, []string{leuven}},
		{"awaiting payment", []string{"--status", "awaiting_payment"}, []string{brussels}},
		{"expired a year later", []string{"--status", "expired", "--at", "2027-11-23T00:00:00+01:00"}, []string{leuven}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runPermits(t, append([]string{"list", "--data", dir, "--at", at, "--json"}, tt.args...)...)
			if err != nil {
				t.Fatal(err, out)
			}
			var got []permitJSON
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			var ids []string
			for _, p := range got {
				ids = append(ids, p.ID)
			}
			if strings.Join(ids, ",") != strings.Join(tt.want, ",") {
				t.Fatalf("IDs %v, want %v", ids, tt.want)
			}
		})
	}

	out, err := runPermits(t, "list", "--data", dir, "--at", at)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ID") ||
		!strings.Contains(lines[2], leuven) || !strings.Contains(lines[2], "1ABC123") || !strings.Contains(lines[2], "active") ||
		!strings.Contains(lines[2], "120.00") || !strings.Contains(lines[2], "2027-11-23") {
		t.Fatalf("table:\n%s", out)
	}
}

func TestPermitsShow(t *testing.T) {
	dir, leuven, _ := permitsFixture(t)
	out, err := runPermits(t, "show", "--data", dir, "--at", "2026-11-24T12:00:00+01:00", "--json", strings.ToLower(leuven))
	if err != nil {
		t.Fatal(err, out)
	}
	var p permitJSON
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	if p.Status != "active" || strings.Join(p.ValidPlates, ",") != "9RENT99" || strings.Join(p.Plates, ",") != "1ABC123" ||
		p.From != "2026-11-23T00:00:00+01:00" || p.Paid == nil || len(p.Changes) != 1 {
		t.Fatalf("show --json: %+v", p)
	}
	out, err = runPermits(t, "show", "--data", dir, "--at", "2026-11-24T12:00:00+01:00", leuven)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Bewonerskaart (leuven-resident)", "Valid now", "9RENT99", "1ABC123 → 9RENT99", "120.00", "bancontact"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	if _, err := runPermits(t, "show", "--data", dir, "PNOPE"); !errors.Is(err, permits.ErrPermitNotFound) {
		t.Fatalf("an unknown permit: %v", err)
	}
	if _, err := runPermits(t, "list", "--data", dir, "--plate", "??"); err == nil {
		t.Fatal("a bad plate is accepted")
	}
}
