package httpapi_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"smspark/config"
	"smspark/httpapi"
	"smspark/msisdn"
	"smspark/password"
	"smspark/sessions"
	"smspark/store"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// api is the real engine and store behind a real HTTP server on loopback.
type api struct {
	t     *testing.T
	url   string
	eng   *sessions.Engine
	db    *store.DB
	clock *clock
	keys  map[string]string // name -> key
}

func startAPI(t *testing.T) *api {
	t.Helper()
	cfg := config.Default()
	db, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	loc := cfg.Location
	clk := &clock{now: time.Date(2026, 11, 23, 10, 0, 0, 0, loc)}
	ops := map[string]sessions.Operator{}
	for n, o := range cfg.Operators {
		ops[n] = sessions.Operator{Name: n, Billing: o.OperatorBilling, MonthlyLimit: o.MobilePaymentLimit}
	}
	eng, err := sessions.New(context.Background(), sessions.Options{Cities: cfg.Cities, Operators: ops, Location: loc,
		Store: db, Clock: clk, Numbers: msisdn.Belgium{}, Hasher: password.Bcrypt{Cost: bcrypt.MinCost}, Random: rand.Reader,
		VoucherPrefixes: cfg.VoucherPrefixes()})
	if err != nil {
		t.Fatal(err)
	}
	a := &api{t: t, eng: eng, db: db, clock: clk, keys: map[string]string{}}
	for name, k := range map[string]store.APIKey{
		"admin":           {ID: "KADMIN", Role: "admin"},
		"warden-brussels": {ID: "KWB", Role: "warden", City: "Brussels"},
		"warden-leuven":   {ID: "KWL", Role: "warden", City: "Leuven"},
		"portal-brussels": {ID: "KPB", Role: "portal", City: "Brussels"},
	} {
		key := "sk_test_" + name
		k.Hash = store.HashKey(key)
		if err := db.PutAPIKey(context.Background(), k); err != nil {
			t.Fatal(err)
		}
		a.keys[name] = key
	}
	s := httpapi.New(httpapi.Options{Addr: "127.0.0.1:0", Engine: eng, Store: db, Zones: cfg.Zone,
		Normalize: msisdn.Belgium{}.Normalize, VerifyPassword: password.Verify, Clock: clk.Now, Location: loc})
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	a.url = "http://" + s.Addr()
	return a
}

