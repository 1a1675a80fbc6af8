package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"smspark/sessions"
)

// maxProblems caps how many problems Check reports.
const maxProblems = 100

// Check runs bbolt's consistency check and smspark's own: the schema
// version is current; every record decodes and is stored under its own key;
// every running index entry points at a running session of that plate and
// every running session is indexed; every number index entry points at an
// account holding the number and every account's numbers are indexed to it.
// It holds the write lock while it runs (bbolt's check is not safe beside a
// concurrent writer otherwise), so commits wait.
//
// Returns nil, or the problems joined as one error (each wrapping
// ErrCorrupt, at most 100 of them), or ErrClosed or the context's error.
func (db *DB) Check(ctx context.Context) error {
	if err := db.usable(ctx); err != nil {
		return fmt.Errorf("store: check: %w", err)
	}
	tx, err := db.bolt.Begin(true)
	if err != nil {
		return fmt.Errorf("store: check: %w", txErr(err))
	}
	defer func() { _ = tx.Rollback() }()
	return check(ctx, tx)
}

// CheckFile checks the store in dir as Check does, on the file read-only:
// nothing is migrated or written, and the structure is verified before
// bbolt reads it (see Open). It waits up to timeout (zero: DefaultTimeout)
// for the file's lock, which a running engine holds.
//
// Returns nil or the problems joined as one error (each wrapping
// ErrCorrupt), ErrNoStore, ErrLocked, ErrNotStore, ErrNewerSchema or the
// context's error; every error names the file.
func CheckFile(ctx context.Context, dir string, timeout time.Duration) error {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	path := filepath.Join(dir, FileName)
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("store: %w: %s does not exist", ErrNoStore, path)
	case err != nil:
		return fmt.Errorf("store: %w", err)
	case info.Size() == 0:
		return fmt.Errorf("store: %s: %w: the file is empty (0 bytes)", path, ErrCorrupt)
	}
	if _, err := inspect(path, timeout); err != nil {
		return err
	}
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: true})
	if err != nil {
		return fmt.Errorf("store: open %s: %w", path, openErr(err))
	}
	defer func() { _ = bdb.Close() }()
	err = safeView(bdb, func(tx *bolt.Tx) error { return check(ctx, tx) })
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// check runs the checks of Check in tx.
func check(ctx context.Context, tx *bolt.Tx) error {
	c := &checker{}
	for err := range tx.Check() {
		c.add("bbolt: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: check: %w", err)
	}
	b, err := openBuckets(tx)
	if err != nil {
		c.add("%w", err)
		return c.result()
	}
	c.schema(b)
	c.sessions(b)
	c.running(b)
	c.accounts(b)
	c.numbers(b)
	c.settings(b)
	c.outbox(b)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: check: %w", err)
	}
	return c.result()
}

// checker collects problems.
type checker struct {
	problems []error
	more     int
}

// add records a problem; format's %w verbs take the args.
func (c *checker) add(format string, args ...any) {
	if len(c.problems) >= maxProblems {
		c.more++
		return
	}
	err := fmt.Errorf(format, args...)
	if !errors.Is(err, ErrCorrupt) {
		err = fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	c.problems = append(c.problems, err)
}

func (c *checker) result() error {
	if len(c.problems) == 0 {
		return nil
	}
	errs := c.problems
	if c.more > 0 {
		errs = append(errs, fmt.Errorf("and %d more problems", c.more))
	}
	return fmt.Errorf("store: check: %w", errors.Join(errs...))
}

func (c *checker) schema(b *buckets) {
	raw := b.meta().Get([]byte(keySchema))
	if v, ok := decodeU64(raw); !ok || v != CurrentSchema {
		c.add("schema version %x, want %d", raw, CurrentSchema)
	}
	if _, err := b.nextID(); err != nil {
		c.add("%w", err)
	}
}

// idKey checks that an ID-keyed record is stored under its own ID.
func (c *checker) idKey(what string, k []byte, id uint64) {
	if kid, ok := decodeU64(k); !ok || kid != id {
		c.add("%s %d stored under key %s", what, id, showKey(k))
	}
}

func (c *checker) sessions(b *buckets) {
	_ = b.sessions().ForEach(func(k, v []byte) error {
		s, err := decode[sessions.Session]("session", k, v)
		if err != nil {
			c.add("%w", err)
			return nil
		}
		c.idKey("session", k, s.ID)
		if s.Running() && !bytes.Equal(b.running().Get([]byte(s.Plate)), k) {
			c.add("running session %d of plate %q is not indexed", s.ID, s.Plate)
		}
		return nil
	})
}

func (c *checker) running(b *buckets) {
	_ = b.running().ForEach(func(plate, v []byte) error {
		if _, err := b.indexed(plate, v); err != nil {
			c.add("%w", err)
		}
		return nil
	})
}

func (c *checker) accounts(b *buckets) {
	_ = b.accounts().ForEach(func(k, v []byte) error {
		a, err := decode[sessions.Account]("account", k, v)
		if err != nil {
			c.add("%w", err)
			return nil
		}
		if a.ID != string(k) {
			c.add("account %q stored under key %s", a.ID, showKey(k))
		}
		for _, n := range a.Numbers {
			if got := b.accountNumbers().Get([]byte(n)); string(got) != a.ID {
				c.add("number %q of account %q is indexed to %q", n, a.ID, got)
			}
		}
		return nil
	})
}

func (c *checker) numbers(b *buckets) {
	_ = b.accountNumbers().ForEach(func(n, id []byte) error {
		a, err := b.account(string(id))
		if err != nil {
			c.add("number index %q: %w", n, err)
			return nil
		}
		if !slices.Contains(a.Numbers, string(n)) {
			c.add("number index %q points at account %q, which does not hold it", n, id)
		}
		return nil
	})
}

func (c *checker) settings(b *buckets) {
	_ = b.settings().ForEach(func(k, v []byte) error {
		s, err := decode[sessions.Settings]("settings", k, v)
		if err != nil {
			c.add("%w", err)
		} else if s.Number != string(k) {
			c.add("settings of %q stored under key %s", s.Number, showKey(k))
		}
		return nil
	})
}

func (c *checker) outbox(b *buckets) {
	_ = b.outbox().ForEach(func(k, v []byte) error {
		m, err := decode[sessions.Message]("message", k, v)
		if err != nil {
			c.add("%w", err)
			return nil
		}
		c.idKey("message", k, m.ID)
		return nil
	})
}
