package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"smspark/audit"
	"smspark/daycards"
	"smspark/permits"
	"smspark/postgres"
	"smspark/sessions"
	"smspark/store"
	"smspark/vouchers"
)

// appStore is the store the engine and the commands work on: the bbolt
// store (package store, a file in a data directory) or the PostgreSQL one
// (package postgres), chosen by --database or the configuration's store.
type appStore interface {
	sessions.Store
	vouchers.Store
	permits.Store
	daycards.Store
	EndedSince(ctx context.Context, since time.Time) ([]sessions.Session, error)
	Session(ctx context.Context, id uint64) (sessions.Session, error)
	Sessions(ctx context.Context, f sessions.SessionFilter) ([]sessions.Session, error)
	Settings(ctx context.Context, number string) (sessions.Settings, error)
	Account(ctx context.Context, id string) (sessions.Account, error)
	AccountOf(ctx context.Context, number string) (sessions.Account, error)
	Messages(ctx context.Context, f sessions.MessageFilter) ([]sessions.Message, error)
	MessageBySMSCID(ctx context.Context, smsc, id string) (sessions.Message, error)
	UnackedMOs(ctx context.Context, since time.Time) ([]sessions.JournalEntry, error)
	ConfirmAcks(ctx context.Context, mos []sessions.JournalEntry) error
	PutPart(ctx context.Context, key, value []byte) error
	DeleteParts(ctx context.Context, prefix []byte) error
	Parts(ctx context.Context, f func(key, value []byte) error) error
	AppendAudit(ctx context.Context, e audit.Entry) error
	Audit(ctx context.Context, f audit.Filter) ([]audit.Entry, error)
	UseNonce(ctx context.Context, nonce string, at time.Time) (bool, error)
	Permits(ctx context.Context) ([]permits.Permit, error)
	PutAPIKey(ctx context.Context, k store.APIKey) error
	APIKeyByHash(ctx context.Context, hash string) (store.APIKey, error)
	APIKeys(ctx context.Context) ([]store.APIKey, error)
	RevokeAPIKey(ctx context.Context, id string) (store.APIKey, error)
	IdempotentResponse(ctx context.Context, scope, key string) (store.Idempotent, error)
	PutIdempotentResponse(ctx context.Context, scope, key string, r store.Idempotent) error
	PruneRequests(ctx context.Context, cutoff time.Time) (int, error)
	PruneEndedIndex(ctx context.Context, cutoff time.Time) (int, error)
	DeleteBefore(ctx context.Context, cutoff time.Time) (store.Pruned, error)
	// Backup writes a consistent copy of the store (bbolt only: a
	// PostgreSQL database is backed up by its own tools).
	Backup(ctx context.Context, w io.Writer) (int64, error)
	// Check reports the store's inconsistencies, nil when sound.
	Check(ctx context.Context) error
	// Path is the store's file ("" for PostgreSQL).
	Path() string
	Close() error
}

var (
	_ appStore = (*store.DB)(nil)
	_ appStore = pgStore{}
)

// isDatabaseURL reports whether where names a PostgreSQL database rather
// than a data directory.
func isDatabaseURL(where string) bool {
	return strings.HasPrefix(where, "postgres://") || strings.HasPrefix(where, "postgresql://")
}

// storeOptions are what the engine asks of a store it opens.
type storeOptions struct {
	create   bool // bbolt: make a new store where there is none
	onCommit func(store.CommitStats)
}

// openStore opens the store at where: a PostgreSQL URL, or a data
// directory holding a bbolt store.
func openStore(ctx context.Context, where string, o storeOptions) (appStore, error) {
	if !isDatabaseURL(where) {
		db, err := store.Open(where, store.Options{Create: o.create, OnCommit: o.onCommit})
		if err != nil {
			return nil, err
		}
		return db, nil
	}
	var onCommit func(postgres.CommitStats)
	if o.onCommit != nil {
		onCommit = func(s postgres.CommitStats) { o.onCommit(store.CommitStats(s)) }
	}
	db, err := postgres.Open(ctx, where, postgres.Options{OnCommit: onCommit})
	if err != nil {
		return nil, err
	}
	return pgStore{db}, nil
}

// isNotFound reports whether err is either store's ErrNotFound.
func isNotFound(err error) bool {
	return errors.Is(err, store.ErrNotFound) || errors.Is(err, postgres.ErrNotFound)
}

// pgStore is the PostgreSQL store as the engine and the commands use it.
type pgStore struct{ *postgres.DB }

func (p pgStore) DeleteBefore(ctx context.Context, cutoff time.Time) (store.Pruned, error) {
	r, err := p.DB.DeleteBefore(ctx, cutoff)
	return store.Pruned(r), err
}

// errNoBackup is a backup asked of a PostgreSQL store.
var errNoBackup = errors.New("the PostgreSQL store is backed up by PostgreSQL's tools (pg_dump, pg_basebackup), not by smspark")

func (pgStore) Backup(context.Context, io.Writer) (int64, error) { return 0, errNoBackup }

func (pgStore) Path() string { return "" }

// storeWhere is where a command's store is: --database when given, else
// the data directory. Both given is an error.
func storeWhere(dataDir, database string) (string, error) {
	switch {
	case database != "" && dataDir != "":
		return "", fmt.Errorf("--data and --database are mutually exclusive")
	case database != "":
		if !isDatabaseURL(database) {
			return "", fmt.Errorf("--database %q: want a postgres:// URL", database)
		}
		return database, nil
	}
	return dataDir, nil
}
