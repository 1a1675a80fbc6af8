package sessions_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"smspark/password"
	"smspark/sessions"
	"smspark/store"
)

func TestWorkedExamples(t *testing.T) {
	tests := []struct {
		name         string
		start, stop  string
		zone         string
		stopText     string
		wantCost     int64
		wantMinutes  time.Duration
		wantOutcome  sessions.Outcome
		wantReason   sessions.EndReason
		freeFirstUse int64 // cost when it is the number's first session
	}{
		{"1021 68 minutes", "2026-11-23 10:00", "2026-11-23 11:08", "1021", "Q", 283, 68 * time.Minute, sessions.Stopped, sessions.EndStop, 0},
		{"8500 free minutes", "2026-11-23 10:00", "2026-11-23 10:45", "8500", "Q", 38, 45 * time.Minute, sessions.Stopped, sessions.EndStop, 38},
		{"1021 Sunday", "2026-11-22 10:00", "2026-11-22 12:00", "1021", "Q", 0, 2 * time.Hour, sessions.Stopped, sessions.EndStop, 0},
		{"1021 max duration", "2026-11-23 10:00", "2026-11-23 15:00", "1021", "I", 1125, 270 * time.Minute, sessions.StatusReport, sessions.EndMaxDuration, 0},
	}
	for _, tt := range tests {
		for _, first := range []bool{false, true} {
			name := tt.name
			if first {
				name += "/first use"
			}
			t.Run(name, func(t *testing.T) {
				h := newHarness(t)
				if !first {
					h.spend(alice, "proximus")
				}
				r := h.sms(tt.start, alice, "proximus", tt.zone+" 1ABC123")
				if r.Outcome != sessions.Started || r.Source != "4411" {
					t.Fatalf("start: %s from %s", r.Outcome, r.Source)
				}
				r = h.sms(tt.stop, alice, "proximus", tt.stopText)
				if r.Outcome != tt.wantOutcome {
					t.Fatalf("stop: outcome %s, want %s", r.Outcome, tt.wantOutcome)
				}
				var ended sessions.Session
				if tt.wantReason == sessions.EndMaxDuration {
					if len(r.Notices) != 1 || r.Notices[0].Outcome != sessions.SessionExpired {
						t.Fatalf("notices = %+v, want one session_expired", r.Notices)
					}
					all, err := h.db.Sessions(context.Background(), store.SessionFilter{Number: alice, Plate: "1ABC123"})
					if err != nil || len(all) != 1 {
						t.Fatalf("sessions: %v %v", all, err)
					}
					ended = all[0]
				} else {
					ended = r.Sessions[0]
				}
				want := tt.wantCost
				if first {
					want = tt.freeFirstUse
				}
				if ended.CostCents != want || ended.EndReason != tt.wantReason || ended.End.Sub(ended.Start) != tt.wantMinutes {
					t.Fatalf("ended session: cost %d reason %s duration %s; want %d %s %s",
						ended.CostCents, ended.EndReason, ended.End.Sub(ended.Start), want, tt.wantReason, tt.wantMinutes)
				}
			})
		}
	}
}

// step is one SMS of a scenario and what must come back.
type step struct {
	when, from, op, text string
	want                 sessions.Outcome
	suppressed           bool
	contains             string // the reply text contains this
}

