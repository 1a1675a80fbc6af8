package main

import (
	"context"

	"smspark/apikeys"
	"smspark/config"
	"smspark/sessions"
)

// backend is what an admin command works on, in domain types: a stopped
// engine's store (localBackend) or a running engine's admin endpoint
// (*adminClient). Commands are written once over it; --data, --database
// or --server chooses the implementation (target.backend).
type backend interface {
	// CreateKey makes an API key; the returned record holds the key,
	// shown once.
	CreateKey(ctx context.Context, role, city, label string) (apikeys.Listed, error)
	Keys(ctx context.Context) ([]apikeys.Listed, error)
	RevokeKey(ctx context.Context, id string) (apikeys.Listed, error)

	CreateAccount(ctx context.Context, pkg sessions.Package, numbers []string) (sessions.Account, error)
	Account(ctx context.Context, id string) (sessions.Account, error)
	AddNumber(ctx context.Context, id, number string) (sessions.Account, error)
	RemoveNumber(ctx context.Context, id, number string) (sessions.Account, error)
	SetPackage(ctx context.Context, id string, pkg sessions.Package) (sessions.Account, error)

	Sessions(ctx context.Context, f sessions.SessionFilter) ([]sessions.Session, error)
	Session(ctx context.Context, id uint64) (sessions.Session, error)
	// StopSession ends a running session, by id or else by plate, end
	// reason admin.
	StopSession(ctx context.Context, id uint64, plate string) (sessions.Session, error)

	// GrantReduced grants a city's reduced tariff; RevokeGrant ends it.
	GrantReduced(ctx context.Context, g sessions.Grant) (sessions.Grant, error)
	RevokeGrant(ctx context.Context, id string) (sessions.Grant, error)
	Grants(ctx context.Context, city string) ([]sessions.Grant, error)

	// Close releases the backend (the local store).
	Close() error
}

// backend returns the implementation the command line chose, for the
// configuration cfg (the local store's city names and time zone).
func (t *target) backend(cfg *config.Config) backend {
	if t.remote() {
		return t.client()
	}
	return &localBackend{t: t, cfg: cfg}
}

// localBackend works on the store of a stopped engine (--data or
// --database), recording each change in the audit trail as the local
// actor. The store is opened on first use, so a command refuses bad
// arguments before touching it.
type localBackend struct {
	t   *target
	cfg *config.Config
	db  appStore
}

// store opens the store once.
func (l *localBackend) store() (appStore, error) {
	if l.db == nil {
		db, err := l.t.localStore()
		if err != nil {
			return nil, err
		}
		l.db = db
	}
	return l.db, nil
}

func (l *localBackend) Close() error {
	if l.db == nil {
		return nil
	}
	err := l.db.Close()
	l.db = nil
	return err
}
