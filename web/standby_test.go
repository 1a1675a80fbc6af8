package web

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"smspark/sessions"
	"smspark/tariffs"
)

// countingEngine is a Premium number's engine with one running session
// that counts the commands it is asked to apply.
type countingEngine struct{ handled atomic.Int32 }

func (e *countingEngine) Handle(context.Context, sessions.MO) (sessions.Reply, error) {
	e.handled.Add(1)
	return sessions.Reply{}, nil
}

func (e *countingEngine) Running(number, _, _ string, _ int) []sessions.Session {
	return []sessions.Session{{ID: 7, Number: number, Plate: "1ABC123", Zone: "1021",
		Start: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}}
}

func (e *countingEngine) CostSoFar(sessions.Session, time.Time) int64 { return 150 }

func (e *countingEngine) AccountOf(string) (sessions.Account, bool) {
	return sessions.Account{ID: "A1", Package: sessions.Premium}, true
}

type noRecords struct{}

func (noRecords) Sessions(context.Context, string) ([]sessions.Session, error) { return nil, nil }
func (noRecords) Settings(_ context.Context, n string) (sessions.Settings, error) {
	return sessions.Settings{Number: n}, nil
}
func (noRecords) Messages(context.Context, string) ([]sessions.Message, error) { return nil, nil }

// node is a cluster node whose role the test switches.
type node struct{ leader atomic.Bool }

func (n *node) Leader() bool { return n.leader.Load() }

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func TestStandbyRefusesWrites(t *testing.T) {
	eng, nd := &countingEngine{}, &node{}
	nd.leader.Store(true)
	page, err := New(Options{Engine: eng, Records: noRecords{}, Node: nd, Logger: zerolog.Nop(),
		Zones: func() []tariffs.Zone { return []tariffs.Zone{{Code: "1021", Name: "Brussel"}} },
		Login: func(_ *http.Request, _, _ string) (string, error) { return "+32470000001", nil }})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	page.Routes(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	do := func(method, path string, form url.Values) (int, string) {
		t.Helper()
		var resp *http.Response
		var err error
		if method == http.MethodGet {
			resp, err = c.Get(srv.URL + path)
		} else {
			resp, err = c.PostForm(srv.URL+path, form)
		}
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	csrf := func(path string) string {
		_, body := do(http.MethodGet, path, nil)
		m := csrfInput.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no CSRF token on %s", path)
		}
		return m[1]
	}
	if code, _ := do(http.MethodPost, "/login", url.Values{"csrf": {csrf("/login")}, "username": {"x"}, "password": {"y"}}); code != http.StatusOK {
		t.Fatalf("login: %d", code)
	}

	nd.leader.Store(false)
	writes := []struct{ path string }{{"/now/start"}, {"/now/stop"}, {"/settings"}}
	for _, w := range writes {
		form := url.Values{"csrf": {csrf("/now")}, "zone": {"1021"}, "plate": {"1ABC123"}, "session": {"7"}, "reply_language": {"fr"}}
		code, body := do(http.MethodPost, w.path, form)
		if code != http.StatusServiceUnavailable || !strings.Contains(body, "Er is niets gewijzigd") || !strings.Contains(body, "reserve") {
			t.Errorf("%s on a standby: %d\n%s", w.path, code, body)
		}
	}
	if n := eng.handled.Load(); n != 0 {
		t.Fatalf("a standby applied %d commands", n)
	}
	// Reading works on a standby; writing again once it leads.
	if code, body := do(http.MethodGet, "/now", nil); code != http.StatusOK || !strings.Contains(body, "1ABC123") {
		t.Fatalf("/now on a standby: %d\n%s", code, body)
	}
	nd.leader.Store(true)
	if code, _ := do(http.MethodPost, "/now/stop", url.Values{"csrf": {csrf("/now")}, "session": {"7"}}); code != http.StatusOK {
		t.Fatalf("stop on the leader: %d", code)
	}
	if n := eng.handled.Load(); n != 1 {
		t.Fatalf("the leader applied %d commands, want 1", n)
	}
}
