package permits

import (
	"context"
	"fmt"
	"io"

	"smspark/billing"
)

// Payment results kept in Payment.LastResult.
const (
	ResultPending = "pending" // a payment was started, no result yet
	ResultFailed  = "failed"
	ResultPaid    = "paid"
	ResultFree    = "free" // nothing to pay
)

// MethodFree is the payment method of a purchase that cost nothing.
const MethodFree = "free"

// Payment is a purchase's current payment attempt. Payments.Start fills
// Reference and RedirectURL; the services keep the rest.
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

// PaymentRequest is what a payment is started for: a permit or a day
// card (package daycards uses the same Payments).
type PaymentRequest struct {
	// ID is the permit's or day card's ID; the provider's callback quotes
	// it.
	ID string
	// Kind is "permit" or "daycard".
	Kind        string
	AmountCents int64
	// Communication is the structured communication the payment quotes.
	Communication billing.Structured
}

// Payments starts online payments (the payment provider, adapted).
type Payments interface {
	// Start begins a payment of r.AmountCents and returns its Reference
	// and RedirectURL. It is called with the service's lock held: it
	// should only create the payment, not wait for it.
	Start(ctx context.Context, r PaymentRequest) (Payment, error)
}

// Alphabet is the characters of the random part of IDs: digits and
// upper-case letters without the look-alikes 0/O and 1/I/L.
const Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// idRandom is how many random characters follow an ID's prefix letter.
const idRandom = 10

// NewID returns prefix followed by 10 characters of Alphabet drawn
// uniformly from r (rejection sampling). Returns ErrRandom, wrapping r's
// error.
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
