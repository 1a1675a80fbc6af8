// Package vouchers sells and tracks parking vouchers (docs/vouchers.md): the voucher
// types a city offers, the orders its portal or back office places for a
// citizen's address (free bundles first, a yearly quota per address,
// payment with retries), the vouchers an order issues, and the rules by
// which an SMS "<code> <plate>" uses one.
//
// It is pure domain: it imports only the standard library and smspark's
// other domain packages. Persistence (Store), payment (payments.Starter), the clock
// and the random source are injected; package store implements Store.
//
// Calendar years (quotas, free bundles) are those of the Service's
// location, Europe/Brussels in production.
package vouchers

import (
	"errors"
	"fmt"
	"smspark/payments"
	"time"
)

// Errors callers branch on. Methods wrap them with %w and detail.
var (
	// ErrUnknownType means no voucher type of that prefix is sold in that
	// city.
	ErrUnknownType = errors.New("unknown voucher type")
	// ErrNotEligible means the address is not in a zone whose residents
	// may buy the type.
	ErrNotEligible = errors.New("address not eligible for this voucher type")
	// ErrNotMultiple means the quantity is not a positive multiple of the
	// type's bundle size.
	ErrNotMultiple = errors.New("quantity is not a positive multiple of the bundle size")
	// ErrQuotaExceeded means the order would exceed the address's yearly
	// quota; the error is a *QuotaError saying what is left.
	ErrQuotaExceeded = errors.New("yearly voucher quota exceeded")
	// ErrInvalidAddress means the address lacks a street or a number.
	ErrInvalidAddress = errors.New("invalid address")
	// ErrInvalidRequest means an order request is malformed (no citizen,
	// unknown channel, too large a quantity).
	ErrInvalidRequest = errors.New("invalid order request")
	// ErrInvalidOptions means New was given unusable options or types.
	ErrInvalidOptions = errors.New("invalid voucher options")
	// ErrOrderNotFound means no order has that ID.
	ErrOrderNotFound = errors.New("order not found")
	// ErrVoucherNotFound means no voucher has that code.
	ErrVoucherNotFound = errors.New("voucher not found")
	// ErrCodeTaken means a voucher code already exists (the Service draws
	// new codes and retries).
	ErrCodeTaken = errors.New("voucher code already taken")
	// ErrWrongReference means a payment callback names a reference that is
	// not the order's current payment.
	ErrWrongReference = payments.ErrWrongReference
	// ErrNotPayable means the order is not awaiting payment (paid or
	// cancelled).
	ErrNotPayable = payments.ErrNotPayable
	// ErrNotCancellable means the order is paid and cannot be cancelled.
	ErrNotCancellable = errors.New("a paid order cannot be cancelled")
	// ErrPaymentUnavailable means the payment provider could not start a
	// payment; the order stays payable (RetryPayment).
	ErrPaymentUnavailable = payments.ErrUnavailable
	// ErrBadPrefix means a code prefix is not 2 to 5 upper-case letters
	// A–Z, or starts with Q.
	ErrBadPrefix = errors.New("invalid voucher code prefix")
	// ErrRandom means the random source failed or kept giving unusable
	// bytes.
	ErrRandom = payments.ErrRandom
	// ErrUsed means the voucher was already used.
	ErrUsed = errors.New("voucher already used")
	// ErrExpired means the voucher's validity has ended.
	ErrExpired = errors.New("voucher expired")
	// ErrNoPlate means a voucher activation has no plate.
	ErrNoPlate = errors.New("no plate to park")
)

// Status is the state of a voucher.
type Status string

// Voucher statuses.
const (
	StatusAvailable Status = "available"
	StatusUsed      Status = "used"
	StatusExpired   Status = "expired"
)

// Voucher is one parking code: used once, it parks one plate in its zone
// for its duration, at no cost.
type Voucher struct {
	// Code is what the motorist texts, e.g. BLA6JKPMWQR.
	Code string `json:"code"`
	// Type is the prefix of its voucher type, e.g. BLA.
	Type string `json:"type"`
	City string `json:"city"`
	// Order is the ID of the order that issued it.
	Order string `json:"order"`
	// Zone is the code of the zone it parks in.
	Zone string `json:"zone"`
	// Duration is how long it parks.
	Duration time.Duration `json:"duration"`
	// Issued is when the order was paid (or placed, if free).
	Issued time.Time `json:"issued"`
	// Expires is when it can no longer be used; zero means never.
	Expires time.Time `json:"expires,omitzero"`
	// Status is as stored; StatusAt also tells expiry.
	Status Status `json:"status"`
	// Plate, Session and UsedAt say how it was used.
	Plate   string    `json:"plate,omitempty"`
	Session uint64    `json:"session,omitempty"`
	UsedAt  time.Time `json:"used_at,omitzero"`
}

// StatusAt returns the voucher's status at now: a stored available voucher
// whose Expires is not after now is expired.
func (v Voucher) StatusAt(now time.Time) Status {
	if v.Status == StatusAvailable && v.expiredAt(now) {
		return StatusExpired
	}
	return v.Status
}

func (v Voucher) expiredAt(t time.Time) bool {
	return !v.Expires.IsZero() && !t.Before(v.Expires)
}

// Activate uses the voucher for plate at time at, for the engine's session
// with that ID, and returns the used voucher (v is not changed). The
// session runs from at to Until(at), in the voucher's zone, at no cost.
//
// Returns ErrUsed if the voucher was already used, ErrExpired if it is
// expired or at is not before Expires, ErrNoPlate for an empty plate.
func (v Voucher) Activate(plate string, at time.Time, session uint64) (Voucher, error) {
	switch {
	case plate == "":
		return v, fmt.Errorf("voucher %s: %w", v.Code, ErrNoPlate)
	case v.Status == StatusUsed:
		return v, fmt.Errorf("voucher %s: %w by %s at %s", v.Code, ErrUsed, v.Plate, v.UsedAt.Format(time.RFC3339))
	case v.Status == StatusExpired || v.expiredAt(at):
		return v, fmt.Errorf("voucher %s: %w on %s", v.Code, ErrExpired, v.Expires.Format(time.RFC3339))
	case v.Status != StatusAvailable:
		return v, fmt.Errorf("voucher %s: status %q: %w", v.Code, v.Status, ErrUsed)
	}
	v.Status = StatusUsed
	v.Plate = plate
	v.Session = session
	v.UsedAt = at
	return v, nil
}

// Until returns when a session that the voucher starts at start ends.
func (v Voucher) Until(start time.Time) time.Time {
	return start.Add(v.Duration)
}
