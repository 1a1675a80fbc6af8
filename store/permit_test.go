package store_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"smspark/payments"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"smspark/billing"
	"smspark/permits"
	"smspark/store"
)

var pmLoc = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		panic(err)
	}
	return loc
}()

// testPermit returns a paid Leuven permit of a year from from.
func testPermit(id string, from time.Time, plates ...string) permits.Permit {
	return permits.Permit{
		ID: id, Type: "leuven-resident", TypeName: "Bewonerskaart", City: "Leuven", Zones: []string{"3000"},
		Holder: "An Peeters", Plates: plates, Length: permits.Year, From: from.UTC(), Until: permits.Year.End(from, pmLoc).UTC(),
		PriceCents: 12000, Status: permits.StatusActive, Created: from.UTC(), PaidAt: from.UTC(),
		Payment:       payments.Payment{Reference: "pay-1", Method: "bancontact", Attempts: 1, LastResult: payments.ResultPaid},
		Communication: billing.StructuredFor("permit|" + id), Language: "nl",
	}
}

func permitIDs(ps []permits.Permit) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

func TestPermitRoundTrip(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	jan := time.Date(2026, 1, 1, 0, 0, 0, 0, pmLoc)
	nov := time.Date(2026, 11, 1, 0, 0, 0, 0, pmLoc)
	a := testPermit("PAAAAAAAAAA", jan, "1ABC123")
	b := testPermit("PBBBBBBBBBB", nov, "1ABC123", "2XYZ999")
	if err := db.PutPermits(ctx, a, b); err != nil {
		t.Fatal(err)
	}
	got, err := db.Permit(ctx, b.ID)
	if err != nil || !reflect.DeepEqual(got, b) {
		t.Fatalf("Permit = %+v, %v; want %+v", got, err, b)
	}
	if _, err := db.Permit(ctx, "PNOPE"); !errors.Is(err, permits.ErrPermitNotFound) || !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Permit of an unknown ID: %v", err)
	}

	tests := []struct {
		name  string
		after time.Time
		want  []string
	}{
		{"all", time.Time{}, []string{a.ID, b.ID}},
		{"at a's end: a has ended", a.Until, []string{b.ID}},
		{"just before a's end", a.Until.Add(-time.Nanosecond), []string{a.ID, b.ID}},
		{"after both", b.Until, []string{}},
	}
	for _, tt := range tests {
		t.Run("ending after "+tt.name, func(t *testing.T) {
			ps, err := db.PermitsEndingAfter(ctx, tt.after)
			if err != nil || !slices.Equal(permitIDs(ps), tt.want) {
				t.Fatalf("PermitsEndingAfter = %v, %v; want %v", permitIDs(ps), err, tt.want)
			}
		})
	}

	// A plate change moves b under the new plate too; the old stays
	// indexed (the permit carried it).
	b.Changes = append(b.Changes, permits.PlateChange{Kind: permits.ChangeTemporary, Old: "2XYZ999", New: "9RENT99",
		From: nov.UTC(), Until: nov.AddDate(0, 0, 3).UTC(), Made: nov.UTC()})
	if err := db.PutPermits(ctx, b); err != nil {
		t.Fatal(err)
	}
	plates := []struct {
		plate string
		want  []string
	}{
		{"1ABC123", []string{a.ID, b.ID}},
		{"2XYZ999", []string{b.ID}},
		{"9RENT99", []string{b.ID}},
		{"1ABC12", []string{}},
	}
	for _, tt := range plates {
		t.Run("plate "+tt.plate, func(t *testing.T) {
			ps, err := db.PermitsOfPlate(ctx, tt.plate)
			if err != nil || !slices.Equal(permitIDs(ps), tt.want) {
				t.Fatalf("PermitsOfPlate = %v, %v; want %v", permitIDs(ps), err, tt.want)
			}
		})
	}

	// Overwriting a with a shorter period and other plates moves its
	// index entries.
	a.Until = jan.AddDate(0, 1, 0).UTC()
	a.Plates = []string{"3DEF456"}
	if err := db.PutPermits(ctx, a); err != nil {
		t.Fatal(err)
	}
	if ps, _ := db.PermitsOfPlate(ctx, "1ABC123"); !slices.Equal(permitIDs(ps), []string{b.ID}) {
		t.Errorf("1ABC123 after the overwrite: %v", permitIDs(ps))
	}
	if ps, _ := db.PermitsEndingAfter(ctx, jan.AddDate(0, 2, 0)); !slices.Equal(permitIDs(ps), []string{b.ID}) {
		t.Errorf("ending after March: %v", permitIDs(ps))
	}
	all, err := db.Permits(ctx)
	if err != nil || !slices.Equal(permitIDs(all), []string{a.ID, b.ID}) {
		t.Fatalf("Permits = %v, %v", permitIDs(all), err)
	}
}

func TestPutPermitsInvalid(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	good := testPermit("PGOOD222222", time.Date(2026, 1, 1, 0, 0, 0, 0, pmLoc), "1ABC123")
	tests := []struct {
		name   string
		change func(p *permits.Permit)
	}{
		{"no ID", func(p *permits.Permit) { p.ID = "" }},
		{"no until", func(p *permits.Permit) { p.Until = time.Time{} }},
		{"empty plate", func(p *permits.Permit) { p.Plates = []string{""} }},
		{"NUL in a plate", func(p *permits.Permit) { p.Plates = []string{"1ABC\x00123"} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := good
			bad.ID = "PBAD2222222"
			tt.change(&bad)
			// Nothing of a batch with a bad permit is written.
			if err := db.PutPermits(ctx, good, bad); !errors.Is(err, store.ErrInvalidChange) {
				t.Fatalf("PutPermits: %v, want ErrInvalidChange", err)
			}
			if _, err := db.Permit(ctx, good.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("the good permit was written: %v", err)
			}
		})
	}
}

// TestMigrateV5 opens a file of schema 5 (before permits and day cards):
// it is migrated and both can be stored.
func TestMigrateV5(t *testing.T) {
	dir := t.TempDir()
	boltFile(t, dbPath(dir), func(tx *bolt.Tx) error {
		for _, name := range []string{"meta", "sessions", "running", "accounts", "account_numbers", "settings",
			"outbox", "journal", "smsc_ids", "mo_parts", "api_keys", "idempotency", "nonces", "vouchers", "orders",
			"order_index", "grants"} {
			if _, err := tx.CreateBucket([]byte(name)); err != nil {
				return err
			}
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), u64(5))
	})
	db := MustOpenAt(t, dir)
	if got := db.SchemaVersion(); got != store.CurrentSchema {
		t.Fatalf("SchemaVersion = %d, want %d", got, store.CurrentSchema)
	}
	ctx := context.Background()
	if err := db.PutPermits(ctx, testPermit("PMIGRATED22", time.Date(2026, 1, 1, 0, 0, 0, 0, pmLoc), "1ABC123")); err != nil {
		t.Fatalf("PutPermits after migration: %v", err)
	}
	if err := db.PutCard(ctx, testCard("DMIGRATED22", "+32475000001")); err != nil {
		t.Fatalf("PutCard after migration: %v", err)
	}
}
