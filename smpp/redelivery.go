package smpp

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultRedeliveryWindow is SMSC.RedeliveryWindow when it is zero.
const DefaultRedeliveryWindow = 10 * time.Minute

// ErrDuplicate is what a Handler returns (wrapped) from HandleMO for an MO
// it applied before (an SMSC's own timestamp or id told it): the MO is
// acked, logged and counted as a redelivery.
var ErrDuplicate = errors.New("smpp: MO applied before")

// UnackedMO is an MO the Handler applied whose deliver_sm_resp the SMSC may
// not have read: its resp was not yet written, or was written on a bind
// that then died before the SMSC answered anything sent after it.
type UnackedMO struct {
	Key      string // MO.Key
	SMSC     string
	From     string
	Text     string
	Received time.Time
	SMSCTime time.Time // zero if the SMSC gave none
}

// AckLedger keeps the unacked MOs durable. A Handler whose HandleMO
// returns nil for an MO with AckPending set has recorded it so that
// Unacked returns it until Confirm forgets it; the engine's commit does
// this in the transaction that applies the MO.
type AckLedger interface {
	// Unacked returns the MOs received at or after since that were never
	// confirmed.
	Unacked(ctx context.Context, since time.Time) ([]UnackedMO, error)
	// Confirm forgets MOs whose resp the SMSC is known to have read.
	Confirm(ctx context.Context, mos []UnackedMO) error
}

// ackEntry is one unacked MO in memory. Its owner is the conn whose
// resp is (or was) the MO's ack, nil for one loaded at start; pos is where
// that resp went in the conn's output (0: not written).
type ackEntry struct {
	mo    UnackedMO
	owner *conn
	pos   atomic.Uint64
	// orphaned is when the entry became claimable (its owner's end, or
	// its receipt for one loaded at start).
	orphaned time.Time
}

// ledger holds the unacked MOs of every SMSC in memory, in the order they
// were received. A redelivery is claimed from it: the first entry of the
// same SMSC, sender and text (and SMSC time, when both have one) whose
// conn ended less than the SMSC's RedeliveryWindow ago.
type ledger struct {
	mu      sync.Mutex
	entries []*ackEntry
}

// load adds the MOs kept from before a start, claimable at once.
func (l *ledger) load(mos []UnackedMO) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, mo := range mos {
		l.entries = append(l.entries, &ackEntry{mo: mo, orphaned: mo.Received})
	}
}

// add records mo as acked on s, its resp not yet written.
func (l *ledger) add(s *conn, mo UnackedMO) *ackEntry {
	e := &ackEntry{mo: mo, owner: s}
	l.mu.Lock()
	l.entries = append(l.entries, e)
	l.mu.Unlock()
	return e
}

// claim takes the first entry that mo, arriving on s at now, redelivers,
// and makes s its owner; nil if none. Entries whose window passed are
// dropped on the way.
func (l *ledger) claim(s *conn, mo MO, window time.Duration, now time.Time) *ackEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	kept := l.entries[:0]
	var found *ackEntry
	for _, e := range l.entries {
		orphaned, free := e.claimable()
		if free && e.mo.SMSC == mo.SMSC && now.Sub(orphaned) > window {
			continue // too old to be redelivered: forgotten
		}
		kept = append(kept, e)
		if found == nil && free && e.matches(mo) {
			found = e
		}
	}
	clear(l.entries[len(kept):])
	l.entries = kept
	if found != nil {
		found.owner, found.orphaned = s, time.Time{}
		found.pos.Store(0)
	}
	return found
}

// claimable returns since when e may be claimed, and whether it may: its
// conn ended (or it has none).
func (e *ackEntry) claimable() (time.Time, bool) {
	if e.owner == nil {
		return e.orphaned, true
	}
	if end, ok := e.owner.endedAt(); ok {
		return end, true
	}
	return time.Time{}, false
}

// matches reports whether mo is a redelivery of e's MO.
func (e *ackEntry) matches(mo MO) bool {
	if e.mo.SMSC != mo.SMSC || e.mo.From != mo.From || e.mo.Text != mo.Text {
		return false
	}
	return e.mo.SMSCTime.IsZero() || mo.SMSCTime.IsZero() || e.mo.SMSCTime.Equal(mo.SMSCTime)
}

// confirm removes the entries of s whose resp was written before output
// position pos (the SMSC answered something written later) and returns
// their MOs, and whether entries of s remain to confirm.
func (l *ledger) confirm(s *conn, pos uint64) (done []UnackedMO, more bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	kept := l.entries[:0]
	for _, e := range l.entries {
		if e.owner == s {
			if p := e.pos.Load(); p != 0 && p < pos {
				done = append(done, e.mo)
				continue
			}
			more = true
		}
		kept = append(kept, e)
	}
	clear(l.entries[len(kept):])
	l.entries = kept
	return done, more
}

// size returns how many entries the ledger holds.
func (l *ledger) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}
