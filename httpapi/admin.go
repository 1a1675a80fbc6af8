package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"

	"smspark/apikeys"
	"smspark/audit"
	"smspark/billing"
	"smspark/binds"
	"smspark/parser"
	"smspark/pdf"
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

// BackupBytesTrailer is the HTTP trailer that ends a complete backup with
// its length in bytes: a backup without it was cut short.
const BackupBytesTrailer = "Smspark-Backup-Bytes"

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
	srv   *http.Server
	ln    net.Listener
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
	a.srv = opts.Limits.server(mux)
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
	ln, err := a.opts.Limits.listen(a.opts.Addr)
	if err != nil {
		return fmt.Errorf("admin: %w", err)
	}
	a.ln = ln
	return nil
}

// Addr is the address listened on, after Listen.
func (a *Admin) Addr() string {
	if a.ln == nil {
		return a.opts.Addr
	}
	return a.ln.Addr().String()
}

// Handler is the admin endpoint's handler (key check included), for tests.
func (a *Admin) Handler() http.Handler { return a.srv.Handler }

// Run serves until ctx is done, then shuts down gracefully (5 s). It
// listens first if Listen was not called, and returns its error.
func (a *Admin) Run(ctx context.Context) error {
	if a.ln == nil {
		if err := a.Listen(); err != nil {
			return err
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- a.srv.Serve(a.ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := a.srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && serr != nil {
		return serr
	}
	return err
}

// route registers a handler behind the key check, with problems for
// errors and panics.
func (a *Admin) route(mux *http.ServeMux, pattern string, h HandlerFunc) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		rec := &headerRecorder{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler { // net/http's own way to cut a response short
					panic(v)
				}
				a.opts.Logger.Error().Interface("panic", v).Str("route", pattern).Msg("admin handler panicked")
				a.fail(rec, r, pattern, errors.New("panic"))
			}
		}()
		r.Body = http.MaxBytesReader(rec, r.Body, maxBody)
		actor, err := a.authorize(r)
		if err != nil {
			a.fail(rec, r, pattern, err)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), actorKey{}, actor))
		if err := h(rec, r); err != nil {
			a.fail(rec, r, pattern, err)
		}
	})
}

