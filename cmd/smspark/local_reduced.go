package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"smspark/audit"
	"smspark/sessions"
	"smspark/store"
)

// withEngine runs f on an engine opened on the stopped store (the engine
// makes the change as the running one would); the caller records it.
func (l *localBackend) withEngine(ctx context.Context, f func(*sessions.Engine, appStore) error) error {
	dataDir := *l.t.data
	eng, db, err := openEngine(ctx, l.cfg, dataDir, systemClock{}, false)
	if errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("%w: an engine runs on %s: ask it with --server", err, dataDir)
	}
	if err != nil {
		return err
	}
	defer db.Close()
	return f(eng, db)
}

func (l *localBackend) GrantReduced(ctx context.Context, g sessions.Grant) (sessions.Grant, error) {
	var gr sessions.Grant
	err := l.withEngine(ctx, func(e *sessions.Engine, db appStore) error {
		var err error
		if gr, err = e.GrantReduced(ctx, g); err != nil {
			return err
		}
		return recordLocal(ctx, db, audit.ReducedGrant, gr.ID, fmt.Sprintf("%s, %s to %s, by %s: %s", gr.City,
			gr.From.Format(time.DateOnly), gr.To.AddDate(0, 0, -1).Format(time.DateOnly), gr.GrantedBy, gr.Reason))
	})
	return gr, err
}

func (l *localBackend) RevokeGrant(ctx context.Context, id string) (sessions.Grant, error) {
	var gr sessions.Grant
	err := l.withEngine(ctx, func(e *sessions.Engine, db appStore) error {
		var err error
		if gr, err = e.RevokeGrant(ctx, id); err != nil {
			return err
		}
		return recordLocal(ctx, db, audit.ReducedRevoke, gr.ID, gr.City)
	})
	return gr, err
}

func (l *localBackend) Grants(ctx context.Context, city string) ([]sessions.Grant, error) {
	var gs []sessions.Grant
	err := l.withEngine(ctx, func(e *sessions.Engine, _ appStore) error {
		gs = e.Grants(city)
		return nil
	})
	return gs, err
}
