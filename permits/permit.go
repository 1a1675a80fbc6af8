// Package permits sells and tracks parking permits (docs/permits.md, after the
// Swedish permit portal of seed 003): the permit types a city offers
// (zones, a price per length: a month or a year), permits bought for one
// to three plates from a start date, paid online with retries, active from
// their start to their end and then expired, renewed by a new permit that
// starts where the old one ends, and their plates changed for good or for
// a few days (a rental car).
//
// Which plate is valid when is computed from the permit's data alone (its
// plates as bought and its dated plate changes), never by timers. The
// Service keeps an in-memory index of the permits in force by plate and
// implements the engine's sessions.Permits: a start SMS for a permit's
// plate answers permit_holder and the warden lookup says valid.
//
// It is pure domain: it imports only the standard library and smspark's
// other domain packages. Persistence (Store), payment (Payments), the
// clock and the random source are injected; package store implements
// Store. Dates are local dates of the Service's location, Europe/Brussels
// in production.
package permits

import (
	"errors"
	"fmt"
	"slices"
	"smspark/payments"
	"time"

	"smspark/billing"
	"smspark/tariffs"
)

// Errors callers branch on. Methods wrap them with %w and detail.
var (
	// ErrUnknownType means no permit type of that ID is sold in that city.
	ErrUnknownType = errors.New("unknown permit type")
	// ErrUnknownLength means the type has no price for that length.
	ErrUnknownLength = errors.New("permit type not sold for this length")
	// ErrInvalidRequest means a request is malformed: no plate, more than
	// MaxPlates, a plate twice, a bad number of days.
	ErrInvalidRequest = errors.New("invalid permit request")
	// ErrInvalidPlate means a plate is not a plate (docs/sms.md).
	ErrInvalidPlate = errors.New("invalid plate")
	// ErrInvalidDate means a date is malformed, in the past, or too far
	// ahead.
	ErrInvalidDate = tariffs.ErrInvalidDate
	// ErrInvalidOptions means New was given unusable options or types.
	ErrInvalidOptions = errors.New("invalid permit options")
	// ErrPermitNotFound means no permit has that ID.
	ErrPermitNotFound = errors.New("permit not found")
	// ErrWrongReference means a payment result names a reference that is
	// not the current payment attempt (payments.ErrWrongReference).
	ErrWrongReference = payments.ErrWrongReference
	// ErrNotPayable means the purchase is not awaiting payment (paid,
	// cancelled, or its period is over) (payments.ErrNotPayable).
	ErrNotPayable = payments.ErrNotPayable
	// ErrPaymentUnavailable means the payment provider could not start a
	// payment; the purchase stays payable (RetryPayment)
	// (payments.ErrUnavailable).
	ErrPaymentUnavailable = payments.ErrUnavailable
	// ErrNotCancellable means a paid permit cannot be cancelled.
	ErrNotCancellable = errors.New("a paid permit cannot be cancelled")
	// ErrNotRenewable means the permit is not paid, or was renewed already.
	ErrNotRenewable = errors.New("permit cannot be renewed")
	// ErrNotChangeable means the permit's plates can no longer be changed:
	// it is expired or cancelled.
	ErrNotChangeable = errors.New("permit plates cannot be changed")
	// ErrPlateNotOnPermit means the plate to replace is not the permit's.
	ErrPlateNotOnPermit = errors.New("plate is not on the permit")
	// ErrPlateConflict means a plate change clashes with the permit's
	// plates or with another change: the new plate is on the permit
	// already, or the plate has a temporary change running or planned.
	ErrPlateConflict = errors.New("plate change conflicts with the permit's plates")
	// ErrRandom means the random source failed (payments.ErrRandom).
	ErrRandom = payments.ErrRandom
)

// MaxPlates is how many plates one permit may carry.
const MaxPlates = 3

// MaxTemporaryDays is the longest temporary plate change.
const MaxTemporaryDays = 90

// MaxDaysAhead is how far ahead a permit may start or a temporary change
// begin.
const MaxDaysAhead = 366

// Length is how long a permit runs.
type Length string

// Permit lengths.
const (
	Month Length = "month"
	Year  Length = "year"
)

