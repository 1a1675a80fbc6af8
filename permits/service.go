package permits

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"slices"
	"smspark/payments"
	"strings"
	"sync"
	"time"

	"smspark/billing"
	"smspark/sessions"
	"smspark/tariffs"
)

// maxTries bounds the draws of fresh IDs after collisions.
const maxTries = 8

// Store keeps permits; package store implements it.
type Store interface {
	// PutPermits writes the permits (new or changed) and their indexes in
	// one transaction: all or nothing.
	PutPermits(ctx context.Context, ps ...Permit) error
	// Permit returns the permit. Returns ErrPermitNotFound.
	Permit(ctx context.Context, id string) (Permit, error)
	// PermitsEndingAfter returns the permits, in any status, whose Until
	// is after t.
	PermitsEndingAfter(ctx context.Context, t time.Time) ([]Permit, error)
	// PermitsOfPlate returns the permits that carry or carried the plate,
	// as bought or by a change.
	PermitsOfPlate(ctx context.Context, plate string) ([]Permit, error)
}

// The Service is what the engine asks of permits.
var _ sessions.Permits = (*Service)(nil)

// Options configure a Service.
type Options struct {
	// Types are the permit types on sale; IDs are unique.
	Types []Type
	// Store keeps permits. Required.
	Store Store
	// Payments starts payments of permits that cost something. Required.
	Payments payments.Starter
	// Clock tells the time. Required.
	Clock func() time.Time
	// Random draws permit IDs; nil means crypto/rand.Reader.
	Random io.Reader
	// Location sets dates; nil means Europe/Brussels.
	Location *time.Location
}

func (o *Options) validate() error {
	switch {
	case o.Store == nil:
		return fmt.Errorf("%w: no store", ErrInvalidOptions)
	case o.Payments == nil:
		return fmt.Errorf("%w: no payments", ErrInvalidOptions)
	case o.Clock == nil:
		return fmt.Errorf("%w: no clock", ErrInvalidOptions)
	}
	seen := map[string]bool{}
	for _, t := range o.Types {
		if err := t.validate(); err != nil {
			return err
		}
		if seen[strings.ToLower(t.ID)] {
			return fmt.Errorf("%w: type %s given twice", ErrInvalidOptions, t.ID)
		}
		seen[strings.ToLower(t.ID)] = true
	}
	return nil
}

// Service sells permits and answers which plates they make valid. Its
// methods are safe for concurrent use; changes are serialised, and the
// in-memory index is updated after each change is stored.
type Service struct {
	types    []Type
	store    Store
	payments payments.Starter
	clock    func() time.Time
	random   io.Reader
	loc      *time.Location

	mu sync.Mutex // serialises read-modify-write of permits
	ix index
}

// New returns a Service with its index of permits in force loaded from
// the store. Returns ErrInvalidOptions, the error of loading
// Europe/Brussels, or the Store's error.
func New(ctx context.Context, opts Options) (*Service, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	s := &Service{types: slices.Clone(opts.Types), store: opts.Store, payments: opts.Payments,
		clock: opts.Clock, random: opts.Random, loc: opts.Location}
	if s.random == nil {
		s.random = rand.Reader
	}
	if s.loc == nil {
		loc, err := time.LoadLocation("Europe/Brussels")
		if err != nil {
			return nil, fmt.Errorf("permits: %w", err)
		}
		s.loc = loc
	}
	now := s.clock()
	ps, err := s.store.PermitsEndingAfter(ctx, now)
	if err != nil {
		return nil, fmt.Errorf("permits: load: %w", err)
	}
	s.ix.init()
	for _, p := range ps {
		s.ix.put(p, now)
	}
	return s, nil
}

// Types returns the permit types on sale.
func (s *Service) Types() []Type { return slices.Clone(s.types) }

// TypesOf returns the types sold in city (case-insensitive), in the order
// of Options.Types.
func (s *Service) TypesOf(city string) []Type {
	var out []Type
	for _, t := range s.types {
		if strings.EqualFold(t.City, city) {
			out = append(out, t)
		}
	}
	return out
}

// typeOf returns the type with the ID (any case) sold in city (any case).
func (s *Service) typeOf(city, id string) (Type, bool) {
	for _, t := range s.types {
		if strings.EqualFold(t.ID, strings.TrimSpace(id)) && strings.EqualFold(t.City, city) {
			return t, true
		}
	}
	return Type{}, false
}

