package httpapi

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"

	"smspark/apikeys"
	"smspark/audit"
	"smspark/binds"
	"smspark/sessions"
	"smspark/tariffs"
	"smspark/vouchers"
)

// The admin endpoint is the operator's NOC's way into a running engine:
// a separate listener (smspark serve --admin), JSON only, errors as
// application/problem+json like /v1. The smspark CLI's --server mode is
// its client. On a loopback address it needs no key; on any other, every
// request needs an admin API key.

// AdminEngine is what the admin endpoint asks of the session engine.
type AdminEngine interface {
	AdminStop(ctx context.Context, id uint64, plate string) (sessions.Session, error)
	RunningByCity() map[string]int
	CreateAccount(ctx context.Context, pkg sessions.Package, numbers []string) (sessions.Account, error)
	AddNumber(ctx context.Context, id, number string) (sessions.Account, error)
	RemoveNumber(ctx context.Context, id, number string) (sessions.Account, error)
	SetPackage(ctx context.Context, id string, pkg sessions.Package) (sessions.Account, error)
	Account(id string) (sessions.Account, error)
}

// AdminStore is what the admin endpoint reads and writes in the store.
type AdminStore interface {
	Sessions(ctx context.Context, f sessions.SessionFilter) ([]sessions.Session, error)
	Session(ctx context.Context, id uint64) (sessions.Session, error)
	// Load gives the accounts, for the month's statements.
	Load(ctx context.Context) (sessions.State, error)
	APIKeys(ctx context.Context) ([]apikeys.Key, error)
	PutAPIKey(ctx context.Context, k apikeys.Key) error
	APIKeyByHash(ctx context.Context, hash string) (apikeys.Key, error)
	RevokeAPIKey(ctx context.Context, id string) (apikeys.Key, error)
	// Backup writes a consistent copy of the store while it is in use.
	Backup(ctx context.Context, w io.Writer) (int64, error)
	// Path is the store's file, whose size status reports.
	Path() string
}

// OutboxDepth is what the admin endpoint asks of the outbox sender.
type OutboxDepth interface {
	Depth() int
}

// BindStatuses is what the admin endpoint asks of the SMPP client.
type BindStatuses interface {
	Status() []binds.Status
}

// AdminVouchers is what the admin endpoint asks of the voucher service.
type AdminVouchers interface {
	Types() []vouchers.Type
	PlaceOrder(ctx context.Context, req vouchers.OrderRequest) (vouchers.Order, error)
	Cancel(ctx context.Context, id string) (vouchers.Order, error)
	Order(ctx context.Context, id string) (vouchers.Order, error)
	Vouchers(ctx context.Context, orderID string) ([]vouchers.Voucher, error)
	Voucher(ctx context.Context, code string) (vouchers.Voucher, error)
}

// ErrConfigInvalid marks a configuration reload whose file does not load
// (AdminOptions.Reload wraps it): the endpoint answers 422. Any other
// reload error means the engine refused the new configuration: 409.
var ErrConfigInvalid = errors.New("configuration invalid")

// ErrAdminOptions is returned by NewAdmin when a required option is
// missing.
var ErrAdminOptions = errors.New("httpapi: invalid admin options")

