package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run executes the smspark command line and returns its output.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := NewRootCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(t.Context())
	return out.String(), err
}

type dryRun struct {
	Outcome  string  `json:"outcome"`
	Source   *string `json:"source"`
	To       string  `json:"to"`
	Text     string  `json:"text"`
	Sessions []struct {
		Plate     string  `json:"plate"`
		Zone      string  `json:"zone"`
		Start     string  `json:"start"`
		End       *string `json:"end"`
		EndReason *string `json:"end_reason"`
		CostCents int64   `json:"cost_cents"`
	} `json:"sessions"`
	Notices []struct {
		Outcome string `json:"outcome"`
	} `json:"notices"`
}

// sms runs one dry-run SMS with --json and decodes the object.
func sms(t *testing.T, dir, at, from, operator, text string) dryRun {
	t.Helper()
	out, err := run(t, "sms", "--data", dir, "--at", at, "--from", from, "--operator", operator, text, "--json")
	if err != nil {
		t.Fatalf("sms %q: %v\n%s", text, err, out)
	}
	var r dryRun
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("sms %q: %v\n%s", text, err, out)
	}
	return r
}

func TestSMSIssueExample(t *testing.T) {
	dir := storeDir(t)
	r := sms(t, dir, "2026-11-23T10:00:00+01:00", "+32475000001", "proximus", "8500 1ABC123")
	if r.Outcome != "started" || *r.Source != "4411" || r.To != "+32475000001" {
		t.Fatalf("start: %+v", r)
	}
	r = sms(t, dir, "2026-11-23T10:45:00+01:00", "+32475000001", "proximus", "Q")
	if r.Outcome != "stopped" || len(r.Sessions) != 1 || r.Sessions[0].CostCents != 38 || *r.Sessions[0].EndReason != "stop" {
		t.Fatalf("stop: %+v", r)
	}
}

// TestSMSWorkedExamples runs docs/tariffs.md's examples through the CLI, for a
// number whose free first session is spent and for a new one.
func TestSMSWorkedExamples(t *testing.T) {
	tests := []struct {
		name, start, text2, at2 string
		zone                    string
		want, wantFree          int64
		wantReason              string
	}{
		{"1021 68 minutes", "2026-11-23T10:00:00+01:00", "Q", "2026-11-23T11:08:00+01:00", "1021", 283, 0, "stop"},
		{"8500 45 minutes", "2026-11-23T10:00:00+01:00", "Q", "2026-11-23T10:45:00+01:00", "8500", 38, 38, "stop"},
		{"1021 Sunday", "2026-11-22T10:00:00+01:00", "Q", "2026-11-22T12:00:00+01:00", "1021", 0, 0, "stop"},
		{"1021 max duration", "2026-11-23T10:00:00+01:00", "Q", "2026-11-23T14:30:00+01:00", "1021", 1125, 0, "max_duration"},
	}
	for _, tt := range tests {
		for _, spent := range []bool{true, false} {
			t.Run(tt.name+map[bool]string{true: "/spent", false: "/first use"}[spent], func(t *testing.T) {
				dir := storeDir(t)
				from := "+32475000001"
				if spent {
					sms(t, dir, "2026-11-01T10:00:00+01:00", from, "proximus", "1030 9ZZZ999")
					sms(t, dir, "2026-11-01T10:01:00+01:00", from, "proximus", "Q")
				}
				r := sms(t, dir, tt.start, from, "proximus", tt.zone+" 1ABC123")
				if r.Outcome != "started" {
					t.Fatalf("start: %+v", r)
				}
				r = sms(t, dir, tt.at2, from, "proximus", tt.text2)
				want := tt.want
				if !spent {
					want = tt.wantFree
				}
				if tt.wantReason == "max_duration" {
					// The clock passed the session's end: it ended then, and Q finds nothing.
					if r.Outcome != "no_session" || len(r.Notices) != 1 || r.Notices[0].Outcome != "session_expired" {
						t.Fatalf("after max duration: %+v", r)
					}
					out, err := run(t, "sessions", "list", "--data", dir, "--plate", "1ABC123", "--json")
					if err != nil {
						t.Fatal(err, out)
					}
					var list []struct {
						EndReason string `json:"end_reason"`
						CostCents int64  `json:"cost_cents"`
						End       string `json:"end"`
					}
					if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 1 {
						t.Fatalf("sessions list: %v %s", err, out)
					}
					if list[0].EndReason != "max_duration" || list[0].CostCents != want || list[0].End != "2026-11-23T14:30:00+01:00" {
						t.Fatalf("expired session: %+v, want cost %d", list[0], want)
					}
					return
				}
				if r.Outcome != "stopped" || r.Sessions[0].CostCents != want {
					t.Fatalf("stop: %+v, want cost %d", r, want)
				}
			})
		}
	}
}

