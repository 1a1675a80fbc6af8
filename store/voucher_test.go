package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"smspark/payments"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"smspark/billing"
	"smspark/store"
	"smspark/vouchers"
)

var vt0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func testOrder(id, city, street, number string, year int, codes ...string) vouchers.Order {
	return vouchers.Order{
		ID: id, City: city, Type: "BLA", Citizen: "An Peeters",
		Address: vouchers.Address{Street: street, Number: number, Zone: "8371"}, Year: year,
		Zone: "8371", Duration: 12 * time.Hour, ValidityDays: 365, Quantity: len(codes),
		Channel: vouchers.ChannelPortal, Status: vouchers.OrderPaid, Created: vt0, PaidAt: vt0,
		Payment:       payments.Payment{Reference: "pay-1", Method: "card", Attempts: 1, LastResult: payments.ResultPaid},
		Communication: billing.StructuredFor("order|" + id), Language: "nl", Codes: codes,
	}
}

func testVouchers(o vouchers.Order) []vouchers.Voucher {
	var vs []vouchers.Voucher
	for _, c := range o.Codes {
		vs = append(vs, vouchers.Voucher{
			Code: c, Type: o.Type, City: o.City, Order: o.ID, Zone: o.Zone, Duration: o.Duration,
			Issued: o.PaidAt, Expires: o.PaidAt.AddDate(0, 0, 365), Status: vouchers.StatusAvailable,
		})
	}
	return vs
}

func TestVoucherRoundTrip(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	o := testOrder("O2345678923", "Blankenberge", "Kerkstraat", "12", 2026, "BLA6JKPMWQR", "BLA6JKPMWQS")
	vs := testVouchers(o)
	if err := db.PutOrder(ctx, o, vs); err != nil {
		t.Fatal(err)
	}
	got, err := db.Order(ctx, o.ID)
	if err != nil || !reflect.DeepEqual(got, o) {
		t.Fatalf("Order = %+v, %v; want %+v", got, err, o)
	}
	gotVs, err := db.VouchersOf(ctx, o.ID)
	if err != nil || !reflect.DeepEqual(gotVs, vs) {
		t.Fatalf("VouchersOf = %+v, %v; want %+v", gotVs, err, vs)
	}
	v, err := db.Voucher(ctx, "BLA6JKPMWQS")
	if err != nil || !reflect.DeepEqual(v, vs[1]) {
		t.Fatalf("Voucher = %+v, %v", v, err)
	}

	// A status change.
	used, err := v.Activate("1ABC123", vt0.Add(time.Hour), 42)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.PutVouchers(ctx, []vouchers.Voucher{used}); err != nil {
		t.Fatal(err)
	}
	if v, _ := db.Voucher(ctx, used.Code); !reflect.DeepEqual(v, used) {
		t.Fatalf("Voucher after use = %+v, want %+v", v, used)
	}
	ghost := used
	ghost.Code = "BLAZZZZZZZZ"
	if err := db.PutVouchers(ctx, []vouchers.Voucher{vs[0], ghost}); !errors.Is(err, vouchers.ErrVoucherNotFound) {
		t.Fatalf("PutVouchers of an unknown code: %v, want ErrVoucherNotFound", err)
	}
	if _, err := db.Voucher(ctx, ghost.Code); !errors.Is(err, vouchers.ErrVoucherNotFound) || !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Voucher(ghost): %v", err)
	}

	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"unknown order", func() error { _, err := db.Order(ctx, "ONOPE"); return err }(), vouchers.ErrOrderNotFound},
		{"unknown order is store.ErrNotFound", func() error { _, err := db.Order(ctx, "ONOPE"); return err }(), store.ErrNotFound},
		{"vouchers of unknown order", func() error { _, err := db.VouchersOf(ctx, "ONOPE"); return err }(), vouchers.ErrOrderNotFound},
		{"unknown voucher", func() error { _, err := db.Voucher(ctx, "BLANOPE"); return err }(), vouchers.ErrVoucherNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !errors.Is(tc.err, tc.want) {
				t.Errorf("err = %v, want %v", tc.err, tc.want)
			}
		})
	}
}

