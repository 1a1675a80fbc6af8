package permits_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"smspark/payments"
	"sync"
	"testing"
	"time"

	"smspark/billing"
	"smspark/permits"
	"smspark/tariffs"
)

func TestBuyRefused(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name   string
		change func(r *permits.BuyRequest)
		want   error
	}{
		{"unknown type", func(r *permits.BuyRequest) { r.Type = "leuven-visitor" }, permits.ErrUnknownType},
		{"another city's type", func(r *permits.BuyRequest) { r.City = "Brussels" }, permits.ErrUnknownType},
		{"no monthly Carte riverain", func(r *permits.BuyRequest) {
			r.City, r.Type, r.Length = "Brussels", "brussels-resident", permits.Month
		}, permits.ErrUnknownLength},
		{"no length", func(r *permits.BuyRequest) { r.Length = "" }, permits.ErrUnknownLength},
		{"no plate", func(r *permits.BuyRequest) { r.Plates = nil }, permits.ErrInvalidRequest},
		{"four plates", func(r *permits.BuyRequest) { r.Plates = []string{"1AAA111", "2BBB222", "3CCC333", "4DDD444"} },
			permits.ErrInvalidRequest},
		{"a plate twice", func(r *permits.BuyRequest) { r.Plates = []string{"1ABC123", "1-abc-123"} }, permits.ErrInvalidRequest},
		{"not a plate", func(r *permits.BuyRequest) { r.Plates = []string{"1ABC123!"} }, permits.ErrInvalidPlate},
		{"yesterday", func(r *permits.BuyRequest) { r.Start = tariffs.Date{Year: 2026, Month: 11, Day: 22} }, permits.ErrInvalidDate},
		{"too far ahead", func(r *permits.BuyRequest) { r.Start = tariffs.Date{Year: 2027, Month: 12, Day: 1} }, permits.ErrInvalidDate},
		{"no such day", func(r *permits.BuyRequest) { r.Start = tariffs.Date{Year: 2027, Month: 2, Day: 30} }, permits.ErrInvalidDate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := leuven("1ABC123")
			tt.change(&req)
			if _, err := f.svc.Buy(context.Background(), req); !errors.Is(err, tt.want) {
				t.Fatalf("Buy: %v, want %v", err, tt.want)
			}
		})
	}
	if len(f.store.permits) != 0 {
		t.Fatalf("refused purchases were stored: %v", f.store.permits)
	}
}

func TestBuyPrices(t *testing.T) {
	tests := []struct {
		name      string
		req       permits.BuyRequest
		price     int64
		from, end string
	}{
		{"Leuven, a year from today", leuven("1ABC123"), 12000, "2026-11-23 00:00", "2027-11-23 00:00"},
		{"Leuven, a month from 1 December", func() permits.BuyRequest {
			r := leuven("1-abc-123", "2 xyz 999")
			r.Length, r.Start = permits.Month, tariffs.Date{Year: 2026, Month: 12, Day: 1}
			return r
		}(), 1500, "2026-12-01 00:00", "2027-01-01 00:00"},
		{"Brussels, a year, three plates", permits.BuyRequest{City: "brussels", Type: "BRUSSELS-RESIDENT",
			Length: permits.Year, Plates: []string{"1AAA111", "2BBB222", "3CCC333"}}, 7500, "2026-11-23 00:00", "2027-11-23 00:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			p, err := f.svc.Buy(context.Background(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if p.PriceCents != tt.price || !p.From.Equal(at(t, tt.from)) || !p.Until.Equal(at(t, tt.end)) {
				t.Fatalf("permit %+v: want %d cents, %s – %s", p, tt.price, tt.from, tt.end)
			}
			if p.Status != permits.StatusAwaitingPayment || p.Payment.Reference != "pay-1" ||
				p.Payment.LastResult != payments.ResultPending || p.Communication != billing.StructuredFor("permit|"+p.ID) {
				t.Fatalf("payment of %+v", p)
			}
			if r := f.pay.reqs[0]; r.ID != p.ID || r.AmountCents != tt.price || r.Kind != "permit" || r.Communication != p.Communication {
				t.Fatalf("payment request %+v", r)
			}
			for _, pl := range p.Plates {
				if f.valid(pl, p.Zones[0], "2026-12-15 12:00") {
					t.Errorf("%s valid before payment", pl)
				}
			}
		})
	}
}