// TestSMSOutcomes produces, through the CLI on one store, every outcome
// code that needs neither vouchers, day tickets, permits nor SMPP.
func TestSMSOutcomes(t *testing.T) {
	dir := storeDir(t)
	const (
		a = "+32475000001"
		b = "+32475000002"
		c = "+32486000003"
		p = "+32470000004"
	)
	out, err := run(t, "accounts", "create", "--data", dir, "--package", "premium", "--number", p)
	if err != nil {
		t.Fatal(err, out)
	}
	steps := []struct {
		at, from, op, text, want string
		suppressed               bool
	}{
		{"2026-11-23T08:00:00+01:00", a, "proximus", "hello", "unknown_command", false},
		{"2026-11-23T08:00:00+01:00", "+33612345678", "orange", "1021 1ABC123", "unsupported_number", false},
		{"2026-11-23T08:01:00+01:00", a, "proximus", "9999 1ABC123", "unknown_zone", false},
		{"2026-11-23T08:02:00+01:00", a, "proximus", "1021 1ABC123 please", "invalid_plate", false},
		{"2026-11-23T08:03:00+01:00", a, "proximus", "1021", "no_plate", false},
		{"2026-11-23T08:04:00+01:00", a, "proximus", "Q", "no_session", false},
		{"2026-11-23T08:05:00+01:00", a, "proximus", "1021 1ABC123", "started", false},
		{"2026-11-23T08:06:00+01:00", a, "proximus", "1021 1ABC123", "already_started", false},
		{"2026-11-23T08:07:00+01:00", b, "proximus", "1021 1ABC123", "plate_taken", false},
		{"2026-11-23T08:08:00+01:00", a, "proximus", "1030 2XYZ999", "replaced", false},
		{"2026-11-23T08:09:00+01:00", a, "proximus", "I", "status", false},
		{"2026-11-23T08:10:00+01:00", a, "proximus", "Q", "stopped", false},
		{"2026-11-23T08:11:00+01:00", a, "proximus", "C1", "confirmations_off", false},
		{"2026-11-23T08:12:00+01:00", a, "proximus", "1021 1ABC123", "started", true},
		{"2026-11-23T08:13:00+01:00", a, "proximus", "C1", "confirmations_on", false},
		{"2026-11-23T08:14:00+01:00", a, "proximus", "DE", "language_set", false},
		{"2026-11-23T08:15:00+01:00", a, "proximus", "PASS", "credentials", false},
		{"2026-11-23T08:16:00+01:00", a, "proximus", "PASS", "credentials", false},
		{"2026-11-23T08:17:00+01:00", a, "proximus", "PASS", "credentials", false},
		{"2026-11-23T08:18:00+01:00", a, "proximus", "PASS", "too_many_requests", false},
		{"2026-11-23T08:19:00+01:00", c, "base", "1021 3DEF456", "started", false},
		{"2026-11-23T08:20:00+01:00", c, "base", "Q", "stopped", false},
		{"2026-11-23T08:21:00+01:00", c, "base", "1021 3DEF456", "registration_required", false},
		{"2026-11-23T08:22:00+01:00", p, "base", "1021 4GHI789", "started", false},
		{"2026-11-23T08:23:00+01:00", p, "base", "1030 5JKL012", "started", false},
		{"2026-11-23T08:24:00+01:00", p, "base", "Q", "ambiguous_stop", false},
		{"2026-11-23T08:25:00+01:00", p, "base", "BLA6JKPMWQR 1ABC123", "voucher_unknown", false},
	}
	seen := map[string]bool{}
	for i, s := range steps {
		r := sms(t, dir, s.at, s.from, s.op, s.text)
		if r.Outcome != s.want {
			t.Fatalf("step %d %q: %s, want %s (%q)", i, s.text, r.Outcome, s.want, r.Text)
		}
		if s.suppressed != (r.Source == nil) {
			t.Fatalf("step %d %q: source %v, suppressed should be %v", i, s.text, r.Source, s.suppressed)
		}
		seen[r.Outcome] = true
	}
	// limit_reached needs a month of parking: see sessions.TestLimitReached,
	// and here through the CLI with a small-limit config.
	cfgPath := filepath.Join(t.TempDir(), "small-limit.yml")
	ref, err := os.ReadFile("../../config/reference.yml")
	if err != nil {
		t.Fatal(err)
	}
	small := strings.Replace(string(ref), "mobile_payment_limit: 100.00", "mobile_payment_limit: 2.00", 1)
	if small == string(ref) {
		t.Fatal("reference.yml has no 'mobile_payment_limit: 100.00' to change")
	}
	if err := os.WriteFile(cfgPath, []byte(small), 0o600); err != nil {
		t.Fatal(err)
	}
	dir2 := storeDir(t)
	for _, s := range []struct{ at, text, want string }{
		{"2026-11-01T10:00:00+01:00", "1021 1ABC123", "started"}, // free first use, Sunday
		{"2026-11-01T10:01:00+01:00", "Q", "stopped"},
		{"2026-11-23T10:00:00+01:00", "1021 1ABC123", "started"},
		{"2026-11-23T11:00:00+01:00", "Q", "stopped"}, // € 2,50: over the € 2,00 limit
		{"2026-11-23T11:01:00+01:00", "1021 1ABC123", "limit_reached"},
	} {
		out, err := run(t, "sms", "--config", cfgPath, "--data", dir2, "--at", s.at, "--from", a, s.text, "--json")
		if err != nil {
			t.Fatal(err, out)
		}
		var r dryRun
		if err := json.Unmarshal([]byte(out), &r); err != nil || r.Outcome != s.want {
			t.Fatalf("%q: %s (%v), want %s", s.text, r.Outcome, err, s.want)
		}
		seen[r.Outcome] = true
	}
	for _, o := range []string{"started", "already_started", "replaced", "stopped", "status", "credentials",
		"confirmations_off", "confirmations_on", "language_set", "unknown_command", "unknown_zone",
		"invalid_plate", "no_plate", "no_session", "ambiguous_stop", "plate_taken", "registration_required",
		"limit_reached", "voucher_unknown", "unsupported_number", "too_many_requests"} {
		if !seen[o] {
			t.Errorf("outcome %s not produced", o)
		}
	}
}

