package daycards_test

import (
	"context"
	"errors"
	"smspark/payments"
	"testing"
	"time"

	"smspark/billing"
	"smspark/daycards"
	"smspark/permits"
	"smspark/tariffs"
)

func TestBuy(t *testing.T) {
	tests := []struct {
		name   string
		number string
		zone   string
		days   int
		price  int64
		want   error
	}{
		{"5 days of Leuven", alice, "3000", 5, 4000, nil},
		{"2 days of Louise", alice, "1021", 2, 3000, nil},
		{"100 days", alice, "1030", 100, 180000, nil},
		{"Kortrijk has no day price", alice, "8500", 1, 0, daycards.ErrUnknownZone},
		{"no such zone", alice, "9999", 1, 0, daycards.ErrUnknownZone},
		{"no days", alice, "3000", 0, 0, daycards.ErrInvalidRequest},
		{"too many days", alice, "3000", 101, 0, daycards.ErrInvalidRequest},
		{"no owner", "", "3000", 1, 0, daycards.ErrInvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			c, err := f.svc.Buy(context.Background(), tt.number, tt.zone, tt.days)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Buy: %v, want %v", err, tt.want)
			}
			if err != nil {
				return
			}
			if c.PriceCents != tt.price || c.Days != tt.days || c.Status != daycards.StatusAwaitingPayment ||
				c.Remaining() != tt.days || c.Payment.Reference != "pay-1" || c.Communication != billing.StructuredFor("daycard|"+c.ID) {
				t.Fatalf("card %+v", c)
			}
			if r := f.pay.reqs[0]; r.ID != c.ID || r.Kind != daycards.Kind || r.AmountCents != tt.price {
				t.Fatalf("payment request %+v", r)
			}
		})
	}
}

func TestPayment(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c, err := f.svc.Buy(ctx, alice, "3000", 5)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Spend(ctx, alice, c.ID, "1ABC123", date(t, "2026-11-24")); !errors.Is(err, daycards.ErrNotPaid) {
		t.Fatalf("spending an unpaid card: %v", err)
	}
	if c, err = f.svc.PaymentResult(ctx, c.ID, "pay-1", false, "visa"); err != nil || c.Payment.LastResult != payments.ResultFailed {
		t.Fatalf("failed payment: %+v, %v", c.Payment, err)
	}
	if _, err := f.svc.RetryPayment(ctx, bob, c.ID); !errors.Is(err, daycards.ErrCardNotFound) {
		t.Fatalf("another number's retry: %v", err)
	}
	if c, err = f.svc.RetryPayment(ctx, alice, c.ID); err != nil || c.Payment.Reference != "pay-2" {
		t.Fatalf("retry: %+v, %v", c.Payment, err)
	}
	if _, err := f.svc.PaymentResult(ctx, c.ID, "pay-1", true, "visa"); !errors.Is(err, daycards.ErrWrongReference) ||
		!errors.Is(err, permits.ErrWrongReference) {
		t.Fatalf("the superseded attempt: %v", err)
	}
	if c, err = f.svc.PaymentResult(ctx, c.ID, "pay-2", true, "bancontact"); err != nil || c.Status != daycards.StatusPaid ||
		c.Payment.Attempts != 2 {
		t.Fatalf("paid: %+v, %v", c, err)
	}
	if _, err := f.svc.Cancel(ctx, alice, c.ID); !errors.Is(err, daycards.ErrNotCancellable) {
		t.Fatalf("cancelling a paid card: %v", err)
	}
	if _, err := f.svc.RetryPayment(ctx, alice, c.ID); !errors.Is(err, daycards.ErrNotPayable) {
		t.Fatalf("retrying a paid card: %v", err)
	}

	// The provider down: the card is kept, and can be cancelled.
	f.pay.down = errors.New("down")
	c, err = f.svc.Buy(ctx, alice, "1021", 1)
	if !errors.Is(err, daycards.ErrPaymentUnavailable) || c.ID == "" {
		t.Fatalf("Buy with the provider down: %v", err)
	}
	if c, err = f.svc.Cancel(ctx, alice, c.ID); err != nil || c.Status != daycards.StatusCancelled {
		t.Fatalf("Cancel: %+v, %v", c, err)
	}
}