// TestPaymentRetry is the seed's "Väntar på betalning": a failed payment
// is tried again on the same permit; only the current attempt counts.
func TestPaymentRetry(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p, err := f.svc.Buy(ctx, leuven("1ABC123"))
	if err != nil {
		t.Fatal(err)
	}
	first := p.Payment.Reference
	steps := []struct {
		name      string
		do        func() (permits.Permit, error)
		wantErr   error
		status    permits.Status
		attempts  int
		result    string
		validThen bool
	}{
		{"the first attempt fails", func() (permits.Permit, error) {
			return f.svc.PaymentResult(ctx, p.ID, first, false, "visa")
		}, nil, permits.StatusAwaitingPayment, 1, payments.ResultFailed, false},
		{"the failure again changes nothing", func() (permits.Permit, error) {
			return f.svc.PaymentResult(ctx, p.ID, first, false, "visa")
		}, nil, permits.StatusAwaitingPayment, 1, payments.ResultFailed, false},
		{"retry", func() (permits.Permit, error) { return f.svc.RetryPayment(ctx, p.ID) },
			nil, permits.StatusAwaitingPayment, 1, payments.ResultPending, false},
		{"the first attempt's success comes late", func() (permits.Permit, error) {
			return f.svc.PaymentResult(ctx, p.ID, first, true, "visa")
		}, permits.ErrWrongReference, permits.StatusAwaitingPayment, 1, payments.ResultPending, false},
		{"the second attempt succeeds", func() (permits.Permit, error) {
			return f.svc.PaymentResult(ctx, p.ID, "pay-2", true, "bancontact")
		}, nil, permits.StatusActive, 2, payments.ResultPaid, true},
		{"its callback again changes nothing", func() (permits.Permit, error) {
			return f.svc.PaymentResult(ctx, p.ID, "pay-2", true, "bancontact")
		}, nil, permits.StatusActive, 2, payments.ResultPaid, true},
		{"no retry once paid", func() (permits.Permit, error) { return f.svc.RetryPayment(ctx, p.ID) },
			permits.ErrNotPayable, permits.StatusActive, 2, payments.ResultPaid, true},
		{"no cancel once paid", func() (permits.Permit, error) { return f.svc.Cancel(ctx, p.ID) },
			permits.ErrNotCancellable, permits.StatusActive, 2, payments.ResultPaid, true},
		{"an unknown permit", func() (permits.Permit, error) {
			return f.svc.PaymentResult(ctx, "PNOPE", "pay-2", true, "")
		}, permits.ErrPermitNotFound, permits.StatusActive, 2, payments.ResultPaid, true},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if _, err := s.do(); !errors.Is(err, s.wantErr) {
				t.Fatalf("err = %v, want %v", err, s.wantErr)
			}
			got, err := f.svc.Get(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != s.status || got.Payment.Attempts != s.attempts || got.Payment.LastResult != s.result {
				t.Fatalf("permit: %s, %d attempts, %s; want %s, %d, %s", got.Status, got.Payment.Attempts,
					got.Payment.LastResult, s.status, s.attempts, s.result)
			}
			if v := f.valid("1ABC123", "3000", "2026-11-23 12:00"); v != s.validThen {
				t.Fatalf("valid = %v, want %v", v, s.validThen)
			}
		})
	}
	got, _ := f.svc.Get(ctx, p.ID)
	if got.Payment.Method != "bancontact" || !got.PaidAt.Equal(f.clock.Now()) {
		t.Fatalf("paid permit %+v", got)
	}
}

