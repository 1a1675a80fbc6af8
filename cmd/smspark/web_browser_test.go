package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// skipBrowserEnv opts out of the browser tests on a developer's machine
// without Chromium; CI never sets it.
const skipBrowserEnv = "SMSPARK_SKIP_BROWSER_TESTS"

// chromiumPath finds Debian's Chromium, or fails the test loudly.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if os.Getenv(skipBrowserEnv) == "1" {
		t.Skip(skipBrowserEnv + "=1: browser tests skipped")
	}
	for _, p := range []string{os.Getenv("SMSPARK_CHROMIUM"), "/usr/bin/chromium", "chromium"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	t.Fatalf("Chromium is needed for the web page's browser tests: apt-get install chromium " +
		"(or set SMSPARK_CHROMIUM to its path, or " + skipBrowserEnv + "=1 to skip them on a development machine)")
	return ""
}

// axeSource is axe-core's script, installed by `npm ci` at the repository's root.
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatalf("axe-core is needed for the accessibility check: run `npm ci` at the repository's root (%v)", err)
	}
	return string(b)
}

// chrome starts a headless Chromium with a fresh profile, the window width
// wide (375 is a phone).
func chrome(t *testing.T, width int) context.Context {
	t.Helper()
	// The profile is not t.TempDir: Chromium's helper processes (crashpad)
	// may still write into it after the browser ended, and its removal
	// is best effort rather than a failure of the test.
	profile, err := os.MkdirTemp("", "smspark-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(profile) })
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(chromiumPath(t)),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("accept-lang", "nl-BE,nl"),
		chromedp.UserDataDir(profile), chromedp.WindowSize(width, 900)}
	ctx, cancel := context.WithTimeout(context.Background(), 180*time.Second)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	if err := chromedp.Run(bctx, chromedp.EmulateViewport(int64(width), 900)); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return bctx
}

// page drives one browser through the motorist's page.
type page struct {
	t     *testing.T
	ctx   context.Context
	base  string
	axe   string
	width int
	shots string // directory for screenshots ("" none)
}

func (p *page) run(what string, actions ...chromedp.Action) {
	p.t.Helper()
	if err := chromedp.Run(p.ctx, actions...); err != nil {
		p.t.Fatalf("%s (width %d): %v", what, p.width, err)
	}
}

// text returns the text of the first element matching sel.
func (p *page) text(sel string) string {
	p.t.Helper()
	var s string
	p.run("read "+sel, chromedp.Text(sel, &s, chromedp.ByQuery))
	return s
}

func (p *page) expect(sel, want string) {
	p.t.Helper()
	if got := p.text(sel); !strings.Contains(got, want) {
		p.t.Fatalf("width %d: %s says %q, want %q in it", p.width, sel, got, want)
	}
}

// accessible runs axe-core on the page: no serious or critical violation.
func (p *page) accessible(name string) {
	p.t.Helper()
	var found bool
	p.run("inject axe", chromedp.Evaluate(`typeof axe !== "undefined"`, &found))
	if !found {
		p.run("inject axe", chromedp.Evaluate(p.axe, nil))
	}
	var bad []string
	p.run("axe "+name, chromedp.Evaluate(`axe.run(document, {resultTypes: ["violations"]}).then(r =>
		r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
		 .map(v => v.impact + " " + v.id + ": " + v.help + " at " + v.nodes.map(n => n.target.join(" ")).join(", ")))`,
		&bad, func(e *runtime.EvaluateParams) *runtime.EvaluateParams { return e.WithAwaitPromise(true) }))
	if len(bad) > 0 {
		p.t.Errorf("width %d, %s: accessibility violations:\n%s", p.width, name, strings.Join(bad, "\n"))
	}
	if p.shots != "" {
		var png []byte
		p.run("screenshot", chromedp.FullScreenshot(&png, 100))
		file := filepath.Join(p.shots, fmt.Sprintf("%s-%d.png", name, p.width))
		if err := os.WriteFile(file, png, 0o644); err != nil {
			p.t.Fatal(err)
		}
	}
}

func (p *page) open(path string) {
	p.t.Helper()
	p.run("open "+path, chromedp.Navigate(p.base+path), chromedp.WaitVisible("h1", chromedp.ByQuery))
}

// download fetches a file as the page's links do, with the browser's
// cookies, and returns its bytes.
func (p *page) download(path string) []byte {
	p.t.Helper()
	var b64 string
	p.run("download "+path, chromedp.Evaluate(`fetch(`+strconv.Quote(path)+`).then(r => {
		if (!r.ok) throw new Error("HTTP " + r.status);
		return r.arrayBuffer();
	}).then(b => { let s = ""; for (const c of new Uint8Array(b)) s += String.fromCharCode(c); return btoa(s); })`,
		&b64, func(e *runtime.EvaluateParams) *runtime.EvaluateParams { return e.WithAwaitPromise(true) }))
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		p.t.Fatal(err)
	}
	return raw
}

// submit clicks a form's button and waits for the next page.
func (p *page) submit(button string) {
	p.t.Helper()
	// RunResponse waits for the page the click loads: an h1 alone could
	// still be the old page's, whose context the navigation then destroys.
	if _, err := chromedp.RunResponse(p.ctx, chromedp.Click(button, chromedp.ByQuery)); err != nil {
		p.t.Fatalf("submit %s (width %d): %v", button, p.width, err)
	}
	p.run("submit "+button, chromedp.WaitVisible("h1", chromedp.ByQuery))
}