func TestPutOrderCodeTaken(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	a := testOrder("OAAAAAAAAAA", "Blankenberge", "Kerkstraat", "12", 2026, "BLA22222222")
	if err := db.PutOrder(ctx, a, testVouchers(a)); err != nil {
		t.Fatal(err)
	}
	b := testOrder("OBBBBBBBBBB", "Blankenberge", "Zeedijk", "1", 2026, "BLA33333333", "BLA22222222")
	if err := db.PutOrder(ctx, b, testVouchers(b)); !errors.Is(err, vouchers.ErrCodeTaken) {
		t.Fatalf("PutOrder with a taken code: %v, want ErrCodeTaken", err)
	}
	// Nothing of b was written.
	if _, err := db.Order(ctx, b.ID); !errors.Is(err, vouchers.ErrOrderNotFound) {
		t.Errorf("order b: %v, want ErrOrderNotFound", err)
	}
	if _, err := db.Voucher(ctx, "BLA33333333"); !errors.Is(err, vouchers.ErrVoucherNotFound) {
		t.Errorf("voucher of b: %v, want ErrVoucherNotFound", err)
	}
	if got, _ := db.OrdersOf(ctx, "Blankenberge", b.Address.Key(), 2026); len(got) != 0 {
		t.Errorf("b indexed: %+v", got)
	}
	if v, _ := db.Voucher(ctx, "BLA22222222"); v.Order != a.ID {
		t.Errorf("voucher of a now of %q", v.Order)
	}
	// The same code twice in one call.
	c := testOrder("OCCCCCCCCCC", "Blankenberge", "Zeedijk", "1", 2026, "BLA44444444", "BLA44444444")
	if err := db.PutOrder(ctx, c, testVouchers(c)); !errors.Is(err, vouchers.ErrCodeTaken) {
		t.Errorf("PutOrder with a code twice: %v, want ErrCodeTaken", err)
	}

	for _, tc := range []struct {
		name string
		o    vouchers.Order
		vs   []vouchers.Voucher
	}{
		{"no id", testOrder("", "Blankenberge", "Zeedijk", "1", 2026), nil},
		{"no year", testOrder("OD", "Blankenberge", "Zeedijk", "1", 0), nil},
		{"NUL in city", testOrder("OD", "Blanken\x00berge", "Zeedijk", "1", 2026), nil},
		{"voucher of another order", testOrder("OD", "Blankenberge", "Zeedijk", "1", 2026), testVouchers(a)},
		{"voucher without code", testOrder("OD", "Blankenberge", "Zeedijk", "1", 2026), []vouchers.Voucher{{Order: "OD"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := db.PutOrder(ctx, tc.o, tc.vs); !errors.Is(err, store.ErrInvalidChange) {
				t.Errorf("PutOrder: %v, want ErrInvalidChange", err)
			}
		})
	}
}

func TestOrdersOf(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	orders := []vouchers.Order{
		testOrder("O1", "Blankenberge", "Kerkstraat", "12", 2026),
		testOrder("O2", "Blankenberge", "KERKSTRAAT", "12", 2026), // same address
		testOrder("O3", "Blankenberge", "Kerkstraat", "12", 2027), // next year
		testOrder("O4", "Blankenberge", "Kerkstraat", "14", 2026), // other number
		testOrder("O5", "Brussels", "Kerkstraat", "12", 2026),     // other city
		testOrder("O6", "Blankenberge", "Kerkstraat", "1", 2026),  // a prefix of 12
	}
	orders[1].Status = vouchers.OrderCancelled
	for _, o := range orders {
		if err := db.PutOrder(ctx, o, nil); err != nil {
			t.Fatal(err)
		}
	}
	key := vouchers.Address{Street: "kerkstraat", Number: "12"}.Key()
	for _, tc := range []struct {
		name string
		city string
		key  string
		year int
		want []string
	}{
		{"one address, one year, cancelled included", "Blankenberge", key, 2026, []string{"O1", "O2"}},
		{"next year", "Blankenberge", key, 2027, []string{"O3"}},
		{"other city", "Brussels", key, 2026, []string{"O5"}},
		{"number 1", "Blankenberge", vouchers.Address{Street: "Kerkstraat", Number: "1"}.Key(), 2026, []string{"O6"}},
		{"none", "Blankenberge", key, 2025, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.OrdersOf(ctx, tc.city, tc.key, tc.year)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, o := range got {
				ids = append(ids, o.ID)
			}
			if !reflect.DeepEqual(ids, tc.want) {
				t.Errorf("OrdersOf = %v, want %v", ids, tc.want)
			}
		})
	}

	// An order whose address changes moves in the index.
	moved := orders[0]
	moved.Address.Number = "16"
	if err := db.PutOrder(ctx, moved, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.OrdersOf(ctx, "Blankenberge", key, 2026); len(got) != 1 || got[0].ID != "O2" {
		t.Errorf("after move, old address has %+v", got)
	}
	if got, _ := db.OrdersOf(ctx, "Blankenberge", moved.Address.Key(), 2026); len(got) != 1 || got[0].ID != "O1" {
		t.Errorf("after move, new address has %+v", got)
	}
}

// TestVouchersPersist reopens the file: orders, vouchers and the index are
// still there.
func TestVouchersPersist(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	o := testOrder("O2345678923", "Brussels", "Avenue Louise", "100", 2026, "VBR23456789")
	db, err := store.Open(dir, store.Options{Create: true, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.PutOrder(ctx, o, testVouchers(o)); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.PutOrder(ctx, o, nil); !errors.Is(err, store.ErrClosed) {
		t.Errorf("PutOrder after Close: %v, want ErrClosed", err)
	}
	db = MustOpenAt(t, dir)
	got, err := db.OrdersOf(ctx, "Brussels", o.Address.Key(), 2026)
	if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], o) {
		t.Fatalf("OrdersOf after reopen = %+v, %v", got, err)
	}
	if v, err := db.Voucher(ctx, "VBR23456789"); err != nil || v.Order != o.ID {
		t.Fatalf("Voucher after reopen = %+v, %v", v, err)
	}
}

// TestMigrateV3 opens a file of schema 3 (before vouchers): it is migrated
// and vouchers can be stored.
func TestMigrateV3(t *testing.T) {
	dir := t.TempDir()
	boltFile(t, dbPath(dir), func(tx *bolt.Tx) error {
		for _, name := range []string{"meta", "sessions", "running", "accounts", "account_numbers", "settings",
			"outbox", "journal", "smsc_ids", "mo_parts", "api_keys", "idempotency", "nonces"} {
			if _, err := tx.CreateBucket([]byte(name)); err != nil {
				return err
			}
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), u64(3))
	})
	db := MustOpenAt(t, dir)
	if got := db.SchemaVersion(); got != store.CurrentSchema {
		t.Fatalf("SchemaVersion = %d, want %d", got, store.CurrentSchema)
	}
	o := testOrder("O2345678923", "Blankenberge", "Kerkstraat", "12", 2026, "BLA6JKPMWQR")
	if err := db.PutOrder(context.Background(), o, testVouchers(o)); err != nil {
		t.Fatalf("PutOrder after migration: %v", err)
	}
}

