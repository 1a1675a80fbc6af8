package main

import (
	"context"
	"crypto/rand"
	"smspark/payments"
	"strings"
	"testing"
	"time"

	"smspark/config"
	"smspark/store"
	"smspark/vouchers"
)

// freePayments refuses to start a payment: the orders of these tests are
// free.
type freePayments struct{}

func (freePayments) Start(context.Context, payments.Request) (payments.Payment, error) {
	return payments.Payment{}, vouchers.ErrPaymentUnavailable
}

// issueVouchers places a free Blankenberge order of 10 vouchers in the
// store in dir and returns the codes.
func issueVouchers(t *testing.T, dir string, at time.Time) []string {
	t.Helper()
	cfg := config.Default()
	db, err := store.Open(dir, store.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc, err := vouchers.New(vouchers.Options{Types: voucherTypes(cfg), Store: db, Clock: func() time.Time { return at },
		Random: rand.Reader, Location: cfg.Location, Payments: freePayments{}})
	if err != nil {
		t.Fatal(err)
	}
	o, err := svc.PlaceOrder(context.Background(), vouchers.OrderRequest{City: "Blankenberge", Type: "BLA",
		Citizen: "An Peeters", Address: vouchers.Address{Street: "Kerkstraat", Number: "12"}, Quantity: 10, Language: "nl"})
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != vouchers.OrderPaid || len(o.Codes) != 10 || o.PriceCents != 0 {
		t.Fatalf("free order: %+v", o)
	}
	return o.Codes
}

// TestVoucherActivationBySMS: "<code> <plate>" starts a 12-hour session in
// the voucher's zone at no cost; the code cannot be used twice; unknown
// and expired codes are refused from 4400.
func TestVoucherActivationBySMS(t *testing.T) {
	dir := t.TempDir()
	codes := issueVouchers(t, dir, mustTime(t, "2026-11-20T09:00:00+01:00"))
	const from = "+32475000001"
	r := sms(t, dir, "2026-11-23T10:00:00+01:00", from, "proximus", codes[0]+" 1-ABC-123")
	if r.Outcome != "voucher_started" || *r.Source != "4411" || len(r.Sessions) != 1 {
		t.Fatalf("activation: %+v", r)
	}
	if s := r.Sessions[0]; s.Zone != "8371" || s.Start != "2026-11-23T10:00:00+01:00" {
		t.Fatalf("session %+v", s)
	}
	if r := sms(t, dir, "2026-11-23T10:05:00+01:00", "+32475000002", "proximus", codes[0]+" 2XYZ999"); r.Outcome != "voucher_used" || *r.Source != "4400" {
		t.Fatalf("second use: %+v", r)
	}
	if r := sms(t, dir, "2026-11-23T10:06:00+01:00", from, "proximus", "BLA22222222"); r.Outcome != "voucher_unknown" {
		t.Fatalf("unknown code: %+v", r)
	}
	// The session ends after 12 hours with voucher_end, cost zero.
	r = sms(t, dir, "2026-11-23T22:01:00+01:00", from, "proximus", "I")
	if len(r.Notices) != 1 || r.Notices[0].Outcome != "session_expired" {
		t.Fatalf("after 12 h: %+v", r)
	}
	out, err := run(t, "sessions", "list", "--data", dir, "--plate", "1ABC123", "--json")
	if err != nil || !contains(out, `"end_reason": "voucher_end"`) || !contains(out, `"end": "2026-11-23T22:00:00+01:00"`) || !contains(out, `"cost_cents": 0`) {
		t.Fatalf("ended voucher session: %v\n%s", err, out)
	}
	// A code used after its validity (365 days) is expired.
	if r := sms(t, dir, "2027-11-21T10:00:00+01:00", from, "proximus", codes[1]); r.Outcome != "voucher_expired" {
		t.Fatalf("after a year: %+v", r)
	}
	// The remembered plate works with a code alone.
	if r := sms(t, dir, "2026-12-01T10:00:00+01:00", from, "proximus", codes[2]); r.Outcome != "voucher_started" || r.Sessions[0].Plate != "1ABC123" {
		t.Fatalf("code alone: %+v", r)
	}
	db, err := store.Open(dir, store.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v, err := db.Voucher(context.Background(), codes[0])
	if err != nil || v.Status != vouchers.StatusUsed || v.Plate != "1ABC123" {
		t.Fatalf("voucher after use: %+v %v", v, err)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
