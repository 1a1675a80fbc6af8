package smsc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"
	"github.com/rs/zerolog"
)

// conn is one ESME connection: a reader goroutine that answers the ESME's
// requests and routes responses to the SMSC's own pending requests.
type conn struct {
	s      *Server
	id     uint64
	nc     net.Conn
	remote string
	log    zerolog.Logger

	done      chan struct{} // closed when the connection closes
	closeOnce sync.Once

	wmu sync.Mutex // one write at a time
	seq atomic.Uint32

	pmu     sync.Mutex
	pending map[uint32]*call

	// guarded by s.mu
	mode     BindMode
	systemID string
	since    time.Time
}

// call is a request the SMSC sent, waiting for its response.
type call struct {
	ch     chan frame // gets the response; closed if the connection closes first
	onResp func(frame)
}

func newConn(s *Server, id uint64, nc net.Conn) *conn {
	c := &conn{
		s:       s,
		id:      id,
		nc:      nc,
		remote:  nc.RemoteAddr().String(),
		done:    make(chan struct{}),
		pending: map[uint32]*call{},
	}
	c.log = s.log.With().Uint64("conn", id).Str("remote", c.remote).Logger()
	return c
}

// nextSeq returns the next sequence number, 1 to 0x7FFFFFFF.
func (c *conn) nextSeq() uint32 {
	for {
		if n := c.seq.Add(1) & 0x7FFFFFFF; n != 0 {
			return n
		}
	}
}

// write writes one PDU; a failed write closes the connection. Returns
// ErrConnClosed (wrapped with the cause).
func (c *conn) write(b []byte) error { return c.writeAfter(nil, b) }

// writeAfter runs before (if not nil) and writes b, with no other write
// in between: what before makes visible (a bind) cannot be written about
// (an MO on that bind) ahead of b (the bind_resp). Returns what write
// returns.
func (c *conn) writeAfter(before func(), b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	select {
	case <-c.done:
		return ErrConnClosed
	default:
	}
	if before != nil {
		before()
	}
	if err := c.nc.SetWriteDeadline(time.Now().Add(c.s.opts.WriteTimeout)); err != nil {
		c.close(false)
		return fmt.Errorf("%w: %w", ErrConnClosed, err)
	}
	if _, err := c.nc.Write(b); err != nil {
		c.close(false)
		return fmt.Errorf("%w: %w", ErrConnClosed, err)
	}
	return nil
}

// request sends a PDU built with sequence 0 under a new sequence number
// and registers it as pending. Returns ErrConnClosed (wrapped).
func (c *conn) request(raw []byte, onResp func(frame)) (*call, uint32, error) {
	return c.requestAfter(nil, raw, onResp)
}

// requestAfter is request running before (if not nil) just before the
// write, as writeAfter does.
func (c *conn) requestAfter(before func(), raw []byte, onResp func(frame)) (*call, uint32, error) {
	seq := c.nextSeq()
	cl := &call{ch: make(chan frame, 1), onResp: onResp}
	c.pmu.Lock()
	select {
	case <-c.done:
		c.pmu.Unlock()
		return nil, 0, ErrConnClosed
	default:
	}
	c.pending[seq] = cl
	c.pmu.Unlock()
	if err := c.writeAfter(before, withSeq(raw, seq)); err != nil {
		c.forget(seq)
		return nil, 0, err
	}
	return cl, seq, nil
}

// forget drops pending requests whose response is no longer awaited.
func (c *conn) forget(seqs ...uint32) {
	c.pmu.Lock()
	for _, s := range seqs {
		delete(c.pending, s)
	}
	c.pmu.Unlock()
}

// close closes the connection once; abrupt resets it (RST). Pending
// requests see their channel closed.
func (c *conn) close(abrupt bool) {
	c.closeOnce.Do(func() {
		if tc, ok := c.nc.(*net.TCPConn); ok && abrupt {
			_ = tc.SetLinger(0)
		}
		// Forgotten by the server first: whoever learns of the close
		// from a pending call (DeliverMO's ErrConnClosed) and delivers
		// again must not be given this connection.
		c.s.mu.Lock()
		mode := c.mode
		c.mode = ""
		c.s.mu.Unlock()
		c.s.removeConn(c)
		c.pmu.Lock()
		close(c.done)
		for seq, cl := range c.pending {
			close(cl.ch)
			delete(c.pending, seq)
		}
		c.pmu.Unlock()
		_ = c.nc.Close()
		c.log.Info().Str("mode", string(mode)).Bool("abrupt", abrupt).Msg("connection closed")
	})
}

