package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"smspark/permits"
)

var _ permits.Store = (*DB)(nil)

// PutPermits stores the permits (creating or replacing each) in one
// transaction, indexed by end and by every plate they held. Returns
// ErrInvalidChange for a permit without ID, with an empty plate or an
// out-of-range end; nothing is written then.
func (db *DB) PutPermits(ctx context.Context, ps ...permits.Permit) error {
	for _, p := range ps {
		if err := checkPermit(p); err != nil {
			return fmt.Errorf("postgres: put permits: %w", err)
		}
	}
	if len(ps) == 0 {
		return nil
	}
	return db.write(ctx, "put permits", func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, p := range ps {
			raw, err := encode("permit", p)
			if err != nil {
				return err
			}
			b.Queue(`INSERT INTO permits (id, until_ns, doc) VALUES ($1, $2, $3) ON CONFLICT (id)
				DO UPDATE SET until_ns = EXCLUDED.until_ns, doc = EXCLUDED.doc`, p.ID, p.Until.UnixNano(), raw)
			b.Queue(`DELETE FROM permit_plates WHERE permit_id = $1`, p.ID)
			b.Queue(`INSERT INTO permit_plates (plate, permit_id) SELECT pl, $1 FROM unnest($2::text[]) AS pl`,
				p.ID, permitPlates(p))
		}
		return tx.SendBatch(ctx, b).Close()
	})
}

// Permit returns the permit with the ID, or an error wrapping
// permits.ErrPermitNotFound.
func (db *DB) Permit(ctx context.Context, id string) (permits.Permit, error) {
	var p permits.Permit
	err := db.read(ctx, "permit", func(q querier) error {
		var err error
		p, err = one[permits.Permit](ctx, q, "permit", permits.ErrPermitNotFound, `SELECT doc FROM permits WHERE id = $1`, id)
		return err
	})
	return p, err
}

// PermitsEndingAfter returns the permits that end after t, in the order
// they end.
func (db *DB) PermitsEndingAfter(ctx context.Context, t time.Time) ([]permits.Permit, error) {
	var out []permits.Permit
	err := db.read(ctx, "permits ending after", func(q querier) error {
		var err error
		out, err = all[permits.Permit](ctx, q, "permit",
			`SELECT doc FROM permits WHERE until_ns > $1 ORDER BY until_ns, id`, t.UnixNano())
		return err
	})
	return out, err
}

// PermitsOfPlate returns the permits that hold or held the plate, by ID.
func (db *DB) PermitsOfPlate(ctx context.Context, plate string) ([]permits.Permit, error) {
	var out []permits.Permit
	err := db.read(ctx, "permits of plate", func(q querier) error {
		var err error
		out, err = all[permits.Permit](ctx, q, "permit", `SELECT p.doc FROM permits p
			JOIN permit_plates pp ON pp.permit_id = p.id WHERE pp.plate = $1 ORDER BY p.id`, plate)
		return err
	})
	return out, err
}

// Permits returns every permit, by ID.
func (db *DB) Permits(ctx context.Context) ([]permits.Permit, error) {
	var out []permits.Permit
	err := db.read(ctx, "permits", func(q querier) error {
		var err error
		out, err = all[permits.Permit](ctx, q, "permit", `SELECT doc FROM permits ORDER BY id`)
		return err
	})
	return out, err
}

func checkPermit(p permits.Permit) error {
	switch {
	case p.ID == "" || strings.ContainsRune(p.ID, 0):
		return fmt.Errorf("%w: permit without ID", ErrInvalidChange)
	case p.Until.Before(time.Unix(1, 0)) || p.Until.After(time.Unix(0, 1<<63-1)):
		return fmt.Errorf("%w: permit %s: until %s", ErrInvalidChange, p.ID, p.Until)
	}
	for _, pl := range permitPlates(p) {
		if pl == "" || strings.ContainsRune(pl, 0) {
			return fmt.Errorf("%w: permit %s: plate %q", ErrInvalidChange, p.ID, pl)
		}
	}
	return nil
}

// permitPlates are the plates a permit holds or held (its changes').
func permitPlates(p permits.Permit) []string {
	out := append([]string{}, p.Plates...)
	for _, c := range p.Changes {
		for _, pl := range []string{c.Old, c.New} {
			if !slices.Contains(out, pl) {
				out = append(out, pl)
			}
		}
	}
	return out
}
