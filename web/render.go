package web

import (
	"bytes"
	"html/template"
	"net/http"
	"time"

	"smspark/sessions"
)

// view is what every template gets: the language, the login's CSRF token,
// the flash, and the page's own data.
type view struct {
	Lang     string
	Page     string
	Path     string
	CSRF     string
	Number   string
	LoggedIn bool
	Flash    *flash
	Username string
	Data     any
	// DayCards says whether the day cards page is served.
	DayCards bool

	loc *time.Location
}

// T translates a key into the page's language.
func (v view) T(key string) string { return translate(v.Lang, key) }

// Money writes an amount as the SMS replies in the page's language do.
func (v view) Money(cents int64) string { return sessions.Money(v.Lang, cents) }

// Clock writes a time as the SMS replies do (HH:MM), with the date when
// it is not today.
func (v view) When(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(v.loc).Format("02/01/2006 15:04")
}

// Date writes a date (day/month/year).
func (v view) Date(t time.Time) string { return t.In(v.loc).Format("02/01/2006") }

// Weekdays are the calendar's column heads, Monday first.
func (v view) Weekdays() []weekday {
	short := map[string][]string{"nl": {"ma", "di", "wo", "do", "vr", "za", "zo"}, "fr": {"lu", "ma", "me", "je", "ve", "sa", "di"},
		"de": {"Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"}, "en": {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}}
	long := map[string][]string{"nl": {"maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"},
		"fr": {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"},
		"de": {"Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"},
		"en": {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}}
	out := make([]weekday, 7)
	for i := range out {
		out[i] = weekday{Short: short[v.Lang][i], Long: long[v.Lang][i]}
	}
	return out
}

type weekday struct{ Short, Long string }

// ISO is t for a <time datetime> attribute.
func (v view) ISO(t time.Time) string { return t.In(v.loc).Format(time.RFC3339) }

// Languages are the switch's entries.
func (v view) Languages() []langOption {
	out := make([]langOption, 0, len(languages))
	for _, l := range languages {
		out = append(out, langOption{Code: l, Name: languageNames[l], Current: l == v.Lang})
	}
	return out
}

type langOption struct {
	Code, Name string
	Current    bool
}

func (p *Page) view(r *http.Request, page string, s login) view {
	v := view{Lang: language(r), Page: page, Path: r.URL.Path, CSRF: s.csrf, Number: s.number,
		LoggedIn: s.number != "", DayCards: p.opts.DayCards != nil, loc: p.opts.Location}
	if s.id != "" {
		v.Flash = p.auth.takeFlash(s.id)
	}
	return v
}

var pages = []string{"login", "help", "now", "history", "notifications", "settings", "statements", "daycards", "daycard", "refused"}

func (p *Page) parse() error {
	p.tmpl = map[string]*template.Template{}
	for _, name := range pages {
		t, err := template.ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return err
		}
		p.tmpl[name] = t
	}
	return nil
}

// render writes a page; a template error is a 500, never half a page.
func (p *Page) render(w http.ResponseWriter, code int, name string, v view) {
	var buf bytes.Buffer
	if err := p.tmpl[name].ExecuteTemplate(&buf, "layout", v); err != nil {
		p.opts.Logger.Error().Err(err).Str("page", name).Msg("web: template")
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Language", v.Lang)
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// refuse shows a clear page saying what was refused: nothing changed.
func (p *Page) refuse(w http.ResponseWriter, r *http.Request, code int, key string) {
	s, _ := p.auth.current(r, p.opts.Clock())
	v := p.view(r, "refused", s)
	v.Flash = &flash{Error: true, Title: v.T("refused"), Text: v.T(key)}
	p.render(w, code, "refused", v)
}

func (p *Page) fail(w http.ResponseWriter, r *http.Request, err error) {
	p.opts.Logger.Error().Err(err).Str("route", r.Pattern).Msg("web: request failed")
	p.refuse(w, r, http.StatusInternalServerError, "errServer")
}

// done redirects after a form (post, redirect, get) with its outcome.
func (p *Page) done(w http.ResponseWriter, r *http.Request, s login, to string, f flash) {
	p.auth.setFlash(s.id, f)
	http.Redirect(w, r, to, http.StatusSeeOther)
}