func TestOutcomes(t *testing.T) {
	long := strings.Repeat("x", 2000)
	tests := []struct {
		name  string
		setup func(h *harness)
		steps []step
	}{
		{name: "unknown command, empty, long, emoji, NUL", steps: []step{
			{"2026-11-23 10:00", alice, "proximus", "hello", sessions.UnknownCommand, false, "1021"},
			{"2026-11-23 10:00", alice, "proximus", "", sessions.UnknownCommand, false, ""},
			{"2026-11-23 10:00", alice, "proximus", long, sessions.UnknownCommand, false, ""},
			{"2026-11-23 10:00", alice, "proximus", "🚗🅿️", sessions.UnknownCommand, false, ""},
			{"2026-11-23 10:00", alice, "proximus", "1021\x00 1ABC123", sessions.UnknownCommand, false, ""},
			{"2026-11-23 10:00", alice, "proximus", "1021 1ABC\x00123", sessions.InvalidPlate, false, ""},
		}},
		{name: "unsupported numbers", steps: []step{
			{"2026-11-23 10:00", "+33612345678", "proximus", "1021 1ABC123", sessions.UnsupportedNumber, false, ""},
			{"2026-11-23 10:00", "+3225551234", "proximus", "1021 1ABC123", sessions.UnsupportedNumber, false, ""},
			{"2026-11-23 10:00", "not-a-number\x00", "proximus", "I", sessions.UnsupportedNumber, false, ""},
		}},
		{name: "unknown zone, invalid plate, no plate, no session", steps: []step{
			{"2026-11-23 10:00", alice, "proximus", "9999 1ABC123", sessions.UnknownZone, false, "9999"},
			{"2026-11-23 10:00", alice, "proximus", "1021 1ABC123 please", sessions.InvalidPlate, false, ""},
			{"2026-11-23 10:00", alice, "proximus", "1021", sessions.NoPlate, false, ""},
			{"2026-11-23 10:00", alice, "proximus", "Q", sessions.NoSession, false, ""},
			{"2026-11-23 10:00", alice, "proximus", "Q 1ABC123", sessions.NoSession, false, ""},
		}},
		{name: "remembered plate and already started", steps: []step{
			{"2026-11-23 10:00", alice, "proximus", "1021 1-abc-123", sessions.Started, false, "1ABC123"},
			{"2026-11-23 10:01", alice, "proximus", "1021 1ABC123", sessions.AlreadyStarted, false, "1ABC123"},
			{"2026-11-23 10:02", alice, "proximus", "Q", sessions.Stopped, false, "1ABC123"},
			{"2026-11-23 10:03", alice, "proximus", "1021", sessions.Started, false, "1ABC123"},
		}},
		{name: "easy replaces and plate taken", steps: []step{
			{"2026-11-23 10:00", alice, "proximus", "1021 1ABC123", sessions.Started, false, ""},
			{"2026-11-23 10:10", bob, "proximus", "1030 1ABC123", sessions.PlateTaken, false, "1ABC123"},
			{"2026-11-23 10:20", alice, "proximus", "1030 2XYZ999", sessions.Replaced, false, "1ABC123"},
			{"2026-11-23 10:21", alice, "proximus", "Q 1ABC123", sessions.NoSession, false, ""},
			{"2026-11-23 10:22", bob, "proximus", "1030 1ABC123", sessions.Started, false, ""},
		}},
		{name: "registration required and first use", steps: []step{
			{"2026-11-23 10:00", carol, "base", "8500 1ABC123", sessions.RegistrationReq, false, ""},
			{"2026-11-23 10:01", carol, "base", "1021 1ABC123", sessions.Started, false, ""},
			{"2026-11-23 10:02", carol, "base", "Q", sessions.Stopped, false, ""},
			{"2026-11-23 10:03", carol, "base", "1021 1ABC123", sessions.RegistrationReq, false, ""},
			{"2026-11-23 10:04", carol, "telenet", "1021 1ABC123", sessions.RegistrationReq, false, ""},
		}},
		{name: "confirmations off and on", steps: []step{
			{"2026-11-23 10:00", alice, "proximus", "c1", sessions.ConfirmationsOff, false, ""},
			{"2026-11-23 10:01", alice, "proximus", "1021 1ABC123", sessions.Started, true, ""},
			{"2026-11-23 10:02", alice, "proximus", "i", sessions.StatusReport, false, "1ABC123"},
			{"2026-11-23 10:03", alice, "proximus", "9999 1ABC123", sessions.UnknownZone, false, ""},
			{"2026-11-23 10:04", alice, "proximus", "Q", sessions.Stopped, true, ""},
			{"2026-11-23 10:05", alice, "proximus", "C1", sessions.ConfirmationsOn, false, ""},
			{"2026-11-23 10:06", alice, "proximus", "1021 1ABC123", sessions.Started, false, ""},
		}},
		{name: "language", steps: []step{
			{"2026-11-23 10:00", alice, "proximus", "en", sessions.LanguageSet, false, ""},
			{"2026-11-23 10:01", alice, "proximus", "1021 1ABC123", sessions.Started, false, ""},
			{"2026-11-23 10:02", alice, "proximus", "fr", sessions.LanguageSet, false, ""},
		}},
		{name: "PASS rate limit", steps: []step{
			{"2026-11-23 10:00", alice, "proximus", "PASS", sessions.CredentialsSent, false, "+32475000001"},
			{"2026-11-23 10:10", alice, "proximus", "pass", sessions.CredentialsSent, false, ""},
			{"2026-11-23 10:20", alice, "proximus", "PASS", sessions.CredentialsSent, false, ""},
			{"2026-11-23 10:30", alice, "proximus", "PASS", sessions.TooManyRequests, false, ""},
			{"2026-11-23 11:01", alice, "proximus", "PASS", sessions.CredentialsSent, false, ""},
		}},
		{name: "premium: several plates, ambiguous stop, move", setup: func(h *harness) {
			if _, err := h.eng.CreateAccount(context.Background(), sessions.Premium, []string{alice, dave}); err != nil {
				h.tb.Fatal(err)
			}
		}, steps: []step{
			{"2026-11-23 10:00", alice, "proximus", "1021 1ABC123", sessions.Started, false, ""},
			{"2026-11-23 10:01", alice, "proximus", "1021 2XYZ999", sessions.Started, false, ""},
			{"2026-11-23 10:02", alice, "proximus", "Q", sessions.AmbiguousStop, false, "2XYZ999"},
			{"2026-11-23 10:03", alice, "proximus", "1030 1ABC123", sessions.Replaced, false, ""},
			{"2026-11-23 10:04", bob, "proximus", "1021 2XYZ999", sessions.PlateTaken, false, ""},
			{"2026-11-23 10:05", dave, "base", "1021 2XYZ999", sessions.AlreadyStarted, false, ""},
			{"2026-11-23 10:06", dave, "base", "Q 2XYZ999", sessions.Stopped, false, ""},
			{"2026-11-23 10:07", alice, "proximus", "Q", sessions.Stopped, false, "1ABC123"},
			{"2026-11-23 10:08", dave, "base", "8500 3DEF456", sessions.Started, false, ""},
		}},
		{name: "voucher recognised, none issued", steps: []step{
			{"2026-11-23 10:00", alice, "proximus", "BLA6JKPMWQR 1ABC123", sessions.VoucherUnknown, false, ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			if tt.setup != nil {
				tt.setup(h)
			}
			for i, s := range tt.steps {
				r := h.sms(s.when, s.from, s.op, s.text)
				if r.Outcome != s.want || r.Suppressed != s.suppressed {
					t.Fatalf("step %d %q: outcome %s suppressed %v; want %s %v (text %q)",
						i, s.text, r.Outcome, r.Suppressed, s.want, s.suppressed, r.Text)
				}
				wantSource := s.want.Source()
				if s.suppressed {
					wantSource = ""
				}
				if r.Source != wantSource {
					t.Fatalf("step %d: source %q, want %q", i, r.Source, wantSource)
				}
				if !s.suppressed && r.Text == "" {
					t.Fatalf("step %d: empty reply text", i)
				}
				if !strings.Contains(r.Text, s.contains) {
					t.Fatalf("step %d: text %q does not contain %q", i, r.Text, s.contains)
				}
			}
		})
	}
}

func TestLimitReached(t *testing.T) {
	h := newHarness(t)
	h.spend(alice, "proximus")
	// Nine sessions of 4h30 in zone 1021 cost 9 × 1125 = 10125 cents,
	// over Proximus' €100.00 monthly limit.
	days := []string{"01", "02", "03", "04", "05", "07", "08", "09", "10"}
	// Each session runs to its maximum and is ended by the next day's start.
	for i, d := range days {
		r := h.sms("2026-12-"+d+" 09:00", alice, "proximus", "1021 1ABC123")
		if r.Outcome != sessions.Started {
			t.Fatalf("day %s: %s", d, r.Outcome)
		}
		if i > 0 && (len(r.Notices) != 1 || r.Notices[0].Outcome != sessions.SessionExpired) {
			t.Fatalf("day %s: notices %+v", d, r.Notices)
		}
	}
	if r := h.sms("2026-12-11 10:00", alice, "proximus", "1021 1ABC123"); r.Outcome != sessions.LimitReached || r.Source != "4400" {
		t.Fatalf("over the limit: %s from %s", r.Outcome, r.Source)
	}
	if r := h.sms("2027-01-04 10:00", alice, "proximus", "1021 1ABC123"); r.Outcome != sessions.Started {
		t.Fatalf("next month: %s", r.Outcome)
	}
}

func TestCredentials(t *testing.T) {
	h := newHarness(t)
	r1 := h.sms("2026-11-23 10:00", alice, "proximus", "PASS")
	r2 := h.sms("2026-11-23 10:01", alice, "proximus", "PASS")
	pw1, pw2 := passwordIn(t, r1.Text), passwordIn(t, r2.Text)
	if pw1 == pw2 {
		t.Fatal("two PASS requests gave the same password")
	}
	st, err := h.db.Settings(context.Background(), alice)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(st.PasswordHash, pw2) || password.Verify(st.PasswordHash, pw2) != nil {
		t.Fatal("the stored hash does not verify the new password")
	}
	if !errors.Is(password.Verify(st.PasswordHash, pw1), password.ErrMismatch) {
		t.Fatal("the previous password still works")
	}
	msgs, err := h.db.Messages(context.Background(), store.MessageFilter{To: alice})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || !msgs[1].Secret {
		t.Fatalf("outbox: %+v", msgs)
	}
	// The store — its records and the bytes of its file — never holds a
	// password in clear.
	for _, m := range msgs {
		if strings.Contains(m.Text, pw1) || strings.Contains(m.Text, pw2) || m.Clear != "" {
			t.Fatalf("stored message %+v holds the password", m)
		}
	}
	raw, err := os.ReadFile(filepath.Join(h.dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(pw1)) || bytes.Contains(raw, []byte(pw2)) {
		t.Fatal("a password is in the store file")
	}
}

// passwordIn finds the PASS password in a reply: the 12-character word.
func passwordIn(t *testing.T, text string) string {
	t.Helper()
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == '\n' || r == ':' || r == ',' }) {
		if len(w) == sessions.PasswordLength && !strings.HasPrefix(w, "+") {
			return w
		}
	}
	t.Fatalf("no password in %q", text)
	return ""
}