// BuyRequest is what a city portal buys.
type BuyRequest struct {
	City string
	// Type is the permit type's ID.
	Type   string
	Length Length
	// Start is the first day; the zero Date means today.
	Start tariffs.Date
	// Plates, 1 to MaxPlates of them, in any written form (docs/sms.md).
	Plates   []string
	Holder   string
	Language string
}

// Buy creates a permit from req.Start for req.Length at the type's price.
// A permit that costs nothing is active (or scheduled) at once. Otherwise
// it awaits payment: a payment is started with Payments and the permit,
// with its Payment (reference, redirect URL) and structured communication,
// is returned. If the payment cannot be started, the permit is kept
// awaiting payment and returned with an error wrapping
// ErrPaymentUnavailable: RetryPayment or Cancel it.
//
// Returns ErrUnknownType, ErrUnknownLength, ErrInvalidRequest,
// ErrInvalidPlate, ErrInvalidDate (a start in the past or more than
// MaxDaysAhead ahead), ErrPaymentUnavailable, ErrRandom, or the Store's
// error.
func (s *Service) Buy(ctx context.Context, req BuyRequest) (Permit, error) {
	t, ok := s.typeOf(req.City, req.Type)
	if !ok {
		return Permit{}, fmt.Errorf("permits: %w: %q in %q", ErrUnknownType, req.Type, req.City)
	}
	price, ok := t.Prices[req.Length]
	if !ok {
		return Permit{}, fmt.Errorf("permits: %w: %s for a %q", ErrUnknownLength, t.ID, req.Length)
	}
	plates, err := normalizePlates(req.Plates)
	if err != nil {
		return Permit{}, fmt.Errorf("permits: %w", err)
	}
	if len(req.Holder) > 200 || len(req.Language) > 5 {
		return Permit{}, fmt.Errorf("permits: %w: holder or language too long", ErrInvalidRequest)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock()
	from, err := s.startOf(req.Start, now)
	if err != nil {
		return Permit{}, fmt.Errorf("permits: %w", err)
	}
	id, err := s.newID(ctx)
	if err != nil {
		return Permit{}, fmt.Errorf("permits: buy: %w", err)
	}
	p := Permit{ID: id, Type: t.ID, TypeName: t.Name, City: t.City, Zones: slices.Clone(t.Zones),
		Holder: strings.TrimSpace(req.Holder), Plates: plates, Length: req.Length, From: from,
		Until: req.Length.End(from, s.loc), PriceCents: price, Created: now, Language: req.Language,
		Communication: billing.StructuredFor("permit|" + id)}
	return s.place(ctx, p, now)
}

// place stores the new permit p (and the others, changed with it) and
// starts its payment, or activates it if it costs nothing.
func (s *Service) place(ctx context.Context, p Permit, now time.Time, others ...Permit) (Permit, error) {
	if p.PriceCents == 0 {
		p.Status, p.PaidAt = StatusActive, now
		p.Payment = payments.Payment{Method: payments.MethodFree, LastResult: payments.ResultFree}
		if err := s.put(ctx, now, append(others, p)...); err != nil {
			return Permit{}, fmt.Errorf("permits: place %s: %w", p.ID, err)
		}
		return p, nil
	}
	p.Status = StatusAwaitingPayment
	if err := s.put(ctx, now, append(others, p)...); err != nil {
		return Permit{}, fmt.Errorf("permits: place %s: %w", p.ID, err)
	}
	return s.startPayment(ctx, p, now)
}

// startOf returns the local midnight of start (today when zero), which
// must be neither before today nor more than MaxDaysAhead ahead.
func (s *Service) startOf(start tariffs.Date, now time.Time) (time.Time, error) {
	today := tariffs.DateOf(now, s.loc)
	if start == (tariffs.Date{}) {
		start = today
	}
	from := start.Midnight(s.loc)
	first := today.Midnight(s.loc)
	if tariffs.DateOf(from, s.loc) != start {
		return time.Time{}, fmt.Errorf("%w: %s does not exist", ErrInvalidDate, start)
	}
	if from.Before(first) || from.After(first.AddDate(0, 0, MaxDaysAhead)) {
		return time.Time{}, fmt.Errorf("%w: %s: from today to %d days ahead", ErrInvalidDate, start, MaxDaysAhead)
	}
	return from, nil
}

// put stores ps and updates the index.
func (s *Service) put(ctx context.Context, now time.Time, ps ...Permit) error {
	if err := s.store.PutPermits(ctx, ps...); err != nil {
		return err
	}
	for _, p := range ps {
		s.ix.put(p, now)
	}
	return nil
}

// startPayment starts a new payment of p (awaiting payment, stored) and
// stores it as p's current one.
func (s *Service) startPayment(ctx context.Context, p Permit, now time.Time) (Permit, error) {
	err := p.Payment.Begin(ctx, s.payments, payments.Request{ID: p.ID, Kind: "permit", AmountCents: p.PriceCents,
		Communication: p.Communication})
	if err != nil {
		return p, fmt.Errorf("permits: permit %s: %w", p.ID, err)
	}
	if err := s.put(ctx, now, p); err != nil {
		return p, fmt.Errorf("permits: permit %s: record payment: %w", p.ID, err)
	}
	return p, nil
}

// PaymentResult records the provider's (signed, checked by the caller)
// result of payment reference of a permit. Paid: the permit is paid at
// the Service's clock, with method, and is in force over its period. Not
// paid: it stays awaiting payment with LastResult ResultFailed, payable
// again through RetryPayment. A result for a permit already paid changes
// nothing and returns it, as does a repeated failure.
//
// Returns ErrPermitNotFound, ErrWrongReference if reference is not the
// permit's current payment (a superseded attempt: the caller refunds it),
// ErrNotPayable for a cancelled permit, or the Store's error.
func (s *Service) PaymentResult(ctx context.Context, id, reference string, paid bool, method string) (Permit, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.store.Permit(ctx, id)
	if err != nil {
		return Permit{}, fmt.Errorf("permits: payment result: %w", err)
	}
	out, err := p.Payment.Settle(p.paymentState(), reference, paid, method)
	if err != nil {
		return p, fmt.Errorf("permits: permit %s: %w", p.ID, err)
	}
	if out == payments.Unchanged {
		return p, nil
	}
	now := s.clock()
	if out == payments.Paid {
		p.Status, p.PaidAt = StatusActive, now
	}
	if err := s.put(ctx, now, p); err != nil {
		return Permit{}, fmt.Errorf("permits: permit %s: payment result: %w", p.ID, err)
	}
	return p, nil
}

// paymentState is where the permit stands for its payment.
func (p Permit) paymentState() payments.State {
	switch p.Status {
	case StatusActive:
		return payments.Settled
	case StatusCancelled:
		return payments.Cancelled
	}
	return payments.Awaiting
}

// RetryPayment starts a new payment attempt of a permit awaiting payment
// (after a failed or abandoned one); the former reference is no longer
// accepted.
//
// Returns ErrPermitNotFound, ErrNotPayable unless the permit awaits
// payment and its period is not over, ErrPaymentUnavailable, or the
// Store's error.
func (s *Service) RetryPayment(ctx context.Context, id string) (Permit, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.store.Permit(ctx, id)
	if err != nil {
		return Permit{}, fmt.Errorf("permits: retry payment: %w", err)
	}
	now := s.clock()
	if p.Status != StatusAwaitingPayment || !now.Before(p.Until) {
		return p, fmt.Errorf("permits: permit %s: %w: %s", p.ID, ErrNotPayable, p.StatusAt(now))
	}
	return s.startPayment(ctx, p, now)
}

// Cancel cancels a permit awaiting payment; a renewal cancelled frees its
// permit to be renewed again. Cancelling a cancelled permit changes
// nothing.
//
// Returns ErrPermitNotFound, ErrNotCancellable for a paid permit, or the
// Store's error.
func (s *Service) Cancel(ctx context.Context, id string) (Permit, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.store.Permit(ctx, id)
	if err != nil {
		return Permit{}, fmt.Errorf("permits: cancel: %w", err)
	}
	switch p.Status {
	case StatusCancelled:
		return p, nil
	case StatusActive:
		return p, fmt.Errorf("permits: permit %s: %w", p.ID, ErrNotCancellable)
	}
	p.Status = StatusCancelled
	changed := []Permit{p}
	if p.RenewalOf != "" {
		old, err := s.store.Permit(ctx, p.RenewalOf)
		if err != nil && !errors.Is(err, ErrPermitNotFound) {
			return Permit{}, fmt.Errorf("permits: cancel %s: %w", p.ID, err)
		}
		if err == nil && old.RenewedBy == p.ID {
			old.RenewedBy = ""
			changed = append(changed, old)
		}
	}
	if err := s.put(ctx, s.clock(), changed...); err != nil {
		return Permit{}, fmt.Errorf("permits: cancel %s: %w", p.ID, err)
	}
	return p, nil
}

// Renew buys the permit's renewal: a new permit of the same type, city
// and holder for the plates the permit has at its end, starting when it
// ends (or today, if it has ended already), for length (empty: the
// permit's own) at the type's price now. It is paid like a new permit.
//
// Returns ErrPermitNotFound, ErrNotRenewable unless the permit is paid and
// not renewed yet (a cancelled renewal does not count), ErrUnknownType if
// the type is no longer sold, ErrUnknownLength, ErrInvalidDate if the
// renewal would start more than MaxDaysAhead ahead,
// ErrPaymentUnavailable (the renewal is kept, awaiting payment), ErrRandom,
// or the Store's error.
func (s *Service) Renew(ctx context.Context, id string, length Length) (Permit, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := s.store.Permit(ctx, id)
	if err != nil {
		return Permit{}, fmt.Errorf("permits: renew: %w", err)
	}
	if old.Status != StatusActive || old.RenewedBy != "" {
		return old, fmt.Errorf("permits: permit %s: %w: %s, renewed by %q", old.ID, ErrNotRenewable, old.Status, old.RenewedBy)
	}
	t, ok := s.typeOf(old.City, old.Type)
	if !ok {
		return old, fmt.Errorf("permits: renew %s: %w: %s", old.ID, ErrUnknownType, old.Type)
	}
	if length == "" {
		length = old.Length
	}
	price, ok := t.Prices[length]
	if !ok {
		return old, fmt.Errorf("permits: renew %s: %w: a %q", old.ID, ErrUnknownLength, length)
	}
	now := s.clock()
	from := old.Until
	if today := tariffs.DateOf(now, s.loc).Midnight(s.loc); from.Before(today) {
		from = today
	}
	if _, err := s.startOf(tariffs.DateOf(from, s.loc), now); err != nil {
		return old, fmt.Errorf("permits: renew %s: %w", old.ID, err)
	}
	nid, err := s.newID(ctx)
	if err != nil {
		return Permit{}, fmt.Errorf("permits: renew: %w", err)
	}
	p := Permit{ID: nid, Type: t.ID, TypeName: t.Name, City: t.City, Zones: slices.Clone(t.Zones),
		Holder: old.Holder, Plates: old.RegisteredPlates(old.Until), Length: length, From: from,
		Until: length.End(from, s.loc), PriceCents: price, Created: now, Language: old.Language,
		Communication: billing.StructuredFor("permit|" + nid), RenewalOf: old.ID}
	old.RenewedBy = p.ID
	return s.place(ctx, p, now, old)
}

// Get returns the permit. Returns ErrPermitNotFound or the Store's error.
func (s *Service) Get(ctx context.Context, id string) (Permit, error) {
	p, err := s.store.Permit(ctx, id)
	if err != nil {
		return Permit{}, fmt.Errorf("permits: %w", err)
	}
	return p, nil
}

// OfPlate returns the permits that carry or carried the plate (any
// written form). Returns ErrInvalidPlate or the Store's error.
func (s *Service) OfPlate(ctx context.Context, plate string) ([]Permit, error) {
	pl, err := normalizePlate(plate)
	if err != nil {
		return nil, fmt.Errorf("permits: %w", err)
	}
	ps, err := s.store.PermitsOfPlate(ctx, pl)
	if err != nil {
		return nil, fmt.Errorf("permits: %w", err)
	}
	return ps, nil
}

// Permit returns the paid permit that makes plate (normalised) valid in
// zone at at, considering its plate changes, from the in-memory index:
// no I/O. It implements sessions.Permits. Permits that ended before the
// last change or the start are no longer in the index.
func (s *Service) Permit(plate, zone string, at time.Time) (sessions.PermitInfo, bool) {
	p, ok := s.ix.lookup(plate, zone, at)
	if !ok {
		return sessions.PermitInfo{}, false
	}
	from, until := p.ValidityOf(plate, at)
	return sessions.PermitInfo{ID: p.ID, Type: p.Type, Plate: plate, Zones: slices.Clone(p.Zones), From: from, Until: until}, true
}

// newID draws a permit ID no stored permit has.
func (s *Service) newID(ctx context.Context) (string, error) {
	for range maxTries {
		id, err := payments.NewID(s.random, "P")
		if err != nil {
			return "", err
		}
		_, err = s.store.Permit(ctx, id)
		switch {
		case errors.Is(err, ErrPermitNotFound):
			return id, nil
		case err != nil:
			return "", err
		}
	}
	return "", fmt.Errorf("%w: %d permit IDs in a row already taken", ErrRandom, maxTries)
}

// latest returns the latest of ts.
func latest(ts ...time.Time) time.Time {
	var out time.Time
	for _, t := range ts {
		if t.After(out) {
			out = t
		}
	}
	return out
}
