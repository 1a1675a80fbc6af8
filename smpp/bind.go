package smpp

import (
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

// Why a conn ended.
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
	conn  *conn // nil unless up
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

// setState records the bind's state and, when up, its conn.
func (b *bind) setState(state string, s *conn) {
	b.mu.Lock()
	changed := b.state != state
	b.state, b.conn = state, s
	if changed {
		b.since = b.c.clock()
	}
	b.mu.Unlock()
	b.c.m.setUp(b.smsc.Name, b.kind, state == StateUp, state == StateStopped)
	if changed && state == StateUp && b.kind != KindReceiver && b.c.opts.OnBindUp != nil {
		b.c.opts.OnBindUp(b.smsc.Operator)
	}
}

// current returns the conn of an up bind, nil otherwise.
func (b *bind) current() *conn {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.conn
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

// connect dials, does TLS if configured, and binds. The conn it
// returns is bound, with its reader and keepalive running.
func (b *bind) connect(ctx context.Context) (*conn, error) {
	ctx, cancel := context.WithTimeout(ctx, b.smsc.ResponseTimeout)
	defer cancel()
	nc, err := b.c.dial(ctx, "tcp", b.smsc.Address)
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
		tc := tls.Client(nc, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			_ = nc.Close()
			return nil, fmt.Errorf("smpp: TLS with %s: %w", b.smsc.Address, err)
		}
		nc = tc
	}
	s := newConn(ctx, b, nc)
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
	if err := b.lim.wait(ctx); err != nil {
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
