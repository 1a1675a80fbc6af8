package smpp

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"
	"github.com/rs/zerolog"
)

// maxSeq is the highest sequence number; the counter wraps to 1 after it.
const maxSeq = 0x7FFFFFFF

// Why a session ended.
var (
	errPeerUnbind = errors.New("smpp: SMSC unbound")
	errDeadLink   = errors.New("smpp: no PDU from the SMSC for two enquire_link intervals")
	errShutdown   = errors.New("smpp: shutdown")
)

// bind is one bind to an SMSC (a transceiver, or the transmitter or the
// receiver of a pair), kept up by run across connections.
type bind struct {
	c      *Client
	smsc   SMSC
	kind   string
	lim    *limiter      // shared by the binds of one SMSC
	window chan struct{} // submits awaiting their resp; nil for a receiver
	log    zerolog.Logger

	seq       atomic.Uint32 // last sequence number used
	throttles atomic.Int64

	mu    sync.Mutex
	state string
	since time.Time
	sess  *session // nil unless up
	// lastErr is why the last bind attempt failed or the bind went down
	// ("" once bound); configErr says the SMSC refused its credentials or
	// configuration.
	lastErr   string
	configErr bool
}

func newBind(c *Client, s SMSC, kind string, lim *limiter) *bind {
	b := &bind{
		c: c, smsc: s, kind: kind, lim: lim,
		log:   c.log.With().Str("smsc", s.Name).Str("kind", kind).Logger(),
		state: StateDown,
		since: c.clock(),
	}
	if kind != KindReceiver {
		b.window = make(chan struct{}, s.Window)
	}
	b.seq.Store(c.opts.seqStart)
	return b
}

// nextSeq returns the next sequence number: 1..0x7FFFFFFF, wrapping to 1.
func (b *bind) nextSeq() uint32 {
	for {
		old := b.seq.Load()
		n := old + 1
		if n > maxSeq || n == 0 {
			n = 1
		}
		if b.seq.CompareAndSwap(old, n) {
			return n
		}
	}
}

// setState records the bind's state and, when up, its session.
func (b *bind) setState(state string, s *session) {
	b.mu.Lock()
	changed := b.state != state
	b.state, b.sess = state, s
	if changed {
		b.since = b.c.clock()
	}
	b.mu.Unlock()
	b.c.m.setUp(b.smsc.Name, b.kind, state == StateUp, state == StateStopped)
	if changed && state == StateUp && b.kind != KindReceiver && b.c.opts.OnBindUp != nil {
		b.c.opts.OnBindUp(b.smsc.Operator)
	}
}

// current returns the session of an up bind, nil otherwise.
func (b *bind) current() *session {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sess
}

// run keeps the bind up until ctx is done, then returns nil.
func (b *bind) run(ctx context.Context) error {
	bo := newBackoff(b.smsc.ReconnectMin, b.smsc.ReconnectMax)
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			b.c.m.reconnect(b.smsc.Name)
		}
		b.setState(StateBinding, nil)
		s, err := b.connect(ctx)
		if err == nil {
			bo.reset()
			b.log.Info().Msg("smpp: bound")
			b.setLastError(nil, false)
			b.setState(StateUp, s)
			err = s.serve(ctx)
		}
		b.setState(StateDown, nil)
		if ctx.Err() != nil {
			b.log.Info().Msg("smpp: unbound for shutdown")
			return nil
		}
		wait := b.failed(err, bo)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// failed logs why a bind attempt failed or the bind went down, records
// it, and returns how long to wait before the next attempt: RefusedRetry
// after a refusal of the credentials or configuration, else the backoff.
func (b *bind) failed(err error, bo *backoff) time.Duration {
	var r *BindRefusal
	refused := errors.As(err, &r)
	config := refused && r.Config()
	if refused {
		b.c.m.bindRefused(b.smsc.Name, uint32(r.Status), config)
	}
	b.setLastError(err, config)
	if config {
		wait := b.smsc.RefusedRetry
		b.log.Error().Uint32("status", uint32(r.Status)).Str("status_name", r.Status.Error()).
			Dur("retry_in", wait).
			Msg("smpp: SMSC refused the bind's credentials or configuration: fix the SMSC's settings")
		return wait
	}
	wait := bo.next()
	b.log.Warn().Str("error", safeErr(err)).Dur("retry_in", wait).Msg("smpp: bind down")
	return wait
}

