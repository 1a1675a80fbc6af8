package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"

	"smspark/config"
	"smspark/daycards"
	"smspark/httpapi"
	"smspark/outbox"
	"smspark/password"
	"smspark/payments"
	"smspark/permits"
	"smspark/sessions"
	"smspark/smpp"
	"smspark/store"
	"smspark/tariffs"
	"smspark/vouchers"
)

// Main is the engine daemon: the store, the session engine, the outbox
// sender, the SMPP binds and the HTTP server, wired together. Open it,
// Run it, Close it; end-to-end tests run it in-process.
type Main struct {
	Config *config.Config
	// ConfigPath is the file Reload reads ("" for the embedded default).
	ConfigPath string
	DataDir    string
	// Database is the PostgreSQL store's URL ("": the bbolt store in
	// DataDir, which still holds payment.secret when the configuration
	// gives no payment_secret).
	Database string
	HTTPAddr string
	// AdminAddr is the admin endpoint's listen address ("": none). On a
	// loopback address it needs no key, on any other an admin API key.
	AdminAddr string
	// AdminOptional: when AdminAddr cannot be listened on (the default
	// address, taken), log it and run without the admin endpoint rather
	// than not at all.
	AdminOptional bool
	// TestPayments shows the built-in test payment provider's buttons
	// (pay, refuse) on the web page, which settle a purchase's payment
	// without a provider: for the demo and tests only (serve
	// --test-payments); a real provider takes the payment on its page.
	TestPayments bool

	Logger zerolog.Logger
	// RetentionMonths: ended sessions older than this are removed from the
	// live store (0: kept for ever).
	RetentionMonths int
	// Clock defaults to the wall clock.
	Clock sessions.Clock

	Registry *prometheus.Registry
	DB       appStore
	Engine   *sessions.Engine
	Sender   *outbox.Sender
	Client   *smpp.Client // nil without SMSCs
	Vouchers *vouchers.Service
	Permits  *permits.Service
	DayCards *daycards.Service
	HTTP     *httpapi.Server
	Admin    *httpapi.Admin // nil without AdminAddr

	mos *prometheus.CounterVec
	// listening are the servers whose sockets Open opened and Run has
	// not taken over: Close and Open's failure path close them.
	listening []server
	sub       *submitter                    // the sender's way to the client, set once built
	cfg       atomic.Pointer[config.Config] // in force; Reload replaces it
	reloadMu  sync.Mutex                    // one Reload at a time (SIGHUP and the admin endpoint)
}

// submitter lets the sender exist before the client it submits through.
type submitter struct{ client *smpp.Client }

func (s *submitter) Submit(ctx context.Context, mt outbox.MT) (string, []string, error) {
	if s.client == nil {
		return "", nil, &smpp.SubmitError{Temporary: true, Err: smpp.ErrNoBind}
	}
	return s.client.SubmitVia(ctx, smpp.MT{Operator: mt.Operator, From: mt.From, To: mt.To, Text: mt.Text})
}

// classifySubmit classes the client's submit errors for the outbox: the
// SMPP status table decides.
func classifySubmit(err error) outbox.Class {
	var se *smpp.SubmitError
	if !errors.As(err, &se) {
		return outbox.Class{Reason: "error"}
	}
	return outbox.Class{Temporary: se.Temporary, Throttle: se.Throttle(), Reason: se.Reason()}
}

// outboxStore is the store as the outbox sees it.
type outboxStore struct{ db appStore }

func (o outboxStore) Queued(ctx context.Context) ([]sessions.Message, error) {
	return o.db.Messages(ctx, store.MessageFilter{Status: sessions.StatusQueued})
}

func (o outboxStore) MessageBySMSCID(ctx context.Context, smsc, id string) (sessions.Message, error) {
	m, err := o.db.MessageBySMSCID(ctx, smsc, id)
	if isNotFound(err) {
		return m, fmt.Errorf("%w: %w", outbox.ErrUnknownMessage, err)
	}
	return m, err
}

// Commit writes a batch of reply status changes with the engine's next
// commit, or after at most statusDelay: a status a crash loses costs at
// worst one reply sent twice, and at a low rate this saves a transaction
// and a sync per reply. The outbox gathers what arrives meanwhile into
// its next batch.
func (o outboxStore) Commit(ctx context.Context, changes []sessions.Change) error {
	if lazy, ok := o.db.(interface {
		CommitWithin(ctx context.Context, changes []sessions.Change, delay time.Duration) error
	}); ok {
		return lazy.CommitWithin(ctx, changes, statusDelay)
	}
	return o.db.Commit(ctx, changes)
}

// statusDelay bounds how long a reply's status waits to share a commit.
const statusDelay = 10 * time.Millisecond

