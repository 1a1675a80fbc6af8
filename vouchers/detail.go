package vouchers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrUnknownReference means a lookup's reference is neither an order ID
// nor a voucher code.
var ErrUnknownReference = errors.New("no order or voucher")

// OrderDetail is an order as the portal, the admin endpoint and the CLI
// show it: its vouchers with their status at a moment, times in a zone.
type OrderDetail struct {
	ID              string          `json:"id"`
	City            string          `json:"city"`
	Type            string          `json:"type"`
	TypeName        string          `json:"type_name"`
	Citizen         string          `json:"citizen"`
	Street          string          `json:"street"`
	Number          string          `json:"number"`
	Postcode        string          `json:"postcode,omitempty"`
	Town            string          `json:"town,omitempty"`
	Zone            string          `json:"zone"`
	Quantity        int             `json:"quantity"`
	FreeVouchers    int             `json:"free_vouchers"`
	PriceCents      int64           `json:"price_cents"`
	Channel         string          `json:"channel"`
	Status          string          `json:"status"`
	Purchased       string          `json:"purchased"`
	Paid            *string         `json:"paid"`
	DurationMinutes int             `json:"duration_minutes"`
	Expires         *string         `json:"expires"`
	Communication   string          `json:"communication"`
	Payment         PaymentDetail   `json:"payment"`
	Vouchers        []VoucherDetail `json:"vouchers"`
}

// PaymentDetail is an order's online payment, in an OrderDetail.
type PaymentDetail struct {
	Reference   string `json:"reference,omitempty"`
	RedirectURL string `json:"redirect_url,omitempty"`
	Method      string `json:"method,omitempty"`
	Attempts    int    `json:"attempts"`
	LastResult  string `json:"last_result,omitempty"`
}

// VoucherDetail is one voucher of an OrderDetail.
type VoucherDetail struct {
	Code    string  `json:"code"`
	Status  string  `json:"status"`
	Plate   string  `json:"plate,omitempty"`
	UsedAt  *string `json:"used_at,omitempty"`
	Expires *string `json:"expires,omitempty"`
}

// Lookup is what a reference finds: the order, and the voucher when the
// reference was a voucher code.
type Lookup struct {
	Order   OrderDetail    `json:"order"`
	Voucher *VoucherDetail `json:"voucher,omitempty"`
}

// OrderReader reads what an order's detail shows (the Service).
type OrderReader interface {
	Types() []Type
	Vouchers(ctx context.Context, orderID string) ([]Voucher, error)
}

// Reader reads orders and vouchers (the Service).
type Reader interface {
	OrderReader
	Order(ctx context.Context, id string) (Order, error)
	Voucher(ctx context.Context, code string) (Voucher, error)
}

// Detail builds an order's detail: its vouchers (read from src) with their
// status at now, times in loc. Returns src's error.
func Detail(ctx context.Context, src OrderReader, o Order, now time.Time, loc *time.Location) (OrderDetail, error) {
	ts := func(t time.Time) *string {
		if t.IsZero() {
			return nil
		}
		s := t.In(loc).Format(time.RFC3339)
		return &s
	}
	name := o.Type
	for _, t := range src.Types() {
		if t.Prefix == o.Type {
			name = t.Name(o.Language)
		}
	}
	out := OrderDetail{ID: o.ID, City: o.City, Type: o.Type, TypeName: name, Citizen: o.Citizen, Street: o.Address.Street,
		Number: o.Address.Number, Postcode: o.Address.Postcode, Town: o.Address.Town, Zone: o.Zone, Quantity: o.Quantity,
		FreeVouchers: o.FreeVouchers, PriceCents: o.PriceCents, Channel: string(o.Channel), Status: string(o.Status),
		Purchased: o.Created.In(loc).Format(time.RFC3339), Paid: ts(o.PaidAt), DurationMinutes: int(o.Duration / time.Minute),
		Communication: o.Communication.String(),
		Payment: PaymentDetail{Reference: o.Payment.Reference, RedirectURL: o.Payment.RedirectURL, Method: o.Payment.Method,
			Attempts: o.Payment.Attempts, LastResult: o.Payment.LastResult},
		Vouchers: []VoucherDetail{}}
	if len(o.Codes) > 0 {
		vs, err := src.Vouchers(ctx, o.ID)
		if err != nil {
			return out, err
		}
		for _, vc := range vs {
			vd := VoucherDetail{Code: vc.Code, Status: string(vc.StatusAt(now)), Plate: vc.Plate, UsedAt: ts(vc.UsedAt), Expires: ts(vc.Expires)}
			out.Vouchers = append(out.Vouchers, vd)
			out.Expires = vd.Expires
		}
	}
	return out, nil
}

// Find finds an order by its ID, or the order of a voucher code (then
// Voucher is that voucher), its vouchers' status at now. Returns
// ErrUnknownReference (wrapped) when ref is neither, or src's error.
func Find(ctx context.Context, src Reader, ref string, now time.Time, loc *time.Location) (Lookup, error) {
	ref = strings.TrimSpace(ref)
	o, err := src.Order(ctx, ref)
	code := ""
	if errors.Is(err, ErrOrderNotFound) {
		v, verr := src.Voucher(ctx, ref)
		if errors.Is(verr, ErrVoucherNotFound) {
			return Lookup{}, fmt.Errorf("%w: %s", ErrUnknownReference, ref)
		}
		if verr != nil {
			return Lookup{}, verr
		}
		code = v.Code
		o, err = src.Order(ctx, v.Order)
	}
	if err != nil {
		return Lookup{}, err
	}
	d, err := Detail(ctx, src, o, now, loc)
	if err != nil {
		return Lookup{}, err
	}
	out := Lookup{Order: d}
	for i := range d.Vouchers {
		if d.Vouchers[i].Code == code {
			out.Voucher = &d.Vouchers[i]
		}
	}
	return out, nil
}
