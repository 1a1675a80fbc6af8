package daycards_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"smspark/payments"
	"sync"
	"testing"
	"time"

	"smspark/config"
	"smspark/daycards"
	"smspark/tariffs"
)

var brussels = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		panic(err)
	}
	return loc
}()

// at parses "2006-01-02 15:04" in Brussels.
func at(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", s, brussels)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func date(tb testing.TB, s string) tariffs.Date {
	tb.Helper()
	d, err := tariffs.ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// memStore is an in-memory daycards.Store.
type memStore struct {
	mu    sync.Mutex
	cards map[string]daycards.Card
}

func (m *memStore) PutCard(_ context.Context, c daycards.Card) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	c.Uses = slices.Clone(c.Uses)
	m.cards[c.ID] = c
	return nil
}

func (m *memStore) Card(_ context.Context, id string) (daycards.Card, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.cards[id]
	if !ok {
		return daycards.Card{}, fmt.Errorf("%w: %s", daycards.ErrCardNotFound, id)
	}
	return c, nil
}

func (m *memStore) CardsOf(_ context.Context, number string) ([]daycards.Card, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []daycards.Card
	for _, c := range m.cards {
		if c.Number == number {
			out = append(out, c)
		}
	}
	return out, nil
}

func (m *memStore) CardsUsedFrom(_ context.Context, date string) ([]daycards.Card, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []daycards.Card
	for _, c := range m.cards {
		if slices.ContainsFunc(c.Uses, func(u daycards.Use) bool { return u.Cancelled.IsZero() && u.Date >= date }) {
			out = append(out, c)
		}
	}
	return out, nil
}

// fakePayments starts payments pay-1, pay-2, …, or fails with down.
type fakePayments struct {
	mu   sync.Mutex
	n    int
	down error
	reqs []payments.Request
}

func (f *fakePayments) Start(_ context.Context, r payments.Request) (payments.Payment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down != nil {
		return payments.Payment{}, f.down
	}
	f.n++
	f.reqs = append(f.reqs, r)
	return payments.Payment{Reference: fmt.Sprintf("pay-%d", f.n)}, nil
}

const (
	alice = "+32475000001"
	bob   = "+32475000002"
)

// fixture is a Service on a memStore at Monday 2026-11-23 10:00 with the
// reference zones (day prices 1021 €15, 1030 €18, 3000 €8).
type fixture struct {
	tb    testing.TB
	svc   *daycards.Service
	store daycards.Store
	pay   *fakePayments
	clock *clock
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	f := &fixture{tb: tb, store: &memStore{cards: map[string]daycards.Card{}}, pay: &fakePayments{},
		clock: &clock{now: at(tb, "2026-11-23 10:00")}}
	f.open()
	return f
}

func zones() []tariffs.Zone {
	var out []tariffs.Zone
	for _, c := range config.Default().Cities {
		out = append(out, c.Zones...)
	}
	return out
}

func (f *fixture) open() {
	f.tb.Helper()
	svc, err := daycards.New(context.Background(), daycards.Options{Zones: zones(), Store: f.store, Payments: f.pay,
		Clock: f.clock.Now, Random: rand.NewChaCha8([32]byte{5}), Location: brussels})
	if err != nil {
		f.tb.Fatal(err)
	}
	f.svc = svc
}

// buyPaid buys a card and pays it.
func (f *fixture) buyPaid(number, zone string, days int) daycards.Card {
	f.tb.Helper()
	ctx := context.Background()
	c, err := f.svc.Buy(ctx, number, zone, days)
	if err != nil {
		f.tb.Fatal(err)
	}
	if c, err = f.svc.PaymentResult(ctx, c.ID, c.Payment.Reference, true, "bancontact"); err != nil {
		f.tb.Fatal(err)
	}
	return c
}

func (f *fixture) valid(plate, zone, when string) bool {
	f.tb.Helper()
	_, ok := f.svc.Permit(plate, zone, at(f.tb, when))
	return ok
}
