package daycards_test

import (
	"context"
	"crypto/rand"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"smspark/config"
	"smspark/daycards"
	"smspark/msisdn"
	"smspark/password"
	"smspark/sessions"
	"smspark/store"
)

// TestDayCardEndToEnd runs the day card service and a real engine on one
// real store: a day spent for 1ABC123 in zone 3000 makes the warden's
// lookup valid that day in that zone only, and a start SMS that day
// answers permit_holder.
func TestDayCardEndToEnd(t *testing.T) {
	db, err := store.Open(t.TempDir(), store.Options{Create: true, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Check(context.Background()); err != nil {
			t.Errorf("store check: %v", err)
		}
		db.Close()
	})
	f := &fixture{tb: t, store: db, pay: &fakePayments{}, clock: &clock{now: at(t, "2026-11-23 10:00")}}
	f.open()
	cfg := config.Default()
	eng, err := sessions.New(context.Background(), sessions.Options{Cities: cfg.Cities, Location: cfg.Location,
		Store: db, Clock: f.clock, Numbers: msisdn.Belgium{}, Hasher: password.Bcrypt{Cost: bcrypt.MinCost},
		Random:    rand.Reader,
		Operators: map[string]sessions.Operator{"proximus": {Name: "proximus", Billing: true, MonthlyLimit: 10000}},
		Permits:   f.svc})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c := f.buyPaid(alice, "3000", 5)
	if c, err = f.svc.Spend(ctx, alice, c.ID, "1ABC123", date(t, "2026-11-24"), date(t, "2026-11-25")); err != nil {
		t.Fatal(err)
	}
	if c, err = f.svc.CancelDay(ctx, alice, c.ID, date(t, "2026-11-25")); err != nil || c.Remaining() != 4 {
		t.Fatalf("after cancelling: %d left, %v", c.Remaining(), err)
	}
	checks := []struct {
		zone, when string
		want       bool
	}{
		{"3000", "2026-11-23 12:00", false},
		{"3000", "2026-11-24 12:00", true},
		{"1021", "2026-11-24 12:00", false},
		{"3000", "2026-11-25 12:00", false},
	}
	for _, tt := range checks {
		t.Run(tt.zone+" "+tt.when, func(t *testing.T) {
			if v := eng.Check("1ABC123", tt.zone, at(t, tt.when)); v.Valid != tt.want ||
				(tt.want && (v.Permit == nil || v.Permit.ID != c.ID || v.Permit.Type != daycards.Kind)) {
				t.Fatalf("Check = %+v, want valid %v", v, tt.want)
			}
		})
	}
	f.clock.Set(at(t, "2026-11-24 09:30"))
	r, err := eng.Handle(ctx, sessions.MO{From: alice, Operator: "proximus", Text: "3000 1ABC123"})
	if err != nil || r.Outcome != sessions.PermitHolder {
		t.Fatalf("start on the spent day: %s, %v", r.Outcome, err)
	}
	f.clock.Set(at(t, "2026-11-25 09:30"))
	r, err = eng.Handle(ctx, sessions.MO{From: alice, Operator: "proximus", Text: "3000 1ABC123"})
	if err != nil || r.Outcome != sessions.Started {
		t.Fatalf("start on the cancelled day: %s, %v", r.Outcome, err)
	}
}