func TestReminderAndExpiry(t *testing.T) {
	h := newHarness(t)
	h.spend(alice, "proximus")
	h.sms("2026-11-23 10:00", alice, "proximus", "1021 1ABC123")
	r := h.sms("2026-11-23 14:21", alice, "proximus", "I")
	if len(r.Notices) != 1 || r.Notices[0].Outcome != sessions.SessionEnding || r.Notices[0].Source != "4411" {
		t.Fatalf("at 14:21 notices = %+v, want session_ending", r.Notices)
	}
	r = h.sms("2026-11-23 14:29", alice, "proximus", "I")
	if len(r.Notices) != 0 || len(r.Sessions) != 1 {
		t.Fatalf("at 14:29: notices %+v sessions %+v", r.Notices, r.Sessions)
	}
	r = h.sms("2026-11-23 14:31", alice, "proximus", "Q")
	if r.Outcome != sessions.NoSession || len(r.Notices) != 1 || r.Notices[0].Outcome != sessions.SessionExpired {
		t.Fatalf("at 14:31: %s %+v", r.Outcome, r.Notices)
	}
}

func TestRestartKeepsSessions(t *testing.T) {
	h := newHarness(t)
	h.spend(alice, "proximus")
	h.sms("2026-11-23 10:00", alice, "proximus", "1021 1ABC123")
	h.sms("2026-11-23 10:00", bob, "proximus", "EN")
	h.restart()
	if r := h.sms("2026-11-23 10:05", bob, "proximus", "1030 1ABC123"); r.Outcome != sessions.PlateTaken {
		t.Fatalf("after restart: %s", r.Outcome)
	}
	r := h.sms("2026-11-23 11:08", alice, "proximus", "Q")
	if r.Outcome != sessions.Stopped || r.Sessions[0].CostCents != 283 {
		t.Fatalf("after restart: %s %+v", r.Outcome, r.Sessions)
	}
	if r := h.sms("2026-11-23 11:09", bob, "proximus", "hello"); !strings.Contains(r.Text, "1021") || r.Outcome != sessions.UnknownCommand {
		t.Fatalf("language lost: %q", r.Text)
	}
}

