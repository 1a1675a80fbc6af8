package vouchers

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
)

// maxTries bounds the draws of fresh codes or order IDs after collisions.
const maxTries = 8

// Store keeps orders and vouchers; package store implements it.
type Store interface {
	// PutOrder writes the order (new or changed) and the new vouchers in
	// one transaction, indexing the order under IndexKey. Returns
	// ErrCodeTaken, and writes nothing, if a voucher's code exists.
	PutOrder(ctx context.Context, o Order, new []Voucher) error
	// Order returns the order. Returns ErrOrderNotFound.
	Order(ctx context.Context, id string) (Order, error)
	// OrdersOf returns the orders indexed under city, addressKey and year,
	// cancelled ones included.
	OrdersOf(ctx context.Context, city, addressKey string, year int) ([]Order, error)
	// Voucher returns the voucher. Returns ErrVoucherNotFound.
	Voucher(ctx context.Context, code string) (Voucher, error)
	// VouchersOf returns the vouchers of the order, in the order of its
	// Codes. Returns ErrOrderNotFound.
	VouchersOf(ctx context.Context, orderID string) ([]Voucher, error)
}

// Options configure a Service.
type Options struct {
	// Types are the voucher types on sale. Prefixes are unique.
	Types []Type
	// Addresses are more known streets with their zones, for every type,
	// consulted after a type's own Addresses.
	Addresses []Address
	// Store keeps orders and vouchers. Required.
	Store Store
	// Clock tells the time. Required.
	Clock func() time.Time
	// Random draws codes and order IDs; nil means crypto/rand.Reader.
	Random io.Reader
	// Location sets calendar years and expiry dates; nil means
	// Europe/Brussels.
	Location *time.Location
	// Payments starts payments of orders that cost something. Required.
	Payments payments.Starter
}

func (o *Options) validate() error {
	switch {
	case o.Store == nil:
		return fmt.Errorf("%w: no store", ErrInvalidOptions)
	case o.Clock == nil:
		return fmt.Errorf("%w: no clock", ErrInvalidOptions)
	case o.Payments == nil:
		return fmt.Errorf("%w: no payments", ErrInvalidOptions)
	}
	seen := map[string]bool{}
	for _, t := range o.Types {
		if err := t.validate(); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidOptions, err)
		}
		if seen[t.Prefix] {
			return fmt.Errorf("%w: prefix %s used twice", ErrInvalidOptions, t.Prefix)
		}
		seen[t.Prefix] = true
	}
	return nil
}

// Service sells vouchers: offers, orders, payments, issue. Its methods are
// safe for concurrent use; changes to orders are serialised, so that two
// orders of one address cannot both pass its quota.
type Service struct {
	types     []Type
	addresses []Address
	store     Store
	clock     func() time.Time
	random    io.Reader
	loc       *time.Location
	payments  payments.Starter

	mu sync.Mutex // serialises read-modify-write of orders
}

// New returns a Service. Returns ErrInvalidOptions (wrapping ErrBadPrefix
// for a bad prefix) for missing dependencies or an unusable type, or the
// error of loading Europe/Brussels.
func New(opts Options) (*Service, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	s := &Service{
		types:     slices.Clone(opts.Types),
		addresses: slices.Clone(opts.Addresses),
		store:     opts.Store,
		clock:     opts.Clock,
		random:    opts.Random,
		loc:       opts.Location,
		payments:  opts.Payments,
	}
	if s.random == nil {
		s.random = rand.Reader
	}
	if s.loc == nil {
		loc, err := time.LoadLocation("Europe/Brussels")
		if err != nil {
			return nil, fmt.Errorf("vouchers: %w", err)
		}
		s.loc = loc
	}
	return s, nil
}

// Types returns the voucher types on sale.
func (s *Service) Types() []Type { return slices.Clone(s.types) }

// Offer is a type an address may buy, with what it has left this year.
type Offer struct {
	Type Type `json:"type"`
	// Zone is the address's zone that makes it eligible.
	Zone string `json:"zone"`
	// Usage is what the address has got this year.
	Usage Usage `json:"usage"`
	// FreeBundlesLeft is how many bundles it still gets free.
	FreeBundlesLeft int `json:"free_bundles_left"`
	// BundlePriceCents is the price of a bundle that is not free.
	BundlePriceCents int64 `json:"bundle_price_cents"`
	// RemainingVouchers is how many vouchers it may still get (NoLimit:
	// no quota).
	RemainingVouchers int `json:"remaining_vouchers"`
	// RemainingMinutes is the parking time left under the time quota
	// (NoLimit: no time quota); RemainingHours is the same for display,
	// "40.5", empty without a time quota.
	RemainingMinutes int    `json:"remaining_minutes"`
	RemainingHours   string `json:"remaining_hours,omitempty"`
	// MaxQuantity is the largest quantity it may order now, a multiple of
	// the bundle size, at most MaxOrderQuantity; 0 when the quota is
	// reached (the portal says so).
	MaxQuantity int `json:"max_quantity"`
}

