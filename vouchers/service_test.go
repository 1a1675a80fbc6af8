package vouchers_test

import (
	"context"
	"errors"
	"fmt"
	"smspark/payments"
	"strings"
	"testing"
	"time"

	"smspark/billing"
	"smspark/vouchers"
)

func TestNewOptions(t *testing.T) {
	ok := vouchers.Options{Types: []vouchers.Type{bla}, Store: newMemStore(), Clock: time.Now, Payments: &fakePayments{}}
	if _, err := vouchers.New(ok); err != nil {
		t.Fatalf("New: %v", err)
	}
	badType := func(f func(*vouchers.Type)) vouchers.Options {
		o := ok
		tt := bla
		f(&tt)
		o.Types = []vouchers.Type{tt}
		return o
	}
	for _, tc := range []struct {
		name string
		opts vouchers.Options
	}{
		{"no store", func() vouchers.Options { o := ok; o.Store = nil; return o }()},
		{"no clock", func() vouchers.Options { o := ok; o.Clock = nil; return o }()},
		{"no payments", func() vouchers.Options { o := ok; o.Payments = nil; return o }()},
		{"prefix twice", func() vouchers.Options { o := ok; o.Types = []vouchers.Type{bla, bla}; return o }()},
		{"bad prefix", badType(func(t *vouchers.Type) { t.Prefix = "Q1" })},
		{"no city", badType(func(t *vouchers.Type) { t.City = "" })},
		{"no duration", badType(func(t *vouchers.Type) { t.Duration = 0 })},
		{"bundle of 0", badType(func(t *vouchers.Type) { t.BundleSize = 0 })},
		{"negative price", badType(func(t *vouchers.Type) { t.BundlePrice = -1 })},
		{"no eligible zones", badType(func(t *vouchers.Type) { t.EligibleZones = nil })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := vouchers.New(tc.opts); !errors.Is(err, vouchers.ErrInvalidOptions) {
				t.Fatalf("New: %v, want ErrInvalidOptions", err)
			}
		})
	}
}

