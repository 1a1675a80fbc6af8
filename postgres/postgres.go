// Package postgres is smspark's store on PostgreSQL: the same records and
// the same contract as the bbolt store (package store), shared by several
// engines on several machines. The invariants live in the database as
// constraints (a plate's one running session, a number's one account,
// unique voucher codes), and the schema is migrated by goose from the SQL
// embedded in the binary.
//
// Every write is one transaction; Commit, the engine's group commit, puts
// a whole batch of commands in one transaction and so one WAL flush. The
// server's synchronous_commit is left on: when Commit returns, the batch
// is durable, and only then does the engine ack its MOs.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

var (
	// ErrNotFound means the record asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrClosed means the DB was used after Close.
	ErrClosed = errors.New("store closed")
	// ErrInvalidChange means a change holds a record the store cannot key
	// (an empty plate, number or ID) or breaks an invariant (two running
	// sessions of a plate, a number in two accounts).
	ErrInvalidChange = errors.New("invalid change")
	// ErrCorrupt means a stored record is undecodable.
	ErrCorrupt = errors.New("stored record is corrupt")
)

// Options tune Open.
type Options struct {
	// MaxConns caps the pool (default: pgxpool's, 4 or the CPUs).
	MaxConns int32
	// OnCommit, if set, is told of every transaction Commit writes (from
	// the writing goroutine; it must not block).
	OnCommit func(CommitStats)
	// NoMigrate opens a database whose schema is expected up to date, and
	// fails if it is not (a node that must not change the schema).
	NoMigrate bool
}

// DB is smspark's store in one PostgreSQL database. Its methods are safe
// for concurrent use.
type DB struct {
	pool    *pgxpool.Pool
	version int64
	closed  atomic.Bool
	epoch   atomic.Int64 // the fencing epoch (lease.go); 0: unfenced
	group   *groupCommit
	// life is the group commit's context, cancelled by Close.
	life context.Context
	stop context.CancelFunc
}

// Open connects to the database at url (a postgres:// URL or a libpq
// keyword string), migrates its schema up to this binary's (under an
// advisory lock, so that engines starting together migrate once) and
// checks it. Returns the driver's error for a bad URL or an unreachable
// server, or the migration's, wrapped.
func Open(ctx context.Context, url string, opts Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	db := &DB{pool: pool}
	db.life, db.stop = context.WithCancel(context.Background())
	db.group = newGroupCommit(db.writeCalls, opts.OnCommit)
	if err := db.migrate(ctx, opts.NoMigrate); err != nil {
		db.stop()
		pool.Close()
		return nil, err
	}
	return db, nil
}

// migrate brings the schema up to date, or checks it is when check only.
func (db *DB) migrate(ctx context.Context, checkOnly bool) error {
	sqlDB := stdlib.OpenDBFromPool(db.pool)
	defer sqlDB.Close()
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, sub, goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	if checkOnly {
		pending, err := p.HasPending(ctx)
		if err != nil {
			return fmt.Errorf("postgres: schema version: %w", err)
		}
		if pending {
			return fmt.Errorf("postgres: schema not up to date (run without NoMigrate once)")
		}
	} else if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	db.version, err = p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("postgres: schema version: %w", err)
	}
	return nil
}

// SchemaVersion returns the schema's migration version.
func (db *DB) SchemaVersion() int64 { return db.version }

// Close closes the pool, waiting for its connections; safe twice.
func (db *DB) Close() error {
	if db.closed.Swap(true) {
		return nil
	}
	db.stop()
	db.pool.Close()
	return nil
}

// Ping checks the server answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.usable(ctx); err != nil {
		return err
	}
	return db.pool.Ping(ctx)
}

func (db *DB) usable(ctx context.Context) error {
	if db.closed.Load() {
		return ErrClosed
	}
	return ctx.Err()
}

// write runs fn in one read-write transaction, committed if fn returns
// nil; a violated constraint becomes ErrInvalidChange.
func (db *DB) write(ctx context.Context, op string, fn func(pgx.Tx) error) error {
	if err := db.usable(ctx); err != nil {
		return fmt.Errorf("postgres: %s: %w", op, err)
	}
	err := pgx.BeginFunc(ctx, db.pool, fn)
	if err != nil {
		return fmt.Errorf("postgres: %s: %w", op, constraintErr(err))
	}
	return nil
}

// constraintErr wraps ErrInvalidChange around a violated constraint
// (unique, exclusion, check, foreign key).
func constraintErr(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code[:2] == "23" {
		return fmt.Errorf("%w: %s: %w", ErrInvalidChange, pgErr.ConstraintName, err)
	}
	return err
}

// isUnique reports whether err is a unique violation.
func isUnique(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// read runs fn in the pool (reads need no transaction of their own).
func (db *DB) read(ctx context.Context, op string, fn func(querier) error) error {
	if err := db.usable(ctx); err != nil {
		return fmt.Errorf("postgres: %s: %w", op, err)
	}
	if err := fn(db.pool); err != nil {
		return fmt.Errorf("postgres: %s: %w", op, err)
	}
	return nil
}