// setLastError records why the bind is not up (nil: it is).
func (b *bind) setLastError(err error, config bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lastErr, b.configErr = "", config
	if err != nil {
		b.lastErr = safeErr(err)
	}
	if err == nil {
		b.c.m.setConfigError(b.smsc.Name, false)
	}
}

// connect dials, does TLS if configured, and binds. The session it
// returns is bound, with its reader and keepalive running.
func (b *bind) connect(ctx context.Context) (*session, error) {
	ctx, cancel := context.WithTimeout(ctx, b.smsc.ResponseTimeout)
	defer cancel()
	conn, err := b.c.dial(ctx, "tcp", b.smsc.Address)
	if err != nil {
		return nil, fmt.Errorf("smpp: dialling %s: %w", b.smsc.Address, err)
	}
	if b.smsc.TLS != nil {
		cfg := b.smsc.TLS.Clone()
		if cfg.ServerName == "" {
			if host, _, err := net.SplitHostPort(b.smsc.Address); err == nil {
				cfg.ServerName = host
			}
		}
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			_ = conn.Close()
			return nil, fmt.Errorf("smpp: TLS with %s: %w", b.smsc.Address, err)
		}
		conn = tc
	}
	s := newSession(ctx, b, conn)
	s.wg.Add(1)
	go s.readLoop()

	id := pdu.BindTransceiverID
	switch b.kind {
	case KindTransmitter:
		id = pdu.BindTransmitterID
	case KindReceiver:
		id = pdu.BindReceiverID
	}
	var w bodyWriter
	w.cstring(pdufield.SystemID, b.smsc.SystemID)
	w.cstring(pdufield.Password, b.smsc.Password)
	w.cstring(pdufield.SystemType, b.smsc.SystemType)
	w.u8(pdufield.InterfaceVersion, b.smsc.InterfaceVersion)
	w.u8(pdufield.AddrTON, 0)
	w.u8(pdufield.AddrNPI, 0)
	w.cstring(pdufield.AddressRange, "")
	body, err := w.bytes()
	if err == nil {
		var resp packet
		resp, err = s.request(ctx, id, body, b.smsc.ResponseTimeout)
		if err == nil && (resp.status != statusOK || resp.id == pdu.GenericNACKID) {
			err = &BindRefusal{Status: resp.status}
		}
	}
	if err != nil {
		s.close(err)
		s.wg.Wait()
		return nil, fmt.Errorf("smpp: binding to %s: %w", b.smsc.Address, err)
	}
	s.wg.Add(1)
	go s.keepalive()
	return s, nil
}

// submit sends one submit_sm body and returns the message id. It waits
// for a place in the window and the SMSC's pace first.
func (b *bind) submit(ctx context.Context, body []byte) (string, *SubmitError) {
	select {
	case b.window <- struct{}{}:
	case <-ctx.Done():
		return "", &SubmitError{Temporary: true, Err: fmt.Errorf("%w: waiting for the window: %w", ErrBusy, ctx.Err())}
	}
	b.c.m.window(b.smsc.Name, 1)
	defer func() {
		<-b.window
		b.c.m.window(b.smsc.Name, -1)
	}()
	if err := b.lim.wait(ctx, time.Now); err != nil {
		return "", &SubmitError{Temporary: true, Err: fmt.Errorf("%w: waiting for the pace: %w", ErrBusy, err)}
	}
	s := b.current()
	if s == nil || !s.beginSubmit() {
		return "", &SubmitError{Temporary: true, Err: ErrBindLost}
	}
	defer s.endSubmit()
	resp, err := s.request(ctx, pdu.SubmitSMID, body, b.smsc.ResponseTimeout)
	if err != nil {
		return "", &SubmitError{Temporary: true, Err: err}
	}
	if resp.status != statusOK || resp.id == pdu.GenericNACKID {
		se := statusError(resp.status)
		if resp.id == pdu.GenericNACKID {
			// A generic_nack answers a PDU the SMSC could not take at
			// all; its status classes it, and one without a status is
			// the SMSC's trouble: temporary.
			se.GenericNack = true
			se.Temporary = se.Temporary || resp.status == statusOK
			if resp.status == statusOK {
				se.Err = errors.New("smpp: generic_nack")
			}
		}
		b.c.m.submitError(b.smsc.Name, se)
		if ClassifyStatus(resp.status).Throttle {
			b.throttles.Add(1)
			b.c.m.throttle(b.smsc.Name)
			b.lim.throttled(time.Now(), b.c.opts.throttlePause)
			b.log.Warn().Uint32("status", uint32(resp.status)).Msg("smpp: SMSC throttles, slowing down")
		}
		return "", se
	}
	return decodeCString(resp.body), nil
}