// Offers returns the types sold in city (case-insensitive) that the
// address is eligible for, each with the address's remaining quota this
// year, in the order of Options.Types. An address eligible for none gets
// an empty list.
//
// Returns ErrInvalidAddress, or the Store's error.
func (s *Service) Offers(ctx context.Context, city string, a Address) ([]Offer, error) {
	if err := a.validate(); err != nil {
		return nil, err
	}
	year := s.clock().In(s.loc).Year()
	cache := map[string][]Order{}
	var offers []Offer
	for _, t := range s.types {
		if !strings.EqualFold(t.City, city) {
			continue
		}
		zone := zoneOf(t, s.addresses, a)
		if !t.eligible(zone) {
			continue
		}
		orders, ok := cache[t.City]
		if !ok {
			var err error
			if orders, err = s.store.OrdersOf(ctx, t.City, a.Key(), year); err != nil {
				return nil, fmt.Errorf("vouchers: offers: %w", err)
			}
			cache[t.City] = orders
		}
		u := UsageOf(t, orders)
		vouchers, minutes := t.Remaining(u)
		o := Offer{
			Type: t, Zone: zone, Usage: u,
			FreeBundlesLeft:   t.FreeBundlesLeft(u),
			BundlePriceCents:  t.BundlePrice,
			RemainingVouchers: vouchers,
			RemainingMinutes:  minutes,
			MaxQuantity:       MaxOrderQuantity / t.BundleSize * t.BundleSize,
		}
		if minutes != NoLimit {
			o.RemainingHours = FormatHours(minutes)
		}
		if vouchers != NoLimit {
			o.MaxQuantity = min(o.MaxQuantity, vouchers/t.BundleSize*t.BundleSize)
		}
		offers = append(offers, o)
	}
	return offers, nil
}

// OrderRequest is what the portal or back office orders.
type OrderRequest struct {
	City string
	// Type is the prefix of the voucher type.
	Type     string
	Citizen  string
	Address  Address
	Quantity int
	// Channel is ChannelPortal (the default) or ChannelBackoffice.
	Channel  Channel
	Language string
}

