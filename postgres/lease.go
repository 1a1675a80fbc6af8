package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"smspark/cluster"
)

var _ cluster.Lease = (*DB)(nil)

// Claim takes or renews the cluster's lease for holder for ttl, by the
// database's clock, in one statement. With epoch 0 it takes the lease if
// it has expired, at the next epoch; otherwise it renews the lease if
// holder still holds it at that epoch and it has not expired. Returns
// the epoch held, cluster.ErrLost (wrapped) if the lease is another's
// (or lapsed, for a renewal), or the driver's error, wrapped.
func (db *DB) Claim(ctx context.Context, holder string, epoch int64, ttl time.Duration) (int64, error) {
	if err := db.usable(ctx); err != nil {
		return 0, fmt.Errorf("postgres: claim lease: %w", err)
	}
	var held int64
	err := db.pool.QueryRow(ctx, `UPDATE lease SET
			epoch = CASE WHEN $2 = 0 THEN epoch + 1 ELSE epoch END,
			holder = $1, expires_at = clock_timestamp() + $3::bigint * interval '1 microsecond'
		WHERE CASE WHEN $2 = 0 THEN expires_at <= clock_timestamp()
			ELSE holder = $1 AND epoch = $2 AND expires_at > clock_timestamp() END
		RETURNING epoch`, holder, epoch, ttl.Microseconds()).Scan(&held)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("postgres: claim lease: %w", cluster.ErrLost)
	}
	if err != nil {
		return 0, fmt.Errorf("postgres: claim lease: %w", err)
	}
	return held, nil
}

// LeaseState is the lease as stored, for status pages.
type LeaseState struct {
	Epoch     int64
	Holder    string
	ExpiresAt time.Time
}

// Lease reads the lease.
func (db *DB) Lease(ctx context.Context) (LeaseState, error) {
	var l LeaseState
	err := db.read(ctx, "read lease", func(q querier) error {
		return q.QueryRow(ctx, `SELECT epoch, holder, expires_at FROM lease`).Scan(&l.Epoch, &l.Holder, &l.ExpiresAt)
	})
	return l, err
}

// Fence makes every later Commit check, in its transaction, that the
// lease still carries epoch and has not expired, and fail with
// cluster.ErrFenced otherwise, writing nothing. The engine calls it with
// the epoch it was elected at, before it applies anything; 0 (the
// default) turns the check off, for a store used by one engine alone.
func (db *DB) Fence(epoch int64) { db.epoch.Store(epoch) }

// fence checks db's epoch in tx: the row is locked FOR SHARE until tx
// ends, so a takeover (which updates it) waits for this commit, and a
// commit after a takeover sees the new epoch and is refused.
func (db *DB) fence(ctx context.Context, tx pgx.Tx) error {
	epoch := db.epoch.Load()
	if epoch == 0 {
		return nil
	}
	var ok bool
	err := tx.QueryRow(ctx, `SELECT epoch = $1 AND expires_at > clock_timestamp() FROM lease FOR SHARE`,
		epoch).Scan(&ok)
	if err != nil {
		return fmt.Errorf("fence: %w", err)
	}
	if !ok {
		return fmt.Errorf("epoch %d: %w", epoch, cluster.ErrFenced)
	}
	return nil
}