// browseDayCards buys three day cards of Leuven on the page, refuses the
// first payment and pays the second, ticks two dates on the calendar and
// cancels the later one, getting it back.
func browseDayCards(t *testing.T, p *page, e *e2e) {
	t.Helper()
	p.open("/daycards")
	p.expect("h1", "Dagkaarten")
	p.expect("main", "U hebt nog geen dagkaarten.")
	p.accessible("daycards")
	p.run("buy form", chromedp.SetValue("#dc-zone", "3000", chromedp.ByQuery),
		chromedp.SetValue("#dc-days", "3", chromedp.ByQuery))
	p.submit(`form[action="/daycards"] button`)
	p.expect(".dc-status", "wacht op betaling")
	p.expect(".facts", "€ 24,00")
	p.accessible("daycard-payment")
	p.submit("button.refuse")
	p.expect(".flash", "De betaling is mislukt")
	p.expect(".dc-status", "wacht op betaling")
	p.submit("button.retry")
	p.submit("button.pay")
	p.expect(".flash", "Betaald")
	p.expect(".dc-status", "betaald")
	p.run("choose dates", chromedp.SetValue("#dc-plate", "1-abc-123", chromedp.ByQuery),
		chromedp.Click("#d-2026-11-24", chromedp.ByQuery), chromedp.Click("#d-2026-11-26", chromedp.ByQuery))
	p.submit("form.calendar button.start")
	p.expect(".flash", "Uw dagen zijn vastgelegd")
	p.expect(".dc-left", "1")
	p.expect("td.spent", "1ABC123")
	p.accessible("daycard")
	if _, ok := e.main.DayCards.Permit("1ABC123", "3000", mustTime(t, "2026-11-26T12:00:00+01:00")); !ok {
		t.Fatal("a day chosen on the calendar does not let the plate park")
	}
	p.submit(`button[formaction$="/days/2026-11-26/cancel"]`)
	p.expect(".flash", "Dag geannuleerd")
	p.expect(".dc-left", "2")
	if _, ok := e.main.DayCards.Permit("1ABC123", "3000", mustTime(t, "2026-11-26T12:00:00+01:00")); ok {
		t.Fatal("a cancelled day still lets the plate park")
	}
}

// TestWebBrowser drives the motorist's page in a real Chromium, at a
// phone's and a desktop's width: credentials by PASS over SMPP, log in,
// start and stop a Premium session, the history and the SMS, the
// language switch; axe-core checks every page.
func TestWebBrowser(t *testing.T) {
	axe := axeSource(t)
	shots := os.Getenv("SMSPARK_SCREENSHOTS")
	for i, width := range []int{375, 1280} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			e := startE2E(t, e2eOptions{mode: "transceiver"})
			number := fmt.Sprintf("+3247000030%d", i)
			e.premium(number)
			pass := e.credentials("2026-11-23T09:00:00+01:00", number)
			p := &page{t: t, ctx: chrome(t, width), base: "http://" + e.main.HTTP.Addr(), axe: axe, width: width, shots: shots}

			p.open("/help")
			p.expect("ol.steps", "Stuur PASS naar 4411")
			p.accessible("help")
			p.open("/")
			p.expect("h1", "Aanmelden")
			p.accessible("login")
			p.run("log in", chromedp.SendKeys("#username", number, chromedp.ByQuery),
				chromedp.SendKeys("#password", pass, chromedp.ByQuery))
			p.submit(`form[action="/login"] button`)
			p.expect("h1", "Lopende sessies")
			p.expect("main", "Er loopt geen sessie.")

			e.clock.Set(mustTime(t, "2026-11-23T09:05:00+01:00"))
			p.run("start form", chromedp.SetValue("#zone", "1021", chromedp.ByQuery),
				chromedp.SetValue("#plate", "1-abc-123", chromedp.ByQuery))
			p.submit(`form[action="/now/start"] button`)
			p.expect(".flash", "Gestart")
			// The reply speaks the zone's language (Brussels: French).
			p.expect(".flash", "1ABC123 en zone 1021 Louise")
			p.expect(".session h2", "1ABC123")
			p.expect(".session", "09:05")
			p.expect(".session", "€ 0,00")
			p.accessible("now")

			cost := p.text(".session dd.money")
			p.submit("button.stop")
			p.expect(".flash", "Gestopt")
			p.expect(".flash", "1ABC123")
			p.expect("main", "Er loopt geen sessie.")
			if len(e.main.Engine.Running(number, "", "", 0)) != 0 {
				t.Fatal("the stop button did not stop the session")
			}

			p.open("/history")
			p.expect("main h2", "2026-11")
			p.expect("tr.hist", "1ABC123")
			p.expect("tr.hist", cost)
			p.accessible("history")

			p.open("/statements")
			p.expect("main h2", "2026-11")
			p.expect(".statement .communication", "+++")
			p.expect(".statement .downloads", "PDF")
			p.accessible("statements")
			if csv := p.download("/statements/2026-11.csv"); !strings.Contains(string(csv), "1ABC123") {
				t.Fatalf("the statement's CSV:\n%s", csv)
			}
			if text := pdfText(t, p.download("/statements/2026-11.pdf")); !strings.Contains(text, "1ABC123") || !strings.Contains(text, "+++") {
				t.Fatalf("the statement's PDF:\n%s", text)
			}

			browseDayCards(t, p, e)

			p.open("/notifications")
			p.expect("ol.messages", "afgeleverd")
			p.expect("ol.messages", "wachtwoord ***")
			p.accessible("notifications")

			p.open("/settings")
			p.accessible("settings")
			p.submit(`a[hreflang="en"]`)
			p.expect("h1", "Settings")
			p.open("/now")
			p.expect("h1", "Running sessions")
			p.expect("main", "No session is running.")
			p.submit(`a[hreflang="fr"]`)
			p.expect("h1", "Sessions en cours")
			p.accessible("now-fr")
		})
	}
}