// fail answers err as a problem; once the response has started (a backup
// cut short) it can only abort the connection, so the client sees the
// response is incomplete.
func (a *Admin) fail(w *headerRecorder, r *http.Request, route string, err error) {
	var p *Problem
	if !errors.As(err, &p) {
		// The route, not the path: a path may hold a phone number.
		a.opts.Logger.Error().Err(err).Str("route", route).Msg("admin: internal error")
		p = problem(http.StatusInternalServerError, "internal", "Internal error", "the request could not be completed")
	}
	if w.wrote {
		panic(http.ErrAbortHandler)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// headerRecorder remembers whether the response has started.
type headerRecorder struct {
	http.ResponseWriter
	wrote bool
}

func (h *headerRecorder) WriteHeader(code int) {
	h.wrote = true
	h.ResponseWriter.WriteHeader(code)
}

func (h *headerRecorder) Write(p []byte) (int, error) {
	h.wrote = true
	return h.ResponseWriter.Write(p)
}

// Flush lets a streamed response reach the client as it goes.
func (h *headerRecorder) Flush() {
	if f, ok := h.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
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

// AdminStatus is the engine's state, for `smspark status`.
type AdminStatus struct {
	Version string `json:"version"`
	// EngineRunning is false when the status was read from a stopped
	// engine's store (smspark status --data).
	EngineRunning bool `json:"engine_running"`
	// Started (RFC 3339) and UptimeSeconds: since the engine started.
	Started       string      `json:"started,omitempty"`
	UptimeSeconds int64       `json:"uptime_seconds"`
	Binds         []AdminBind `json:"binds"`
	// OutboxDepth is how many replies wait to be submitted.
	OutboxDepth int `json:"outbox_depth"`
	// RunningSessions counts the running sessions by city.
	RunningSessions map[string]int `json:"running_sessions"`
	Store           AdminStoreInfo `json:"store"`
}

// AdminBind is one SMPP bind.
type AdminBind struct {
	SMSC     string `json:"smsc"`
	Operator string `json:"operator"`
	Kind     string `json:"kind"`  // trx, tx or rx
	State    string `json:"state"` // down, binding or up
	Since    string `json:"since"` // RFC 3339
	// InUse of Window submits are outstanding.
	InUse  int `json:"in_use"`
	Window int `json:"window"`
	// SubmitsPerSecond is the rate in force (0: no limit).
	SubmitsPerSecond float64 `json:"submits_per_second"`
	Throttles        int64   `json:"throttles"`
	// LastError is why the bind is not up; ConfigError says the SMSC
	// refused its credentials or configuration.
	LastError   string `json:"last_error,omitempty"`
	ConfigError bool   `json:"config_error,omitempty"`
}

// AdminStoreInfo is the store's file.
type AdminStoreInfo struct {
	Path      string `json:"path"`
	SizeBytes int64  `json:"size_bytes"`
}

func (a *Admin) status(w http.ResponseWriter, _ *http.Request) error {
	now := a.opts.Clock()
	st := AdminStatus{Version: a.opts.Version, EngineRunning: true, Binds: []AdminBind{},
		OutboxDepth: a.opts.Outbox.Depth(), RunningSessions: a.opts.Engine.RunningByCity(),
		Store: AdminStoreInfo{Path: a.opts.Store.Path()}}
	if !a.opts.Started.IsZero() {
		st.Started = a.ts(a.opts.Started)
		st.UptimeSeconds = int64(now.Sub(a.opts.Started) / time.Second)
	}
	if a.opts.Binds != nil {
		for _, b := range a.opts.Binds.Status() {
			st.Binds = append(st.Binds, AdminBind{SMSC: b.SMSC, Operator: b.Operator, Kind: b.Kind, State: b.State,
				Since: a.ts(b.Since), InUse: b.InUse, Window: b.Window, SubmitsPerSecond: b.SubmitsPerSecond,
				Throttles: b.Throttles, LastError: b.LastError, ConfigError: b.ConfigError})
		}
	}
	if fi, err := os.Stat(st.Store.Path); err == nil {
		st.Store.SizeBytes = fi.Size()
	}
	return writeJSON(w, http.StatusOK, st)
}

// AdminSession is a session as the admin endpoint gives it: every field
// an operator looks at, the number in E.164, times RFC 3339.
type AdminSession struct {
	ID               uint64  `json:"id"`
	Account          string  `json:"account,omitempty"`
	Number           string  `json:"number"`
	Operator         string  `json:"operator,omitempty"`
	Plate            string  `json:"plate"`
	Zone             string  `json:"zone"`
	ZoneName         string  `json:"zone_name,omitempty"`
	City             string  `json:"city"`
	Channel          string  `json:"channel"`
	Start            string  `json:"start"`
	Until            string  `json:"until"`
	End              *string `json:"end"`
	EndReason        *string `json:"end_reason"`
	CostCents        int64   `json:"cost_cents"`
	TransactionCents int64   `json:"transaction_cents"`
	FreeFirstUse     bool    `json:"free_first_use"`
	DayTicket        bool    `json:"day_ticket,omitempty"`
	Voucher          string  `json:"voucher,omitempty"`
	ReducedPercent   int     `json:"reduced_percent,omitempty"`
}

// NewAdminSession returns the admin form of a session, times in loc.
func NewAdminSession(s sessions.Session, zoneName string, loc *time.Location) AdminSession {
	out := AdminSession{ID: s.ID, Account: s.Account, Number: s.Number, Operator: s.Operator, Plate: s.Plate,
		Zone: s.Zone, ZoneName: zoneName, City: s.City, Channel: string(s.Channel),
		Start: s.Start.In(loc).Format(time.RFC3339), Until: s.Until.In(loc).Format(time.RFC3339),
		CostCents: s.CostCents, TransactionCents: s.TransactionCents, FreeFirstUse: s.Free,
		DayTicket: s.DayTicket, Voucher: s.Voucher, ReducedPercent: s.ReducedPercent}
	if !s.Running() {
		end, reason := s.End.In(loc).Format(time.RFC3339), string(s.EndReason)
		out.End, out.EndReason = &end, &reason
	}
	return out
}

// Session returns the session the admin form describes. Returns an error
// when a time is not RFC 3339.
func (a AdminSession) Session() (sessions.Session, error) {
	s := sessions.Session{ID: a.ID, Account: a.Account, Number: a.Number, Operator: a.Operator, Plate: a.Plate,
		Zone: a.Zone, City: a.City, Channel: sessions.Channel(a.Channel), CostCents: a.CostCents,
		TransactionCents: a.TransactionCents, Free: a.FreeFirstUse, DayTicket: a.DayTicket, Voucher: a.Voucher,
		ReducedPercent: a.ReducedPercent}
	var err error
	if s.Start, err = time.Parse(time.RFC3339, a.Start); err != nil {
		return s, fmt.Errorf("session %d: start: %w", a.ID, err)
	}
	if s.Until, err = time.Parse(time.RFC3339, a.Until); err != nil {
		return s, fmt.Errorf("session %d: until: %w", a.ID, err)
	}
	if a.End != nil {
		if s.End, err = time.Parse(time.RFC3339, *a.End); err != nil {
			return s, fmt.Errorf("session %d: end: %w", a.ID, err)
		}
	}
	if a.EndReason != nil {
		s.EndReason = sessions.EndReason(*a.EndReason)
	}
	return s, nil
}

func (a *Admin) adminSession(s sessions.Session) AdminSession {
	z, _ := a.opts.Zones(s.Zone)
	return NewAdminSession(s, z.Name, a.opts.Location)
}

// sessions lists sessions: ?number=&plate=&zone=&account=&running=true&limit=N,
// oldest first.
func (a *Admin) sessions(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := sessions.SessionFilter{Zone: q.Get("zone"), Account: q.Get("account")}
	if n := q.Get("number"); n != "" {
		if a.opts.Normalize == nil {
			f.Number = n
		} else {
			num, err := a.opts.Normalize(n)
			if err != nil {
				return problem(http.StatusBadRequest, "unsupported-number", "Unsupported number", "%v", err)
			}
			f.Number = num
		}
	}
	if p := q.Get("plate"); p != "" {
		f.Plate = p
		if np, err := parser.NormalizePlate(p); err == nil {
			f.Plate = np
		}
	}
	var err error
	if v := q.Get("running"); v != "" {
		if f.Running, err = strconv.ParseBool(v); err != nil {
			return errBadRequest("running: true or false")
		}
	}
	if v := q.Get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit < 0 {
			return errBadRequest("limit: a number, 0 for all")
		}
	}
	list, err := a.opts.Store.Sessions(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]AdminSession, 0, len(list))
	for _, s := range list {
		out = append(out, a.adminSession(s))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"sessions": out})
}