// Open opens the store and builds every part; Run starts them. On an
// error, whatever it opened (store, sockets) is closed again.
func (m *Main) Open(ctx context.Context) error {
	if m.Clock == nil {
		m.Clock = systemClock{}
	}
	m.openMetrics()
	if err := m.openStore(ctx); err != nil {
		return err
	}
	provider := &payments.Provider{}
	numbers, err := m.openEngine(ctx, provider)
	if err != nil {
		return m.fail(err)
	}
	if err := m.openClient(); err != nil {
		return m.fail(err)
	}
	if err := m.openHTTP(provider, numbers); err != nil {
		return m.fail(err)
	}
	if err := m.openAdmin(); err != nil {
		return m.fail(fmt.Errorf("admin: %w", err))
	}
	return nil
}

// openMetrics makes the registry and the MO counter, every series at 0.
func (m *Main) openMetrics() {
	m.Registry = prometheus.NewRegistry()
	m.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	thisBuild().register(m.Registry)
	m.mos = promauto.With(m.Registry).NewCounterVec(prometheus.CounterOpts{
		Name: "smspark_mo_total",
		Help: "MOs handled, by operator and outcome (duplicate for a redelivery, store_error when refused).",
	}, []string{"operator", "outcome"})
	for _, op := range operatorNames(m.Config) {
		for _, o := range sessions.Outcomes() {
			m.mos.WithLabelValues(op, string(o))
		}
		m.mos.WithLabelValues(op, "duplicate")
		m.mos.WithLabelValues(op, "store_error")
	}
}

// openStore opens the store (bbolt in DataDir, or PostgreSQL at
// Database). The engine alone makes a new store, where no file exists.
func (m *Main) openStore(ctx context.Context) error {
	commits := newCommitMetrics(m.Registry)
	where := m.DataDir
	if m.Database != "" {
		where = m.Database
	}
	db, err := openStore(ctx, where, storeOptions{create: true, onCommit: commits.observe})
	if err != nil {
		return err
	}
	if b, ok := db.(*store.DB); ok {
		if b.Created() {
			m.Logger.Info().Str("path", b.Path()).Msg("created a new, empty store")
		}
		m.Registry.MustRegister(newStoreSizeGauge(b.Path()))
	}
	m.DB = db
	return nil
}

// openEngine builds the outbox sender, the permit and day-card services
// and the session engine over the store; it returns the engine's number
// normalizer.
func (m *Main) openEngine(ctx context.Context, provider *payments.Provider) (sessions.Numbers, error) {
	m.sub = &submitter{}
	var err error
	m.Sender, err = outbox.New(outbox.Options{Store: outboxStore{m.DB}, Submitter: m.sub, Classify: classifySubmit,
		Logger: m.Logger, Registerer: m.Registry, Clock: m.Clock.Now, Validity: m.Config.ReplyValidity,
		Operators: operatorNames(m.Config), Sources: []string{sessions.SourceConfirm, sessions.SourceError},
		Reasons: smpp.PermanentReasons()})
	if err != nil {
		return nil, err
	}
	m.cfg.Store(m.Config)
	if m.Permits, m.DayCards, err = permitServices(ctx, m.Config, m.DB, m.Clock, provider); err != nil {
		return nil, err
	}
	opts := engineOptions(m.Config, m.DB, m.Clock)
	opts.Permits = permitSources{m.Permits, m.DayCards}
	opts.Sender = m.Sender
	if m.Engine, err = sessions.New(ctx, opts); err != nil {
		return nil, err
	}
	m.Registry.MustRegister(newRunningCollector(m.Engine, func() []tariffs.City { return m.config().Cities }))
	return opts.Numbers, nil
}

// openClient builds the SMPP client when SMSCs are configured.
func (m *Main) openClient() error {
	if len(m.Config.SMSCs) == 0 {
		return nil
	}
	var err error
	m.Client, err = smpp.NewClient(smpp.ClientOptions{
		SMSCs:      smscs(m.Config.SMSCs),
		Handler:    &gateway{m: m},
		Parts:      partStore{m.DB},
		Acks:       ackLedger{m.DB},
		Logger:     m.Logger.With().Str("component", "smpp").Logger(),
		Registerer: m.Registry,
		Clock:      m.Clock.Now,
		Location:   m.Config.Location,
		// MOs and delivery receipts share them: enough for a busy bind.
		HandlerWorkers: 1024,
		OnBindUp:       m.Sender.Wake,
	})
	if err != nil {
		return err
	}
	m.sub.client = m.Client
	return nil
}

