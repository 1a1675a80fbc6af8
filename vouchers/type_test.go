package vouchers_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"smspark/vouchers"
)

func TestQuote(t *testing.T) {
	for _, tc := range []struct {
		name      string
		typ       vouchers.Type
		quantity  int
		usage     vouchers.Usage
		want      vouchers.Quote
		wantErr   error
		wantInMsg string
	}{
		{"BLA first 10 free", bla, 10, vouchers.Usage{}, vouchers.Quote{Quantity: 10, FreeVouchers: 10}, nil, ""},
		{"BLA 20: 10 free, 10 paid", bla, 20, vouchers.Usage{}, vouchers.Quote{Quantity: 20, FreeVouchers: 10, PriceCents: 5000}, nil, ""},
		{"BLA next 10 cost 50 euro", bla, 10, vouchers.Usage{Vouchers: 10, Minutes: 7200, FreeBundles: 1},
			vouchers.Quote{Quantity: 10, PriceCents: 5000}, nil, ""},
		{"BLA the whole quota", bla, 50, vouchers.Usage{}, vouchers.Quote{Quantity: 50, FreeVouchers: 10, PriceCents: 20000}, nil, ""},
		{"BLA quota exceeded", bla, 50, vouchers.Usage{Vouchers: 10, FreeBundles: 1}, vouchers.Quote{},
			vouchers.ErrQuotaExceeded, "40 vouchers left"},
		{"BLA quota reached", bla, 10, vouchers.Usage{Vouchers: 50, FreeBundles: 1}, vouchers.Quote{},
			vouchers.ErrQuotaExceeded, "0 vouchers left"},
		{"BLA not a multiple", bla, 15, vouchers.Usage{}, vouchers.Quote{}, vouchers.ErrNotMultiple, ""},
		{"BLA zero", bla, 0, vouchers.Usage{}, vouchers.Quote{}, vouchers.ErrNotMultiple, ""},
		{"BLA negative", bla, -10, vouchers.Usage{}, vouchers.Quote{}, vouchers.ErrNotMultiple, ""},
		{"VBR one voucher", vbr, 1, vouchers.Usage{}, vouchers.Quote{Quantity: 1, PriceCents: 250}, nil, ""},
		{"VBR 22 vouchers of 4h30 fit 100 hours", vbr, 22, vouchers.Usage{},
			vouchers.Quote{Quantity: 22, PriceCents: 5500}, nil, ""},
		{"VBR 23 do not", vbr, 23, vouchers.Usage{}, vouchers.Quote{}, vouchers.ErrQuotaExceeded, "22 vouchers (6000 minutes, 100 h) left"},
		{"VBR the 23rd", vbr, 1, vouchers.Usage{Vouchers: 22, Minutes: 5940}, vouchers.Quote{},
			vouchers.ErrQuotaExceeded, "0 vouchers (60 minutes, 1 h) left"},
		{"VBR with 40.5 hours left", vbr, 10, vouchers.Usage{Vouchers: 13, Minutes: 3570}, vouchers.Quote{},
			vouchers.ErrQuotaExceeded, "9 vouchers (2430 minutes, 40.5 h) left"},
		{"no quota, too many", vouchers.Type{Prefix: "NOQ", BundleSize: 1, BundlePrice: 100, Duration: time.Hour},
			vouchers.MaxOrderQuantity + 1, vouchers.Usage{}, vouchers.Quote{}, vouchers.ErrInvalidRequest, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.typ.Quote(tc.quantity, tc.usage)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Quote(%d, %+v) = %+v, %v; want %v", tc.quantity, tc.usage, got, err, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), tc.wantInMsg) {
				t.Errorf("error %q does not say %q", err, tc.wantInMsg)
			}
			if got != tc.want {
				t.Errorf("Quote = %+v, want %+v", got, tc.want)
			}
			var qe *vouchers.QuotaError
			if errors.Is(err, vouchers.ErrQuotaExceeded) && !errors.As(err, &qe) {
				t.Errorf("quota error %v is not a *QuotaError", err)
			}
		})
	}
}