func (a *Admin) session(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil {
		return errBadRequest("session id %q is not a number", r.PathValue("id"))
	}
	s, err := a.opts.Store.Session(r.Context(), id)
	if errors.Is(err, sessions.ErrNotFound) {
		return errNotFound(fmt.Sprintf("no session %d", id))
	}
	if err != nil {
		return err
	}
	noteAudit(r, strconv.FormatUint(s.ID, 10), "plate "+s.Plate+", zone "+s.Zone)
	return writeJSON(w, http.StatusOK, map[string]any{"session": a.adminSession(s)})
}

// stop ends a running session (end reason admin) by {"id": N} or
// {"plate": "P"}; the motorist gets the stopped SMS.
func (a *Admin) stop(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		ID    uint64 `json:"id"`
		Plate string `json:"plate"`
	}
	if err := DecodeJSON(r, &req); err != nil {
		return err
	}
	plate := ""
	switch {
	case req.ID == 0 && req.Plate == "":
		return errBadRequest("id or plate is required")
	case req.ID != 0 && req.Plate != "":
		return errBadRequest("id or plate, not both")
	case req.Plate != "":
		var err error
		if plate, err = parser.NormalizePlate(req.Plate); err != nil {
			return problem(http.StatusBadRequest, "invalid-plate", "Invalid plate", "%q is not a plate", req.Plate)
		}
	}
	s, err := a.opts.Engine.AdminStop(r.Context(), req.ID, plate)
	if errors.Is(err, sessions.ErrNoSuchSession) {
		return problem(http.StatusNotFound, "no-such-session", "No such running session", "%v", err)
	}
	if err != nil {
		return err
	}
	noteAudit(r, strconv.FormatUint(s.ID, 10), "plate "+s.Plate+", zone "+s.Zone)
	return writeJSON(w, http.StatusOK, map[string]any{"session": a.adminSession(s)})
}

