package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"smspark/httpapi"
	"smspark/sessions"
)

// login asks a password by SMS (PASS) for +32475000001 or +32475000002
// and logs in with it; it returns the "token:…" credential.
func (a *pmAPI) login(number string) string {
	a.t.Helper()
	r, err := a.eng.Handle(a.t.Context(), sessions.MO{From: number, Operator: "proximus", Text: "PASS"})
	if err != nil {
		a.t.Fatal(err)
	}
	pw := ""
	for _, w := range strings.FieldsFunc(r.Text, func(r rune) bool { return r == ' ' || r == ',' || r == ':' || r == '\n' }) {
		if len(w) == sessions.PasswordLength && !strings.HasPrefix(w, "+") {
			pw = w
		}
	}
	code, out := a.do("POST", "/v1/login", "", map[string]string{"username": number, "password": pw})
	if code != 200 {
		a.t.Fatalf("login %s: %d %v (%q)", number, code, out, r.Text)
	}
	return "token:" + out["token"].(string)
}

// TestDayCards is the case through the HTTP API: 5 days of zone
// 3000 bought and paid, 2 spent, 1 future day cancelled: 4 left, the plate
// valid on the spent day in that zone only.
func TestDayCards(t *testing.T) {
	a := startPermitAPI(t)
	code, zones := a.do("GET", "/v1/daycards/zones", "", nil)
	if code != 200 || len(zones["zones"].([]any)) != 3 {
		t.Fatalf("zones: %d %v", code, zones)
	}
	alice, bob := a.login("+32475000001"), a.login("+32475000002")
	if code, _ := a.do("GET", "/v1/me/daycards", "", nil); code != 401 {
		t.Fatalf("without login: %d", code)
	}

	code, c := a.do("POST", "/v1/me/daycards", alice, map[string]any{"zone": "3000", "days": 5})
	if code != 201 || c["price_cents"] != 4000.0 || c["status"] != "awaiting_payment" || c["remaining"] != 5.0 {
		t.Fatalf("buy: %d %v", code, c)
	}
	id := c["id"].(string)
	if code, out := a.do("POST", "/v1/me/daycards/"+id+"/days", alice, map[string]any{"plate": "1ABC123", "date": "2026-11-24"}); code != 409 ||
		problemType(out) != "daycard-state" {
		t.Fatalf("spending before payment: %d %v", code, out)
	}
	if code, out := a.callback(httpapi.DayCardCallbackPath, id, "", "paid"); code != 200 || out["status"] != "paid" {
		t.Fatalf("paid: %d %v", code, out)
	}
	code, c = a.do("POST", "/v1/me/daycards/"+id+"/days", alice, map[string]any{"plate": "1-abc-123",
		"dates": []string{"2026-11-24", "2026-11-26"}})
	if code != 200 || c["remaining"] != 3.0 {
		t.Fatalf("spend 2: %d %v", code, c)
	}
	code, c = a.do("POST", "/v1/me/daycards/"+id+"/days/2026-11-26/cancel", alice, nil)
	if code != 200 || c["remaining"] != 4.0 {
		t.Fatalf("cancel a future day: %d %v", code, c)
	}
	uses := c["uses"].([]any)
	if len(uses) != 2 || uses[0].(map[string]any)["status"] != "issued" || uses[1].(map[string]any)["status"] != "cancelled" {
		t.Fatalf("uses %v", uses)
	}
	for _, tt := range []struct {
		warden, zone, when string
		want               bool
	}{
		{"warden-leuven", "3000", "2026-11-24T12:00:00+01:00", true},
		{"warden-leuven", "3000", "2026-11-25T12:00:00+01:00", false},
		{"warden-leuven", "3000", "2026-11-26T12:00:00+01:00", false},
		{"warden-brussels", "1021", "2026-11-24T12:00:00+01:00", false},
	} {
		if got := a.valid(tt.warden, "1ABC123", tt.zone, tt.when); got != tt.want {
			t.Errorf("1ABC123 in %s at %s: valid %v, want %v", tt.zone, tt.when, got, tt.want)
		}
	}
	if r := a.sms("2026-11-24T09:30:00+01:00", "3000 1ABC123"); r.Outcome != sessions.PermitHolder {
		t.Fatalf("start on the spent day: %s", r.Outcome)
	}
	a.clock.Set(time.Date(2026, 11, 23, 10, 0, 0, 0, a.cfg.Location)) // back to Monday

	refused := []struct {
		name, path, cred string
		body             any
		code             int
		kind             string
	}{
		{"a Sunday", "/v1/me/daycards/" + id + "/days", alice, map[string]any{"plate": "1ABC123", "date": "2026-11-29"}, 422, "free-day"},
		{"spent already", "/v1/me/daycards/" + id + "/days", alice, map[string]any{"plate": "2XYZ999", "date": "2026-11-24"}, 409,
			"day-already-spent"},
		{"a bad date", "/v1/me/daycards/" + id + "/days", alice, map[string]any{"plate": "1ABC123", "date": "24/11/2026"}, 422,
			"invalid-date"},
		{"no date", "/v1/me/daycards/" + id + "/days", alice, map[string]any{"plate": "1ABC123"}, 400, "bad-request"},
		{"too many days", "/v1/me/daycards/" + id + "/days", alice, map[string]any{"plate": "1ABC123",
			"dates": []string{"2026-11-27", "2026-11-28", "2026-11-30", "2026-12-01", "2026-12-02"}}, 409, "no-days-left"},
		{"another motorist's card", "/v1/me/daycards/" + id + "/days", bob, map[string]any{"plate": "1ABC123", "date": "2026-11-27"},
			404, "not-found"},
		{"cancel a day not spent", "/v1/me/daycards/" + id + "/days/2026-11-27/cancel", alice, nil, 404, "not-found"},
		{"a zone without day cards", "/v1/me/daycards", alice, map[string]any{"zone": "8500", "days": 1}, 404, "unknown-zone"},
		{"no retry once paid", "/v1/me/daycards/" + id + "/payment", alice, nil, 409, "daycard-state"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			code, out := a.do("POST", tt.path, tt.cred, tt.body)
			if code != tt.code || problemType(out) != tt.kind {
				t.Fatalf("%d %v, want %d %s", code, out, tt.code, tt.kind)
			}
		})
	}

	// Today's day cannot be cancelled.
	if code, _ := a.do("POST", "/v1/me/daycards/"+id+"/days", alice, map[string]any{"plate": "1ABC123", "date": "2026-11-23"}); code != 200 {
		t.Fatalf("spending today: %d", code)
	}
	if code, out := a.do("POST", "/v1/me/daycards/"+id+"/days/2026-11-23/cancel", alice, nil); code != 409 || problemType(out) != "daycard-state" {
		t.Fatalf("cancelling today: %d %v", code, out)
	}
	code, list := a.do("GET", "/v1/me/daycards", alice, nil)
	if code != 200 || len(list["cards"].([]any)) != 1 || list["remaining"] != 3.0 {
		t.Fatalf("list: %d %v", code, list)
	}
	if code, list := a.do("GET", "/v1/me/daycards", bob, nil); code != 200 || len(list["cards"].([]any)) != 0 {
		t.Fatalf("bob's list: %d %v", code, list)
	}
	if code, _ := a.do("GET", "/v1/me/daycards/"+id, bob, nil); code != 404 {
		t.Fatalf("bob sees alice's card: %d", code)
	}
}