// submitBody encodes a submit_sm: from the short code (TON 3, NPI 0; TON
// 5 for an alphanumeric sender) to the international number without '+'
// (TON 1, NPI 1), asking for a delivery receipt.
func submitBody(from, to string, dc, esm byte, sm []byte) ([]byte, error) {
	srcTON := byte(3)
	for _, r := range from {
		if r < '0' || r > '9' {
			srcTON = 5
			break
		}
	}
	var w bodyWriter
	w.cstring(pdufield.ServiceType, "")
	w.u8(pdufield.SourceAddrTON, srcTON)
	w.u8(pdufield.SourceAddrNPI, 0)
	w.cstring(pdufield.SourceAddr, from)
	w.u8(pdufield.DestAddrTON, 1)
	w.u8(pdufield.DestAddrNPI, 1)
	w.cstring(pdufield.DestinationAddr, strings.TrimPrefix(to, "+"))
	w.u8(pdufield.ESMClass, esm)
	w.u8(pdufield.ProtocolID, 0)
	w.u8(pdufield.PriorityFlag, 0)
	w.cstring(pdufield.ScheduleDeliveryTime, "")
	w.cstring(pdufield.ValidityPeriod, "")
	w.u8(pdufield.RegisteredDelivery, 1)
	w.u8(pdufield.ReplaceIfPresentFlag, 0)
	w.u8(pdufield.DataCoding, dc)
	w.u8(pdufield.SMDefaultMsgID, 0)
	w.shortMessage(sm)
	return w.bytes()
}

// session is one bound connection.
type session struct {
	b    *bind
	c    *Client
	conn net.Conn
	r    *bufio.Reader
	log  zerolog.Logger

	// ctx is given to the Handler; it is cancelled when the session ends.
	ctx    context.Context
	cancel context.CancelFunc

	done      chan struct{}
	closeOnce sync.Once
	err       error     // why it ended, set before done is closed
	ended     time.Time // when it ended (client clock), set before done is closed

	wmu  sync.Mutex // one writer at a time
	wpos uint64     // PDUs written (under wmu): the last one's position
	// probing is set while an enquire_link asks the SMSC to confirm the
	// acks written before it.
	probing atomic.Bool

	mu       sync.Mutex
	pending  map[uint32]*pendingReq
	draining bool
	submits  int           // submits in flight
	handlers int           // handlers in flight
	changed  chan struct{} // a submit or handler ended (capacity 1)

	workers chan struct{} // handler slots
	wg      sync.WaitGroup

	start    time.Time    // monotonic origin of lastRead
	lastRead atomic.Int64 // since start, when the last PDU arrived
}

// pendingReq is a request awaiting its resp.
type pendingReq struct {
	resp  pdu.ID
	ch    chan packet   // capacity 1
	pos   atomic.Uint64 // where the request went in the output
	probe bool          // an enquire_link of probe
}