// fakePayments starts payments numbered pay-1, pay-2, ….
type fakePayments struct{ n int }

func (f *fakePayments) Start(context.Context, payments.Request) (payments.Payment, error) {
	f.n++
	return payments.Payment{Reference: fmt.Sprintf("pay-%d", f.n)}, nil
}

// TestVoucherServiceOnStore runs the voucher service on the real store:
// a free order, a paid one, the quota.
func TestVoucherServiceOnStore(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	loc, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := vouchers.New(vouchers.Options{
		Types: []vouchers.Type{{
			Prefix: "BLA", City: "Blankenberge", Names: map[string]string{"nl": "Bezoekersvouchers"},
			Zone: "8371", Duration: 12 * time.Hour, BundleSize: 10, BundlePrice: 5000, FreeBundlesPerYear: 1,
			QuotaVouchers: 50, ValidityDays: 365, EligibleZones: []string{"8371"},
			Addresses: []vouchers.Address{{Street: "Kerkstraat", Zone: "8371"}},
		}},
		Store: db, Clock: func() time.Time { return vt0 }, Random: rand.NewChaCha8([32]byte{3}),
		Location: loc, Payments: &fakePayments{},
	})
	if err != nil {
		t.Fatal(err)
	}
	req := vouchers.OrderRequest{City: "Blankenberge", Type: "BLA", Citizen: "An Peeters",
		Address: vouchers.Address{Street: "Kerkstraat", Number: "12"}, Quantity: 10}
	free, err := svc.PlaceOrder(ctx, req)
	if err != nil || free.Status != vouchers.OrderPaid || len(free.Codes) != 10 {
		t.Fatalf("free order = %+v, %v", free, err)
	}
	req.Quantity = 40
	paying, err := svc.PlaceOrder(ctx, req)
	if err != nil || paying.PriceCents != 20000 || paying.Status != vouchers.OrderAwaitingPayment {
		t.Fatalf("paying order = %+v, %v", paying, err)
	}
	req.Quantity = 10
	if _, err := svc.PlaceOrder(ctx, req); !errors.Is(err, vouchers.ErrQuotaExceeded) {
		t.Fatalf("over quota: %v", err)
	}
	paid, err := svc.PaymentResult(ctx, paying.ID, paying.Payment.Reference, true, "card")
	if err != nil || len(paid.Codes) != 40 {
		t.Fatalf("paid = %+v, %v", paid, err)
	}
	vs, err := svc.Vouchers(ctx, paid.ID)
	if err != nil || len(vs) != 40 {
		t.Fatalf("Vouchers = %d, %v", len(vs), err)
	}
	if _, err := svc.Cancel(ctx, paid.ID); !errors.Is(err, vouchers.ErrNotCancellable) {
		t.Fatalf("Cancel paid: %v", err)
	}
}
