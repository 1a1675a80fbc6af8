package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"smspark/httpapi"
	"smspark/payments"
	"smspark/store"
	"smspark/vouchers"
)

// Citizens' names in the fixtures: a response to another city's key must
// never carry them.
const (
	citizenBrussels     = "Amélie Dubois-Brussels"
	citizenBlankenberge = "Jan Peeters-Blankenberge"
	citizenLeuven       = "social tariff of Leuven's citizen"
)

// orders are voucher orders of two cities in every state.
type orders struct {
	awaiting, paid, cancelled  string // Brussels (VBR: €2.50 a voucher)
	blaPaid, blaAwaiting       string // Blankenberge (BLA: first bundle free)
	grant                      string // a reduced tariff Leuven's counter granted
	permitPaid, permitAwaiting string // Leuven's permits (1LEU001, 1LEU002)
	permitBrussels             string // Brussels's, awaiting payment
	card                       string // +32475000001's day card of zone 1021, paid
	cardOwner                  string // its token
}

// placeOrder orders vouchers through the API and returns the order.
func (a *api) placeOrder(cred, city string, req map[string]any) map[string]any {
	a.t.Helper()
	code, o := a.do("POST", "/v1/cities/"+url.PathEscape(city)+"/orders", cred, req)
	if code != 201 {
		a.t.Fatalf("order in %s: %d %v", city, code, o)
	}
	return o
}

// signedCallback posts a voucher order's payment callback signed with
// the API's secret.
func (a *api) signedCallback(c payments.Callback) (int, map[string]any) {
	a.t.Helper()
	return a.signedCallbackTo("/v1/payments/callback", c)
}

// signedCallbackTo posts a signed payment callback to path.
func (a *api) signedCallbackTo(path string, c payments.Callback) (int, map[string]any) {
	a.t.Helper()
	body, err := json.Marshal(c)
	if err != nil {
		a.t.Fatal(err)
	}
	return a.postCallbackTo(path, body, payments.Sign(a.secret, body))
}

func (a *api) postCallback(body []byte, signature string) (int, map[string]any) {
	a.t.Helper()
	return a.postCallbackTo("/v1/payments/callback", body, signature)
}

func (a *api) postCallbackTo(path string, body []byte, signature string) (int, map[string]any) {
	a.t.Helper()
	resp, raw := a.send(a.request("POST", path, "", body, payments.SignatureHeader, signature,
		"Content-Type", "application/json"))
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		a.t.Fatalf("callback: not JSON: %q", raw)
	}
	return resp.StatusCode, out
}

func (a *api) callbackNow(order, result string) payments.Callback {
	a.t.Helper()
	c, err := payments.NewCallback(order, "", result, "bancontact", a.clock.Now())
	if err != nil {
		a.t.Fatal(err)
	}
	return c
}

// makeOrders places the fixtures' orders.
func (a *api) makeOrders() orders {
	a.t.Helper()
	brussels := func(number string) map[string]any {
		return map[string]any{"type": "VBR", "citizen": citizenBrussels, "street": "Avenue Louise", "number": number,
			"quantity": 2, "language": "fr"}
	}
	var o orders
	o.awaiting = a.placeOrder("portal-brussels", "Brussels", brussels("10"))["id"].(string)
	o.paid = a.placeOrder("portal-brussels", "Brussels", brussels("11"))["id"].(string)
	if code, r := a.signedCallback(a.callbackNow(o.paid, "paid")); code != 200 || r["status"] != "paid" {
		a.t.Fatalf("paying %s: %d %v", o.paid, code, r)
	}
	o.cancelled = a.placeOrder("portal-brussels", "Brussels", brussels("12"))["id"].(string)
	if code, r := a.do("POST", "/v1/orders/"+o.cancelled+"/cancel", "counter-brussels", nil); code != 200 {
		a.t.Fatalf("cancelling: %d %v", code, r)
	}
	bla := map[string]any{"type": "BLA", "citizen": citizenBlankenberge, "street": "Kerkstraat", "number": "7", "quantity": 10}
	first := a.placeOrder("portal-blankenberge", "Blankenberge", bla)
	if first["status"] != "paid" {
		a.t.Fatalf("the first bundle is free: %v", first)
	}
	o.blaPaid = first["id"].(string)
	o.blaAwaiting = a.placeOrder("portal-blankenberge", "Blankenberge", bla)["id"].(string)
	code, g := a.do("POST", "/v1/cities/Leuven/reduced-tariffs", "counter-leuven", map[string]any{"number": "+32475000077",
		"from": "2026-11-01", "to": "2026-12-31", "granted_by": "counter 3", "reason": citizenLeuven})
	if code != 201 {
		a.t.Fatalf("grant: %d %v", code, g)
	}
	o.grant = g["id"].(string)

	buy := func(cred, city, typ, length, plate string) string {
		code, p := a.do("POST", "/v1/cities/"+city+"/permits", cred, map[string]any{"type": typ, "length": length,
			"plates": []string{plate}, "holder": citizenLeuven, "language": "nl"})
		if code != 201 || p["status"] != "awaiting_payment" {
			a.t.Fatalf("permit: %d %v", code, p)
		}
		return p["id"].(string)
	}
	o.permitPaid = buy("portal-leuven", "Leuven", "leuven-resident", "month", "1LEU001")
	o.permitAwaiting = buy("counter-leuven", "Leuven", "leuven-resident", "year", "1LEU002")
	o.permitBrussels = buy("portal-brussels", "Brussels", "brussels-resident", "year", "1BRU001")
	if code, r := a.signedCallbackTo(httpapi.PermitCallbackPath, a.callbackNow(o.permitPaid, "paid")); code != 200 {
		a.t.Fatalf("paying the permit: %d %v", code, r)
	}
	o.cardOwner = a.motoristToken("+32475000001")
	code, c := a.do("POST", "/v1/me/daycards", o.cardOwner, map[string]any{"zone": "1021", "days": 3})
	if code != 201 {
		a.t.Fatalf("day card: %d %v", code, c)
	}
	o.card = c["id"].(string)
	if code, r := a.signedCallbackTo(httpapi.DayCardCallbackPath, a.callbackNow(o.card, "paid")); code != 200 {
		a.t.Fatalf("paying the day card: %d %v", code, r)
	}
	return o
}

