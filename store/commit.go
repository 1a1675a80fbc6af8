package store

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"smspark/sessions"
)

// Commit makes changes durable, in order, in one read-write transaction
// (one fsync unless Options.NoSync). Within a change it writes, in this
// order: sessions (by ID, keeping the running index: a running session
// indexes its plate; an ended one removes its plate's entry if it still
// points at it), settings (by number), accounts (by ID, keeping the number
// index), deleted accounts, outbox messages (by ID), grants, voucher uses,
// journal entries, acks confirmed (AckPending cleared on journal entries
// still there) and NextID (the stored value only grows).
//
// Commit is a group commit: the engine's commands, the outbox's status
// changes and the SMPP ack confirmations that call it while a transaction
// is being written share the next one, so bbolt's single writer is not
// taken in turns (see group.go). Commit returns once its changes are
// durable.
//
// The batch must leave each plate with at most one running session and each
// number in at most one account (docs/accounts.md): a plate's running session is
// ended, and a number's former account put without it, in the same batch, in
// either order.
//
// If anything of a call fails nothing of that call is written (and the
// calls it was grouped with are written without it). Returns the context's
// error if ctx is done before the call is queued, ErrClosed after Close,
// ErrInvalidChange for a record with an empty key or a batch that breaks
// those rules, ErrCorrupt if a stored record it must read is undecodable,
// or bbolt's error; all wrapped.
func (db *DB) Commit(ctx context.Context, changes []sessions.Change) error {
	if err := db.usable(ctx); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	if len(changes) == 0 {
		return nil
	}
	if err := db.group.commit(changes); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// CommitWithin is Commit for changes that may wait a little to be
// durable (a reply's status, an ack confirmation): they share the next
// Commit's transaction, or are written by themselves after at most delay.
// At a low rate this saves a transaction and a sync per message. Returns
// Commit's errors.
func (db *DB) CommitWithin(ctx context.Context, changes []sessions.Change, delay time.Duration) error {
	if err := db.usable(ctx); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	if len(changes) == 0 {
		return nil
	}
	if err := db.group.commitWithin(changes, delay); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// write applies the calls' changes in one read-write transaction.
func (db *DB) write(calls [][]sessions.Change) error {
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b, err := openBuckets(tx)
		if err != nil {
			return err
		}
		b.displaced, b.moved = map[uint64]string{}, map[numberOf]bool{}
		for _, changes := range calls {
			for i, c := range changes {
				if err := b.apply(c); err != nil {
					return fmt.Errorf("change %d: %w", i, err)
				}
			}
		}
		return b.verify()
	})
	return txErr(err)
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
	if err := b.confirmAcks(c.Acked); err != nil {
		return err
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
	defer db.prefetch()()
	var st sessions.State
	err := db.view(ctx, "load", func(b *buckets) error {
		var err error
		if st.Running, err = b.runningSessions(); err != nil {
			return err
		}
		if st.Settings, err = b.allSettings(); err != nil {
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

// prefetch reads the file in order, in the background, until the returned
// stop is called. After a reboot the file is not in the page cache, and
// bbolt, which asks the kernel for no read-ahead on its map, would fault it
// in one 4 KiB page at a time: a million running sessions took 17 s to
// load so, against 2 s at the disk's sequential speed.
func (db *DB) prefetch() (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		f, err := os.Open(db.path)
		if err != nil {
			return // only an optimisation
		}
		defer f.Close()
		buf := make([]byte, 1<<20)
		for off := int64(0); ; off += int64(len(buf)) {
			select {
			case <-done:
				return
			default:
			}
			if _, err := f.ReadAt(buf, off); err != nil {
				return
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// runningSessions returns the sessions of the running index, ordered by ID.
// It reads the index, then the sessions in ID order, and decodes them in
// parallel: a million running sessions load in a few seconds.
func (b *buckets) runningSessions() ([]sessions.Session, error) {
	type entry struct {
		id    uint64
		plate []byte
	}
	index := make([]entry, 0, b.running.Stats().KeyN)
	err := b.running.ForEach(func(plate, v []byte) error {
		id, ok := decodeU64(v)
		if !ok {
			return fmt.Errorf("%w: running index %q: bad id %x", ErrCorrupt, plate, v)
		}
		index = append(index, entry{id, plate})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(index) == 0 {
		return nil, nil
	}
	slices.SortFunc(index, func(a, b entry) int { return cmp.Compare(a.id, b.id) })
	keys, raws := make([][]byte, len(index)), make([][]byte, len(index))
	c := b.sessions.Cursor()
	var k, v []byte
	var buf [8]byte
	for i, e := range index {
		key := binary.BigEndian.AppendUint64(buf[:0], e.id)
		// The next running session is often a few records on: step there
		// rather than search from the root.
		for n := 0; k != nil && bytes.Compare(k, key) < 0 && n < 8; n++ {
			k, v = c.Next()
		}
		if !bytes.Equal(k, key) {
			k, v = c.Seek(key)
		}
		if !bytes.Equal(k, key) || v == nil {
			return nil, fmt.Errorf("%w: running index %q: session %d missing", ErrCorrupt, e.plate, e.id)
		}
		keys[i], raws[i] = k, v
	}
	out := make([]sessions.Session, len(index))
	if err := decodeAll("session", keys, raws, out, fastSession); err != nil {
		return nil, err
	}
	for i, s := range out {
		if !s.Running() || s.Plate != string(index[i].plate) {
			return nil, fmt.Errorf("%w: running index %q: session %d is not a running session of that plate", ErrCorrupt, index[i].plate, index[i].id)
		}
	}
	return out, nil
}

// allSettings returns every number's settings, ordered by number, decoded
// in parallel.
func (b *buckets) allSettings() ([]sessions.Settings, error) {
	n := b.settings.Stats().KeyN
	keys, raws := make([][]byte, 0, n), make([][]byte, 0, n)
	if err := b.settings.ForEach(func(k, v []byte) error {
		keys, raws = append(keys, k), append(raws, v)
		return nil
	}); err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, nil
	}
	out := make([]sessions.Settings, len(keys))
	if err := decodeAll("settings", keys, raws, out, fastSettings); err != nil {
		return nil, err
	}
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
