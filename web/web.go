// Package web is the motorist's own web page: log in with the PASS
// credentials, see and start and stop parking, the history by month, the
// SMS sent to the number and the reply settings, in Dutch, French, German
// and English. It is server-rendered HTML (html/template) with its
// stylesheet embedded, no external resource and no JavaScript needed.
// It asks the engine and the records through the small interfaces below;
// cmd wires them.
package web

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"time"

	"github.com/rs/zerolog"

	"smspark/sessions"
	"smspark/tariffs"
)

// Engine is what the page asks of the session engine.
type Engine interface {
	Handle(ctx context.Context, mo sessions.MO) (sessions.Reply, error)
	Running(number, plate, zone string, limit int) []sessions.Session
	CostSoFar(s sessions.Session, at time.Time) int64
	AccountOf(number string) (sessions.Account, bool)
}

// Records are the number's stored sessions, settings and messages.
type Records interface {
	// Sessions returns the number's sessions, running and ended, oldest first.
	Sessions(ctx context.Context, number string) ([]sessions.Session, error)
	Settings(ctx context.Context, number string) (sessions.Settings, error)
	// Messages returns the SMS sent to the number, oldest first.
	Messages(ctx context.Context, number string) ([]sessions.Message, error)
}

// Node is the cluster node the page runs on. Only the leader writes: on a
// standby every form that would change something is refused with a page
// saying so, and nothing changes.
type Node interface {
	Leader() bool
}

// Login errors a Login function returns.
var (
	ErrTooManyLogins  = errors.New("too many login attempts")
	ErrBadCredentials = errors.New("bad credentials")
)

// Options configure the page.
type Options struct {
	Engine  Engine
	Records Records
	// DayCards sells and spends day cards (nil: no day cards page).
	DayCards DayCards
	// TestPayments shows the built-in test payment provider's buttons
	// (pay, refuse) on a purchase awaiting payment. Only for the test
	// provider: with a real one the buyer pays on its page.
	TestPayments bool
	// Node says whether this node is the leader (nil: always).
	Node Node
	// Statements builds the account's monthly statements (nil: no
	// statements page).
	Statements Statements
	// Login checks PASS credentials and returns the number in E.164, or
	// ErrTooManyLogins or ErrBadCredentials (rate limited with the API).
	Login func(r *http.Request, username, password string) (string, error)
	// Zones lists the configured zones, for the start form.
	Zones    func() []tariffs.Zone
	Clock    func() time.Time
	Location *time.Location
	Logger   zerolog.Logger
	// SessionTTL is how long a login lasts without use (default 30 min).
	SessionTTL time.Duration
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Page serves the motorist's web page.
type Page struct {
	opts  Options
	tmpl  map[string]*template.Template
	auth  *logins
	statc http.Handler
}

// New returns the page; Routes registers it on a mux.
func New(opts Options) (*Page, error) {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.SessionTTL == 0 {
		opts.SessionTTL = 30 * time.Minute
	}
	p := &Page{opts: opts, auth: newLogins(opts.SessionTTL)}
	if err := p.parse(); err != nil {
		return nil, err
	}
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	p.statc = http.StripPrefix("/static/", http.FileServerFS(sub))
	return p, nil
}

// Routes registers the page's routes on mux, beside the API's /v1.
func (p *Page) Routes(mux *http.ServeMux) {
	mux.Handle("GET /static/", p.cached(p.statc))
	mux.HandleFunc("GET /{$}", p.home)
	mux.HandleFunc("GET /login", p.loginForm)
	mux.HandleFunc("POST /login", p.login)
	mux.HandleFunc("GET /help", p.help)
	mux.HandleFunc("GET /lang", p.switchLanguage)
	mux.HandleFunc("POST /logout", p.member(p.logout))
	mux.HandleFunc("GET /now", p.member(p.now))
	mux.HandleFunc("POST /now/start", p.member(p.write(p.start)))
	mux.HandleFunc("POST /now/stop", p.member(p.write(p.stop)))
	mux.HandleFunc("GET /history", p.member(p.history))
	mux.HandleFunc("GET /notifications", p.member(p.notifications))
	mux.HandleFunc("GET /settings", p.member(p.settings))
	mux.HandleFunc("POST /settings", p.member(p.write(p.saveSettings)))
	mux.HandleFunc("GET /statements", p.member(p.statements))
	mux.HandleFunc("GET /statements/{file}", p.member(p.statementFile))
	if p.opts.DayCards != nil {
		mux.HandleFunc("GET /daycards", p.member(p.dayCards))
		mux.HandleFunc("POST /daycards", p.member(p.write(p.buyDayCards)))
		mux.HandleFunc("GET /daycards/{id}", p.member(p.dayCard))
		mux.HandleFunc("POST /daycards/{id}/days", p.member(p.write(p.spendDays)))
		mux.HandleFunc("POST /daycards/{id}/days/{date}/cancel", p.member(p.write(p.cancelDay)))
		mux.HandleFunc("POST /daycards/{id}/payment", p.member(p.write(p.retryDayCardPayment)))
		if p.opts.TestPayments {
			mux.HandleFunc("POST /daycards/{id}/testpay", p.member(p.write(p.testPayDayCard)))
		}
	}
}

func (p *Page) cached(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// write refuses a form that would change something when this node is not
// the leader: a standby answers 503 with a page saying so.
func (p *Page) write(h memberHandler) memberHandler {
	return func(w http.ResponseWriter, r *http.Request, s login) {
		if p.opts.Node != nil && !p.opts.Node.Leader() {
			w.Header().Set("Retry-After", "5")
			p.refuse(w, r, http.StatusServiceUnavailable, "errStandby")
			return
		}
		h(w, r, s)
	}
}

func (p *Page) home(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.auth.current(r, p.opts.Clock()); ok {
		http.Redirect(w, r, "/now", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