// serve reads and handles PDUs until the connection closes.
func (c *conn) serve() {
	defer c.close(false)
	c.log.Info().Msg("connection accepted")
	r := bufio.NewReader(c.nc)
	for {
		f, err := readFrame(r)
		if errors.Is(err, errBadLength) {
			c.log.Warn().Err(err).Msg("bad command_length from ESME; closing")
			c.s.count(func(st *Stats) { st.GenericNacksSent++ })
			_ = c.write(headerOnly(pdu.GenericNACKID, StatusInvCmdLen, f.seq, pdu.HeaderLen))
			return
		}
		if err != nil {
			select {
			case <-c.done:
			default:
				c.log.Debug().Err(err).Msg("read")
			}
			return
		}
		if !c.handle(f) {
			return
		}
	}
}

// bound returns the bind mode ("" when not bound).
func (c *conn) bound() BindMode {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.mode
}

// handle handles one PDU and reports whether to keep reading.
func (c *conn) handle(f frame) bool {
	mode := c.bound()
	if mode != "" && c.s.currentFault(FaultDropConnection).Kind == FaultDropConnection {
		c.log.Warn().Stringer("pdu", f.id).Msg("fault drop-connection: resetting the connection")
		c.s.count(func(st *Stats) { st.Drops++ })
		c.close(true)
		return false
	}
	if f.id&respBit != 0 {
		c.handleResp(f)
		return true
	}
	switch f.id {
	case pdu.BindTransceiverID, pdu.BindTransmitterID, pdu.BindReceiverID:
		return c.handleBind(f, mode)
	case pdu.EnquireLinkID:
		c.s.count(func(st *Stats) { st.EnquireLinksReceived++ })
		if c.s.currentFault("").Kind == FaultNoResponse {
			return true
		}
		c.respond(headerOnly(pdu.EnquireLinkRespID, StatusOK, f.seq, pdu.HeaderLen), nil, nil)
		return true
	case pdu.UnbindID:
		c.s.count(func(st *Stats) { st.Unbinds++ })
		c.log.Info().Msg("unbind from ESME")
		_ = c.write(headerOnly(pdu.UnbindRespID, StatusOK, f.seq, pdu.HeaderLen))
		return false
	case pdu.SubmitSMID, pdu.DataSMID:
		if !mode.transmits() {
			c.respond(c.submitResp(f, StatusInvBndSts, ""), nil, nil)
			return true
		}
		return c.handleSubmit(f)
	case pdu.QuerySMID, pdu.CancelSMID, pdu.ReplaceSMID, pdu.SubmitMultiID, pdu.DeliverSMID:
		if mode == "" {
			c.respond(headerOnly(f.id|respBit, StatusInvBndSts, f.seq, pdu.HeaderLen), nil, nil)
			return true
		}
	}
	c.log.Warn().Str("command_id", fmt.Sprintf("0x%08X", uint32(f.id))).Msg("unsupported PDU from ESME: generic_nack")
	c.s.count(func(st *Stats) { st.GenericNacksSent++ })
	c.respond(headerOnly(pdu.GenericNACKID, StatusInvCmdID, f.seq, pdu.HeaderLen), nil, nil)
	return true
}

// handleResp routes a response (or generic_nack) to its pending request.
func (c *conn) handleResp(f frame) {
	if f.id == pdu.GenericNACKID {
		c.s.count(func(st *Stats) { st.GenericNacksRecv++ })
	}
	c.pmu.Lock()
	cl := c.pending[f.seq]
	delete(c.pending, f.seq)
	c.pmu.Unlock()
	if cl == nil {
		c.log.Debug().Stringer("pdu", f.id).Uint32("seq", f.seq).Msg("response to nothing pending")
		return
	}
	if cl.onResp != nil {
		cl.onResp(f)
	}
	cl.ch <- f
}

// respond writes a response, after the FaultSlow delay if one is in
// force; before and after (each may be nil) run just before the write
// (see writeAfter) and once it succeeded.
func (c *conn) respond(raw []byte, before, after func()) {
	f := c.s.currentFault("")
	if f.Kind != FaultSlow {
		if c.writeAfter(before, raw) == nil && after != nil {
			after()
		}
		return
	}
	c.s.spawn(func() {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-c.done:
			return
		case <-c.s.stop:
			return
		}
		if c.writeAfter(before, raw) == nil && after != nil {
			after()
		}
	})
}

// bindMode returns the mode a bind command asks for.
func bindMode(id pdu.ID) BindMode {
	switch id {
	case pdu.BindTransmitterID:
		return BindTransmitter
	case pdu.BindReceiverID:
		return BindReceiver
	}
	return BindTransceiver
}

func (c *conn) bindResp(id pdu.ID, st Status, seq uint32) []byte {
	var p pdu.Body
	switch id {
	case pdu.BindTransmitterID:
		p = pdu.NewBindTransmitterResp()
	case pdu.BindReceiverID:
		p = pdu.NewBindReceiverResp()
	default:
		p = pdu.NewBindTransceiverResp()
	}
	if err := p.Fields().Set(pdufield.SystemID, c.s.opts.Operator); err == nil {
		if b, err := serialize(p, seq, st); err == nil {
			return b
		}
	}
	return cstringResp(id|respBit, st, seq, c.s.opts.Operator)
}