// keyEndpoints are the endpoints API keys call, with the roles that may
// (admin may call them all).
func keyEndpoints(o orders) []struct {
	method, path string
	body         any
	roles        []string
} {
	order := map[string]any{"type": "VBR", "citizen": "X", "street": "Avenue Louise", "number": "99", "quantity": 1}
	return []struct {
		method, path string
		body         any
		roles        []string
	}{
		{"GET", "/v1/enforcement/plates/1ABC123?zone=1021", nil, []string{"warden"}},
		{"GET", "/v1/cities/Brussels/voucher-types?street=Avenue+Louise&number=1", nil, []string{"portal", "counter"}},
		{"POST", "/v1/cities/Brussels/orders", order, []string{"portal"}},
		{"POST", "/v1/cities/Brussels/backoffice/orders", order, []string{"portal", "counter"}},
		{"GET", "/v1/orders/" + o.paid, nil, []string{"portal", "counter"}},
		{"GET", "/v1/orders/" + o.paid + "/letter.pdf", nil, []string{"portal", "counter"}},
		{"POST", "/v1/orders/" + o.awaiting + "/payment", nil, []string{"portal"}},
		{"POST", "/v1/orders/" + o.awaiting + "/cancel", nil, []string{"portal", "counter"}},
		{"POST", "/v1/accounts", map[string]any{"package": "pro", "numbers": []string{"+32475999999"}}, nil},
		{"GET", "/v1/accounts/ANOPE", nil, nil},
		{"POST", "/v1/accounts/ANOPE/numbers", map[string]any{"number": "+32475999998"}, nil},
		{"DELETE", "/v1/accounts/ANOPE/numbers/+32475999998", nil, nil},
		{"POST", "/v1/accounts/ANOPE/package", map[string]any{"package": "pro"}, nil},
		{"GET", "/v1/accounts/ANOPE/statements/2026-11", nil, nil},
		{"GET", "/v1/cities/Brussels/reduced-tariffs", nil, []string{"counter"}},
		{"POST", "/v1/cities/Brussels/reduced-tariffs", map[string]any{"number": "+32475000078", "from": "2026-11-01",
			"to": "2026-11-30", "granted_by": "x", "reason": "y"}, []string{"counter"}},
		{"POST", "/v1/reduced-tariffs/" + o.grant + "/revoke", nil, []string{"counter"}},
		{"GET", "/v1/cities/Brussels/permit-types", nil, []string{"portal", "counter"}},
		{"POST", "/v1/cities/Brussels/permits", map[string]any{"type": "brussels-resident", "length": "year",
			"plates": []string{"1BRU009"}}, []string{"portal", "counter"}},
		{"GET", "/v1/cities/Brussels/permits?plate=1BRU001", nil, []string{"portal", "counter"}},
		{"GET", "/v1/permits/" + o.permitBrussels, nil, []string{"portal", "counter"}},
		{"GET", "/v1/permits/" + o.permitBrussels + "/receipt.pdf", nil, []string{"portal", "counter"}},
		{"POST", "/v1/permits/" + o.permitBrussels + "/payment", nil, []string{"portal", "counter"}},
		{"POST", "/v1/permits/" + o.permitBrussels + "/renew", nil, []string{"portal", "counter"}},
		{"POST", "/v1/permits/" + o.permitBrussels + "/plate", map[string]any{"old": "1BRU001", "new": "1BRU002"}, []string{"portal", "counter"}},
		{"POST", "/v1/permits/" + o.permitBrussels + "/temporary-plate", map[string]any{"plate": "1BRU001", "temporary": "1RENT01",
			"days": 2}, []string{"portal", "counter"}},
		{"POST", "/v1/permits/" + o.permitBrussels + "/cancel", nil, []string{"portal", "counter"}},
	}
}