func TestPlaceOrderRules(t *testing.T) {
	for _, tc := range []struct {
		name      string
		before    []vouchers.OrderRequest // placed first (and paid if not free)
		req       vouchers.OrderRequest
		wantErr   error
		wantInMsg string
		wantPrice int64
		wantFree  int
	}{
		{name: "BLA first 10 free", req: blaReq(10), wantFree: 10},
		{name: "BLA 20 at once", req: blaReq(20), wantFree: 10, wantPrice: 5000},
		{name: "BLA next 10 cost 50 euro", before: []vouchers.OrderRequest{blaReq(10)}, req: blaReq(10), wantPrice: 5000},
		{name: "BLA up to 50", before: []vouchers.OrderRequest{blaReq(10), blaReq(20)}, req: blaReq(20), wantPrice: 10000},
		{name: "BLA over 50 refused with what is left", before: []vouchers.OrderRequest{blaReq(10), blaReq(20)}, req: blaReq(30),
			wantErr: vouchers.ErrQuotaExceeded, wantInMsg: "20 vouchers left"},
		{name: "BLA awaiting payment counts", before: []vouchers.OrderRequest{blaReq(50)}, req: blaReq(10),
			wantErr: vouchers.ErrQuotaExceeded, wantInMsg: "0 vouchers left"},
		{name: "BLA other spelling of the address shares the quota", before: []vouchers.OrderRequest{blaReq(50)},
			req: func() vouchers.OrderRequest {
				r := blaReq(10)
				r.Address = vouchers.Address{Street: "KERKSTRAAT", Number: " 12"}
				return r
			}(), wantErr: vouchers.ErrQuotaExceeded},
		{name: "BLA other number has its own quota", before: []vouchers.OrderRequest{blaReq(50)},
			req: func() vouchers.OrderRequest {
				r := blaReq(10)
				r.Address.Number = "14"
				return r
			}(), wantFree: 10},
		{name: "BLA not a multiple of 10", req: blaReq(15), wantErr: vouchers.ErrNotMultiple},
		{name: "BLA zero", req: blaReq(0), wantErr: vouchers.ErrNotMultiple},
		{name: "BLA address outside zone 8371", req: func() vouchers.OrderRequest {
			r := blaReq(10)
			r.Address = vouchers.Address{Street: "Stationsplein", Number: "1", Zone: "8370"}
			return r
		}(), wantErr: vouchers.ErrNotEligible},
		{name: "BLA unknown street without zone", req: func() vouchers.OrderRequest {
			r := blaReq(10)
			r.Address = vouchers.Address{Street: "Nergensstraat", Number: "1"}
			return r
		}(), wantErr: vouchers.ErrNotEligible},
		{name: "BLA unlisted street declared in 8371", req: func() vouchers.OrderRequest {
			r := blaReq(10)
			r.Address = vouchers.Address{Street: "Weststraat", Number: "5", Zone: "8371"}
			return r
		}(), wantFree: 10},
		{name: "BLA listed street: the list's zone wins", req: func() vouchers.OrderRequest {
			r := blaReq(10)
			r.Address.Zone = "8370"
			return r
		}(), wantFree: 10},
		{name: "Brussels street for BLA", req: func() vouchers.OrderRequest {
			r := blaReq(10)
			r.Address = louise
			return r
		}(), wantErr: vouchers.ErrNotEligible},
		{name: "BLA sold in Blankenberge only", req: func() vouchers.OrderRequest {
			r := blaReq(10)
			r.City = "Brussels"
			return r
		}(), wantErr: vouchers.ErrUnknownType},
		{name: "unknown type", req: func() vouchers.OrderRequest {
			r := blaReq(10)
			r.Type = "XYZ"
			return r
		}(), wantErr: vouchers.ErrUnknownType},
		{name: "no citizen", req: func() vouchers.OrderRequest {
			r := blaReq(10)
			r.Citizen = " "
			return r
		}(), wantErr: vouchers.ErrInvalidRequest},
		{name: "bad channel", req: func() vouchers.OrderRequest {
			r := blaReq(10)
			r.Channel = "fax"
			return r
		}(), wantErr: vouchers.ErrInvalidRequest},
		{name: "no number", req: func() vouchers.OrderRequest {
			r := blaReq(10)
			r.Address.Number = ""
			return r
		}(), wantErr: vouchers.ErrInvalidAddress},
		{name: "VBR single voucher 2.50", req: vbrReq(1), wantPrice: 250},
		{name: "VBR 22 vouchers of 4h30 fit", req: vbrReq(22), wantPrice: 5500},
		{name: "VBR the 23rd refused", before: []vouchers.OrderRequest{vbrReq(22)}, req: vbrReq(1),
			wantErr: vouchers.ErrQuotaExceeded, wantInMsg: "60 minutes"},
		{name: "VBR one by one up to 22", before: func() []vouchers.OrderRequest {
			var rs []vouchers.OrderRequest
			for range 21 {
				rs = append(rs, vbrReq(1))
			}
			return rs
		}(), req: vbrReq(1), wantPrice: 250},
		{name: "VBR zone 1030 not eligible", req: func() vouchers.OrderRequest {
			r := vbrReq(1)
			r.Address = vouchers.Address{Street: "Rue Royale", Number: "2"} // zone from Options.Addresses
			return r
		}(), wantErr: vouchers.ErrNotEligible},
		{name: "city and type in any case", req: func() vouchers.OrderRequest {
			r := vbrReq(1)
			r.City, r.Type = "BRUSSELS", "vbr"
			return r
		}(), wantPrice: 250},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			for _, r := range tc.before {
				f.order(t, r)
			}
			o, err := f.svc.PlaceOrder(ctx, tc.req)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("PlaceOrder = %+v, %v; want %v", o, err, tc.wantErr)
			}
			if err != nil {
				if !strings.Contains(err.Error(), tc.wantInMsg) {
					t.Errorf("error %q does not say %q", err, tc.wantInMsg)
				}
				return
			}
			if o.PriceCents != tc.wantPrice || o.FreeVouchers != tc.wantFree || o.Quantity != tc.req.Quantity {
				t.Errorf("order price %d, free %d, quantity %d; want %d, %d, %d",
					o.PriceCents, o.FreeVouchers, o.Quantity, tc.wantPrice, tc.wantFree, tc.req.Quantity)
			}
		})
	}
}