// TestSpendAndCancel is the case: 5 days bought, 2 spent, 1
// future day cancelled: 4 left, and the plate valid on the spent day in
// that zone only.
func TestSpendAndCancel(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.buyPaid(alice, "3000", 5)
	c, err := f.svc.Spend(ctx, alice, c.ID, "1-abc-123", date(t, "2026-11-24"), date(t, "2026-11-26"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Remaining() != 3 {
		t.Fatalf("remaining after spending 2: %d", c.Remaining())
	}
	if c, err = f.svc.CancelDay(ctx, alice, c.ID, date(t, "2026-11-26")); err != nil {
		t.Fatal(err)
	}
	if c.Remaining() != 4 {
		t.Fatalf("remaining after cancelling 1: %d", c.Remaining())
	}
	tests := []struct {
		plate, zone, when string
		want              bool
	}{
		{"1ABC123", "3000", "2026-11-23 12:00", false},
		{"1ABC123", "3000", "2026-11-24 00:00", true},
		{"1ABC123", "3000", "2026-11-24 12:00", true},
		{"1ABC123", "3000", "2026-11-24 23:59", true},
		{"1ABC123", "1021", "2026-11-24 12:00", false},
		{"2XYZ999", "3000", "2026-11-24 12:00", false},
		{"1ABC123", "3000", "2026-11-25 00:00", false},
		{"1ABC123", "3000", "2026-11-26 12:00", false}, // cancelled
	}
	for _, tt := range tests {
		t.Run(tt.plate+" "+tt.zone+" "+tt.when, func(t *testing.T) {
			if got := f.valid(tt.plate, tt.zone, tt.when); got != tt.want {
				t.Fatalf("valid = %v, want %v", got, tt.want)
			}
		})
	}
	info, _ := f.svc.Permit("1ABC123", "3000", at(t, "2026-11-24 12:00"))
	if info.ID != c.ID || info.Type != daycards.Kind || !info.From.Equal(at(t, "2026-11-24 00:00")) ||
		!info.Until.Equal(at(t, "2026-11-25 00:00")) {
		t.Fatalf("PermitInfo %+v", info)
	}

	// The cancelled day can be spent again, for another plate.
	if c, err = f.svc.Spend(ctx, alice, c.ID, "2XYZ999", date(t, "2026-11-26")); err != nil || c.Remaining() != 3 {
		t.Fatalf("spending the day again: %v", err)
	}
	statuses := map[string]daycards.UseStatus{}
	f.clock.Set(at(t, "2026-11-24 15:00"))
	for _, u := range c.Uses {
		statuses[u.Date+" "+u.Plate] = u.StatusAt(f.clock.Now(), brussels)
	}
	want := map[string]daycards.UseStatus{"2026-11-24 1ABC123": daycards.UseActive,
		"2026-11-26 1ABC123": daycards.UseCancelled, "2026-11-26 2XYZ999": daycards.UseIssued}
	for k, v := range want {
		if statuses[k] != v {
			t.Errorf("%s: %s, want %s", k, statuses[k], v)
		}
	}
	if u := c.Uses[0]; u.StatusAt(at(t, "2026-11-25 00:00"), brussels) != daycards.UsePast {
		t.Errorf("yesterday's day is %s", u.StatusAt(at(t, "2026-11-25 00:00"), brussels))
	}

	// A restart loads the days from today on.
	f.open()
	if !f.valid("1ABC123", "3000", "2026-11-24 16:00") || !f.valid("2XYZ999", "3000", "2026-11-26 16:00") {
		t.Fatal("days lost on restart")
	}
	cards, err := f.svc.CardsOf(ctx, alice)
	if err != nil || len(cards) != 1 || cards[0].Remaining() != 3 {
		t.Fatalf("CardsOf = %+v, %v", cards, err)
	}
}

func TestSpendRefused(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.buyPaid(alice, "3000", 3)
	if _, err := f.svc.Spend(ctx, alice, c.ID, "1ABC123", date(t, "2026-11-25")); err != nil {
		t.Fatal(err)
	}
	unpaid, err := f.svc.Buy(ctx, alice, "3000", 3)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		now    string
		number string
		id     string
		plate  string
		dates  []string
		want   error
	}{
		{"yesterday", "", alice, c.ID, "1ABC123", []string{"2026-11-22"}, daycards.ErrInvalidDate},
		{"too far ahead", "", alice, c.ID, "1ABC123", []string{"2027-12-01"}, daycards.ErrInvalidDate},
		{"a Sunday: Leuven charges nothing", "", alice, c.ID, "1ABC123", []string{"2026-11-29"}, daycards.ErrFreeDay},
		{"Christmas", "", alice, c.ID, "1ABC123", []string{"2026-12-25"}, daycards.ErrFreeDay},
		{"today after 19:00", "2026-11-23 19:30", alice, c.ID, "1ABC123", []string{"2026-11-23"}, daycards.ErrFreeDay},
		{"spent already", "", alice, c.ID, "2XYZ999", []string{"2026-11-25"}, daycards.ErrAlreadySpent},
		{"a date twice", "", alice, c.ID, "1ABC123", []string{"2026-11-26", "2026-11-26"}, daycards.ErrInvalidRequest},
		{"no date", "", alice, c.ID, "1ABC123", nil, daycards.ErrInvalidRequest},
		{"more days than left", "", alice, c.ID, "1ABC123", []string{"2026-11-26", "2026-11-27", "2026-11-28"},
			daycards.ErrNoDaysLeft},
		{"not a plate", "", alice, c.ID, "1ABC 123 X?", []string{"2026-11-26"}, daycards.ErrInvalidPlate},
		{"another number's card", "", bob, c.ID, "1ABC123", []string{"2026-11-26"}, daycards.ErrCardNotFound},
		{"no such card", "", alice, "DNOPE", "1ABC123", []string{"2026-11-26"}, daycards.ErrCardNotFound},
		{"not paid", "", alice, unpaid.ID, "1ABC123", []string{"2026-11-26"}, daycards.ErrNotPaid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.clock.Set(at(t, "2026-11-23 10:00"))
			if tt.now != "" {
				f.clock.Set(at(t, tt.now))
			}
			var ds []tariffs.Date
			for _, d := range tt.dates {
				ds = append(ds, date(t, d))
			}
			if _, err := f.svc.Spend(ctx, tt.number, tt.id, tt.plate, ds...); !errors.Is(err, tt.want) {
				t.Fatalf("Spend: %v, want %v", err, tt.want)
			}
		})
	}
	// Nothing of the refused spends was written.
	if got, _ := f.svc.Get(ctx, "", c.ID); got.Remaining() != 2 || len(got.Uses) != 1 {
		t.Fatalf("card after refusals: %+v", got)
	}
}

