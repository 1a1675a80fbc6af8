package permits_test

import (
	"context"
	"crypto/rand"
	mrand "math/rand/v2"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"smspark/config"
	"smspark/msisdn"
	"smspark/password"
	"smspark/permits"
	"smspark/sessions"
	"smspark/store"
	"smspark/tariffs"
)

// onStore is a permit Service and a real engine on one real bbolt store,
// the engine asking the Service about permits (as cmd/smspark wires them).
type onStore struct {
	*fixture
	db  *store.DB
	eng *sessions.Engine
}

func newOnStore(t *testing.T) *onStore {
	t.Helper()
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
	clk := &clock{now: at(t, "2026-11-23 10:00")}
	pay := &fakePayments{}
	svc, err := permits.New(context.Background(), permits.Options{Types: referenceTypes(t), Store: db, Payments: pay,
		Clock: clk.Now, Random: mrand.NewChaCha8([32]byte{9}), Location: brussels})
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	ops := map[string]sessions.Operator{}
	for name, op := range cfg.Operators {
		ops[name] = sessions.Operator{Name: name, Billing: op.OperatorBilling, MonthlyLimit: op.MobilePaymentLimit}
	}
	eng, err := sessions.New(context.Background(), sessions.Options{Cities: cfg.Cities, Operators: ops,
		VoucherPrefixes: cfg.VoucherPrefixes(), DefaultLanguage: "en", Location: cfg.Location, Store: db, Clock: clk,
		Numbers: msisdn.Belgium{}, Hasher: password.Bcrypt{Cost: bcrypt.MinCost}, Random: rand.Reader, Permits: svc})
	if err != nil {
		t.Fatal(err)
	}
	return &onStore{fixture: &fixture{tb: t, svc: svc, pay: pay, clock: clk}, db: db, eng: eng}
}

// restart builds a new Service and engine on the store.
func (o *onStore) restart() {
	o.tb.Helper()
	svc, err := permits.New(context.Background(), permits.Options{Types: referenceTypes(o.tb), Store: o.db,
		Payments: o.pay, Clock: o.clock.Now, Location: brussels})
	if err != nil {
		o.tb.Fatal(err)
	}
	cfg := config.Default()
	eng, err := sessions.New(context.Background(), sessions.Options{Cities: cfg.Cities, Location: cfg.Location,
		Store: o.db, Clock: o.clock, Numbers: msisdn.Belgium{}, Hasher: password.Bcrypt{Cost: bcrypt.MinCost},
		Random:    rand.Reader,
		Operators: map[string]sessions.Operator{"proximus": {Name: "proximus", Billing: true, MonthlyLimit: 10000}},
		Permits:   svc})
	if err != nil {
		o.tb.Fatal(err)
	}
	o.svc, o.eng = svc, eng
}

// sms sends text from +32475000001 (Proximus) at when and returns the
// reply's outcome.
func (o *onStore) sms(when, text string) sessions.Reply {
	o.tb.Helper()
	o.clock.Set(at(o.tb, when))
	r, err := o.eng.Handle(context.Background(), sessions.MO{From: "+32475000001", Operator: "proximus", Text: text})
	if err != nil {
		o.tb.Fatal(err)
	}
	return r
}

// TestResidentPermitEndToEnd is the case: a Leuven resident permit
// bought for 1ABC123 and paid after one failed attempt makes the plate
// valid in zone 3000 for the warden, and a start SMS for it answers
// permit_holder; a temporary change moves that to a rental car for three
// days; a restart keeps all of it.
func TestResidentPermitEndToEnd(t *testing.T) {
	o := newOnStore(t)
	ctx := context.Background()
	p, err := o.svc.Buy(ctx, leuven("1-ABC-123"))
	if err != nil {
		t.Fatal(err)
	}
	if p.PriceCents != 12000 {
		t.Fatalf("price %d", p.PriceCents)
	}
	if _, err := o.svc.PaymentResult(ctx, p.ID, p.Payment.Reference, false, "visa"); err != nil {
		t.Fatal(err)
	}
	if r := o.sms("2026-11-23 10:05", "3000 1ABC123"); r.Outcome != sessions.Started {
		t.Fatalf("before payment: %s, want started", r.Outcome)
	}
	if r := o.sms("2026-11-23 10:10", "Q"); r.Outcome != sessions.Stopped {
		t.Fatalf("stop: %s", r.Outcome)
	}
	p, err = o.svc.RetryPayment(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p, err = o.svc.PaymentResult(ctx, p.ID, p.Payment.Reference, true, "bancontact"); err != nil || p.Payment.Attempts != 2 {
		t.Fatalf("paid: %+v, %v", p.Payment, err)
	}

	now := at(t, "2026-11-23 11:00")
	if info, ok := o.svc.Permit("1ABC123", "3000", now); !ok || info.ID != p.ID {
		t.Fatalf("Permit = %+v, %v", info, ok)
	}
	if v := o.eng.Check("1ABC123", "3000", now); !v.Valid || v.Permit == nil || v.Permit.ID != p.ID || v.Session != nil {
		t.Fatalf("warden check %+v", v)
	}
	if v := o.eng.Check("1ABC123", "1021", now); v.Valid {
		t.Fatal("valid in a Brussels zone")
	}
	r := o.sms("2026-11-23 11:00", "3000 1ABC123")
	if r.Outcome != sessions.PermitHolder || len(r.Sessions) != 0 {
		t.Fatalf("start with a permit: %s %q, sessions %v", r.Outcome, r.Text, r.Sessions)
	}

	// A rental car for three days.
	if _, err := o.svc.TemporaryPlate(ctx, p.ID, "1ABC123", "9RENT99", tariffs.Date{}, 3); err != nil {
		t.Fatal(err)
	}
	if r := o.sms("2026-11-24 09:30", "3000 9RENT99"); r.Outcome != sessions.PermitHolder {
		t.Fatalf("rental on day 2: %s", r.Outcome)
	}
	if r := o.sms("2026-11-24 09:31", "3000 1ABC123"); r.Outcome != sessions.Started {
		t.Fatalf("the permit's plate on day 2: %s", r.Outcome)
	}
	o.sms("2026-11-24 09:40", "Q")

	// A restart loads the permit from the store.
	o.restart()
	o.clock.Set(at(t, "2026-11-26 08:00")) // day 4
	if v := o.eng.Check("9RENT99", "3000", o.clock.Now()); v.Valid {
		t.Fatal("the rental is valid on day 4")
	}
	if v := o.eng.Check("1ABC123", "3000", o.clock.Now()); !v.Valid || v.Permit == nil {
		t.Fatal("the permit's plate is not valid on day 4")
	}
	if r := o.sms("2026-11-26 09:00", "3000 1ABC123"); r.Outcome != sessions.PermitHolder {
		t.Fatalf("day 4: %s", r.Outcome)
	}

	// Expiry: a year later the plate parks like any other.
	if r := o.sms("2027-11-23 10:00", "3000 1ABC123"); r.Outcome != sessions.Started {
		t.Fatalf("after expiry: %s", r.Outcome)
	}
}
