package sessions

import (
	"errors"
	"time"

	"smspark/parser"
	"smspark/tariffs"
)

// transactionCents is the transaction cost of a session per channel (§5).
func transactionCents(c Channel) int64 {
	if c == ChannelApp {
		return 25
	}
	return 0
}

// startReq is a start command as start's steps resolve it.
type startReq struct {
	mo     MO
	number string
	acct   string // the number's account; "" for Easy
	st     Settings
	plate  string
	zone   tariffs.Zone
	day    bool      // a day ticket
	dayEnd time.Time // when day: the end of today's charging
	at     time.Time
}

// start starts parking for cmd, a start or day ticket command of number,
// replacing the sessions it must; or it says in t.notice why it does not.
func (e *Engine) start(t *txn, mo MO, number string, st Settings, cmd parser.Command, perr error, at time.Time) {
	z, ok := e.zones[cmd.Zone]
	if !ok {
		t.notice.Outcome = UnknownZone
		t.notice.Zone = cmd.Zone
		return
	}
	t.lang = e.language(st, z.City)
	r := startReq{mo: mo, number: number, st: st, zone: z, at: at}
	if r.plate, ok = e.startPlate(t, st, cmd, perr, z, at); !ok {
		return
	}
	if r.day, r.dayEnd, ok = startDay(t, cmd, z, at); !ok {
		return
	}
	r.acct = e.numberOf[number]
	replaced, ok := e.replaces(t, r)
	if !ok {
		return
	}
	free := !st.Parked && e.cities[z.City].FirstUseFree
	if r.acct == "" && !free && !e.mayCharge(t, r) {
		return
	}
	var endedLine *SessionLine
	for _, s := range replaced {
		ended := e.end(t, s, at, EndReplaced)
		l := e.line(ended, t.now)
		endedLine = &l
		t.reply.Sessions = append(t.reply.Sessions, ended)
	}
	s := e.begin(t, r, free)
	t.notice = e.startedNotice(Started, *s, z)
	if endedLine != nil {
		t.notice.Outcome = Replaced
		t.notice.Ended = endedLine
	}
	if r.day {
		t.notice = Notice{Outcome: DayTicketStarted, Plate: r.plate, Zone: z.Code, ZoneName: z.Name,
			Start: s.Start, End: s.Until, CostCents: e.cost(*s, s.Until), Free: s.Free}
	}
}

// startPlate returns the plate a start command parks: its own, else the
// number's last one. It is false, with t.notice saying why, when the
// plate is invalid or missing, or holds a permit for the zone.
func (e *Engine) startPlate(t *txn, st Settings, cmd parser.Command, perr error, z tariffs.Zone, at time.Time) (string, bool) {
	if errors.Is(perr, parser.ErrInvalidPlate) {
		t.notice.Outcome = InvalidPlate
		return "", false
	}
	plate := cmd.Plate
	if plate == "" {
		plate = st.LastPlate
	}
	if plate == "" {
		t.notice.Outcome = NoPlate
		return "", false
	}
	if e.opts.Permits != nil {
		if _, ok := e.opts.Permits.Permit(plate, z.Code, at); ok {
			t.notice = Notice{Outcome: PermitHolder, Plate: plate, Zone: z.Code, ZoneName: z.Name}
			return "", false
		}
	}
	return plate, true
}

// startDay says whether cmd starts a day ticket, and until when. A day
// ticket with no charging left today is an ordinary (free) start; it is
// false, with t.notice saying why, in a zone that sells no day tickets.
func startDay(t *txn, cmd parser.Command, z tariffs.Zone, at time.Time) (day bool, end time.Time, ok bool) {
	if cmd.Kind != parser.DayTicket {
		return false, time.Time{}, true
	}
	if z.Tariff.DayPrice <= 0 {
		// The zone sells no day tickets: nothing is started.
		t.notice.Outcome = UnknownCommand
		return false, time.Time{}, false
	}
	end, charging := z.Tariff.DayEnd(at)
	return charging, end, true
}