func TestUsageOf(t *testing.T) {
	orders := []vouchers.Order{
		{Type: "BLA", Quantity: 10, FreeVouchers: 10, Duration: 12 * time.Hour, Status: vouchers.OrderPaid},
		{Type: "BLA", Quantity: 20, Duration: 12 * time.Hour, Status: vouchers.OrderAwaitingPayment},
		{Type: "BLA", Quantity: 10, Duration: 12 * time.Hour, Status: vouchers.OrderCancelled},
		{Type: "VBR", Quantity: 3, Duration: 270 * time.Minute, Status: vouchers.OrderPaid},
	}
	if got, want := vouchers.UsageOf(bla, orders), (vouchers.Usage{Vouchers: 30, Minutes: 30 * 720, FreeBundles: 1}); got != want {
		t.Errorf("UsageOf(BLA) = %+v, want %+v", got, want)
	}
	if got, want := vouchers.UsageOf(vbr, orders), (vouchers.Usage{Vouchers: 3, Minutes: 810}); got != want {
		t.Errorf("UsageOf(VBR) = %+v, want %+v", got, want)
	}
}

func TestFormatHours(t *testing.T) {
	for _, tc := range []struct {
		minutes int
		want    string
	}{
		{0, "0"}, {-5, "0"}, {2430, "40.5"}, {6000, "100"}, {100, "1.67"}, {60, "1"}, {1, "0.02"}, {270, "4.5"}, {15, "0.25"},
	} {
		if got := vouchers.FormatHours(tc.minutes); got != tc.want {
			t.Errorf("FormatHours(%d) = %q, want %q", tc.minutes, got, tc.want)
		}
	}
}

func TestAddressKey(t *testing.T) {
	same := [][]vouchers.Address{
		{{Street: "Kerkstraat", Number: "12"}, {Street: "  KERKSTRAAT ", Number: " 12 "}, {Street: "kerkstraat", Number: "12", Zone: "8370"}},
		{{Street: "Rue de l'Église", Number: "3 b"}, {Street: "rue  de l eglise", Number: "3B"}, {Street: "RUE DE L’ÉGLISE", Number: "3B"}},
		{{Street: "Rue du Bailli", Number: "7"}, {Street: "Rue-du-Bailli", Number: "7"}},
	}
	keys := map[string]bool{}
	for _, group := range same {
		k := group[0].Key()
		for _, a := range group[1:] {
			if a.Key() != k {
				t.Errorf("%+v.Key() = %q, %+v.Key() = %q: want the same", group[0], k, a, a.Key())
			}
		}
		keys[k] = true
	}
	if len(keys) != len(same) {
		t.Errorf("different addresses share a key: %v", keys)
	}
	if a, b := (vouchers.Address{Street: "Kerkstraat", Number: "12"}), (vouchers.Address{Street: "Kerkstraat", Number: "14"}); a.Key() == b.Key() {
		t.Errorf("numbers 12 and 14 share key %q", a.Key())
	}
	if got := vouchers.StreetKey("Rue de l'Église"); got != "rue de l eglise" {
		t.Errorf("StreetKey = %q", got)
	}
}

func TestTypeName(t *testing.T) {
	for _, tc := range []struct{ lang, want string }{
		{"nl", "Bezoekersvouchers"}, {"fr", "Vouchers visiteurs"}, {"de", "Bezoekersvouchers"}, {"", "Bezoekersvouchers"},
	} {
		if got := bla.Name(tc.lang); got != tc.want {
			t.Errorf("Name(%q) = %q, want %q", tc.lang, got, tc.want)
		}
	}
	if got := (vouchers.Type{Prefix: "XYZ"}).Name("nl"); got != "XYZ" {
		t.Errorf("Name without names = %q", got)
	}
}
