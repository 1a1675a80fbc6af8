package store_test

import (
	"testing"

	"smspark/store"
	"smspark/store/storetest"
)

// TestContract runs the store contract every implementation owes the
// domain packages against bbolt.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Stores {
		db, err := store.Open(t.TempDir(), store.Options{Create: true, NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return storetest.Stores{Engine: db, Vouchers: db, Permits: db, DayCards: db,
			Records: db, ErrNotFound: store.ErrNotFound, ErrInvalidChange: store.ErrInvalidChange}
	})
}