func TestSMSBadInput(t *testing.T) {
	dir := storeDir(t)
	for _, text := range []string{strings.Repeat("A", 2000), "🚗🅿️ 1021", "\x00\x00", "", "1021 \xff\xfe"} {
		r := sms(t, dir, "2026-11-23T10:00:00+01:00", "+32475000001", "proximus", text)
		if r.Source == nil || *r.Source != "4400" {
			t.Fatalf("%q: %+v", text, r)
		}
	}
	if _, err := run(t, "sms", "--data", dir, "--at", "yesterday", "--from", "+32475000001", "I"); err == nil {
		t.Fatal("a bad --at was accepted")
	}
}

func TestSMSCorruptStoreLeftUntouched(t *testing.T) {
	for name, content := range map[string][]byte{
		"garbage": bytes.Repeat([]byte("not a database "), 1000),
		"short":   []byte("x"),
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "smspark.db")
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := run(t, "sms", "--data", dir, "--from", "+32475000001", "I")
			if err == nil {
				t.Fatalf("a corrupt store was opened: %s", out)
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(after, content) {
				t.Fatal("the corrupt file was changed")
			}
			if !strings.Contains(err.Error(), "smspark.db") {
				t.Fatalf("the error does not name the file: %v", err)
			}
		})
	}
}

func TestSMSBadConfigNamesTheLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yml")
	if err := os.WriteFile(path, []byte("timezone: Europe/Brussels\noperators:\n  proximus: {operator_billing: maybe}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := run(t, "sms", "--config", path, "--data", t.TempDir(), "--from", "+32475000001", "I")
	if err == nil || !strings.Contains(err.Error(), path+":3:") {
		t.Fatalf("error = %v, want one naming %s:3", err, path)
	}
	out, err := run(t, "tariffs", "validate", "--config", path)
	if err == nil || !strings.Contains(err.Error(), path+":3:") {
		t.Fatalf("validate: %v %s", err, out)
	}
}

// TestSMSDayTicket: the D suffix through the dry run.
func TestSMSDayTicket(t *testing.T) {
	dir := storeDir(t)
	sms(t, dir, "2026-11-01T10:00:00+01:00", "+32475000001", "proximus", "1021 9ZZZ999") // the free first use
	sms(t, dir, "2026-11-01T10:01:00+01:00", "+32475000001", "proximus", "Q")
	out, err := run(t, "sms", "--data", dir, "--at", "2026-11-23T10:00:00+01:00", "--from", "+32475000001", "1021 1ABC123 D", "--json")
	if err != nil {
		t.Fatal(err, out)
	}
	var r struct {
		Outcome  string `json:"outcome"`
		Sessions []struct {
			Until     string `json:"until"`
			DayTicket bool   `json:"day_ticket"`
		} `json:"sessions"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || r.Outcome != "day_ticket_started" || !r.Sessions[0].DayTicket ||
		r.Sessions[0].Until != "2026-11-23T21:00:00+01:00" {
		t.Fatalf("%v %s", err, out)
	}
	if r := sms(t, dir, "2026-11-23T22:00:00+01:00", "+32475000001", "proximus", "I"); len(r.Notices) != 1 {
		t.Fatalf("expiry: %+v", r)
	}
	out, _ = run(t, "sessions", "list", "--data", dir, "--plate", "1ABC123", "--json")
	if !strings.Contains(out, `"cost_cents": 1500`) {
		t.Fatalf("day ticket cost: %s", out)
	}
}
