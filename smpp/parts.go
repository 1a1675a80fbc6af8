package smpp

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// DefaultPartMaxAge is how long the parts of an incomplete concatenated
// MO are kept when ClientOptions.PartMaxAge is zero.
const DefaultPartMaxAge = 10 * time.Minute

// errPartBusy: the part completes a message that is being handled right
// now (a redelivery raced the first delivery); the SMSC is asked to
// deliver it again later.
var errPartBusy = errors.New("smpp: message of this part is being handled")

// partKey identifies the parts of one concatenated MO, as
// PartStore.DeleteParts does.
type partKey struct {
	smsc, from string
	ref        uint16
	total      int
}

func keyOf(p Part) partKey { return partKey{p.SMSC, p.From, p.Ref, p.Total} }

// partSet is what is known of one concatenated MO.
type partSet struct {
	parts map[int]Part // saved parts, by Seq
	// completing is the Seq of the part whose arrival completed the set
	// while the message is being handled (that part is not saved: its
	// deliver_sm is acked only when the whole MO is handled), -1 when the
	// set was completed by saved parts only, 0 when none.
	completing int
}

// assembler reassembles concatenated MOs. Every part but the one that
// completes its message is saved in the PartStore before it is acked; the
// completing part is acked only once the whole message is handled, and
// then the parts are deleted. With no PartStore the parts are kept in
// memory only: acked parts of an incomplete message are lost if the
// process stops.
type assembler struct {
	store  PartStore // nil: memory only
	maxAge time.Duration

	mu   sync.Mutex
	sets map[partKey]*partSet
}

func newAssembler(store PartStore, maxAge time.Duration) *assembler {
	return &assembler{store: store, maxAge: maxAge, sets: make(map[partKey]*partSet)}
}

// set returns the set of k, creating it. a.mu must be held.
func (a *assembler) set(k partKey) *partSet {
	s, ok := a.sets[k]
	if !ok {
		s = &partSet{parts: make(map[int]Part)}
		a.sets[k] = s
	}
	return s
}

// add takes one part. A part already saved is a harmless duplicate (nil).
// The part that completes its message is not saved: handle is called with
// every part in order, and its error is returned (the part is then
// answered with an error and redelivered). It returns the PartStore's
// error when the part cannot be saved, and errPartBusy for a redelivery
// of a completing part while its message is being handled.
func (a *assembler) add(ctx context.Context, p Part, handle func(context.Context, []Part) error) error {
	k := keyOf(p)
	a.mu.Lock()
	s := a.set(k)
	_, have := s.parts[p.Seq]
	switch {
	case s.completing == p.Seq:
		a.mu.Unlock()
		return errPartBusy
	case have && s.completing == 0 && len(s.parts) == p.Total:
		s.completing = -1
		return a.complete(ctx, k, s, handle) // unlocks
	case have:
		a.mu.Unlock()
		return nil
	case s.completing == 0 && len(s.parts) == p.Total-1:
		s.completing = p.Seq
		s.parts[p.Seq] = p
		return a.complete(ctx, k, s, handle) // unlocks
	}
	a.mu.Unlock()

	if a.store != nil {
		if err := a.store.SavePart(ctx, p); err != nil {
			return fmt.Errorf("smpp: saving part %d/%d: %w", p.Seq, p.Total, err)
		}
	}

	a.mu.Lock()
	s = a.set(k)
	if _, have := s.parts[p.Seq]; have {
		a.mu.Unlock()
		return nil
	}
	s.parts[p.Seq] = p
	if s.completing == 0 && len(s.parts) == p.Total {
		// Parts saved concurrently completed the set.
		s.completing = -1
		return a.complete(ctx, k, s, handle) // unlocks
	}
	a.mu.Unlock()
	return nil
}

// complete hands the complete set s to handle, with a.mu held on entry
// and released on return. On success the set is forgotten and its parts
// deleted from the store; on failure the completing part (not saved) is
// dropped from the set and the saved ones stay.
func (a *assembler) complete(ctx context.Context, k partKey, s *partSet, handle func(context.Context, []Part) error) error {
	parts := make([]Part, 0, len(s.parts))
	for _, p := range s.parts {
		parts = append(parts, p)
	}
	a.mu.Unlock()
	slices.SortFunc(parts, func(x, y Part) int { return x.Seq - y.Seq })

	err := handle(ctx, parts)

	a.mu.Lock()
	if err != nil {
		if s.completing > 0 {
			delete(s.parts, s.completing)
		}
		s.completing = 0
		a.mu.Unlock()
		return err
	}
	if a.sets[k] == s {
		delete(a.sets, k)
	}
	a.mu.Unlock()
	if a.store != nil {
		if derr := a.store.DeleteParts(ctx, k.smsc, k.from, k.ref, k.total); derr != nil {
			// The MO is handled; its parts come back at the next start,
			// are handled again and recognised by MO.Key.
			return &deleteError{err: derr}
		}
	}
	return nil
}

// deleteError is a failure to delete the parts of a handled message: the
// message itself was handled, so its deliver_sm is acked.
type deleteError struct{ err error }

func (e *deleteError) Error() string { return "smpp: deleting parts: " + e.err.Error() }
func (e *deleteError) Unwrap() error { return e.err }

// load takes the parts saved before a start; sweep then finds what to do
// with them.
func (a *assembler) load(parts []Part) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, p := range parts {
		if p.Total < 1 || p.Seq < 1 || p.Seq > p.Total {
			continue
		}
		a.set(keyOf(p)).parts[p.Seq] = p
	}
}

// sweep returns the keys of the complete sets that are not being handled
// (a handling failed, or they were loaded so: hand them to finish) and
// forgets the incomplete sets whose oldest part is older than the maximum
// age at now, returning their keys (for the caller to delete from the
// store). A complete set never expires: its parts were acked, so it is
// the only copy of its MO.
func (a *assembler) sweep(now time.Time) (ready, expired []partKey) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for k, s := range a.sets {
		if s.completing != 0 {
			continue
		}
		if len(s.parts) == k.total {
			ready = append(ready, k)
			continue
		}
		oldest := now
		for _, p := range s.parts {
			if p.Received.Before(oldest) {
				oldest = p.Received
			}
		}
		if len(s.parts) == 0 || now.Sub(oldest) > a.maxAge {
			delete(a.sets, k)
			if len(s.parts) > 0 {
				expired = append(expired, k)
			}
		}
	}
	return ready, expired
}

// finish hands the set of k to handle if it is complete and not being
// handled; it returns handle's error (nil when there was nothing to do).
func (a *assembler) finish(ctx context.Context, k partKey, handle func(context.Context, []Part) error) error {
	a.mu.Lock()
	s, ok := a.sets[k]
	if !ok || s.completing != 0 || len(s.parts) != k.total {
		a.mu.Unlock()
		return nil
	}
	s.completing = -1
	return a.complete(ctx, k, s, handle) // unlocks
}

// pendingSets returns how many messages have parts kept.
func (a *assembler) pendingSets() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.sets)
}

// joinParts returns the text of the parts, in order.
func joinParts(parts []Part) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.Text)
	}
	return b.String()
}
