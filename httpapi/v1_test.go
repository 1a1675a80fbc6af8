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

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"

	"smspark/config"
	"smspark/daycards"
	"smspark/httpapi"
	"smspark/msisdn"
	"smspark/password"
	"smspark/payments"
	"smspark/permits"
	"smspark/sessions"
	"smspark/store"
	"smspark/tariffs"
	"smspark/vouchers"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// api is the real engine, voucher service and store behind a real HTTP
// server on loopback, with the voucher and statement routes registered as
// cmd/smspark's Main does. Its client checks every response against
// openapi.yaml.
type api struct {
	t        testing.TB
	url      string
	addr     string
	cfg      *config.Config
	eng      *sessions.Engine
	db       *store.DB
	vouchers *vouchers.Service
	secret   []byte // the payment callback's HMAC secret
	clock    *clock
	client   *http.Client
	keys     map[string]string // name -> key
}

// apiOptions change what startAPIWith builds.
type apiOptions struct {
	// preload writes to the store before the engine loads it.
	preload func(tb testing.TB, db *store.DB)
	// transport is the client's base transport (default: a fresh one).
	transport http.RoundTripper
}

// testKeys are the API keys every test server has, by name; the key is
// "sk_test_" + name.
var testKeys = map[string]store.APIKey{
	"admin":                {ID: "KADMIN", Role: "admin"},
	"warden-brussels":      {ID: "KWB", Role: "warden", City: "Brussels"},
	"warden-leuven":        {ID: "KWL", Role: "warden", City: "Leuven"},
	"portal-brussels":      {ID: "KPB", Role: "portal", City: "Brussels"},
	"portal-blankenberge":  {ID: "KPK", Role: "portal", City: "Blankenberge"},
	"counter-brussels":     {ID: "KCB", Role: "counter", City: "Brussels"},
	"counter-blankenberge": {ID: "KCK", Role: "counter", City: "Blankenberge"},
	"counter-leuven":       {ID: "KCL", Role: "counter", City: "Leuven"},
	"portal-leuven":        {ID: "KPL", Role: "portal", City: "Leuven"},
	"counter-kortrijk":     {ID: "KCT", Role: "counter", City: "Kortrijk"},
	"revoked-portal":       {ID: "KRP", Role: "portal", City: "Brussels", Revoked: true},
	"revoked-admin":        {ID: "KRA", Role: "admin", Revoked: true},
}

func startAPI(tb testing.TB) *api { return startAPIWith(tb, apiOptions{}) }

func startAPIWith(tb testing.TB, o apiOptions) *api {
	tb.Helper()
	cfg := config.Default()
	db, err := store.Open(tb.TempDir(), store.Options{Create: true, NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if o.preload != nil {
		o.preload(tb, db)
	}
	loc := cfg.Location
	clk := &clock{now: time.Date(2026, 11, 23, 10, 0, 0, 0, loc)}
	ops := map[string]sessions.Operator{}
	for n, o := range cfg.Operators {
		ops[n] = sessions.Operator{Name: n, Billing: o.OperatorBilling, MonthlyLimit: o.MobilePaymentLimit}
	}
	provider := &payments.Provider{}
	ps, dcs := permitServices(tb, cfg, db, clk, provider)
	eng, err := sessions.New(context.Background(), sessions.Options{Cities: cfg.Cities, Operators: ops, Location: loc,
		Store: db, Clock: clk, Numbers: msisdn.Belgium{}, Hasher: password.Bcrypt{Cost: bcrypt.MinCost}, Random: rand.Reader,
		VoucherPrefixes: cfg.VoucherPrefixes(), ReducedTariffs: reducedTariffs(cfg), Permits: permitSources{ps, dcs}})
	if err != nil {
		tb.Fatal(err)
	}
	vs, err := vouchers.New(vouchers.Options{Types: voucherTypes(cfg), Store: db, Clock: clk.Now, Random: rand.Reader,
		Location: loc, Payments: provider})
	if err != nil {
		tb.Fatal(err)
	}
	a := &api{t: tb, cfg: cfg, eng: eng, db: db, vouchers: vs, clock: clk, keys: map[string]string{},
		secret: []byte("0123456789abcdef0123456789abcdef")}
	for name, k := range testKeys {
		key := "sk_test_" + name
		k.Hash = store.HashKey(key)
		if err := db.PutAPIKey(context.Background(), k); err != nil {
			tb.Fatal(err)
		}
		a.keys[name] = key
	}
	reg := prometheus.NewRegistry()
	s := httpapi.New(httpapi.Options{Addr: "127.0.0.1:0", Registerer: reg, Engine: eng, Store: db, Audit: db, Zones: cfg.Zone,
		Normalize: msisdn.Belgium{}.Normalize, VerifyPassword: password.Verify, Clock: clk.Now, Location: loc,
		Extra: []func(*httpapi.Server, *http.ServeMux){httpapi.VoucherRoutes(vs, a.secret, db), httpapi.StatementRoutes(),
			httpapi.CounterRoutes(eng), httpapi.PermitRoutes(ps, a.secret, db), httpapi.DayCardRoutes(dcs, a.secret, db)}})
	if err := s.Listen(); err != nil {
		tb.Fatal(err)
	}
	// The test provider's hosted payment page is this server (as in Main).
	provider.BaseURL = "http://" + s.Addr()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	tb.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			tb.Error(err)
		}
	})
	a.addr = s.Addr()
	a.url = "http://" + s.Addr()
	base := o.transport
	if base == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tb.Cleanup(tr.CloseIdleConnections)
		base = tr
	}
	a.client = &http.Client{Transport: newValidatingTransport(tb, base, 1),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second}
	return a
}

