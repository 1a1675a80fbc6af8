package httpapi_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
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
)

// pmClock is a settable clock.
type pmClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *pmClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *pmClock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// pmBoth asks permits, then day cards (as cmd/smspark combines them).
type pmBoth []sessions.Permits

func (b pmBoth) Permit(plate, zone string, at time.Time) (sessions.PermitInfo, bool) {
	for _, p := range b {
		if info, ok := p.Permit(plate, zone, at); ok {
			return info, true
		}
	}
	return sessions.PermitInfo{}, false
}

// pmAPI is the real store, engine, permit and day card services behind
// the HTTP handler, wired as cmd/smspark does, at Monday 2026-11-23 10:00.
type pmAPI struct {
	t      *testing.T
	url    string
	cfg    *config.Config
	eng    *sessions.Engine
	clock  *pmClock
	secret []byte
}

var pmKeys = map[string]store.APIKey{
	"admin":           {ID: "KADMIN", Role: "admin"},
	"portal-leuven":   {ID: "KPL", Role: "portal", City: "Leuven"},
	"counter-leuven":  {ID: "KCL", Role: "counter", City: "Leuven"},
	"portal-brussels": {ID: "KPB", Role: "portal", City: "Brussels"},
	"warden-leuven":   {ID: "KWL", Role: "warden", City: "Leuven"},
	"warden-brussels": {ID: "KWB", Role: "warden", City: "Brussels"},
}

func startPermitAPI(t *testing.T) *pmAPI {
	t.Helper()
	cfg := config.Default()
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
	ctx := context.Background()
	clk := &pmClock{now: time.Date(2026, 11, 23, 10, 0, 0, 0, cfg.Location)}
	provider := &payments.Provider{BaseURL: "https://pay.example"}
	pay := provider
	var types []permits.Type
	for _, pt := range cfg.PermitTypes {
		pt2 := permits.Type{ID: pt.ID, City: pt.City, Name: pt.Name, Zones: pt.Zones, Prices: map[permits.Length]int64{}}
		for l, c := range pt.Prices {
			pt2.Prices[permits.Length(l)] = c
		}
		types = append(types, pt2)
	}
	ps, err := permits.New(ctx, permits.Options{Types: types, Store: db, Payments: pay, Clock: clk.Now, Location: cfg.Location})
	if err != nil {
		t.Fatal(err)
	}
	dcs, err := daycards.New(ctx, daycards.Options{Zones: func() (out []tariffs.Zone) {
		for _, c := range cfg.Cities {
			out = append(out, c.Zones...)
		}
		return out
	}(), Store: db, Payments: pay, Clock: clk.Now, Location: cfg.Location})
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]sessions.Operator{}
	for n, o := range cfg.Operators {
		ops[n] = sessions.Operator{Name: n, Billing: o.OperatorBilling, MonthlyLimit: o.MobilePaymentLimit}
	}
	eng, err := sessions.New(ctx, sessions.Options{Cities: cfg.Cities, Operators: ops, Location: cfg.Location,
		DefaultLanguage: "en", Store: db, Clock: clk, Numbers: msisdn.Belgium{}, Hasher: password.Bcrypt{Cost: bcrypt.MinCost},
		Random: rand.Reader, VoucherPrefixes: cfg.VoucherPrefixes(), Permits: pmBoth{ps, dcs}})
	if err != nil {
		t.Fatal(err)
	}
	for name, k := range pmKeys {
		k.Hash = store.HashKey("sk_test_" + name)
		if err := db.PutAPIKey(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	secret := []byte("0123456789abcdef0123456789abcdef")
	reg := prometheus.NewRegistry()
	s := httpapi.New(httpapi.Options{Registerer: reg, Engine: eng, Store: db, Zones: cfg.Zone,
		Normalize: msisdn.Belgium{}.Normalize, VerifyPassword: password.Verify, Clock: clk.Now, Location: cfg.Location,
		Extra: []func(*httpapi.Server, *http.ServeMux){
			httpapi.PermitRoutes(ps, secret, db), httpapi.DayCardRoutes(dcs, secret, db)}})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &pmAPI{t: t, url: srv.URL, cfg: cfg, eng: eng, clock: clk, secret: secret}
}

// do sends a request with an API key ("sk_test_"+key) or a bearer token
// and decodes the JSON answer.
func (a *pmAPI) do(method, path, cred string, body any) (int, map[string]any) {
	a.t.Helper()
	code, raw, _ := a.raw(method, path, cred, body)
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			a.t.Fatalf("%s %s: not JSON: %q", method, path, raw)
		}
	}
	return code, out
}