// newSession starts a session on conn; its handlers' context carries the
// values of ctx but not its deadline or cancellation.
func newSession(ctx context.Context, b *bind, conn net.Conn) *session {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	return &session{
		b: b, c: b.c, conn: conn, log: b.log,
		r:       bufio.NewReader(conn),
		ctx:     ctx,
		cancel:  cancel,
		done:    make(chan struct{}),
		pending: make(map[uint32]*pendingReq),
		changed: make(chan struct{}, 1),
		workers: make(chan struct{}, b.c.opts.HandlerWorkers),
		start:   time.Now(),
	}
}

// close ends the session for err (once): pending requests fail with
// ErrBindLost, handlers' ctx is cancelled, the connection is closed.
func (s *session) close(err error) {
	s.closeOnce.Do(func() {
		s.err = err
		s.ended = s.c.clock()
		close(s.done)
		s.cancel()
		_ = s.conn.Close()
	})
}

// endedAt returns when the session ended, and whether it did.
func (s *session) endedAt() (time.Time, bool) {
	select {
	case <-s.done:
		return s.ended, true
	default:
		return time.Time{}, false
	}
}

// lostErr is the error of a request that the session's end cut short.
func (s *session) lostErr() error {
	return fmt.Errorf("%w: %w", ErrBindLost, s.err)
}

// serve runs the bound session until it drops or ctx is done; then it
// drains, unbinds and closes. It returns why the session ended, after
// every goroutine of the session ended.
func (s *session) serve(ctx context.Context) error {
	select {
	case <-s.done:
	case <-ctx.Done():
		s.shutdown()
	}
	s.wg.Wait()
	return s.err
}

// shutdown waits (bounded) for submits and handlers in flight, unbinds
// (waiting a bounded time for unbind_resp) and closes.
func (s *session) shutdown() {
	drain := s.c.opts.drainTimeout
	s.mu.Lock()
	s.draining = true
	s.mu.Unlock()
	t := time.NewTimer(drain)
	defer t.Stop()
	for {
		s.mu.Lock()
		idle := s.submits == 0 && s.handlers == 0
		s.mu.Unlock()
		if idle {
			break
		}
		select {
		case <-s.changed:
			continue
		case <-s.done:
		case <-t.C:
			s.log.Warn().Msg("smpp: shutdown: window not drained in time")
		}
		break
	}
	select {
	case <-s.done: // the SMSC went first
	default:
		// The unbind waits for its resp at least a second, however short
		// the drain: the unbind must reach the wire before the close.
		if _, err := s.request(context.Background(), pdu.UnbindID, nil, min(s.b.smsc.ResponseTimeout, max(drain, time.Second))); err != nil {
			s.log.Warn().Str("error", err.Error()).Msg("smpp: unbind not answered")
		}
	}
	s.close(errShutdown)
}

// beginSubmit counts a submit in flight; false when the session ended or
// drains for shutdown.
func (s *session) beginSubmit() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.done:
		return false
	default:
	}
	if s.draining {
		return false
	}
	s.submits++
	return true
}

func (s *session) endSubmit() {
	s.mu.Lock()
	s.submits--
	s.mu.Unlock()
	s.signal()
}

