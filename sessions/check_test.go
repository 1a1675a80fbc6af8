package sessions_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"smspark/config"
	"smspark/tariffs"

	"smspark/parser"
	"smspark/sessions"
	"smspark/store"
)

func TestWardenCheck(t *testing.T) {
	h := newHarness(t)
	h.spend(alice, "proximus")
	h.sms("2026-11-23 10:00", alice, "proximus", "1021 1ABC123")
	tests := []struct {
		name, zone, at string
		valid          bool
		recent         int
	}{
		{"in its zone", "1021", "2026-11-23 10:30", true, 0},
		{"another zone", "1030", "2026-11-23 10:30", false, 0},
		{"before it started", "1021", "2026-11-23 09:59", false, 0},
		{"past its maximum", "1021", "2026-11-23 14:31", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := h.eng.Check("1ABC123", tt.zone, at(t, tt.at))
			if v.Valid != tt.valid || len(v.Recent) != tt.recent {
				t.Fatalf("%+v", v)
			}
			if v.Valid && (!v.Session.Start.Equal(at(t, "2026-11-23 10:00")) || !v.Session.Until.Equal(at(t, "2026-11-23 14:30"))) {
				t.Fatalf("session %+v", v.Session)
			}
		})
	}
	h.sms("2026-11-23 11:00", alice, "proximus", "Q")
	// A warden at 11:05 sees the session that ended five minutes ago; at
	// 10:45 (a ticket written then) it was valid; 20 minutes later it is gone.
	h.clock.Set(at(t, "2026-11-23 11:05"))
	if v := h.eng.Check("1ABC123", "1021", at(t, "2026-11-23 11:05")); v.Valid || len(v.Recent) != 1 || !v.Recent[0].End.Equal(at(t, "2026-11-23 11:00")) {
		t.Fatalf("after the stop: %+v", v)
	}
	if v := h.eng.Check("1ABC123", "1021", at(t, "2026-11-23 10:45")); !v.Valid {
		t.Fatalf("at 10:45, before the stop: %+v", v)
	}
	h.clock.Set(at(t, "2026-11-23 11:20"))
	if v := h.eng.Check("1ABC123", "1021", at(t, "2026-11-23 11:20")); v.Valid || len(v.Recent) != 0 {
		t.Fatalf("20 minutes after the stop: %+v", v)
	}
}

