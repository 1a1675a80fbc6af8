package store

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"smspark/sessions"
)

// Commit makes changes durable, in order, in one read-write transaction
// (one fsync unless Options.NoSync). Within a change it writes, in this
// order: sessions (by ID, keeping the running index: a running session
// indexes its plate; an ended one removes its plate's entry if it still
// points at it), settings (by number), accounts (by ID, keeping the number
// index), deleted accounts, outbox messages (by ID), and NextID (the stored
// value only grows).
//
// The engine does its own group commit and calls Commit from one goroutine
// at a time; Commit is safe for concurrent use with the read methods.
//
// The batch must leave each plate with at most one running session and each
// number in at most one account (SPEC §3–4): a plate's running session is
// ended, and a number's former account put without it, in the same batch, in
// either order.
//
// If anything fails nothing is written. Returns the context's error if ctx
// is done before writing starts, ErrClosed after Close, ErrInvalidChange for
// a record with an empty key or a batch that breaks those rules, ErrCorrupt
// if a stored record it must read is undecodable, or bbolt's error; all
// wrapped.
func (db *DB) Commit(ctx context.Context, changes []sessions.Change) error {
	if err := db.usable(ctx); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	if len(changes) == 0 {
		return nil
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := openBuckets(tx)
		if err != nil {
			return err
		}
		b.displaced, b.moved = map[uint64]string{}, map[numberOf]bool{}
		for i, c := range changes {
			if err := b.apply(c); err != nil {
				return fmt.Errorf("change %d: %w", i, err)
			}
		}
		return b.verify()
	})
	if err != nil {
		return fmt.Errorf("store: commit: %w", txErr(err))
	}
	return nil
}

func (b *buckets) apply(c sessions.Change) error {
	for _, s := range c.Sessions {
		if err := b.putSession(s); err != nil {
			return err
		}
	}
	for _, s := range c.Settings {
		if err := b.putSettings(s); err != nil {
			return err
		}
	}
	for _, a := range c.Accounts {
		if err := b.putAccount(a); err != nil {
			return err
		}
	}
	for _, id := range c.DeletedAccounts {
		if err := b.deleteAccount(id); err != nil {
			return err
		}
	}
	for _, m := range c.Messages {
		if err := b.putMessage(m); err != nil {
			return err
		}
	}
	for _, g := range c.Grants {
		if err := put(b.grants, "grant", []byte(g.ID), g); err != nil {
			return err
		}
	}
	for _, u := range c.VoucherUses {
		v, err := b.voucher(u.Code)
		if err != nil {
			return err
		}
		if v, err = v.Activate(u.Plate, u.At, u.Session); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidChange, err)
		}
		if err := put(b.vouchers, "voucher", []byte(v.Code), v); err != nil {
			return err
		}
	}
	for _, j := range c.Journal {
		if err := put(b.journal, "journal entry", journalKey(j), j); err != nil {
			return err
		}
	}
	if err := b.keepNextID(c.NextID); err != nil {
		return fmt.Errorf("next id: %w", err)
	}
	return nil
}

// verify refuses a batch that leaves a plate with two running sessions or
// a number in two accounts: a session whose running index entry the batch
// gave to another session must, at the end of the batch, have ended (or
// hold the entry again), and an account that lost a number's index entry
// must no longer hold the number (or hold the entry again).
func (b *buckets) verify() error {
	for id, plate := range b.displaced {
		key := encodeU64(id)
		raw := b.sessions.Get(key)
		if raw == nil {
			continue
		}
		s, err := decode[sessions.Session]("session", key, raw)
		if err != nil {
			return err
		}
		holder := b.running.Get([]byte(plate))
		if s.Running() && s.Plate == plate && !bytes.Equal(holder, key) {
			return fmt.Errorf("%w: plate %q: session %d still runs beside session %s",
				ErrInvalidChange, plate, id, showKey(holder))
		}
	}
	for m := range b.moved {
		number, id := m.number, m.account
		holder := b.accountNumbers.Get([]byte(number))
		raw := b.accounts.Get([]byte(id))
		if raw == nil || string(holder) == id {
			continue
		}
		a, err := decode[sessions.Account]("account", []byte(id), raw)
		if err != nil {
			return err
		}
		if slices.Contains(a.Numbers, number) {
			return fmt.Errorf("%w: number %q: account %q still holds it beside account %q",
				ErrInvalidChange, number, id, holder)
		}
	}
	return nil
}