func TestPaymentUnavailable(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.pay.down = errDown
	p, err := f.svc.Buy(ctx, leuven("1ABC123"))
	if !errors.Is(err, permits.ErrPaymentUnavailable) || !errors.Is(err, errDown) || p.ID == "" {
		t.Fatalf("Buy with the provider down: %+v, %v", p, err)
	}
	if got, _ := f.svc.Get(ctx, p.ID); got.Status != permits.StatusAwaitingPayment || got.Payment.Reference != "" {
		t.Fatalf("kept permit %+v", got)
	}
	f.pay.down = nil
	if p, err = f.svc.RetryPayment(ctx, p.ID); err != nil || p.Payment.Reference != "pay-1" {
		t.Fatalf("RetryPayment = %+v, %v", p.Payment, err)
	}
	if p, err = f.svc.Cancel(ctx, p.ID); err != nil || p.Status != permits.StatusCancelled {
		t.Fatalf("Cancel = %s, %v", p.Status, err)
	}
	if _, err := f.svc.PaymentResult(ctx, p.ID, "pay-1", true, ""); !errors.Is(err, permits.ErrNotPayable) {
		t.Fatalf("paying a cancelled permit: %v", err)
	}
	if _, err := f.svc.RetryPayment(ctx, p.ID); !errors.Is(err, permits.ErrNotPayable) {
		t.Fatalf("retrying a cancelled permit: %v", err)
	}
}

func TestFreePermit(t *testing.T) {
	f := newFixture(t, permits.Type{ID: "leuven-carer", City: "Leuven", Name: "Zorgkaart", Zones: []string{"3000"},
		Prices: map[permits.Length]int64{permits.Year: 0}})
	p, err := f.svc.Buy(context.Background(), permits.BuyRequest{City: "Leuven", Type: "leuven-carer",
		Length: permits.Year, Plates: []string{"1ABC123"}})
	if err != nil || p.Status != permits.StatusActive || p.Payment.Method != payments.MethodFree || len(f.pay.reqs) != 0 {
		t.Fatalf("free permit %+v, %v", p, err)
	}
	if !f.valid("1ABC123", "3000", "2026-11-23 10:00") {
		t.Fatal("a free permit is not valid at once")
	}
}

// TestValidity checks the index over a permit's life.
func TestValidity(t *testing.T) {
	f := newFixture(t)
	req := leuven("1ABC123", "2XYZ999")
	req.Length, req.Start = permits.Month, tariffs.Date{Year: 2026, Month: 12, Day: 1}
	p := f.buyPaid(req)
	if st := p.StatusAt(f.clock.Now()); st != permits.StatusScheduled {
		t.Fatalf("status %s, want scheduled", st)
	}
	tests := []struct {
		plate, zone, when string
		want              bool
	}{
		{"1ABC123", "3000", "2026-11-30 23:59", false},
		{"1ABC123", "3000", "2026-12-01 00:00", true},
		{"2XYZ999", "3000", "2026-12-24 15:00", true},
		{"2XYZ999", "1021", "2026-12-24 15:00", false},
		{"3DEF456", "3000", "2026-12-24 15:00", false},
		{"1ABC123", "3000", "2026-12-31 23:59", true},
		{"1ABC123", "3000", "2027-01-01 00:00", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s in %s at %s", tt.plate, tt.zone, tt.when), func(t *testing.T) {
			info, ok := f.svc.Permit(tt.plate, tt.zone, at(t, tt.when))
			if ok != tt.want {
				t.Fatalf("Permit = %v, want %v", ok, tt.want)
			}
			if ok && (info.ID != p.ID || info.Type != "leuven-resident" || info.Plate != tt.plate ||
				!slices.Equal(info.Zones, []string{"3000"}) || !info.From.Equal(p.From) || !info.Until.Equal(p.Until)) {
				t.Fatalf("PermitInfo = %+v", info)
			}
		})
	}
}

