package sessions

import (
	"container/heap"
	"context"
	"slices"
	"time"

	"smspark/parser"
	"smspark/tariffs"
)

// MO is an SMS from a motorist to 4411.
type MO struct {
	From     string // the sender as the network gave it
	Operator string // the operator whose SMSC delivered it
	Text     string
	// Received is when the engine received the MO; zero (or later than
	// the engine's clock) means the clock's time.
	Received time.Time
	// SMSCTime is when the SMSC says it received the MO, zero if unknown.
	// A start or stop held up in the network takes effect at this earlier
	// time when it is trustworthy (within Options.MaxNetworkDelay).
	SMSCTime time.Time
	// Key recognises a redelivery of the same MO (same SMSC, sender, text
	// and SMSC timestamp): it is processed once.
	Key string
	// SMSC is the SMSC that delivered the MO ("" for none).
	SMSC string
	// NotText says the SMS was not text (its data coding says binary,
	// compressed or reserved): it is not parsed and answers
	// unknown_command.
	NotText bool
	// AckPending records the MO in the journal as one whose ack the SMSC
	// may not have read, until the store is told otherwise.
	AckPending bool
	Channel    Channel // ChannelSMS when empty
	// Command, when set, is the command itself (from the web or the app):
	// Text is not parsed, and no SMS reply is queued.
	Command *parser.Command
}

// Reply is the engine's answer to one command.
type Reply struct {
	// Message is the reply SMS. When Suppressed (confirmations off) it is
	// not queued and its Source is empty.
	Message
	Suppressed bool
	// Sessions are those the command started, ended or reported, as they
	// are after it.
	Sessions []Session
	// Notices are other messages queued while handling the command:
	// reminders and expiries of sessions whose time the clock passed.
	Notices []Message
	// Duplicate is set for a redelivered MO: it was processed before and
	// nothing was done or queued now; Outcome is the first one's.
	Duplicate bool
}

// hand gives durable messages to the Sender, the credentials among them
// with their clear text.
func (e *Engine) hand(msgs, secrets []Message) {
	if e.opts.Sender == nil || e.opts.DryRun || len(msgs) == 0 {
		return
	}
	if len(secrets) > 0 {
		msgs = slices.Clone(msgs)
		for i := range msgs {
			for _, sec := range secrets {
				if msgs[i].ID == sec.ID {
					msgs[i].Clear = sec.Clear
				}
			}
		}
	}
	e.opts.Sender.Queued(msgs)
}

// Tick ends the sessions whose latest end the clock has passed and sends
// the reminders that are due; Run calls it when the next one is due. It
// returns once what it changed is durable (ErrStore otherwise).
func (e *Engine) Tick(ctx context.Context) error {
	return e.transact(ctx, newTxn(e.opts.Clock.Now()), func(*txn) error { return nil })
}

