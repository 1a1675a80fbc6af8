package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// buckets are the store's buckets in one transaction, each opened the
// first time it is used: a transaction pays the lookup of the buckets it
// touches, not of all 25 (opening every bucket was ~7 % of an MO's CPU).
//
// Open checks that every bucket exists (classify), and only migrations,
// run by Open under bbolt's exclusive file lock, create buckets, so a
// bucket missing later means the file was damaged under us: get panics
// with a missingBucket, which withBuckets turns into
// ErrCorrupt like bbolt's own panics on damaged pages.
type buckets struct {
	tx   *bolt.Tx
	open [numBuckets]*bolt.Bucket

	// Set by Commit: index entries it overwrote, checked when its changes
	// are applied (see verify).
	displaced map[uint64]string // session ID -> plate it was running on
	moved     map[numberOf]bool // numbers and the accounts that held them
}

// bucketID indexes buckets.open.
type bucketID int

const (
	idMeta bucketID = iota
	idSessions
	idRunning
	idAccounts
	idAccountNumbers
	idSettings
	idOutbox
	idJournal
	idSmscIDs
	idParts
	idApiKeys
	idIdempotency
	idNonces
	idVouchers
	idOrders
	idOrderIndex
	idGrants
	idPermits
	idPermitEnds
	idPermitPlates
	idDayCards
	idDayCardOwners
	idEnded
	idDayCardDays
	idAudit
	numBuckets
)

// bucketName is each bucket's name in the file.
var bucketName = [numBuckets]string{
	idMeta:           bucketMeta,
	idSessions:       bucketSessions,
	idRunning:        bucketRunning,
	idAccounts:       bucketAccounts,
	idAccountNumbers: bucketAccountNumbers,
	idSettings:       bucketSettings,
	idOutbox:         bucketOutbox,
	idJournal:        bucketJournal,
	idSmscIDs:        bucketSMSCIDs,
	idParts:          bucketParts,
	idApiKeys:        bucketAPIKeys,
	idIdempotency:    bucketIdempotency,
	idNonces:         bucketNonces,
	idVouchers:       bucketVouchers,
	idOrders:         bucketOrders,
	idOrderIndex:     bucketOrderIndex,
	idGrants:         bucketGrants,
	idPermits:        bucketPermits,
	idPermitEnds:     bucketPermitEnds,
	idPermitPlates:   bucketPermitPlates,
	idDayCards:       bucketDayCards,
	idDayCardOwners:  bucketDayCardOwners,
	idEnded:          bucketEnded,
	idDayCardDays:    bucketDayCardDays,
	idAudit:          bucketAudit,
}

// missingBucket is get's panic value for a bucket the file lacks.
type missingBucket string

// newBuckets returns tx's buckets, none opened yet.
func newBuckets(tx *bolt.Tx) *buckets { return &buckets{tx: tx} }

// openBuckets returns the buckets of tx, all opened, or ErrCorrupt if one
// is missing (for Open and check).
func openBuckets(tx *bolt.Tx) (*buckets, error) {
	b := newBuckets(tx)
	for id := range numBuckets {
		if b.open[id] = tx.Bucket([]byte(bucketName[id])); b.open[id] == nil {
			return nil, fmt.Errorf("%w: no %q bucket", ErrCorrupt, bucketName[id])
		}
	}
	return b, nil
}

// get returns bucket id, opening it on first use.
func (b *buckets) get(id bucketID) *bolt.Bucket {
	if bk := b.open[id]; bk != nil {
		return bk
	}
	bk := b.tx.Bucket([]byte(bucketName[id]))
	if bk == nil {
		panic(missingBucket(bucketName[id]))
	}
	b.open[id] = bk
	return bk
}

// withBuckets returns a transaction function running fn on the
// transaction's buckets, opened lazily.
func withBuckets(fn func(*buckets) error) func(*bolt.Tx) error {
	return func(tx *bolt.Tx) (err error) {
		defer recoverMissing(&err)
		return fn(newBuckets(tx))
	}
}

// recoverMissing turns get's panic into ErrCorrupt in *err; deferred by
// withBuckets.
func recoverMissing(err *error) {
	if r := recover(); r != nil {
		name, ok := r.(missingBucket)
		if !ok {
			panic(r)
		}
		*err = fmt.Errorf("%w: no %q bucket", ErrCorrupt, string(name))
	}
}

func (b *buckets) meta() *bolt.Bucket           { return b.get(idMeta) }
func (b *buckets) sessions() *bolt.Bucket       { return b.get(idSessions) }
func (b *buckets) running() *bolt.Bucket        { return b.get(idRunning) }
func (b *buckets) accounts() *bolt.Bucket       { return b.get(idAccounts) }
func (b *buckets) accountNumbers() *bolt.Bucket { return b.get(idAccountNumbers) }
func (b *buckets) settings() *bolt.Bucket       { return b.get(idSettings) }
func (b *buckets) outbox() *bolt.Bucket         { return b.get(idOutbox) }
func (b *buckets) journal() *bolt.Bucket        { return b.get(idJournal) }
func (b *buckets) smscIDs() *bolt.Bucket        { return b.get(idSmscIDs) }
func (b *buckets) parts() *bolt.Bucket          { return b.get(idParts) }
func (b *buckets) apiKeys() *bolt.Bucket        { return b.get(idApiKeys) }
func (b *buckets) idempotency() *bolt.Bucket    { return b.get(idIdempotency) }
func (b *buckets) nonces() *bolt.Bucket         { return b.get(idNonces) }
func (b *buckets) vouchers() *bolt.Bucket       { return b.get(idVouchers) }
func (b *buckets) orders() *bolt.Bucket         { return b.get(idOrders) }
func (b *buckets) orderIndex() *bolt.Bucket     { return b.get(idOrderIndex) }
func (b *buckets) grants() *bolt.Bucket         { return b.get(idGrants) }
func (b *buckets) permits() *bolt.Bucket        { return b.get(idPermits) }
func (b *buckets) permitEnds() *bolt.Bucket     { return b.get(idPermitEnds) }
func (b *buckets) permitPlates() *bolt.Bucket   { return b.get(idPermitPlates) }
func (b *buckets) dayCards() *bolt.Bucket       { return b.get(idDayCards) }
func (b *buckets) dayCardOwners() *bolt.Bucket  { return b.get(idDayCardOwners) }
func (b *buckets) ended() *bolt.Bucket          { return b.get(idEnded) }
func (b *buckets) dayCardDays() *bolt.Bucket    { return b.get(idDayCardDays) }
func (b *buckets) audit() *bolt.Bucket          { return b.get(idAudit) }

// numberOf is a number and an account that held it.
type numberOf struct{ number, account string }
