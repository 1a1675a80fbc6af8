package daycards

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"smspark/billing"
	"smspark/parser"
	"smspark/payments"
	"smspark/sessions"
	"smspark/tariffs"
)

// maxTries bounds the draws of fresh IDs after collisions.
const maxTries = 8

// Store keeps day cards; package store implements it.
type Store interface {
	// PutCard writes the card (new or changed) and its indexes in one
	// transaction.
	PutCard(ctx context.Context, c Card) error
	// Card returns the card. Returns ErrCardNotFound.
	Card(ctx context.Context, id string) (Card, error)
	// CardsOf returns the cards of an owner's number.
	CardsOf(ctx context.Context, number string) ([]Card, error)
	// CardsUsedFrom returns the cards with a day spent (not cancelled) on
	// date (YYYY-MM-DD) or later.
	CardsUsedFrom(ctx context.Context, date string) ([]Card, error)
}

// The Service answers like a permit service.
var _ sessions.Permits = (*Service)(nil)

// Options configure a Service.
type Options struct {
	// Zones are the configured zones; those with a Tariff.DayPrice sell
	// day cards. Codes are unique.
	Zones []tariffs.Zone
	// Store keeps the cards. Required.
	Store Store
	// Payments starts payments (the payment provider, adapted). Required.
	Payments payments.Starter
	// Clock tells the time. Required.
	Clock func() time.Time
	// Random draws card IDs; nil means crypto/rand.Reader.
	Random io.Reader
	// Location sets dates; nil means Europe/Brussels.
	Location *time.Location
}

// Service sells day cards and spends their days. Its methods are safe
// for concurrent use; changes are serialised.
type Service struct {
	zones    []tariffs.Zone
	byCode   map[string]tariffs.Zone
	store    Store
	payments payments.Starter
	clock    func() time.Time
	random   io.Reader
	loc      *time.Location

	mu sync.Mutex // serialises read-modify-write of cards
	ix index
}

// New returns a Service with its index of the days spent from today on
// loaded from the store. Returns ErrInvalidOptions, the error of loading
// Europe/Brussels, or the Store's error.
func New(ctx context.Context, opts Options) (*Service, error) {
	switch {
	case opts.Store == nil:
		return nil, fmt.Errorf("%w: no store", ErrInvalidOptions)
	case opts.Payments == nil:
		return nil, fmt.Errorf("%w: no payments", ErrInvalidOptions)
	case opts.Clock == nil:
		return nil, fmt.Errorf("%w: no clock", ErrInvalidOptions)
	}
	s := &Service{byCode: map[string]tariffs.Zone{}, store: opts.Store, payments: opts.Payments,
		clock: opts.Clock, random: opts.Random, loc: opts.Location}
	for _, z := range opts.Zones {
		if z.Tariff.DayPrice <= 0 {
			continue
		}
		if _, dup := s.byCode[z.Code]; dup {
			return nil, fmt.Errorf("%w: zone %s given twice", ErrInvalidOptions, z.Code)
		}
		s.byCode[z.Code] = z
		s.zones = append(s.zones, z)
	}
	if s.random == nil {
		s.random = rand.Reader
	}
	if s.loc == nil {
		loc, err := time.LoadLocation("Europe/Brussels")
		if err != nil {
			return nil, fmt.Errorf("daycards: %w", err)
		}
		s.loc = loc
	}
	today := s.today(s.clock())
	cards, err := s.store.CardsUsedFrom(ctx, today)
	if err != nil {
		return nil, fmt.Errorf("daycards: load: %w", err)
	}
	s.ix.init()
	for _, c := range cards {
		s.ix.put(c, today)
	}
	return s, nil
}

// Zones returns the zones that sell day cards, in the order given.
func (s *Service) Zones() []tariffs.Zone { return slices.Clone(s.zones) }

func (s *Service) today(now time.Time) string { return now.In(s.loc).Format(time.DateOnly) }