// TestCityScoping: a key of another city reads and changes nothing of
// Brussels, on every city-scoped endpoint; the same request with
// Brussels's own key works (the control).
func TestCityScoping(t *testing.T) {
	a := startAPI(t)
	a.sms("2026-11-23T10:00:00+01:00", "+32475000001", "1021 1ABC123")
	o := a.makeOrders()
	a.clock.Set(mustParse(t, "2026-11-23T10:05:00+01:00"))
	bxlOrder := map[string]any{"type": "VBR", "citizen": "Mallory", "street": "Avenue Louise", "number": "66", "quantity": 1}
	tests := []struct {
		name         string
		method, path string
		body         any
		attackers    []string // keys of other cities
		want         int      // what they get
		owner        string   // Brussels's own key
		ownerWant    int
	}{
		{"enforcement", "GET", "/v1/enforcement/plates/1ABC123?zone=1021", nil, []string{"warden-leuven"}, 400, "warden-brussels", 200},
		{"enforcement at a time", "GET", "/v1/enforcement/plates/1ABC123?zone=1021&at=2026-11-23T10:01:00%2B01:00", nil, []string{"warden-leuven"}, 400, "warden-brussels", 200},
		{"voucher types", "GET", "/v1/cities/Brussels/voucher-types?street=Avenue+Louise&number=10", nil,
			[]string{"portal-blankenberge", "counter-blankenberge"}, 404, "portal-brussels", 200},
		{"voucher types, city in lower case", "GET", "/v1/cities/brussels/voucher-types?street=Avenue+Louise&number=10", nil,
			[]string{"portal-blankenberge", "counter-blankenberge"}, 404, "counter-brussels", 200},
		{"portal order", "POST", "/v1/cities/Brussels/orders", bxlOrder, []string{"portal-blankenberge"}, 404, "", 0},
		{"backoffice order", "POST", "/v1/cities/BRUSSELS/backoffice/orders", bxlOrder,
			[]string{"portal-blankenberge", "counter-blankenberge"}, 404, "", 0},
		{"order detail", "GET", "/v1/orders/" + o.paid, nil, []string{"portal-blankenberge", "counter-blankenberge"}, 404, "portal-brussels", 200},
		{"order detail awaiting", "GET", "/v1/orders/" + o.awaiting, nil, []string{"portal-blankenberge", "counter-blankenberge"}, 404, "counter-brussels", 200},
		{"letter", "GET", "/v1/orders/" + o.paid + "/letter.pdf", nil, []string{"portal-blankenberge", "counter-blankenberge"}, 404, "portal-brussels", 200},
		{"payment retry", "POST", "/v1/orders/" + o.awaiting + "/payment", nil, []string{"portal-blankenberge"}, 404, "", 0},
		{"cancel", "POST", "/v1/orders/" + o.awaiting + "/cancel", nil, []string{"portal-blankenberge", "counter-blankenberge"}, 404, "", 0},
		{"cancel paid", "POST", "/v1/orders/" + o.paid + "/cancel", nil, []string{"portal-blankenberge", "counter-blankenberge"}, 404, "portal-brussels", 409},
		{"Blankenberge's order for Brussels's key", "GET", "/v1/orders/" + o.blaPaid, nil, []string{"portal-brussels", "counter-brussels"}, 404, "portal-blankenberge", 200},
		{"Blankenberge's cancel for Brussels's key", "POST", "/v1/orders/" + o.blaAwaiting + "/cancel", nil, []string{"portal-brussels", "counter-brussels"}, 404, "", 0},
		{"Blankenberge's retry for Brussels's key", "POST", "/v1/orders/" + o.blaAwaiting + "/payment", nil, []string{"portal-brussels"}, 404, "", 0},
		{"reduced tariffs", "GET", "/v1/cities/Leuven/reduced-tariffs", nil, []string{"counter-kortrijk", "counter-brussels"}, 404, "counter-leuven", 200},
		{"grant a reduced tariff", "POST", "/v1/cities/Leuven/reduced-tariffs", map[string]any{"number": "+32475000079",
			"from": "2026-11-01", "to": "2026-11-30", "granted_by": "mallory", "reason": "because"}, []string{"counter-kortrijk"}, 404, "", 0},
		{"revoke a reduced tariff", "POST", "/v1/reduced-tariffs/" + o.grant + "/revoke", nil, []string{"counter-kortrijk", "counter-brussels"}, 404, "", 0},
		{"permit types", "GET", "/v1/cities/Leuven/permit-types", nil, []string{"portal-brussels", "counter-brussels"}, 404, "portal-leuven", 200},
		{"buy a permit", "POST", "/v1/cities/Leuven/permits", map[string]any{"type": "leuven-resident", "length": "month",
			"plates": []string{"1MAL001"}}, []string{"portal-brussels", "counter-brussels"}, 404, "", 0},
		{"buy another city's permit type", "POST", "/v1/cities/Brussels/permits", map[string]any{"type": "leuven-resident", "length": "month",
			"plates": []string{"1MAL001"}}, []string{"portal-brussels"}, 404, "", 0},
		{"permits of a plate", "GET", "/v1/cities/Leuven/permits?plate=1LEU001", nil, []string{"portal-brussels", "counter-brussels"}, 404, "counter-leuven", 200},
		{"Leuven's plate in Brussels", "GET", "/v1/cities/Brussels/permits?plate=1LEU001", nil, []string{"portal-brussels"}, 200, "", 0},
		{"permit detail", "GET", "/v1/permits/" + o.permitPaid, nil, []string{"portal-brussels", "counter-brussels"}, 404, "portal-leuven", 200},
		{"permit receipt", "GET", "/v1/permits/" + o.permitPaid + "/receipt.pdf", nil, []string{"portal-brussels", "counter-brussels"}, 404, "counter-leuven", 200},
		{"permit payment", "POST", "/v1/permits/" + o.permitAwaiting + "/payment", nil, []string{"portal-brussels", "counter-brussels"}, 404, "", 0},
		{"permit cancel", "POST", "/v1/permits/" + o.permitAwaiting + "/cancel", nil, []string{"portal-brussels", "counter-brussels"}, 404, "", 0},
		{"permit renew", "POST", "/v1/permits/" + o.permitPaid + "/renew", nil, []string{"portal-brussels", "counter-brussels"}, 404, "", 0},
		{"permit plate", "POST", "/v1/permits/" + o.permitPaid + "/plate", map[string]any{"old": "1LEU001", "new": "1MAL002"},
			[]string{"portal-brussels", "counter-brussels"}, 404, "", 0},
		{"permit temporary plate", "POST", "/v1/permits/" + o.permitPaid + "/temporary-plate", map[string]any{"plate": "1LEU001",
			"temporary": "1MAL003", "days": 2}, []string{"portal-brussels", "counter-brussels"}, 404, "", 0},
	}
	// Detail of an order or a permit that does not exist: another city's
	// must look exactly the same.
	_, unknownOrder := a.do("GET", "/v1/orders/ONOPENOPENO", "portal-blankenberge", nil)
	_, unknownPermit := a.do("GET", "/v1/permits/PNOPENOPENO", "portal-brussels", nil)
	secrets := []string{citizenBrussels, citizenBlankenberge, citizenLeuven, o.awaiting + "\"", "+++", "PAY", "vouchers", "+32475000077",
		"1LEU00", "permits\":[{"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := a.with(t)
			for _, cred := range tt.attackers {
				for _, hdr := range [][]string{nil, {"Idempotency-Key", "attack-" + cred + "-" + tt.name}} {
					before := takeSnapshot(t, a.db)
					var body []byte
					if tt.body != nil {
						body, _ = json.Marshal(tt.body)
					}
					code, raw := a.raw(tt.method, tt.path, cred, body, hdr...)
					if code != tt.want {
						t.Errorf("%s: %d %s, want %d", cred, code, raw, tt.want)
					}
					for _, s := range secrets {
						if strings.Contains(string(raw), s) {
							t.Errorf("%s: the answer carries %q: %s", cred, s, raw)
						}
					}
					if tt.want == 404 && (strings.HasPrefix(tt.path, "/v1/orders/") || strings.HasPrefix(tt.path, "/v1/permits/")) &&
						strings.Count(tt.path, "/") == 3 {
						var p map[string]any
						_ = json.Unmarshal(raw, &p)
						unknown := unknownOrder
						if strings.HasPrefix(tt.path, "/v1/permits/") {
							unknown = unknownPermit
						}
						if p["type"] != unknown["type"] || p["detail"] != unknown["detail"] || p["title"] != unknown["title"] {
							t.Errorf("%s: another city's order answers %v, an unknown order %v", cred, p, unknown)
						}
					}
					if c := changes(t, before, takeSnapshot(t, a.db)); len(c) > 0 {
						t.Errorf("%s: %d changed the store: %v", cred, code, c)
					}
				}
			}
			if tt.owner != "" {
				if code, raw := a.raw(tt.method, tt.path, tt.owner, nil); code != tt.ownerWant {
					t.Errorf("control, %s: %d %s, want %d", tt.owner, code, raw, tt.ownerWant)
				}
			}
		})
	}
	// The orders, permits and the grant the attackers aimed at are as they were.
	ctx := context.Background()
	for id, want := range map[string]string{o.permitPaid: "active", o.permitAwaiting: "awaiting_payment"} {
		if code, p := a.do("GET", "/v1/permits/"+id, "counter-leuven", nil); code != 200 || p["status"] != want ||
			len(p["changes"].([]any)) != 0 || p["renewed_by"] != nil {
			t.Errorf("permit %s: %d %v, want %s and unchanged", id, code, p, want)
		}
	}
	for _, g := range a.eng.Grants("") {
		if g.ID == o.grant && g.Revoked {
			t.Errorf("grant %s revoked", g.ID)
		}
	}
	for id, want := range map[string]vouchers.OrderStatus{o.awaiting: vouchers.OrderAwaitingPayment, o.paid: vouchers.OrderPaid,
		o.blaAwaiting: vouchers.OrderAwaitingPayment} {
		got, err := a.db.Order(ctx, id)
		if err != nil || got.Status != want || got.Payment.Attempts > 1 {
			t.Errorf("order %s: %s %+v %v, want %s", id, got.Status, got.Payment, err, want)
		}
	}
}

