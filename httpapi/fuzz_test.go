package httpapi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"syscall"
	"testing"
	"unicode/utf8"
)

// Bad input gets a 4xx problem, never a 500 and never a half-written
// change (httpapi/openapi.yaml): thousands of random and malformed requests against
// every route, with valid and invalid credentials. Every answer is checked
// against openapi.yaml by the client; every 4xx must leave the store as
// it was.

// badInputRequests is how many requests TestBadInput sends.
const badInputRequests = 3000

// fuzzTarget is an endpoint with the values its parameters may take.
type fuzzTarget struct {
	method string
	path   string // with {params}
	body   func(g *generator) map[string]any
	cred   string // who would call it (a key name; "token": the motorist)
}

// generator draws requests from a fixed seed.
type generator struct {
	r         *rand.Rand
	targets   []fuzzTarget
	params    map[string][]string
	creds     []string // key names, tokens, junk
	idemKey   []string
	token     string    // the motorist's
	owner     string    // the day card's owner's token
	blaOrders [2]string // Blankenberge's orders
}

func newGenerator(seed uint64, a *api, o orders, token, account string) *generator {
	g := &generator{r: rand.New(rand.NewPCG(seed, seed^0x5eed)), token: token, owner: o.cardOwner, blaOrders: [2]string{o.blaPaid, o.blaAwaiting}}
	order := func(g *generator) map[string]any {
		// Valid for Brussels or for Blankenberge, or anything.
		types, streets, qty := []any{"VBR"}, []any{"Avenue Louise"}, []any{1}
		if g.r.IntN(2) == 0 {
			types, streets, qty = []any{"BLA"}, []any{"Kerkstraat"}, []any{10}
		}
		if g.r.IntN(2) == 0 {
			return map[string]any{"type": types[0], "citizen": "Jan", "street": streets[0],
				"number": fmt.Sprint(g.r.IntN(300)), "quantity": qty[0], "language": "nl"}
		}
		types = append(types, "VBR", "BLA", "vbr", "NOPE", "", 7, nil)
		streets = append(streets, "Avenue Louise", "Kerkstraat", "Zeedijk", "Rue du Bailli", "", "Nowhere", strings.Repeat("s", 201))
		qty = append(qty, 1, 2, 10, 20, 0, -10, 1e9, 1e300, 9007199254740993, "10", 2.5)
		return map[string]any{"type": pickv(g, types), "citizen": pickv(g, []any{"Jan", "", " ", "Zoë", strings.Repeat("c", 201)}),
			"street": pickv(g, streets), "number": pickv(g, []any{fmt.Sprint(g.r.IntN(300)), "12b", "", strings.Repeat("9", 21)}),
			"quantity": pickv(g, qty), "language": pickv(g, []any{"nl", "fr", "xx", ""})}
	}
	g.targets = []fuzzTarget{
		{"GET", "/healthz", nil, ""},
		{"GET", "/readyz", nil, ""},
		{"GET", "/v1/enforcement/plates/{plate}?zone={zone}", nil, "warden-brussels"},
		{"GET", "/v1/enforcement/plates/{plate}?zone={zone}&at={at}", nil, "warden-brussels"},
		{"POST", "/v1/accounts", func(g *generator) map[string]any {
			return map[string]any{"package": pick(g, []any{"premium", "pro", "easy", "", 1}),
				"numbers": pick(g, []any{[]any{"+32475111111"}, []any{}, []any{"junk"}, []any{"+32475000001", "+32475000001"}, "x", nil})}
		}, "admin"},
		{"GET", "/v1/accounts/{account}", nil, "admin"},
		{"POST", "/v1/accounts/{account}/numbers", func(g *generator) map[string]any {
			return map[string]any{"number": pick(g, []any{"+32475222222", "0475 22 22 23", "junk", "", 32475, nil})}
		}, "admin"},
		{"DELETE", "/v1/accounts/{account}/numbers/{number}", nil, "admin"},
		{"POST", "/v1/accounts/{account}/package", func(g *generator) map[string]any {
			return map[string]any{"package": pick(g, []any{"premium", "pro", "easy", "", true})}
		}, "admin"},
		{"GET", "/v1/accounts/{account}/statements/{month}?format={format}&lang={lang}", nil, "admin"},
		{"POST", "/v1/login", func(g *generator) map[string]any {
			return map[string]any{"username": pick(g, []any{"+32475000001", "0475000001", "junk", "", 1}),
				"password": pick(g, []any{"x", "", strings.Repeat("p", 129), nil})}
		}, ""},
		{"GET", "/v1/me/sessions", nil, "token"},
		{"POST", "/v1/me/sessions", func(g *generator) map[string]any {
			return map[string]any{"zone": pick(g, []any{"1021", "3000", "8371", "9999", "", 1021}),
				"plate": pick(g, []any{"1ABC123", "1-xyz-999", "!!", "", strings.Repeat("A", 40)})}
		}, "token"},
		{"POST", "/v1/me/sessions/stop", func(g *generator) map[string]any {
			return map[string]any{"plate": pick(g, []any{"1ABC123", "", "??", nil})}
		}, "token"},
		{"GET", "/v1/me/statements/{month}?format={format}&lang={lang}", nil, "token"},
		{"GET", "/v1/cities/{city}/voucher-types?street={street}&number={number}&lang={lang}", nil, "portal-brussels"},
		{"POST", "/v1/cities/{city}/orders", order, "portal-brussels"},
		{"POST", "/v1/cities/{city}/backoffice/orders", order, "portal-brussels"},
		{"GET", "/v1/orders/{order}", nil, "portal-brussels"},
		{"GET", "/v1/orders/{order}/letter.pdf", nil, "portal-brussels"},
		{"POST", "/v1/orders/{order}/payment", nil, "portal-brussels"},
		{"POST", "/v1/orders/{order}/cancel", nil, "portal-brussels"},
		{"POST", "/v1/payments/callback", func(g *generator) map[string]any {
			return map[string]any{"order": pick(g, []any{o.awaiting, o.paid, "ONOPE", ""}),
				"result": pick(g, []any{"paid", "failed", "maybe"}), "nonce": pick(g, []any{"n1", "", 1}),
				"timestamp": pick(g, []any{"2026-11-23T09:00:00Z", "yesterday", 0})}
		}, ""},
		{"GET", "/v1/me/messages", nil, "token"},
		{"GET", "/v1/cities/{city}/reduced-tariffs", nil, "counter-leuven"},
		{"POST", "/v1/cities/{city}/reduced-tariffs", func(g *generator) map[string]any {
			if g.r.IntN(2) == 0 {
				return map[string]any{"number": "+32475000090", "from": "2026-11-01", "to": "2026-11-30", "granted_by": "a", "reason": "b"}
			}
			return map[string]any{"number": pick(g, []any{"+32475000090", "", "junk", nil}), "account": pick(g, []any{"", account, "ANOPE", 1}),
				"from":       pick(g, []any{"2026-11-01", "2026-13-01", "", "01/11/2026", 20261101}),
				"to":         pick(g, []any{"2026-11-30", "2026-10-01", "9999-12-31", ""}),
				"granted_by": pick(g, []any{"a", "", strings.Repeat("g", 201)}), "reason": pick(g, []any{"b", "", strings.Repeat("r", 501)})}
		}, "counter-leuven"},
		{"POST", "/v1/reduced-tariffs/{grant}/revoke", nil, "counter-leuven"},
		{"GET", "/v1/cities/{city}/permit-types", nil, "portal-leuven"},
		{"GET", "/v1/cities/{city}/permits?plate={plate}", nil, "counter-leuven"},
		{"POST", "/v1/cities/{city}/permits", func(g *generator) map[string]any {
			if g.r.IntN(2) == 0 {
				return map[string]any{"type": "leuven-resident", "length": "month", "plates": []string{fmt.Sprintf("1FZ%04d", g.r.IntN(10000))}}
			}
			return map[string]any{"type": pick(g, []any{"leuven-resident", "brussels-resident", "", 1}),
				"length": pick(g, []any{"month", "year", "week", nil}), "start": pick(g, []any{"2026-11-23", "2020-01-01", "2099-01-01", "x"}),
				"plates": pick(g, []any{[]any{"1FZ0001"}, []any{}, []any{"a", "b", "c", "d"}, []any{"!!"}, "1FZ0001"}),
				"holder": pick(g, []any{"", strings.Repeat("h", 201)}), "language": pick(g, []any{"nl", "xx"})}
		}, "portal-leuven"},
		{"GET", "/v1/permits/{permit}", nil, "portal-leuven"},
		{"GET", "/v1/permits/{permit}/receipt.pdf", nil, "portal-leuven"},
		{"POST", "/v1/permits/{permit}/payment", nil, "portal-leuven"},
		{"POST", "/v1/permits/{permit}/cancel", nil, "counter-leuven"},
		{"POST", "/v1/permits/{permit}/renew", func(g *generator) map[string]any {
			return map[string]any{"length": pick(g, []any{"month", "year", "", "decade", 12})}
		}, "portal-leuven"},
		{"POST", "/v1/permits/{permit}/plate", func(g *generator) map[string]any {
			return map[string]any{"old": pick(g, []any{"1LEU001", "1XXX001", ""}), "new": pick(g, []any{"1LEU005", "1LEU002", "!!", nil})}
		}, "portal-leuven"},
		{"POST", "/v1/permits/{permit}/temporary-plate", func(g *generator) map[string]any {
			return map[string]any{"plate": pick(g, []any{"1LEU001", "1XXX001"}), "temporary": pick(g, []any{"1RENT02", "", "??"}),
				"days": pick(g, []any{1, 3, 0, -1, 400, 1e12}), "from": pick(g, []any{"2026-11-24", "2020-01-01", "tomorrow"})}
		}, "counter-leuven"},
		{"GET", "/v1/daycards/zones", nil, ""},
		{"GET", "/v1/me/daycards", nil, "owner"},
		{"POST", "/v1/me/daycards", func(g *generator) map[string]any {
			return map[string]any{"zone": pick(g, []any{"1021", "3000", "8371", "9999", ""}), "days": pick(g, []any{1, 2, 0, 101, -5, "2"})}
		}, "owner"},
		{"GET", "/v1/me/daycards/{card}", nil, "owner"},
		{"POST", "/v1/me/daycards/{card}/payment", nil, "owner"},
		{"POST", "/v1/me/daycards/{card}/cancel", nil, "owner"},
		{"POST", "/v1/me/daycards/{card}/days", func(g *generator) map[string]any {
			return map[string]any{"plate": pick(g, []any{"1ABC123", "", "!!"}), "date": pick(g, []any{"2026-11-24", "2026-11-29", "2020-01-01", "x", ""}),
				"dates": pick(g, []any{nil, []any{"2026-11-24", "2026-11-24"}, []any{}, make([]any, 101)})}
		}, "owner"},
		{"POST", "/v1/me/daycards/{card}/days/{date}/cancel", nil, "owner"},
		{"POST", "/v1/payments/permits/callback", func(g *generator) map[string]any {
			return map[string]any{"order": pick(g, []any{o.permitAwaiting, "PNOPE"}), "result": "paid", "nonce": "n", "timestamp": "2026-11-23T09:00:00Z"}
		}, ""},
		{"POST", "/v1/payments/daycards/callback", func(g *generator) map[string]any {
			return map[string]any{"order": pick(g, []any{o.card, "DNOPE"}), "result": "failed", "nonce": "n", "timestamp": "x"}
		}, ""},
		{"GET", "/v1/nope", nil, ""},
		{"GET", "/", nil, ""},
	}
	junk := []string{"", "..", "%2e%2e", "..%2F..%2Fetc%2Fpasswd", "%00", "%zz", "%", "a%2Fb", "ÄÖÜ", "💥", "\u202e",
		"%C3%A4", "%FF%FE", strings.Repeat("x", 5000), "a b", "a\"b", "<script>", "'; DROP TABLE x;--", "null", "-1",
		"9999999999999999999999"}
	g.params = map[string][]string{
		"plate":   append([]string{"1ABC123", "1-abc-123", "2XYZ999"}, junk...),
		"zone":    append([]string{"1021", "1030", "3000", "8371"}, junk...),
		"at":      append([]string{"2026-11-23T10:01:00%2B01:00", "2026-11-23T10:01:00Z", "yesterday", "0001-01-01T00:00:00Z"}, junk...),
		"account": append([]string{account, account, "ANOPE"}, junk...),
		"number":  append([]string{"%2B32475000002", "0475000002", "1", "12b"}, junk...),
		"month":   append([]string{"2026-11", "2026-13", "0000-00", "2026-1", "9999-12"}, junk...),
		"format":  {"json", "csv", "pdf", "xml", ""},
		"lang":    {"nl", "fr", "de", "en", "xx", ""},
		"city":    append([]string{"Brussels", "Blankenberge", "Leuven", "Kortrijk", "brussels", "BLANKENBERGE", "leuven", "Nowhere"}, junk...),
		"street":  {"Avenue+Louise", "Kerkstraat", "", strings.Repeat("s", 201), "%00"},
		"order":   append([]string{o.awaiting, o.paid, o.cancelled, o.blaPaid, o.blaAwaiting, "ONOPE"}, junk...),
		"grant":   append([]string{o.grant, "GNOPE"}, junk...),
		"permit":  append([]string{o.permitPaid, o.permitAwaiting, o.permitBrussels, "PNOPE"}, junk...),
		"card":    append([]string{o.card, "DNOPE"}, junk...),
		"date":    append([]string{"2026-11-24", "2026-11-23", "2026-02-30", "24-11-2026"}, junk...),
	}
	g.creds = []string{"admin", "warden-brussels", "warden-leuven", "portal-brussels", "portal-blankenberge",
		"counter-brussels", "counter-blankenberge", "counter-leuven", "counter-kortrijk", "portal-leuven", "revoked-portal", "revoked-admin",
		token, o.cardOwner, "",
		"sk_wrong", strings.Repeat("k", 300)}
	g.idemKey = []string{"k1", "k2", "k3"}
	return g
}

