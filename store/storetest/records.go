package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"smspark/audit"
	"smspark/sessions"
)

// Records is what the edges (HTTP API, SMPP, CLI) read and write of a
// store directly, beside the engine.
type Records interface {
	Session(ctx context.Context, id uint64) (sessions.Session, error)
	Sessions(ctx context.Context, f sessions.SessionFilter) ([]sessions.Session, error)
	Settings(ctx context.Context, number string) (sessions.Settings, error)
	Account(ctx context.Context, id string) (sessions.Account, error)
	AccountOf(ctx context.Context, number string) (sessions.Account, error)
	Messages(ctx context.Context, f sessions.MessageFilter) ([]sessions.Message, error)
	MessageBySMSCID(ctx context.Context, smsc, id string) (sessions.Message, error)
	UnackedMOs(ctx context.Context, since time.Time) ([]sessions.JournalEntry, error)
	ConfirmAcks(ctx context.Context, mos []sessions.JournalEntry) error
	PutPart(ctx context.Context, key, value []byte) error
	DeleteParts(ctx context.Context, prefix []byte) error
	Parts(ctx context.Context, f func(key, value []byte) error) error
	AppendAudit(ctx context.Context, e audit.Entry) error
	Audit(ctx context.Context, f audit.Filter) ([]audit.Entry, error)
	UseNonce(ctx context.Context, nonce string, at time.Time) (bool, error)
}

func runRecords(t *testing.T, open func(t *testing.T) Stores) {
	t.Run("sessions", func(t *testing.T) { recordSessions(t, open(t)) })
	t.Run("accounts", func(t *testing.T) { recordAccounts(t, open(t)) })
	t.Run("messages", func(t *testing.T) { recordMessages(t, open(t)) })
	t.Run("acks", func(t *testing.T) { recordAcks(t, open(t)) })
	t.Run("parts", func(t *testing.T) { recordParts(t, open(t)) })
	t.Run("audit and nonces", func(t *testing.T) { recordAudit(t, open(t)) })
}

// recordSessions: one session by ID, and the filters of Sessions.
func recordSessions(t *testing.T, st Stores) {
	ctx, db := context.Background(), st.Records
	ended := session(1, "1ABC123", t0)
	ended.End, ended.EndReason = t0.Add(time.Hour), sessions.EndStop
	running := session(2, "1ABC123", t0.Add(2*time.Hour))
	other := session(3, "1XYZ789", t0)
	other.Number, other.Zone = "+32475000009", "2000"
	must(t, st.Engine.Commit(ctx, []sessions.Change{{Sessions: []sessions.Session{ended, running, other},
		Settings: []sessions.Settings{{Number: "+32475000001", Language: "nl"}}, NextID: 4}}))
	s, err := db.Session(ctx, 2)
	must(t, err)
	if s.Plate != "1ABC123" || !s.Running() {
		t.Fatalf("session 2: %+v", s)
	}
	_, err = db.Session(ctx, 99)
	wantErr(t, "an unknown session", err, st.ErrNotFound)
	set, err := db.Settings(ctx, "+32475000001")
	must(t, err)
	if set.Language != "nl" {
		t.Fatalf("settings %+v", set)
	}
	_, err = db.Settings(ctx, "+32475000002")
	wantErr(t, "unknown settings", err, st.ErrNotFound)
	for _, c := range []struct {
		name string
		f    sessions.SessionFilter
		want []string
	}{
		{"all", sessions.SessionFilter{}, []string{"1", "2", "3"}},
		{"plate", sessions.SessionFilter{Plate: "1ABC123"}, []string{"1", "2"}},
		{"running of a plate", sessions.SessionFilter{Plate: "1ABC123", Running: true}, []string{"2"}},
		{"number", sessions.SessionFilter{Number: "+32475000009"}, []string{"3"}},
		{"zone", sessions.SessionFilter{Zone: "1021"}, []string{"1", "2"}},
		{"ended in a period", sessions.SessionFilter{From: t0, To: t0.Add(2 * time.Hour)}, []string{"1"}},
		{"ended after the period", sessions.SessionFilter{From: t0.Add(2 * time.Hour)}, nil},
		{"limit", sessions.SessionFilter{Limit: 2}, []string{"1", "2"}},
	} {
		got, err := db.Sessions(ctx, c.f)
		must(t, err)
		wantIDs(t, c.name, got, sessionID, c.want...)
	}
}