func TestCancelDayRefused(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.buyPaid(alice, "3000", 3)
	if _, err := f.svc.Spend(ctx, alice, c.ID, "1ABC123", date(t, "2026-11-23"), date(t, "2026-11-24")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		now    string
		number string
		date   string
		want   error
	}{
		{"today", "2026-11-23 10:00", alice, "2026-11-23", daycards.ErrNotCancellable},
		{"tomorrow, seen from tomorrow", "2026-11-24 00:00", alice, "2026-11-24", daycards.ErrNotCancellable},
		{"a past day", "2026-11-25 10:00", alice, "2026-11-24", daycards.ErrNotCancellable},
		{"a day not spent", "2026-11-23 10:00", alice, "2026-11-27", daycards.ErrDayNotFound},
		{"another number", "2026-11-23 10:00", bob, "2026-11-24", daycards.ErrCardNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.clock.Set(at(t, tt.now))
			if _, err := f.svc.CancelDay(ctx, tt.number, c.ID, date(t, tt.date)); !errors.Is(err, tt.want) {
				t.Fatalf("CancelDay: %v, want %v", err, tt.want)
			}
		})
	}
	f.clock.Set(at(t, "2026-11-23 23:59"))
	if c, err := f.svc.CancelDay(ctx, alice, c.ID, date(t, "2026-11-24")); err != nil || c.Remaining() != 2 {
		t.Fatalf("cancelling tomorrow: %v", err)
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	now := at(t, "2026-11-23 10:00")
	good := daycards.Options{Store: &memStore{}, Payments: &fakePayments{}, Clock: func() time.Time { return now }}
	tests := []struct {
		name   string
		change func(o *daycards.Options)
	}{
		{"no store", func(o *daycards.Options) { o.Store = nil }},
		{"no payments", func(o *daycards.Options) { o.Payments = nil }},
		{"no clock", func(o *daycards.Options) { o.Clock = nil }},
		{"a zone twice", func(o *daycards.Options) { o.Zones = append(zones(), zones()[0]) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := good
			tt.change(&o)
			if _, err := daycards.New(context.Background(), o); !errors.Is(err, daycards.ErrInvalidOptions) {
				t.Fatalf("New: %v, want ErrInvalidOptions", err)
			}
		})
	}
}
