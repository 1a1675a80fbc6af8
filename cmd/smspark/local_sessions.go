package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"smspark/audit"
	"smspark/sessions"
	"smspark/store"
)

func (l *localBackend) Sessions(ctx context.Context, f sessions.SessionFilter) ([]sessions.Session, error) {
	db, err := l.store()
	if err != nil {
		return nil, err
	}
	return db.Sessions(ctx, f)
}

func (l *localBackend) Session(ctx context.Context, id uint64) (sessions.Session, error) {
	db, err := l.store()
	if err != nil {
		return sessions.Session{}, err
	}
	return db.Session(ctx, id)
}

// StopSession ends a session with an engine opened on the stopped store
// (as the account changes do); the stopped SMS waits in its outbox.
func (l *localBackend) StopSession(ctx context.Context, id uint64, plate string) (sessions.Session, error) {
	dataDir := *l.t.data
	eng, db, err := openEngine(ctx, l.cfg, dataDir, systemClock{}, false)
	if errors.Is(err, store.ErrLocked) {
		return sessions.Session{}, fmt.Errorf("%w: an engine runs on %s: ask it with --server", err, dataDir)
	}
	if err != nil {
		return sessions.Session{}, err
	}
	defer db.Close()
	s, err := eng.AdminStop(ctx, id, plate)
	if err != nil {
		return s, err
	}
	return s, recordLocal(ctx, db, audit.SessionStop, strconv.FormatUint(s.ID, 10), "plate "+s.Plate+", zone "+s.Zone)
}