// recordAccounts: an account by ID and by number; the database keeps a
// number in one account and a plate in one running session.
func recordAccounts(t *testing.T, st Stores) {
	ctx, db := context.Background(), st.Records
	a := sessions.Account{ID: "A1", Package: "premium", Numbers: []string{"+32475000001", "+32475000002"}, Created: t0}
	must(t, st.Engine.Commit(ctx, []sessions.Change{{Accounts: []sessions.Account{a}, NextID: 1}}))
	got, err := db.AccountOf(ctx, "+32475000002")
	must(t, err)
	if got.ID != "A1" {
		t.Fatalf("account of the number: %+v", got)
	}
	_, err = db.Account(ctx, "A9")
	wantErr(t, "an unknown account", err, st.ErrNotFound)

	b := sessions.Account{ID: "A2", Package: "easy", Numbers: []string{"+32475000002"}, Created: t0}
	err = st.Engine.Commit(ctx, []sessions.Change{{Accounts: []sessions.Account{b}, NextID: 1}})
	wantErr(t, "a number in two accounts", err, st.ErrInvalidChange)
	_, err = db.Account(ctx, "A2")
	wantErr(t, "the refused account", err, st.ErrNotFound)

	// Moved in one batch, in either order: accepted.
	a.Numbers = a.Numbers[:1]
	must(t, st.Engine.Commit(ctx, []sessions.Change{{Accounts: []sessions.Account{b, a}, NextID: 1}}))
	got, err = db.AccountOf(ctx, "+32475000002")
	must(t, err)
	if got.ID != "A2" {
		t.Fatalf("the moved number's account: %+v", got)
	}
	must(t, st.Engine.Commit(ctx, []sessions.Change{{DeletedAccounts: []string{"A2"}, NextID: 1}}))
	_, err = db.AccountOf(ctx, "+32475000002")
	wantErr(t, "the number of a deleted account", err, st.ErrNotFound)

	s1, s2 := session(1, "1ABC123", t0), session(2, "1ABC123", t0.Add(time.Minute))
	must(t, st.Engine.Commit(ctx, []sessions.Change{{Sessions: []sessions.Session{s1}, NextID: 3}}))
	err = st.Engine.Commit(ctx, []sessions.Change{{Sessions: []sessions.Session{s2}, NextID: 3}})
	wantErr(t, "two running sessions of a plate", err, st.ErrInvalidChange)
	s1.End, s1.EndReason = t0.Add(time.Minute), sessions.EndStop
	must(t, st.Engine.Commit(ctx, []sessions.Change{{Sessions: []sessions.Session{s2}, NextID: 3},
		{Sessions: []sessions.Session{s1}, NextID: 3}}))
	running, err := db.Sessions(ctx, sessions.SessionFilter{Running: true})
	must(t, err)
	wantIDs(t, "running after the switch", running, sessionID, "2")
}

// recordMessages: the outbox by filter and by the SMSC's message id.
func recordMessages(t *testing.T, st Stores) {
	ctx, db := context.Background(), st.Records
	msgs := []sessions.Message{
		{ID: 1, To: "+32475000001", Text: "a", Created: t0, Status: sessions.StatusDelivered, SMSC: "proximus", SMSCIDs: []string{"m1", "m2"}},
		{ID: 2, To: "+32475000002", Text: "b", Created: t0, Status: sessions.StatusQueued},
		{ID: 3, To: "+32475000001", Text: "c", Created: t0, Status: sessions.StatusQueued},
	}
	must(t, st.Engine.Commit(ctx, []sessions.Change{{Messages: msgs, NextID: 4}}))
	m, err := db.MessageBySMSCID(ctx, "proximus", "m2")
	must(t, err)
	if m.ID != 1 {
		t.Fatalf("message of smsc id m2: %+v", m)
	}
	_, err = db.MessageBySMSCID(ctx, "orange", "m2")
	wantErr(t, "another SMSC's message id", err, st.ErrNotFound)
	msgID := func(m sessions.Message) string { return fmt.Sprint(m.ID) }
	for _, c := range []struct {
		name string
		f    sessions.MessageFilter
		want []string
	}{
		{"all", sessions.MessageFilter{}, []string{"1", "2", "3"}},
		{"queued", sessions.MessageFilter{Status: sessions.StatusQueued}, []string{"2", "3"}},
		{"to a number, queued", sessions.MessageFilter{To: "+32475000001", Status: sessions.StatusQueued}, []string{"3"}},
		{"limit", sessions.MessageFilter{Limit: 1}, []string{"1"}},
	} {
		got, err := db.Messages(ctx, c.f)
		must(t, err)
		wantIDs(t, c.name, got, msgID, c.want...)
	}
}

