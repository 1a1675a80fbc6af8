package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"smspark/store"
)

// Auth says who may call an endpoint.
type Auth struct {
	public   bool
	motorist bool
	roles    []string
}

// Who may call what.
var (
	public   = Auth{public: true}
	motorist = Auth{motorist: true}
)

// Public lets anyone call; the handler checks what it needs (the payment
// callback checks its signature).
func Public() Auth { return public }

// Roles admits API keys of these roles: admin, portal, warden, counter.
func Roles(roles ...string) Auth { return Auth{roles: roles} }

// Motorists admits motorists logged in with their PASS credentials.
func Motorists() Auth { return motorist }

// Principal is who calls: an API key (role, city) or a motorist (number).
type Principal struct {
	KeyID  string
	Role   string
	City   string // a city-scoped key sees this city only
	Number string // a motorist, E.164
	addr   string // a public caller: its address (idempotency scope)
}

type principalKey struct{}

// PrincipalOf returns the caller of the request's context.
func PrincipalOf(ctx context.Context) Principal {
	p, _ := ctx.Value(principalKey{}).(Principal)
	return p
}

// scope identifies the caller for idempotency keys.
func (p Principal) scope() string {
	if p.Number != "" {
		return "motorist:" + p.Number
	}
	if p.KeyID != "" {
		return "key:" + p.KeyID
	}
	return "public:" + p.addr
}

// CanSeeCity reports whether the caller may see a city's data: admin keys
// see every city, city keys their own.
func (p Principal) CanSeeCity(city string) bool {
	return p.Role == "admin" || (p.City != "" && strings.EqualFold(p.City, city))
}

func bearer(r *http.Request) string {
	if k := r.Header.Get("X-API-Key"); k != "" {
		return k
	}
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// authenticate finds the caller and checks it may call. Missing or unknown
// credentials are 401, a key of another role 403.
func (s *Server) authenticate(r *http.Request, a Auth) (Principal, error) {
	if a.public {
		return Principal{addr: clientAddr(r)}, nil
	}
	cred := bearer(r)
	if cred == "" || len(cred) > 256 {
		return Principal{}, errUnauthorized()
	}
	if a.motorist {
		if number, ok := s.tokens.lookup(cred, s.opts.Clock()); ok {
			return Principal{Number: number}, nil
		}
		return Principal{}, errUnauthorized()
	}
	k, err := s.opts.Store.APIKeyByHash(r.Context(), store.HashKey(cred))
	if errors.Is(err, store.ErrNotFound) || (err == nil && k.Revoked) {
		return Principal{}, errUnauthorized()
	}
	if err != nil {
		return Principal{}, err
	}
	if !slices.Contains(a.roles, k.Role) && k.Role != "admin" {
		return Principal{}, errForbidden("this key's role (" + k.Role + ") may not call this endpoint")
	}
	return Principal{KeyID: k.ID, Role: k.Role, City: k.City}, nil
}

// tokenStore holds motorists' login tokens (in memory: a restart logs
// everyone out).
type tokenStore struct {
	mu     sync.Mutex
	tokens map[string]token
}

type token struct {
	number  string
	expires time.Time
}

// tokenTTL is how long a login lasts.
const tokenTTL = 12 * time.Hour

func newTokenStore() *tokenStore { return &tokenStore{tokens: map[string]token{}} }

func (t *tokenStore) issue(number string, now time.Time) (string, time.Time, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", time.Time{}, err
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	exp := now.Add(tokenTTL)
	t.mu.Lock()
	t.tokens[tok] = token{number, exp}
	t.mu.Unlock()
	return tok, exp, nil
}

func (t *tokenStore) lookup(tok string, now time.Time) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	v, ok := t.tokens[tok]
	if !ok || now.After(v.expires) {
		return "", false
	}
	return v.number, true
}

// sweep drops expired tokens every minute until ctx is done.
func (t *tokenStore) sweep(ctx context.Context, clock func() time.Time) {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		now := clock()
		t.mu.Lock()
		for k, v := range t.tokens {
			if now.After(v.expires) {
				delete(t.tokens, k)
			}
		}
		t.mu.Unlock()
	}
}

// loginLimiter rate limits login attempts per username and per client
// address (golang.org/x/time/rate token buckets).
type loginLimiter struct {
	mu   sync.Mutex
	byID map[string]*rate.Limiter
}

// Login attempts: 5 in a burst, then one every 20 s per username and per
// client address.
const (
	loginBurst = 5
	loginEvery = 20 * time.Second
)

func newLoginLimiter() *loginLimiter { return &loginLimiter{byID: map[string]*rate.Limiter{}} }

func (l *loginLimiter) allow(ids ...string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.byID) > 100_000 {
		clear(l.byID) // bounded memory under a flood of usernames
	}
	ok := true
	for _, id := range ids {
		lim, found := l.byID[id]
		if !found {
			lim = rate.NewLimiter(rate.Every(loginEvery), loginBurst)
			l.byID[id] = lim
		}
		if !lim.Allow() {
			ok = false
		}
	}
	return ok
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
