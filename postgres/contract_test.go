package postgres_test

import (
	"context"
	"os"
	"testing"

	"smspark/postgres"
	"smspark/postgres/pgtest"
	"smspark/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// mustOpen opens a store on a fresh database of the package's throwaway
// server, closed at the test's end.
func mustOpen(t *testing.T) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), pgtest.DB(t), postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestContract runs the store contract every implementation owes the
// domain packages against PostgreSQL.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Stores {
		db := mustOpen(t)
		return storetest.Stores{Engine: db, Vouchers: db, Permits: db, DayCards: db,
			Records: db, ErrNotFound: postgres.ErrNotFound, ErrInvalidChange: postgres.ErrInvalidChange}
	})
}