// recordAcks: MOs whose ack may not have reached their SMSC until confirmed.
func recordAcks(t *testing.T, st Stores) {
	ctx, db := context.Background(), st.Records
	var js []sessions.JournalEntry
	for i := range 3 {
		js = append(js, sessions.JournalEntry{Key: fmt.Sprintf("smsc|%d", i), From: "+32475000001", Text: "Q",
			Received: t0.Add(time.Duration(i) * time.Second), At: t0, AckPending: i > 0, Outcome: sessions.NoSession})
	}
	must(t, st.Engine.Commit(ctx, []sessions.Change{{Journal: js, NextID: 1}}))
	key := func(j sessions.JournalEntry) string { return j.Key }
	got, err := db.UnackedMOs(ctx, t0)
	must(t, err)
	wantIDs(t, "unacked", got, key, "smsc|1", "smsc|2")
	must(t, db.ConfirmAcks(ctx, js[1:2]))
	got, err = db.UnackedMOs(ctx, t0)
	must(t, err)
	wantIDs(t, "unacked after a confirmation", got, key, "smsc|2")
	all, err := st.Engine.Journal(ctx, t0)
	must(t, err)
	wantIDs(t, "the journal keeps confirmed entries", all, key, "smsc|0", "smsc|1", "smsc|2")
}

// recordParts: concatenation parts kept until their message is whole.
func recordParts(t *testing.T, st Stores) {
	ctx, db := context.Background(), st.Records
	for _, k := range []string{"a|1|1", "a|1|2", "a|2|1", "b|1|1"} {
		must(t, db.PutPart(ctx, []byte(k), []byte("part "+k)))
	}
	must(t, db.PutPart(ctx, []byte("a|1|2"), []byte("again")))
	must(t, db.DeleteParts(ctx, []byte("a|1|")))
	got := map[string]string{}
	must(t, db.Parts(ctx, func(k, v []byte) error {
		got[string(k)] = string(v)
		return nil
	}))
	if len(got) != 2 || got["a|2|1"] != "part a|2|1" || got["b|1|1"] != "part b|1|1" {
		t.Fatalf("parts %v", got)
	}
	stop := errors.New("stop")
	if err := db.Parts(ctx, func(k, v []byte) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("Parts returned %v, want f's error", err)
	}
}

// recordAudit: the audit log oldest first, its last entries by limit; a
// payment nonce is fresh once.
func recordAudit(t *testing.T, st Stores) {
	ctx, db := context.Background(), st.Records
	for i := range 3 {
		must(t, db.AppendAudit(ctx, audit.Entry{At: t0.Add(time.Duration(i) * time.Minute), Actor: fmt.Sprint("k", i),
			Via: audit.ViaCLI, Action: "test"}))
	}
	actor := func(e audit.Entry) string { return e.Actor }
	got, err := db.Audit(ctx, audit.Filter{})
	must(t, err)
	if len(got) != 3 || got[0].Actor != "k0" || got[2].Actor != "k2" {
		t.Fatalf("audit %+v", got)
	}
	got, err = db.Audit(ctx, audit.Filter{Since: t0.Add(time.Minute), Limit: 1})
	must(t, err)
	wantIDs(t, "the last entry since 09:01", got, actor, "k2")
	for i, want := range []bool{true, false} {
		fresh, err := db.UseNonce(ctx, "n1", t0)
		must(t, err)
		if fresh != want {
			t.Fatalf("use %d of a nonce: fresh %v, want %v", i+1, fresh, want)
		}
	}
}