func pick[T any](g *generator, xs []T) T { return xs[g.r.IntN(len(xs))] }

// pickv picks xs[0] (a valid value) half of the time, else any.
func pickv[T any](g *generator, xs []T) T {
	if g.r.IntN(2) == 0 {
		return xs[0]
	}
	return pick(g, xs)
}

// fuzzRequest is one drawn request, its body and what it is.
type fuzzRequest struct {
	req  *http.Request
	body []byte
	what string
}

func (g *generator) next(a *api) fuzzRequest {
	t := pick(g, g.targets)
	var what []string
	method := t.method
	if g.r.IntN(5) == 0 {
		method = pick(g, []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "PROPFIND", "get", "TRACE"})
		what = append(what, "method")
	}
	target := t.path
	for name, vals := range g.params {
		for strings.Contains(target, "{"+name+"}") {
			target = strings.Replace(target, "{"+name+"}", pickv(g, vals), 1)
		}
	}
	switch g.r.IntN(20) {
	case 0:
		target = "/v1/../" + strings.TrimPrefix(target, "/")
		what = append(what, "traversal")
	case 1:
		target = strings.Replace(target, "/", "/%2F", 2)
		what = append(what, "encoded slash")
	case 2:
		target = strings.Replace(target, "/v1/", "/v1//", 1)
		what = append(what, "double slash")
	case 3:
		target += pick(g, []string{"/", "/x", "/../../..", "%20", ";jsessionid=1", "#frag", "?" + strings.Repeat("q=1&", 2000)})
		what = append(what, "suffix")
	case 4:
		target = "/" + percentEncodeAll(strings.TrimPrefix(target, "/"))
		what = append(what, "all %-encoded")
	case 5:
		if g.r.IntN(4) == 0 {
			target += strings.Repeat("/y", 40_000) // over the server's header limit
		} else {
			target += "/" + strings.Repeat("ü", 2000)
		}
		what = append(what, "long path")
	}
	target = requestTarget(target)

	var body []byte
	switch g.r.IntN(16) {
	case 0, 1, 2, 3, 10, 11, 12:
		if t.body != nil {
			body, _ = json.Marshal(t.body(g))
		}
	case 4:
		if t.body != nil {
			m := t.body(g)
			m[pick(g, []string{"extra", "admin", "city", "price_cents", "__proto__"})] = pick(g, []any{1, "x", true, nil})
			body, _ = json.Marshal(m)
			what = append(what, "extra field")
		}
	case 5:
		if t.body != nil {
			b, _ := json.Marshal(t.body(g))
			body = b[:g.r.IntN(len(b))]
			what = append(what, "truncated JSON")
		}
	case 6:
		body = make([]byte, g.r.IntN(2000))
		for i := range body {
			body[i] = byte(g.r.UintN(256))
		}
		what = append(what, "random bytes")
	case 7:
		depth := pick(g, []int{100, 10_001, 30_000})
		body = []byte(strings.Repeat(`{"a":`, depth) + "1" + strings.Repeat("}", depth))
		if g.r.IntN(2) == 0 {
			body = []byte(strings.Repeat("[", depth) + strings.Repeat("]", depth))
		}
		what = append(what, "deeply nested")
	case 8:
		if g.r.IntN(3) == 0 {
			body = []byte(`{"citizen":"` + strings.Repeat("x", 1<<20) + `"}`)
			what = append(what, "1 MB")
		} else {
			body = []byte(`{"citizen":"` + strings.Repeat("x", 70_000) + `"}`)
			what = append(what, "70 KB")
		}
	case 9:
		body = []byte(pick(g, []string{`[]`, `"x"`, `1`, `null`, `true`, `{}`, `{} {}`, `{"a":1}x`, `{"package":"pro","package":"premium","numbers":["+32475333333"]}`,
			`{"quantity":-1}`, `{"quantity":1e309}`, "{\"citizen\":\"\x00\"}", "{\"citizen\":\"\xff\xfe\"}", `{"numbers":[` + strings.Repeat(`"+32475000001",`, 2000) + `"x"]}`}))
		what = append(what, "odd JSON")
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(http.MethodGet, a.url, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Method = method
	req.URL.Opaque = target
	if body == nil && (method == "POST" || method == "PUT" || method == "PATCH") && g.r.IntN(2) == 0 {
		req.ContentLength = 0
	}

	cred := pick(g, g.creds)
	if g.r.IntN(2) == 0 && t.cred != "" {
		cred = t.cred
		switch cred {
		case "token":
			cred = g.token
		case "owner":
			cred = g.owner
		}
		if strings.Contains(target, "Blankenberge") || strings.Contains(target, "BLANKENBERGE") ||
			strings.Contains(target, g.blaOrders[0]) || strings.Contains(target, g.blaOrders[1]) {
			cred = strings.Replace(cred, "brussels", "blankenberge", 1)
		}
		if g.r.IntN(3) == 0 {
			cred = strings.Replace(cred, "portal", "counter", 1)
		}
	}
	switch g.r.IntN(16) {
	case 0:
		req.Header.Set("X-API-Key", a.cred(cred))
	case 1:
		req.Header.Set("Authorization", "Bearer "+strings.Repeat("A", pick(g, []int{1000, 20_000, 70_000})))
		what = append(what, "huge Authorization")
	case 2:
		req.Header.Set("Authorization", pick(g, []string{"Basic YWRtaW46YWRtaW4=", "Bearer", "bearer  " + a.cred(cred), "Bearer ☃", "Digest x"}))
	default:
		if c := a.cred(cred); c != "" {
			req.Header.Set("Authorization", "Bearer "+c)
		}
	}
	switch g.r.IntN(6) {
	case 0:
		req.Header.Set("Content-Type", pick(g, []string{"text/html", "application/json; charset=utf-16", "multipart/form-data; boundary=",
			"application/x-www-form-urlencoded", "", "ü/ü", strings.Repeat("a", 3000)}))
		what = append(what, "bogus Content-Type")
	case 1, 2, 3:
		req.Header.Set("Content-Type", "application/json")
	}
	switch g.r.IntN(8) {
	case 0:
		req.Header.Set("Idempotency-Key", strings.Repeat("i", 300))
		what = append(what, "Idempotency-Key of 300")
	case 1, 2:
		req.Header.Set("Idempotency-Key", pick(g, g.idemKey))
	case 3:
		req.Header.Set("Idempotency-Key", fmt.Sprintf("k-%d", g.r.Uint64()))
	}
	if g.r.IntN(20) == 0 {
		req.Header.Set("Accept", pick(g, []string{"application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited",
			"application/openmetrics-text", "*/*", "text/html"}))
	}
	if g.r.IntN(30) == 0 {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	return fuzzRequest{req: req, body: body, what: strings.Join(what, ", ")}
}

// percentEncodeAll writes every byte of s but '/' and '?' as %XX.
func percentEncodeAll(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '/' || s[i] == '?' || s[i] == '&' || s[i] == '=' {
			b.WriteByte(s[i])
			continue
		}
		fmt.Fprintf(&b, "%%%02X", s[i])
	}
	return b.String()
}

// requestTarget makes s sendable as a raw request target: bytes the
// client refuses to write (control characters) are %-encoded, and a
// leading "//" (which the client would read as a scheme-relative URL)
// is broken up. Everything else goes as it is, spaces and raw UTF-8
// included.
func requestTarget(s string) string {
	var b strings.Builder
	if !strings.HasPrefix(s, "/") {
		b.WriteByte('/')
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	out := b.String()
	if strings.HasPrefix(out, "//") {
		out = "/%2F" + out[2:]
	}
	return out
}

// sendChecked sends one request and checks the invariants: an answer
// that matches openapi.yaml (the client checks it), no 5xx, and no change
// to the store by a 4xx. It returns the status, 0 when the server dropped
// the connection before the client read an answer: Go's HTTP server
// answers a malformed request (a space in the target) or one over its
// limits (headers over 64 KiB, a body over 64 KiB), or whose target does
// not parse (%zz), and closes with the
// rest of the request unread, which the client may see as a reset before
// the answer. Such a request must not have changed the store either.
func sendChecked(t testing.TB, a *api, client *http.Client, fr fuzzRequest, before snapshot) (int, snapshot) {
	t.Helper()
	target := fr.req.URL.Opaque
	desc := func() string {
		return fmt.Sprintf("%s %s (%s, body %s)", fr.req.Method, short(target, 200), fr.what, short(fmt.Sprintf("%q", fr.body), 200))
	}
	resp, err := client.Do(fr.req)
	if err != nil {
		var ce *contractError
		if errors.As(err, &ce) {
			t.Fatalf("%s: %s", desc(), short(err.Error(), 1200))
		}
		headers := len(target)
		for k, vs := range fr.req.Header {
			headers += len(k) + len(strings.Join(vs, ""))
		}
		_, perr := url.ParseRequestURI(target)
		refused := len(fr.body) > 64<<10 || headers > 60<<10 || strings.Contains(target, " ") || perr != nil
		if !refused || !isNetClosed(err) {
			t.Fatalf("%s: %s", desc(), short(err.Error(), 300))
		}
		after := takeSnapshot(t, a.db)
		if ch := changes(t, before, after); len(ch) > 0 {
			t.Errorf("%s: dropped, but changed the store: %v", desc(), ch)
		}
		return 0, after
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	after := takeSnapshot(t, a.db)
	if resp.StatusCode >= 500 {
		t.Errorf("%s: %d %s", desc(), resp.StatusCode, short(string(raw), 300))
	}
	if resp.StatusCode >= 400 && resp.StatusCode < 500 {
		if ch := changes(t, before, after); len(ch) > 0 {
			t.Errorf("%s: %d %s changed the store: %v", desc(), resp.StatusCode, short(string(raw), 300), ch)
		}
	}
	return resp.StatusCode, after
}

// short cuts s to about n bytes, keeping its start and its end.
func short(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n/2] + fmt.Sprintf("…(%d bytes)…", len(s)) + s[len(s)-n/2:]
}

func isNetClosed(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// fuzzFixture is a server with orders, an account and a motorist's token.
func fuzzFixture(tb testing.TB) (*api, orders, string, string) {
	tb.Helper()
	a := startAPI(tb)
	o := a.makeOrders()
	a.sms("2026-11-23T10:00:00+01:00", "+32475000001", "1021 1ABC123")
	code, acct := a.do("POST", "/v1/accounts", "admin", map[string]any{"package": "premium", "numbers": []string{"+32475000002", "+32475000003"}})
	if code != 201 {
		tb.Fatalf("account: %d %v", code, acct)
	}
	token := a.motoristToken("+32475000002")
	a.clock.Set(mustParse(tb, "2026-11-23T10:05:00+01:00"))
	return a, o, token, acct["id"].(string)
}

func TestBadInput(t *testing.T) {
	if testing.Short() {
		t.Skip("thousands of requests")
	}
	a, o, token, account := fuzzFixture(t)
	g := newGenerator(1, a, o, token, account)
	statuses := map[int]int{}
	kinds := map[string]int{}
	before := takeSnapshot(t, a.db)
	for range badInputRequests {
		fr := g.next(a)
		var code int
		code, before = sendChecked(t, a, a.client, fr, before)
		statuses[code]++
		for k := range strings.SplitSeq(fr.what, ", ") {
			kinds[k]++
		}
		if t.Failed() {
			break
		}
	}
	codes := make([]int, 0, len(statuses))
	for c := range statuses {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var sb strings.Builder
	for _, c := range codes {
		fmt.Fprintf(&sb, " %d×%d", c, statuses[c])
	}
	t.Logf("%d requests; statuses:%s; kinds %v", badInputRequests, sb.String(), kinds)
	if statuses[200]+statuses[201] == 0 || statuses[404] == 0 || statuses[400] == 0 {
		t.Errorf("the requests did not reach the endpoints: %v", statuses)
	}
}

// FuzzAPI sends (method, path, body) to the server with a credential
// chosen by the input; the answer must match openapi.yaml, be no 5xx, and
// a 4xx must not change the store. In normal runs only the seeds run;
// fuzz with
//
//	go test -run '^$' -fuzz FuzzAPI -fuzztime 60s ./httpapi/
func FuzzAPI(f *testing.F) {
	seeds := []struct {
		method, path string
		body         string
	}{
		{"GET", "/v1/enforcement/plates/1ABC123?zone=1021", ""},
		{"GET", "/v1/enforcement/plates/..%2F..?zone=1021&at=x", ""},
		{"POST", "/v1/accounts", `{"package":"pro","numbers":["+32475444444"]}`},
		{"POST", "/v1/accounts", `{"package":"pro","numbers":[`},
		{"POST", "/v1/cities/Brussels/orders", `{"type":"VBR","citizen":"X","street":"Avenue Louise","number":"1","quantity":-3}`},
		{"POST", "/v1/cities/Blankenberge/backoffice/orders", `{"type":"BLA","citizen":"X","street":"Zeedijk","number":"1","quantity":10}`},
		{"GET", "/v1/cities/Brussels/voucher-types?street=Avenue%20Louise&number=1", ""},
		{"POST", "/v1/payments/callback", `{"order":"O","result":"paid","nonce":"n","timestamp":"2026-11-23T09:00:00Z"}`},
		{"POST", "/v1/me/sessions", `{"zone":"1021","plate":"1XYZ987"}`},
		{"DELETE", "/v1/accounts/ANOPE/numbers/%2B32475000001", ""},
		{"GET", "/v1/me/statements/2026-11?format=pdf&lang=xx", ""},
		{"PUT", "/v1/orders/x/cancel", "{}"},
		{"GET", "/v1/../../etc/passwd", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, []byte(s.body))
	}
	a, _, token, _ := fuzzFixture(f)
	creds := []string{"admin", "portal-brussels", "counter-blankenberge", "warden-brussels", token, "", "revoked-admin", "sk_nope"}
	f.Fuzz(func(t *testing.T, method, path string, body []byte) {
		if method == "" || len(method) > 20 || strings.IndexFunc(method, func(r rune) bool {
			return r <= ' ' || r >= 0x7f || strings.ContainsRune(`()<>@,;:\"/[]?={}`, r)
		}) >= 0 || !utf8.ValidString(method) {
			t.Skip("not an HTTP method token")
		}
		a := a.with(t)
		req, err := http.NewRequest(http.MethodGet, a.url, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Method = method
		req.URL.Opaque = requestTarget(path)
		sum := len(path) + len(body) + len(method)
		if c := a.cred(creds[sum%len(creds)]); c != "" {
			req.Header.Set("Authorization", "Bearer "+c)
		}
		if sum%3 == 0 {
			req.Header.Set("Idempotency-Key", fmt.Sprintf("fz-%d", sum))
		}
		req.Header.Set("Content-Type", "application/json")
		before := takeSnapshot(t, a.db)
		sendChecked(t, a, a.client, fuzzRequest{req: req, body: body, what: "fuzz " + url.PathEscape(path)}, before)
	})
}
