package sessions

import (
	"context"
	"errors"
	"fmt"
	"time"

	"smspark/parser"
)

// readVoucher reads a voucher before the engine is locked. It returns nil
// for an unknown code (or no Vouchers), an error wrapping ErrStore when the
// voucher cannot be read.
func (e *Engine) readVoucher(ctx context.Context, code string) (*VoucherInfo, error) {
	if e.opts.Vouchers == nil {
		return nil, nil
	}
	v, err := e.opts.Vouchers.Voucher(ctx, code)
	switch {
	case errors.Is(err, ErrVoucherNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("%w: voucher %s: %w", ErrStore, code, err)
	}
	return &v, nil
}

// activate starts a voucher session: "<code> <plate>" or "<code>" with
// the remembered plate. The session costs nothing, runs for the voucher's
// duration in its zone, and the voucher is marked used in the same commit.
// v is the voucher as read before locking (nil: unknown); its use by this
// engine meanwhile is checked again here. Callers hold mu.
func (e *Engine) activate(t *txn, mo MO, number string, st Settings, cmd parser.Command, v *VoucherInfo, at time.Time) {
	code := cmd.Voucher
	if v == nil {
		t.notice.Outcome = VoucherUnknown
		return
	}
	z, ok := e.zones[v.Zone]
	if !ok {
		t.notice.Outcome = VoucherUnknown
		return
	}
	t.lang = e.language(st, z.City)
	switch {
	case v.Used || e.usedVouchers[code]:
		t.notice.Outcome = VoucherUsed
		return
	case !v.Expires.IsZero() && !at.Before(v.Expires):
		t.notice.Outcome = VoucherExpired
		return
	}
	plate := cmd.Plate
	if plate == "" {
		plate = st.LastPlate
	}
	if plate == "" {
		t.notice.Outcome = NoPlate
		return
	}
	acctID := e.numberOf[number]
	var replaced []*Session
	if id, ok := e.byPlate[plate]; ok {
		s := e.running[id]
		if !e.owns(number, s) {
			t.notice.Outcome, t.notice.Plate = PlateTaken, plate
			return
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
}
