package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// The API's contract: every response any test of this package gets goes
// through a validatingTransport, which checks it against openapi.yaml.

var loadSpec = sync.OnceValues(func() (*spec, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("openapi.yaml")
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("openapi.yaml is not a valid OpenAPI document: %w", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml: router: %w", err)
	}
	problem := doc.Components.Schemas["Problem"]
	if problem == nil || problem.Value == nil {
		return nil, errors.New("openapi.yaml: no Problem schema")
	}
	return &spec{doc: doc, router: router, problem: problem.Value}, nil
})

type spec struct {
	doc     *openapi3.T
	router  routers.Router
	problem *openapi3.Schema
}

// mustSpec returns the loaded, validated openapi.yaml.
func mustSpec(tb testing.TB) *spec {
	tb.Helper()
	s, err := loadSpec()
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// validatingTransport checks every response against openapi.yaml: its
// status is documented for the operation, its Content-Type is one the
// operation gives for that status, its body matches the schema, and a
// problem's status repeats the HTTP status. A response that does not
// match is returned as an error (*contractError), so the test that sent
// the request fails. Sample > 1 checks only every Sample-th response (the
// load measurement, where the checking would eat the CPU measured).
type validatingTransport struct {
	spec   *spec
	base   http.RoundTripper
	sample uint64

	mu      sync.Mutex
	n       uint64
	checked uint64
}

// contractError is a response that does not match openapi.yaml.
type contractError struct {
	method, target string
	status         int
	err            error
	body           []byte
}

func (e *contractError) Error() string {
	body := e.body
	if len(body) > 300 {
		body = body[:300]
	}
	return fmt.Sprintf("openapi.yaml: %s %s -> %d does not match the contract: %v (body %q)", e.method, e.target, e.status, e.err, body)
}

func (e *contractError) Unwrap() error { return e.err }

// newClient returns an HTTP client whose responses are checked against
// openapi.yaml. It does not follow redirects: each one is checked and
// returned.
func newClient(tb testing.TB) *http.Client {
	tb.Helper()
	return &http.Client{Transport: newValidatingTransport(tb, http.DefaultTransport, 1),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second}
}

func newValidatingTransport(tb testing.TB, base http.RoundTripper, sample uint64) *validatingTransport {
	tb.Helper()
	if sample == 0 {
		sample = 1
	}
	return &validatingTransport{spec: mustSpec(tb), base: base, sample: sample}
}

func (v *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := v.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	if v.sample > 1 {
		v.mu.Lock()
		v.n++
		skip := v.n%v.sample != 1
		v.mu.Unlock()
		if skip {
			return resp, nil
		}
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err := v.spec.check(req, resp, body); err != nil {
		return nil, &contractError{method: req.Method, target: req.URL.RequestURI(), status: resp.StatusCode, err: err, body: body}
	}
	v.mu.Lock()
	v.checked++
	v.mu.Unlock()
	return resp, nil
}

// check validates one response to req.
func (s *spec) check(req *http.Request, resp *http.Response, body []byte) error {
	ct := resp.Header.Get("Content-Type")
	if isServerLevel(req, resp, body) {
		return nil
	}
	if resp.StatusCode >= 400 && strings.HasPrefix(ct, "application/problem+json") {
		if err := s.checkProblem(resp, body); err != nil {
			return err
		}
	}
	method := req.Method
	if method == http.MethodHead {
		method = http.MethodGet // a GET endpoint answers HEAD too
		if len(body) != 0 {
			return fmt.Errorf("HEAD answered with a body of %d bytes", len(body))
		}
	}
	lookup := req.Clone(context.Background())
	lookup.Method = method
	if req.URL.Opaque != "" {
		// A raw request target (the bad-input tests): route it as the
		// server parsed it.
		u, err := url.ParseRequestURI(req.URL.RequestURI())
		if err != nil {
			return fmt.Errorf("the server answered %d to an unparsable target", resp.StatusCode)
		}
		u.Scheme, u.Host = req.URL.Scheme, req.URL.Host
		lookup.URL = u
	}
	lookup.URL = segmentNormalized(lookup.URL)
	route, params, err := s.router.FindRoute(lookup)
	if err != nil {
		// Not an endpoint of the contract: it must be the catch-all 404.
		if resp.StatusCode != http.StatusNotFound || ct != "application/problem+json" {
			return fmt.Errorf("undocumented endpoint (%v) answered %d %q", err, resp.StatusCode, ct)
		}
		if req.Method != http.MethodHead && !bytes.Contains(body, []byte(`"no such endpoint: `)) {
			return fmt.Errorf("undocumented endpoint (%v) answered a 404 that is not the catch-all", err)
		}
		return nil
	}
	op := route.Operation
	if op.Responses.Status(resp.StatusCode) == nil {
		return fmt.Errorf("%s %s: status %d is not documented", method, route.Path, resp.StatusCode)
	}
	if req.Method == http.MethodHead {
		r := op.Responses.Status(resp.StatusCode).Value
		if len(r.Content) > 0 && r.Content.Get(ct) == nil {
			return fmt.Errorf("%s %s: %d with undocumented Content-Type %q", method, route.Path, resp.StatusCode, ct)
		}
		return nil
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: lookup, PathParams: params, Route: route},
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return err
	}
	if r := op.Responses.Status(resp.StatusCode).Value; len(r.Content) > 0 && ct == "" {
		return fmt.Errorf("%s %s: %d without a Content-Type", method, route.Path, resp.StatusCode)
	}
	if strings.HasPrefix(ct, "application/pdf") && !bytes.HasPrefix(body, []byte("%PDF-")) {
		return fmt.Errorf("%s %s: application/pdf that is no PDF", method, route.Path)
	}
	return nil
}

// segmentNormalized returns u with each path segment unescaped and
// escaped again, as Go's ServeMux matches (segment by segment, so that
// %2F stays inside its segment): /%76%31/%6Frders/a%2Fb routes as
// /v1/orders/{a%2Fb}.
func segmentNormalized(u *url.URL) *url.URL {
	out := *u
	segs := strings.Split(u.EscapedPath(), "/")
	plain := make([]string, len(segs))
	for i, seg := range segs {
		p, err := url.PathUnescape(seg)
		if err != nil {
			return u
		}
		plain[i] = p
		segs[i] = url.PathEscape(p)
	}
	out.Path = strings.Join(plain, "/")
	out.RawPath = strings.Join(segs, "/")
	return &out
}

// checkProblem checks that a problem document is one (whatever the
// endpoint) and that its status is the HTTP status. Whether an endpoint
// answers a problem at all is the operation's schema's business.
func (s *spec) checkProblem(resp *http.Response, body []byte) error {
	if resp.Request != nil && resp.Request.Method == http.MethodHead {
		return nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("problem body is not JSON: %w", err)
	}
	if err := s.problem.VisitJSON(v); err != nil {
		return fmt.Errorf("problem body: %w", err)
	}
	var p struct{ Status int }
	if err := json.Unmarshal(body, &p); err != nil || p.Status != resp.StatusCode {
		return fmt.Errorf("problem status %d in a %d response", p.Status, resp.StatusCode)
	}
	return nil
}

// isServerLevel reports whether Go's HTTP server answered before any
// endpoint (documented in openapi.yaml's description): 400 for a
// malformed request, 431 for headers over the limit, both text/plain, and
// a redirect to the clean path of a path that is not clean.
func isServerLevel(req *http.Request, resp *http.Response, body []byte) bool {
	ct := resp.Header.Get("Content-Type")
	switch resp.StatusCode {
	case http.StatusBadRequest, http.StatusRequestHeaderFieldsTooLarge:
		return strings.HasPrefix(ct, "text/plain") &&
			(req.Method == http.MethodHead || bytes.HasPrefix(body, []byte(fmt.Sprint(resp.StatusCode, " "))))
	case http.StatusMovedPermanently, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		// ServeMux cleans the unescaped path: /%2Fv1/x/../y is not clean.
		u, err := url.ParseRequestURI(req.URL.RequestURI())
		if err != nil {
			return false
		}
		loc := resp.Header.Get("Location")
		return loc != "" && path.Clean(u.Path) != u.Path && loc != req.URL.RequestURI()
	}
	return false
}

func TestOpenAPIDocument(t *testing.T) {
	s := mustSpec(t)
	if s.doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi %q, want 3.0.3", s.doc.OpenAPI)
	}
	for p, item := range s.doc.Paths.Map() {
		for method, op := range item.Operations() {
			t.Run(method+" "+p, func(t *testing.T) {
				if op.Responses.Status(500) == nil {
					t.Error("no 500 documented")
				}
				secured := op.Security == nil || len(*op.Security) > 0
				if op.Security == nil {
					t.Error("no security requirement (use security: [] for public endpoints)")
				}
				if secured && op.Responses.Status(401) == nil {
					t.Error("a secured endpoint without 401")
				}
				for code, r := range op.Responses.Map() {
					// Not problems: readiness (JSON for probes), and Go's HTTP
					// server's answer to a malformed request.
					exempt := (p == "/readyz" && code == "503") ||
						r.Ref == "#/components/responses/MalformedRequest"
					if code[0] >= '4' && !exempt && r.Value.Content.Get("application/problem+json") == nil {
						t.Errorf("%s: an error that is not a problem", code)
					}
				}
				if method != http.MethodPost {
					return
				}
				hasKey := false
				for _, prm := range op.Parameters {
					if prm.Value.In == "header" && prm.Value.Name == "Idempotency-Key" {
						hasKey = true
					}
				}
				if !hasKey {
					t.Error("a POST without the Idempotency-Key header")
				}
				for _, code := range []int{413, 422} {
					if op.Responses.Status(code) == nil {
						t.Errorf("a POST without %d (body too large, idempotency key reused)", code)
					}
				}
			})
		}
	}
}

