package sessions

import (
	"context"
	"errors"
	"fmt"
	"time"

	"smspark/parser"
)

// activate starts a voucher session: "<code> <plate>" or "<code>" with
// the remembered plate. The session costs nothing, runs for the voucher's
// duration in its zone, and the voucher is marked used in the same commit.
// It returns an error only when the voucher cannot be read.
func (e *Engine) activate(ctx context.Context, t *txn, mo MO, number string, st Settings, cmd parser.Command, at time.Time) error {
	code := cmd.Voucher
	if e.opts.Vouchers == nil {
		t.notice.Outcome = VoucherUnknown
		return nil
	}
	v, err := e.opts.Vouchers.Voucher(ctx, code)
	switch {
	case errors.Is(err, ErrVoucherNotFound):
		t.notice.Outcome = VoucherUnknown
		return nil
	case err != nil:
		return fmt.Errorf("%w: voucher %s: %w", ErrStore, code, err)
	}
	z, ok := e.zones[v.Zone]
	if !ok {
		t.notice.Outcome = VoucherUnknown
		return nil
	}
	t.lang = e.language(st, z.City)
	switch {
	case v.Used || e.usedVouchers[code]:
		t.notice.Outcome = VoucherUsed
		return nil
	case !v.Expires.IsZero() && !at.Before(v.Expires):
		t.notice.Outcome = VoucherExpired
		return nil
	}
	plate := cmd.Plate
	if plate == "" {
		plate = st.LastPlate
	}
	if plate == "" {
		t.notice.Outcome = NoPlate
		return nil
	}
	acctID := e.numberOf[number]
	var replaced []*Session
	if id, ok := e.byPlate[plate]; ok {
		s := e.running[id]
		if !e.owns(number, s) {
			t.notice.Outcome, t.notice.Plate = PlateTaken, plate
			return nil
		}
		replaced = append(replaced, s)
	}
	if acctID == "" {
		for _, id := range e.byNumber[number] {
			if s := e.running[id]; s.Plate != plate {
				replaced = append(replaced, s)
			}
		}
	}
	for _, s := range replaced {
		ended := e.end(t, s, at, EndReplaced)
		t.reply.Sessions = append(t.reply.Sessions, ended)
	}
	s := &Session{
		ID:       e.newID(),
		Account:  acctID,
		Number:   number,
		Operator: mo.Operator,
		Plate:    plate,
		Zone:     z.Code,
		City:     z.City,
		Channel:  ChannelVoucher,
		Start:    at,
		Until:    at.Add(v.Duration),
		Voucher:  code,
	}
	e.addRunning(s)
	e.usedVouchers[code] = true
	st = e.settingsAfter(t, number)
	st.LastPlate, st.LastZone = plate, z.Code
	t.change.Settings = append(t.change.Settings, st)
	t.change.Sessions = append(t.change.Sessions, *s)
	t.change.VoucherUses = append(t.change.VoucherUses, VoucherUse{Code: code, Plate: plate, Session: s.ID, At: at})
	t.reply.Sessions = append(t.reply.Sessions, *s)
	t.notice = Notice{Outcome: VoucherStarted, Plate: plate, Zone: z.Code, ZoneName: z.Name, Start: at, End: s.Until}
	return nil
}