// handleBind answers a bind; a refused bind closes the connection.
func (c *conn) handleBind(f frame, mode BindMode) bool {
	if mode != "" {
		c.respond(c.bindResp(f.id, StatusAlyBnd, f.seq), nil, nil)
		return true
	}
	want := bindMode(f.id)
	refuse := func(st Status, why string) bool {
		c.log.Warn().Str("mode", string(want)).Stringer("status", st).Msg("bind refused: " + why)
		c.s.count(func(s *Stats) { s.BindsRefused++ })
		_ = c.write(c.bindResp(f.id, st, f.seq))
		return false
	}
	body, err := decodeFiorix(f.raw)
	if err != nil {
		return refuse(StatusSysErr, err.Error())
	}
	fields := body.Fields()
	systemID, password := str(fields, pdufield.SystemID), str(fields, pdufield.Password)
	if c.s.currentFault("").Kind == FaultBindRefused {
		return refuse(StatusBindFail, "fault bind-refused")
	}
	if c.s.opts.SystemID != "" && systemID != c.s.opts.SystemID {
		return refuse(StatusInvSysID, "unknown system_id")
	}
	if c.s.opts.Password != "" && password != c.s.opts.Password {
		return refuse(StatusInvPaswd, "wrong password")
	}
	markBound := func() {
		c.s.mu.Lock()
		if c.s.conns[c.id] == c {
			c.mode, c.systemID, c.since = want, systemID, c.s.clock()
			c.s.stats.Binds++
			c.s.notifyLocked()
		}
		c.s.mu.Unlock()
	}
	c.respond(c.bindResp(f.id, StatusOK, f.seq), markBound, func() {
		c.log.Info().Str("mode", string(want)).Str("system_id", systemID).Msg("bound")
		if c.s.opts.EnquireLink > 0 {
			c.s.spawn(c.enquireLinks)
		}
		c.s.fireServerFault(c)
	})
	return true
}

// decodeFiorix decodes a PDU with fiorix's codec, turning a panic in it
// into an error wrapping errMalformed.
func decodeFiorix(raw []byte) (b pdu.Body, err error) {
	defer func() {
		if r := recover(); r != nil {
			b, err = nil, fmt.Errorf("%w: decoder panic: %v", errMalformed, r)
		}
	}()
	b, err = pdu.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errMalformed, err)
	}
	return b, nil
}

// maxUnansweredEnquireLinks is how many enquire_link in a row may go
// unanswered (each until the next one is due) before the SMSC drops the
// connection.
const maxUnansweredEnquireLinks = 3

// enquireLinks sends the SMSC's own enquire_link every interval and drops
// a connection that leaves maxUnansweredEnquireLinks of them in a row
// unanswered.
func (c *conn) enquireLinks() {
	t := time.NewTicker(c.s.opts.EnquireLink)
	defer t.Stop()
	var (
		last       *call
		lastSeq    uint32
		unanswered int
	)
	for {
		select {
		case <-c.done:
			return
		case <-c.s.stop:
			return
		case <-t.C:
		}
		if last != nil {
			select {
			case <-last.ch:
				unanswered = 0
			default:
				c.forget(lastSeq)
				unanswered++
			}
		}
		if unanswered >= maxUnansweredEnquireLinks {
			c.log.Warn().Int("unanswered", unanswered).Msg("enquire_link unanswered: dropping the connection")
			c.s.count(func(st *Stats) { st.LinksTimedOut++ })
			c.close(false)
			return
		}
		cl, seq, err := c.requestAfter(func() { c.s.count(func(st *Stats) { st.EnquireLinksSent++ }) },
			headerOnly(pdu.EnquireLinkID, StatusOK, 0, pdu.HeaderLen), func(f frame) {
				if f.id == pdu.EnquireLinkRespID {
					c.s.count(func(st *Stats) { st.EnquireLinksAnswered++ })
				}
			})
		if err != nil {
			return
		}
		last, lastSeq = cl, seq
	}
}

// sendBadLength writes a PDU header whose command_length is 12.
func (c *conn) sendBadLength() {
	c.log.Warn().Msg("fault bad-command-length: sending command_length 12")
	_ = c.writeAfter(func() { c.s.count(func(st *Stats) { st.BadLengthsSent++ }) },
		headerOnly(pdu.EnquireLinkID, StatusOK, c.nextSeq(), 12))
}

// sendUnknownPDU writes a PDU with command_id UnknownCommandID and counts
// the ESME's generic_nack.
func (c *conn) sendUnknownPDU() {
	c.log.Warn().Msg("fault unknown-pdu: sending command_id 0x00000999")
	_, _, _ = c.requestAfter(func() { c.s.count(func(st *Stats) { st.UnknownPDUsSent++ }) },
		headerOnly(UnknownCommandID, StatusOK, 0, pdu.HeaderLen), func(f frame) {
			if f.id == pdu.GenericNACKID {
				c.s.count(func(st *Stats) { st.UnknownPDUsNacked++ })
			}
		})
}
