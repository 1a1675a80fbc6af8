package vouchers_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"smspark/payments"
	"sync"
	"testing"
	"time"

	"smspark/vouchers"
)

// The reference data's voucher types (docs/tariffs.md).
var (
	bla = vouchers.Type{
		Prefix: "BLA", City: "Blankenberge",
		Names: map[string]string{"nl": "Bezoekersvouchers", "fr": "Vouchers visiteurs"},
		Zone:  "8371", Duration: 12 * time.Hour,
		BundleSize: 10, BundlePrice: 5000, FreeBundlesPerYear: 1,
		QuotaVouchers: 50, ValidityDays: 365, EligibleZones: []string{"8371"},
		Addresses: []vouchers.Address{
			{Street: "Kerkstraat", Zone: "8371"}, {Street: "Zeedijk", Zone: "8371"},
			{Street: "Langestraat", Zone: "8371"}, {Street: "Grote Markt", Zone: "8371"},
		},
	}
	vbr = vouchers.Type{
		Prefix: "VBR", City: "Brussels",
		Names: map[string]string{"fr": "Voucher visiteur", "nl": "Bezoekersvoucher"},
		Zone:  "1021", Duration: 4*time.Hour + 30*time.Minute,
		BundleSize: 1, BundlePrice: 250,
		QuotaMinutes: 6000, ValidityDays: 365, EligibleZones: []string{"1021"},
		Addresses: []vouchers.Address{
			{Street: "Avenue Louise", Zone: "1021"}, {Street: "Rue du Bailli", Zone: "1021"},
			{Street: "Rue Defacqz", Zone: "1021"},
		},
	}
)

var brussels = mustLoc("Europe/Brussels")

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// t0 is Monday 2026-11-23 10:00 in Brussels.
var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, brussels)

// clock is a settable fake clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// memStore is an in-memory vouchers.Store.
type memStore struct {
	mu       sync.Mutex
	orders   map[string]vouchers.Order
	vouchers map[string]vouchers.Voucher
	// putErr, if set, is returned by PutOrder before anything is written.
	putErr func(o vouchers.Order, vs []vouchers.Voucher) error
}

func newMemStore() *memStore {
	return &memStore{orders: map[string]vouchers.Order{}, vouchers: map[string]vouchers.Voucher{}}
}

func (m *memStore) PutOrder(_ context.Context, o vouchers.Order, vs []vouchers.Voucher) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.putErr != nil {
		if err := m.putErr(o, vs); err != nil {
			return err
		}
	}
	for _, v := range vs {
		if _, ok := m.vouchers[v.Code]; ok {
			return fmt.Errorf("code %s: %w", v.Code, vouchers.ErrCodeTaken)
		}
	}
	o.Codes = slices.Clone(o.Codes)
	m.orders[o.ID] = o
	for _, v := range vs {
		m.vouchers[v.Code] = v
	}
	return nil
}

func (m *memStore) Order(_ context.Context, id string) (vouchers.Order, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.orders[id]
	if !ok {
		return o, fmt.Errorf("order %s: %w", id, vouchers.ErrOrderNotFound)
	}
	o.Codes = slices.Clone(o.Codes)
	return o, nil
}

func (m *memStore) OrdersOf(_ context.Context, city, key string, year int) ([]vouchers.Order, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []vouchers.Order
	for _, o := range m.orders {
		if c, k, y := o.IndexKey(); c == city && k == key && y == year {
			out = append(out, o)
		}
	}
	return out, nil
}

func (m *memStore) Voucher(_ context.Context, code string) (vouchers.Voucher, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.vouchers[code]
	if !ok {
		return v, fmt.Errorf("voucher %s: %w", code, vouchers.ErrVoucherNotFound)
	}
	return v, nil
}

func (m *memStore) VouchersOf(ctx context.Context, id string) ([]vouchers.Voucher, error) {
	o, err := m.Order(ctx, id)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []vouchers.Voucher
	for _, c := range o.Codes {
		out = append(out, m.vouchers[c])
	}
	return out, nil
}

// fakePayments is a Payments whose Start is a function field; by default
// it numbers references pay-1, pay-2, ….
type fakePayments struct {
	mu     sync.Mutex
	n      int
	orders []payments.Request
	start  func(o payments.Request) (payments.Payment, error)
}

func (f *fakePayments) Start(_ context.Context, o payments.Request) (payments.Payment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.orders = append(f.orders, o)
	if f.start != nil {
		return f.start(o)
	}
	f.n++
	ref := fmt.Sprintf("pay-%d", f.n)
	return payments.Payment{Reference: ref, RedirectURL: "https://pay.test/" + ref}, nil
}

// fixture is a Service over a memStore with the reference types.
type fixture struct {
	svc   *vouchers.Service
	store *memStore
	pay   *fakePayments
	clock *clock
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	f := &fixture{store: newMemStore(), pay: &fakePayments{}, clock: &clock{now: t0}}
	svc, err := vouchers.New(vouchers.Options{
		Types:     []vouchers.Type{bla, vbr},
		Addresses: []vouchers.Address{{Street: "Rue Royale", Zone: "1030"}},
		Store:     f.store,
		Clock:     f.clock.Now,
		Random:    rand.NewChaCha8([32]byte{1}),
		Location:  brussels,
		Payments:  f.pay,
	})
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	f.svc = svc
	return f
}

// order places an order or fails the test.
func (f *fixture) order(tb testing.TB, req vouchers.OrderRequest) vouchers.Order {
	tb.Helper()
	o, err := f.svc.PlaceOrder(context.Background(), req)
	if err != nil {
		tb.Fatalf("PlaceOrder(%+v): %v", req, err)
	}
	return o
}

var (
	kerkstraat = vouchers.Address{Street: "Kerkstraat", Number: "12"}
	louise     = vouchers.Address{Street: "Avenue Louise", Number: "100"}
)

func blaReq(n int) vouchers.OrderRequest {
	return vouchers.OrderRequest{City: "Blankenberge", Type: "BLA", Citizen: "An Peeters", Address: kerkstraat, Quantity: n, Language: "nl"}
}

func vbrReq(n int) vouchers.OrderRequest {
	return vouchers.OrderRequest{City: "Brussels", Type: "VBR", Citizen: "Luc Dupont", Address: louise, Quantity: n, Language: "fr"}
}
