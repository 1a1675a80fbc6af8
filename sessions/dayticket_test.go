package sessions_test

import (
	"context"
	"errors"
	"testing"

	"smspark/sessions"
)

func TestDayTickets(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
		cost  int64  // of the day ticket at the end
		end   string // its end
	}{
		{"1021 D at 10:00 on a Monday", []step{
			{"2026-11-23 10:00", alice, "proximus", "1021 1ABC123 D", sessions.DayTicketStarted, false, "21:00"},
		}, 1500, "2026-11-23 21:00"},
		{"converted at 14:00, started at 09:00", []step{
			{"2026-11-23 09:00", alice, "proximus", "1021 1ABC123", sessions.Started, false, ""},
			{"2026-11-23 14:00", alice, "proximus", "1021 D", sessions.DayTicketStarted, false, "09:00"},
		}, 1500, "2026-11-23 21:00"},
		{"already a day ticket", []step{
			{"2026-11-23 10:00", alice, "proximus", "3000 1ABC123 D", sessions.DayTicketStarted, false, "19:00"},
			{"2026-11-23 11:00", alice, "proximus", "3000 1ABC123 D", sessions.AlreadyStarted, false, ""},
		}, 800, "2026-11-23 19:00"},
		{"a zone without day tickets", []step{
			{"2026-11-23 10:00", alice, "proximus", "8500 1ABC123 D", sessions.UnknownCommand, false, ""},
		}, -1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.spend(alice, "proximus")
			var last sessions.Reply
			for i, s := range tt.steps {
				last = h.sms(s.when, s.from, s.op, s.text)
				if last.Outcome != s.want {
					t.Fatalf("step %d %q: %s (%q)", i, s.text, last.Outcome, last.Text)
				}
			}
			if tt.cost < 0 {
				return
			}
			r := h.sms("2026-11-23 23:00", alice, "proximus", "I")
			if len(r.Notices) != 1 || r.Notices[0].Outcome != sessions.SessionExpired {
				t.Fatalf("at 23:00: %+v", r.Notices)
			}
			all, _ := h.db.Sessions(context.Background(), storeFilterPlate("1ABC123"))
			s := all[len(all)-1]
			if !s.DayTicket || s.CostCents != tt.cost || !s.End.Equal(at(t, tt.end)) {
				t.Fatalf("day ticket: %+v, want %d cents ending %s", s, tt.cost, tt.end)
			}
		})
	}
}

// TestReducedTariff: a Kortrijk number granted the reduced tariff pays 25 %
// of the normal cost of the same interval; other cities and other numbers
// pay in full; the grant keeps who granted it and why.
func TestReducedTariff(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.spend(alice, "proximus")
	h.spend(bob, "proximus")
	g, err := h.eng.GrantReduced(ctx, sessions.Grant{City: "Kortrijk", Number: "0475000001", From: at(t, "2026-11-01 00:00"),
		To: at(t, "2027-01-01 00:00"), GrantedBy: "counter Kortrijk / M. Claes", Reason: "UiTPAS kansentarief"})
	if err != nil || g.Percent != 25 || g.Number != alice {
		t.Fatalf("%+v %v", g, err)
	}
	park := func(number, zone string) int64 {
		h.sms("2026-11-23 10:00", number, "proximus", zone+" 1ABC123")
		return h.sms("2026-11-23 11:30", number, "proximus", "Q").Sessions[0].CostCents
	}
	full := park(bob, "8500")      // 90 - 30 free = 60 min at €1.50 = 150
	reduced := park(alice, "8500") // 25 % of 150 = 37.5 -> 38
	if full != 150 || reduced != 38 {
		t.Fatalf("Kortrijk: full %d, reduced %d; want 150 and 38", full, reduced)
	}
	// 15 charged minutes: 37.5 full, 25 % of it 9.375 -> 9, rounded once.
	h.sms("2026-11-23 10:00", alice, "proximus", "8500 1ABC123")
	if got := h.sms("2026-11-23 10:45", alice, "proximus", "Q").Sessions[0].CostCents; got != 9 {
		t.Fatalf("Kortrijk 10:00-10:45 reduced: %d, want 9", got)
	}
	if brussels := park(alice, "1021"); brussels != 375 {
		t.Fatalf("Brussels for the granted number: %d, want the full 375", brussels)
	}
	if _, err := h.eng.GrantReduced(ctx, sessions.Grant{City: "Brussels", Number: alice, From: at(t, "2026-11-01 00:00"),
		To: at(t, "2027-01-01 00:00"), GrantedBy: "x", Reason: "y"}); !errors.Is(err, sessions.ErrNoReducedTariff) {
		t.Fatalf("Brussels grants none: %v", err)
	}
	if _, err := h.eng.GrantReduced(ctx, sessions.Grant{City: "Kortrijk", Number: alice, From: at(t, "2026-11-01 00:00"),
		To: at(t, "2027-01-01 00:00")}); !errors.Is(err, sessions.ErrBadGrant) {
		t.Fatalf("a grant without who and why: %v", err)
	}
	h.restart()
	if got := h.eng.Grants("Kortrijk"); len(got) != 1 || got[0].Reason != "UiTPAS kansentarief" {
		t.Fatalf("after restart: %+v", got)
	}
}