// TestWebCommands: Premium/Pro start and stop on the web with the SMS
// rules and outcomes, channel web, no SMS queued; Easy numbers may not.
func TestWebCommands(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	if _, err := h.eng.CreateAccount(ctx, sessions.Premium, []string{alice}); err != nil {
		t.Fatal(err)
	}
	web := func(number string, cmd parser.Command) sessions.Reply {
		t.Helper()
		r, err := h.eng.Handle(ctx, sessions.MO{From: number, Channel: sessions.ChannelWeb, Command: &cmd})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	h.clock.Set(at(t, "2026-11-23 10:00"))
	r := web(alice, parser.Command{Kind: parser.Start, Zone: "1021", Plate: "1ABC123"})
	if r.Outcome != sessions.Started || r.Sessions[0].Channel != sessions.ChannelWeb || r.Text == "" {
		t.Fatalf("web start: %+v", r)
	}
	if r := web(bob, parser.Command{Kind: parser.Start, Zone: "1021", Plate: "2XYZ999"}); r.Outcome != sessions.RegistrationReq {
		t.Fatalf("Easy on the web: %s", r.Outcome)
	}
	if r := web(bob, parser.Command{Kind: parser.Start, Zone: "1030", Plate: "1ABC123"}); r.Outcome != sessions.RegistrationReq {
		t.Fatalf("Easy on the web: %s", r.Outcome)
	}
	h.clock.Set(at(t, "2026-11-23 11:08"))
	if r := web(alice, parser.Command{Kind: parser.Stop, Plate: "1ABC123"}); r.Outcome != sessions.Stopped || r.Sessions[0].CostCents != 0 {
		// The first session of the number is free.
		t.Fatalf("web stop: %+v", r)
	}
	msgs, _ := h.db.Messages(ctx, storeFilterTo(alice))
	if len(msgs) != 0 {
		t.Fatalf("web commands queued SMS: %+v", msgs)
	}
}

func storeFilterTo(n string) store.MessageFilter { return store.MessageFilter{To: n} }

func TestReconfigure(t *testing.T) {
	h := newHarness(t)
	h.spend(alice, "proximus")
	h.sms("2026-11-23 10:00", alice, "proximus", "1021 1ABC123")
	cfg := config.Default()
	cities := slices.Clone(cfg.Cities)
	// Brussels doubles the rate of zone 1021.
	for i, c := range cities {
		if c.Name != "Brussels" {
			continue
		}
		c.Zones = slices.Clone(c.Zones)
		for j := range c.Zones {
			if c.Zones[j].Code == "1021" {
				c.Zones[j].Tariff.RatePerHour = 500
			}
		}
		cities[i] = c
	}
	ops := map[string]sessions.Operator{}
	for name, op := range cfg.Operators {
		ops[name] = sessions.Operator{Name: name, Billing: op.OperatorBilling, MonthlyLimit: op.MobilePaymentLimit}
	}
	if err := h.eng.Reconfigure(cities, ops); err != nil {
		t.Fatal(err)
	}
	if r := h.sms("2026-11-23 11:08", alice, "proximus", "Q"); r.Sessions[0].CostCents != 567 {
		t.Fatalf("after the reload: %d cents, want 68 × 500 / 60 = 567", r.Sessions[0].CostCents)
	}
	// A configuration without zone 1021 is refused while a session runs there.
	if r := h.sms("2026-11-23 12:00", alice, "proximus", "1021 1ABC123"); r.Outcome != sessions.Started {
		t.Fatalf("start after the reload: %s", r.Outcome)
	}
	var without []tariffs.City
	for _, c := range cfg.Cities {
		if c.Name != "Brussels" {
			without = append(without, c)
		}
	}
	if err := h.eng.Reconfigure(without, ops); err == nil {
		t.Fatal("a configuration that drops a zone with running sessions was accepted")
	}
}

func TestAdminStop(t *testing.T) {
	h := newHarness(t)
	h.spend(alice, "proximus")
	h.sms("2026-11-23 10:00", alice, "proximus", "1021 1ABC123")
	h.clock.Set(at(t, "2026-11-23 11:08"))
	s, err := h.eng.AdminStop(context.Background(), 0, "1ABC123")
	if err != nil || s.EndReason != sessions.EndAdmin || s.CostCents != 283 {
		t.Fatalf("%+v %v", s, err)
	}
	msgs, _ := h.db.Messages(context.Background(), store.MessageFilter{To: alice})
	if last := msgs[len(msgs)-1]; last.Outcome != sessions.Stopped || last.Source != "4411" {
		t.Fatalf("the motorist was not told: %+v", last)
	}
	if _, err := h.eng.AdminStop(context.Background(), 0, "1ABC123"); !errors.Is(err, sessions.ErrNoSuchSession) {
		t.Fatalf("stopping again: %v", err)
	}
	if got := h.eng.Running("", "", "", 0); len(got) != 0 {
		t.Fatalf("running: %+v", got)
	}
}

func storeFilterPlate(p string) store.SessionFilter { return store.SessionFilter{Plate: p} }

// TestRecentlyEndedSurviveRestart: a warden right after a restart still
// sees a session that was stopped five minutes earlier.
func TestRecentlyEndedSurviveRestart(t *testing.T) {
	h := newHarness(t)
	h.spend(alice, "proximus")
	h.sms("2026-11-23 10:00", alice, "proximus", "1021 1ABC123")
	h.sms("2026-11-23 11:00", alice, "proximus", "Q")
	h.clock.Set(at(t, "2026-11-23 11:05"))
	h.restart()
	v := h.eng.Check("1ABC123", "1021", at(t, "2026-11-23 11:05"))
	if v.Valid || len(v.Recent) != 1 || !v.Recent[0].End.Equal(at(t, "2026-11-23 11:00")) {
		t.Fatalf("after a restart: %+v", v)
	}
	// The spent free use (10:05 on the 22nd) is long past the window.
	for _, s := range v.Recent {
		if s.Plate != "1ABC123" {
			t.Fatalf("unexpected recent session %+v", s)
		}
	}
}

// TestNotTextIsUnknownCommand: an SMS whose data coding says it is not text
// is never parsed, whatever its octets spell: it answers unknown_command
// (the reply is queued) and starts nothing.
func TestNotTextIsUnknownCommand(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.clock.Set(at(t, "2026-11-23 10:00"))
	r, err := h.eng.Handle(ctx, sessions.MO{From: alice, Operator: "proximus", Text: "1021 8BIN888", NotText: true})
	if err != nil || r.Outcome != sessions.UnknownCommand || r.Suppressed || len(r.Sessions) != 0 {
		t.Fatalf("binary MO: %+v, %v", r, err)
	}
	if msgs, _ := h.db.Messages(ctx, storeFilterTo(alice)); len(msgs) != 1 {
		t.Fatalf("replies %d, want the unknown_command one", len(msgs))
	}
}