// TestOpenAPICoversRoutes checks that every operation of openapi.yaml is
// served (it does not get the catch-all 404) and that a path the server
// does not serve gets the catch-all problem.
func TestOpenAPICoversRoutes(t *testing.T) {
	a := startAPI(t)
	s := mustSpec(t)
	for p, item := range s.doc.Paths.Map() {
		for method := range item.Operations() {
			target := strings.NewReplacer("{plate}", "1ABC123", "{id}", "XNOPE", "{number}", "%2B32475000001",
				"{month}", "2026-11", "{city}", "Brussels").Replace(p)
			t.Run(method+" "+p, func(t *testing.T) {
				code, body := a.with(t).raw(method, target, "admin", nil)
				if code == 404 && strings.Contains(string(body), "no such endpoint") {
					t.Fatalf("%s %s is documented but not served", method, target)
				}
			})
		}
	}
	for _, target := range []string{"/v1", "/v1/nope", "/v1/orders", "/healthz/x"} {
		if code, _ := a.raw("GET", target, "admin", nil); code != 404 {
			t.Errorf("GET %s: %d, want 404", target, code)
		}
	}
	if code, _ := a.raw("PUT", "/v1/accounts", "admin", nil); code != 404 {
		t.Errorf("PUT /v1/accounts: %d, want the catch-all 404", code)
	}
}