func TestQuotaYearResets(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// 23:30 on 31 December in Brussels is still 2026 (22:30 UTC).
	f.clock.Set(time.Date(2026, 12, 31, 22, 30, 0, 0, time.UTC))
	f.order(t, blaReq(10))
	f.order(t, blaReq(40))
	if _, err := f.svc.PlaceOrder(ctx, blaReq(10)); !errors.Is(err, vouchers.ErrQuotaExceeded) {
		t.Fatalf("PlaceOrder late 2026: %v, want ErrQuotaExceeded", err)
	}
	// 00:30 on 1 January in Brussels, still 2026 in UTC: a new year.
	f.clock.Set(time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC))
	o := f.order(t, blaReq(10))
	if o.PriceCents != 0 || o.Year != 2027 || o.Status != vouchers.OrderPaid {
		t.Errorf("first order of 2027 = %+v, want free and paid", o)
	}
	offers, err := f.svc.Offers(ctx, "Blankenberge", kerkstraat)
	if err != nil || len(offers) != 1 || offers[0].RemainingVouchers != 40 || offers[0].FreeBundlesLeft != 0 {
		t.Fatalf("Offers in 2027 = %+v, %v", offers, err)
	}
}

func TestOffers(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	offers, err := f.svc.Offers(ctx, "brussels", louise)
	if err != nil || len(offers) != 1 {
		t.Fatalf("Offers = %+v, %v", offers, err)
	}
	got := offers[0]
	if got.Type.Prefix != "VBR" || got.Zone != "1021" || got.RemainingMinutes != 6000 || got.RemainingHours != "100" ||
		got.RemainingVouchers != 22 || got.MaxQuantity != 22 || got.BundlePriceCents != 250 || got.FreeBundlesLeft != 0 {
		t.Errorf("VBR offer = %+v", got)
	}
	// 13 vouchers later, 6000 - 13 × 270 = 2490 minutes are left.
	f.order(t, vbrReq(13))
	offers, _ = f.svc.Offers(ctx, "Brussels", louise)
	if got := offers[0]; got.RemainingHours != "41.5" || got.RemainingMinutes != 2490 || got.RemainingVouchers != 9 || got.Usage.Vouchers != 13 {
		t.Errorf("VBR offer after 13 = %+v", got)
	}

	offers, err = f.svc.Offers(ctx, "Blankenberge", vouchers.Address{Street: "Zeedijk", Number: "200"})
	if err != nil || len(offers) != 1 {
		t.Fatalf("Offers = %+v, %v", offers, err)
	}
	if got := offers[0]; got.RemainingVouchers != 50 || got.RemainingMinutes != vouchers.NoLimit || got.RemainingHours != "" ||
		got.FreeBundlesLeft != 1 || got.MaxQuantity != 50 || got.BundlePriceCents != 5000 {
		t.Errorf("BLA offer = %+v", got)
	}

	for _, tc := range []struct {
		name string
		city string
		addr vouchers.Address
	}{
		{"wrong city", "Blankenberge", louise},
		{"unknown city", "Gent", louise},
		{"zone not eligible", "Brussels", vouchers.Address{Street: "Rue Royale", Number: "2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if offers, err := f.svc.Offers(ctx, tc.city, tc.addr); err != nil || len(offers) != 0 {
				t.Errorf("Offers = %+v, %v; want none", offers, err)
			}
		})
	}
	if _, err := f.svc.Offers(ctx, "Brussels", vouchers.Address{Street: "Avenue Louise"}); !errors.Is(err, vouchers.ErrInvalidAddress) {
		t.Errorf("Offers without number: %v, want ErrInvalidAddress", err)
	}
}

func TestFreeOrderIssuedAtOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	o := f.order(t, blaReq(10))
	if o.Status != vouchers.OrderPaid || !o.PaidAt.Equal(t0) || o.Payment.Method != payments.MethodFree || len(o.Codes) != 10 {
		t.Fatalf("free order = %+v", o)
	}
	if len(f.pay.orders) != 0 {
		t.Errorf("a payment was started for a free order")
	}
	if !strings.HasPrefix(o.ID, "O") || len(o.ID) != 11 {
		t.Errorf("order ID %q", o.ID)
	}
	if _, err := billing.ParseStructured(string(o.Communication)); err != nil || o.Communication != billing.StructuredFor("order|"+o.ID) {
		t.Errorf("communication %q: %v", o.Communication, err)
	}
	if o.Zone != "8371" || o.Duration != 12*time.Hour || o.Address.Zone != "8371" || o.Channel != vouchers.ChannelPortal {
		t.Errorf("order = %+v", o)
	}
	vs, err := f.svc.Vouchers(ctx, o.ID)
	if err != nil || len(vs) != 10 {
		t.Fatalf("Vouchers = %d, %v", len(vs), err)
	}
	seen := map[string]bool{}
	for i, v := range vs {
		checkCode(t, v.Code, "BLA")
		if v.Code != o.Codes[i] || seen[v.Code] {
			t.Errorf("voucher %d code %s, order codes %v", i, v.Code, o.Codes)
		}
		seen[v.Code] = true
		if v.Status != vouchers.StatusAvailable || v.Zone != "8371" || v.Duration != 12*time.Hour || v.Order != o.ID ||
			!v.Issued.Equal(t0) || !v.Expires.Equal(t0.AddDate(0, 0, 365)) || v.City != "Blankenberge" || v.Type != "BLA" {
			t.Errorf("voucher %+v", v)
		}
	}
	// Expiry after ValidityDays, as Vouchers and Voucher report it.
	f.clock.Set(t0.AddDate(0, 0, 365).Add(-time.Second))
	if v, err := f.svc.Voucher(ctx, strings.ToLower(o.Codes[0])); err != nil || v.Status != vouchers.StatusAvailable {
		t.Errorf("Voucher a second before expiry = %+v, %v", v, err)
	}
	f.clock.Set(t0.AddDate(0, 0, 365))
	if v, err := f.svc.Voucher(ctx, o.Codes[0]); err != nil || v.Status != vouchers.StatusExpired {
		t.Errorf("Voucher at expiry = %+v, %v", v, err)
	}
	if vs, _ := f.svc.Vouchers(ctx, o.ID); vs[9].Status != vouchers.StatusExpired {
		t.Errorf("Vouchers at expiry: %+v", vs[9])
	}
	if _, err := f.svc.Voucher(ctx, "BLAXXXXXXXX"); !errors.Is(err, vouchers.ErrVoucherNotFound) {
		t.Errorf("unknown voucher: %v", err)
	}
	if _, err := f.svc.Vouchers(ctx, "ONOSUCHORDR"); !errors.Is(err, vouchers.ErrOrderNotFound) {
		t.Errorf("unknown order: %v", err)
	}
}

