// Package smsc is an SMPP 3.4 SMSC simulator and load generator: it plays
// an operator's SMSC and the motorists' phones for smspark, which binds to
// it over real TCP as an ESME. It delivers MOs (deliver_sm or data_sm, GSM
// 03.38 or UCS-2, concatenated with UDH or SAR TLVs when long), receives
// and reassembles MTs (submit_sm or data_sm), sends delivery receipts, and
// misbehaves on demand (SetFault) the way real SMSCs do, in the manner of
// jasmin's SMSC simulators. Load drives many phones through it and
// measures MO-to-MT latency.
//
// It is an implementation independent of smspark's own SMPP client
// (package smpp), built on github.com/fiorix/go-smpp's PDU types and field
// codec and on smspark/gsm for text, so that tests check one
// implementation against the other.
package smsc

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	_ "time/tzdata" // Europe/Brussels wherever the binary runs

	"github.com/rs/zerolog"
)

// Errors callers branch on.
var (
	// ErrNoReceiver: no receiver or transceiver bind is up to deliver on.
	ErrNoReceiver = errors.New("smsc: no receiver or transceiver bind")
	// ErrConnClosed: the connection closed before every response arrived.
	ErrConnClosed = errors.New("smsc: connection closed")
	// ErrClosed: the server stopped (Run returned).
	ErrClosed = errors.New("smsc: server closed")
	// ErrRunning: Run was called on a server that runs or ran already.
	ErrRunning = errors.New("smsc: server already run")
	// ErrBadMO: an MO without sender or recipient, or too long to send.
	ErrBadMO = errors.New("smsc: bad MO")
	// ErrNoDelivery: Redeliver was given a Delivery that holds no PDU.
	ErrNoDelivery = errors.New("smsc: nothing to redeliver")
	// ErrBadReceiptState: SetReceiptState with an unknown state.
	ErrBadReceiptState = errors.New("smsc: unknown receipt state")
)

// BindMode is how an ESME bound.
type BindMode string

// Bind modes.
const (
	BindTransceiver BindMode = "trx"
	BindTransmitter BindMode = "tx"
	BindReceiver    BindMode = "rx"
)

// receives reports whether an MO or receipt can be delivered on m.
func (m BindMode) receives() bool { return m == BindTransceiver || m == BindReceiver }

// transmits reports whether m may submit.
func (m BindMode) transmits() bool { return m == BindTransceiver || m == BindTransmitter }

// Defaults of Options.
const (
	DefaultWriteTimeout = 10 * time.Second
	DefaultMaxQueuedMTs = 1000
)

// Options configures a Server.
type Options struct {
	// Addr is the listen address, e.g. "127.0.0.1:0" or ":2775".
	Addr string
	// SystemID and Password are the credentials a bind must give; empty
	// accepts any.
	SystemID, Password string
	// Operator names the simulated operator in logs and in bind_resp's
	// system_id (default "smsc").
	Operator string
	// ReceiptDelay is the delay before a delivery receipt (0: at once,
	// right after the submit_sm_resp).
	ReceiptDelay time.Duration
	// EnquireLink is the interval of the SMSC's own enquire_link on each
	// bind (0: never); a bind that leaves three in a row unanswered is
	// dropped.
	EnquireLink time.Duration
	// WriteTimeout bounds every write to an ESME (default 10 s); a write
	// that times out closes the connection.
	WriteTimeout time.Duration
	// MaxQueuedMTs is how many MTs per number WaitMT keeps unread (default
	// 1000); older ones are dropped and counted in Stats.MTsDropped.
	MaxQueuedMTs int
	// Location is the time zone of SMPP times and receipt dates (default
	// Europe/Brussels).
	Location *time.Location
	// Logger receives the simulator's logs; numbers are masked to their
	// last three digits and texts are not logged. The zero value is silent.
	Logger zerolog.Logger
	// Clock gives the time (default time.Now).
	Clock func() time.Time
}

// BindInfo describes one bound connection.
type BindInfo struct {
	ID       uint64 // connection number, from 1
	SystemID string
	Mode     BindMode
	Remote   string // the ESME's address
	Since    time.Time
}

