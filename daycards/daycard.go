// Package daycards sells day cards bought ahead (docs/permits.md, after the
// "dagkort" of the Swedish permit portal, seed 003): a motorist buys N
// days of a zone that has a day price, for N × the day price, pays online
// (with retries, like permits), and spends the days on chosen dates, each
// for a plate: that plate is then valid in that zone for that whole local
// day. The days left are shown; a day in the future can be cancelled and
// is given back, today's and past days cannot.
//
// The Service keeps an in-memory index of the days spent from today on
// and answers Permit(plate, zone, at) like a permit service (the engine's
// sessions.Permits), so that the daemon can combine both.
//
// It is pure domain: it imports only the standard library and smspark's
// other domain packages. Persistence (Store), payment (payments.Starter,
// shared with vouchers and permits), the clock and the random source are injected;
// package store implements Store. Dates are local dates of the Service's
// location, Europe/Brussels in production.
package daycards

import (
	"errors"
	"smspark/tariffs"
	"time"

	"smspark/billing"
	"smspark/payments"
)

// Errors callers branch on. Methods wrap them with %w and detail. Those of
// payment are package payments' values, so errors.Is works with either.
var (
	// ErrUnknownZone means the zone is not configured or sells no day
	// cards (no day price).
	ErrUnknownZone = errors.New("zone sells no day cards")
	// ErrInvalidRequest means a request is malformed: days outside 1 to
	// MaxDays, no owner, no date, a date twice.
	ErrInvalidRequest = errors.New("invalid day card request")
	// ErrInvalidOptions means New was given unusable options.
	ErrInvalidOptions = errors.New("invalid day card options")
	// ErrCardNotFound means no day card has that ID (for that owner).
	ErrCardNotFound = errors.New("day card not found")
	// ErrNotPaid means the card cannot be spent: it is not paid.
	ErrNotPaid = errors.New("day card not paid")
	// ErrNoDaysLeft means the card has fewer days left than asked for.
	ErrNoDaysLeft = errors.New("not enough days left on the day card")
	// ErrAlreadySpent means a date is spent on the card already.
	ErrAlreadySpent = errors.New("date already spent on this day card")
	// ErrFreeDay means the zone charges nothing (more) that day: a day
	// would be wasted.
	ErrFreeDay = errors.New("no charging that day in the zone")
	// ErrNotCancellable means the day is today or past, or the card is
	// paid (a card, not a day).
	ErrNotCancellable = errors.New("cannot be cancelled")
	// ErrDayNotFound means no day of the card is spent on that date.
	ErrDayNotFound = errors.New("no day spent on that date")

	ErrInvalidPlate       = errors.New("invalid plate")
	ErrInvalidDate        = tariffs.ErrInvalidDate
	ErrWrongReference     = payments.ErrWrongReference
	ErrNotPayable         = payments.ErrNotPayable
	ErrPaymentUnavailable = payments.ErrUnavailable
	ErrRandom             = payments.ErrRandom
)

// MaxDays is the most days one card may hold.
const MaxDays = 100

// MaxDaysAhead is how far ahead a day may be spent.
const MaxDaysAhead = 366

// Kind is the PermitInfo.Type of a day card's validity.
const Kind = "daycard"

// Status is the state of a card.
type Status string

// Card statuses.
const (
	StatusAwaitingPayment Status = "awaiting_payment"
	StatusPaid            Status = "paid"
	StatusCancelled       Status = "cancelled"
)

// UseStatus is the state of a spent day.
type UseStatus string

// Spent day statuses (the seed's "utfärdad" and "aktiv").
const (
	// UseIssued: a day in the future; it can be cancelled.
	UseIssued UseStatus = "issued"
	// UseActive: today.
	UseActive UseStatus = "active"
	// UsePast: a day gone by.
	UsePast      UseStatus = "past"
	UseCancelled UseStatus = "cancelled"
)

// Use is a day of a card spent on a date for a plate.
type Use struct {
	// Date is the local date, YYYY-MM-DD.
	Date  string `json:"date"`
	Plate string `json:"plate"`
	// Spent is when the day was spent; Cancelled when it was given back.
	Spent     time.Time `json:"spent"`
	Cancelled time.Time `json:"cancelled,omitzero"`
}

// StatusAt returns the day's status at now in loc.
func (u Use) StatusAt(now time.Time, loc *time.Location) UseStatus {
	today := now.In(loc).Format(time.DateOnly)
	switch {
	case !u.Cancelled.IsZero():
		return UseCancelled
	case u.Date > today:
		return UseIssued
	case u.Date == today:
		return UseActive
	}
	return UsePast
}

// Card is a motorist's day card: Days days of one zone.
type Card struct {
	// ID is "D" and 10 random characters of payments.Alphabet.
	ID string `json:"id"`
	// Number is the owner's mobile number, E.164.
	Number   string `json:"number"`
	City     string `json:"city"`
	Zone     string `json:"zone"`
	ZoneName string `json:"zone_name"`
	// Days is how many days were bought.
	Days          int   `json:"days"`
	DayPriceCents int64 `json:"day_price_cents"`
	// PriceCents is Days × DayPriceCents.
	PriceCents int64     `json:"price_cents"`
	Status     Status    `json:"status"`
	Created    time.Time `json:"created"`
	PaidAt     time.Time `json:"paid_at,omitzero"`
	// Payment is the current payment attempt.
	Payment payments.Payment `json:"payment"`
	// Communication is billing.StructuredFor("daycard|" + ID).
	Communication billing.Structured `json:"communication"`
	// Uses are the days spent, cancelled ones included, in the order
	// they were spent.
	Uses []Use `json:"uses,omitempty"`
}

// Remaining returns how many days are left to spend.
func (c Card) Remaining() int {
	n := c.Days
	for _, u := range c.Uses {
		if u.Cancelled.IsZero() {
			n--
		}
	}
	return n
}

// spentOn returns the index in Uses of the day spent (not cancelled) on
// date, or -1.
func (c Card) spentOn(date string) int {
	for i, u := range c.Uses {
		if u.Date == date && u.Cancelled.IsZero() {
			return i
		}
	}
	return -1
}