func TestPaidOrderFlow(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	req := vbrReq(2)
	req.Channel = vouchers.ChannelBackoffice
	o := f.order(t, req)
	if o.Status != vouchers.OrderAwaitingPayment || o.PriceCents != 500 || len(o.Codes) != 0 ||
		o.Payment.Reference != "pay-1" || o.Payment.RedirectURL != "https://pay.test/pay-1" || o.Payment.LastResult != payments.ResultPending {
		t.Fatalf("order = %+v", o)
	}
	if o.Communication != billing.StructuredFor("order|"+o.ID) || len(f.pay.orders) != 1 || f.pay.orders[0].ID != o.ID {
		t.Fatalf("payment started for %+v", f.pay.orders)
	}
	if vs, err := f.svc.Vouchers(ctx, o.ID); err != nil || len(vs) != 0 {
		t.Fatalf("vouchers before payment: %+v, %v", vs, err)
	}

	// The payment fails: still payable; a repeated failure changes nothing.
	for range 2 {
		got, err := f.svc.PaymentResult(ctx, o.ID, "pay-1", false, "card")
		if err != nil || got.Status != vouchers.OrderAwaitingPayment || got.Payment.Attempts != 1 || got.Payment.LastResult != payments.ResultFailed {
			t.Fatalf("failed payment: %+v, %v", got, err)
		}
	}

	// Retry: a new reference; the old one is refused from now on.
	f.clock.Set(t0.Add(10 * time.Minute))
	got, p, err := f.svc.RetryPayment(ctx, o.ID)
	if err != nil || p.Reference != "pay-2" || got.Payment.Reference != "pay-2" || got.Payment.LastResult != payments.ResultPending {
		t.Fatalf("RetryPayment = %+v, %+v, %v", got, p, err)
	}
	if _, err := f.svc.PaymentResult(ctx, o.ID, "pay-1", true, "card"); !errors.Is(err, vouchers.ErrWrongReference) {
		t.Fatalf("paid with the old reference: %v, want ErrWrongReference", err)
	}
	if _, err := f.svc.PaymentResult(ctx, o.ID, "", true, "card"); !errors.Is(err, vouchers.ErrWrongReference) {
		t.Fatalf("paid with no reference: %v, want ErrWrongReference", err)
	}
	if _, err := f.svc.PaymentResult(ctx, "ONOSUCHORDR", "pay-2", true, "card"); !errors.Is(err, vouchers.ErrOrderNotFound) {
		t.Fatalf("unknown order: %v, want ErrOrderNotFound", err)
	}

	// Paid: vouchers issued at the payment time.
	f.clock.Set(t0.Add(12 * time.Minute))
	paid, err := f.svc.PaymentResult(ctx, o.ID, "pay-2", true, "card")
	if err != nil || paid.Status != vouchers.OrderPaid || !paid.PaidAt.Equal(t0.Add(12*time.Minute)) ||
		paid.Payment.Attempts != 2 || paid.Payment.Method != "card" || paid.Payment.LastResult != payments.ResultPaid || len(paid.Codes) != 2 {
		t.Fatalf("paid = %+v, %v", paid, err)
	}
	vs, err := f.svc.Vouchers(ctx, o.ID)
	if err != nil || len(vs) != 2 || !vs[0].Issued.Equal(paid.PaidAt) || vs[0].Zone != "1021" || vs[0].Duration != 270*time.Minute {
		t.Fatalf("vouchers = %+v, %v", vs, err)
	}

	// A second paid callback (and a late failure) changes nothing.
	f.clock.Set(t0.Add(time.Hour))
	for _, ok := range []bool{true, false} {
		again, err := f.svc.PaymentResult(ctx, o.ID, "pay-2", ok, "other")
		if err != nil || !equalOrders(again, paid) {
			t.Fatalf("callback after paid (%v) = %+v, %v; want %+v", ok, again, err, paid)
		}
	}
	if vs2, _ := f.svc.Vouchers(ctx, o.ID); len(vs2) != 2 || vs2[0].Code != vs[0].Code {
		t.Fatalf("vouchers changed: %+v", vs2)
	}
	stored, err := f.svc.Order(ctx, o.ID)
	if err != nil || !equalOrders(stored, paid) {
		t.Fatalf("Order = %+v, %v", stored, err)
	}

	// Paid orders can be neither retried nor cancelled.
	if _, _, err := f.svc.RetryPayment(ctx, o.ID); !errors.Is(err, vouchers.ErrNotPayable) {
		t.Errorf("RetryPayment of a paid order: %v, want ErrNotPayable", err)
	}
	if _, err := f.svc.Cancel(ctx, o.ID); !errors.Is(err, vouchers.ErrNotCancellable) {
		t.Errorf("Cancel of a paid order: %v, want ErrNotCancellable", err)
	}
}

func equalOrders(a, b vouchers.Order) bool {
	return fmt.Sprint(a) == fmt.Sprint(b)
}

func TestCancelReleasesQuota(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	o := f.order(t, vbrReq(22))
	if _, err := f.svc.PlaceOrder(ctx, vbrReq(1)); !errors.Is(err, vouchers.ErrQuotaExceeded) {
		t.Fatalf("over quota: %v", err)
	}
	for range 2 {
		c, err := f.svc.Cancel(ctx, o.ID)
		if err != nil || c.Status != vouchers.OrderCancelled {
			t.Fatalf("Cancel = %+v, %v", c, err)
		}
	}
	f.order(t, vbrReq(22))
	if _, err := f.svc.PaymentResult(ctx, o.ID, o.Payment.Reference, true, "card"); !errors.Is(err, vouchers.ErrNotPayable) {
		t.Errorf("paid after cancel: %v, want ErrNotPayable", err)
	}
	if _, _, err := f.svc.RetryPayment(ctx, o.ID); !errors.Is(err, vouchers.ErrNotPayable) {
		t.Errorf("retry after cancel: %v, want ErrNotPayable", err)
	}
	if _, err := f.svc.Cancel(ctx, "ONOSUCHORDR"); !errors.Is(err, vouchers.ErrOrderNotFound) {
		t.Errorf("Cancel unknown: %v", err)
	}
}

