// Package payment is the online payment of a purchase (a voucher order, a
// permit, a day card), written once for all three: a purchase that costs
// something awaits payment; a payment attempt is started with a Provider
// and gets a reference; the provider's result for that reference makes the
// attempt paid or failed; a failed or abandoned attempt is retried with a
// new reference, after which the former one is no longer accepted.
//
// The purchase's own status (awaiting payment, paid, cancelled) stays with
// the package that sells it; it tells Record which of those it is in. The
// provider behind Provider is an adapter (package payments is the built-in
// test one); this package imports none.
package payment

import (
	"context"
	"errors"
	"fmt"

	"smspark/billing"
)

// Payment results kept in Payment.LastResult.
const (
	ResultPending = "pending" // an attempt was started, no result yet
	ResultFailed  = "failed"
	ResultPaid    = "paid"
	ResultFree    = "free" // nothing to pay
)

// MethodFree is the payment method of a purchase that cost nothing.
const MethodFree = "free"

// Errors of payments: documented sentinels callers branch on.
var (
	// ErrWrongReference means a result names a reference that is not the
	// purchase's current attempt (a superseded attempt: refund it).
	ErrWrongReference = errors.New("not the current payment reference")
	// ErrNotPayable means the purchase is not awaiting payment.
	ErrNotPayable = errors.New("not awaiting payment")
	// ErrUnavailable means the provider could not start a payment; the
	// purchase stays payable (retry).
	ErrUnavailable = errors.New("payment could not be started")
)

// Payment is a purchase's current payment attempt. Provider.Start fills
// Reference and RedirectURL; Start and Record keep the rest.
type Payment struct {
	// Reference is the provider's reference of the current attempt; a
	// result must quote it.
	Reference string `json:"reference,omitempty"`
	// RedirectURL is where the buyer pays the current attempt.
	RedirectURL string `json:"redirect_url,omitempty"`
	// Method is how it was paid, as the provider says (e.g. "bancontact").
	Method string `json:"method,omitempty"`
	// Attempts counts the results received: failed ones, and the paid one.
	Attempts int `json:"attempts"`
	// LastResult is ResultPending, ResultFailed, ResultPaid or ResultFree.
	LastResult string `json:"last_result,omitempty"`
}

// Free is the payment of a purchase that costs nothing.
func Free() Payment { return Payment{Method: MethodFree, LastResult: ResultFree} }

// Request is what a payment is started for.
type Request struct {
	// ID is the purchase's ID (order, permit or day card); the provider's
	// result quotes it.
	ID string
	// Kind is "order", "permit" or "daycard".
	Kind        string
	AmountCents int64
	// Communication is the structured communication the payment quotes.
	Communication billing.Structured
}

// Provider starts online payments (the payment provider, adapted).
type Provider interface {
	// Start begins a payment of r.AmountCents and returns its Reference
	// and RedirectURL. It is called with the seller's lock held: it should
	// only create the payment, not wait for it.
	Start(ctx context.Context, r Request) (Payment, error)
}

// Start starts a new attempt of p with the provider: p becomes pending on
// the new reference, the former one no longer accepted. On error p is
// unchanged. Returns an error wrapping ErrUnavailable (with the provider's
// error) if the provider fails or gives no reference.
func (p *Payment) Start(ctx context.Context, prov Provider, r Request) error {
	got, err := prov.Start(ctx, r)
	if err == nil && got.Reference == "" {
		err = errors.New("no payment reference")
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	p.Reference, p.RedirectURL, p.LastResult = got.Reference, got.RedirectURL, ResultPending
	return nil
}

// State is where the purchase a payment is for stands.
type State int

// The states of a purchase, as Record sees them.
const (
	Awaiting  State = iota // awaiting payment
	Settled                // paid (or free): nothing more to pay
	Cancelled              // cancelled: no longer payable
)

// Outcome is what a result did to a payment.
type Outcome int

// Outcomes of Record.
const (
	Unchanged Outcome = iota // nothing to record: already paid, or a repeated failure
	Failed                   // the attempt failed; the purchase stays payable
	Paid                     // the attempt paid: the purchase is paid
)

// Record applies the provider's (signed, checked by the caller) result of
// attempt reference to p, whose purchase is in state s. A result for a
// settled purchase, or a second failure, changes nothing (Unchanged).
// Otherwise the result is counted, method kept if given, and p becomes
// paid (Paid) or failed (Failed): the purchase then changes and must be
// stored.
//
// Returns ErrWrongReference if reference is not p's current one (checked
// first), ErrNotPayable for a cancelled purchase.
func (p *Payment) Record(s State, reference string, paid bool, method string) (Outcome, error) {
	if reference == "" || reference != p.Reference {
		return Unchanged, fmt.Errorf("%w: %q", ErrWrongReference, reference)
	}
	switch s {
	case Settled:
		return Unchanged, nil
	case Cancelled:
		return Unchanged, fmt.Errorf("%w: cancelled", ErrNotPayable)
	}
	if !paid && p.LastResult == ResultFailed {
		return Unchanged, nil
	}
	p.Attempts++
	if method != "" {
		p.Method = method
	}
	if !paid {
		p.LastResult = ResultFailed
		return Failed, nil
	}
	p.LastResult = ResultPaid
	return Paid, nil
}
