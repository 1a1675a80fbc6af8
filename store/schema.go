package store

import (
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"smspark/sessions"
)

// CurrentSchema is the schema version this smspark writes.
const CurrentSchema = 8

// Bucket and key names.
const (
	bucketMeta           = "meta"
	bucketSessions       = "sessions"
	bucketRunning        = "running"
	bucketAccounts       = "accounts"
	bucketAccountNumbers = "account_numbers"
	bucketSettings       = "settings"
	bucketOutbox         = "outbox"
	bucketJournal        = "journal"     // v2: MO journal, by received time and key
	bucketSMSCIDs        = "smsc_ids"    // v2: SMSC message id -> outbox message id
	bucketParts          = "mo_parts"    // v2: parts of concatenated MOs not yet whole
	bucketAPIKeys        = "api_keys"    // v3: API keys by the SHA-256 of the key
	bucketIdempotency    = "idempotency" // v3: responses by scope and Idempotency-Key
	bucketNonces         = "nonces"      // v3: payment callback nonces seen
	bucketVouchers       = "vouchers"    // v4: code -> voucher
	bucketOrders         = "orders"      // v4: order ID -> voucher order
	bucketOrderIndex     = "order_index" // v4: city, address key, year, order ID -> nothing
	bucketGrants         = "grants"      // v5: reduced-tariff grants by ID

	keySchema = "schema"
	keyNextID = "next_id"
)

// Buckets of permits and day cards (v6).
const (
	bucketPermits       = "permits"        // permit ID -> permit
	bucketPermitEnds    = "permit_ends"    // until (8-byte nanos), permit ID -> nothing
	bucketPermitPlates  = "permit_plates"  // plate, permit ID -> nothing
	bucketDayCards      = "daycards"       // day card ID -> day card
	bucketDayCardOwners = "daycard_owners" // number, day card ID -> nothing
	bucketDayCardDays   = "daycard_days"   // date, day card ID -> nothing
	bucketEnded         = "ended"          // v7: end (8-byte nanos), session ID -> nothing
	bucketAudit         = "audit"          // v8: at (8-byte nanos), sequence -> admin action
)

// bucketNames are the top-level buckets of the current schema.
func bucketNames() []string {
	return []string{bucketMeta, bucketSessions, bucketRunning, bucketAccounts,
		bucketAccountNumbers, bucketSettings, bucketOutbox, bucketJournal, bucketSMSCIDs, bucketParts,
		bucketAPIKeys, bucketIdempotency, bucketNonces, bucketVouchers, bucketOrders, bucketOrderIndex,
		bucketGrants, bucketPermits, bucketPermitEnds, bucketPermitPlates, bucketDayCards, bucketDayCardOwners,
		bucketDayCardDays, bucketEnded, bucketAudit}
}

// versionEmpty classifies a bbolt file with no buckets at all: a new file.
const versionEmpty = -1

// migration upgrades a file by one schema version, inside the transaction
// that records the new version.
type migration struct {
	name string
	up   func(tx *bolt.Tx) error
}

// migrations returns the migrations indexed by the version they upgrade
// from: migrations()[v] takes a file from version v to v+1. Its length is
// CurrentSchema.
func migrations() []migration {
	return []migration{
		0: {"v0 (prototype, no schema key) -> v1", migrateV0},
		1: {"v1 -> v2: MO journal, SMSC message ids, MO parts", createMissingBuckets},
		2: {"v2 -> v3: API keys, idempotency, payment nonces", createMissingBuckets},
		3: {"v3 -> v4: vouchers, orders, order index", createMissingBuckets},
		4: {"v4 -> v5: reduced-tariff grants", createMissingBuckets},
		5: {"v5 -> v6: permits, day cards and their indexes", createMissingBuckets},
		6: {"v6 -> v7: index of ended sessions by end", migrateV6},
		7: {"v7 -> v8: audit trail of admin actions", createMissingBuckets},
	}
}

// migrateV0 upgrades a prototype file, which had smspark's buckets but no
// schema key: it creates the buckets the prototype may lack. The version
// key is written by the caller.
func migrateV0(tx *bolt.Tx) error {
	return createMissingBuckets(tx)
}

// migrateV6 creates the index of ended sessions by end and fills it with
// the sessions that ended in the last day (older ones matter to nobody:
// the index serves the wardens' "ended a moment ago").
func migrateV6(tx *bolt.Tx) error {
	if err := createMissingBuckets(tx); err != nil {
		return err
	}
	ended, all := tx.Bucket([]byte(bucketEnded)), tx.Bucket([]byte(bucketSessions))
	cut := time.Now().Add(-24 * time.Hour)
	return all.ForEach(func(k, v []byte) error {
		s, err := decode[sessions.Session]("session", k, v)
		if err != nil || s.Running() || s.End.Before(cut) {
			return err
		}
		return ended.Put(endedKey(s), nil)
	})
}

