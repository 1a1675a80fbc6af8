package httpapi

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"smspark/apikeys"
	"smspark/sessions"
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
	k, err := s.keys.get(r.Context(), apikeys.Hash(cred), s.opts.Clock(), s.opts.Store.APIKeyByHash)
	if errors.Is(err, sessions.ErrNotFound) || (err == nil && k.Revoked) {
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

// keyCache keeps the API key records found in the store for keyCacheTTL,
// so that a request does not cost a store transaction and a decode. Only
// keys found are kept: an unknown key asks the store every time, so a
// key works the moment it is created, and guessing fills nothing. A key
// revoked in the store stops working within keyCacheTTL. Its zero value
// is ready to use.
type keyCache struct {
	mu   sync.RWMutex
	keys map[string]cachedKey // by hash
}

type cachedKey struct {
	key     apikeys.Key
	fetched time.Time
}

// How long a key record is trusted, and how many are kept.
const (
	keyCacheTTL = time.Second
	keyCacheMax = 10_000
)

// get returns the key record of hash from the cache, or from lookup (and
// keeps it). Returns lookup's errors.
func (c *keyCache) get(ctx context.Context, hash string, now time.Time, lookup func(context.Context, string) (apikeys.Key, error)) (apikeys.Key, error) {
	c.mu.RLock()
	e, ok := c.keys[hash]
	c.mu.RUnlock()
	if ok && !now.Before(e.fetched) && now.Sub(e.fetched) < keyCacheTTL {
		return e.key, nil
	}
	k, err := lookup(ctx, hash)
	if err != nil {
		if ok {
			c.mu.Lock()
			delete(c.keys, hash)
			c.mu.Unlock()
		}
		return k, err
	}
	c.mu.Lock()
	if c.keys == nil || len(c.keys) >= keyCacheMax {
		c.keys = map[string]cachedKey{}
	}
	c.keys[hash] = cachedKey{key: k, fetched: now}
	c.mu.Unlock()
	return k, nil
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

// maxLimiterID is the longest id the limiter keeps as it is.
const maxLimiterID = 80

func newLoginLimiter() *loginLimiter { return &loginLimiter{byID: map[string]*rate.Limiter{}} }

func (l *loginLimiter) allow(ids ...string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.byID) > 100_000 {
		clear(l.byID) // bounded memory under a flood of usernames
	}
	ok := true
	for _, id := range ids {
		if len(id) > maxLimiterID {
			// A username is the client's to choose: keep a digest of a
			// long one, not the whole of it.
			sum := sha256.Sum256([]byte(id))
			id = "sha256:" + hex.EncodeToString(sum[:])
		}
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