// Stats counts what the simulator did; every field only grows.
type Stats struct {
	Connections  int // TCP connections accepted
	Binds        int // successful binds
	BindsRefused int // binds answered with an error
	Unbinds      int // unbind received from the ESME
	Drops        int // connections reset by FaultDropConnection

	MOs        int // MO delivery attempts (DeliverMO and Redeliver calls that wrote)
	MOsAcked   int // attempts every part of which got ESME_ROK
	MOsRefused int // attempts with a part answered otherwise

	SubmitSMs        int // submit_sm and data_sm received from the ESME
	MTs              int // complete MTs (concatenated parts reassembled)
	MTsRejected      int // submit_sm refused for their content (bad coding, UDH)
	MTsDropped       int // MTs dropped from a full WaitMT queue or subscriber
	Throttled        int // submits answered ESME_RTHROTTLED
	QueueFull        int // submits answered ESME_RMSGQFUL
	ReceiptsSent     int // receipt deliver_sm written
	ReceiptsAcked    int // receipts answered ESME_ROK
	ReceiptsRefused  int // receipts answered otherwise (they are retried)
	GenericNacksSent int
	GenericNacksRecv int

	EnquireLinksReceived int // from the ESME
	EnquireLinksSent     int // by the SMSC
	EnquireLinksAnswered int // the ESME's enquire_link_resp
	LinksTimedOut        int // connections dropped for unanswered enquire_link

	BadLengthsSent    int // FaultBadCommandLength PDUs written
	UnknownPDUsSent   int // FaultUnknownPDU PDUs written
	UnknownPDUsNacked int // answered by the ESME with generic_nack
}

// Server is the simulated SMSC. Create it with New, run it with Run.
type Server struct {
	lastMO map[string]time.Time // per phone: the SMSC time of its last MO (guarded by mu)
	opts   Options
	log    zerolog.Logger
	clock  func() time.Time
	loc    *time.Location

	msgID atomic.Uint64 // message ids given in submit_sm_resp
	ref   atomic.Uint32 // concatenation references of MOs

	stop chan struct{} // closed when the server shuts down
	wg   sync.WaitGroup

	mu            sync.Mutex
	ln            net.Listener
	ready         chan struct{}
	running       bool
	closed        bool
	conns         map[uint64]*conn
	nextConn      uint64
	rr            uint64
	changed       chan struct{} // closed and replaced on any change of binds or stats
	stats         Stats
	fault         Fault
	throttleStart time.Time
	throttleCount int
	receiptStates map[string]ReceiptState
	mtq           map[string]*mtQueue
	subs          map[*subscriber]struct{}
	partial       map[string]*partialMT
}

// New returns a server configured by opts; it does not listen yet.
// Returns an error if the default time zone cannot be loaded.
func New(opts Options) (*Server, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.Operator == "" {
		opts.Operator = "smsc"
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = DefaultWriteTimeout
	}
	if opts.MaxQueuedMTs <= 0 {
		opts.MaxQueuedMTs = DefaultMaxQueuedMTs
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Location == nil {
		loc, err := time.LoadLocation("Europe/Brussels")
		if err != nil {
			return nil, fmt.Errorf("smsc: time zone: %w", err)
		}
		opts.Location = loc
	}
	return &Server{
		opts:          opts,
		log:           opts.Logger.With().Str("component", "smsc").Str("operator", opts.Operator).Logger(),
		clock:         opts.Clock,
		loc:           opts.Location,
		stop:          make(chan struct{}),
		ready:         make(chan struct{}),
		conns:         map[uint64]*conn{},
		changed:       make(chan struct{}),
		fault:         Fault{Kind: FaultNone},
		receiptStates: map[string]ReceiptState{},
		mtq:           map[string]*mtQueue{},
		subs:          map[*subscriber]struct{}{},
		partial:       map[string]*partialMT{},
	}, nil
}

// Listen opens the listening socket, so that Addr is known before Run;
// calling it again does nothing. Returns the listen error, or ErrClosed
// after the server stopped.
func (s *Server) Listen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if s.ln != nil {
		return nil
	}
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return fmt.Errorf("smsc: listen: %w", err)
	}
	s.ln = ln
	close(s.ready)
	s.log.Info().Str("addr", ln.Addr().String()).Msg("smsc listening")
	return nil
}

// Ready is closed once the server listens (Listen or Run).
func (s *Server) Ready() <-chan struct{} { return s.ready }

