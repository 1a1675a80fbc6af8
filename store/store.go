// Package store is smspark's durable journal (docs/operations.md): one bbolt file,
// smspark.db, in a data directory. It holds the sessions and the index of
// running ones, accounts and the index of their numbers, per-number settings
// and the MT outbox. The engine (package sessions) keeps running sessions in
// memory; it loads them with Load at start and makes each batch of changes
// durable with Commit, one read-write transaction and one fsync per batch.
//
// Layout (schema version 1): a bucket "meta" with the keys "schema" and
// "next_id" (8-byte big-endian integers); "sessions" and "outbox" keyed by
// 8-byte big-endian ID; "running" (plate -> session ID); "accounts" (ID ->
// account); "account_numbers" (number -> account ID); "settings" (number ->
// settings). Records are JSON.
package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"smspark/sessions"
)

// FileName is the name of the store's file in its data directory.
const FileName = "smspark.db"

// DefaultTimeout is how long Open waits for the file lock by default.
const DefaultTimeout = time.Second

// Errors callers branch on.
var (
	// ErrLocked means another process (or another open DB) holds the file.
	ErrLocked = errors.New("data directory in use by another smspark")
	// ErrNoStore means the data directory holds no store file.
	ErrNoStore = errors.New("no store")
	// ErrNotStore means the file is a valid bbolt file that is not smspark's.
	ErrNotStore = errors.New("not an smspark store")
	// ErrCorrupt means the file is not a bbolt file, or its contents are not
	// what smspark wrote (undecodable records, missing buckets).
	ErrCorrupt = errors.New("store file is corrupt")
	// ErrNewerSchema means the file was written by a newer smspark.
	ErrNewerSchema = errors.New("store written by a newer smspark")
	// ErrNotFound means the record asked for does not exist (the domain's
	// sessions.ErrNotFound).
	ErrNotFound = sessions.ErrNotFound
	// ErrClosed means the DB was used after Close.
	ErrClosed = errors.New("store closed")
	// ErrInvalidChange means a change holds a record the store cannot key
	// (an empty plate, number or account ID).
	ErrInvalidChange = errors.New("invalid change")
)

// DB is smspark's store: one bbolt file. Its methods are safe for
// concurrent use; writes are serialised by bbolt.
type DB struct {
	bolt    *bolt.DB
	path    string
	version int
	created bool

	group *groupCommit

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

// The store must satisfy what the engine needs of it.
var _ interface {
	Load(context.Context) (sessions.State, error)
	Commit(context.Context, []sessions.Change) error
} = (*DB)(nil)

// Options configure Open.
type Options struct {
	// Timeout is how long to wait for the file lock; zero or negative means
	// DefaultTimeout (never wait forever).
	Timeout time.Duration
	// NoSync skips fsync on commit. For tests only: a crash loses data.
	NoSync bool
	// Create makes a new store where the directory holds no smspark.db
	// (creating the directory). Only the engine (serve, demo) sets it: a
	// command run on a mistyped directory must not make an empty store.
	Create bool
	// OnCommit, if set, is told of every transaction Commit writes (from
	// the writing goroutine; it must not block).
	OnCommit func(CommitStats)
}

// Open opens DIR/smspark.db and migrates a file of an older schema in one
// transaction. With Options.Create it makes a new store where no file
// exists (DB.Created then reports true); never over an existing file, not
// even an empty one (a failed copy or restore).
//
// It never writes to a file it has not verified: an existing file is first
// opened read-only and its structure checked page by page (see Check for
// the records), so a damaged file is refused before bbolt, which trusts
// the page references it reads, could crash on it.
//
// Returns ErrNoStore when there is no file and Options.Create is false,
// ErrLocked when another process holds the file (after Options.Timeout),
// ErrCorrupt when the file is empty, truncated, damaged or not a bbolt file,
// ErrNotStore when it is a bbolt file of another application, and
// ErrNewerSchema when it was written by a newer smspark; other errors (such
// as permissions) are returned wrapped. Every error names the file.
func Open(dir string, opts Options) (*DB, error) {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	path := filepath.Join(dir, FileName)
	created := false
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist) && !opts.Create:
		return nil, fmt.Errorf("store: %w: %s does not exist (only serve creates a store)", ErrNoStore, path)
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store: create data directory: %w", err)
		}
		created = true
	case err != nil:
		return nil, fmt.Errorf("store: %w", err)
	case !info.Mode().IsRegular():
		return nil, fmt.Errorf("store: %s: %w: not a regular file", path, ErrCorrupt)
	case info.Size() == 0:
		return nil, fmt.Errorf("store: %s: %w: the file is empty (0 bytes; a failed copy or restore?); "+
			"restore a backup, or remove the file to start a new store", path, ErrCorrupt)
	default:
		// Inspect read-only before bbolt's read-write open may write.
		if _, err := inspect(path, timeout); err != nil {
			return nil, err
		}
	}

	flags := os.O_RDWR
	if created {
		flags |= os.O_CREATE | os.O_EXCL // never over a file made meanwhile
	}
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, NoSync: opts.NoSync, OpenFile: openFile(flags)})
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, openErr(err))
	}
	db := &DB{bolt: bdb, path: path, created: created}
	db.group = newGroupCommit(db.write, opts.OnCommit)
	if db.version, err = prepare(bdb); err != nil {
		_ = bdb.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return db, nil
}

