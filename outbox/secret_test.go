package outbox_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"

	"smspark/outbox"
	"smspark/sessions"
	"smspark/store"
)

// TestSecretClearTextNeverStored: a credential handed over in memory is
// sent in clear; the store, and the bytes of its file, only ever hold the
// masked text.
func TestSecretClearTextNeverStored(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const password = "Zq8rT4pW2kLm"
		db, dir := openStore(t)
		m := queued(t, 1, "+32470000001")
		m.Outcome, m.Secret = sessions.CredentialsSent, true
		m.Text = "Username: +32470000001 Password: **********"
		commit(t, db, m) // as the engine commits it
		m.Clear = "Username: +32470000001 Password: " + password

		log := &submits{}
		s := newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: accepting(log)})
		s.Queued([]sessions.Message{m})
		r := start(t, s)
		synctest.Wait()
		r.stop(t)

		if mts := log.all(); len(mts) != 1 || mts[0].Text != m.Clear {
			t.Fatalf("submitted %+v, want the clear credentials once", mts)
		}
		got := message(t, db, m.ID)
		if got.Status != sessions.StatusSent || strings.Contains(got.Text, password) || got.Text == "" {
			t.Errorf("stored %+v, want sent with the masked text", got)
		}
		if err := db.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		raw, err := os.ReadFile(filepath.Join(dir, store.FileName))
		if err != nil {
			t.Fatal(err)
		}
		if i := bytes.Index(raw, []byte(password)); i >= 0 {
			t.Errorf("the password is in the store file at offset %d", i)
		}
	})
}

// TestSecretLostInRestartFails: a credential still queued when the engine
// stopped has no clear text any more; it is marked failed, never sent with
// its masked text (the motorist asks again with PASS).
func TestSecretLostInRestartFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, _ := openStore(t)
		m := queued(t, 1, "+32470000001")
		m.Outcome, m.Secret = sessions.CredentialsSent, true
		m.Text = "Username: +32470000001 Password: **********"
		commit(t, db, m)
		log := &submits{}
		s := newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: accepting(log)})
		r := start(t, s)
		synctest.Wait()
		r.stop(t)
		if mts := log.all(); len(mts) != 0 {
			t.Fatalf("submitted %+v, want nothing", mts)
		}
		if got := message(t, db, m.ID); got.Status != sessions.StatusFailed || !strings.Contains(got.Error, "PASS") {
			t.Fatalf("stored %+v, want failed", got)
		}
	})
}
