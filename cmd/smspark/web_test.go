package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"smspark/sessions"
)

// credentials sends PASS by SMS through the engine and returns the
// password its reply carries (the reply's last word).
func (e *e2e) credentials(at, number string) string {
	e.t.Helper()
	mt := e.sms(at, number, "PASS")
	f := strings.Fields(mt.Text)
	if len(f) == 0 {
		e.t.Fatalf("PASS reply: %q", mt.Text)
	}
	return f[len(f)-1]
}

// premium makes number a Premium account's.
func (e *e2e) premium(number string) {
	e.t.Helper()
	if _, err := e.main.Engine.CreateAccount(context.Background(), sessions.Premium, []string{number}); err != nil {
		e.t.Fatal(err)
	}
}

// browser is a plain HTTP client with a cookie jar on the motorist's page.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, base: base, c: &http.Client{Jar: jar}}
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (b *browser) post(path string, form url.Values) (int, string) {
	b.t.Helper()
	resp, err := b.c.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the CSRF token of the page's forms.
func (b *browser) csrf(page string) string {
	b.t.Helper()
	_, body := b.get(page)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no CSRF token on %s:\n%s", page, body)
	}
	return m[1]
}

func (b *browser) login(number, password string) {
	b.t.Helper()
	code, body := b.post("/login", url.Values{"csrf": {b.csrf("/login")}, "username": {number}, "password": {password}})
	if code != http.StatusOK || !strings.Contains(body, `action="/logout"`) {
		b.t.Fatalf("login: %d\n%s", code, body)
	}
}

func TestWebLoginWithPASS(t *testing.T) {
	e := startE2E(t, e2eOptions{mode: "transceiver"})
	pass := e.credentials("2026-11-23T09:00:00+01:00", "+32470000101")
	b := newBrowser(t, "http://"+e.main.HTTP.Addr())
	code, body := b.post("/login", url.Values{"csrf": {b.csrf("/login")}, "username": {"0470000101"}, "password": {"wrong"}})
	if code != http.StatusUnauthorized || !strings.Contains(body, "Gebruikersnaam of wachtwoord is fout") {
		t.Fatalf("bad password: %d\n%s", code, body)
	}
	b.login("0470 00 01 01", pass)
	if code, body := b.get("/notifications"); code != http.StatusOK || !strings.Contains(body, "gebruikersnaam &#43;32470000101, wachtwoord ***") {
		t.Fatalf("notifications: %d\n%s", code, body)
	}
	code, _ = b.post("/logout", url.Values{"csrf": {b.csrf("/now")}})
	if code != http.StatusOK {
		t.Fatalf("logout: %d", code)
	}
	if _, body := b.get("/now"); !strings.Contains(body, `action="/login"`) {
		t.Fatalf("after logout /now is not the login form:\n%s", body)
	}
}

func TestWebRefusesForgedForms(t *testing.T) {
	e := startE2E(t, e2eOptions{mode: "transceiver"})
	const a, other = "+32470000201", "+32470000202"
	e.premium(a)
	e.premium(other)
	pass := e.credentials("2026-11-23T09:00:00+01:00", a)
	e.sms("2026-11-23T09:01:00+01:00", other, "1021 2XYZ987")
	b := newBrowser(t, "http://"+e.main.HTTP.Addr())
	b.login(a, pass)

	// A form posted from elsewhere: no CSRF token.
	code, body := b.post("/now/start", url.Values{"zone": {"1021"}, "plate": {"1ABC123"}})
	if code != http.StatusForbidden || !strings.Contains(body, "Er is niets gewijzigd") {
		t.Fatalf("start without CSRF: %d\n%s", code, body)
	}
	code, body = b.post("/now/start", url.Values{"csrf": {"forged"}, "zone": {"1021"}, "plate": {"1ABC123"}})
	if code != http.StatusForbidden {
		t.Fatalf("start with a forged CSRF token: %d\n%s", code, body)
	}
	if got := e.main.Engine.Running(a, "", "", 0); len(got) != 0 {
		t.Fatalf("a forged start started %+v", got)
	}
	// The login form too.
	anon := newBrowser(t, b.base)
	if code, _ := anon.post("/login", url.Values{"username": {a}, "password": {pass}}); code != http.StatusForbidden {
		t.Fatalf("login without CSRF: %d", code)
	}

	// Another motorist's session id in a stop form.
	theirs := e.main.Engine.Running(other, "", "", 0)
	if len(theirs) != 1 {
		t.Fatalf("the other motorist's sessions: %+v", theirs)
	}
	code, body = b.post("/now/stop", url.Values{"csrf": {b.csrf("/now")}, "session": {uintString(theirs[0].ID)}})
	if code != http.StatusNotFound || !strings.Contains(body, "niet van u") {
		t.Fatalf("stop of another's session: %d\n%s", code, body)
	}
	if got := e.main.Engine.Running(other, "", "", 0); len(got) != 1 {
		t.Fatalf("the other motorist's session was stopped: %+v", got)
	}
	// Not logged in at all.
	if code, _ := anon.post("/now/stop", url.Values{"session": {uintString(theirs[0].ID)}}); code != http.StatusForbidden {
		t.Fatalf("stop without login: %d", code)
	}
}

func uintString(n uint64) string { return strconv.FormatUint(n, 10) }

func TestWebStatements(t *testing.T) {
	e := startE2E(t, e2eOptions{mode: "transceiver"})
	const number = "+32470000301"
	e.premium(number)
	pass := e.credentials("2026-11-23T09:00:00+01:00", number)
	e.sms("2026-11-23T09:01:00+01:00", number, "1021 1ABC123")
	e.sms("2026-11-23T10:01:00+01:00", number, "Q") // the free first use
	e.sms("2026-11-23T11:00:00+01:00", number, "1021 1ABC123")
	e.sms("2026-11-23T12:00:00+01:00", number, "Q")
	b := newBrowser(t, "http://"+e.main.HTTP.Addr())
	b.login(number, pass)

	code, body := b.get("/statements")
	if code != http.StatusOK || !strings.Contains(body, `<h2 id="st-2026-11">2026-11</h2>`) ||
		!strings.Contains(body, "&#43;&#43;&#43;") || !strings.Contains(body, `href="/statements/2026-11.pdf"`) {
		t.Fatalf("statements page: %d\n%s", code, body)
	}
	// A total under €5 shows the €0.25 online payment fee.
	if !strings.Contains(body, "Kost online betalen") || !strings.Contains(body, "0,25") {
		t.Fatalf("no online fee on the statements page:\n%s", body)
	}
	code, csv := b.get("/statements/2026-11.csv")
	if code != http.StatusOK || !strings.Contains(csv, "1ABC123") || !strings.Contains(csv, "1021") {
		t.Fatalf("statement CSV: %d\n%s", code, csv)
	}
	code, raw := b.get("/statements/2026-11.pdf")
	if code != http.StatusOK || !strings.HasPrefix(raw, "%PDF-") {
		t.Fatalf("statement PDF: %d %.40q", code, raw)
	}
	if text := pdfText(t, []byte(raw)); !strings.Contains(text, "1ABC123") || !strings.Contains(text, "+++") {
		t.Fatalf("statement PDF text:\n%s", text)
	}
	for _, bad := range []string{"/statements/2026-13.pdf", "/statements/2026-11.exe"} {
		if code, _ := b.get(bad); code != http.StatusNotFound {
			t.Fatalf("%s: %d", bad, code)
		}
	}
}
