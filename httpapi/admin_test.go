package httpapi_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"smspark/apikeys"
	"smspark/httpapi"
	"smspark/sessions"
	"smspark/store"
)

// admEngine is the engine as the admin endpoint sees it; the methods a
// test does not set panic (the embedded nil interface).
type admEngine struct {
	httpapi.AdminEngine
	byCity map[string]int
}

func (e admEngine) RunningByCity() map[string]int { return e.byCity }

type admOutbox struct{ depth int }

func (o admOutbox) Depth() int { return o.depth }

// admVouchers is the voucher service; no test here calls it.
type admVouchers struct{ httpapi.AdminVouchers }

// admFailingBackup is a store whose backup fails half-way.
type admFailingBackup struct{ *store.DB }

func (f admFailingBackup) Backup(_ context.Context, w io.Writer) (int64, error) {
	n, _ := w.Write(bytes.Repeat([]byte{0xAA}, 64<<10))
	return int64(n), errors.New("disk on fire")
}

func admOpenStore(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(t.TempDir(), store.Options{Create: true, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Check(context.Background()); err != nil {
			t.Errorf("store check: %v", err)
		}
		db.Close()
	})
	return db
}

func admNew(t *testing.T, o httpapi.AdminOptions) *httpapi.Admin {
	t.Helper()
	if o.Engine == nil {
		o.Engine = admEngine{byCity: map[string]int{"Brussels": 2}}
	}
	if o.Outbox == nil {
		o.Outbox = admOutbox{3}
	}
	if o.Vouchers == nil {
		o.Vouchers = admVouchers{}
	}
	a, err := httpapi.NewAdmin(o)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// serve runs the admin endpoint on loopback until the test ends.
func admServe(t *testing.T, a *httpapi.Admin) string {
	t.Helper()
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return "http://" + a.Addr()
}

func admAddKey(t *testing.T, db *store.DB, role string, revoked bool) string {
	t.Helper()
	city := ""
	if role != "admin" {
		city = "Brussels"
	}
	key, rec, err := apikeys.New(rand.Reader, role, city, "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	rec.Revoked = revoked
	if err := db.PutAPIKey(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	return key
}

func TestIsLoopback(t *testing.T) {
	for _, c := range []struct {
		addr string
		want bool
	}{
		{"127.0.0.1:8081", true},
		{"127.0.0.2:8081", true}, // all of 127.0.0.0/8 is loopback
		{"[::1]:8081", true},
		{"localhost:8081", true},
		{":8081", false}, // every interface
		{"0.0.0.0:8081", false},
		{"192.0.2.10:8081", false},
		{"[2001:db8::1]:8081", false},
		{"noc.example:8081", false},
	} {
		t.Run(c.addr, func(t *testing.T) {
			if got := httpapi.IsLoopback(c.addr); got != c.want {
				t.Fatalf("IsLoopback(%q) = %v", c.addr, got)
			}
		})
	}
}

// TestAdminKeys: off loopback every request needs an admin key, whatever
// address it comes from; on loopback none.
func TestAdminKeys(t *testing.T) {
	db := admOpenStore(t)
	keys := map[string]string{"admin": admAddKey(t, db, "admin", false), "portal": admAddKey(t, db, "portal", false),
		"revoked": admAddKey(t, db, "admin", true)}
	keyed := admNew(t, httpapi.AdminOptions{Addr: "192.0.2.10:8081", Store: db})
	open := admNew(t, httpapi.AdminOptions{Addr: "127.0.0.1:8081", Store: db})
	if !keyed.KeyRequired() || open.KeyRequired() {
		t.Fatalf("KeyRequired: %v off loopback, %v on it", keyed.KeyRequired(), open.KeyRequired())
	}
	for _, c := range []struct {
		name   string
		admin  *httpapi.Admin
		remote string
		auth   string
		want   int
	}{
		{"no key", keyed, "192.0.2.99:40000", "", http.StatusUnauthorized},
		{"no key from loopback", keyed, "127.0.0.1:40000", "", http.StatusUnauthorized},
		{"unknown key", keyed, "192.0.2.99:40000", "Bearer sk_admin_nosuch", http.StatusUnauthorized},
		{"revoked key", keyed, "192.0.2.99:40000", "Bearer " + keys["revoked"], http.StatusUnauthorized},
		{"portal key", keyed, "192.0.2.99:40000", "Bearer " + keys["portal"], http.StatusForbidden},
		{"admin key", keyed, "192.0.2.99:40000", "Bearer " + keys["admin"], http.StatusOK},
		{"loopback, no key", open, "127.0.0.1:40000", "", http.StatusOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/admin/status", nil)
			req.RemoteAddr = c.remote
			if c.auth != "" {
				req.Header.Set("Authorization", c.auth)
			}
			rec := httptest.NewRecorder()
			c.admin.Handler().ServeHTTP(rec, req)
			if rec.Code != c.want {
				t.Fatalf("%d, want %d: %s", rec.Code, c.want, rec.Body)
			}
			if c.want != http.StatusOK {
				var p httpapi.Problem
				if rec.Header().Get("Content-Type") != "application/problem+json" ||
					json.Unmarshal(rec.Body.Bytes(), &p) != nil || p.Status != c.want {
					t.Fatalf("not a problem: %s %s", rec.Header().Get("Content-Type"), rec.Body)
				}
				return
			}
			var st httpapi.AdminStatus
			if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil || st.OutboxDepth != 3 ||
				st.RunningSessions["Brussels"] != 2 || st.Store.SizeBytes == 0 || len(st.Binds) != 0 {
				t.Fatalf("status %v: %s", err, rec.Body)
			}
		})
	}
}

// TestAdminReload: an applied reload answers its report; a file that does
// not load is 422, a configuration the engine refuses 409, both with the
// reason and the sections.
func TestAdminReload(t *testing.T) {
	db := admOpenStore(t)
	refused := httpapi.ReloadReport{Status: httpapi.ReloadRefused, Sections: []httpapi.ReloadSection{
		{Section: "cities", Outcome: httpapi.ReloadRefused, Detail: "zone 8500 is gone while sessions run in it"}}}
	applied := httpapi.ReloadReport{Status: httpapi.ReloadApplied, Restart: []string{"http"}, Sections: []httpapi.ReloadSection{
		{Section: "smscs", Outcome: httpapi.ReloadApplied, Detail: "proximus-1 changed (re-bound)"}}}
	for _, c := range []struct {
		name   string
		reload func(context.Context, string, string) (httpapi.ReloadReport, error)
		want   int
		detail string
	}{
		{"applied", func(context.Context, string, string) (httpapi.ReloadReport, error) { return applied, nil },
			http.StatusOK, `"detail":"proximus-1 changed (re-bound)"`},
		{"invalid", func(context.Context, string, string) (httpapi.ReloadReport, error) {
			return httpapi.ReloadReport{Status: httpapi.ReloadRefused}, fmt.Errorf("%w: smspark.yml:3: unknown key", httpapi.ErrConfigInvalid)
		}, http.StatusUnprocessableEntity, "smspark.yml:3"},
		{"refused", func(context.Context, string, string) (httpapi.ReloadReport, error) {
			return refused, errors.New("zone 8500 is gone while sessions run in it")
		}, http.StatusConflict, `"sections":[{"section":"cities","outcome":"refused"`},
		{"unsupported", nil, http.StatusNotImplemented, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := admNew(t, httpapi.AdminOptions{Addr: "127.0.0.1:0", Store: db, Reload: c.reload})
			rec := httptest.NewRecorder()
			a.Handler().ServeHTTP(rec, httptest.NewRequest("POST", "/admin/config/reload", nil))
			if rec.Code != c.want || !strings.Contains(rec.Body.String(), c.detail) {
				t.Fatalf("%d %s, want %d with %q", rec.Code, rec.Body, c.want, c.detail)
			}
		})
	}
}

// TestAdminAudit: a successful admin action is recorded with who did it
// (the key's id, or local on loopback without a key), a failed one is
// not, and GET /admin/audit lists them since a moment.
func TestAdminAudit(t *testing.T) {
	db := admOpenStore(t)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	a := admNew(t, httpapi.AdminOptions{Addr: "127.0.0.1:0", Store: db, Audit: db, Clock: func() time.Time { return now }})
	key := admAddKey(t, db, "admin", false)
	do := func(method, path, body, bearer string) *httptest.ResponseRecorder {
		t.Helper()
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		rec := httptest.NewRecorder()
		a.Handler().ServeHTTP(rec, req)
		return rec
	}
	if rec := do("POST", "/admin/keys", `{"role":"admin","label":"noc"}`, ""); rec.Code != http.StatusCreated {
		t.Fatalf("create key: %d %s", rec.Code, rec.Body)
	}
	now = now.Add(time.Hour)
	if rec := do("POST", "/admin/keys/nosuch/revoke", ``, key); rec.Code != http.StatusNotFound {
		t.Fatalf("revoke unknown key: %d %s", rec.Code, rec.Body)
	}
	if rec := do("GET", "/admin/backup", ``, key); rec.Code != http.StatusOK {
		t.Fatalf("backup: %d", rec.Code)
	}
	keys, err := db.APIKeys(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	keyID := ""
	for _, k := range keys {
		if store.HashKey(key) == k.Hash {
			keyID = k.ID
		}
	}
	var got struct{ Entries []httpapi.AuditEntry }
	rec := do("GET", "/admin/audit", ``, "")
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("audit: %d %s", rec.Code, rec.Body)
	}
	if len(got.Entries) != 2 || got.Entries[0].Action != "key.create" || got.Entries[0].Actor != "local" ||
		got.Entries[1].Action != "backup" || got.Entries[1].Actor != keyID || got.Entries[1].Via != "admin" {
		t.Fatalf("audit entries = %+v (key %s)", got.Entries, keyID)
	}
	rec = do("GET", "/admin/audit?since=2026-11-23T10:30:00Z", ``, "")
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || len(got.Entries) != 1 || got.Entries[0].Action != "backup" {
		t.Fatalf("audit since: %d %s", rec.Code, rec.Body)
	}
	if rec := do("GET", "/admin/audit?since=yesterday", ``, ""); rec.Code != http.StatusBadRequest {
		t.Fatalf("audit since=yesterday: %d", rec.Code)
	}
}

// TestAdminBackup: the endpoint streams a complete store file ended by its
// length in a trailer; a backup that fails half-way cuts the connection,
// so the client cannot take it for a complete one.
func TestAdminBackup(t *testing.T) {
	db := admOpenStore(t)
	admAddKey(t, db, "warden", false) // something to copy
	t.Run("complete", func(t *testing.T) {
		url := admServe(t, admNew(t, httpapi.AdminOptions{Addr: "127.0.0.1:0", Store: db}))
		resp, err := http.Get(url + "/admin/backup")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%d %v", resp.StatusCode, err)
		}
		if got := resp.Trailer.Get(httpapi.BackupBytesTrailer); got != fmt.Sprint(len(body)) {
			t.Fatalf("trailer %q for %d bytes", got, len(body))
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, store.FileName), body, 0o600); err != nil {
			t.Fatal(err)
		}
		cp, err := store.Open(dir, store.Options{Create: true})
		if err != nil {
			t.Fatal(err)
		}
		defer cp.Close()
		if err := cp.Check(context.Background()); err != nil {
			t.Fatal(err)
		}
		if keys, err := cp.APIKeys(context.Background()); err != nil || len(keys) != 1 {
			t.Fatalf("keys in the copy: %v %v", keys, err)
		}
	})
	t.Run("cut short", func(t *testing.T) {
		url := admServe(t, admNew(t, httpapi.AdminOptions{Addr: "127.0.0.1:0", Store: admFailingBackup{db}}))
		resp, err := http.Get(url + "/admin/backup")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if _, err = io.ReadAll(resp.Body); err == nil {
			t.Fatalf("a failed backup reads as complete (trailer %q)", resp.Trailer.Get(httpapi.BackupBytesTrailer))
		}
	})
}

