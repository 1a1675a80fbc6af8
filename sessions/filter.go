package sessions

import (
	"errors"
	"time"
)

// ErrNotFound is what every store returns, wrapped, for a record it does
// not hold (a session, a key, a stored response).
var ErrNotFound = errors.New("not found")

// SessionFilter selects sessions from a store; zero fields select
// everything. Every store implements it the same way: Match says which
// sessions it selects.
type SessionFilter struct {
	Number  string // E.164
	Plate   string
	Zone    string
	Account string
	// Running selects only running sessions (read through the running
	// index).
	Running bool
	// From and To select sessions that ended in [From, To); a zero bound is
	// open. Setting either excludes running sessions.
	From, To time.Time
	// Limit caps how many sessions are returned (the lowest IDs); 0 means
	// no cap.
	Limit int
}

// Match reports whether the filter selects s (Limit aside).
func (f SessionFilter) Match(s Session) bool {
	switch {
	case f.Number != "" && s.Number != f.Number,
		f.Plate != "" && s.Plate != f.Plate,
		f.Zone != "" && s.Zone != f.Zone,
		f.Account != "" && s.Account != f.Account,
		f.Running && !s.Running():
		return false
	}
	if !f.From.IsZero() || !f.To.IsZero() {
		if s.Running() ||
			(!f.From.IsZero() && s.End.Before(f.From)) ||
			(!f.To.IsZero() && !s.End.Before(f.To)) {
			return false
		}
	}
	return true
}

// MessageFilter selects outbox messages from a store; zero fields select
// everything.
type MessageFilter struct {
	To     string // E.164
	Status string // queued, sent, delivered, failed, dry_run
	// Limit caps how many messages are returned (the lowest IDs); 0 means
	// no cap.
	Limit int
}

// Match reports whether the filter selects m (Limit aside).
func (f MessageFilter) Match(m Message) bool {
	return (f.To == "" || m.To == f.To) && (f.Status == "" || m.Status == f.Status)
}
