package sessions

import (
	"time"
)

// RecentWindow is how long a warden still sees a session after it ended.
const RecentWindow = 15 * time.Minute

// Validity is what a traffic warden learns of a plate in a zone.
type Validity struct {
	Plate string
	Zone  string
	At    time.Time
	// Valid is set when a session of the plate in the zone covers At.
	Valid bool
	// Session is that session (running), with its start and latest end.
	Session *Session
	// Recent are the plate's sessions, in any zone, that ended within
	// RecentWindow before At: a motorist who stopped a moment ago.
	Recent []Session
	// Permit is set when a permit makes the plate valid in the zone.
	Permit *PermitInfo
}

// Check tells whether plate (normalised) may park in zone at time at: a
// running session of the plate in that zone covers it. It reads memory
// only, so wardens' lookups cost no I/O.
func (e *Engine) Check(plate, zone string, at time.Time) Validity {
	v := Validity{Plate: plate, Zone: zone, At: at}
	if e.opts.Permits != nil {
		if p, ok := e.opts.Permits.Permit(plate, zone, at); ok {
			v.Valid, v.Permit = true, &p
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.forgetRecent(e.opts.Clock.Now())
	if id, ok := e.byPlate[plate]; ok {
		s := *e.running[id]
		if s.Zone == zone && !at.Before(s.Start) && at.Before(s.Until) {
			v.Valid, v.Session = true, &s
		}
	}
	for _, s := range e.recent[plate] {
		if !s.End.After(at) && at.Sub(s.End) <= RecentWindow {
			v.Recent = append(v.Recent, s)
		}
		if s.Zone == zone && !at.Before(s.Start) && at.Before(s.End) && !v.Valid {
			v.Valid, v.Session = true, &s
		}
	}
	return v
}

// forgetRecent drops ended sessions older than RecentWindow. Callers hold mu.
func (e *Engine) forgetRecent(now time.Time) {
	cut := now.Add(-RecentWindow)
	i := 0
	for i < len(e.recentFIFO) && e.recentFIFO[i].at.Before(cut) {
		plate := e.recentFIFO[i].key
		list := e.recent[plate]
		j := 0
		for j < len(list) && list[j].End.Before(cut) {
			j++
		}
		if j == len(list) {
			delete(e.recent, plate)
		} else {
			e.recent[plate] = list[j:]
		}
		i++
	}
	if i > 0 {
		e.recentFIFO = append(e.recentFIFO[:0], e.recentFIFO[i:]...)
	}
}

// PasswordHash returns the hash of the number's last PASS password, "" if
// it never asked for one.
func (e *Engine) PasswordHash(number string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if s, ok := e.settings[number]; ok {
		return s.PasswordHash
	}
	return ""
}

// AccountOf returns the account a number belongs to.
func (e *Engine) AccountOf(number string) (Account, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, ok := e.accounts[e.numberOf[number]]
	if !ok {
		return Account{}, false
	}
	return cloneAccount(*a), true
}

// RunningByCity returns how many sessions run in each city.
func (e *Engine) RunningByCity() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[string]int, len(e.runningByCity))
	for c, n := range e.runningByCity {
		out[c] = n
	}
	return out
}
