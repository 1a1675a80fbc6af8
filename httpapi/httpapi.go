// Package httpapi is smspark's HTTP API: one small JSON API under /v1 for
// city portals, traffic wardens, motorists and the operator, errors as
// application/problem+json with stable types, plus health, readiness and
// Prometheus metrics. It is documented by openapi.yaml beside this file.
package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/rs/zerolog"

	"smspark/apikeys"
	"smspark/idempotency"
	"smspark/sessions"
	"smspark/tariffs"
)

// Readiness reports whether the engine can take traffic, and why not.
type Readiness interface {
	Ready(ctx context.Context) error
}

// Engine is what the API asks of the session engine.
type Engine interface {
	Handle(ctx context.Context, mo sessions.MO) (sessions.Reply, error)
	Check(plate, zone string, at time.Time) sessions.Validity
	CreateAccount(ctx context.Context, pkg sessions.Package, numbers []string) (sessions.Account, error)
	AddNumber(ctx context.Context, id, number string) (sessions.Account, error)
	RemoveNumber(ctx context.Context, id, number string) (sessions.Account, error)
	SetPackage(ctx context.Context, id string, pkg sessions.Package) (sessions.Account, error)
	Account(id string) (sessions.Account, error)
	AccountOf(number string) (sessions.Account, bool)
	PasswordHash(number string) string
}

// Store is what the API reads and writes directly.
type Store interface {
	Sessions(ctx context.Context, f sessions.SessionFilter) ([]sessions.Session, error)
	APIKeyByHash(ctx context.Context, hash string) (apikeys.Key, error)
	IdempotentResponse(ctx context.Context, scope, key string) (idempotency.Response, error)
	PutIdempotentResponse(ctx context.Context, scope, key string, r idempotency.Response) error
}

// Options configure a Server. Engine and Store are needed for /v1.
type Options struct {
	Addr  string // listen address, e.g. 127.0.0.1:8080
	Ready Readiness
	// Registerer receives the API's own metrics (nil: none).
	Registerer prometheus.Registerer
	Logger     zerolog.Logger
	Engine     Engine
	Store      Store
	// Zones maps a zone code to its zone (city, name) for scoping.
	Zones func(code string) (tariffs.Zone, bool)
	// Normalize turns a username into an E.164 number.
	Normalize func(raw string) (string, error)
	// VerifyPassword checks a password against a stored hash; nil
	// refuses every login.
	VerifyPassword func(hash, password string) error
	Clock          func() time.Time
	Location       *time.Location
	// Extra registers further routes (vouchers, statements) on the mux.
	Extra []func(s *Server, mux *http.ServeMux)
	// Limits bound connections and their timeouts (zero: defaults).
	Limits Limits
	// Audit keeps the trail of the admin actions done through /v1
	// (accounts, back-office voucher orders, reduced tariffs); nil
	// records nothing.
	Audit AuditLog
}

// Server serves the HTTP API.
type Server struct {
	opts     Options
	ep       endpoint
	logins   *loginLimiter
	keys     keyCache // API key records recently found in the store
	tokens   *tokenStore
	keyLocks keyLocks // requests with the same Idempotency-Key, one at a time
	plumbing plumbing
}

// New returns a server; Listen then Run start it.
func New(opts Options) *Server {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	s := &Server{opts: opts, logins: newLoginLimiter(), tokens: newTokenStore()}
	reg := opts.Registerer
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	f := promauto.With(reg)
	s.plumbing = plumbing{logger: opts.Logger, metrics: &routeMetrics{}}
	s.plumbing.metrics.requests = f.NewCounterVec(prometheus.CounterOpts{
		Name: "smspark_http_requests_total",
		Help: "HTTP requests by route and status code.",
	}, []string{"route", "code"})
	s.plumbing.metrics.latency = f.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "smspark_http_request_duration_seconds",
		Help:    "HTTP request latency by route.",
		Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5},
	}, []string{"route"})

	mux := http.NewServeMux()
	s.route(mux, "GET /healthz", public, func(w http.ResponseWriter, _ *http.Request) error {
		return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.route(mux, "GET /readyz", public, s.readyz)
	if opts.Engine != nil && opts.Store != nil {
		s.routeV1(mux)
	}
	for _, extra := range opts.Extra {
		extra(s, mux)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeProblem(w, r, errNotFound("no such endpoint: "+r.Method+" "+r.URL.Path))
	})
	s.ep = newEndpoint(opts.Addr, opts.Limits, mux)
	return s
}

// Route registers an API handler with the authentication it requires;
// other packages' routes (Options.Extra) use it too.
func (s *Server) Route(mux *http.ServeMux, pattern string, auth Auth, h HandlerFunc) {
	s.route(mux, pattern, auth, h)
}

func (s *Server) route(mux *http.ServeMux, pattern string, auth Auth, h HandlerFunc) {
	mux.HandleFunc(pattern, s.plumbing.handler(pattern, func(w http.ResponseWriter, r *http.Request) error {
		p, err := s.authenticate(r, auth)
		if err != nil {
			return err
		}
		r = r.WithContext(context.WithValue(r.Context(), principalKey{}, p))
		if r.Method == http.MethodPost {
			return s.idempotent(w, r, p, h)
		}
		return h(w, r)
	}))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	if s.opts.Ready != nil {
		if err := s.opts.Ready.Ready(r.Context()); err != nil {
			return writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready", "reason": err.Error()})
		}
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// WriteJSON writes v as the JSON response.
func WriteJSON(w http.ResponseWriter, code int, v any) error { return writeJSON(w, code, v) }

func writeJSON(w http.ResponseWriter, code int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// DecodeJSON reads the request body into v: unknown fields, trailing data
// and bodies over the limit are bad requests.
func DecodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return problem(http.StatusRequestEntityTooLarge, "too-large", "Request too large", "the body is over %d bytes", tooBig.Limit)
		}
		return errBadRequest("the body is not the JSON this endpoint takes: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errBadRequest("the body has data after its JSON object")
	}
	return nil
}

// Listen opens the listening socket, so the address is known (and a port
// conflict reported) before serving.
func (s *Server) Listen() error { return s.ep.listen() }

// Addr is the address listened on, after Listen.
func (s *Server) Addr() string { return s.ep.address() }

// Handler is the API's handler, for tests.
func (s *Server) Handler() http.Handler { return s.ep.srv.Handler }

// Run serves until ctx is done, then shuts down gracefully (5 s). It
// listens first if Listen was not called, and returns its error.
func (s *Server) Run(ctx context.Context) error {
	if s.ep.ln == nil {
		if err := s.Listen(); err != nil {
			return err
		}
	}
	sweepCtx, stopSweep := context.WithCancel(ctx)
	swept := make(chan struct{})
	go func() { s.tokens.sweep(sweepCtx, s.opts.Clock); close(swept) }()
	defer func() { stopSweep(); <-swept }()
	return s.ep.run(ctx)
}
