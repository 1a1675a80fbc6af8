package sessions

import (
	"time"

	"smspark/tariffs"
)

// Permits tells whether a plate holds a valid parking permit for a zone.
type Permits interface {
	// Permit returns the permit that makes plate valid in zone at at.
	Permit(plate, zone string, at time.Time) (PermitInfo, bool)
}

// PermitInfo is what the engine and wardens see of a permit.
type PermitInfo struct {
	ID    string
	Type  string
	Plate string
	Zones []string
	From  time.Time
	Until time.Time
}

// convertToDayTicket turns a running session into the day ticket of its
// zone: its time so far is included, it ends with the day's charging time
// and costs the day price in all.
func (e *Engine) convertToDayTicket(t *txn, s *Session, z tariffs.Zone, dayEnd time.Time) {
	s.DayTicket, s.DayPriceCents, s.Until, s.Reminded = true, z.Tariff.DayPrice, dayEnd, false
	e.schedule(s)
	t.change.Sessions = append(t.change.Sessions, *s)
	t.reply.Sessions = append(t.reply.Sessions, *s)
	t.notice = Notice{Outcome: DayTicketStarted, Plate: s.Plate, Zone: z.Code, ZoneName: z.Name,
		Start: s.Start, End: s.Until, CostCents: e.cost(*s, s.Until), Free: s.Free}
}

// grantFor finds the reduced-tariff grant that covers a start. Callers
// hold mu.
func (e *Engine) grantFor(city, number, account string, at time.Time) (Grant, bool) {
	for _, g := range e.grants {
		if g.Covers(city, number, account, at) {
			return g, true
		}
	}
	return Grant{}, false
}