// TestAdminProblems: unknown endpoints, bad bodies and engine refusals are
// problems.
func TestAdminProblems(t *testing.T) {
	db := admOpenStore(t)
	var asked string
	eng := admStopEngine{admEngine: admEngine{byCity: map[string]int{}}, plate: &asked}
	a := admNew(t, httpapi.AdminOptions{Addr: "127.0.0.1:0", Store: db, Engine: eng})
	for _, c := range []struct {
		method, path, body string
		want               int
		kind               string
	}{
		{"GET", "/admin/nope", "", http.StatusNotFound, "not-found"},
		{"POST", "/admin/sessions/stop", `{"id":`, http.StatusBadRequest, "bad-request"},
		{"POST", "/admin/sessions/stop", `{}`, http.StatusBadRequest, "bad-request"},
		{"POST", "/admin/sessions/stop", `{"plate":"!!"}`, http.StatusBadRequest, "invalid-plate"},
		{"POST", "/admin/sessions/stop", `{"plate":"1-abc-123"}`, http.StatusNotFound, "no-such-session"},
		{"GET", "/admin/sessions/x", "", http.StatusBadRequest, "bad-request"},
		{"GET", "/admin/sessions/42", "", http.StatusNotFound, "not-found"},
		{"GET", "/admin/sessions?running=maybe", "", http.StatusBadRequest, "bad-request"},
		{"GET", "/admin/statements/2026-13", "", http.StatusBadRequest, "bad-request"},
		{"POST", "/admin/keys", `{"role":"root"}`, http.StatusBadRequest, "bad-request"},
		{"POST", "/admin/keys", `{"role":"admin","city":"Brussels"}`, http.StatusBadRequest, "bad-request"},
	} {
		t.Run(c.method+" "+c.path+" "+c.body, func(t *testing.T) {
			rec := httptest.NewRecorder()
			a.Handler().ServeHTTP(rec, httptest.NewRequest(c.method, c.path, strings.NewReader(c.body)))
			var p httpapi.Problem
			if rec.Code != c.want || json.Unmarshal(rec.Body.Bytes(), &p) != nil || !strings.HasSuffix(p.Type, "/"+c.kind) {
				t.Fatalf("%d %s, want %d %s", rec.Code, rec.Body, c.want, c.kind)
			}
		})
	}
	if asked != "1ABC123" {
		t.Fatalf("the plate reached the engine as %q", asked)
	}
}

// admStopEngine finds no running session, and remembers the plate asked for.
type admStopEngine struct {
	admEngine
	plate *string
}

func (e admStopEngine) AdminStop(_ context.Context, id uint64, plate string) (sessions.Session, error) {
	if e.plate != nil {
		*e.plate = plate
	}
	return sessions.Session{}, fmt.Errorf("%w: id %d plate %q", sessions.ErrNoSuchSession, id, plate)
}

func TestNewAdminOptions(t *testing.T) {
	if _, err := httpapi.NewAdmin(httpapi.AdminOptions{Addr: "127.0.0.1:0"}); !errors.Is(err, httpapi.ErrAdminOptions) {
		t.Fatalf("no engine: %v", err)
	}
}