// Run ends sessions at their maximum and sends reminders on time, until
// ctx is done. It returns nil then, or the store's error.
func (e *Engine) Run(ctx context.Context) error {
	for {
		e.mu.Lock()
		wait := time.Minute
		if len(e.events) > 0 {
			wait = min(wait, max(e.events[0].at.Sub(e.opts.Clock.Now()), 0))
		}
		e.mu.Unlock()
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-e.wake:
			timer.Stop()
		case <-timer.C:
		}
		if err := e.Tick(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
}

// settingsAfter returns the number's settings as the command leaves them.
func (e *Engine) settingsAfter(t *txn, number string) Settings {
	for i := len(t.change.Settings) - 1; i >= 0; i-- {
		if t.change.Settings[i].Number == number {
			return t.change.Settings[i]
		}
	}
	return e.settingsOf(number)
}

// replyTo renders the command's notice and queues it, unless confirmations
// are off and it confirms a start or a stop. It applies the command's
// settings to memory.
// applySettings applies the command's settings to memory.
func (e *Engine) applySettings(t *txn) {
	for i := range t.change.Settings {
		s := t.change.Settings[i]
		e.settings[s.Number] = &s
	}
}

func (e *Engine) replyTo(t *txn, number, operator string, st Settings) {
	e.applySettings(t)
	n := t.notice
	suppress := st.ConfirmationsOff && (n.Outcome == Started || n.Outcome == Replaced ||
		n.Outcome == Stopped || n.Outcome == AlreadyStarted || n.Outcome == VoucherStarted ||
		n.Outcome == DayTicketStarted)
	m := Message{
		To:       number,
		Source:   n.Outcome.Source(),
		Operator: operator,
		Outcome:  n.Outcome,
		Text:     Render(t.lang, e.opts.Location, n),
		Created:  t.now,
		Secret:   n.Outcome == CredentialsSent,
	}
	if suppress {
		m.Source = ""
		t.reply.Suppressed = true
	} else {
		if m.Secret {
			// The store never holds the password: only the reply and the
			// message handed to the Sender carry it.
			m.Clear, m.Text = m.Text, Render(t.lang, e.opts.Location, redacted(n))
		}
		e.queueMessage(t, m)
		m = t.change.Messages[len(t.change.Messages)-1]
		if m.Secret {
			t.secrets = append(t.secrets, m)
			m.Text = m.Clear
		}
	}
	t.reply.Message = m
}

func redacted(n Notice) Notice {
	n.Password = "**********"
	return n
}

func (e *Engine) queueMessage(t *txn, m Message) {
	m.ID = e.newID()
	m.Status = StatusQueued
	if e.opts.DryRun {
		m.Status = StatusDryRun
	}
	t.change.Messages = append(t.change.Messages, m)
}

// expire ends the sessions whose latest end the clock has passed, as of
// that end, and sends the reminders that are due.
func (e *Engine) expire(t *txn, now time.Time) {
	for len(e.events) > 0 && !e.events[0].at.After(now) {
		ev := heap.Pop(&e.events).(event)
		s, ok := e.running[ev.id]
		if !ok {
			continue
		}
		if !s.Until.After(now) {
			reason := EndMaxDuration
			if s.Voucher != "" {
				reason = EndVoucher
			}
			ended := e.end(t, s, s.Until, reason)
			e.notify(t, ended, SessionExpired)
			continue
		}
		if !s.Reminded && !s.Until.After(ev.at.Add(reminderBefore)) {
			s.Reminded = true
			t.change.Sessions = append(t.change.Sessions, *s)
			e.notify(t, *s, SessionEnding)
		}
		heap.Push(&e.events, event{at: s.Until, id: s.ID})
	}
}

// notify queues a message the clock caused, unless confirmations are off.
func (e *Engine) notify(t *txn, s Session, o Outcome) {
	st := e.settingsOf(s.Number)
	if st.ConfirmationsOff {
		return
	}
	z := e.zones[s.Zone]
	n := Notice{Outcome: o, Plate: s.Plate, Zone: s.Zone, ZoneName: z.Name,
		Start: s.Start, End: s.Until, CostCents: s.CostCents, Free: s.Free}
	if !s.Running() {
		n.End = s.End
	}
	e.queueMessage(t, Message{To: s.Number, Source: o.Source(), Operator: s.Operator,
		Outcome: o, Text: Render(e.language(st, s.City), e.opts.Location, n), Created: t.now})
	t.reply.Notices = append(t.reply.Notices, t.change.Messages[len(t.change.Messages)-1])
}

// end ends a running session at the given time and returns it as ended.
func (e *Engine) end(t *txn, s *Session, at time.Time, reason EndReason) Session {
	ended := *s
	if at.Before(ended.Start) {
		at = ended.Start
	}
	ended.End, ended.EndReason = at, reason
	ended.CostCents = e.cost(ended, at)
	e.removeRunning(s)
	if ended.Account == "" && ended.CostCents > 0 {
		if op, ok := e.opts.Operators[ended.Operator]; ok && op.Billing {
			st := e.settingsAfter(t, ended.Number)
			month := e.monthKey(at)
			if st.Month != month {
				st.Month, st.MonthCents = month, 0
			}
			st.MonthCents += ended.CostCents
			t.change.Settings = append(t.change.Settings, st)
			e.settings[st.Number] = &st
		}
	}
	t.change.Sessions = append(t.change.Sessions, ended)
	e.recent[ended.Plate] = append(e.recent[ended.Plate], ended)
	e.recentFIFO = append(e.recentFIFO, seenKey{ended.End, ended.Plate})
	return ended
}

// cost is what the session costs if it ends at end: a reduced tariff's
// share of the normal cost, rounded once.
func (e *Engine) cost(s Session, end time.Time) int64 {
	if s.Free || s.Voucher != "" {
		return 0
	}
	percent := 100
	if s.ReducedPercent > 0 {
		percent = s.ReducedPercent
	}
	switch z, ok := e.zones[s.Zone]; {
	case s.DayTicket:
		return tariffs.RoundHalfUp(s.DayPriceCents*int64(percent), 100)
	case !ok:
		return s.CostCents
	default:
		if end.After(s.Until) {
			end = s.Until
		}
		return z.Tariff.CostPercent(s.Start, end, percent)
	}
}

func (e *Engine) line(s Session, now time.Time) SessionLine {
	end := s.End
	if s.Running() {
		end = now
	}
	return SessionLine{Plate: s.Plate, Zone: s.Zone, ZoneName: e.zones[s.Zone].Name,
		Start: s.Start, End: end, CostCents: e.cost(s, end)}
}

func (e *Engine) status(t *txn, number string, st Settings) {
	t.notice.Outcome = StatusReport
	for i, id := range e.byNumber[number] {
		s := *e.running[id]
		if i == 0 {
			t.lang = e.language(st, s.City)
		}
		s.CostCents = e.cost(s, t.now)
		t.notice.Sessions = append(t.notice.Sessions, e.line(s, t.now))
		t.reply.Sessions = append(t.reply.Sessions, s)
	}
}

// owns reports whether number may act on s: it started it, or s belongs
// to the number's account.
func (e *Engine) owns(number string, s *Session) bool {
	if s.Number == number {
		return true
	}
	acct := e.numberOf[number]
	return acct != "" && s.Account == acct
}

func (e *Engine) stop(t *txn, number string, st Settings, plate string, at time.Time) {
	var s *Session
	switch {
	case plate != "":
		if id, ok := e.byPlate[plate]; ok && e.owns(number, e.running[id]) {
			s = e.running[id]
		}
	default:
		ids := e.byNumber[number]
		if len(ids) > 1 {
			t.notice.Outcome = AmbiguousStop
			for _, id := range ids {
				t.notice.Sessions = append(t.notice.Sessions, e.line(*e.running[id], t.now))
			}
			return
		}
		if len(ids) == 1 {
			s = e.running[ids[0]]
		}
	}
	if s == nil {
		t.notice.Outcome = NoSession
		return
	}
	ended := e.end(t, s, at, EndStop)
	t.lang = e.language(st, ended.City)
	t.notice = Notice{Outcome: Stopped, Plate: ended.Plate, Zone: ended.Zone,
		ZoneName: e.zones[ended.Zone].Name, Start: ended.Start, End: ended.End,
		CostCents: ended.CostCents, Free: ended.Free}
	t.reply.Sessions = append(t.reply.Sessions, ended)
}
