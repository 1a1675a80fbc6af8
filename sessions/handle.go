package sessions

import (
	"context"
	"errors"
	"fmt"
	"time"

	"smspark/parser"
)

// input is an MO as read before the engine is locked: parsed, its number
// normalised, a new password hashed, a voucher read.
type input struct {
	mo       MO
	now      time.Time
	received time.Time // when the engine received it
	at       time.Time // when it takes effect
	cmd      parser.Command
	perr     error // parsing
	number   string
	nerr     error // normalising the sender
	password string
	hash     string
	voucher  *VoucherInfo // nil when unknown or not asked for
}

// Handle applies one MO and returns its reply once everything it changed,
// the reply included, is durable. It returns an error wrapping ErrStore
// when the store failed (nothing happened; the MO may be delivered again)
// and ctx.Err() when ctx is done before it started. A redelivered MO
// changes nothing; its reply's Notices may still hold the expiries the
// clock caused meanwhile.
func (e *Engine) Handle(ctx context.Context, mo MO) (Reply, error) {
	if err := ctx.Err(); err != nil {
		return Reply{}, err
	}
	in, err := e.prepare(ctx, mo)
	if err != nil {
		return Reply{}, err
	}
	t := newTxn(in.now)
	err = e.transact(ctx, t, func(t *txn) error {
		e.apply(t, in)
		return nil
	})
	if err != nil {
		return Reply{}, err
	}
	return t.reply, nil
}

// prepare does an MO's slow work and I/O before the engine is locked: the
// password hash and the voucher read.
func (e *Engine) prepare(ctx context.Context, mo MO) (input, error) {
	if mo.Channel == "" {
		mo.Channel = ChannelSMS
	}
	in := input{mo: mo, now: e.opts.Clock.Now()}
	in.received = mo.Received
	if in.received.IsZero() || in.received.After(in.now) {
		in.received = in.now
	}
	in.at = in.received
	if !mo.SMSCTime.IsZero() && mo.SMSCTime.Before(in.received) && in.received.Sub(mo.SMSCTime) <= e.opts.MaxNetworkDelay {
		in.at = mo.SMSCTime
	}
	switch {
	case mo.Command != nil:
		in.cmd = *mo.Command
	case mo.NotText:
		in.cmd = parser.Command{Kind: parser.Unknown}
	default:
		in.cmd, in.perr = e.parser.Parse(mo.Text)
	}
	in.number, in.nerr = e.opts.Numbers.Normalize(mo.From)
	if in.nerr != nil {
		return in, nil
	}
	switch {
	case in.cmd.Kind == parser.VoucherActivation && !errors.Is(in.perr, parser.ErrInvalidPlate):
		v, err := e.readVoucher(ctx, in.cmd.Voucher)
		if err != nil {
			return in, err
		}
		in.voucher = v
	case in.perr == nil && in.cmd.Kind == parser.Credentials:
		e.mu.Lock()
		limited := e.passLimited(e.settingsOf(in.number), in.now)
		e.mu.Unlock()
		if limited {
			return in, nil
		}
		var err error
		if in.password, err = newPassword(e.opts.Random); err != nil {
			return in, err
		}
		if in.hash, err = e.opts.Hasher.Hash(in.password); err != nil {
			return in, fmt.Errorf("sessions: hash password: %w", err)
		}
	}
	return in, nil
}

// apply applies a prepared MO to memory and t. Callers hold mu.
func (e *Engine) apply(t *txn, in input) {
	if o, dup := e.seen[in.mo.Key]; dup && in.mo.Key != "" {
		// A redelivery: answer the SMSC once the first is durable (it may
		// still be queued), and do nothing else.
		t.barrier = true
		t.reply = Reply{Message: Message{Outcome: o}, Duplicate: true, Notices: t.reply.Notices}
		return
	}
	number := in.number
	if in.nerr != nil {
		number = in.mo.From
	}
	e.dispatch(t, in, number)
	mo := in.mo
	if mo.Command != nil {
		// The web and the app answer in their own response, not by SMS.
		e.applySettings(t)
		t.reply.Message = Message{To: number, Outcome: t.notice.Outcome, Text: Render(t.lang, e.opts.Location, t.notice), Created: t.now}
		return
	}
	e.replyTo(t, number, mo.Operator, e.settingsAfter(t, number))
	key := mo.Key
	if key == "" {
		key = fmt.Sprintf("local|%d", e.newID())
	}
	e.remember(mo.Key, in.received, t.reply.Outcome)
	t.change.Journal = append(t.change.Journal, JournalEntry{Key: key, From: number, Operator: mo.Operator,
		SMSC: mo.SMSC, Sender: mo.From, AckPending: mo.AckPending, Text: mo.Text, Received: in.received, SMSCTime: mo.SMSCTime, At: in.at, Outcome: t.reply.Outcome, Reply: t.reply.ID})
}

// dispatch applies the MO's command. Callers hold mu.
func (e *Engine) dispatch(t *txn, in input, number string) {
	cmd, perr, mo, at := in.cmd, in.perr, in.mo, in.at
	st := e.settingsOf(number)
	t.lang = e.language(st, "")
	switch {
	case in.nerr != nil:
		t.notice.Outcome = UnsupportedNumber
	case cmd.Kind == parser.Unknown:
		t.notice.Outcome = UnknownCommand
	case cmd.Kind == parser.Credentials:
		e.credentials(t, st, in.password, in.hash)
	case cmd.Kind == parser.ToggleConfirmations:
		st.ConfirmationsOff = !st.ConfirmationsOff
		t.notice.Outcome = ConfirmationsOn
		if st.ConfirmationsOff {
			t.notice.Outcome = ConfirmationsOff
		}
		t.change.Settings = append(t.change.Settings, st)
	case cmd.Kind == parser.Language:
		st.Language = cmd.Language
		t.lang = cmd.Language
		t.notice.Outcome, t.notice.Language = LanguageSet, cmd.Language
		t.change.Settings = append(t.change.Settings, st)
	case cmd.Kind == parser.Status:
		e.status(t, number, st)
	case cmd.Kind == parser.Stop:
		if errors.Is(perr, parser.ErrInvalidPlate) {
			t.notice.Outcome = InvalidPlate
			break
		}
		e.stop(t, number, st, cmd.Plate, at)
	case mo.Command != nil && e.numberOf[number] == "" && (cmd.Kind == parser.Start || cmd.Kind == parser.Stop):
		// Parking on the web or in the app is for Premium and Pro accounts.
		t.notice.Outcome = RegistrationReq
	case cmd.Kind == parser.Start || cmd.Kind == parser.DayTicket:
		e.start(t, mo, number, st, cmd, perr, at)
	case cmd.Kind == parser.VoucherActivation:
		if errors.Is(perr, parser.ErrInvalidPlate) {
			t.notice.Outcome = InvalidPlate
			break
		}
		e.activate(t, mo, number, st, cmd, in.voucher, at)
	default:
		t.notice.Outcome = UnknownCommand
	}
}