func (a *Admin) writeAccount(w http.ResponseWriter, r *http.Request, code int, acct sessions.Account, err error, detail string) error {
	if err != nil {
		return accountProblem(err)
	}
	noteAudit(r, acct.ID, detail)
	return writeJSON(w, code, accountJSON{ID: acct.ID, Package: string(acct.Package), Numbers: acct.Numbers,
		Created: a.ts(acct.Created)})
}

func (a *Admin) createAccount(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Package string   `json:"package"`
		Numbers []string `json:"numbers"`
	}
	if err := DecodeJSON(r, &req); err != nil {
		return err
	}
	if len(req.Numbers) == 0 {
		return errBadRequest("numbers: at least one")
	}
	acct, err := a.opts.Engine.CreateAccount(r.Context(), sessions.Package(req.Package), req.Numbers)
	return a.writeAccount(w, r, http.StatusCreated, acct, err, fmt.Sprintf("package %s, %d numbers", acct.Package, len(acct.Numbers)))
}

func (a *Admin) getAccount(w http.ResponseWriter, r *http.Request) error {
	acct, err := a.opts.Engine.Account(r.PathValue("id"))
	return a.writeAccount(w, r, http.StatusOK, acct, err, "")
}

func (a *Admin) addNumber(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Number string `json:"number"`
	}
	if err := DecodeJSON(r, &req); err != nil {
		return err
	}
	acct, err := a.opts.Engine.AddNumber(r.Context(), r.PathValue("id"), req.Number)
	return a.writeAccount(w, r, http.StatusOK, acct, err, "number "+req.Number+" added")
}

func (a *Admin) removeNumber(w http.ResponseWriter, r *http.Request) error {
	acct, err := a.opts.Engine.RemoveNumber(r.Context(), r.PathValue("id"), r.PathValue("number"))
	return a.writeAccount(w, r, http.StatusOK, acct, err, "number "+r.PathValue("number")+" removed")
}

func (a *Admin) setPackage(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Package string `json:"package"`
	}
	if err := DecodeJSON(r, &req); err != nil {
		return err
	}
	acct, err := a.opts.Engine.SetPackage(r.Context(), r.PathValue("id"), sessions.Package(req.Package))
	return a.writeAccount(w, r, http.StatusOK, acct, err, "package "+req.Package)
}

// AdminVoucherLookup answers GET /admin/vouchers/{ref}: the order, and the
// voucher when ref was a voucher code.
type AdminVoucherLookup = vouchers.Lookup

// orderDetail builds an order's detail, its vouchers' status at the clock.
func (a *Admin) orderDetail(ctx context.Context, o vouchers.Order) (vouchers.OrderDetail, error) {
	d, err := vouchers.Detail(ctx, a.opts.Vouchers, o, a.opts.Clock(), a.opts.Location)
	if err != nil {
		return d, voucherProblem(err)
	}
	return d, nil
}

func (a *Admin) writeOrder(w http.ResponseWriter, r *http.Request, code int, o vouchers.Order) error {
	d, err := a.orderDetail(r.Context(), o)
	if err != nil {
		return err
	}
	return writeJSON(w, code, AdminVoucherLookup{Order: d})
}

// placeOrder is a back-office voucher order: free bundles issue the
// vouchers at once, otherwise the order awaits payment.
func (a *Admin) placeOrder(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		City     string `json:"city"`
		Type     string `json:"type"`
		Citizen  string `json:"citizen"`
		Street   string `json:"street"`
		Number   string `json:"number"`
		Zone     string `json:"zone,omitempty"`
		Postcode string `json:"postcode,omitempty"`
		Town     string `json:"town,omitempty"`
		Quantity int    `json:"quantity"`
		Language string `json:"language,omitempty"`
	}
	if err := DecodeJSON(r, &req); err != nil {
		return err
	}
	if len(req.City) > 100 || len(req.Citizen) > 200 || len(req.Street) > 200 || len(req.Number) > 20 ||
		len(req.Postcode) > 10 || len(req.Town) > 100 {
		return errBadRequest("a field is too long")
	}
	city := req.City
	for _, t := range a.opts.Vouchers.Types() {
		if strings.EqualFold(t.City, req.City) {
			city = t.City
		}
	}
	o, err := a.opts.Vouchers.PlaceOrder(r.Context(), vouchers.OrderRequest{City: city, Type: req.Type, Citizen: req.Citizen,
		Address: vouchers.Address{Street: req.Street, Number: req.Number, Zone: req.Zone, Postcode: req.Postcode,
			Town: req.Town}, Quantity: req.Quantity, Channel: vouchers.ChannelBackoffice, Language: req.Language})
	if err != nil && (!errors.Is(err, vouchers.ErrPaymentUnavailable) || o.ID == "") {
		return voucherProblem(err)
	}
	noteAudit(r, o.ID, fmt.Sprintf("%d × %s, %s, %s", o.Quantity, o.Type, o.City, o.Status))
	return a.writeOrder(w, r, http.StatusCreated, o)
}