// signal wakes shutdown's drain loop.
func (s *session) signal() {
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// request sends a request and waits (at most timeout) for the resp with
// its sequence number and command id, or a generic_nack with its sequence
// number. It returns ErrBindLost (wrapped) when the session ends first,
// ErrTimeout, or ctx's error.
func (s *session) request(ctx context.Context, id pdu.ID, body []byte, timeout time.Duration) (packet, error) {
	pr := &pendingReq{resp: respIDOf(id), ch: make(chan packet, 1)}
	s.mu.Lock()
	select {
	case <-s.done:
		s.mu.Unlock()
		return packet{}, s.lostErr()
	default:
	}
	var seq uint32
	for {
		seq = s.b.nextSeq()
		if _, busy := s.pending[seq]; !busy {
			break
		}
	}
	s.pending[seq] = pr
	s.mu.Unlock()

	if _, err := s.writeReq(packet{id: id, seq: seq, body: body}, pr); err != nil {
		s.forget(seq)
		return packet{}, s.lostErr()
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case p := <-pr.ch:
		return p, nil
	case <-t.C:
		s.forget(seq)
		return packet{}, fmt.Errorf("%w: %s seq %d after %v", ErrTimeout, commandName(id), seq, timeout)
	case <-ctx.Done():
		// A resp that arrived wins over a cancellation that raced it: a
		// bind the SMSC accepted is a bind, to be unbound on shutdown.
		select {
		case p := <-pr.ch:
			return p, nil
		default:
		}
		s.forget(seq)
		return packet{}, ctx.Err()
	case <-s.done:
		return packet{}, s.lostErr()
	}
}

// send sends a request whose resp nobody waits for (enquire_link from
// keepalive): the resp is matched, so that it is not taken for a stray.
func (s *session) send(id pdu.ID) {
	s.sendReq(id, false)
}

// sendReq is send; probe marks an enquire_link of probe.
func (s *session) sendReq(id pdu.ID, probe bool) {
	pr := &pendingReq{resp: respIDOf(id), ch: make(chan packet, 1), probe: probe}
	s.mu.Lock()
	seq := s.b.nextSeq()
	for s.pending[seq] != nil {
		seq = s.b.nextSeq()
	}
	s.pending[seq] = pr
	s.mu.Unlock()
	_, _ = s.writeReq(packet{id: id, seq: seq}, pr) // a failed write closes the session
}

// probe asks the SMSC, with an enquire_link, to confirm that it read the
// acks written so far: its resp (as any resp to a later request) does.
// One probe is out at a time.
func (s *session) probe() {
	if s.probing.CompareAndSwap(false, true) {
		s.sendReq(pdu.EnquireLinkID, true)
	}
}

// confirmAcks forgets the unacked MOs whose resp went out before pos, as
// the SMSC answered a request written at pos; the ledger's durable side
// learns it in the background.
func (s *session) confirmAcks(pr *pendingReq) {
	if pr.probe {
		s.probing.Store(false)
	}
	done, more := s.c.ledger.confirm(s, pr.pos.Load())
	if len(done) > 0 && s.c.opts.Acks != nil {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := s.c.opts.Acks.Confirm(context.WithoutCancel(s.ctx), done); err != nil {
				s.log.Error().Str("error", safeErr(err)).Int("mos", len(done)).
					Msg("smpp: acks the SMSC read not recorded: their MOs may be taken for redeliveries")
			}
		}()
	}
	if more {
		s.probe()
	}
}

func (s *session) forget(seq uint32) {
	s.mu.Lock()
	delete(s.pending, seq)
	s.mu.Unlock()
}

// write writes one PDU and returns its position in the output; an error
// closes the session.
func (s *session) write(p packet) (uint64, error) {
	return s.writeReq(p, nil)
}

// writeReq is write that records the position in pr (when not nil) before
// the PDU can be answered.
func (s *session) writeReq(p packet, pr *pendingReq) (uint64, error) {
	b := frame(p)
	s.wmu.Lock()
	s.wpos++
	pos := s.wpos
	if pr != nil {
		pr.pos.Store(pos)
	}
	_ = s.conn.SetWriteDeadline(time.Now().Add(s.b.smsc.ResponseTimeout))
	_, err := s.conn.Write(b)
	s.wmu.Unlock()
	if err != nil {
		s.close(fmt.Errorf("smpp: writing %s: %w", commandName(p.id), err))
		return 0, err
	}
	s.c.m.pdu(s.b.smsc.Name, commandName(p.id), "out")
	return pos, nil
}

// reply writes the resp (or generic_nack) to a request of the SMSC and
// returns its position in the output, 0 when the write failed.
func (s *session) reply(id pdu.ID, status pdu.Status, seq uint32, body []byte) uint64 {
	pos, _ := s.write(packet{id: id, status: status, seq: seq, body: body})
	return pos
}

// readLoop reads PDUs until the connection fails or closes. It never
// waits for a handler.
func (s *session) readLoop() {
	defer s.wg.Done()
	for {
		p, err := readPacket(s.r)
		if err != nil {
			select {
			case <-s.done:
			default:
				if errors.Is(err, errFraming) {
					s.log.Error().Str("error", err.Error()).Msg("smpp: framing lost, dropping the connection")
				}
			}
			s.close(fmt.Errorf("smpp: reading: %w", err))
			return
		}
		s.lastRead.Store(int64(time.Since(s.start)))
		s.c.m.pdu(s.b.smsc.Name, commandName(p.id), "in")
		s.dispatch(p)
	}
}