// AdminOptions configure the admin endpoint. Engine, Store, Outbox and
// Vouchers are required.
type AdminOptions struct {
	// Addr is the listen address, e.g. 127.0.0.1:8081. On a loopback
	// address (127.0.0.0/8, ::1, localhost) requests need no key; on any
	// other (":8081" included) each needs an admin API key.
	Addr     string
	Engine   AdminEngine
	Store    AdminStore
	Outbox   OutboxDepth
	Binds    BindStatuses // nil without SMSCs
	Vouchers AdminVouchers
	// Reload reloads the configuration for actor (an API key's id or
	// audit.Local), recording it in the audit trail, and reports what it
	// did; nil answers 501. Its error wraps ErrConfigInvalid for a file
	// that does not load; any other means the engine refused it.
	Reload func(ctx context.Context, actor, via string) (ReloadReport, error)
	// SMSCs stops and starts SMSCs; nil (no SMSC) answers 404 for any.
	SMSCs SMSCControl
	// Audit keeps the trail of admin actions; nil records nothing and
	// lists none.
	Audit AuditLog
	// Zones maps a zone code to its zone (its name in session listings).
	Zones func(code string) (tariffs.Zone, bool)
	// City returns the configured city of a name (its canonical name),
	// for city-scoped keys.
	City func(name string) (string, bool)
	// Normalize turns a number into E.164 (session listings by number).
	Normalize func(raw string) (string, error)
	Version   string
	// Started is when the engine started (uptime).
	Started  time.Time
	Clock    func() time.Time
	Location *time.Location
	Logger   zerolog.Logger
	// Random draws API keys; nil is crypto/rand.
	Random io.Reader
	// Limits bound connections and their timeouts (zero: defaults).
	Limits Limits
	// Gatherer, when set, is served as GET /metrics (Prometheus), with
	// the same access rule as every admin route: no key on loopback, an
	// admin key (Authorization: Bearer) on any other address.
	Gatherer prometheus.Gatherer
}

