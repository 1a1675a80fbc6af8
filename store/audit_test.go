package store_test

import (
	"context"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"smspark/audit"
	"smspark/store"
)

// TestAudit keeps admin actions in order of time and lists them since a
// moment, the last N of them, and across a reopen.
func TestAudit(t *testing.T) {
	dir := t.TempDir()
	db := MustOpenAt(t, dir)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	for i, a := range []string{audit.SessionStop, audit.KeyCreate, audit.Backup} {
		e := audit.Entry{At: t0.Add(time.Duration(i) * time.Hour), Actor: audit.Local, Via: audit.ViaCLI, Action: a, Target: "x"}
		if err := db.AppendAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		f    audit.Filter
		want []string
	}{
		{"all", audit.Filter{}, []string{audit.SessionStop, audit.KeyCreate, audit.Backup}},
		{"since", audit.Filter{Since: t0.Add(time.Hour)}, []string{audit.KeyCreate, audit.Backup}},
		{"last", audit.Filter{Limit: 1}, []string{audit.Backup}},
		{"none since", audit.Filter{Since: t0.Add(5 * time.Hour)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.Audit(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("Audit = %+v, want actions %v", got, tt.want)
			}
			for i, e := range got {
				if e.Action != tt.want[i] || e.Actor != audit.Local || e.Via != audit.ViaCLI {
					t.Errorf("entry %d = %+v, want action %s", i, e, tt.want[i])
				}
			}
		})
	}
}

// TestMigrateV7 opens a file of schema 7 (before the audit trail): it is
// migrated and records admin actions.
func TestMigrateV7(t *testing.T) {
	dir := t.TempDir()
	boltFile(t, dbPath(dir), func(tx *bolt.Tx) error {
		for _, name := range []string{"meta", "sessions", "running", "accounts", "account_numbers", "settings",
			"outbox", "journal", "smsc_ids", "mo_parts", "api_keys", "idempotency", "nonces", "vouchers", "orders",
			"order_index", "grants", "permits", "permit_ends", "permit_plates", "daycards", "daycard_owners",
			"daycard_days", "ended"} {
			if _, err := tx.CreateBucket([]byte(name)); err != nil {
				return err
			}
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), u64(7))
	})
	db := MustOpenAt(t, dir)
	if got := db.SchemaVersion(); got != store.CurrentSchema {
		t.Fatalf("SchemaVersion = %d, want %d", got, store.CurrentSchema)
	}
	ctx := context.Background()
	if err := db.AppendAudit(ctx, audit.Entry{At: time.Now(), Actor: "k1", Action: audit.Backup}); err != nil {
		t.Fatalf("AppendAudit after migration: %v", err)
	}
}
