package sessions_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"smspark/sessions"
	"smspark/store"
)

// vouchersFunc is a Vouchers a test writes inline.
type vouchersFunc func(ctx context.Context, code string) (sessions.VoucherInfo, error)

func (f vouchersFunc) Voucher(ctx context.Context, code string) (sessions.VoucherInfo, error) {
	return f(ctx, code)
}

// overdue starts alice's 1021 session at 10:00 (latest end 14:30) and sets
// the clock past its end without anything ending it.
func overdue(h *harness) {
	h.tb.Helper()
	h.spend(alice, "proximus")
	h.sms("2026-11-23 10:00", alice, "proximus", "1021 1ABC123")
	h.clock.Set(at(h.tb, "2026-11-23 15:00"))
}

// endedInStore reopens the store and checks that alice's overdue session
// ended there at its latest end, and that she was told.
func endedInStore(t *testing.T, h *harness) {
	t.Helper()
	h.restart()
	ss, err := h.db.Sessions(context.Background(), store.SessionFilter{Plate: "1ABC123"})
	if err != nil || len(ss) != 1 {
		t.Fatalf("sessions %+v %v", ss, err)
	}
	if s := ss[0]; s.Running() || s.EndReason != sessions.EndMaxDuration || !s.End.Equal(at(t, "2026-11-23 14:30")) {
		t.Fatalf("the store holds %+v, want it ended at 14:30 (max duration)", s)
	}
	msgs, err := h.db.Messages(context.Background(), store.MessageFilter{To: alice})
	if err != nil || msgs[len(msgs)-1].Outcome != sessions.SessionExpired {
		t.Fatalf("messages %+v %v, want session_expired last", msgs, err)
	}
}

// TestVoucherReadFailureLosesNoExpiry: an MO whose voucher cannot be read
// fails with ErrStore; the sessions the clock ended meanwhile still end in
// the store (once the engine's next transaction runs), never in memory only.
func TestVoucherReadFailureLosesNoExpiry(t *testing.T) {
	h := newHarness(t)
	h.vouchers = vouchersFunc(func(context.Context, string) (sessions.VoucherInfo, error) {
		return sessions.VoucherInfo{}, errors.New("disk on fire")
	})
	h.restart()
	overdue(h)
	_, err := h.eng.Handle(context.Background(), sessions.MO{From: bob, Operator: "proximus", Text: "BLA6JKPMWQR 1XYZ789"})
	if !errors.Is(err, sessions.ErrStore) {
		t.Fatalf("Handle with an unreadable voucher: %v, want ErrStore", err)
	}
	if err := h.eng.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	endedInStore(t, h)
}

// TestAdminStopUnknownCommitsExpiry: an admin stop of an unknown session
// returns ErrNoSuchSession, and what the clock ended before it is durable.
func TestAdminStopUnknownCommitsExpiry(t *testing.T) {
	h := newHarness(t)
	overdue(h)
	if _, err := h.eng.AdminStop(context.Background(), 424242, ""); !errors.Is(err, sessions.ErrNoSuchSession) {
		t.Fatalf("AdminStop of an unknown ID: %v", err)
	}
	endedInStore(t, h)
}

// TestFailingCommandCommitsExpiry: every command that fails after the
// clock ended sessions (here an account change refused) commits the ends.
func TestFailingCommandCommitsExpiry(t *testing.T) {
	h := newHarness(t)
	overdue(h)
	if _, err := h.eng.AddNumber(context.Background(), "Anope", dave); !errors.Is(err, sessions.ErrAccountNotFound) {
		t.Fatalf("AddNumber to an unknown account: %v", err)
	}
	endedInStore(t, h)
}

// TestVoucherReadOutsideLock: the voucher is read while the engine serves
// others (a read under the engine lock would deadlock this test).
func TestVoucherReadOutsideLock(t *testing.T) {
	h := newHarness(t)
	h.vouchers = vouchersFunc(func(_ context.Context, code string) (sessions.VoucherInfo, error) {
		done := make(chan []sessions.Session)
		go func() { done <- h.eng.Running("", "", "", 0) }()
		<-done
		return sessions.VoucherInfo{Code: code, Zone: "1021", Duration: time.Hour, Used: true}, nil
	})
	h.restart()
	if r := h.sms("2026-11-23 10:00", alice, "proximus", "BLA6JKPMWQR 1ABC123"); r.Outcome != sessions.VoucherUsed {
		t.Fatalf("activation of a used voucher: %s", r.Outcome)
	}
}

// TestRecentlyEndedForgottenAfterRestart: sessions loaded as ended a
// moment ago leave the warden's view once RecentWindow has passed.
func TestRecentlyEndedForgottenAfterRestart(t *testing.T) {
	h := newHarness(t)
	h.spend(alice, "proximus")
	h.sms("2026-11-23 10:00", alice, "proximus", "1021 1ABC123")
	h.sms("2026-11-23 11:00", alice, "proximus", "Q")
	h.clock.Set(at(t, "2026-11-23 11:05"))
	h.restart()
	if v := h.eng.Check("1ABC123", "1021", at(t, "2026-11-23 11:05")); len(v.Recent) != 1 {
		t.Fatalf("right after the restart: %+v", v)
	}
	h.clock.Set(at(t, "2026-11-23 11:00").Add(sessions.RecentWindow + time.Minute))
	// Asked about 10:30, an engine that still held the session would
	// answer from it.
	if v := h.eng.Check("1ABC123", "1021", at(t, "2026-11-23 10:30")); v.Valid || len(v.Recent) != 0 {
		t.Fatalf("after the window: %+v, want the ended session forgotten", v)
	}
}
