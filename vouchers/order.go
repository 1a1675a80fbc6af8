package vouchers

import (
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

// Payment results kept in Payment.LastResult.
const (
	ResultPending = "pending" // a payment was started, no result yet
	ResultFailed  = "failed"
	ResultPaid    = "paid"
	ResultFree    = "free" // nothing to pay
)

// MethodFree is the payment method of an order that cost nothing.
const MethodFree = "free"

// Payment is an order's current payment attempt. Payments.Start fills
// Reference and RedirectURL; the Service keeps the rest.
type Payment struct {
	// Reference is the provider's reference of the current attempt; a
	// callback must quote it.
	Reference string `json:"reference,omitempty"`
	// RedirectURL is where the citizen pays the current attempt.
	RedirectURL string `json:"redirect_url,omitempty"`
	// Method is how it was paid, as the provider says (e.g. "card").
	Method string `json:"method,omitempty"`
	// Attempts counts the results received: failed ones, and the paid one.
	Attempts int `json:"attempts"`
	// LastResult is ResultPending, ResultFailed, ResultPaid or ResultFree.
	LastResult string `json:"last_result,omitempty"`
}

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
	PriceCents int64       `json:"price_cents"`
	Channel    Channel     `json:"channel"`
	Status     OrderStatus `json:"status"`
	Created    time.Time   `json:"created"`
	PaidAt     time.Time   `json:"paid_at,omitzero"`
	Payment    Payment     `json:"payment"`
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