func (a *Admin) cancelOrder(w http.ResponseWriter, r *http.Request) error {
	o, err := a.opts.Vouchers.Cancel(r.Context(), r.PathValue("id"))
	if err != nil {
		return voucherProblem(err)
	}
	noteAudit(r, o.ID, fmt.Sprintf("%d × %s, %s", o.Quantity, o.Type, o.City))
	return a.writeOrder(w, r, http.StatusOK, o)
}

// showVouchers finds an order by its ID, or the order of a voucher code.
func (a *Admin) showVouchers(w http.ResponseWriter, r *http.Request) error {
	out, err := vouchers.Find(r.Context(), a.opts.Vouchers, r.PathValue("ref"), a.opts.Clock(), a.opts.Location)
	if errors.Is(err, vouchers.ErrUnknownReference) {
		return errNotFound("no order or voucher " + strings.TrimSpace(r.PathValue("ref")))
	}
	if err != nil {
		return voucherProblem(err)
	}
	return writeJSON(w, http.StatusOK, out)
}

// AdminStatementTotal is one account's statement of a month, in short.
type AdminStatementTotal = billing.Summary

func (a *Admin) buildStatement(ctx context.Context, acct sessions.Account, month string) (billing.Statement, error) {
	st, err := billing.Build(ctx, a.opts.Store, acct, month, tariffs.ZoneNamer(a.opts.Zones), a.opts.Location)
	if errors.Is(err, billing.ErrBadMonth) {
		return billing.Statement{}, errBadRequest("month: %v", err)
	}
	return st, err
}

// statements lists every account's statement of a month, in short.
func (a *Admin) statements(w http.ResponseWriter, r *http.Request) error {
	month := r.PathValue("month")
	if _, _, err := billing.MonthRange(month, a.opts.Location); err != nil {
		return errBadRequest("month: %v", err)
	}
	st, err := a.opts.Store.Load(r.Context())
	if err != nil {
		return err
	}
	slices.SortFunc(st.Accounts, func(x, y sessions.Account) int { return strings.Compare(x.ID, y.ID) })
	out := []AdminStatementTotal{}
	for _, acct := range st.Accounts {
		s, err := a.buildStatement(r.Context(), acct, month)
		if err != nil {
			return err
		}
		out = append(out, s.Summary())
	}
	return writeJSON(w, http.StatusOK, map[string]any{"month": month, "statements": out})
}

// statement is one account's statement: ?format=json (default), csv or
// pdf (&lang=nl|fr|de|en).
func (a *Admin) statement(w http.ResponseWriter, r *http.Request) error {
	acct, err := a.opts.Engine.Account(r.PathValue("account"))
	if err != nil {
		return accountProblem(err)
	}
	s, err := a.buildStatement(r.Context(), acct, r.PathValue("month"))
	if err != nil {
		return err
	}
	switch format := r.URL.Query().Get("format"); format {
	case "", "json":
		w.Header().Set("Content-Type", "application/json")
		return s.WriteJSON(w)
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		return s.WriteCSV(w)
	case "pdf":
		lang := r.URL.Query().Get("lang")
		if lang == "" {
			lang = "nl"
		}
		if !slices.Contains([]string{"nl", "fr", "de", "en"}, lang) {
			return errBadRequest("lang: nl, fr, de or en")
		}
		w.Header().Set("Content-Type", "application/pdf")
		return pdf.Statement(w, s, lang)
	default:
		return errBadRequest("format: json, csv or pdf")
	}
}