// createMissingBuckets creates the buckets of the current schema that the
// file lacks.
func createMissingBuckets(tx *bolt.Tx) error {
	for _, name := range bucketNames() {
		if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

// classify says what the file in tx is: versionEmpty for a bbolt file with
// no buckets, or its schema version. A file with a "meta" bucket but no
// schema key is version 0 only if every top-level bucket is one of
// smspark's. Returns ErrNotStore, ErrNewerSchema, or ErrCorrupt for an
// unreadable schema key or a current file that lacks a bucket.
func classify(tx *bolt.Tx) (int, error) {
	known := map[string]bool{}
	for _, n := range bucketNames() {
		known[n] = true
	}
	var names, foreign []string
	err := tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
		names = append(names, string(name))
		if !known[string(name)] {
			foreign = append(foreign, string(name))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if len(names) == 0 {
		return versionEmpty, nil
	}
	meta := tx.Bucket([]byte(bucketMeta))
	if meta == nil {
		return 0, fmt.Errorf("%w: no %q bucket (buckets %q)", ErrNotStore, bucketMeta, names)
	}
	raw := meta.Get([]byte(keySchema))
	if raw == nil {
		if len(foreign) > 0 {
			return 0, fmt.Errorf("%w: no schema version and foreign buckets %q", ErrNotStore, foreign)
		}
		return 0, nil
	}
	v, ok := decodeU64(raw)
	if !ok || v > 1<<31 {
		return 0, fmt.Errorf("%w: schema version %x", ErrCorrupt, raw)
	}
	if v > CurrentSchema {
		return 0, fmt.Errorf("%w: schema version %d, this smspark knows up to %d", ErrNewerSchema, v, CurrentSchema)
	}
	if v == CurrentSchema {
		if _, err := openBuckets(tx); err != nil {
			return 0, err
		}
	}
	return int(v), nil
}

// prepare brings the file opened read-write up to CurrentSchema: it
// initialises an empty file, or runs the migrations from the file's version
// in one transaction. A file already current is not written. Returns the
// errors of classify.
func prepare(bdb *bolt.DB) (int, error) {
	var version int
	err := safeView(bdb, func(tx *bolt.Tx) error {
		var err error
		version, err = classify(tx)
		return err
	})
	if err != nil {
		return 0, err
	}
	if version == CurrentSchema {
		return version, nil
	}
	err = bdb.Update(func(tx *bolt.Tx) error {
		// We hold the exclusive lock: the file is as classified above.
		if version == versionEmpty {
			for _, name := range bucketNames() {
				if _, err := tx.CreateBucket([]byte(name)); err != nil {
					return fmt.Errorf("create bucket %s: %w", name, err)
				}
			}
			return putSchema(tx, CurrentSchema)
		}
		ms := migrations()
		for v := version; v < CurrentSchema; v++ {
			if err := ms[v].up(tx); err != nil {
				return fmt.Errorf("migration %s: %w", ms[v].name, err)
			}
			if err := putSchema(tx, v+1); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return CurrentSchema, nil
}

func putSchema(tx *bolt.Tx, v int) error {
	meta := tx.Bucket([]byte(bucketMeta))
	if meta == nil {
		return fmt.Errorf("%w: no %q bucket", ErrCorrupt, bucketMeta)
	}
	if err := meta.Put([]byte(keySchema), encodeU64(uint64(v))); err != nil {
		return fmt.Errorf("record schema version: %w", err)
	}
	return nil
}

// encodeU64 returns v as a fresh 8-byte big-endian key (bbolt needs keys
// and values to stay valid until the transaction ends).
func encodeU64(v uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), v)
}

func decodeU64(b []byte) (uint64, bool) {
	if len(b) != 8 {
		return 0, false
	}
	return binary.BigEndian.Uint64(b), true
}

// nextID returns the stored next_id, or 0 if none.
func (b *buckets) nextID() (uint64, error) {
	raw := b.meta().Get([]byte(keyNextID))
	if raw == nil {
		return 0, nil
	}
	v, ok := decodeU64(raw)
	if !ok {
		return 0, fmt.Errorf("%w: next_id %x", ErrCorrupt, raw)
	}
	return v, nil
}

// keepNextID stores id as next_id if it is larger than the stored one.
func (b *buckets) keepNextID(id uint64) error {
	cur, err := b.nextID()
	if err != nil {
		return err
	}
	if id <= cur {
		return nil
	}
	return b.meta().Put([]byte(keyNextID), encodeU64(id))
}