// TestUnauthenticated: a missing, malformed, unknown or revoked credential
// is 401 on every endpoint that needs one (never a 500, never a change);
// an API key is no motorist and a motorist's token is no API key.
func TestUnauthenticated(t *testing.T) {
	a := startAPI(t)
	o := a.makeOrders()
	token := a.motoristToken("+32475000001")
	long := strings.Repeat("k", 300)
	creds := []struct {
		name string
		hdr  []string
	}{
		{"none", nil},
		{"empty bearer", []string{"Authorization", "Bearer "}},
		{"wrong key", []string{"Authorization", "Bearer sk_test_nope"}},
		{"wrong scheme", []string{"Authorization", "Basic " + a.keys["admin"]}},
		{"key without scheme", []string{"Authorization", a.keys["admin"]}},
		{"revoked portal", []string{"Authorization", "Bearer " + a.keys["revoked-portal"]}},
		{"revoked admin", []string{"Authorization", "Bearer " + a.keys["revoked-admin"]}},
		{"revoked admin in X-API-Key", []string{"X-API-Key", a.keys["revoked-admin"]}},
		{"wrong X-API-Key beside a good bearer", []string{"X-API-Key", "nope", "Authorization", "Bearer " + a.keys["admin"]}},
		{"300 characters", []string{"Authorization", "Bearer " + long}},
		{"a valid key and 300 characters", []string{"Authorization", "Bearer " + a.keys["admin"] + long}},
		{"10 KB", []string{"Authorization", "Bearer " + strings.Repeat("x", 10_000)}},
		{"non-ASCII", []string{"Authorization", "Bearer sk_tést_ädmin"}},
		{"a motorist token as a key", []string{"Authorization", "Bearer " + token}},
	}
	type endpoint struct {
		method, path string
		body         any
	}
	var eps []endpoint
	for _, e := range keyEndpoints(o) {
		eps = append(eps, endpoint{e.method, e.path, e.body})
	}
	motorist := []endpoint{
		{"GET", "/v1/me/sessions", nil},
		{"POST", "/v1/me/sessions", map[string]string{"zone": "1021", "plate": "1ABC123"}},
		{"POST", "/v1/me/sessions/stop", map[string]string{}},
		{"GET", "/v1/me/statements/2026-11", nil},
		{"GET", "/v1/me/messages", nil},
		{"GET", "/v1/me/daycards", nil},
		{"POST", "/v1/me/daycards", map[string]any{"zone": "1021", "days": 1}},
		{"GET", "/v1/me/daycards/" + o.card, nil},
		{"POST", "/v1/me/daycards/" + o.card + "/payment", nil},
		{"POST", "/v1/me/daycards/" + o.card + "/cancel", nil},
		{"POST", "/v1/me/daycards/" + o.card + "/days", map[string]any{"plate": "1ABC123", "date": "2026-11-24"}},
		{"POST", "/v1/me/daycards/" + o.card + "/days/2026-11-24/cancel", nil},
	}
	eps = append(eps, motorist...)
	for _, e := range eps {
		t.Run(e.method+" "+e.path, func(t *testing.T) {
			a := a.with(t)
			cs := creds
			if strings.HasPrefix(e.path, "/v1/me/") {
				// An API key, even the admin's, is no motorist.
				cs = slices.Clone(creds[:len(creds)-1])
				cs = append(cs, struct {
					name string
					hdr  []string
				}{"admin key", []string{"Authorization", "Bearer " + a.keys["admin"]}},
					struct {
						name string
						hdr  []string
					}{"token in X-API-Key beside a wrong bearer", []string{"X-API-Key", "nope", "Authorization", "Bearer " + token}})
			}
			for _, c := range cs {
				var body []byte
				if e.body != nil {
					body, _ = json.Marshal(e.body)
				}
				before := takeSnapshot(t, a.db)
				code, raw := a.raw(e.method, e.path, "", body, append(slices.Clone(c.hdr), "Idempotency-Key", "k-"+c.name)...)
				if code != 401 {
					t.Errorf("%s: %d %s, want 401", c.name, code, raw)
				}
				if ch := changes(t, before, takeSnapshot(t, a.db)); len(ch) > 0 {
					t.Errorf("%s: changed the store: %v", c.name, ch)
				}
			}
		})
	}
	// A key revoked while the server runs stops working within a second
	// (the server trusts a key record it read for that long).
	k := testKeys["portal-brussels"]
	if code, _ := a.raw("GET", "/v1/orders/"+o.paid, "portal-brussels", nil); code != 200 {
		t.Fatalf("before revoking: %d", code)
	}
	k.Hash, k.Revoked = store.HashKey(a.keys["portal-brussels"]), true
	if err := a.db.PutAPIKey(context.Background(), k); err != nil {
		t.Fatal(err)
	}
	a.clock.Set(a.clock.Now().Add(time.Second))
	if code, raw := a.raw("GET", "/v1/orders/"+o.paid, "portal-brussels", nil); code != 401 {
		t.Fatalf("a revoked key: %d %s", code, raw)
	}
	// A key created while the server runs works at once (unknown keys are
	// not remembered).
	k = store.APIKey{ID: "KNEW", Role: "portal", City: "Brussels", Hash: store.HashKey("sk_test_new")}
	if code, _ := a.raw("GET", "/v1/orders/"+o.paid, "sk_test_new", nil); code != 401 {
		t.Fatalf("before creating it: %d", code)
	}
	if err := a.db.PutAPIKey(context.Background(), k); err != nil {
		t.Fatal(err)
	}
	if code, raw := a.raw("GET", "/v1/orders/"+o.paid, "sk_test_new", nil); code != 200 {
		t.Fatalf("a new key: %d %s", code, raw)
	}
}