func (a *pmAPI) raw(method, path, cred string, body any) (int, []byte, http.Header) {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			a.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.url+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	switch {
	case strings.HasPrefix(cred, "token:"):
		req.Header.Set("Authorization", "Bearer "+strings.TrimPrefix(cred, "token:"))
	case cred != "":
		req.Header.Set("X-API-Key", "sk_test_"+cred)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return resp.StatusCode, raw, resp.Header
}

// callback posts a signed payment callback to path.
func (a *pmAPI) callback(path, id, reference, result string) (int, map[string]any) {
	a.t.Helper()
	c, err := payments.NewCallback(id, reference, result, "bancontact", a.clock.Now())
	if err != nil {
		a.t.Fatal(err)
	}
	body, err := json.Marshal(c)
	if err != nil {
		a.t.Fatal(err)
	}
	return a.postSigned(path, body, payments.Sign(a.secret, body))
}

func (a *pmAPI) postSigned(path string, body []byte, signature string) (int, map[string]any) {
	a.t.Helper()
	req, err := http.NewRequest("POST", a.url+path, bytes.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set(payments.SignatureHeader, signature)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		a.t.Fatal(err)
	}
	return resp.StatusCode, out
}

// sms handles an SMS from +32475000001 at when (RFC 3339).
func (a *pmAPI) sms(when, text string) sessions.Reply {
	a.t.Helper()
	at, err := time.Parse(time.RFC3339, when)
	if err != nil {
		a.t.Fatal(err)
	}
	a.clock.Set(at)
	r, err := a.eng.Handle(context.Background(), sessions.MO{From: "+32475000001", Operator: "proximus", Text: text})
	if err != nil {
		a.t.Fatal(err)
	}
	return r
}

// valid asks the warden endpoint whether plate may park in zone at when.
func (a *pmAPI) valid(warden, plate, zone, when string) bool {
	a.t.Helper()
	code, v := a.do("GET", "/v1/enforcement/plates/"+plate+"?zone="+zone+"&at="+strings.ReplaceAll(when, "+", "%2B"), warden, nil)
	if code != 200 {
		a.t.Fatalf("enforcement %s %s: %d %v", plate, zone, code, v)
	}
	return v["valid"] == true
}

func problemType(m map[string]any) string {
	s, _ := m["type"].(string)
	return strings.TrimPrefix(s, "https://smspark.example/problems/")
}

// TestPermitPortal is the case through the HTTP API: a Leuven
// resident permit bought on the portal for 1ABC123, paid after one failed
// attempt, is valid for the warden and answers a start SMS with
// permit_holder; a rental car for three days; the receipt; a renewal.
func TestPermitPortal(t *testing.T) {
	a := startPermitAPI(t)
	code, types := a.do("GET", "/v1/cities/leuven/permit-types", "portal-leuven", nil)
	if code != 200 || len(types["types"].([]any)) != 1 {
		t.Fatalf("permit types: %d %v", code, types)
	}
	if tp := types["types"].([]any)[0].(map[string]any); tp["id"] != "leuven-resident" ||
		tp["prices_cents"].(map[string]any)["year"] != 12000.0 || tp["prices_cents"].(map[string]any)["month"] != 1500.0 {
		t.Fatalf("type %v", tp)
	}

	code, p := a.do("POST", "/v1/cities/Leuven/permits", "portal-leuven", map[string]any{
		"type": "leuven-resident", "length": "year", "plates": []string{"1-ABC-123"}, "holder": "An Peeters", "language": "nl"})
	if code != 201 || p["status"] != "awaiting_payment" || p["price_cents"] != 12000.0 {
		t.Fatalf("buy: %d %v", code, p)
	}
	id := p["id"].(string)
	first := p["payment"].(map[string]any)["reference"].(string)
	if code, out := a.callback(httpapi.PermitCallbackPath, id, "", "failed"); code != 200 || out["status"] != "awaiting_payment" {
		t.Fatalf("failed payment: %d %v", code, out)
	}
	if a.valid("warden-leuven", "1ABC123", "3000", "2026-11-23T10:01:00+01:00") {
		t.Fatal("valid before payment")
	}
	code, p = a.do("POST", "/v1/permits/"+id+"/payment", "portal-leuven", nil)
	second := p["payment"].(map[string]any)["reference"].(string)
	if code != 200 || second == first || !strings.HasPrefix(p["payment"].(map[string]any)["redirect_url"].(string), "https://pay.example/pay/") {
		t.Fatalf("retry: %d %v", code, p)
	}
	if code, out := a.callback(httpapi.PermitCallbackPath, id, first, "paid"); code != 409 || problemType(out) != "wrong-payment-reference" {
		t.Fatalf("the superseded attempt: %d %v", code, out)
	}
	c, _ := payments.NewCallback(id, second, "paid", "bancontact", a.clock.Now())
	body, _ := json.Marshal(c)
	if code, out := a.postSigned(httpapi.PermitCallbackPath, body, payments.Sign([]byte("wrong secret, wrong secret!!"), body)); code != 401 {
		t.Fatalf("forged callback: %d %v", code, out)
	}
	if code, out := a.postSigned(httpapi.PermitCallbackPath, body, payments.Sign(a.secret, body)); code != 200 || out["status"] != "active" {
		t.Fatalf("paid: %d %v", code, out)
	}
	if code, out := a.postSigned(httpapi.PermitCallbackPath, body, payments.Sign(a.secret, body)); code != 409 || problemType(out) != "replayed-callback" {
		t.Fatalf("replayed callback: %d %v", code, out)
	}

	// The warden and the engine see the permit.
	if !a.valid("warden-leuven", "1ABC123", "3000", "2026-11-23T10:05:00+01:00") {
		t.Fatal("not valid once paid")
	}
	if a.valid("warden-brussels", "1ABC123", "1021", "2026-11-23T10:05:00+01:00") {
		t.Fatal("valid in Brussels")
	}
	if r := a.sms("2026-11-23T10:05:00+01:00", "3000 1ABC123"); r.Outcome != sessions.PermitHolder {
		t.Fatalf("start: %s %q", r.Outcome, r.Text)
	}

	// A rental car for three days.
	code, p = a.do("POST", "/v1/permits/"+id+"/temporary-plate", "counter-leuven",
		map[string]any{"plate": "1ABC123", "temporary": "9-RENT-99", "days": 3})
	if code != 200 || len(p["changes"].([]any)) != 1 || p["valid_plates"].([]any)[0] != "9RENT99" || p["plates"].([]any)[0] != "1ABC123" {
		t.Fatalf("temporary plate: %d %v", code, p)
	}
	for _, tt := range []struct {
		plate, when string
		want        bool
	}{
		{"9RENT99", "2026-11-25T18:00:00+01:00", true},
		{"1ABC123", "2026-11-25T18:00:00+01:00", false},
		{"9RENT99", "2026-11-26T09:00:00+01:00", false},
		{"1ABC123", "2026-11-26T09:00:00+01:00", true},
	} {
		if got := a.valid("warden-leuven", tt.plate, "3000", tt.when); got != tt.want {
			t.Errorf("%s at %s: valid %v, want %v", tt.plate, tt.when, got, tt.want)
		}
	}
	refused := []struct {
		name, path, cred string
		body             any
		code             int
		kind             string
	}{
		{"a plate lent out", "/v1/permits/" + id + "/plate", "portal-leuven", map[string]string{"old": "1ABC123", "new": "2XYZ999"},
			409, "plate-conflict"},
		{"not on the permit", "/v1/permits/" + id + "/plate", "portal-leuven", map[string]string{"old": "5OLD555", "new": "2XYZ999"},
			422, "plate-not-on-permit"},
		{"not a plate", "/v1/permits/" + id + "/plate", "portal-leuven", map[string]string{"old": "1ABC123", "new": "!!"},
			400, "invalid-plate"},
		{"a past date", "/v1/permits/" + id + "/temporary-plate", "portal-leuven",
			map[string]any{"plate": "1ABC123", "temporary": "8RENT88", "days": 1, "from": "2026-01-01"}, 422, "invalid-date"},
		{"another city's key", "/v1/permits/" + id + "/plate", "portal-brussels", map[string]string{"old": "1ABC123", "new": "2XYZ999"},
			404, "not-found"},
		{"a warden key", "/v1/permits/" + id + "/plate", "warden-leuven", map[string]string{"old": "1ABC123", "new": "2XYZ999"},
			403, "forbidden"},
		{"a monthly Carte riverain", "/v1/cities/Brussels/permits", "portal-brussels",
			map[string]any{"type": "brussels-resident", "length": "month", "plates": []string{"1ABC123"}}, 422, "unknown-permit-length"},
		{"four plates", "/v1/cities/Leuven/permits", "portal-leuven",
			map[string]any{"type": "leuven-resident", "length": "year", "plates": []string{"1A1", "2B2", "3C3", "4D4"}}, 400, "bad-request"},
		{"an unknown field", "/v1/cities/Leuven/permits", "portal-leuven", map[string]any{"type": "leuven-resident", "colour": "red"},
			400, "bad-request"},
		{"no retry once paid", "/v1/permits/" + id + "/payment", "portal-leuven", nil, 409, "permit-state"},
		{"no cancel once paid", "/v1/permits/" + id + "/cancel", "portal-leuven", nil, 409, "permit-state"},
		{"Leuven's permits with a Brussels key", "/v1/cities/Leuven/permits", "portal-brussels",
			map[string]any{"type": "leuven-resident", "length": "year", "plates": []string{"1ABC123"}}, 404, "not-found"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			code, out := a.do("POST", tt.path, tt.cred, tt.body)
			if code != tt.code || problemType(out) != tt.kind {
				t.Fatalf("%d %v, want %d %s", code, out, tt.code, tt.kind)
			}
		})
	}

	// The receipt: a PDF, the same bytes each time.
	code, pdf1, h := a.raw("GET", "/v1/permits/"+id+"/receipt.pdf", "counter-leuven", nil)
	if code != 200 || h.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdf1, []byte("%PDF-")) {
		t.Fatalf("receipt: %d %s %q", code, h.Get("Content-Type"), pdf1[:min(len(pdf1), 40)])
	}
	if _, pdf2, _ := a.raw("GET", "/v1/permits/"+id+"/receipt.pdf", "portal-leuven", nil); !bytes.Equal(pdf1, pdf2) {
		t.Error("the receipt differs the second time")
	}

	// Renewal: a year from the end, awaiting payment.
	code, rn := a.do("POST", "/v1/permits/"+id+"/renew", "portal-leuven", nil)
	if code != 201 || rn["renewal_of"] != id || rn["from"] != "2027-11-23T00:00:00+01:00" || rn["status"] != "awaiting_payment" {
		t.Fatalf("renew: %d %v", code, rn)
	}
	if code, out := a.do("POST", "/v1/permits/"+id+"/renew", "portal-leuven", nil); code != 409 || problemType(out) != "permit-state" {
		t.Fatalf("renewing twice: %d %v", code, out)
	}
	if code, _, _ := a.raw("GET", "/v1/permits/"+rn["id"].(string)+"/receipt.pdf", "portal-leuven", nil); code != 409 {
		t.Fatalf("receipt of an unpaid renewal: %d", code)
	}
	code, list := a.do("GET", "/v1/cities/Leuven/permits?plate=1ABC123", "portal-leuven", nil)
	if code != 200 || len(list["permits"].([]any)) != 2 {
		t.Fatalf("permits of 1ABC123: %d %v", code, list)
	}
	if code, _ := a.do("GET", "/v1/permits/"+id, "portal-brussels", nil); code != 404 {
		t.Fatalf("another city's permit: %d", code)
	}
	if code, d := a.do("GET", "/v1/permits/"+id, "admin", nil); code != 200 || d["renewed_by"] != rn["id"] || d["paid"] == nil {
		t.Fatalf("detail for the admin: %d %v", code, d)
	}
}