// voucherTypes maps the configuration's voucher types onto the domain's
// (as cmd/smspark's wiring does).
func voucherTypes(cfg *config.Config) []vouchers.Type {
	out := make([]vouchers.Type, 0, len(cfg.VoucherTypes))
	for _, t := range cfg.VoucherTypes {
		vt := vouchers.Type{Prefix: t.Prefix, City: t.City, Names: t.Names, Zone: t.Zone, Duration: t.Duration,
			BundleSize: t.BundleSize, BundlePrice: t.BundlePrice, FreeBundlesPerYear: t.FreeBundlesPerYear,
			QuotaVouchers: t.QuotaVouchers, QuotaMinutes: t.QuotaMinutes, ValidityDays: t.ValidityDays,
			EligibleZones: t.EligibleZones}
		for _, a := range t.Addresses {
			vt.Addresses = append(vt.Addresses, vouchers.Address{Street: a.Street, Zone: a.Zone})
		}
		out = append(out, vt)
	}
	return out
}

// permitServices builds the permit and day card services on the store,
// paying through the provider (as cmd/smspark's wiring does).
func permitServices(tb testing.TB, cfg *config.Config, db *store.DB, clk *clock, provider *payments.Provider) (*permits.Service, *daycards.Service) {
	tb.Helper()
	var types []permits.Type
	for _, t := range cfg.PermitTypes {
		pt := permits.Type{ID: t.ID, City: t.City, Name: t.Name, Zones: t.Zones, Prices: map[permits.Length]int64{}}
		for length, cents := range t.Prices {
			pt.Prices[permits.Length(length)] = cents
		}
		types = append(types, pt)
	}
	pay := provider
	ps, err := permits.New(context.Background(), permits.Options{Types: types, Store: db, Payments: pay, Clock: clk.Now,
		Location: cfg.Location})
	if err != nil {
		tb.Fatal(err)
	}
	var zones []tariffs.Zone
	for _, c := range cfg.Cities {
		zones = append(zones, c.Zones...)
	}
	dcs, err := daycards.New(context.Background(), daycards.Options{Zones: zones, Store: db, Payments: pay, Clock: clk.Now,
		Location: cfg.Location})
	if err != nil {
		tb.Fatal(err)
	}
	return ps, dcs
}

// permitSources are what makes a plate valid without a session: permits,
// then day cards (as cmd/smspark's wiring does).
type permitSources []sessions.Permits

func (ps permitSources) Permit(plate, zone string, at time.Time) (sessions.PermitInfo, bool) {
	for _, p := range ps {
		if info, ok := p.Permit(plate, zone, at); ok {
			return info, true
		}
	}
	return sessions.PermitInfo{}, false
}

// reducedTariffs maps the configuration's reduced tariffs onto the
// engine's (as cmd/smspark's wiring does).
func reducedTariffs(cfg *config.Config) map[string]int {
	out := map[string]int{}
	for _, r := range cfg.ReducedTariffs {
		out[r.City] = r.Percent
	}
	return out
}

// with returns the api reporting to t (a fuzz target's or a subtest's).
func (a *api) with(t testing.TB) *api {
	b := *a
	b.t = t
	return &b
}

// cred returns the credential of a key name, or cred itself (a token, a
// raw key).
func (a *api) cred(cred string) string {
	if k, ok := a.keys[cred]; ok {
		return k
	}
	return cred
}

// request builds a request with a credential (a key name or a token) and
// header pairs.
func (a *api) request(method, path, cred string, body []byte, hdr ...string) *http.Request {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, a.url+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if cred = a.cred(cred); cred != "" {
		req.Header.Set("Authorization", "Bearer "+cred)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return req
}

// send sends a request through the checking client and returns the
// response with its body read.
func (a *api) send(req *http.Request) (*http.Response, []byte) {
	a.t.Helper()
	resp, err := a.client.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return resp, raw
}

// raw sends a request with a raw body and returns the status and body.
func (a *api) raw(method, path, cred string, body []byte, hdr ...string) (int, []byte) {
	a.t.Helper()
	resp, b := a.send(a.request(method, path, cred, body, hdr...))
	return resp.StatusCode, b
}

// do sends a request with a credential (a key name or a token) and
// decodes a JSON answer.
func (a *api) do(method, path, cred string, body any, hdr ...string) (int, map[string]any) {
	a.t.Helper()
	var b []byte
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			a.t.Fatal(err)
		}
	}
	resp, raw := a.send(a.request(method, path, cred, b, hdr...))
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

func mustParse(t testing.TB, s string) time.Time {
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

func passwordOf(t testing.TB, text string) string {
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
