package payments

import (
	"context"
	"errors"
	"fmt"
	"io"

	"smspark"
	"smspark/billing"
)

// Errors of a purchase's payment; the selling packages (vouchers, permits,
// daycards) return them, wrapped. The outcomes are coded (smspark.Error):
// the edges translate them by their code.
var (
	// ErrWrongReference means a result quotes a reference that is not the
	// purchase's current payment (a superseded attempt: the caller
	// refunds it).
	ErrWrongReference = &smspark.Error{Code: smspark.ECONFLICT, Message: "not the current payment reference"}
	// ErrNotPayable means the purchase is not awaiting payment.
	ErrNotPayable = &smspark.Error{Code: smspark.ECONFLICT, Message: "not awaiting payment"}
	// ErrUnavailable means the provider could not start a payment; the
	// purchase stays payable (a retry starts a new attempt).
	ErrUnavailable = &smspark.Error{Code: smspark.EUNAVAILABLE, Message: "payment could not be started"}
	// ErrRandom means the random source failed while making an ID.
	ErrRandom = errors.New("random source failed")
)

// Results kept in Payment.LastResult.
const (
	ResultPending = "pending" // an attempt was started, no result yet
	ResultFailed  = "failed"
	ResultPaid    = "paid"
	ResultFree    = "free" // nothing to pay
)

// MethodFree is the payment method of a purchase that cost nothing.
const MethodFree = "free"

// Payment is a purchase's current payment attempt. A Starter fills
// Reference and RedirectURL; Begin and Settle keep the rest.
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

// Request is what a payment is started for: a voucher order, a permit or
// a day card.
type Request struct {
	// ID is the purchase's ID; the provider's callback quotes it.
	ID string
	// Kind is "order", "permit" or "daycard".
	Kind        string
	AmountCents int64
	// Communication is the structured communication the payment quotes.
	Communication billing.Structured
}

// Starter starts online payments (the payment provider, adapted).
type Starter interface {
	// Start begins a payment of r.AmountCents and returns its Reference
	// and RedirectURL. Callers hold their service's lock: it should only
	// create the payment, not wait for it.
	Start(ctx context.Context, r Request) (Payment, error)
}

// Begin starts a new attempt of the purchase r through s and makes it p's
// current one: the former reference is no longer accepted. Returns
// ErrUnavailable, wrapping the Starter's error, and leaves p unchanged
// then.
func (p *Payment) Begin(ctx context.Context, s Starter, r Request) error {
	if s == nil {
		return fmt.Errorf("%w: no payment provider", ErrUnavailable)
	}
	started, err := s.Start(ctx, r)
	if err == nil && started.Reference == "" {
		err = errors.New("no payment reference")
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	p.Reference, p.RedirectURL, p.LastResult = started.Reference, started.RedirectURL, ResultPending
	return nil
}

// State is where a purchase stands, as its payment sees it.
type State int

// States of a purchase.
const (
	Awaiting  State = iota // awaiting payment
	Settled                // paid (or free)
	Cancelled              // cancelled: no payment is taken
)

// Outcome is what a provider's result does to a purchase.
type Outcome int

// Outcomes of Settle.
const (
	// Unchanged: a result for a purchase already paid, or a repeated
	// failure; nothing to store.
	Unchanged Outcome = iota
	// Failed: the attempt failed; the purchase stays payable.
	Failed
	// Paid: the purchase is paid.
	Paid
)

// Settle applies the provider's result of payment reference (checked by
// the caller: signed and fresh) to p, the current payment of a purchase
// in state st, and says what it means for the purchase. Returns
// ErrWrongReference when reference is not p's, ErrNotPayable for a
// cancelled purchase; p is unchanged then.
func (p *Payment) Settle(st State, reference string, paid bool, method string) (Outcome, error) {
	if reference == "" || reference != p.Reference {
		return Unchanged, fmt.Errorf("%w: %q", ErrWrongReference, reference)
	}
	switch {
	case st == Settled:
		return Unchanged, nil
	case st == Cancelled:
		return Unchanged, fmt.Errorf("%w: cancelled", ErrNotPayable)
	case !paid && p.LastResult == ResultFailed:
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

// Alphabet is the characters of the random part of purchase IDs: digits
// and upper-case letters without the look-alikes 0/O and 1/I/L.
const Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// idRandom is how many random characters follow an ID's prefix.
const idRandom = 10

// NewID returns prefix followed by 10 characters of Alphabet drawn
// uniformly from r (rejection sampling): the ID a purchase is paid under.
// Returns ErrRandom, wrapping r's error.
func NewID(r io.Reader, prefix string) (string, error) {
	const acceptBelow = 256 / len(Alphabet) * len(Alphabet)
	out := make([]byte, 0, len(prefix)+idRandom)
	out = append(out, prefix...)
	buf := make([]byte, idRandom)
	for tries := 0; len(out) < len(prefix)+idRandom; tries++ {
		if tries > 64 {
			return "", fmt.Errorf("%w: too many unusable bytes", ErrRandom)
		}
		want := buf[:len(prefix)+idRandom-len(out)]
		if _, err := io.ReadFull(r, want); err != nil {
			return "", fmt.Errorf("%w: %w", ErrRandom, err)
		}
		for _, b := range want {
			if int(b) < acceptBelow {
				out = append(out, Alphabet[int(b)%len(Alphabet)])
			}
		}
	}
	return string(out), nil
}