func TestPaymentUnavailable(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	down := errors.New("provider down")
	f.pay.start = func(payments.Request) (payments.Payment, error) { return payments.Payment{}, down }
	o, err := f.svc.PlaceOrder(ctx, vbrReq(1))
	if !errors.Is(err, vouchers.ErrPaymentUnavailable) || !errors.Is(err, down) {
		t.Fatalf("PlaceOrder: %v, want ErrPaymentUnavailable", err)
	}
	if o.ID == "" || o.Status != vouchers.OrderAwaitingPayment {
		t.Fatalf("order = %+v", o)
	}
	// The order was kept and can be paid once the provider is back.
	f.pay.start = nil
	_, p, err := f.svc.RetryPayment(ctx, o.ID)
	if err != nil || p.Reference == "" {
		t.Fatalf("RetryPayment: %+v, %v", p, err)
	}
	if got, err := f.svc.PaymentResult(ctx, o.ID, p.Reference, true, "card"); err != nil || len(got.Codes) != 1 {
		t.Fatalf("PaymentResult: %+v, %v", got, err)
	}
	// A provider that gives no reference is unavailable too.
	f.pay.start = func(payments.Request) (payments.Payment, error) { return payments.Payment{RedirectURL: "x"}, nil }
	if _, err := f.svc.PlaceOrder(ctx, vbrReq(1)); !errors.Is(err, vouchers.ErrPaymentUnavailable) {
		t.Fatalf("PlaceOrder with no reference: %v", err)
	}
}

// TestCodeCollisionRetried makes the store refuse the first codes drawn:
// the Service draws new ones.
func TestCodeCollisionRetried(t *testing.T) {
	f := newFixture(t)
	refused := 0
	f.store.putErr = func(o vouchers.Order, vs []vouchers.Voucher) error {
		if len(vs) > 0 && refused < 3 {
			refused++
			return fmt.Errorf("code %s: %w", vs[0].Code, vouchers.ErrCodeTaken)
		}
		return nil
	}
	o := f.order(t, blaReq(10))
	if refused != 3 || len(o.Codes) != 10 {
		t.Fatalf("refused %d, codes %v", refused, o.Codes)
	}
	for _, c := range o.Codes {
		if _, err := f.store.Voucher(context.Background(), c); err != nil {
			t.Errorf("code %s not stored: %v", c, err)
		}
	}
	// A store that always refuses ends in ErrCodeTaken.
	f.store.putErr = func(o vouchers.Order, vs []vouchers.Voucher) error {
		if len(vs) > 0 {
			return vouchers.ErrCodeTaken
		}
		return nil
	}
	r := blaReq(10)
	r.Address.Number = "99"
	if _, err := f.svc.PlaceOrder(context.Background(), r); !errors.Is(err, vouchers.ErrCodeTaken) {
		t.Fatalf("PlaceOrder: %v, want ErrCodeTaken", err)
	}
}

// TestConcurrentOrdersKeepQuota places orders of one address at once: no
// more than the quota gets through.
func TestConcurrentOrdersKeepQuota(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	errs := make(chan error, 30)
	for range 30 {
		go func() {
			_, err := f.svc.PlaceOrder(ctx, vbrReq(1))
			errs <- err
		}()
	}
	ok := 0
	for range 30 {
		switch err := <-errs; {
		case err == nil:
			ok++
		case !errors.Is(err, vouchers.ErrQuotaExceeded):
			t.Errorf("PlaceOrder: %v", err)
		}
	}
	if ok != 22 {
		t.Errorf("%d orders placed, want 22", ok)
	}
}

// A Service with crypto/rand and the default location works.
func TestDefaults(t *testing.T) {
	svc, err := vouchers.New(vouchers.Options{Types: []vouchers.Type{bla}, Store: newMemStore(),
		Clock: func() time.Time { return t0 }, Payments: &fakePayments{}})
	if err != nil {
		t.Fatal(err)
	}
	o, err := svc.PlaceOrder(context.Background(), blaReq(10))
	if err != nil || len(o.Codes) != 10 {
		t.Fatalf("PlaceOrder = %+v, %v", o, err)
	}
}