// TestValidatingTransportRejects makes sure the contract check is not a
// no-op: responses that break openapi.yaml are errors.
func TestValidatingTransportRejects(t *testing.T) {
	s := mustSpec(t)
	req := func(method, target string) *http.Request {
		r, err := http.NewRequest(method, "http://127.0.0.1"+target, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	resp := func(r *http.Request, code int, ct string) *http.Response {
		h := http.Header{}
		if ct != "" {
			h.Set("Content-Type", ct)
		}
		return &http.Response{StatusCode: code, Header: h, Request: r}
	}
	enf := "/v1/enforcement/plates/1ABC123?zone=1021"
	valid := `{"plate":"1ABC123","zone":"1021","at":"2026-11-23T10:00:00+01:00","valid":false,"until":null,"session":null,"recently_ended":[]}`
	tests := []struct {
		name   string
		req    *http.Request
		code   int
		ct     string
		body   string
		wantOK bool
	}{
		{"valid", req("GET", enf), 200, "application/json", valid, true},
		{"missing field", req("GET", enf), 200, "application/json", `{"plate":"1ABC123"}`, false},
		{"extra field", req("GET", enf), 200, "application/json", strings.Replace(valid, `"valid"`, `"secret":1,"valid"`, 1), false},
		{"wrong type", req("GET", enf), 200, "application/json", strings.Replace(valid, `"valid":false`, `"valid":"no"`, 1), false},
		{"undocumented status", req("GET", enf), 409, "application/problem+json",
			`{"type":"https://smspark.example/problems/x","title":"X","status":409}`, false},
		{"problem as JSON", req("GET", enf), 401, "application/json",
			`{"type":"https://smspark.example/problems/unauthorized","title":"X","status":401}`, false},
		{"problem with the wrong status", req("GET", enf), 401, "application/problem+json",
			`{"type":"https://smspark.example/problems/unauthorized","title":"X","status":403}`, false},
		{"problem type outside the base", req("GET", enf), 401, "application/problem+json",
			`{"type":"about:blank","title":"X","status":401}`, false},
		{"problem", req("GET", enf), 401, "application/problem+json",
			`{"type":"https://smspark.example/problems/unauthorized","title":"Unauthorized","status":401,"detail":"d"}`, true},
		{"text where JSON", req("GET", "/healthz"), 200, "text/plain", "ok", false},
		{"undocumented endpoint with 200", req("GET", "/v1/secret"), 200, "application/json", `{}`, false},
		{"catch-all", req("GET", "/v1/secret"), 404, "application/problem+json",
			`{"type":"https://smspark.example/problems/not-found","title":"Not found","status":404,"detail":"no such endpoint: GET /v1/secret"}`, true},
		{"500 as text", req("GET", "/healthz"), 500, "text/plain", "oops", false},
		{"pdf that is no pdf", req("GET", "/v1/orders/OX/letter.pdf"), 200, "application/pdf", "hello", false},
		{"server-level 431", req("GET", "/healthz"), 431, "text/plain; charset=utf-8", "431 Request Header Fields Too Large", true},
		{"redirect of a clean path", req("GET", "/healthz"), 301, "text/html", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := resp(tt.req, tt.code, tt.ct)
			err := s.check(tt.req, r, []byte(tt.body))
			if tt.wantOK && err != nil {
				t.Fatalf("rejected: %v", err)
			}
			if !tt.wantOK && err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

// TestContractJourney calls every endpoint the way its client would, so
// that each success answer (and the usual refusals) is checked against
// openapi.yaml by the client.
func TestContractJourney(t *testing.T) {
	a := startAPI(t)
	o := a.makeOrders()
	ok := func(want int, method, path, cred string, body any, hdr ...string) map[string]any {
		t.Helper()
		code, v := a.do(method, path, cred, body, hdr...)
		if code != want {
			t.Fatalf("%s %s: %d %v, want %d", method, path, code, v, want)
		}
		return v
	}
	raw := func(want int, method, path, cred string, hdr ...string) (*http.Response, []byte) {
		t.Helper()
		resp, b := a.send(a.request(method, path, cred, nil, hdr...))
		if resp.StatusCode != want {
			t.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, b, want)
		}
		return resp, b
	}

	// Operations.
	ok(200, "GET", "/healthz", "", nil)
	ok(200, "GET", "/readyz", "", nil)
	// /metrics is served on the admin listener only.
	raw(404, "GET", "/metrics", "")
	raw(200, "HEAD", "/healthz", "")

	// Accounts, the motorist, statements.
	acct := ok(201, "POST", "/v1/accounts", "admin", map[string]any{"package": "pro", "numbers": []string{"+32475000001"}})
	id := acct["id"].(string)
	ok(200, "GET", "/v1/accounts/"+id, "admin", nil)
	ok(200, "POST", "/v1/accounts/"+id+"/numbers", "admin", map[string]any{"number": "0475 00 00 02"})
	ok(200, "DELETE", "/v1/accounts/"+id+"/numbers/%2B32475000002", "admin", nil)
	ok(409, "DELETE", "/v1/accounts/"+id+"/numbers/%2B32475000001", "admin", nil)
	ok(200, "POST", "/v1/accounts/"+id+"/package", "admin", map[string]any{"package": "premium"})
	a.sms("2026-11-02T10:00:00+01:00", "+32475000001", "1021 1ABC123")
	a.sms("2026-11-02T11:00:00+01:00", "+32475000001", "Q")
	a.clock.Set(mustParse(t, "2026-11-23T10:00:00+01:00"))
	token := a.motoristToken("+32475000001")
	ok(201, "POST", "/v1/me/sessions", token, map[string]string{"zone": "1021", "plate": "1-XYZ-987"})
	ok(200, "POST", "/v1/me/sessions", token, map[string]string{"zone": "1021", "plate": "1-XYZ-987"})
	ok(400, "POST", "/v1/me/sessions", token, map[string]string{"zone": "9999", "plate": "1-XYZ-987"})
	v := ok(200, "GET", "/v1/enforcement/plates/1XYZ987?zone=1021", "warden-brussels", nil)
	if v["valid"] != true {
		t.Fatalf("enforcement: %v", v)
	}
	ok(200, "GET", "/v1/me/sessions", token, nil)
	ok(200, "POST", "/v1/me/sessions/stop", token, map[string]string{"plate": "1XYZ987"})
	ok(422, "POST", "/v1/me/sessions/stop", token, map[string]string{})
	ok(200, "GET", "/v1/me/messages", token, nil)
	for _, p := range []string{"/v1/me/statements/2026-11", "/v1/accounts/" + id + "/statements/2026-11"} {
		cred := token
		if strings.HasPrefix(p, "/v1/accounts/") {
			cred = "admin"
		}
		if st := ok(200, "GET", p, cred, nil); len(st["lines"].([]any)) == 0 {
			t.Fatalf("%s: %v", p, st)
		}
		raw(200, "GET", p+"?format=csv", cred)
		raw(200, "GET", p+"?format=pdf&lang=fr", cred)
		ok(400, "GET", p+"?format=xml", cred, nil)
		ok(400, "GET", strings.Replace(p, "2026-11", "2026-13", 1), cred, nil)
	}
	ok(404, "GET", "/v1/me/statements/2026-11", a.motoristToken("+32475000009"), nil)

	// Vouchers and payments.
	ok(200, "GET", "/v1/cities/Blankenberge/voucher-types?street=Kerkstraat&number=7&lang=fr", "counter-blankenberge", nil)
	ok(200, "GET", "/v1/cities/Brussels/voucher-types?street=Avenue+Louise&number=10", "portal-brussels", nil)
	ok(400, "GET", "/v1/cities/Brussels/voucher-types", "portal-brussels", nil)
	ok(201, "POST", "/v1/cities/Blankenberge/backoffice/orders", "counter-blankenberge",
		map[string]any{"type": "BLA", "citizen": "Els", "street": "Zeedijk", "number": "3", "quantity": 10})
	ok(422, "POST", "/v1/cities/Blankenberge/orders", "portal-blankenberge",
		map[string]any{"type": "BLA", "citizen": "Els", "street": "Zeedijk", "number": "3", "quantity": 7})
	ok(200, "GET", "/v1/orders/"+o.paid, "portal-brussels", nil)
	if resp, b := raw(200, "GET", "/v1/orders/"+o.paid+"/letter.pdf", "counter-brussels"); !bytes.HasPrefix(b, []byte("%PDF-")) ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), o.paid) {
		t.Fatalf("letter: %v %.20q", resp.Header, b)
	}
	ok(409, "GET", "/v1/orders/"+o.awaiting+"/letter.pdf", "counter-brussels", nil)
	ok(200, "POST", "/v1/orders/"+o.awaiting+"/payment", "portal-brussels", nil)
	ok(409, "POST", "/v1/orders/"+o.paid+"/payment", "portal-brussels", nil)
	ok(200, "POST", "/v1/orders/"+o.blaAwaiting+"/cancel", "counter-blankenberge", nil)
	if code, r := a.signedCallback(a.callbackNow(o.awaiting, "paid")); code != 200 || r["status"] != "paid" {
		t.Fatalf("callback: %d %v", code, r)
	}

	// Reduced tariffs.
	ok(200, "GET", "/v1/cities/Leuven/reduced-tariffs", "counter-leuven", nil)
	g := ok(201, "POST", "/v1/cities/Leuven/reduced-tariffs", "counter-leuven", map[string]any{"account": id,
		"from": "2026-11-01", "to": "2026-11-30", "granted_by": "desk 1", "reason": "social tariff"})
	ok(400, "POST", "/v1/cities/Leuven/reduced-tariffs", "counter-leuven", map[string]any{"account": id, "number": "+32475000001",
		"from": "2026-11-01", "to": "2026-11-30", "granted_by": "desk 1", "reason": "both"})
	ok(422, "POST", "/v1/cities/Brussels/reduced-tariffs", "counter-brussels", map[string]any{"number": "+32475000001",
		"from": "2026-11-01", "to": "2026-11-30", "granted_by": "desk 1", "reason": "none in Brussels"})
	ok(200, "POST", "/v1/reduced-tariffs/"+g["id"].(string)+"/revoke", "counter-leuven", nil)

	// Permits.
	ok(200, "GET", "/v1/cities/Leuven/permit-types", "portal-leuven", nil)
	ok(200, "GET", "/v1/cities/Leuven/permits?plate=1-leu-001", "counter-leuven", nil)
	ok(400, "GET", "/v1/cities/Leuven/permits", "counter-leuven", nil)
	ok(200, "GET", "/v1/permits/"+o.permitPaid, "portal-leuven", nil)
	if _, b := raw(200, "GET", "/v1/permits/"+o.permitPaid+"/receipt.pdf", "portal-leuven"); !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatal("receipt: no PDF")
	}
	ok(409, "GET", "/v1/permits/"+o.permitAwaiting+"/receipt.pdf", "portal-leuven", nil)
	ok(200, "POST", "/v1/permits/"+o.permitAwaiting+"/payment", "portal-leuven", nil)
	ok(200, "POST", "/v1/permits/"+o.permitPaid+"/plate", "counter-leuven", map[string]any{"old": "1LEU001", "new": "1LEU009"})
	ok(422, "POST", "/v1/permits/"+o.permitPaid+"/plate", "counter-leuven", map[string]any{"old": "1XXX001", "new": "1LEU008"})
	ok(200, "POST", "/v1/permits/"+o.permitPaid+"/temporary-plate", "counter-leuven",
		map[string]any{"plate": "1LEU009", "temporary": "1RENT01", "days": 3, "from": "2026-11-24"})
	ok(201, "POST", "/v1/permits/"+o.permitPaid+"/renew", "portal-leuven", map[string]any{"length": "year"})
	ok(409, "POST", "/v1/permits/"+o.permitPaid+"/renew", "portal-leuven", nil)
	ok(409, "POST", "/v1/permits/"+o.permitPaid+"/cancel", "portal-leuven", nil)
	ok(200, "POST", "/v1/permits/"+o.permitAwaiting+"/cancel", "portal-leuven", nil)
	ok(422, "POST", "/v1/cities/Leuven/permits", "portal-leuven", map[string]any{"type": "leuven-resident", "length": "month",
		"start": "2020-01-01", "plates": []string{"1LEU005"}})
	if v := ok(200, "GET", "/v1/enforcement/plates/1RENT01?zone=3000&at=2026-11-24T12:00:00%2B01:00", "admin", nil); v["valid"] != true {
		t.Fatalf("the temporary plate is not valid: %v", v)
	}

	// Day cards.
	ok(200, "GET", "/v1/daycards/zones", "", nil)
	ok(200, "GET", "/v1/me/daycards", o.cardOwner, nil)
	ok(200, "GET", "/v1/me/daycards/"+o.card, o.cardOwner, nil)
	ok(200, "POST", "/v1/me/daycards/"+o.card+"/days", o.cardOwner, map[string]any{"plate": "1ABC123", "dates": []string{"2026-11-24", "2026-11-25"}})
	ok(409, "POST", "/v1/me/daycards/"+o.card+"/days", o.cardOwner, map[string]any{"plate": "1ABC123", "date": "2026-11-24"})
	ok(422, "POST", "/v1/me/daycards/"+o.card+"/days", o.cardOwner, map[string]any{"plate": "1ABC123", "date": "2026-11-29"})
	ok(200, "POST", "/v1/me/daycards/"+o.card+"/days/2026-11-25/cancel", o.cardOwner, nil)
	ok(404, "POST", "/v1/me/daycards/"+o.card+"/days/2026-11-27/cancel", o.cardOwner, nil)
	ok(409, "POST", "/v1/me/daycards/"+o.card+"/cancel", o.cardOwner, nil)
	ok(409, "POST", "/v1/me/daycards/"+o.card+"/payment", o.cardOwner, nil)
	c2 := ok(201, "POST", "/v1/me/daycards", o.cardOwner, map[string]any{"zone": "3000", "days": 2})
	ok(200, "POST", "/v1/me/daycards/"+c2["id"].(string)+"/payment", o.cardOwner, nil)
	ok(200, "POST", "/v1/me/daycards/"+c2["id"].(string)+"/cancel", o.cardOwner, nil)
	ok(404, "POST", "/v1/me/daycards", o.cardOwner, map[string]any{"zone": "8371", "days": 2})

	// Idempotent replay: the stored answer, marked.
	body := map[string]any{"package": "pro", "numbers": []string{"+32475000005"}}
	ok(201, "POST", "/v1/accounts", "admin", body, "Idempotency-Key", "journey")
	again, _ := json.Marshal(body)
	resp, _ := a.send(a.request("POST", "/v1/accounts", "admin", again, "Idempotency-Key", "journey"))
	if resp.StatusCode != 201 || resp.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %d %v", resp.StatusCode, resp.Header)
	}
	ok(400, "POST", "/v1/accounts", "admin", body, "Idempotency-Key", strings.Repeat("k", 256))
	ok(413, "POST", "/v1/accounts", "admin", map[string]any{"package": strings.Repeat("p", 70_000)})
}