// charges is an operator's daily charge file (CSV):
// /admin/charges/2026-11-23?operator=proximus.
func (a *Admin) charges(w http.ResponseWriter, r *http.Request) error {
	d, err := time.ParseInLocation(time.DateOnly, r.PathValue("day"), a.opts.Location)
	if err != nil {
		return errBadRequest("day: YYYY-MM-DD")
	}
	operator := r.URL.Query().Get("operator")
	if operator == "" {
		return errBadRequest("operator is required")
	}
	list, err := a.opts.Store.Sessions(r.Context(), sessions.SessionFilter{From: d, To: d.AddDate(0, 0, 1)})
	if err != nil {
		return err
	}
	f, err := billing.NewChargeFile(operator, d, list, a.opts.Location)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	return f.WriteCSV(w)
}

func (a *Admin) adminKey(k apikeys.Key) apikeys.Listed { return k.Listed(a.opts.Location) }

func (a *Admin) keys(w http.ResponseWriter, r *http.Request) error {
	keys, err := a.opts.Store.APIKeys(r.Context())
	if err != nil {
		return err
	}
	out := make([]apikeys.Listed, 0, len(keys))
	for _, k := range keys {
		out = append(out, a.adminKey(k))
	}
	slices.SortFunc(out, func(x, y apikeys.Listed) int { return strings.Compare(x.Created+x.ID, y.Created+y.ID) })
	return writeJSON(w, http.StatusOK, map[string]any{"keys": out})
}

// revokeKey stops a key from working.
func (a *Admin) revokeKey(w http.ResponseWriter, r *http.Request) error {
	k, err := a.opts.Store.RevokeAPIKey(r.Context(), r.PathValue("id"))
	if errors.Is(err, sessions.ErrNotFound) {
		return errNotFound("no such key")
	}
	if err != nil {
		return err
	}
	noteAudit(r, k.ID, "role "+k.Role)
	return writeJSON(w, http.StatusOK, a.adminKey(k))
}

// createKey makes a key: {"role": …, "city": …, "label": …}. An admin key
// sees every city (no city); the others belong to one configured city.
func (a *Admin) createKey(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Role  string `json:"role"`
		City  string `json:"city"`
		Label string `json:"label"`
	}
	if err := DecodeJSON(r, &req); err != nil {
		return err
	}
	if !slices.Contains(apikeys.Roles(), req.Role) {
		return errBadRequest("role must be one of %s", strings.Join(apikeys.Roles(), ", "))
	}
	if len(req.Label) > 200 {
		return errBadRequest("label: at most 200 bytes")
	}
	city := ""
	if req.Role == "admin" {
		if req.City != "" {
			return errBadRequest("an admin key sees every city: no city")
		}
	} else {
		c, ok := "", false
		if a.opts.City != nil {
			c, ok = a.opts.City(req.City)
		}
		if !ok {
			return errBadRequest("city: %q is not a configured city (a %s key belongs to one city)", req.City, req.Role)
		}
		city = c
	}
	key, rec, err := apikeys.New(a.opts.Random, req.Role, city, req.Label, a.opts.Clock())
	if err != nil {
		return err
	}
	if err := a.opts.Store.PutAPIKey(r.Context(), rec); err != nil {
		return err
	}
	noteAudit(r, rec.ID, strings.TrimSpace("role "+rec.Role+" "+rec.City))
	out := a.adminKey(rec)
	out.Key = key
	return writeJSON(w, http.StatusCreated, out)
}

// backup streams a consistent copy of the store (a complete smspark.db)
// while the engine runs; the BackupBytesTrailer ends a complete copy. The
// copy is one read transaction: writers go on meanwhile.
func (a *Admin) backup(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="smspark.db"`)
	w.Header().Set("Trailer", BackupBytesTrailer)
	w.WriteHeader(http.StatusOK)
	n, err := a.opts.Store.Backup(r.Context(), w)
	if err != nil {
		return err // the response has started: the connection is cut
	}
	w.Header().Set(BackupBytesTrailer, strconv.FormatInt(n, 10))
	noteAudit(r, "", strconv.FormatInt(n, 10)+" bytes")
	return nil
}