// openHTTP builds the voucher service and the public HTTP server, and
// opens its socket.
func (m *Main) openHTTP(provider *payments.Provider, numbers sessions.Numbers) error {
	secret, err := m.paymentSecret()
	if err != nil {
		return err
	}
	db := m.DB
	m.Vouchers, err = vouchers.New(vouchers.Options{Types: voucherTypes(m.Config), Store: db, Clock: m.Clock.Now,
		Random: rand.Reader, Location: m.Config.Location, Payments: provider})
	if err != nil {
		return err
	}
	m.HTTP = httpapi.New(httpapi.Options{Addr: m.HTTPAddr, Ready: m, Registerer: m.Registry,
		Logger: m.Logger.With().Str("component", "http").Logger(), Engine: m.Engine, Store: db,
		Zones: m.zone, Normalize: numbers.Normalize, VerifyPassword: password.Verify,
		Clock: m.Clock.Now, Location: m.Config.Location, Limits: httpLimits(m.Config.HTTP),
		Extra: []func(*httpapi.Server, *http.ServeMux){httpapi.VoucherRoutes(m.Vouchers, secret, db), httpapi.StatementRoutes(),
			httpapi.CounterRoutes(m.Engine), httpapi.PermitRoutes(m.Permits, secret, db),
			httpapi.DayCardRoutes(m.DayCards, secret, db), m.webRoutes()}, Audit: db})
	if err := m.HTTP.Listen(); err != nil {
		return fmt.Errorf("http: %w", err)
	}
	m.listening = append(m.listening, m.HTTP)
	// The test provider's hosted payment page is this server.
	provider.BaseURL = "http://" + m.HTTP.Addr()
	return nil
}

// paymentSecret is the configured payment_secret, else the data
// directory's payment.secret (made the first time).
func (m *Main) paymentSecret() ([]byte, error) {
	if m.Config.PaymentSecret == "" {
		return payments.LoadSecret(m.DataDir)
	}
	s, err := payments.ParseSecret(m.Config.PaymentSecret.Reveal())
	if err != nil {
		return nil, fmt.Errorf("config: payment_secret: %w", err)
	}
	return s, nil
}

// fail closes whatever Open opened (sockets and store) and returns err.
func (m *Main) fail(err error) error {
	_ = m.Close()
	return err
}

// server is an HTTP server Open listened for: Run serves its socket until
// its context is done, then closes it.
type server interface {
	Run(ctx context.Context) error
}

// closeListeners closes the sockets of the servers Run never served: a
// server run on a done context shuts down at once, closing its socket.
func (m *Main) closeListeners() error {
	done, cancel := context.WithCancel(context.Background())
	cancel()
	var errs []error
	for _, s := range m.listening {
		if err := s.Run(done); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
	}
	m.listening = nil
	return errors.Join(errs...)
}

// Run runs every part until ctx is done, then shuts them down: the binds
// drain their windows and unbind. It returns the first fatal error.
func (m *Main) Run(ctx context.Context) error {
	m.listening = nil // the servers' Run close their sockets when done
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return m.Engine.Run(ctx) })
	g.Go(func() error { return m.Sender.Run(ctx) })
	g.Go(func() error { return m.HTTP.Run(ctx) })
	g.Go(func() error { return m.retain(ctx) })
	if m.Admin != nil {
		g.Go(func() error { return m.Admin.Run(ctx) })
	}
	if m.Client != nil {
		g.Go(func() error { return m.Client.Run(ctx) })
	} else {
		m.Logger.Warn().Msg("no SMSC configured: not binding; HTTP and the admin commands run, replies wait in the outbox")
	}
	m.Logger.Info().Str("http", m.HTTP.Addr()).Str("admin", m.adminAddr()).Int("smscs", len(m.Config.SMSCs)).Str("data", m.DataDir).Msg("smspark running")
	return g.Wait()
}

// adminAddr is the admin endpoint's address, "" without one.
func (m *Main) adminAddr() string {
	if m.Admin == nil {
		return ""
	}
	return m.Admin.Addr()
}

// Close closes every socket Open opened that Run did not serve, then the
// store. Safe to call twice.
func (m *Main) Close() error {
	err := m.closeListeners()
	if m.DB == nil {
		return err
	}
	return errors.Join(err, m.DB.Close())
}

// Ready reports whether the engine takes traffic: at least one bind up
// when SMSCs are configured.
func (m *Main) Ready(context.Context) error {
	if m.Client == nil {
		return nil
	}
	for _, b := range m.Client.Status() {
		if b.State == smpp.StateUp {
			return nil
		}
	}
	return errors.New("no SMPP bind up")
}

// gateway hands the SMSCs' MOs to the engine and their receipts to the
// outbox.
type gateway struct{ m *Main }