// TestOpenAPIListsEveryRoute reads the package's source for the routes
// the Server registers (s.route and s.Route calls, and /metrics) and
// checks that openapi.yaml documents each, so that a new endpoint cannot
// go undocumented. (The admin endpoint is another listener, not this
// API.)
func TestOpenAPIListsEveryRoute(t *testing.T) {
	s := mustSpec(t)
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]string{}
	var calls []*ast.CallExpr
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				// Server.Route hands its caller's pattern on.
				return !(n.Recv != nil && n.Name.Name == "Route")
			case *ast.ValueSpec:
				for i, id := range n.Names {
					if i < len(n.Values) {
						if lit, ok := n.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							consts[id.Name], _ = strconv.Unquote(lit.Value)
						}
					}
				}
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "route" || sel.Sel.Name == "Route") {
					if x, ok := sel.X.(*ast.Ident); ok && x.Name == "s" && len(n.Args) >= 2 {
						calls = append(calls, n)
					}
				}
			}
			return true
		})
	}
	var eval func(e ast.Expr) (string, bool)
	eval = func(e ast.Expr) (string, bool) {
		switch e := e.(type) {
		case *ast.BasicLit:
			v, err := strconv.Unquote(e.Value)
			return v, err == nil
		case *ast.Ident:
			v, ok := consts[e.Name]
			return v, ok
		case *ast.BinaryExpr:
			a, ok1 := eval(e.X)
			b, ok2 := eval(e.Y)
			return a + b, ok1 && ok2 && e.Op == token.ADD
		}
		return "", false
	}
	params := regexp.MustCompile(`\{[^}]*\}`)
	documented := map[string]bool{}
	for p, item := range s.doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+params.ReplaceAllString(p, "{}")] = true
		}
	}
	var patterns []string
	for _, c := range calls {
		p, ok := eval(c.Args[1])
		if !ok {
			t.Errorf("%s: a route whose pattern is not a constant", fset.Position(c.Pos()))
			continue
		}
		patterns = append(patterns, p)
	}
	if len(patterns) < 40 {
		t.Fatalf("only %d routes found in the source: %v", len(patterns), patterns)
	}
	for _, p := range patterns {
		if !documented[params.ReplaceAllString(p, "{}")] {
			t.Errorf("%s is registered but not in openapi.yaml", p)
		}
	}
	t.Logf("%d routes, all documented", len(patterns))
}