// TestTemporaryPlate: a rental car for 3 days from Monday 10:00 is valid
// instead of the permit's plate until Thursday 00:00, then the permit's
// plate again by itself.
func TestTemporaryPlate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := f.buyPaid(leuven("1ABC123"))
	p, err := f.svc.TemporaryPlate(ctx, p.ID, "1-ABC-123", "9 rent 99", tariffs.Date{}, 3)
	if err != nil {
		t.Fatal(err)
	}
	c := p.Changes[0]
	if c.Kind != permits.ChangeTemporary || !c.From.Equal(at(t, "2026-11-23 10:00")) || !c.Until.Equal(at(t, "2026-11-26 00:00")) {
		t.Fatalf("change %+v", c)
	}
	tests := []struct {
		when           string
		permit, rental bool
	}{
		{"2026-11-23 09:59", true, false}, // before the change was made
		{"2026-11-23 10:00", false, true}, // day 1
		{"2026-11-24 12:00", false, true}, // day 2
		{"2026-11-25 23:59", false, true}, // day 3
		{"2026-11-26 00:00", true, false}, // day 4: back to the permit's plate
		{"2026-12-15 12:00", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.when, func(t *testing.T) {
			if got := f.valid("1ABC123", "3000", tt.when); got != tt.permit {
				t.Errorf("1ABC123 valid = %v, want %v", got, tt.permit)
			}
			if got := f.valid("9RENT99", "3000", tt.when); got != tt.rental {
				t.Errorf("9RENT99 valid = %v, want %v", got, tt.rental)
			}
		})
	}
	info, _ := f.svc.Permit("9RENT99", "3000", at(t, "2026-11-24 12:00"))
	if !info.Until.Equal(at(t, "2026-11-26 00:00")) {
		t.Errorf("the rental's validity ends %s", info.Until)
	}
	if got := p.CurrentPlates(f.clock.Now()); !slices.Equal(got, []string{"1ABC123"}) {
		t.Errorf("registered plates during the rental: %v", got)
	}
}

