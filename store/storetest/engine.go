package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"smspark/sessions"
)

func runEngine(t *testing.T, open func(t *testing.T) Stores) {
	t.Run("empty", func(t *testing.T) {
		st, err := open(t).Engine.Load(context.Background())
		must(t, err)
		if len(st.Running)+len(st.Settings)+len(st.Accounts)+len(st.Grants) != 0 {
			t.Fatalf("a new store loads %+v", st)
		}
	})
	t.Run("commit then load", func(t *testing.T) { commitThenLoad(t, open(t).Engine) })
	t.Run("a failed commit writes nothing", func(t *testing.T) { failedCommit(t, open(t).Engine) })
	t.Run("ended since", func(t *testing.T) { endedSince(t, open(t).Engine) })
	t.Run("journal since", func(t *testing.T) { journalSince(t, open(t).Engine) })
}

func session(id uint64, plate string, start time.Time) sessions.Session {
	return sessions.Session{ID: id, Number: "+32475000001", Operator: "proximus", Plate: plate, Zone: "1021",
		City: "Brussels", Channel: sessions.ChannelSMS, Start: start, Until: start.Add(4 * time.Hour)}
}

func sessionID(s sessions.Session) string { return fmt.Sprint(s.ID) }

// commitThenLoad: what a commit puts is what Load gives back: running
// sessions (not ended ones), settings, accounts, grants and the next ID;
// a later put of the same ID replaces the earlier.
func commitThenLoad(t *testing.T, db Engine) {
	ctx := context.Background()
	a, b := session(1, "1ABC123", t0), session(2, "1XYZ789", t0)
	ended := b
	ended.End, ended.EndReason, ended.CostCents = t0.Add(time.Hour), sessions.EndStop, 250
	must(t, db.Commit(ctx, []sessions.Change{
		{Sessions: []sessions.Session{a, b}, NextID: 3},
		{
			Sessions: []sessions.Session{ended},
			Settings: []sessions.Settings{{Number: "+32475000001", Language: "en", LastPlate: "1ABC123"}},
			Accounts: []sessions.Account{{ID: "APREMIUM1", Package: "premium", Numbers: []string{"+32475000002"}, Created: t0}},
			Grants: []sessions.Grant{{ID: "G1", City: "Kortrijk", Number: "+32475000001", Percent: 25,
				From: t0, To: t0.Add(24 * time.Hour), GrantedBy: "counter", Reason: "UiTPAS", Created: t0}},
			NextID: 5,
		},
	}))
	st, err := db.Load(ctx)
	must(t, err)
	wantIDs(t, "running", st.Running, sessionID, "1")
	if r := st.Running[0]; r.Plate != "1ABC123" || !r.Start.Equal(t0) || !r.Until.Equal(t0.Add(4*time.Hour)) {
		t.Fatalf("running session %+v", r)
	}
	if st.NextID != 5 {
		t.Fatalf("NextID %d, want 5 (the last commit's)", st.NextID)
	}
	if len(st.Settings) != 1 || st.Settings[0].Language != "en" || st.Settings[0].LastPlate != "1ABC123" {
		t.Fatalf("settings %+v", st.Settings)
	}
	if len(st.Accounts) != 1 || st.Accounts[0].ID != "APREMIUM1" || len(st.Accounts[0].Numbers) != 1 {
		t.Fatalf("accounts %+v", st.Accounts)
	}
	if len(st.Grants) != 1 || st.Grants[0].Percent != 25 || st.Grants[0].Reason != "UiTPAS" {
		t.Fatalf("grants %+v", st.Grants)
	}
	must(t, db.Commit(ctx, []sessions.Change{{DeletedAccounts: []string{"APREMIUM1"}, NextID: 5}}))
	st, err = db.Load(ctx)
	must(t, err)
	if len(st.Accounts) != 0 {
		t.Fatalf("a deleted account loads: %+v", st.Accounts)
	}
}

// failedCommit: a commit one of whose changes cannot be written (a voucher
// use of an unknown voucher) fails and writes none of them.
func failedCommit(t *testing.T, db Engine) {
	ctx := context.Background()
	s := session(7, "1ABC123", t0)
	err := db.Commit(ctx, []sessions.Change{
		{Sessions: []sessions.Session{s}, NextID: 8},
		{VoucherUses: []sessions.VoucherUse{{Code: "BLANOSUCHCODE", Plate: "1ABC123", Session: 7, At: t0}}, NextID: 8},
	})
	if err == nil {
		t.Fatal("a commit using an unknown voucher succeeded")
	}
	st, err := db.Load(ctx)
	must(t, err)
	if len(st.Running) != 0 {
		t.Fatalf("a failed commit wrote %+v", st.Running)
	}
}

// endedSince: the sessions that ended at or after a time, none running.
func endedSince(t *testing.T, db Engine) {
	ctx := context.Background()
	var changes []sessions.Change
	for i, end := range []time.Duration{time.Hour, 2 * time.Hour} {
		s := session(uint64(10+i), fmt.Sprintf("1AAA%03d", i), t0)
		s.End, s.EndReason = t0.Add(end), sessions.EndStop
		changes = append(changes, sessions.Change{Sessions: []sessions.Session{s}, NextID: 20})
	}
	changes = append(changes, sessions.Change{Sessions: []sessions.Session{session(12, "1RUN000", t0)}, NextID: 20})
	must(t, db.Commit(ctx, changes))
	got, err := db.EndedSince(ctx, t0.Add(90*time.Minute))
	must(t, err)
	wantIDs(t, "ended since 10:30", got, sessionID, "11")
	got, err = db.EndedSince(ctx, t0)
	must(t, err)
	wantIDs(t, "ended since 09:00", got, sessionID, "10", "11")
}

// journalSince: the MOs received at or after a time, with their outcome.
func journalSince(t *testing.T, db Engine) {
	ctx := context.Background()
	var js []sessions.JournalEntry
	for i := range 3 {
		js = append(js, sessions.JournalEntry{Key: fmt.Sprintf("smsc|%d", i), From: "+32475000001", Operator: "proximus",
			Text: "Q", Received: t0.Add(time.Duration(i) * time.Minute), At: t0.Add(time.Duration(i) * time.Minute),
			Outcome: sessions.NoSession})
	}
	must(t, db.Commit(ctx, []sessions.Change{{Journal: js, NextID: 1}}))
	got, err := db.Journal(ctx, t0.Add(time.Minute))
	must(t, err)
	wantIDs(t, "journal since 09:01", got, func(j sessions.JournalEntry) string { return j.Key }, "smsc|1", "smsc|2")
	for _, j := range got {
		if j.Outcome != sessions.NoSession || j.Text != "Q" {
			t.Fatalf("journal entry %+v", j)
		}
	}
}