// TestRoles: a key of a role that may not call an endpoint gets 403 and
// changes nothing; a role that may is let through.
func TestRoles(t *testing.T) {
	a := startAPI(t)
	o := a.makeOrders()
	roles := map[string]string{"warden": "warden-brussels", "portal": "portal-brussels", "counter": "counter-brussels"}
	for _, e := range keyEndpoints(o) {
		t.Run(e.method+" "+e.path, func(t *testing.T) {
			a := a.with(t)
			for role, cred := range roles {
				var body []byte
				if e.body != nil {
					body, _ = json.Marshal(e.body)
				}
				before := takeSnapshot(t, a.db)
				code, raw := a.raw(e.method, e.path, cred, body)
				allowed := slices.Contains(e.roles, role)
				switch {
				case !allowed && code != 403:
					t.Errorf("%s: %d %s, want 403", role, code, raw)
				case allowed && (code == 401 || code == 403):
					t.Errorf("%s may call it: %d %s", role, code, raw)
				}
				if ch := changes(t, before, takeSnapshot(t, a.db)); !allowed && len(ch) > 0 {
					t.Errorf("%s: a 403 changed the store: %v", role, ch)
				}
			}
			if code, raw := a.raw(e.method, e.path, "admin", nil); code == 401 || code == 403 {
				t.Errorf("admin: %d %s", code, raw)
			}
		})
	}
}

