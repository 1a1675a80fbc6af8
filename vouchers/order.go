package vouchers

import (
	"smspark/payments"
	"time"

	"smspark/billing"
)

// OrderStatus is the state of an order.
type OrderStatus string

// Order statuses.
const (
	OrderAwaitingPayment OrderStatus = "awaiting_payment"
	OrderPaid            OrderStatus = "paid"
	OrderCancelled       OrderStatus = "cancelled"
)

// Channel is where an order was placed.
type Channel string

// Order channels.
const (
	ChannelPortal     Channel = "portal"
	ChannelBackoffice Channel = "backoffice"
)

// Order is a citizen's purchase of vouchers of one type for one address.
type Order struct {
	// ID is "O" and 10 random characters of Alphabet.
	ID   string `json:"id"`
	City string `json:"city"`
	// Type is the prefix of the voucher type.
	Type string `json:"type"`
	// Citizen is the buyer's name.
	Citizen string  `json:"citizen"`
	Address Address `json:"address"`
	// Year is the calendar year (in the Service's location) whose quota
	// and free bundles the order counts against: the year it was placed.
	Year int `json:"year"`
	// Zone, Duration and ValidityDays are the type's when the order was
	// placed; its vouchers get them.
	Zone         string        `json:"zone"`
	Duration     time.Duration `json:"duration"`
	ValidityDays int           `json:"validity_days"`
	Quantity     int           `json:"quantity"`
	// FreeVouchers is how many of Quantity came from free bundles.
	FreeVouchers int `json:"free_vouchers"`
	// PriceCents is what the citizen pays.
	PriceCents int64            `json:"price_cents"`
	Channel    Channel          `json:"channel"`
	Status     OrderStatus      `json:"status"`
	Created    time.Time        `json:"created"`
	PaidAt     time.Time        `json:"paid_at,omitzero"`
	Payment    payments.Payment `json:"payment"`
	// Communication is the structured communication a transfer quotes.
	Communication billing.Structured `json:"communication"`
	// Language is the citizen's language (nl, fr, de, en) for the letter.
	Language string `json:"language,omitempty"`
	// Codes are the issued vouchers' codes, once paid.
	Codes []string `json:"codes,omitempty"`
}

// IndexKey returns the parts under which the order is indexed for its
// address's quota: its city, its address's key and its year.
func (o Order) IndexKey() (city, addressKey string, year int) {
	return o.City, o.Address.Key(), o.Year
}

// expiry returns when a voucher issued at t expires: ValidityDays calendar
// days later at the same wall-clock time in loc; zero for no expiry.
func expiry(t time.Time, days int, loc *time.Location) time.Time {
	if days <= 0 {
		return time.Time{}
	}
	return t.In(loc).AddDate(0, 0, days)
}