// Load returns what the engine needs at start: the running sessions (those
// of the running index, ordered by ID), every number's settings (ordered by
// number), every account (ordered by ID), and NextID: the stored value, but
// at least 1 and above every stored session and message ID.
//
// Returns the context's error, ErrClosed, or ErrCorrupt when a record is
// undecodable or a running index entry does not point at a running session
// of its plate (db.Check lists such problems); all wrapped.
func (db *DB) Load(ctx context.Context) (sessions.State, error) {
	var st sessions.State
	err := db.view(ctx, "load", func(b *buckets) error {
		var err error
		if st.Running, err = b.runningSessions(); err != nil {
			return err
		}
		if err := b.settings.ForEach(func(k, v []byte) error {
			s, err := decode[sessions.Settings]("settings", k, v)
			st.Settings = append(st.Settings, s)
			return err
		}); err != nil {
			return err
		}
		if err := b.accounts.ForEach(func(k, v []byte) error {
			a, err := decode[sessions.Account]("account", k, v)
			st.Accounts = append(st.Accounts, a)
			return err
		}); err != nil {
			return err
		}
		err = b.grants.ForEach(func(k, v []byte) error {
			g, err := decode[sessions.Grant]("grant", k, v)
			st.Grants = append(st.Grants, g)
			return err
		})
		if err != nil {
			return err
		}
		st.NextID, err = b.loadNextID()
		return err
	})
	if err != nil {
		return sessions.State{}, err
	}
	return st, nil
}

// runningSessions returns the sessions of the running index, ordered by ID.
func (b *buckets) runningSessions() ([]sessions.Session, error) {
	var out []sessions.Session
	err := b.running.ForEach(func(plate, v []byte) error {
		s, err := b.indexed(plate, v)
		if err != nil {
			return err
		}
		out = append(out, s)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b sessions.Session) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// indexed returns the session a running index entry points at, or
// ErrCorrupt if it is not a running session of that plate.
func (b *buckets) indexed(plate, v []byte) (sessions.Session, error) {
	id, ok := decodeU64(v)
	if !ok {
		return sessions.Session{}, fmt.Errorf("%w: running index %q: bad id %x", ErrCorrupt, plate, v)
	}
	raw := b.sessions.Get(v)
	if raw == nil {
		return sessions.Session{}, fmt.Errorf("%w: running index %q: session %d missing", ErrCorrupt, plate, id)
	}
	s, err := decode[sessions.Session]("session", v, raw)
	if err != nil {
		return sessions.Session{}, err
	}
	if !s.Running() || s.Plate != string(plate) {
		return sessions.Session{}, fmt.Errorf("%w: running index %q: session %d is not a running session of that plate", ErrCorrupt, plate, id)
	}
	return s, nil
}

// loadNextID returns the next free ID: the stored one, at least 1 and
// above the last session and message IDs.
func (b *buckets) loadNextID() (uint64, error) {
	next, err := b.nextID()
	if err != nil {
		return 0, err
	}
	next = max(next, 1)
	for _, bk := range []*bolt.Bucket{b.sessions, b.outbox} {
		k, _ := bk.Cursor().Last()
		if k == nil {
			continue
		}
		last, ok := decodeU64(k)
		if !ok {
			return 0, fmt.Errorf("%w: bad id key %x", ErrCorrupt, k)
		}
		if last == ^uint64(0) {
			return 0, fmt.Errorf("%w: id space exhausted", ErrCorrupt)
		}
		next = max(next, last+1)
	}
	return next, nil
}