// Addr returns the listen address ("127.0.0.1:40123"), or "" before Listen.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Run listens (if Listen was not called) and serves until ctx is done;
// then it closes the listener and every connection and returns once all
// of its goroutines have ended. Returns nil after ctx is done, the listen
// error, or ErrRunning when called twice.
func (s *Server) Run(ctx context.Context) error {
	if err := s.Listen(); err != nil {
		return err
	}
	s.mu.Lock()
	if s.running {
		s.mu.Unlock()
		return ErrRunning
	}
	s.running = true
	ln := s.ln
	s.mu.Unlock()

	s.spawn(func() { s.accept(ln) })
	<-ctx.Done()

	s.mu.Lock()
	s.closed = true
	close(s.stop)
	conns := make([]*conn, 0, len(s.conns))
	for _, c := range s.conns {
		conns = append(conns, c)
	}
	s.notifyLocked()
	s.mu.Unlock()
	_ = ln.Close() // the accept loop ends on this error
	for _, c := range conns {
		c.close(false)
	}
	s.wg.Wait()
	s.log.Info().Msg("smsc stopped")
	return nil
}

// spawn runs f in a goroutine that Run waits for; it does nothing (and
// returns false) once the server is shutting down.
func (s *Server) spawn(f func()) bool {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return false
	}
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		f()
	}()
	return true
}

func (s *Server) accept(ln net.Listener) {
	backoff := 5 * time.Millisecond
	for {
		nc, err := ln.Accept()
		if err != nil {
			select {
			case <-s.stop:
				return
			default:
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			s.log.Warn().Err(err).Msg("accept")
			t := time.NewTimer(backoff)
			select {
			case <-s.stop:
				t.Stop()
				return
			case <-t.C:
			}
			backoff = min(2*backoff, time.Second)
			continue
		}
		backoff = 5 * time.Millisecond
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			_ = nc.Close()
			return
		}
		s.nextConn++
		c := newConn(s, s.nextConn, nc)
		s.conns[c.id] = c
		s.stats.Connections++
		s.notifyLocked()
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			c.serve()
		}()
	}
}

// notifyLocked wakes everybody waiting for a change; s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// count applies f to the stats and wakes the waiters.
func (s *Server) count(f func(*Stats)) {
	s.mu.Lock()
	f(&s.stats)
	s.notifyLocked()
	s.mu.Unlock()
}

// waitFor waits until cond (called with s.mu held) holds. Returns
// ctx.Err() or ErrClosed.
func (s *Server) waitFor(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ok, ch, closed := cond(), s.changed, s.closed
		s.mu.Unlock()
		if ok {
			return nil
		}
		if closed {
			return ErrClosed
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

// Binds returns the bound connections, oldest first.
func (s *Server) Binds() []BindInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []BindInfo
	for _, c := range s.conns {
		if c.mode != "" {
			out = append(out, BindInfo{ID: c.id, SystemID: c.systemID, Mode: c.mode, Remote: c.remote, Since: c.since})
		}
	}
	slices.SortFunc(out, func(a, b BindInfo) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// WaitBound waits until at least n binds that can receive MOs (receiver or
// transceiver) are up. Returns ctx.Err() or ErrClosed.
func (s *Server) WaitBound(ctx context.Context, n int) error {
	return s.waitFor(ctx, func() bool {
		k := 0
		for _, c := range s.conns {
			if c.mode.receives() {
				k++
			}
		}
		return k >= n
	})
}

// Stats returns the counters so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// WaitStats waits until cond holds for the counters, for tests that must
// not sleep. Returns ctx.Err() or ErrClosed.
func (s *Server) WaitStats(ctx context.Context, cond func(Stats) bool) error {
	return s.waitFor(ctx, func() bool { return cond(s.stats) })
}

// sortedConnsLocked returns the connections by id; s.mu must be held.
func (s *Server) sortedConnsLocked() []*conn {
	out := make([]*conn, 0, len(s.conns))
	for _, c := range s.conns {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *conn) int { return cmp.Compare(a.id, b.id) })
	return out
}

// pickReceiver returns a bound receiver or transceiver, round robin,
// preferring prefer when it still is one; nil when there is none.
func (s *Server) pickReceiver(prefer *conn) *conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if prefer != nil && prefer.mode.receives() && s.conns[prefer.id] == prefer {
		return prefer
	}
	var rx []*conn
	for _, c := range s.sortedConnsLocked() {
		if c.mode.receives() {
			rx = append(rx, c)
		}
	}
	if len(rx) == 0 {
		return nil
	}
	s.rr++
	return rx[s.rr%uint64(len(rx))]
}

// removeConn forgets a closed connection.
func (s *Server) removeConn(c *conn) {
	s.mu.Lock()
	if s.conns[c.id] == c {
		delete(s.conns, c.id)
		s.notifyLocked()
	}
	s.mu.Unlock()
}

// newMessageID returns the next message id for a submit_sm_resp.
func (s *Server) newMessageID() string {
	return fmt.Sprintf("%010X", s.msgID.Add(1))
}