// TestPaymentCallbackForgery: a callback with a bad signature, a stale or
// future timestamp, or a nonce seen before changes nothing.
func TestPaymentCallbackForgery(t *testing.T) {
	a := startAPI(t)
	o := a.makeOrders()
	ctx := context.Background()
	orderOf := func(id string) vouchers.Order {
		t.Helper()
		got, err := a.db.Order(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	sign := func(c payments.Callback) ([]byte, string) {
		body, _ := json.Marshal(c)
		return body, payments.Sign(a.secret, body)
	}
	now := a.clock.Now()
	paid := a.callbackNow(o.awaiting, "paid")
	body, sig := sign(paid)
	tampered := []byte(strings.Replace(string(body), o.awaiting, o.blaAwaiting, 1))
	stale := a.callbackNow(o.awaiting, "paid")
	stale.Timestamp = now.Add(-payments.MaxAge - time.Second)
	future := a.callbackNow(o.awaiting, "paid")
	future.Timestamp = now.Add(payments.MaxAge + time.Second)
	staleBody, staleSig := sign(stale)
	futureBody, futureSig := sign(future)
	tests := []struct {
		name      string
		body      []byte
		signature string
		want      int
		kind      string
	}{
		{"no signature", body, "", 401, "bad-signature"},
		{"signed with another secret", body, payments.Sign([]byte("another secret of 32 bytes......"), body), 401, "bad-signature"},
		{"body changed after signing", tampered, sig, 401, "bad-signature"},
		{"signature in upper case", body, strings.ToUpper(sig), 401, "bad-signature"},
		{"signature without its prefix", body, strings.TrimPrefix(sig, "sha256="), 401, "bad-signature"},
		{"stale", staleBody, staleSig, 400, "stale-callback"},
		{"from the future", futureBody, futureSig, 400, "stale-callback"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := a.with(t)
			before, snap := orderOf(o.awaiting), takeSnapshot(t, a.db)
			code, p := a.postCallback(tt.body, tt.signature)
			if code != tt.want || !strings.HasSuffix(p["type"].(string), "/"+tt.kind) {
				t.Fatalf("%d %v, want %d %s", code, p, tt.want, tt.kind)
			}
			if after := orderOf(o.awaiting); after.Status != before.Status || after.Payment != before.Payment {
				t.Fatalf("the order changed: %+v -> %+v", before, after)
			}
			if ch := changes(t, snap, takeSnapshot(t, a.db)); len(ch) > 0 {
				t.Fatalf("the store changed: %v", ch)
			}
		})
	}

	// A failed payment, retried: replaying the failure's callback (which
	// names no reference, so it would apply to the new attempt) is refused
	// and the new attempt stays pending.
	failed := a.callbackNow(o.awaiting, "failed")
	if code, r := a.signedCallback(failed); code != 200 || r["status"] != "awaiting_payment" {
		t.Fatalf("failed: %d %v", code, r)
	}
	if got := orderOf(o.awaiting); got.Payment.LastResult != payments.ResultFailed || got.Payment.Attempts != 1 {
		t.Fatalf("after the failure: %+v", got.Payment)
	}
	if code, r := a.do("POST", "/v1/orders/"+o.awaiting+"/payment", "portal-brussels", nil); code != 200 {
		t.Fatalf("retry: %d %v", code, r)
	}
	before, snap := orderOf(o.awaiting), takeSnapshot(t, a.db)
	if code, p := a.signedCallback(failed); code != 409 || !strings.HasSuffix(p["type"].(string), "/replayed-callback") {
		t.Fatalf("replayed: %d %v", code, p)
	}
	if after := orderOf(o.awaiting); after.Payment != before.Payment || after.Status != before.Status {
		t.Fatalf("the replay changed the order: %+v -> %+v", before.Payment, after.Payment)
	}
	if ch := changes(t, snap, takeSnapshot(t, a.db)); len(ch) > 0 {
		t.Fatalf("the replay changed the store: %v", ch)
	}
	// A paid callback replayed after the order was cancelled: still refused.
	ok := a.callbackNow(o.awaiting, "paid")
	if code, r := a.signedCallback(ok); code != 200 || r["status"] != "paid" {
		t.Fatalf("paid: %d %v", code, r)
	}
	if code, _ := a.signedCallback(ok); code != 409 {
		t.Fatalf("replay of the paid callback: %d", code)
	}
	// A genuine callback for a cancelled order changes nothing either.
	snap = takeSnapshot(t, a.db)
	if code, p := a.signedCallback(a.callbackNow(o.cancelled, "paid")); code != 409 || !strings.HasSuffix(p["type"].(string), "/order-state") {
		t.Fatalf("paying a cancelled order: %d %v", code, p)
	}
	if got := orderOf(o.cancelled); got.Status != vouchers.OrderCancelled || len(got.Codes) != 0 {
		t.Fatalf("the cancelled order: %+v", got)
	}
	if ch := changes(t, snap, takeSnapshot(t, a.db)); len(ch) > 0 {
		t.Fatalf("the store changed: %v", ch)
	}
}

// motoristToken gets a number a PASS password by SMS and logs it in.
func (a *api) motoristToken(number string) string {
	a.t.Helper()
	pw := passwordOf(a.t, a.sms(a.clock.Now().Format(time.RFC3339), number, "PASS").Text)
	code, login := a.do("POST", "/v1/login", "", map[string]string{"username": number, "password": pw})
	if code != 200 {
		a.t.Fatalf("login: %d %v", code, login)
	}
	return login["token"].(string)
}

// TestEnforcementRecentOfOtherCity: a warden of another city asking about
// a plate in their own zone learns nothing of the plate's sessions in
// Brussels, running or just ended.
func TestEnforcementRecentOfOtherCity(t *testing.T) {
	a := startAPI(t)
	a.sms("2026-11-23T10:00:00+01:00", "+32475000001", "1021 1ABC123")
	a.sms("2026-11-23T10:30:00+01:00", "+32475000001", "Q")
	a.clock.Set(mustParse(t, "2026-11-23T10:35:00+01:00"))
	// Brussels's own warden sees the session that just ended.
	code, v := a.do("GET", "/v1/enforcement/plates/1ABC123?zone=1030", "warden-brussels", nil)
	if code != 200 || len(v["recently_ended"].([]any)) != 1 {
		t.Fatalf("Brussels's warden: %d %v", code, v)
	}
	// Leuven's warden, in Leuven's zone, must not.
	code, raw := a.raw("GET", "/v1/enforcement/plates/1ABC123?zone=3000", "warden-leuven", nil)
	if code != 200 {
		t.Fatalf("Leuven's warden: %d %s", code, raw)
	}
	var got struct {
		Valid  bool             `json:"valid"`
		Recent []map[string]any `json:"recently_ended"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if got.Valid || len(got.Recent) != 0 || strings.Contains(string(raw), "1021") {
		t.Fatalf("Leuven's warden sees Brussels's session: %s", raw)
	}
	// Running in Brussels: Leuven's warden sees nothing of it either.
	a.sms("2026-11-23T10:40:00+01:00", "+32475000001", "1021 1ABC123")
	if code, raw := a.raw("GET", "/v1/enforcement/plates/1ABC123?zone=3000", "warden-leuven", nil); code != 200 ||
		strings.Contains(string(raw), "1021") || strings.Contains(string(raw), `"valid":true`) {
		t.Fatalf("Leuven's warden, while it runs in Brussels: %d %s", code, raw)
	}
}

// TestRateLimitedNotStored: a 429 is no answer to keep under an
// Idempotency-Key: the client is told to retry later, and its retry
// (with the same key, as idempotency keys are for) must be tried again,
// not answered the stored 429 for ever.
func TestRateLimitedNotStored(t *testing.T) {
	a := startAPI(t)
	login := map[string]string{"username": "+32475000001", "password": "wrong-password"}
	for range 5 {
		if code, _ := a.do("POST", "/v1/login", "", login); code != 401 {
			t.Fatalf("before the limit: %d", code)
		}
	}
	body, _ := json.Marshal(login)
	resp, _ := a.send(a.request("POST", "/v1/login", "", body, "Idempotency-Key", "retry-me"))
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("over the limit: %d %v", resp.StatusCode, resp.Header)
	}
	resp, _ = a.send(a.request("POST", "/v1/login", "", body, "Idempotency-Key", "retry-me"))
	if resp.Header.Get("Idempotent-Replayed") == "true" {
		t.Fatalf("the 429 was stored and replayed: %d %v", resp.StatusCode, resp.Header)
	}
	if _, err := a.db.IdempotentResponse(context.Background(), "public:127.0.0.1", "retry-me"); err == nil {
		t.Fatal("a 429 was stored under the Idempotency-Key")
	}
}

// TestLoginLimiterMemoryBounded: the login limiter remembers usernames;
// a flood of logins with distinct huge usernames (each just under the
// 64 KiB body limit) must not make the server keep them all.
func TestLoginLimiterMemoryBounded(t *testing.T) {
	a := startAPI(t)
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	const n, size = 300, 60_000
	before := heap()
	for i := range n {
		user := fmt.Sprintf("%06d", i) + strings.Repeat("u", size)
		body, _ := json.Marshal(map[string]string{"username": user, "password": "x"})
		if code, _ := a.raw("POST", "/v1/login", "", body); code != 401 && code != 429 {
			t.Fatalf("login %d: %d", i, code)
		}
	}
	if grown := int64(heap()) - int64(before); grown > n*size/4 {
		t.Fatalf("the heap grew by %d bytes after %d logins of %d-byte usernames: the limiter keeps them", grown, n, size)
	}
}

// TestDayCardsOfAnotherMotorist: a motorist sees and changes nothing of
// another's day cards.
func TestDayCardsOfAnotherMotorist(t *testing.T) {
	a := startAPI(t)
	o := a.makeOrders()
	// The owner spends a day, so that there is one to give back.
	if code, c := a.do("POST", "/v1/me/daycards/"+o.card+"/days", o.cardOwner, map[string]any{"plate": "1ABC123", "date": "2026-11-25"}); code != 200 {
		t.Fatalf("spend: %d %v", code, c)
	}
	other := a.motoristToken("+32475000002")
	tests := []struct {
		method, path string
		body         any
	}{
		{"GET", "/v1/me/daycards/" + o.card, nil},
		{"POST", "/v1/me/daycards/" + o.card + "/payment", nil},
		{"POST", "/v1/me/daycards/" + o.card + "/cancel", nil},
		{"POST", "/v1/me/daycards/" + o.card + "/days", map[string]any{"plate": "1MAL001", "date": "2026-11-26"}},
		{"POST", "/v1/me/daycards/" + o.card + "/days/2026-11-25/cancel", nil},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			a := a.with(t)
			var body []byte
			if tt.body != nil {
				body, _ = json.Marshal(tt.body)
			}
			before := takeSnapshot(t, a.db)
			code, raw := a.raw(tt.method, tt.path, other, body)
			if code != 404 || strings.Contains(string(raw), "1ABC123") {
				t.Errorf("another motorist: %d %s, want 404", code, raw)
			}
			if ch := changes(t, before, takeSnapshot(t, a.db)); len(ch) > 0 {
				t.Errorf("changed the store: %v", ch)
			}
		})
	}
	if code, l := a.do("GET", "/v1/me/daycards", other, nil); code != 200 || len(l["cards"].([]any)) != 0 {
		t.Errorf("another motorist's list: %d %v", code, l)
	}
	if code, c := a.do("GET", "/v1/me/daycards/"+o.card, o.cardOwner, nil); code != 200 || c["remaining"] != 2.0 {
		t.Errorf("the owner's card: %d %v", code, c)
	}
}

// TestPermitAndDayCardCallbackForgery: the permit and day card callbacks
// check signature, timestamp and nonce like the voucher one.
func TestPermitAndDayCardCallbackForgery(t *testing.T) {
	a := startAPI(t)
	o := a.makeOrders()
	code, c := a.do("POST", "/v1/me/daycards", o.cardOwner, map[string]any{"zone": "1030", "days": 1})
	if code != 201 {
		t.Fatalf("day card: %d %v", code, c)
	}
	card := c["id"].(string)
	for _, tt := range []struct{ path, id, detail, cred string }{
		{httpapi.PermitCallbackPath, o.permitAwaiting, "/v1/permits/" + o.permitAwaiting, "portal-leuven"},
		{httpapi.DayCardCallbackPath, card, "/v1/me/daycards/" + card, o.cardOwner},
	} {
		t.Run(tt.path, func(t *testing.T) {
			a := a.with(t)
			paid := a.callbackNow(tt.id, "paid")
			body, _ := json.Marshal(paid)
			stale := paid
			stale.Timestamp = stale.Timestamp.Add(-payments.MaxAge - time.Second)
			staleBody, _ := json.Marshal(stale)
			for _, bad := range []struct {
				body []byte
				sig  string
				want int
			}{
				{body, "", 401},
				{body, payments.Sign([]byte("another secret of 32 bytes......"), body), 401},
				{staleBody, payments.Sign(a.secret, staleBody), 400},
			} {
				before := takeSnapshot(t, a.db)
				if code, p := a.postCallbackTo(tt.path, bad.body, bad.sig); code != bad.want {
					t.Errorf("%d %v, want %d", code, p, bad.want)
				}
				if ch := changes(t, before, takeSnapshot(t, a.db)); len(ch) > 0 {
					t.Errorf("changed the store: %v", ch)
				}
			}
			if code, d := a.do("GET", tt.detail, tt.cred, nil); code != 200 || d["status"] != "awaiting_payment" {
				t.Fatalf("before the genuine callback: %d %v", code, d)
			}
			failed := a.callbackNow(tt.id, "failed")
			if code, r := a.signedCallbackTo(tt.path, failed); code != 200 {
				t.Fatalf("failed: %d %v", code, r)
			}
			before := takeSnapshot(t, a.db)
			if code, r := a.signedCallbackTo(tt.path, failed); code != 409 {
				t.Fatalf("replayed: %d %v", code, r)
			}
			if ch := changes(t, before, takeSnapshot(t, a.db)); len(ch) > 0 {
				t.Errorf("the replay changed the store: %v", ch)
			}
		})
	}
}