func (g *gateway) HandleMO(ctx context.Context, mo smpp.MO) error {
	r, err := g.m.Engine.Handle(ctx, sessions.MO{From: mo.From, Operator: mo.Operator, Text: mo.Text,
		Received: mo.Received, SMSCTime: mo.SMSCTime, Key: mo.Key, SMSC: mo.SMSC, NotText: mo.NotText,
		AckPending: mo.AckPending})
	if err != nil {
		g.m.mos.WithLabelValues(mo.Operator, "store_error").Inc()
		g.m.Logger.Error().Err(err).Str("smsc", mo.SMSC).Str("from", sessions.MaskNumber(mo.From)).Msg("MO not stored: the SMSC will deliver it again")
		return err
	}
	if r.Duplicate {
		g.m.mos.WithLabelValues(mo.Operator, "duplicate").Inc()
		return smpp.ErrDuplicate
	}
	g.m.mos.WithLabelValues(mo.Operator, string(r.Outcome)).Inc()
	return nil
}

// ackLedger keeps smpp's unacked MOs as the journal entries the engine
// wrote with AckPending.
type ackLedger struct{ db appStore }

func (a ackLedger) Unacked(ctx context.Context, since time.Time) ([]smpp.UnackedMO, error) {
	js, err := a.db.UnackedMOs(ctx, since)
	if err != nil {
		return nil, err
	}
	out := make([]smpp.UnackedMO, 0, len(js))
	for _, j := range js {
		out = append(out, smpp.UnackedMO{Key: j.Key, SMSC: j.SMSC, From: j.Sender, Text: j.Text,
			Received: j.Received, SMSCTime: j.SMSCTime})
	}
	return out, nil
}

func (a ackLedger) Confirm(ctx context.Context, mos []smpp.UnackedMO) error {
	js := make([]sessions.JournalEntry, 0, len(mos))
	for _, m := range mos {
		js = append(js, sessions.JournalEntry{Key: m.Key, Received: m.Received})
	}
	return a.db.ConfirmAcks(ctx, js)
}

func (g *gateway) HandleReceipt(ctx context.Context, r smpp.Receipt) error {
	return g.m.Sender.HandleReceipt(ctx, outbox.Receipt{SMSC: r.SMSC, MessageID: r.MessageID, State: r.State,
		Delivered: r.Delivered, Err: r.Err})
}

// partStore keeps smpp's parts in the store, as JSON under
// "smsc|from|ref|total|seq".
type partStore struct{ db appStore }

func partPrefix(smsc, from string, ref uint16, total int) string {
	return smsc + "\x00" + from + "\x00" + strconv.Itoa(int(ref)) + "\x00" + strconv.Itoa(total) + "\x00"
}

func (p partStore) SavePart(ctx context.Context, part smpp.Part) error {
	v, err := json.Marshal(part)
	if err != nil {
		return err
	}
	key := partPrefix(part.SMSC, part.From, part.Ref, part.Total) + strconv.Itoa(part.Seq)
	return p.db.PutPart(ctx, []byte(key), v)
}

func (p partStore) DeleteParts(ctx context.Context, smsc, from string, ref uint16, total int) error {
	return p.db.DeleteParts(ctx, []byte(partPrefix(smsc, from, ref, total)))
}

func (p partStore) LoadParts(ctx context.Context) ([]smpp.Part, error) {
	var parts []smpp.Part
	err := p.db.Parts(ctx, func(_, v []byte) error {
		var part smpp.Part
		if err := json.Unmarshal(v, &part); err != nil {
			return err
		}
		parts = append(parts, part)
		return nil
	})
	return parts, err
}

// smscs maps the configuration's SMSCs onto the client's.
func smscs(in []config.SMSC) []smpp.SMSC {
	out := make([]smpp.SMSC, 0, len(in))
	for _, s := range in {
		var tc *tls.Config
		if s.TLS {
			host := s.Address
			if h, _, err := splitHostPort(s.Address); err == nil {
				host = h
			}
			tc = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
		}
		mode := smpp.Transceiver
		if s.BindMode == config.BindTransmitterReceiver {
			mode = smpp.TransmitterReceiver
		}
		out = append(out, smpp.SMSC{Name: s.Name, Operator: s.Operator, Address: s.Address,
			SystemID: s.SystemID, Password: s.Password.Reveal(), SystemType: s.SystemType, BindMode: mode,
			TLS: tc, Window: s.Window, MaxSubmitsPerSecond: s.MaxSubmitsPerSecond, EnquireLink: s.EnquireLink,
			ReconnectMin: s.ReconnectMin, ReconnectMax: s.ReconnectMax,
			InterfaceVersion: s.InterfaceVersion, RedeliveryWindow: s.RedeliveryWindow, RefusedRetry: s.RefusedRetry})
	}
	return out
}