// PlaceOrder orders vouchers for an address. The order counts against the
// address's quota of the current year from now on, unless cancelled.
//
// An order that costs nothing (free bundles) is paid at once and its
// vouchers are issued. Otherwise it awaits payment: a payment is started
// with Payments and the order, with its Payment (reference, redirect URL)
// and structured communication, is returned. If the payment cannot be
// started, the order is kept awaiting payment and returned with an error
// wrapping ErrPaymentUnavailable: RetryPayment or Cancel it.
//
// Returns ErrUnknownType, ErrInvalidRequest, ErrInvalidAddress,
// ErrNotEligible, ErrNotMultiple, a *QuotaError (ErrQuotaExceeded),
// ErrPaymentUnavailable, ErrRandom, or the Store's error.
func (s *Service) PlaceOrder(ctx context.Context, req OrderRequest) (Order, error) {
	t, ok := s.typeOf(req.City, req.Type)
	if !ok {
		return Order{}, fmt.Errorf("vouchers: %w: %q in %q", ErrUnknownType, req.Type, req.City)
	}
	if req.Channel == "" {
		req.Channel = ChannelPortal
	}
	switch {
	case strings.TrimSpace(req.Citizen) == "":
		return Order{}, fmt.Errorf("vouchers: %w: no citizen", ErrInvalidRequest)
	case req.Channel != ChannelPortal && req.Channel != ChannelBackoffice:
		return Order{}, fmt.Errorf("vouchers: %w: channel %q", ErrInvalidRequest, req.Channel)
	}
	if err := req.Address.validate(); err != nil {
		return Order{}, fmt.Errorf("vouchers: %w", err)
	}
	addr := req.Address
	addr.Zone = zoneOf(t, s.addresses, addr)
	if !t.eligible(addr.Zone) {
		return Order{}, fmt.Errorf("vouchers: %w: %s %s (zone %q) for %s, zones %v",
			ErrNotEligible, addr.Street, addr.Number, addr.Zone, t.Prefix, t.EligibleZones)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock()
	year := now.In(s.loc).Year()
	orders, err := s.store.OrdersOf(ctx, t.City, addr.Key(), year)
	if err != nil {
		return Order{}, fmt.Errorf("vouchers: place order: %w", err)
	}
	q, err := t.Quote(req.Quantity, UsageOf(t, orders))
	if err != nil {
		return Order{}, fmt.Errorf("vouchers: %w", err)
	}
	id, err := s.newOrderID(ctx)
	if err != nil {
		return Order{}, fmt.Errorf("vouchers: place order: %w", err)
	}
	o := Order{
		ID: id, City: t.City, Type: t.Prefix, Citizen: strings.TrimSpace(req.Citizen), Address: addr,
		Year: year, Zone: t.Zone, Duration: t.Duration, ValidityDays: t.ValidityDays,
		Quantity: q.Quantity, FreeVouchers: q.FreeVouchers, PriceCents: q.PriceCents,
		Channel: req.Channel, Created: now, Language: req.Language,
		Communication: billing.StructuredFor("order|" + id),
	}
	if q.PriceCents == 0 {
		o.Status = OrderPaid
		o.PaidAt = now
		o.Payment = payments.Payment{Method: payments.MethodFree, LastResult: payments.ResultFree}
		if o, err = s.issue(ctx, o); err != nil {
			return Order{}, fmt.Errorf("vouchers: place order: %w", err)
		}
		return o, nil
	}
	o.Status = OrderAwaitingPayment
	if err := s.store.PutOrder(ctx, o, nil); err != nil {
		return Order{}, fmt.Errorf("vouchers: place order: %w", err)
	}
	return s.startPayment(ctx, o)
}

// startPayment starts a new payment of o (awaiting payment, stored) and
// stores it as o's current one.
func (s *Service) startPayment(ctx context.Context, o Order) (Order, error) {
	err := o.Payment.Begin(ctx, s.payments, payments.Request{ID: o.ID, Kind: "order", AmountCents: o.PriceCents,
		Communication: o.Communication})
	if err != nil {
		return o, fmt.Errorf("vouchers: order %s: %w", o.ID, err)
	}
	if err := s.store.PutOrder(ctx, o, nil); err != nil {
		return o, fmt.Errorf("vouchers: order %s: record payment: %w", o.ID, err)
	}
	return o, nil
}

// PaymentResult records the provider's (signed, checked by the caller)
// result of payment reference of an order. Paid: the order is paid, paid
// at the Service's clock, with method, and its vouchers are issued. Not
// paid: it stays awaiting payment with LastResult ResultFailed, payable
// again through RetryPayment. A result for an order already paid changes
// nothing and returns it, as does a repeated failure.
//
// Returns ErrOrderNotFound, ErrWrongReference if reference is not the
// order's current payment (a superseded attempt: the caller refunds it),
// ErrNotPayable for a cancelled order, ErrRandom, or the Store's error.
func (s *Service) PaymentResult(ctx context.Context, orderID, reference string, paid bool, method string) (Order, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.store.Order(ctx, orderID)
	if err != nil {
		return Order{}, fmt.Errorf("vouchers: payment result: %w", err)
	}
	out, err := o.Payment.Settle(o.paymentState(), reference, paid, method)
	if err != nil {
		return o, fmt.Errorf("vouchers: order %s: %w", o.ID, err)
	}
	switch out {
	case payments.Unchanged:
		return o, nil
	case payments.Failed:
		if err := s.store.PutOrder(ctx, o, nil); err != nil {
			return Order{}, fmt.Errorf("vouchers: order %s: payment failed: %w", o.ID, err)
		}
		return o, nil
	}
	o.Status = OrderPaid
	o.PaidAt = s.clock()
	if o, err = s.issue(ctx, o); err != nil {
		return Order{}, fmt.Errorf("vouchers: order %s: paid: %w", orderID, err)
	}
	return o, nil
}

// paymentState is where the order stands for its payment.
func (o Order) paymentState() payments.State {
	switch o.Status {
	case OrderPaid:
		return payments.Settled
	case OrderCancelled:
		return payments.Cancelled
	}
	return payments.Awaiting
}

// RetryPayment starts a new payment attempt of an order awaiting payment
// (after a failed or abandoned one); the former reference is no longer
// accepted. Returns the order and its new Payment.
//
// Returns ErrOrderNotFound, ErrNotPayable unless the order awaits payment,
// ErrPaymentUnavailable, or the Store's error.
func (s *Service) RetryPayment(ctx context.Context, orderID string) (Order, payments.Payment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.store.Order(ctx, orderID)
	if err != nil {
		return Order{}, payments.Payment{}, fmt.Errorf("vouchers: retry payment: %w", err)
	}
	if o.Status != OrderAwaitingPayment {
		return o, payments.Payment{}, fmt.Errorf("vouchers: order %s: %w: %s", o.ID, ErrNotPayable, o.Status)
	}
	o, err = s.startPayment(ctx, o)
	if err != nil {
		return o, payments.Payment{}, err
	}
	return o, o.Payment, nil
}

// Cancel cancels an order awaiting payment: its quota and free bundles are
// released. Cancelling a cancelled order changes nothing.
//
// Returns ErrOrderNotFound, ErrNotCancellable for a paid order, or the
// Store's error.
func (s *Service) Cancel(ctx context.Context, orderID string) (Order, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.store.Order(ctx, orderID)
	if err != nil {
		return Order{}, fmt.Errorf("vouchers: cancel: %w", err)
	}
	switch o.Status {
	case OrderCancelled:
		return o, nil
	case OrderPaid:
		return o, fmt.Errorf("vouchers: order %s: %w", o.ID, ErrNotCancellable)
	}
	o.Status = OrderCancelled
	if err := s.store.PutOrder(ctx, o, nil); err != nil {
		return Order{}, fmt.Errorf("vouchers: cancel %s: %w", o.ID, err)
	}
	return o, nil
}

// Order returns the order. Returns ErrOrderNotFound or the Store's error.
func (s *Service) Order(ctx context.Context, id string) (Order, error) {
	o, err := s.store.Order(ctx, id)
	if err != nil {
		return Order{}, fmt.Errorf("vouchers: %w", err)
	}
	return o, nil
}

// Vouchers returns the vouchers of an order (none before it is paid), each
// with its status at the Service's clock (expiry shown). Returns
// ErrOrderNotFound or the Store's error.
func (s *Service) Vouchers(ctx context.Context, orderID string) ([]Voucher, error) {
	vs, err := s.store.VouchersOf(ctx, orderID)
	if err != nil {
		return nil, fmt.Errorf("vouchers: %w", err)
	}
	now := s.clock()
	for i := range vs {
		vs[i].Status = vs[i].StatusAt(now)
	}
	return vs, nil
}

// Voucher returns the voucher with the code (any case, spaces trimmed),
// its status at the Service's clock. Returns ErrVoucherNotFound or the
// Store's error.
func (s *Service) Voucher(ctx context.Context, code string) (Voucher, error) {
	v, err := s.store.Voucher(ctx, NormalizeCode(code))
	if err != nil {
		return Voucher{}, fmt.Errorf("vouchers: %w", err)
	}
	v.Status = v.StatusAt(s.clock())
	return v, nil
}

// typeOf returns the type with the prefix (any case) sold in city (any
// case).
func (s *Service) typeOf(city, prefix string) (Type, bool) {
	for _, t := range s.types {
		if strings.EqualFold(t.Prefix, strings.TrimSpace(prefix)) && strings.EqualFold(t.City, city) {
			return t, true
		}
	}
	return Type{}, false
}

// newOrderID draws an order ID no stored order has.
func (s *Service) newOrderID(ctx context.Context) (string, error) {
	for range maxTries {
		id, err := newOrderID(s.random)
		if err != nil {
			return "", err
		}
		_, err = s.store.Order(ctx, id)
		switch {
		case errors.Is(err, ErrOrderNotFound):
			return id, nil
		case err != nil:
			return "", err
		}
	}
	return "", fmt.Errorf("%w: %d order IDs in a row already taken", ErrRandom, maxTries)
}

// issue gives the paid order o its vouchers, issued at o.PaidAt, and
// stores both; on ErrCodeTaken it draws new codes, up to maxTries times.
func (s *Service) issue(ctx context.Context, o Order) (Order, error) {
	for range maxTries {
		vs, err := s.draw(o)
		if err != nil {
			return Order{}, err
		}
		o.Codes = make([]string, len(vs))
		for i, v := range vs {
			o.Codes[i] = v.Code
		}
		err = s.store.PutOrder(ctx, o, vs)
		if err == nil {
			return o, nil
		}
		if !errors.Is(err, ErrCodeTaken) {
			return Order{}, err
		}
	}
	return Order{}, fmt.Errorf("%w: %d draws in a row hit taken codes", ErrCodeTaken, maxTries)
}

// draw returns o.Quantity new available vouchers with distinct codes.
func (s *Service) draw(o Order) ([]Voucher, error) {
	vs := make([]Voucher, 0, o.Quantity)
	seen := make(map[string]bool, o.Quantity)
	expires := expiry(o.PaidAt, o.ValidityDays, s.loc)
	for tries := 0; len(vs) < o.Quantity; tries++ {
		if tries > o.Quantity+maxTries {
			return nil, fmt.Errorf("%w: codes keep repeating", ErrRandom)
		}
		code, err := NewCode(s.random, o.Type)
		if err != nil {
			return nil, err
		}
		if seen[code] {
			continue
		}
		seen[code] = true
		vs = append(vs, Voucher{
			Code: code, Type: o.Type, City: o.City, Order: o.ID, Zone: o.Zone,
			Duration: o.Duration, Issued: o.PaidAt, Expires: expires, Status: StatusAvailable,
		})
	}
	return vs, nil
}
