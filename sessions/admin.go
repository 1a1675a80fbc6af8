package sessions

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrNoSuchSession is returned when no running session matches.
var ErrNoSuchSession = errors.New("no such running session")

// AdminStop ends a running session for the operator (end reason admin),
// found by its ID or, when id is 0, by its plate. The motorist gets the
// usual stopped SMS (unless confirmations are off). Returns the ended
// session, ErrNoSuchSession, or an ErrStore failure.
func (e *Engine) AdminStop(ctx context.Context, id uint64, plate string) (Session, error) {
	var ended Session
	err := e.transact(ctx, newTxn(e.opts.Clock.Now()), func(t *txn) error {
		if id == 0 {
			id = e.byPlate[plate]
		}
		s, ok := e.running[id]
		if !ok {
			return fmt.Errorf("%w: id %d plate %q", ErrNoSuchSession, id, plate)
		}
		ended = e.end(t, s, t.now, EndAdmin)
		st := e.settingsAfter(t, ended.Number)
		t.lang = e.language(st, ended.City)
		t.notice = Notice{Outcome: Stopped, Plate: ended.Plate, Zone: ended.Zone, ZoneName: e.zones[ended.Zone].Name,
			Start: ended.Start, End: ended.End, CostCents: ended.CostCents, Free: ended.Free}
		e.replyTo(t, ended.Number, ended.Operator, st)
		return nil
	})
	if err != nil {
		return Session{}, err
	}
	return ended, nil
}

// Running returns the running sessions that match: by number, plate or
// zone ("" matches all), at most limit (0: all).
func (e *Engine) Running(number, plate, zone string, limit int) []Session {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Session
	for _, s := range e.running {
		if (number == "" || s.Number == number) && (plate == "" || s.Plate == plate) && (zone == "" || s.Zone == zone) {
			out = append(out, *s)
			if limit > 0 && len(out) >= limit {
				break
			}
		}
	}
	return out
}

// CostSoFar is what a running session costs if it ends at at: the amount
// a status reply gives.
func (e *Engine) CostSoFar(s Session, at time.Time) int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.cost(s, at)
}