// Buy creates a card of days days of zone for the owner's number, at
// days × the zone's day price, awaiting payment: a payment is started and
// the card, with its Payment and structured communication, is returned.
// If the payment cannot be started, the card is kept awaiting payment and
// returned with an error wrapping ErrPaymentUnavailable.
//
// Returns ErrUnknownZone, ErrInvalidRequest (no number, days outside 1 to
// MaxDays), ErrPaymentUnavailable, ErrRandom, or the Store's error.
func (s *Service) Buy(ctx context.Context, number, zone string, days int) (Card, error) {
	z, ok := s.byCode[strings.TrimSpace(zone)]
	if !ok {
		return Card{}, fmt.Errorf("daycards: %w: %q", ErrUnknownZone, zone)
	}
	if number == "" || days < 1 || days > MaxDays {
		return Card{}, fmt.Errorf("daycards: %w: %d days for %q, 1 to %d", ErrInvalidRequest, days, number, MaxDays)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock()
	id, err := s.newID(ctx)
	if err != nil {
		return Card{}, fmt.Errorf("daycards: buy: %w", err)
	}
	c := Card{ID: id, Number: number, City: z.City, Zone: z.Code, ZoneName: z.Name, Days: days,
		DayPriceCents: z.Tariff.DayPrice, PriceCents: int64(days) * z.Tariff.DayPrice,
		Status: StatusAwaitingPayment, Created: now, Communication: billing.StructuredFor("daycard|" + id)}
	if err := s.put(ctx, c, now); err != nil {
		return Card{}, fmt.Errorf("daycards: buy: %w", err)
	}
	return s.startPayment(ctx, c, now)
}

// put stores c and updates the index.
func (s *Service) put(ctx context.Context, c Card, now time.Time) error {
	if err := s.store.PutCard(ctx, c); err != nil {
		return err
	}
	s.ix.put(c, s.today(now))
	return nil
}

// startPayment starts a new payment of c (awaiting payment, stored) and
// stores it as c's current one.
func (s *Service) startPayment(ctx context.Context, c Card, now time.Time) (Card, error) {
	err := c.Payment.Begin(ctx, s.payments, payments.Request{ID: c.ID, Kind: Kind, AmountCents: c.PriceCents,
		Communication: c.Communication})
	if err != nil {
		return c, fmt.Errorf("daycards: card %s: %w", c.ID, err)
	}
	if err := s.put(ctx, c, now); err != nil {
		return c, fmt.Errorf("daycards: card %s: record payment: %w", c.ID, err)
	}
	return c, nil
}

// PaymentResult records the provider's (signed, checked by the caller)
// result of payment reference of a card: paid, the card can be spent;
// not paid, it stays awaiting payment (LastResult failed), payable again
// through RetryPayment. A result for a card already paid changes nothing,
// as does a repeated failure.
//
// Returns ErrCardNotFound, ErrWrongReference if reference is not the
// card's current payment, ErrNotPayable for a cancelled card, or the
// Store's error.
func (s *Service) PaymentResult(ctx context.Context, id, reference string, paid bool, method string) (Card, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.store.Card(ctx, id)
	if err != nil {
		return Card{}, fmt.Errorf("daycards: payment result: %w", err)
	}
	out, err := c.Payment.Settle(c.paymentState(), reference, paid, method)
	if err != nil {
		return c, fmt.Errorf("daycards: card %s: %w", c.ID, err)
	}
	if out == payments.Unchanged {
		return c, nil
	}
	now := s.clock()
	if out == payments.Paid {
		c.Status, c.PaidAt = StatusPaid, now
	}
	if err := s.put(ctx, c, now); err != nil {
		return Card{}, fmt.Errorf("daycards: card %s: payment result: %w", c.ID, err)
	}
	return c, nil
}

// paymentState is where the card stands for its payment.
func (c Card) paymentState() payments.State {
	switch c.Status {
	case StatusPaid:
		return payments.Settled
	case StatusCancelled:
		return payments.Cancelled
	}
	return payments.Awaiting
}

// RetryPayment starts a new payment attempt of the number's card awaiting
// payment; the former reference is no longer accepted.
//
// Returns ErrCardNotFound (also for another number's card), ErrNotPayable
// unless the card awaits payment, ErrPaymentUnavailable, or the Store's
// error.
func (s *Service) RetryPayment(ctx context.Context, number, id string) (Card, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.owned(ctx, number, id)
	if err != nil {
		return Card{}, fmt.Errorf("daycards: retry payment: %w", err)
	}
	if c.Status != StatusAwaitingPayment {
		return c, fmt.Errorf("daycards: card %s: %w: %s", c.ID, ErrNotPayable, c.Status)
	}
	return s.startPayment(ctx, c, s.clock())
}

// Cancel cancels the number's card awaiting payment. Cancelling a
// cancelled card changes nothing.
//
// Returns ErrCardNotFound, ErrNotCancellable for a paid card, or the
// Store's error.
func (s *Service) Cancel(ctx context.Context, number, id string) (Card, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.owned(ctx, number, id)
	if err != nil {
		return Card{}, fmt.Errorf("daycards: cancel: %w", err)
	}
	switch c.Status {
	case StatusCancelled:
		return c, nil
	case StatusPaid:
		return c, fmt.Errorf("daycards: card %s: %w: it is paid", c.ID, ErrNotCancellable)
	}
	c.Status = StatusCancelled
	if err := s.put(ctx, c, s.clock()); err != nil {
		return Card{}, fmt.Errorf("daycards: cancel %s: %w", c.ID, err)
	}
	return c, nil
}

// Get returns the card if number owns it; number "" means any owner (the
// operator). Returns ErrCardNotFound or the Store's error.
func (s *Service) Get(ctx context.Context, number, id string) (Card, error) {
	c, err := s.owned(ctx, number, id)
	if err != nil {
		return Card{}, fmt.Errorf("daycards: %w", err)
	}
	return c, nil
}

// CardsOf returns the number's cards, newest first. Returns the Store's
// error.
func (s *Service) CardsOf(ctx context.Context, number string) ([]Card, error) {
	cs, err := s.store.CardsOf(ctx, number)
	if err != nil {
		return nil, fmt.Errorf("daycards: %w", err)
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Created.After(cs[j].Created) })
	return cs, nil
}

