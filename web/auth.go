package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"sync"
	"time"
)

// Cookie names: the login and, before logging in, the login form's CSRF
// token (double submit).
const (
	sessionCookie = "smspark_session"
	preCookie     = "smspark_pre"
	langCookie    = "smspark_lang"
)

// login is one logged-in browser.
type login struct {
	id      string
	number  string
	csrf    string
	expires time.Time
	flash   *flash // shown once, on the next page
}

// flash is the outcome of a form, shown after the redirect.
type flash struct {
	Error bool
	Title string
	Text  string
}

// logins are the browsers logged in, by session id; a login unused for
// ttl ends. Expired ones are dropped as new ones are made.
type logins struct {
	mu  sync.Mutex
	ttl time.Duration
	m   map[string]*login
}

func newLogins(ttl time.Duration) *logins {
	return &logins{ttl: ttl, m: map[string]*login{}}
}

func token() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func (l *logins) issue(number string, now time.Time) (login, error) {
	id, err := token()
	if err != nil {
		return login{}, err
	}
	csrf, err := token()
	if err != nil {
		return login{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for k, s := range l.m {
		if now.After(s.expires) {
			delete(l.m, k)
		}
	}
	s := &login{id: id, number: number, csrf: csrf, expires: now.Add(l.ttl)}
	l.m[id] = s
	return *s, nil
}

// current returns the request's login and extends it.
func (l *logins) current(r *http.Request, now time.Time) (login, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return login{}, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.m[c.Value]
	if !ok || now.After(s.expires) {
		delete(l.m, c.Value)
		return login{}, false
	}
	s.expires = now.Add(l.ttl)
	return *s, true
}

func (l *logins) end(id string) {
	l.mu.Lock()
	delete(l.m, id)
	l.mu.Unlock()
}

func (l *logins) setFlash(id string, f flash) {
	l.mu.Lock()
	if s, ok := l.m[id]; ok {
		s.flash = &f
	}
	l.mu.Unlock()
}

func (l *logins) takeFlash(id string) *flash {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.m[id]
	if !ok {
		return nil
	}
	f := s.flash
	s.flash = nil
	return f
}

// secure reports whether the browser reached us over TLS, directly or
// through a proxy that says so.
func secure(r *http.Request) bool {
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: secure(r), SameSite: http.SameSiteLaxMode})
}

func sameToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

type memberHandler func(w http.ResponseWriter, r *http.Request, s login)

// member admits logged-in browsers only, and checks the CSRF token of
// every form they post: a post without it is refused and changes nothing.
func (p *Page) member(h memberHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, ok := p.auth.current(r, p.opts.Clock())
		if !ok {
			if r.Method == http.MethodPost {
				p.refuse(w, r, http.StatusForbidden, "errExpired")
				return
			}
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
			if !sameToken(r.PostFormValue("csrf"), s.csrf) {
				p.refuse(w, r, http.StatusForbidden, "errCSRF")
				return
			}
		}
		h(w, r, s)
	}
}

// preToken returns the login form's CSRF token, set as a cookie too.
func (p *Page) preToken(w http.ResponseWriter, r *http.Request) (string, error) {
	if c, err := r.Cookie(preCookie); err == nil && len(c.Value) == 43 {
		return c.Value, nil
	}
	t, err := token()
	if err != nil {
		return "", err
	}
	setCookie(w, r, preCookie, t, 3600)
	return t, nil
}

func (p *Page) loginForm(w http.ResponseWriter, r *http.Request) {
	p.showLogin(w, r, http.StatusOK, "")
}

func (p *Page) showLogin(w http.ResponseWriter, r *http.Request, code int, errKey string) {
	t, err := p.preToken(w, r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	v := p.view(r, "login", login{csrf: t})
	if errKey != "" {
		v.Flash = &flash{Error: true, Title: v.T(errKey)}
	}
	v.Username = r.PostFormValue("username")
	p.render(w, code, "login", v)
}

func (p *Page) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	c, err := r.Cookie(preCookie)
	if err != nil || !sameToken(r.PostFormValue("csrf"), c.Value) {
		p.refuse(w, r, http.StatusForbidden, "errCSRF")
		return
	}
	number, err := p.opts.Login(r, r.PostFormValue("username"), r.PostFormValue("password"))
	switch {
	case errors.Is(err, ErrTooManyLogins):
		w.Header().Set("Retry-After", "20")
		p.showLogin(w, r, http.StatusTooManyRequests, "errTooMany")
		return
	case err != nil:
		p.showLogin(w, r, http.StatusUnauthorized, "errCredentials")
		return
	}
	s, err := p.auth.issue(number, p.opts.Clock())
	if err != nil {
		p.fail(w, r, err)
		return
	}
	setCookie(w, r, sessionCookie, s.id, 0)
	setCookie(w, r, preCookie, "", -1)
	http.Redirect(w, r, "/now", http.StatusSeeOther)
}

func (p *Page) logout(w http.ResponseWriter, r *http.Request, s login) {
	p.auth.end(s.id)
	setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
