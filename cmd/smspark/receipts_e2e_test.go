package main

import (
	"context"
	"testing"
	"time"

	"smspark/config"
	"smspark/sessions"
	"smspark/smpp/smsc"
)

// TestE2EReceipts: the SMSC's delivery receipts reach the replies they
// are for in the store: delivered for one number, failed for a number the
// SMSC cannot deliver to.
func TestE2EReceipts(t *testing.T) { e2eReceipts(t, "") }

// e2eReceipts runs TestE2EReceipts on a store (database, "": bbolt).
func e2eReceipts(t *testing.T, database string) {
	e := startE2E(t, e2eOptions{mode: config.BindTransceiver, database: database})
	const ok, unreachable = "+32475000031", "+32475000032"
	if err := e.sim.SetReceiptState(unreachable, smsc.ReceiptUndeliverable); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{ok, unreachable} {
		if mt := e.sms("2026-11-23T10:00:00+01:00", p, "1021 1ABC"+p[len(p)-3:]); mt.From != "4411" {
			t.Fatalf("%s: %q from %s", p, mt.Text, mt.From)
		}
	}
	e.waitStatus(ok, sessions.StatusDelivered)
	e.waitStatus(unreachable, sessions.StatusFailed)
}

// waitStatus waits until the store holds a message to the number with the
// status (the receipt arrives after the reply; the store is where it
// lands, so the store is polled), failing after 15 s.
func (e *e2e) waitStatus(to, status string) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for {
		ms, err := e.main.DB.Messages(ctx, sessions.MessageFilter{To: to, Status: status})
		if err == nil && len(ms) > 0 {
			return
		}
		select {
		case <-ctx.Done():
			all, _ := e.main.DB.Messages(context.Background(), sessions.MessageFilter{To: to})
			e.t.Fatalf("no message to %s became %s: %+v", to, status, all)
		case <-time.After(10 * time.Millisecond):
		}
	}
}