// owned loads card id of number ("" for any).
func (s *Service) owned(ctx context.Context, number, id string) (Card, error) {
	c, err := s.store.Card(ctx, id)
	if err != nil {
		return Card{}, err
	}
	if number != "" && c.Number != number {
		return Card{}, fmt.Errorf("card %q: %w", id, ErrCardNotFound)
	}
	return c, nil
}

// Spend spends days of the number's paid card on dates, one day each, for
// plate (any written form): the plate is valid in the card's zone on each
// of those whole local days. All dates are spent, or none.
//
// Returns ErrCardNotFound, ErrNotPaid, ErrInvalidPlate, ErrInvalidRequest
// (no date, a date twice), ErrInvalidDate (a past date, more than
// MaxDaysAhead ahead), ErrFreeDay (the zone charges nothing that day, or
// nothing more today), ErrAlreadySpent, ErrNoDaysLeft, or the Store's
// error.
func (s *Service) Spend(ctx context.Context, number, id, plate string, dates ...tariffs.Date) (Card, error) {
	pl, err := parser.NormalizePlate(plate)
	if err != nil {
		return Card{}, fmt.Errorf("daycards: %w: %q", ErrInvalidPlate, plate)
	}
	if len(dates) == 0 || len(dates) > MaxDays {
		return Card{}, fmt.Errorf("daycards: %w: %d dates", ErrInvalidRequest, len(dates))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.owned(ctx, number, id)
	if err != nil {
		return Card{}, fmt.Errorf("daycards: spend: %w", err)
	}
	if c.Status != StatusPaid {
		return c, fmt.Errorf("daycards: card %s: %w: %s", c.ID, ErrNotPaid, c.Status)
	}
	z, ok := s.byCode[c.Zone]
	if !ok {
		return c, fmt.Errorf("daycards: card %s: %w: %s", c.ID, ErrUnknownZone, c.Zone)
	}
	now := s.clock()
	today := tariffs.DateOf(now, s.loc)
	first := today.Midnight(s.loc)
	seen := map[string]bool{}
	for _, d := range dates {
		m := d.Midnight(s.loc)
		date := d.String()
		switch {
		case tariffs.DateOf(m, s.loc) != d:
			return c, fmt.Errorf("daycards: %w: %s does not exist", ErrInvalidDate, date)
		case m.Before(first) || m.After(first.AddDate(0, 0, MaxDaysAhead)):
			return c, fmt.Errorf("daycards: %w: %s: from today to %d days ahead", ErrInvalidDate, date, MaxDaysAhead)
		case seen[date]:
			return c, fmt.Errorf("daycards: %w: %s twice", ErrInvalidRequest, date)
		case c.spentOn(date) >= 0:
			return c, fmt.Errorf("daycards: card %s: %w: %s", c.ID, ErrAlreadySpent, date)
		}
		seen[date] = true
		from := m
		if d == today {
			from = now
		}
		if _, charging := z.Tariff.DayEnd(from); !charging {
			return c, fmt.Errorf("daycards: zone %s: %w: %s", c.Zone, ErrFreeDay, date)
		}
	}
	if left := c.Remaining(); left < len(dates) {
		return c, fmt.Errorf("daycards: card %s: %w: %d left, %d asked", c.ID, ErrNoDaysLeft, left, len(dates))
	}
	c.Uses = slices.Clone(c.Uses)
	for _, d := range dates {
		c.Uses = append(c.Uses, Use{Date: d.String(), Plate: pl, Spent: now})
	}
	if err := s.put(ctx, c, now); err != nil {
		return Card{}, fmt.Errorf("daycards: card %s: spend: %w", c.ID, err)
	}
	return c, nil
}

// CancelDay gives back the day of the number's card spent on date, a date
// after today: the plate is no longer valid that day by the card, and the
// day can be spent again.
//
// Returns ErrCardNotFound, ErrDayNotFound, ErrNotCancellable for today or
// a past date, or the Store's error.
func (s *Service) CancelDay(ctx context.Context, number, id string, date tariffs.Date) (Card, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.owned(ctx, number, id)
	if err != nil {
		return Card{}, fmt.Errorf("daycards: cancel day: %w", err)
	}
	i := c.spentOn(date.String())
	if i < 0 {
		return c, fmt.Errorf("daycards: card %s: %w: %s", c.ID, ErrDayNotFound, date)
	}
	now := s.clock()
	if date.String() <= s.today(now) {
		return c, fmt.Errorf("daycards: card %s: day %s: %w: only days after today", c.ID, date, ErrNotCancellable)
	}
	c.Uses = slices.Clone(c.Uses)
	c.Uses[i].Cancelled = now
	if err := s.put(ctx, c, now); err != nil {
		return Card{}, fmt.Errorf("daycards: card %s: cancel day: %w", c.ID, err)
	}
	return c, nil
}

// Permit returns a day card's validity for plate (normalised) in zone at
// at: a day of a card spent for that plate and zone on at's local date,
// valid that whole local day. It reads memory only.
func (s *Service) Permit(plate, zone string, at time.Time) (sessions.PermitInfo, bool) {
	local := at.In(s.loc)
	id, ok := s.ix.lookup(dayKey{plate: plate, zone: zone, date: local.Format(time.DateOnly)})
	if !ok {
		return sessions.PermitInfo{}, false
	}
	from := tariffs.DateOf(local, s.loc).Midnight(s.loc)
	return sessions.PermitInfo{ID: id, Type: Kind, Plate: plate, Zones: []string{zone}, From: from,
		Until: from.AddDate(0, 0, 1)}, true
}

// newID draws a card ID no stored card has.
func (s *Service) newID(ctx context.Context) (string, error) {
	for range maxTries {
		id, err := payments.NewID(s.random, "D")
		if err != nil {
			return "", err
		}
		_, err = s.store.Card(ctx, id)
		switch {
		case errors.Is(err, ErrCardNotFound):
			return id, nil
		case err != nil:
			return "", err
		}
	}
	return "", fmt.Errorf("%w: %d card IDs in a row already taken", ErrRandom, maxTries)
}

// dayKey is a plate parked by a card in a zone on a local date.
type dayKey struct{ plate, zone, date string }

// index holds the days spent from today on, by plate, zone and date.
type index struct {
	mu     sync.RWMutex
	days   map[dayKey][]string // -> card IDs
	byCard map[string][]dayKey
}

func (ix *index) init() {
	ix.days = map[dayKey][]string{}
	ix.byCard = map[string][]dayKey{}
}

// put replaces what the index holds of c.ID by c's days from today on,
// if c is paid, and drops days before today.
func (ix *index) put(c Card, today string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.remove(c.ID)
	if c.Status == StatusPaid {
		for _, u := range c.Uses {
			if u.Cancelled.IsZero() && u.Date >= today {
				k := dayKey{plate: u.Plate, zone: c.Zone, date: u.Date}
				ix.days[k] = append(ix.days[k], c.ID)
				ix.byCard[c.ID] = append(ix.byCard[c.ID], k)
			}
		}
	}
	for k, ids := range ix.days {
		if k.date < today {
			delete(ix.days, k)
			for _, id := range ids {
				ix.byCard[id] = slices.DeleteFunc(ix.byCard[id], func(x dayKey) bool { return x == k })
				if len(ix.byCard[id]) == 0 {
					delete(ix.byCard, id)
				}
			}
		}
	}
}

// remove drops card id. Callers hold mu.
func (ix *index) remove(id string) {
	for _, k := range ix.byCard[id] {
		ids := slices.DeleteFunc(ix.days[k], func(x string) bool { return x == id })
		if len(ids) == 0 {
			delete(ix.days, k)
		} else {
			ix.days[k] = ids
		}
	}
	delete(ix.byCard, id)
}

// lookup returns a card whose day covers k; of several, the smallest ID.
func (ix *index) lookup(k dayKey) (string, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	ids := ix.days[k]
	if len(ids) == 0 {
		return "", false
	}
	return slices.Min(ids), true
}