// TestLanguageOfLastCity: a reply that names no zone speaks the language
// of the city the number last parked in, unless the number chose one.
func TestLanguageOfLastCity(t *testing.T) {
	h := newHarness(t)
	if r := h.sms("2026-11-23 10:00", alice, "proximus", "hello"); !strings.HasPrefix(r.Text, "Niet begrepen") {
		t.Fatalf("a new number: %q, want Dutch", r.Text)
	}
	h.sms("2026-11-23 10:01", alice, "proximus", "1021 1ABC123")
	if r := h.sms("2026-11-23 10:02", alice, "proximus", "hello"); strings.HasPrefix(r.Text, "Niet begrepen") {
		t.Fatalf("after parking in Brussels: %q, want French", r.Text)
	}
	h.sms("2026-11-23 10:03", alice, "proximus", "EN")
	if r := h.sms("2026-11-23 10:04", alice, "proximus", "hello"); !strings.Contains(r.Text, "4411") || strings.HasPrefix(r.Text, "Niet") {
		t.Fatalf("after EN: %q", r.Text)
	}
}

func TestStoreFailureChangesNothing(t *testing.T) {
	h := newHarness(t)
	h.spend(alice, "proximus")
	h.mu.Lock()
	h.fail = errors.New("disk on fire")
	h.mu.Unlock()
	h.clock.Set(at(t, "2026-11-23 10:00"))
	_, err := h.eng.Handle(context.Background(), sessions.MO{From: alice, Operator: "proximus", Text: "1021 1ABC123"})
	if !errors.Is(err, sessions.ErrStore) {
		t.Fatalf("Handle with a failing store: %v, want ErrStore", err)
	}
	h.mu.Lock()
	h.fail = nil
	h.mu.Unlock()
	if r := h.sms("2026-11-23 10:01", alice, "proximus", "I"); len(r.Sessions) != 0 {
		t.Fatalf("a session survived a failed commit: %+v", r.Sessions)
	}
	if r := h.sms("2026-11-23 10:02", alice, "proximus", "1021 1ABC123"); r.Outcome != sessions.Started {
		t.Fatalf("after the failure: %s", r.Outcome)
	}
}

