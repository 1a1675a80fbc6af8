package main

import (
	"bytes"

	"context"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"smspark/config"
)

// http helpers for the journeys: JSON in, JSON out, with an API key.
func (e *e2e) api(method, path, key string, body any) (int, map[string]any) {
	e.t.Helper()
	code, raw := e.apiRaw(method, path, key, body)
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			e.t.Fatalf("%s %s: %d not JSON: %q", method, path, code, raw)
		}
	}
	return code, out
}

func (e *e2e) apiRaw(method, path, key string, body any) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, "http://"+e.main.HTTP.Addr()+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw
}

// key creates an API key in the running engine's store.
func (e *e2e) key(role, city string) string {
	e.t.Helper()
	k, rec, err := newAPIKey(role, city, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.main.DB.PutAPIKey(context.Background(), rec); err != nil {
		e.t.Fatal(err)
	}
	return k
}

// pay sends the provider's signed callback with smspark payments simulate.
func (e *e2e) pay(order, result string) string {
	e.t.Helper()
	out, err := run(e.t, "payments", "simulate", "--server", "http://"+e.main.HTTP.Addr(), "--data", e.dir,
		"--order", order, "--result", result)
	if err != nil {
		e.t.Fatalf("payments simulate %s: %v\n%s", result, err, out)
	}
	return out
}

// pdfText returns a PDF's text as pdftotext (poppler-utils) reads it,
// white space runs as one space.
func pdfText(t *testing.T, raw []byte) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-raw", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(raw)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext (apt-get install poppler-utils): %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// A Brussels voucher letter speaks French unless asked otherwise and
// carries the citizen's full address, whatever the script of the name.
func TestJourneyBrusselsLetter(t *testing.T) {
	e := startE2E(t, e2eOptions{mode: config.BindTransceiver, realClock: true})
	portal := e.key("portal", "Brussels")
	order := map[string]any{"type": "VBR", "citizen": "Łukasz Wiśniewski / Ayşe Yılmaz", "street": "Avenue Louise",
		"number": "54", "postcode": "1050", "town": "Ixelles", "quantity": 2}
	code, o := e.api("POST", "/v1/cities/Brussels/orders", portal, order)
	if code != 201 || o["postcode"] != "1050" || o["town"] != "Ixelles" {
		t.Fatalf("order: %d %v", code, o)
	}
	id := o["id"].(string)
	e.pay(id, "paid")
	code, letter := e.apiRaw("GET", "/v1/orders/"+id+"/letter.pdf", portal, nil)
	text := pdfText(t, letter)
	for _, want := range []string{"Łukasz Wiśniewski / Ayşe Yılmaz", "Avenue Louise 54", "1050 Ixelles",
		"Vos vouchers de stationnement", "€ 5,00", o["communication"].(string)} {
		if !strings.Contains(text, want) {
			t.Errorf("the letter (%d) lacks %q:\n%s", code, want, text)
		}
	}
}

// TestJourneyBlankenberge: docs/vouchers.md from the portal to the warden.
func TestJourneyBlankenberge(t *testing.T) {
	e := startE2E(t, e2eOptions{mode: config.BindTransceiver, realClock: true})
	portal, warden := e.key("portal", "Blankenberge"), e.key("warden", "Blankenberge")
	const types = "/v1/cities/Blankenberge/voucher-types?street=Kerkstraat&number=12"

	code, offers := e.api("GET", types, portal, nil)
	offer := offers["offers"].([]any)[0].(map[string]any)
	if code != 200 || offer["type"] != "BLA" || offer["remaining_vouchers"] != 50.0 || offer["free_bundles_left"] != 1.0 {
		t.Fatalf("eligible types: %d %v", code, offers)
	}
	if code, o := e.api("GET", "/v1/cities/Blankenberge/voucher-types?street=Nowherestraat&number=1&zone=8370", portal, nil); code != 200 || len(o["offers"].([]any)) != 0 {
		t.Fatalf("an address outside zone 8371 may buy: %d %v", code, o)
	}
	order := map[string]any{"type": "BLA", "citizen": "An Peeters", "street": "Kerkstraat", "number": "12", "quantity": 10, "language": "nl"}

	// The first 10 are free: issued at once.
	code, free := e.api("POST", "/v1/cities/Blankenberge/orders", portal, order)
	if code != 201 || free["status"] != "paid" || free["price_cents"] != 0.0 || len(free["vouchers"].([]any)) != 10 {
		t.Fatalf("free order: %d %v", code, free)
	}
	// The next 10 cost €50.00 and wait for payment.
	code, paid := e.api("POST", "/v1/cities/Blankenberge/orders", portal, order)
	id := paid["id"].(string)
	if code != 201 || paid["status"] != "awaiting_payment" || paid["price_cents"] != 5000.0 || len(paid["vouchers"].([]any)) != 0 ||
		!strings.HasPrefix(paid["communication"].(string), "+++") {
		t.Fatalf("paying order: %d %v", code, paid)
	}
	// A failed payment leaves it payable; a retry and a paid callback issue it.
	e.pay(id, "failed")
	if _, o := e.api("GET", "/v1/orders/"+id, portal, nil); o["status"] != "awaiting_payment" || o["payment"].(map[string]any)["last_result"] != "failed" {
		t.Fatalf("after a failed payment: %v", o)
	}
	if code, o := e.api("POST", "/v1/orders/"+id+"/payment", portal, nil); code != 200 || o["status"] != "awaiting_payment" {
		t.Fatalf("retry: %d %v", code, o)
	}
	e.pay(id, "paid")
	_, o := e.api("GET", "/v1/orders/"+id, portal, nil)
	vs := o["vouchers"].([]any)
	if o["status"] != "paid" || len(vs) != 10 || o["expires"] == nil {
		t.Fatalf("after payment: %v", o)
	}
	code, letter := e.apiRaw("GET", "/v1/orders/"+id+"/letter.pdf", portal, nil)
	text := pdfText(t, letter)
	for _, v := range vs {
		if c := v.(map[string]any)["code"].(string); !strings.Contains(text, c) {
			t.Fatalf("the letter (%d) lacks code %s", code, c)
		}
	}
	// "<code> 1ABC123" by SMS starts a 12-hour session.
	first := vs[0].(map[string]any)["code"].(string)
	const phone = "+32475000001"
	mt := e.sms("", phone, first+" 1ABC123")
	if mt.From != "4411" || !strings.Contains(mt.Text, "1ABC123") {
		t.Fatalf("activation reply: %+v", mt)
	}
	code, v := e.api("GET", "/v1/enforcement/plates/1ABC123?zone=8371", warden, nil)
	until, err := time.Parse(time.RFC3339, v["until"].(string))
	if err != nil || code != 200 || v["valid"] != true {
		t.Fatalf("warden: %d %v", code, v)
	}
	start, _ := time.Parse(time.RFC3339, v["session"].(map[string]any)["start"].(string))
	if until.Sub(start) != 12*time.Hour {
		t.Fatalf("valid from %s until %s, want 12 h", start, until)
	}
	_, o = e.api("GET", "/v1/orders/"+id, portal, nil)
	if used := o["vouchers"].([]any)[0].(map[string]any); used["status"] != "used" || used["plate"] != "1ABC123" {
		t.Fatalf("the voucher after use: %v", used)
	}
	// The quota shrank by 20.
	if _, offers := e.api("GET", types, portal, nil); offers["offers"].([]any)[0].(map[string]any)["remaining_vouchers"] != 30.0 {
		t.Fatalf("quota after two orders: %v", offers)
	}
}

// TestJourneyBrussels: single vouchers at €2.50, and the 100-hour quota
// refused with a clear problem type when exceeded.
func TestJourneyBrussels(t *testing.T) {
	e := startE2E(t, e2eOptions{mode: config.BindTransceiver, realClock: true})
	portal := e.key("portal", "Brussels")
	order := func(qty int) (int, map[string]any) {
		return e.api("POST", "/v1/cities/Brussels/orders", portal, map[string]any{"type": "VBR", "citizen": "Luc Dubois",
			"street": "Avenue Louise", "number": "54", "quantity": qty, "language": "fr"})
	}
	code, one := order(1)
	if code != 201 || one["price_cents"] != 250.0 || one["status"] != "awaiting_payment" {
		t.Fatalf("one voucher: %d %v", code, one)
	}
	e.pay(one["id"].(string), "paid")
	// 4 h 30 a voucher: 22 fit in 100 hours; 21 more after the first.
	if code, o := order(21); code != 201 || o["price_cents"] != 5250.0 {
		t.Fatalf("21 more: %d %v", code, o)
	}
	code, p := order(1)
	if code != 409 || p["type"] != "https://smspark.example/problems/quota-exceeded" {
		t.Fatalf("over the quota: %d %v", code, p)
	}
	// Another city's portal key sees nothing of it.
	other := e.key("portal", "Blankenberge")
	if code, _ := e.api("GET", "/v1/orders/"+one["id"].(string), other, nil); code != 404 {
		t.Fatalf("another city's key: %d", code)
	}
}

// TestCounterHTTP: a city's counter grants reduced tariffs over HTTP, for
// its own city only.
func TestCounterHTTP(t *testing.T) {
	e := startE2E(t, e2eOptions{mode: config.BindTransceiver, realClock: true})
	kortrijk, leuven := e.key("counter", "Kortrijk"), e.key("counter", "Leuven")
	grant := map[string]any{"number": "+32475000001", "from": "2026-11-01", "to": "2026-12-31",
		"granted_by": "counter / M. Claes", "reason": "UiTPAS kansentarief"}
	code, g := e.api("POST", "/v1/cities/Kortrijk/reduced-tariffs", kortrijk, grant)
	if code != 201 || g["percent"] != 25.0 || g["reason"] != "UiTPAS kansentarief" {
		t.Fatalf("grant: %d %v", code, g)
	}
	if code, _ := e.api("POST", "/v1/cities/Kortrijk/reduced-tariffs", leuven, grant); code != 404 {
		t.Fatalf("another city's counter: %d", code)
	}
	if code, list := e.api("GET", "/v1/cities/Kortrijk/reduced-tariffs", kortrijk, nil); code != 200 || len(list["grants"].([]any)) != 1 {
		t.Fatalf("list: %d %v", code, list)
	}
	if code, p := e.api("POST", "/v1/cities/Brussels/reduced-tariffs", e.key("counter", "Brussels"), grant); code != 422 ||
		p["type"] != "https://smspark.example/problems/no-reduced-tariff" {
		t.Fatalf("Brussels: %d %v", code, p)
	}
}