// do sends a request with a credential (a key name or a token) and
// decodes a JSON answer.
func (a *api) do(method, path, cred string, body any, hdr ...string) (int, map[string]any) {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.url+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if k, ok := a.keys[cred]; ok {
		cred = k
	}
	if cred != "" {
		req.Header.Set("Authorization", "Bearer "+cred)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 && json.Unmarshal(raw, &out) != nil {
		a.t.Fatalf("%s %s: not JSON: %q", method, path, raw)
	}
	if resp.StatusCode >= 400 && resp.Header.Get("Content-Type") != "application/problem+json" {
		a.t.Fatalf("%s %s: %d with Content-Type %q", method, path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return resp.StatusCode, out
}

func (a *api) sms(at, from, text string) sessions.Reply {
	a.t.Helper()
	a.clock.Set(mustParse(a.t, at))
	r, err := a.eng.Handle(context.Background(), sessions.MO{From: from, Operator: "proximus", Text: text})
	if err != nil {
		a.t.Fatal(err)
	}
	return r
}

func mustParse(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestEnforcement(t *testing.T) {
	a := startAPI(t)
	a.sms("2026-11-23T10:00:00+01:00", "+32475000001", "1021 1-ABC-123")
	code, v := a.do("GET", "/v1/enforcement/plates/1ABC123?zone=1021", "warden-brussels", nil)
	if code != 200 || v["valid"] != true || v["until"] != "2026-11-23T14:30:00+01:00" {
		t.Fatalf("%d %v", code, v)
	}
	if sess := v["session"].(map[string]any); sess["start"] != "2026-11-23T10:00:00+01:00" {
		t.Fatalf("session %v", sess)
	}
	if code, v := a.do("GET", "/v1/enforcement/plates/1-abc-123?zone=1030", "warden-brussels", nil); code != 200 || v["valid"] != false {
		t.Fatalf("other zone: %d %v", code, v)
	}
	a.sms("2026-11-23T11:00:00+01:00", "+32475000001", "Q")
	a.clock.Set(mustParse(t, "2026-11-23T11:05:00+01:00"))
	code, v = a.do("GET", "/v1/enforcement/plates/1ABC123?zone=1021", "warden-brussels", nil)
	if recent := v["recently_ended"].([]any); code != 200 || v["valid"] != false || len(recent) != 1 ||
		recent[0].(map[string]any)["end"] != "2026-11-23T11:00:00+01:00" {
		t.Fatalf("after the stop: %d %v", code, v)
	}
	// Security: another city's warden sees nothing of Brussels, a portal
	// key may not look up plates, no key or a wrong key is 401.
	for _, c := range []struct {
		cred string
		code int
	}{{"warden-leuven", 400}, {"portal-brussels", 403}, {"", 401}, {"sk_wrong", 401}} {
		if code, p := a.do("GET", "/v1/enforcement/plates/1ABC123?zone=1021", c.cred, nil); code != c.code {
			t.Errorf("%q: %d %v, want %d", c.cred, code, p, c.code)
		}
	}
	if code, _ := a.do("GET", "/v1/enforcement/plates/!!?zone=1021", "warden-brussels", nil); code != 400 {
		t.Errorf("bad plate: %d", code)
	}
}

func TestAccountsAndWebParking(t *testing.T) {
	a := startAPI(t)
	code, acct := a.do("POST", "/v1/accounts", "admin", map[string]any{"package": "premium", "numbers": []string{"+32475000001"}})
	if code != 201 {
		t.Fatalf("create: %d %v", code, acct)
	}
	id := acct["id"].(string)
	if code, p := a.do("POST", "/v1/accounts", "admin", map[string]any{"package": "pro", "numbers": []string{"+32475000001"}}); code != 409 ||
		!strings.HasSuffix(p["type"].(string), "/number-taken") {
		t.Fatalf("number of another account: %d %v", code, p)
	}
	if code, _ := a.do("POST", "/v1/accounts", "warden-brussels", map[string]any{"package": "pro", "numbers": []string{"+32475000009"}}); code != 403 {
		t.Fatalf("warden creating accounts: %d", code)
	}
	if code, _ := a.do("POST", "/v1/accounts/"+id+"/numbers", "admin", map[string]any{"number": "+32475000002"}); code != 200 {
		t.Fatalf("add number: %d", code)
	}
	if code, _ := a.do("GET", "/v1/accounts/ANOPE", "admin", nil); code != 404 {
		t.Fatalf("unknown account: %d", code)
	}

	// PASS by SMS, then log in with it; the previous password stops working.
	first := passwordOf(t, a.sms("2026-11-23T09:00:00+01:00", "+32475000001", "PASS").Text)
	second := passwordOf(t, a.sms("2026-11-23T09:01:00+01:00", "+32475000001", "PASS").Text)
	if code, _ := a.do("POST", "/v1/login", "", map[string]string{"username": "+32475000001", "password": first}); code != 401 {
		t.Fatalf("the previous password logged in: %d", code)
	}
	code, login := a.do("POST", "/v1/login", "", map[string]string{"username": "0475000001", "password": second})
	if code != 200 {
		t.Fatalf("login: %d %v", code, login)
	}
	tok := login["token"].(string)
	a.clock.Set(mustParse(t, "2026-11-23T10:00:00+01:00"))
	code, res := a.do("POST", "/v1/me/sessions", tok, map[string]string{"zone": "1021", "plate": "1-ABC-123"})
	if code != 201 || res["outcome"] != "started" {
		t.Fatalf("web start: %d %v", code, res)
	}
	if s := res["sessions"].([]any)[0].(map[string]any); s["channel"] != "web" {
		t.Fatalf("channel %v", s["channel"])
	}
	a.clock.Set(mustParse(t, "2026-11-23T11:08:00+01:00"))
	if code, res := a.do("POST", "/v1/me/sessions/stop", tok, map[string]string{"plate": "1ABC123"}); code != 200 || res["outcome"] != "stopped" {
		t.Fatalf("web stop: %d %v", code, res)
	}
	if code, res := a.do("POST", "/v1/me/sessions/stop", tok, map[string]string{}); code != 422 || res["outcome"] != "no_session" {
		t.Fatalf("stop with nothing running: %d %v", code, res)
	}
	if code, list := a.do("GET", "/v1/me/sessions", tok, nil); code != 200 || len(list["sessions"].([]any)) != 1 {
		t.Fatalf("my sessions: %d %v", code, list)
	}
	if code, _ := a.do("GET", "/v1/me/sessions", "admin", nil); code != 401 {
		t.Fatalf("an API key is no motorist: %d", code)
	}
}

func passwordOf(t *testing.T, text string) string {
	t.Helper()
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == ',' || r == ':' || r == '\n' }) {
		if len(w) == sessions.PasswordLength && !strings.HasPrefix(w, "+") {
			return w
		}
	}
	t.Fatalf("no password in %q", text)
	return ""
}

func TestLoginRateLimited(t *testing.T) {
	a := startAPI(t)
	codes := map[int]int{}
	for range 8 {
		code, _ := a.do("POST", "/v1/login", "", map[string]string{"username": "+32475000001", "password": "wrong-password"})
		codes[code]++
	}
	if codes[401] != 5 || codes[429] != 3 {
		t.Fatalf("login answers %v, want 5× 401 then 429", codes)
	}
}

func TestIdempotencyKey(t *testing.T) {
	a := startAPI(t)
	body := map[string]any{"package": "premium", "numbers": []string{"+32475000001"}}
	code1, r1 := a.do("POST", "/v1/accounts", "admin", body, "Idempotency-Key", "abc")
	code2, r2 := a.do("POST", "/v1/accounts", "admin", body, "Idempotency-Key", "abc")
	if code1 != 201 || code2 != 201 || r1["id"] != r2["id"] {
		t.Fatalf("replay: %d %v / %d %v", code1, r1, code2, r2)
	}
	other := map[string]any{"package": "pro", "numbers": []string{"+32475000002"}}
	if code, p := a.do("POST", "/v1/accounts", "admin", other, "Idempotency-Key", "abc"); code != 422 ||
		!strings.HasSuffix(p["type"].(string), "/idempotency-key-reused") {
		t.Fatalf("key reused for another body: %d %v", code, p)
	}
}