func (o *AdminOptions) validate() error {
	switch {
	case o.Engine == nil:
		return fmt.Errorf("%w: no Engine", ErrAdminOptions)
	case o.Store == nil:
		return fmt.Errorf("%w: no Store", ErrAdminOptions)
	case o.Outbox == nil:
		return fmt.Errorf("%w: no Outbox", ErrAdminOptions)
	case o.Vouchers == nil:
		return fmt.Errorf("%w: no Vouchers", ErrAdminOptions)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Random == nil {
		o.Random = rand.Reader
	}
	if o.Zones == nil {
		o.Zones = func(string) (tariffs.Zone, bool) { return tariffs.Zone{}, false }
	}
	return nil
}

// Admin serves the admin endpoint.
type Admin struct {
	opts  AdminOptions
	ep    endpoint
	keyed bool // every request needs an admin key
}

// NewAdmin returns the admin endpoint; Listen then Run start it. Returns
// ErrAdminOptions when a required option is missing.
func NewAdmin(opts AdminOptions) (*Admin, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	a := &Admin{opts: opts, keyed: !IsLoopback(opts.Addr)}
	mux := http.NewServeMux()
	a.route(mux, "GET /admin/status", a.status)
	a.route(mux, "GET /admin/sessions", a.sessions)
	a.route(mux, "GET /admin/sessions/{id}", a.session)
	a.route(mux, "POST /admin/sessions/stop", a.audited(audit.SessionStop, a.stop))
	a.route(mux, "POST /admin/accounts", a.audited(audit.AccountCreate, a.createAccount))
	a.route(mux, "GET /admin/accounts/{id}", a.getAccount)
	a.route(mux, "POST /admin/accounts/{id}/numbers", a.audited(audit.AccountAddNumber, a.addNumber))
	a.route(mux, "DELETE /admin/accounts/{id}/numbers/{number}", a.audited(audit.AccountRemoveNumber, a.removeNumber))
	a.route(mux, "POST /admin/accounts/{id}/package", a.audited(audit.AccountSetPackage, a.setPackage))
	a.route(mux, "POST /admin/vouchers/orders", a.audited(audit.VoucherIssue, a.placeOrder))
	a.route(mux, "POST /admin/vouchers/orders/{id}/cancel", a.audited(audit.VoucherCancel, a.cancelOrder))
	a.route(mux, "GET /admin/vouchers/{ref}", a.showVouchers)
	a.route(mux, "GET /admin/statements/{month}", a.statements)
	a.route(mux, "GET /admin/statements/{month}/{account}", a.statement)
	a.route(mux, "GET /admin/charges/{day}", a.charges)
	a.route(mux, "GET /admin/keys", a.keys)
	a.route(mux, "POST /admin/keys", a.audited(audit.KeyCreate, a.createKey))
	a.route(mux, "POST /admin/keys/{id}/revoke", a.audited(audit.KeyRevoke, a.revokeKey))
	a.route(mux, "GET /admin/backup", a.audited(audit.Backup, a.backup))
	a.route(mux, "POST /admin/config/reload", a.reload) // Reload records it
	a.route(mux, "POST /admin/smscs/{name}/stop", a.audited(audit.SMSCStop, a.smscStop))
	a.route(mux, "POST /admin/smscs/{name}/start", a.audited(audit.SMSCStart, a.smscStart))
	a.route(mux, "GET /admin/audit", a.auditTrail)
	a.routeReads(mux)
	if opts.Gatherer != nil {
		metrics := promhttp.HandlerFor(opts.Gatherer, promhttp.HandlerOpts{})
		a.route(mux, "GET /metrics", func(w http.ResponseWriter, r *http.Request) error {
			metrics.ServeHTTP(w, r)
			return nil
		})
	}
	a.route(mux, "/", func(_ http.ResponseWriter, r *http.Request) error {
		return errNotFound("no such endpoint: " + r.Method + " " + r.URL.Path)
	})
	a.ep = newEndpoint(opts.Addr, opts.Limits, mux)
	return a, nil
}

// IsLoopback reports whether a listen address (host:port) is on the
// loopback interface only: 127.0.0.0/8, ::1 or localhost. An empty host
// listens on every interface and is not.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// KeyRequired reports whether every request needs an admin API key (the
// listen address is not loopback).
func (a *Admin) KeyRequired() bool { return a.keyed }

// Listen opens the listening socket, so the address is known (and a port
// conflict reported) before serving.
func (a *Admin) Listen() error {
	if err := a.ep.listen(); err != nil {
		return fmt.Errorf("admin: %w", err)
	}
	return nil
}

// Addr is the address listened on, after Listen.
func (a *Admin) Addr() string { return a.ep.address() }

// Handler is the admin endpoint's handler (key check included), for tests.
func (a *Admin) Handler() http.Handler { return a.ep.srv.Handler }

// Run serves until ctx is done, then shuts down gracefully (5 s). It
// listens first if Listen was not called, and returns its error.
func (a *Admin) Run(ctx context.Context) error {
	if a.ep.ln == nil {
		if err := a.Listen(); err != nil {
			return err
		}
	}
	return a.ep.run(ctx)
}

// route registers a handler behind the key check (plumbing).
func (a *Admin) route(mux *http.ServeMux, pattern string, h HandlerFunc) {
	p := plumbing{logger: a.opts.Logger}
	mux.HandleFunc(pattern, p.handler(pattern, func(w http.ResponseWriter, r *http.Request) error {
		actor, err := a.authorize(r)
		if err != nil {
			return err
		}
		return h(w, r.WithContext(context.WithValue(r.Context(), actorKey{}, actor)))
	}))
}

// authorize checks the admin key when the listener is not loopback: no
// or an unknown key is 401, a key of another role 403. It returns who
// calls: the key's id, or audit.Local on loopback without a valid key.
func (a *Admin) authorize(r *http.Request) (string, error) {
	cred := bearer(r)
	if !a.keyed {
		if cred != "" && len(cred) <= 256 {
			if k, err := a.opts.Store.APIKeyByHash(r.Context(), apikeys.Hash(cred)); err == nil && !k.Revoked {
				return k.ID, nil
			}
		}
		return audit.Local, nil
	}
	if cred == "" || len(cred) > 256 {
		return "", errUnauthorized()
	}
	k, err := a.opts.Store.APIKeyByHash(r.Context(), apikeys.Hash(cred))
	if errors.Is(err, sessions.ErrNotFound) || (err == nil && k.Revoked) {
		return "", errUnauthorized()
	}
	if err != nil {
		return "", err
	}
	if k.Role != "admin" {
		return "", errForbidden("the admin endpoint takes admin keys only, not " + k.Role + " keys")
	}
	return k.ID, nil
}

func (a *Admin) ts(t time.Time) string { return t.In(a.opts.Location).Format(time.RFC3339) }