// End returns when a permit of length l that starts at from ends: at the
// same local time on the same day of the next month (Month) or year
// (Year). A day the next month lacks ends it on the first of the month
// after: a month from 31 January is valid through the end of February.
func (l Length) End(from time.Time, loc *time.Location) time.Time {
	t := from.In(loc)
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	switch l {
	case Month:
		if d > daysIn(y, m+1) {
			return time.Date(y, m+2, 1, hh, mm, ss, 0, loc)
		}
		return time.Date(y, m+1, d, hh, mm, ss, 0, loc)
	case Year:
		if d > daysIn(y+1, m) {
			return time.Date(y+1, m+1, 1, hh, mm, ss, 0, loc)
		}
		return time.Date(y+1, m, d, hh, mm, ss, 0, loc)
	}
	return t
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Type is a kind of permit a city sells (config.PermitType).
type Type struct {
	// ID identifies the type in the API, e.g. "leuven-resident".
	ID   string `json:"id"`
	City string `json:"city"`
	// Name is the type's name as the city writes it ("Bewonerskaart").
	Name string `json:"name"`
	// Zones are the codes of the zones a permit of the type is valid in.
	Zones []string `json:"zones"`
	// Prices in cents by length; a length without a price is not sold.
	Prices map[Length]int64 `json:"prices"`
}

func (t Type) validate() error {
	switch {
	case t.ID == "":
		return fmt.Errorf("%w: a type without ID", ErrInvalidOptions)
	case t.City == "":
		return fmt.Errorf("%w: type %s: no city", ErrInvalidOptions, t.ID)
	case len(t.Zones) == 0:
		return fmt.Errorf("%w: type %s: no zones", ErrInvalidOptions, t.ID)
	case len(t.Prices) == 0:
		return fmt.Errorf("%w: type %s: no prices", ErrInvalidOptions, t.ID)
	}
	for l, p := range t.Prices {
		if (l != Month && l != Year) || p < 0 {
			return fmt.Errorf("%w: type %s: price %d for length %q", ErrInvalidOptions, t.ID, p, l)
		}
	}
	return nil
}

// Status is the state of a permit. Stored are StatusAwaitingPayment,
// StatusActive (paid) and StatusCancelled; StatusAt tells StatusScheduled
// and StatusExpired from a paid permit's period.
type Status string

// Permit statuses.
const (
	StatusAwaitingPayment Status = "awaiting_payment"
	// StatusActive: paid, and its period runs.
	StatusActive Status = "active"
	// StatusScheduled: paid, its period has not begun (a renewal).
	StatusScheduled Status = "scheduled"
	// StatusExpired: paid, its period is over.
	StatusExpired   Status = "expired"
	StatusCancelled Status = "cancelled"
)

// ChangeKind says whether a plate change is for good or for some days.
type ChangeKind string

// Plate change kinds.
const (
	ChangePermanent ChangeKind = "permanent"
	ChangeTemporary ChangeKind = "temporary"
)

// PlateChange replaces a plate of a permit by another: from From on
// (permanent), or in [From, Until) only (temporary: the original is valid
// again by itself from Until).
type PlateChange struct {
	Kind ChangeKind `json:"kind"`
	Old  string     `json:"old"`
	New  string     `json:"new"`
	From time.Time  `json:"from"`
	// Until ends a temporary change; zero for a permanent one.
	Until time.Time `json:"until,omitzero"`
	// Made is when the change was asked for.
	Made time.Time `json:"made"`
}

// covers reports whether the change is in force at t.
func (c PlateChange) covers(t time.Time) bool {
	if t.Before(c.From) {
		return false
	}
	return c.Kind == ChangePermanent || t.Before(c.Until)
}

// Permit is a parking permit for one to MaxPlates plates in its type's
// zones, from From to Until.
type Permit struct {
	// ID is "P" and 10 random characters of payments.Alphabet.
	ID string `json:"id"`
	// Type is the permit type's ID; TypeName, City and Zones are the
	// type's when the permit was bought.
	Type     string   `json:"type"`
	TypeName string   `json:"type_name"`
	City     string   `json:"city"`
	Zones    []string `json:"zones"`
	// Holder is the resident's name, as the portal gave it.
	Holder string `json:"holder,omitempty"`
	// Plates are the plates as bought (normalised); Changes change them.
	Plates  []string      `json:"plates"`
	Changes []PlateChange `json:"changes,omitempty"`
	Length  Length        `json:"length"`
	// From is the local midnight of the start date; Until is From plus
	// Length (Length.End).
	From       time.Time `json:"from"`
	Until      time.Time `json:"until"`
	PriceCents int64     `json:"price_cents"`
	// Status is as stored; StatusAt tells scheduled and expired.
	Status  Status           `json:"status"`
	Created time.Time        `json:"created"`
	PaidAt  time.Time        `json:"paid_at,omitzero"`
	Payment payments.Payment `json:"payment"`
	// Communication is the structured communication a transfer quotes:
	// billing.StructuredFor("permit|" + ID).
	Communication billing.Structured `json:"communication"`
	// Language is the holder's language (nl, fr, de, en), for the receipt.
	Language string `json:"language,omitempty"`
	// RenewalOf is the permit this one renews; RenewedBy the permit that
	// renews this one (a renewal not cancelled).
	RenewalOf string `json:"renewal_of,omitempty"`
	RenewedBy string `json:"renewed_by,omitempty"`
}

// StatusAt returns the permit's status at now: a paid permit is scheduled
// before From, active in [From, Until), expired from Until on.
func (p Permit) StatusAt(now time.Time) Status {
	if p.Status != StatusActive {
		return p.Status
	}
	switch {
	case now.Before(p.From):
		return StatusScheduled
	case !now.Before(p.Until):
		return StatusExpired
	}
	return StatusActive
}

// RegisteredPlates returns the permit's plates at t after its permanent
// changes in force at t, temporary changes left out.
func (p Permit) RegisteredPlates(t time.Time) []string {
	plates := slices.Clone(p.Plates)
	for _, c := range p.Changes {
		if c.Kind == ChangePermanent && c.covers(t) {
			replace(plates, c.Old, c.New)
		}
	}
	return plates
}

// PlatesAt returns the plates valid at t (whether or not the permit is in
// force then): the registered plates, each under a temporary change
// running at t replaced by its temporary plate.
func (p Permit) PlatesAt(t time.Time) []string {
	plates := p.RegisteredPlates(t)
	for _, c := range p.Changes {
		if c.Kind == ChangeTemporary && c.covers(t) {
			replace(plates, c.Old, c.New)
		}
	}
	return plates
}

// CurrentPlates returns the registered plates as of now, or as of From
// for a permit not begun yet.
func (p Permit) CurrentPlates(now time.Time) []string {
	if now.Before(p.From) {
		now = p.From
	}
	return p.RegisteredPlates(now)
}

// allPlates returns every plate the permit ever makes valid: as bought,
// and the new plates of its changes.
func (p Permit) allPlates() []string {
	out := slices.Clone(p.Plates)
	for _, c := range p.Changes {
		if !slices.Contains(out, c.New) {
			out = append(out, c.New)
		}
	}
	return out
}

// Valid reports whether the permit makes plate valid in zone at t: it is
// paid, t lies in [From, Until), zone is one of its zones, and plate is
// one of PlatesAt(t).
func (p Permit) Valid(plate, zone string, t time.Time) bool {
	return p.StatusAt(t) == StatusActive && slices.Contains(p.Zones, zone) && slices.Contains(p.PlatesAt(t), plate)
}

// ValidityOf returns the span of [From, Until) around t in which plate is
// valid by the permit: the permit's period, narrowed to a temporary
// change's days for a temporary plate.
func (p Permit) ValidityOf(plate string, t time.Time) (from, until time.Time) {
	from, until = p.From, p.Until
	for _, c := range p.Changes {
		if c.Kind == ChangeTemporary && c.New == plate && c.covers(t) {
			if c.From.After(from) {
				from = c.From
			}
			if c.Until.Before(until) {
				until = c.Until
			}
		}
	}
	return from, until
}

// replace replaces old by new in plates, in place.
func replace(plates []string, old, new string) {
	if i := slices.Index(plates, old); i >= 0 {
		plates[i] = new
	}
}