// dispatch acts on one PDU from the SMSC.
func (s *session) dispatch(p packet) {
	if isResp(p.id) {
		s.mu.Lock()
		pr, ok := s.pending[p.seq]
		if ok && (p.id == pr.resp || p.id == pdu.GenericNACKID) {
			delete(s.pending, p.seq)
		} else {
			ok = false
		}
		s.mu.Unlock()
		if ok {
			s.confirmAcks(pr)
			pr.ch <- p
		} else {
			s.log.Warn().Str("command", commandName(p.id)).Uint32("seq", p.seq).
				Msg("smpp: resp matches no request, ignored")
		}
		return
	}
	switch p.id {
	case pdu.EnquireLinkID:
		s.reply(pdu.EnquireLinkRespID, statusOK, p.seq, nil)
	case pdu.UnbindID:
		s.reply(pdu.UnbindRespID, statusOK, p.seq, nil)
		s.close(errPeerUnbind)
	case pdu.DeliverSMID, pdu.DataSMID:
		s.deliver(p)
	case pdu.OutbindID:
		s.reply(pdu.GenericNACKID, statusInvBndSts, p.seq, nil)
	case pdu.AlertNotificationID:
		// It has no resp.
	default:
		s.log.Warn().Uint32("command_id", uint32(p.id)).Msg("smpp: unknown command, generic_nack")
		s.reply(pdu.GenericNACKID, statusInvCmdID, p.seq, nil)
	}
}

// deliver decodes a deliver_sm or data_sm and hands it to a worker; when
// none is free it is answered ESME_RX_T_APPN at once.
func (s *session) deliver(p packet) {
	respID := respIDOf(p.id)
	d, err := s.c.decode(p)
	if err != nil {
		status := statusSysErr
		if errors.Is(err, errMalformed) {
			status = statusInvMsgLen
		}
		s.log.Warn().Str("command", commandName(p.id)).Str("error", safeErr(err)).
			Msg("smpp: undecodable PDU, generic_nack")
		s.reply(pdu.GenericNACKID, status, p.seq, nil)
		return
	}
	select {
	case s.workers <- struct{}{}:
	default:
		s.log.Warn().Msg("smpp: every handler busy, asking the SMSC to deliver again")
		s.reply(respID, statusRxTempAppn, p.seq, cstringBody(""))
		return
	}
	s.mu.Lock()
	s.handlers++
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer func() {
			<-s.workers
			s.mu.Lock()
			s.handlers--
			s.mu.Unlock()
			s.signal()
			s.wg.Done()
		}()
		status := statusOK
		ack, err := s.handle(d, p.seq)
		if err != nil {
			status = statusRxTempAppn
		}
		pos := s.reply(respID, status, p.seq, cstringBody(""))
		if ack != nil && pos != 0 {
			// Until the SMSC answers something written after it, this
			// resp may be lost with the link.
			ack.pos.Store(pos)
			s.probe()
		}
	}()
}

// decode decodes a deliver_sm or data_sm. A panic of the codec on this
// one PDU is an error wrapping errMalformed: the PDU gets a generic_nack
// and the bind stays up.
func (c *Client) decode(p packet) (d delivery, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: the decoder failed: %v", errMalformed, r)
		}
	}()
	if c.opts.decode != nil {
		return c.opts.decode(p)
	}
	if p.id == pdu.DataSMID {
		return decodeDataSM(p.body, c.opts.Location)
	}
	return decodeDeliverSM(p.body, c.opts.Location)
}

