package permits_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"smspark/payments"
	"sync"
	"testing"
	"time"

	"smspark/config"
	"smspark/permits"
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

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// memStore is an in-memory permits.Store.
type memStore struct {
	mu      sync.Mutex
	permits map[string]permits.Permit
	fail    error // returned by PutPermits when set
}

func newMemStore() *memStore { return &memStore{permits: map[string]permits.Permit{}} }

func (m *memStore) PutPermits(_ context.Context, ps ...permits.Permit) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	for _, p := range ps {
		p.Plates, p.Changes, p.Zones = slices.Clone(p.Plates), slices.Clone(p.Changes), slices.Clone(p.Zones)
		m.permits[p.ID] = p
	}
	return nil
}

func (m *memStore) Permit(_ context.Context, id string) (permits.Permit, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.permits[id]
	if !ok {
		return permits.Permit{}, fmt.Errorf("%w: %s", permits.ErrPermitNotFound, id)
	}
	return p, nil
}

func (m *memStore) PermitsEndingAfter(_ context.Context, t time.Time) ([]permits.Permit, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []permits.Permit
	for _, p := range m.permits {
		if p.Until.After(t) {
			out = append(out, p)
		}
	}
	return out, nil
}

func (m *memStore) PermitsOfPlate(_ context.Context, plate string) ([]permits.Permit, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []permits.Permit
	for _, p := range m.permits {
		carried := slices.Contains(p.Plates, plate)
		for _, c := range p.Changes {
			carried = carried || c.New == plate
		}
		if carried {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b permits.Permit) int {
		if a.ID < b.ID {
			return -1
		}
		return 1
	})
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
	ref := fmt.Sprintf("pay-%d", f.n)
	return payments.Payment{Reference: ref, RedirectURL: "https://pay.example/" + ref}, nil
}

var errDown = errors.New("provider down")

// referenceTypes are the permit types of docs/tariffs.md, from the embedded
// configuration (as cmd/smspark maps them).
func referenceTypes(tb testing.TB) []permits.Type {
	tb.Helper()
	var out []permits.Type
	for _, pt := range config.Default().PermitTypes {
		t := permits.Type{ID: pt.ID, City: pt.City, Name: pt.Name, Zones: pt.Zones, Prices: map[permits.Length]int64{}}
		for l, p := range pt.Prices {
			t.Prices[permits.Length(l)] = p
		}
		out = append(out, t)
	}
	if len(out) != 2 {
		tb.Fatalf("reference permit types: %+v", out)
	}
	return out
}

// fixture is a Service on a memStore at Monday 2026-11-23 10:00.
type fixture struct {
	tb    testing.TB
	svc   *permits.Service
	store *memStore
	pay   *fakePayments
	clock *clock
}

func newFixture(tb testing.TB, extra ...permits.Type) *fixture {
	tb.Helper()
	f := &fixture{tb: tb, store: newMemStore(), pay: &fakePayments{}, clock: &clock{now: at(tb, "2026-11-23 10:00")}}
	f.open(extra...)
	return f
}

// open (re)starts the Service on the fixture's store.
func (f *fixture) open(extra ...permits.Type) {
	f.tb.Helper()
	svc, err := permits.New(context.Background(), permits.Options{Types: append(referenceTypes(f.tb), extra...),
		Store: f.store, Payments: f.pay, Clock: f.clock.Now, Random: rand.NewChaCha8([32]byte{7}), Location: brussels})
	if err != nil {
		f.tb.Fatal(err)
	}
	f.svc = svc
}

// buyPaid buys a permit and pays it at once.
func (f *fixture) buyPaid(req permits.BuyRequest) permits.Permit {
	f.tb.Helper()
	p, err := f.svc.Buy(context.Background(), req)
	if err != nil {
		f.tb.Fatalf("Buy(%+v): %v", req, err)
	}
	p, err = f.svc.PaymentResult(context.Background(), p.ID, p.Payment.Reference, true, "bancontact")
	if err != nil {
		f.tb.Fatalf("PaymentResult: %v", err)
	}
	return p
}

// valid reports whether plate is valid in zone at when (Brussels time).
func (f *fixture) valid(plate, zone, when string) bool {
	f.tb.Helper()
	_, ok := f.svc.Permit(plate, zone, at(f.tb, when))
	return ok
}

func leuven(plates ...string) permits.BuyRequest {
	return permits.BuyRequest{City: "Leuven", Type: "leuven-resident", Length: permits.Year, Plates: plates,
		Holder: "An Peeters", Language: "nl"}
}