func TestAccounts(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	a, err := h.eng.CreateAccount(ctx, sessions.Premium, []string{"0475000001", "+32475000002"})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Numbers) != 2 || a.Numbers[0] != alice {
		t.Fatalf("numbers %v", a.Numbers)
	}
	tests := []struct {
		name string
		do   func() error
		want error
	}{
		{"number of another account", func() error {
			_, err := h.eng.CreateAccount(ctx, sessions.Pro, []string{alice})
			return err
		}, sessions.ErrNumberTaken},
		{"bad number", func() error { _, err := h.eng.AddNumber(ctx, a.ID, "+33612345678"); return err }, sessions.ErrBadNumber},
		{"bad package", func() error { _, err := h.eng.CreateAccount(ctx, "gold", []string{carol}); return err }, sessions.ErrBadPackage},
		{"unknown account", func() error { _, err := h.eng.AddNumber(ctx, "ANOPE", carol); return err }, sessions.ErrAccountNotFound},
		{"fifth number on premium", func() error {
			for _, n := range []string{"+32486000003", "+32470000004"} {
				if _, err := h.eng.AddNumber(ctx, a.ID, n); err != nil {
					return err
				}
			}
			_, err := h.eng.AddNumber(ctx, a.ID, "+32470000005")
			return err
		}, sessions.ErrTooManyNumbers},
		{"pro then downgrade refused", func() error {
			if _, err := h.eng.SetPackage(ctx, a.ID, sessions.Pro); err != nil {
				return err
			}
			if _, err := h.eng.AddNumber(ctx, a.ID, "+32470000005"); err != nil {
				return err
			}
			_, err := h.eng.SetPackage(ctx, a.ID, sessions.Premium)
			return err
		}, sessions.ErrTooManyNumbers},
		{"remove a number not in it", func() error { _, err := h.eng.RemoveNumber(ctx, a.ID, "+32499000000"); return err }, sessions.ErrNumberNotInAcct},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.do(); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	for _, n := range []string{"+32475000002", "+32486000003", "+32470000004", "+32470000005"} {
		if _, err := h.eng.RemoveNumber(ctx, a.ID, n); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.eng.RemoveNumber(ctx, a.ID, alice); !errors.Is(err, sessions.ErrNoNumbers) {
		t.Fatalf("removing the last number: %v", err)
	}
	h.restart()
	got, err := h.eng.Account(a.ID)
	if err != nil || len(got.Numbers) != 1 || got.Package != sessions.Pro {
		t.Fatalf("after restart: %+v %v", got, err)
	}
	// A removed number is Easy again: a Base number cannot park after its first use.
	h.spend(carol, "base")
	if r := h.sms("2026-11-23 10:00", carol, "base", "1021 1ABC123"); r.Outcome != sessions.RegistrationReq {
		t.Fatalf("removed base number: %s", r.Outcome)
	}
}