// handle hands a delivery to the Handler (through reassembly for a part)
// and returns its error, and for an MO whose ack the SMSC may fail to
// read, its entry in the ledger.
func (s *session) handle(d delivery, seq uint32) (*ackEntry, error) {
	smsc := s.b.smsc
	ctx := s.ctx
	log := s.log.With().Str("from", maskNumber(d.from)).Uint32("seq", seq).Logger()
	switch {
	case d.ignore:
		return nil, nil
	case d.receipt:
		return nil, s.receipt(d, log)
	case d.total > 1:
		p := Part{
			SMSC: smsc.Name, Operator: smsc.Operator,
			From: d.from, To: d.to,
			Ref: d.ref, Total: d.total, Seq: d.part,
			Text: d.text, NotText: d.notText, Received: s.c.clock(), SMSCTime: d.smscTime,
		}
		err := s.c.asm.add(ctx, p, s.c.handleParts)
		var de *deleteError
		if errors.As(err, &de) {
			log.Error().Str("error", safeErr(err)).Msg("smpp: MO handled, its parts not deleted")
			return nil, nil
		}
		if err != nil {
			log.Warn().Str("error", safeErr(err)).Int("part", d.part).Int("parts", d.total).
				Msg("smpp: part of MO not taken")
		}
		return nil, err
	default:
		mo := MO{
			SMSC: smsc.Name, Operator: smsc.Operator,
			From: d.from, To: d.to, Text: d.text, NotText: d.notText,
			Received: s.c.clock(), SMSCTime: d.smscTime,
		}
		mo.Key = moKey(mo.SMSC, mo.From, mo.Text, mo.SMSCTime)
		return s.takeMO(ctx, mo, log)
	}
}

// receipt hands a delivery receipt to the Handler.
func (s *session) receipt(d delivery, log zerolog.Logger) error {
	if d.rcptError != nil {
		// It can never be parsed: asking for it again would loop.
		log.Warn().Str("error", safeErr(d.rcptError)).Msg("smpp: unreadable receipt acked and dropped")
		return nil
	}
	r := d.rcpt
	r.SMSC = s.b.smsc.Name
	if err := s.c.opts.Handler.HandleReceipt(s.ctx, r); err != nil {
		log.Warn().Str("error", safeErr(err)).Msg("smpp: receipt not handled")
		return err
	}
	return nil
}

// takeMO takes one MO of a single deliver_sm: the redelivery of an MO
// whose ack an earlier bind may have lost is acked without effect, any
// other goes to the Handler. It returns the ledger entry of the MO's ack.
func (s *session) takeMO(ctx context.Context, mo MO, log zerolog.Logger) (*ackEntry, error) {
	smsc := s.b.smsc
	if e := s.c.ledger.claim(s, mo, smsc.RedeliveryWindow, mo.Received); e != nil {
		s.c.m.redelivery(smsc.Name)
		log.Info().Time("first_received", e.mo.Received).
			Msg("smpp: MO redelivered after its ack was lost with a bind: acked, not applied again")
		return e, nil
	}
	mo.AckPending = s.c.opts.Acks != nil
	err := s.c.opts.Handler.HandleMO(ctx, mo)
	switch {
	case errors.Is(err, ErrDuplicate):
		s.c.m.redelivery(smsc.Name)
		log.Info().Msg("smpp: MO redelivered (the SMSC's timestamp says): acked, not applied again")
		return nil, nil
	case err != nil:
		log.Warn().Str("error", safeErr(err)).Msg("smpp: MO not handled, ESME_RX_T_APPN")
		return nil, err
	}
	return s.c.ledger.add(s, UnackedMO{Key: mo.Key, SMSC: mo.SMSC, From: mo.From, Text: mo.Text,
		Received: mo.Received, SMSCTime: mo.SMSCTime}), nil
}

// keepalive sends enquire_link when nothing came from the SMSC for an
// interval, and drops the session when nothing came for two.
func (s *session) keepalive() {
	defer s.wg.Done()
	interval := s.b.smsc.EnquireLink
	t := time.NewTimer(interval)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
		}
		idle := time.Since(s.start) - time.Duration(s.lastRead.Load())
		switch {
		case idle >= 2*interval:
			s.close(errDeadLink)
			return
		case idle >= interval:
			s.send(pdu.EnquireLinkID)
			t.Reset(2*interval - idle)
		default:
			t.Reset(interval - idle)
		}
	}
}