// Exists returns nil when dir holds a store file, else ErrNoStore (or the
// error of looking) naming the file. For commands that need the engine's
// data directory without opening the store.
func Exists(dir string) error {
	path := filepath.Join(dir, FileName)
	_, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("store: %w: %s does not exist", ErrNoStore, path)
	}
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// openFile opens bbolt's file with flags in place of the ones it asks for.
func openFile(flags int) func(string, int, os.FileMode) (*os.File, error) {
	return func(name string, _ int, mode os.FileMode) (*os.File, error) {
		return os.OpenFile(name, flags, mode)
	}
}

// inspect opens path read-only (shared lock), verifies its structure and
// classifies it.
func inspect(path string, timeout time.Duration) (int, error) {
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: true})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return 0, fmt.Errorf("store: open %s: %w", path, openErr(err))
		}
		if verr := verifyFile(path); verr != nil {
			return 0, fmt.Errorf("store: %s: %w", path, verr)
		}
		return 0, fmt.Errorf("store: open %s: %w", path, openErr(err))
	}
	defer func() { _ = bdb.Close() }()
	// The shared lock keeps writers out while the file is read.
	if err := verifyFile(path); err != nil {
		return 0, fmt.Errorf("store: %s: %w", path, err)
	}
	var version int
	err = safeView(bdb, func(tx *bolt.Tx) error {
		var err error
		version, err = classify(tx)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: open %s: %w", path, err)
	}
	return version, nil
}

// safeView runs fn in a read transaction and turns a panic of bbolt on a
// damaged file into ErrCorrupt.
func safeView(bdb *bolt.DB, fn func(*bolt.Tx) error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrCorrupt, r)
		}
	}()
	return bdb.View(fn)
}

// openErr maps bbolt's open errors to the package's sentinels.
func openErr(err error) error {
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return fmt.Errorf("%w: %w", ErrLocked, err)
	case errors.Is(err, berrors.ErrInvalid),
		errors.Is(err, berrors.ErrVersionMismatch),
		errors.Is(err, berrors.ErrChecksum),
		errors.Is(err, berrors.ErrInvalidMapping):
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return err
}

// txErr maps bbolt's transaction errors to the package's sentinels.
func txErr(err error) error {
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return fmt.Errorf("%w: %w", ErrClosed, err)
	}
	return err
}

// Close closes the file and releases its lock. It is safe to call twice;
// the second call returns the first call's result.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		db.closed.Store(true)
		if err := db.bolt.Close(); err != nil {
			db.closeErr = fmt.Errorf("store: close: %w", err)
		}
	})
	return db.closeErr
}

// Created reports whether Open made a new store.
func (db *DB) Created() bool { return db.created }

// Path returns the path of the store's file.
func (db *DB) Path() string { return db.path }

// SchemaVersion returns the file's schema version: CurrentSchema once Open
// has migrated it.
func (db *DB) SchemaVersion() int { return db.version }

// view runs fn in a read transaction with the store's buckets. Returns the
// context's error, ErrClosed, ErrCorrupt for a missing bucket, or fn's error;
// all wrapped with op.
func (db *DB) view(ctx context.Context, op string, fn func(*buckets) error) error {
	if err := db.usable(ctx); err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b, err := openBuckets(tx)
		if err != nil {
			return err
		}
		return fn(b)
	})
	if err != nil {
		return fmt.Errorf("store: %s: %w", op, txErr(err))
	}
	return nil
}

// usable reports why the DB cannot be used now: the context's error or
// ErrClosed.
func (db *DB) usable(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if db.closed.Load() {
		return ErrClosed
	}
	return nil
}
