package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"smspark/audit"
	"smspark/daycards"
	"smspark/permits"
	"smspark/postgres"
	"smspark/postgres/pgtest"
	"smspark/sessions"
	"smspark/store"
	"smspark/vouchers"
)

// fillStore writes one or more records of every kind into a new bbolt
// store in dir.
func fillStore(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(dir, store.Options{Create: true, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	run := sessions.Session{ID: 1, Number: "+32475000001", Plate: "1ABC123", Zone: "1021", City: "Brussels",
		Start: t0, Until: t0.Add(time.Hour)}
	ended := run
	ended.ID, ended.Plate, ended.End, ended.EndReason = 2, "1XYZ789", t0.Add(time.Hour), sessions.EndStop
	mo := sessions.JournalEntry{Key: "k1", From: "+32475000001", Text: "1021 1ABC123", Received: t0, At: t0, AckPending: true}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.Commit(ctx, []sessions.Change{{
		Sessions: []sessions.Session{run, ended},
		Settings: []sessions.Settings{{Number: "+32475000001", Language: "nl"}},
		Accounts: []sessions.Account{{ID: "A1", Package: sessions.Pro, Numbers: []string{"+32475000001", "+32475000002"}, Created: t0}},
		Grants:   []sessions.Grant{{ID: "G1", City: "Kortrijk", Number: "+32475000001", Percent: 25, From: t0, To: t0.AddDate(0, 1, 0), Created: t0}},
		Messages: []sessions.Message{{ID: 3, To: "+32475000001", Text: "ok", Created: t0, Status: sessions.StatusDelivered,
			SMSC: "proximus-1", SMSCIDs: []string{"m1"}}},
		Journal: []sessions.JournalEntry{mo},
		NextID:  10,
	}}))
	o := vouchers.Order{ID: "O1", City: "Brussels", Type: "BLA", Year: 2026, Zone: "1021", Duration: time.Hour,
		Quantity: 1, Status: vouchers.OrderPaid, Created: t0, Codes: []string{"BLAAAAAAAA2"}}
	must(db.PutOrder(ctx, o, []vouchers.Voucher{{Code: "BLAAAAAAAA2", Type: "BLA", City: "Brussels", Order: "O1",
		Zone: "1021", Duration: time.Hour, Issued: t0, Status: vouchers.StatusAvailable}}))
	must(db.PutPermits(ctx, permits.Permit{ID: "P1", Type: "R", City: "Brussels", Zones: []string{"1021"},
		Plates: []string{"1ABC123"}, From: t0, Until: t0.AddDate(1, 0, 0), Status: permits.StatusActive, Created: t0}))
	must(db.PutCard(ctx, daycards.Card{ID: "D1", Number: "+32475000001", City: "Brussels", Zone: "1021", Days: 1,
		DayPriceCents: 750, PriceCents: 750, Status: daycards.StatusPaid, Created: t0}))
	must(db.PutAPIKey(ctx, store.APIKey{ID: "K1", Hash: store.HashKey("secret"), Role: "admin", Created: t0}))
	must(db.PutIdempotentResponse(ctx, "v1", "idem-1", store.Idempotent{Status: 201, Body: []byte("{}"), Created: t0}))
	_, err = db.UseNonce(ctx, "nonce-1", t0)
	must(err)
	must(db.AppendAudit(ctx, audit.Entry{At: t0, Actor: audit.Local, Via: audit.ViaCLI, Action: "test"}))
	must(db.PutPart(ctx, []byte("part|1"), []byte("half")))
}

// TestMigrate: smspark migrate copies every kind of record of a bbolt
// store into PostgreSQL and says it verified the copy; the database then
// serves what the store held. A second run into the same database is
// refused.
func TestMigrate(t *testing.T) {
	dir, url := t.TempDir(), pgtest.DB(t)
	fillStore(t, dir)
	out, err := run(t, "migrate", "--from-data", dir, "--to", url)
	if err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	for _, want := range []string{"copied and verified", "sessions               2", "running_sessions       1",
		"vouchers               1", "account_numbers        2", "payment_nonces         1"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	ctx := context.Background()
	db, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := db.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Running) != 1 || st.Running[0].Plate != "1ABC123" || st.NextID != 10 || len(st.Accounts) != 1 {
		t.Errorf("loaded %+v", st)
	}
	if a, err := db.AccountOf(ctx, "+32475000002"); err != nil || a.ID != "A1" {
		t.Errorf("account of the second number: %+v, %v", a, err)
	}
	if un, err := db.UnackedMOs(ctx, time.Time{}); err != nil || len(un) != 1 {
		t.Errorf("unacked MOs %+v, %v", un, err)
	}
	if m, err := db.MessageBySMSCID(ctx, "proximus-1", "m1"); err != nil || m.ID != 3 {
		t.Errorf("message by SMSC id: %+v, %v", m, err)
	}
	if fresh, err := db.UseNonce(ctx, "nonce-1", time.Now()); err != nil || fresh {
		t.Errorf("a copied nonce is fresh again (%v, %v)", fresh, err)
	}

	out, err = run(t, "migrate", "--from-data", dir, "--to", url)
	if !errors.Is(err, errNotEmpty) {
		t.Fatalf("second migrate: %v, want errNotEmpty\n%s", err, out)
	}
}

// TestCheckDatabase: smspark check --database checks a PostgreSQL store.
func TestCheckDatabase(t *testing.T) {
	dir, url := t.TempDir(), pgtest.DB(t)
	fillStore(t, dir)
	if out, err := run(t, "migrate", "--from-data", dir, "--to", url); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	out, err := run(t, "check", "--database", url)
	if err != nil || !strings.Contains(out, "database: ok") {
		t.Fatalf("check: %v\n%s", err, out)
	}
	if _, err := run(t, "check", "--data", dir, "--database", url); err == nil {
		t.Error("check with --data and --database: no error")
	}
}

// TestAdminDatabase: the admin commands work on a PostgreSQL store with
// --database as on a bbolt one with --data, those that open an engine on
// it included.
func TestAdminDatabase(t *testing.T) {
	dir, url := t.TempDir(), pgtest.DB(t)
	fillStore(t, dir)
	if out, err := run(t, "migrate", "--from-data", dir, "--to", url); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	out, err := run(t, "sessions", "list", "--database", url, "--plate", "1ABC123")
	if err != nil || !strings.Contains(out, "1ABC123") {
		t.Fatalf("sessions list: %v\n%s", err, out)
	}
	// An engine opened on the database (sessions stop opens one): the
	// session that ran past its end at the store's time is ended by it.
	out, err = run(t, "sessions", "stop", "--database", url, "1")
	if err == nil || !strings.Contains(err.Error(), "no such running session") {
		t.Fatalf("sessions stop of a session past its end: %v\n%s", err, out)
	}
	out, err = run(t, "sessions", "show", "--database", url, "2")
	if err != nil || !strings.Contains(out, "1XYZ789") {
		t.Fatalf("sessions show: %v\n%s", err, out)
	}
	if _, err := run(t, "sessions", "list", "--data", dir, "--database", url); err == nil {
		t.Error("--data with --database: no error")
	}
}
