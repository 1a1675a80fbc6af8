package permits

import (
	"slices"
	"sync"
	"time"
)

// index holds the paid permits not yet ended, by every plate they make
// or made valid, for lookups without I/O. Safe for concurrent use.
type index struct {
	mu      sync.RWMutex
	byID    map[string]Permit
	byPlate map[string][]string // plate -> permit IDs
}

func (ix *index) init() {
	ix.byID = map[string]Permit{}
	ix.byPlate = map[string][]string{}
}

// put replaces what the index holds of p.ID by p, if p is paid and ends
// after now, and drops the permits that ended by now.
func (ix *index) put(p Permit, now time.Time) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.remove(p.ID)
	if p.Status == StatusActive && p.Until.After(now) {
		p.Zones, p.Plates, p.Changes = slices.Clone(p.Zones), slices.Clone(p.Plates), slices.Clone(p.Changes)
		ix.byID[p.ID] = p
		for _, pl := range p.allPlates() {
			ix.byPlate[pl] = append(ix.byPlate[pl], p.ID)
		}
	}
	for id, q := range ix.byID {
		if !q.Until.After(now) {
			ix.remove(id)
		}
	}
}

// remove drops permit id. Callers hold mu.
func (ix *index) remove(id string) {
	p, ok := ix.byID[id]
	if !ok {
		return
	}
	delete(ix.byID, id)
	for _, pl := range p.allPlates() {
		ids := slices.DeleteFunc(ix.byPlate[pl], func(x string) bool { return x == id })
		if len(ids) == 0 {
			delete(ix.byPlate, pl)
		} else {
			ix.byPlate[pl] = ids
		}
	}
}

// lookup returns a permit valid for plate in zone at at; of several, the
// one whose ID sorts first.
func (ix *index) lookup(plate, zone string, at time.Time) (Permit, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var found Permit
	ok := false
	for _, id := range ix.byPlate[plate] {
		p := ix.byID[id]
		if p.Valid(plate, zone, at) && (!ok || p.ID < found.ID) {
			found, ok = p, true
		}
	}
	return found, ok
}

// size returns how many permits the index holds.
func (ix *index) size() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.byID)
}

// InForce returns how many paid permits not yet ended the Service's index
// holds (for metrics).
func (s *Service) InForce() int { return s.ix.size() }