// replaces returns the running sessions r ends: the plate's session in
// another zone, and for Easy the number's session of another plate. It is
// false when r is done already: the plate is another's (t.notice says
// so), its session in the zone became a day ticket, or it runs there
// already (t.notice and t.reply say so).
func (e *Engine) replaces(t *txn, r startReq) ([]*Session, bool) {
	z := r.zone
	var replaced []*Session
	if id, ok := e.byPlate[r.plate]; ok {
		s := e.running[id]
		if !e.owns(r.number, s) {
			t.notice.Outcome, t.notice.Plate = PlateTaken, r.plate
			return nil, false
		}
		if s.Zone == z.Code && r.day && !s.DayTicket && s.Voucher == "" {
			e.convertToDayTicket(t, s, z, r.dayEnd)
			return nil, false
		}
		if s.Zone == z.Code {
			t.notice = e.startedNotice(AlreadyStarted, *s, z)
			t.reply.Sessions = append(t.reply.Sessions, *s)
			return nil, false
		}
		replaced = append(replaced, s)
	}
	if r.acct == "" {
		// Easy: one session at a time.
		for _, id := range e.byNumber[r.number] {
			if s := e.running[id]; s.Plate != r.plate {
				replaced = append(replaced, s)
			}
		}
	}
	return replaced, true
}

// mayCharge reports whether an Easy session of r may be charged to the
// phone bill: its operator bills and the month's limit is not reached.
// When not, t.notice says why.
func (e *Engine) mayCharge(t *txn, r startReq) bool {
	op, billing := e.opts.Operators[r.mo.Operator]
	switch {
	case !billing || !op.Billing:
		t.notice.Outcome = RegistrationReq
		return false
	case r.st.Month == e.monthKey(r.at) && r.st.MonthCents >= op.MonthlyLimit:
		t.notice.Outcome = LimitReached
		return false
	}
	return true
}

// begin starts the session of r, with its reduced tariff if a grant
// applies, and records it and the number's settings in t.
func (e *Engine) begin(t *txn, r startReq, free bool) *Session {
	z := r.zone
	s := &Session{
		ID:               e.newID(),
		Account:          r.acct,
		Number:           r.number,
		Operator:         r.mo.Operator,
		Plate:            r.plate,
		Zone:             z.Code,
		City:             z.City,
		Channel:          r.mo.Channel,
		Start:            r.at,
		Until:            r.at.Add(z.Tariff.MaxDuration),
		TransactionCents: transactionCents(r.mo.Channel),
		Free:             free,
	}
	if g, ok := e.grantFor(z.City, r.number, r.acct, r.at); ok {
		s.ReducedPercent, s.Grant = g.Percent, g.ID
	}
	if r.day {
		s.DayTicket, s.DayPriceCents, s.Until = true, z.Tariff.DayPrice, r.dayEnd
	}
	e.addRunning(s)
	st := e.settingsAfter(t, r.number)
	st.Parked, st.LastPlate, st.LastZone = true, r.plate, z.Code
	t.change.Settings = append(t.change.Settings, st)
	t.change.Sessions = append(t.change.Sessions, *s)
	t.reply.Sessions = append(t.reply.Sessions, *s)
	return s
}

// startedNotice is the notice of s started (or running already) in z:
// its end, rate and, when it starts in free time, when charging begins.
func (e *Engine) startedNotice(o Outcome, s Session, z tariffs.Zone) Notice {
	n := Notice{Outcome: o, Plate: s.Plate, Zone: z.Code, ZoneName: z.Name,
		Start: s.Start, End: s.Until, RatePerHour: z.Tariff.RatePerHour, Free: s.Free}
	if !z.Tariff.Charging(s.Start) {
		if next, ok := z.Tariff.NextCharge(s.Start); ok && next.Before(s.Until) {
			n.FreeUntil = next
		}
	}
	return n
}