func TestPlateChangesRefused(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := f.buyPaid(leuven("1ABC123", "2XYZ999"))
	if _, err := f.svc.TemporaryPlate(ctx, p.ID, "1ABC123", "9RENT99", tariffs.Date{Year: 2026, Month: 12, Day: 1}, 5); err != nil {
		t.Fatal(err)
	}
	expired := f.buyPaid(func() permits.BuyRequest {
		r := leuven("5OLD555")
		r.Length = permits.Month
		return r
	}())
	unpaid, err := f.svc.Buy(ctx, leuven("6NEW666"))
	if err != nil {
		t.Fatal(err)
	}
	dec := tariffs.Date{Year: 2026, Month: 12, Day: 3}
	tests := []struct {
		name string
		do   func() error
		want error
	}{
		{"permanent: not on the permit", func() error {
			_, err := f.svc.ChangePlate(ctx, p.ID, "3DEF456", "4GHI789")
			return err
		}, permits.ErrPlateNotOnPermit},
		{"permanent: the new plate is on it", func() error {
			_, err := f.svc.ChangePlate(ctx, p.ID, "1ABC123", "2XYZ999")
			return err
		}, permits.ErrPlateConflict},
		{"permanent: the same plate", func() error {
			_, err := f.svc.ChangePlate(ctx, p.ID, "1ABC123", "1-ABC-123")
			return err
		}, permits.ErrInvalidRequest},
		{"permanent: a plate with a planned rental", func() error {
			_, err := f.svc.ChangePlate(ctx, p.ID, "1ABC123", "4GHI789")
			return err
		}, permits.ErrPlateConflict},
		{"permanent: not a plate", func() error {
			_, err := f.svc.ChangePlate(ctx, p.ID, "2XYZ999", "?")
			return err
		}, permits.ErrInvalidPlate},
		{"temporary: overlapping rental of the same plate", func() error {
			_, err := f.svc.TemporaryPlate(ctx, p.ID, "1ABC123", "8RENT88", dec, 2)
			return err
		}, permits.ErrPlateConflict},
		{"temporary: the rental plate lent to the other plate too", func() error {
			_, err := f.svc.TemporaryPlate(ctx, p.ID, "2XYZ999", "9RENT99", dec, 2)
			return err
		}, permits.ErrPlateConflict},
		{"temporary: zero days", func() error {
			_, err := f.svc.TemporaryPlate(ctx, p.ID, "2XYZ999", "8RENT88", dec, 0)
			return err
		}, permits.ErrInvalidRequest},
		{"temporary: in the past", func() error {
			_, err := f.svc.TemporaryPlate(ctx, p.ID, "2XYZ999", "8RENT88", tariffs.Date{Year: 2026, Month: 11, Day: 1}, 2)
			return err
		}, permits.ErrInvalidDate},
		{"temporary: after the permit", func() error {
			_, err := f.svc.TemporaryPlate(ctx, expired.ID, "5OLD555", "8RENT88", tariffs.Date{Year: 2027, Month: 1, Day: 5}, 2)
			return err
		}, permits.ErrInvalidDate},
		{"an expired permit", func() error {
			f.clock.Set(at(t, "2026-12-23 00:00"))
			defer f.clock.Set(at(t, "2026-11-23 10:00"))
			_, err := f.svc.ChangePlate(ctx, expired.ID, "5OLD555", "4GHI789")
			return err
		}, permits.ErrNotChangeable},
		{"an unknown permit", func() error {
			_, err := f.svc.ChangePlate(ctx, "PNOPE", "5OLD555", "4GHI789")
			return err
		}, permits.ErrPermitNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.do(); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	// A permit awaiting payment can have its plate corrected.
	if q, err := f.svc.ChangePlate(ctx, unpaid.ID, "6NEW666", "6NEW667"); err != nil ||
		!slices.Equal(q.CurrentPlates(f.clock.Now()), []string{"6NEW667"}) {
		t.Fatalf("correcting an unpaid permit's plate: %v, %v", q.CurrentPlates(f.clock.Now()), err)
	}
}

func TestPermanentPlateChange(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := f.buyPaid(leuven("1ABC123", "2XYZ999"))
	f.clock.Set(at(t, "2026-12-01 09:00"))
	p, err := f.svc.ChangePlate(ctx, p.ID, "2xyz999", "3-DEF-456")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.CurrentPlates(f.clock.Now()); !slices.Equal(got, []string{"1ABC123", "3DEF456"}) {
		t.Fatalf("plates %v", got)
	}
	tests := []struct {
		plate, when string
		want        bool
	}{
		{"2XYZ999", "2026-12-01 08:59", true}, // the past stays as it was
		{"3DEF456", "2026-12-01 08:59", false},
		{"2XYZ999", "2026-12-01 09:00", false},
		{"3DEF456", "2026-12-01 09:00", true},
		{"3DEF456", "2027-11-22 23:59", true},
		{"1ABC123", "2027-06-01 12:00", true},
	}
	for _, tt := range tests {
		t.Run(tt.plate+" at "+tt.when, func(t *testing.T) {
			if got := f.valid(tt.plate, "3000", tt.when); got != tt.want {
				t.Fatalf("valid = %v, want %v", got, tt.want)
			}
		})
	}
	ps, err := f.svc.OfPlate(ctx, "2-XYZ-999")
	if err != nil || len(ps) != 1 || ps[0].ID != p.ID {
		t.Fatalf("OfPlate of the old plate: %v, %v", ps, err)
	}
}

func TestRenewal(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	req := leuven("1ABC123", "2XYZ999")
	req.Length = permits.Month
	old := f.buyPaid(req) // 2026-11-23 – 2026-12-23
	if _, err := f.svc.ChangePlate(ctx, old.ID, "2XYZ999", "3DEF456"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.TemporaryPlate(ctx, old.ID, "1ABC123", "9RENT99", tariffs.Date{}, 2); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(at(t, "2026-12-20 12:00"))
	unpaid, err := f.svc.Buy(ctx, leuven("7XXX777"))
	if err != nil {
		t.Fatal(err)
	}

	renewal, err := f.svc.Renew(ctx, old.ID, permits.Year)
	if err != nil {
		t.Fatal(err)
	}
	if renewal.RenewalOf != old.ID || !renewal.From.Equal(old.Until) || !renewal.Until.Equal(at(t, "2027-12-23 00:00")) ||
		renewal.PriceCents != 12000 || renewal.Status != permits.StatusAwaitingPayment || renewal.Holder != "An Peeters" ||
		!slices.Equal(renewal.Plates, []string{"1ABC123", "3DEF456"}) || len(renewal.Changes) != 0 {
		t.Fatalf("renewal %+v", renewal)
	}
	if o, _ := f.svc.Get(ctx, old.ID); o.RenewedBy != renewal.ID {
		t.Fatalf("old permit renewed by %q", o.RenewedBy)
	}
	refused := []struct {
		name string
		id   string
		len  permits.Length
		want error
	}{
		{"renewed already", old.ID, "", permits.ErrNotRenewable},
		{"not paid", unpaid.ID, "", permits.ErrNotRenewable},
		{"unknown", "PNOPE", "", permits.ErrPermitNotFound},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := f.svc.Renew(ctx, tt.id, tt.len); !errors.Is(err, tt.want) {
				t.Fatalf("Renew: %v, want %v", err, tt.want)
			}
		})
	}

	// Cancelling the renewal frees the permit to be renewed again; the
	// second renewal, a month, is paid.
	if _, err := f.svc.Cancel(ctx, renewal.ID); err != nil {
		t.Fatal(err)
	}
	renewal, err = f.svc.Renew(ctx, old.ID, "")
	if err != nil || renewal.Length != permits.Month || renewal.PriceCents != 1500 {
		t.Fatalf("second renewal %+v, %v", renewal, err)
	}
	if _, err := f.svc.PaymentResult(ctx, renewal.ID, renewal.Payment.Reference, true, "bancontact"); err != nil {
		t.Fatal(err)
	}
	validity := []struct {
		plate, when string
		want        bool
		id          string
	}{
		{"1ABC123", "2026-12-22 23:59", true, old.ID},
		{"1ABC123", "2026-12-23 00:00", true, renewal.ID},
		{"3DEF456", "2027-01-22 23:59", true, renewal.ID},
		{"2XYZ999", "2027-01-10 12:00", false, ""},
		{"1ABC123", "2027-01-23 00:00", false, ""},
	}
	for _, tt := range validity {
		t.Run(tt.plate+" at "+tt.when, func(t *testing.T) {
			info, ok := f.svc.Permit(tt.plate, "3000", at(t, tt.when))
			if ok != tt.want || info.ID != tt.id {
				t.Fatalf("Permit = %q, %v; want %q, %v", info.ID, ok, tt.id, tt.want)
			}
		})
	}

	// An expired permit is renewed from today.
	f.clock.Set(at(t, "2027-03-10 12:00"))
	late, err := f.svc.Renew(ctx, renewal.ID, "")
	if err != nil || !late.From.Equal(at(t, "2027-03-10 00:00")) {
		t.Fatalf("late renewal %+v, %v", late, err)
	}
}

// TestExpiry: a permit ends at its Until; a restarted Service loads only
// the permits not ended.
func TestExpiry(t *testing.T) {
	f := newFixture(t)
	req := leuven("1ABC123")
	req.Length = permits.Month
	month := f.buyPaid(req)
	year := f.buyPaid(leuven("2XYZ999"))
	if f.svc.InForce() != 2 {
		t.Fatalf("in force: %d", f.svc.InForce())
	}
	f.clock.Set(at(t, "2026-12-23 00:00"))
	if st := month.StatusAt(f.clock.Now()); st != permits.StatusExpired {
		t.Fatalf("status %s", st)
	}
	if f.valid("1ABC123", "3000", "2026-12-23 00:00") {
		t.Fatal("valid at its end")
	}
	f.open()
	if f.svc.InForce() != 1 || !f.valid("2XYZ999", "3000", "2026-12-23 00:00") {
		t.Fatalf("after restart: %d in force", f.svc.InForce())
	}
	if _, err := f.svc.RetryPayment(context.Background(), year.ID); !errors.Is(err, permits.ErrNotPayable) {
		t.Fatalf("retrying a paid permit: %v", err)
	}
}

// TestStoreFailure: a change the store refuses changes nothing, in the
// index either.
func TestStoreFailure(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p, err := f.svc.Buy(ctx, leuven("1ABC123"))
	if err != nil {
		t.Fatal(err)
	}
	f.store.fail = errDown
	if _, err := f.svc.PaymentResult(ctx, p.ID, p.Payment.Reference, true, "visa"); !errors.Is(err, errDown) {
		t.Fatalf("PaymentResult with the store down: %v", err)
	}
	if f.valid("1ABC123", "3000", "2026-11-23 12:00") {
		t.Fatal("valid though the payment was not stored")
	}
	f.store.fail = nil
	if _, err := f.svc.PaymentResult(ctx, p.ID, p.Payment.Reference, true, "visa"); err != nil {
		t.Fatal(err)
	}
	if !f.valid("1ABC123", "3000", "2026-11-23 12:00") {
		t.Fatal("not valid once paid")
	}
}

// TestConcurrent runs lookups beside plate changes (go test -race).
func TestConcurrent(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var ids []string
	for i := range 5 {
		ids = append(ids, f.buyPaid(leuven(fmt.Sprintf("%dABC123", i))).ID)
	}
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			old := fmt.Sprintf("%dABC123", i)
			for j := range 10 {
				n := fmt.Sprintf("%dNEW%03d", i, j)
				if _, err := f.svc.ChangePlate(ctx, id, old, n); err != nil {
					t.Error(err)
					return
				}
				old = n
			}
		})
		wg.Go(func() {
			for range 200 {
				f.svc.Permit(fmt.Sprintf("%dABC123", i), "3000", time.Now())
			}
		})
	}
	wg.Wait()
	for i := range ids {
		if !f.valid(fmt.Sprintf("%dNEW009", i), "3000", "2026-12-01 12:00") {
			t.Errorf("the last plate of permit %d is not valid", i)
		}
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	good := permits.Options{Store: newMemStore(), Payments: &fakePayments{}, Clock: time.Now}
	tests := []struct {
		name   string
		change func(o *permits.Options)
	}{
		{"no store", func(o *permits.Options) { o.Store = nil }},
		{"no payments", func(o *permits.Options) { o.Payments = nil }},
		{"no clock", func(o *permits.Options) { o.Clock = nil }},
		{"a type without zones", func(o *permits.Options) {
			o.Types = []permits.Type{{ID: "x", City: "Leuven", Prices: map[permits.Length]int64{permits.Year: 1}}}
		}},
		{"a negative price", func(o *permits.Options) {
			o.Types = []permits.Type{{ID: "x", City: "Leuven", Zones: []string{"3000"}, Prices: map[permits.Length]int64{permits.Year: -1}}}
		}},
		{"a week", func(o *permits.Options) {
			o.Types = []permits.Type{{ID: "x", City: "Leuven", Zones: []string{"3000"}, Prices: map[permits.Length]int64{"week": 1}}}
		}},
		{"a type twice", func(o *permits.Options) { o.Types = append(referenceTypes(t), referenceTypes(t)[0]) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := good
			tt.change(&o)
			if _, err := permits.New(context.Background(), o); !errors.Is(err, permits.ErrInvalidOptions) {
				t.Fatalf("New: %v, want ErrInvalidOptions", err)
			}
		})
	}
}
