package smpp

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/rs/zerolog"
)

// conn is one bound connection of a bind: its PDUs in and out, its
// requests awaiting resps, its handlers, its keepalive. A bind makes a new
// conn each time it binds; what the SMSC sends on it is in deliver.go.
type conn struct {
	b   *bind
	c   *Client
	nc  net.Conn
	r   *bufio.Reader
	log zerolog.Logger

	// ctx is given to the Handler; it is cancelled when the conn ends.
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

	// queue holds the deliveries waiting for a handler (see handlers.go);
	// readLoop alone sends to it and closes it.
	queue   chan delivered
	idle    atomic.Int32 // handlers free and not promised a delivery
	waiting atomic.Int32 // deliveries queued that no handler was promised
	started int          // handlers started (readLoop only)
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

// newConn starts a conn on nc; its handlers' context carries the
// values of ctx but not its deadline or cancellation.
func newConn(ctx context.Context, b *bind, nc net.Conn) *conn {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	return &conn{
		b: b, c: b.c, nc: nc, log: b.log,
		r:       bufio.NewReader(nc),
		ctx:     ctx,
		cancel:  cancel,
		done:    make(chan struct{}),
		pending: make(map[uint32]*pendingReq),
		changed: make(chan struct{}, 1),
		queue:   make(chan delivered, b.c.opts.HandlerQueue+b.c.opts.HandlerWorkers),
		start:   time.Now(),
	}
}

// close ends the conn for err (once): pending requests fail with
// ErrBindLost, handlers' ctx is cancelled, the connection is closed.
func (cn *conn) close(err error) {
	cn.closeOnce.Do(func() {
		cn.err = err
		cn.ended = cn.c.clock()
		close(cn.done)
		cn.cancel()
		_ = cn.nc.Close()
	})
}

// endedAt returns when the conn ended, and whether it did.
func (cn *conn) endedAt() (time.Time, bool) {
	select {
	case <-cn.done:
		return cn.ended, true
	default:
		return time.Time{}, false
	}
}

// lostErr is the error of a request that the conn's end cut short.
func (cn *conn) lostErr() error {
	return fmt.Errorf("%w: %w", ErrBindLost, cn.err)
}

// serve runs the bound conn until it drops or ctx is done; then it
// drains, unbinds and closes. It returns why the conn ended, after
// every goroutine of the conn ended.
func (cn *conn) serve(ctx context.Context) error {
	select {
	case <-cn.done:
	case <-ctx.Done():
		cn.shutdown()
	}
	cn.wg.Wait()
	return cn.err
}

// shutdown waits (bounded) for submits and handlers in flight, unbinds
// (waiting a bounded time for unbind_resp) and closes.
func (cn *conn) shutdown() {
	drain := cn.c.opts.drainTimeout
	cn.mu.Lock()
	cn.draining = true
	cn.mu.Unlock()
	t := time.NewTimer(drain)
	defer t.Stop()
	for {
		cn.mu.Lock()
		idle := cn.submits == 0 && cn.handlers == 0
		cn.mu.Unlock()
		if idle {
			break
		}
		select {
		case <-cn.changed:
			continue
		case <-cn.done:
		case <-t.C:
			cn.log.Warn().Msg("smpp: shutdown: window not drained in time")
		}
		break
	}
	select {
	case <-cn.done: // the SMSC went first
	default:
		// The unbind waits for its resp at least a second, however short
		// the drain: the unbind must reach the wire before the close.
		if _, err := cn.request(context.Background(), pdu.UnbindID, nil, min(cn.b.smsc.ResponseTimeout, max(drain, time.Second))); err != nil {
			cn.log.Warn().Str("error", err.Error()).Msg("smpp: unbind not answered")
		}
	}
	cn.close(errShutdown)
}

// beginSubmit counts a submit in flight; false when the conn ended or
// drains for shutdown.
func (cn *conn) beginSubmit() bool {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	select {
	case <-cn.done:
		return false
	default:
	}
	if cn.draining {
		return false
	}
	cn.submits++
	return true
}

func (cn *conn) endSubmit() {
	cn.mu.Lock()
	cn.submits--
	cn.mu.Unlock()
	cn.signal()
}

// signal wakes shutdown's drain loop.
func (cn *conn) signal() {
	select {
	case cn.changed <- struct{}{}:
	default:
	}
}

// request sends a request and waits (at most timeout) for the resp with
// its sequence number and command id, or a generic_nack with its sequence
// number. It returns ErrBindLost (wrapped) when the conn ends first,
// ErrTimeout, or ctx's error.
func (cn *conn) request(ctx context.Context, id pdu.ID, body []byte, timeout time.Duration) (packet, error) {
	pr := &pendingReq{resp: respIDOf(id), ch: make(chan packet, 1)}
	cn.mu.Lock()
	select {
	case <-cn.done:
		cn.mu.Unlock()
		return packet{}, cn.lostErr()
	default:
	}
	var seq uint32
	for {
		seq = cn.b.nextSeq()
		if _, busy := cn.pending[seq]; !busy {
			break
		}
	}
	cn.pending[seq] = pr
	cn.mu.Unlock()

	if _, err := cn.writeReq(packet{id: id, seq: seq, body: body}, pr); err != nil {
		cn.forget(seq)
		return packet{}, cn.lostErr()
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case p := <-pr.ch:
		return p, nil
	case <-t.C:
		cn.forget(seq)
		return packet{}, fmt.Errorf("%w: %s seq %d after %v", ErrTimeout, commandName(id), seq, timeout)
	case <-ctx.Done():
		// A resp that arrived wins over a cancellation that raced it: a
		// bind the SMSC accepted is a bind, to be unbound on shutdown.
		select {
		case p := <-pr.ch:
			return p, nil
		default:
		}
		cn.forget(seq)
		return packet{}, ctx.Err()
	case <-cn.done:
		// An SMSC that answers and then closes (as after unbind) may have
		// its resp dispatched just before the read sees the close: the
		// resp wins.
		select {
		case p := <-pr.ch:
			return p, nil
		default:
		}
		return packet{}, cn.lostErr()
	}
}

// send sends a request whose resp nobody waits for (enquire_link from
// keepalive): the resp is matched, so that it is not taken for a stray.
func (cn *conn) send(id pdu.ID) {
	cn.sendReq(id, false)
}

// sendReq is send; probe marks an enquire_link of probe.
func (cn *conn) sendReq(id pdu.ID, probe bool) {
	pr := &pendingReq{resp: respIDOf(id), ch: make(chan packet, 1), probe: probe}
	cn.mu.Lock()
	seq := cn.b.nextSeq()
	for cn.pending[seq] != nil {
		seq = cn.b.nextSeq()
	}
	cn.pending[seq] = pr
	cn.mu.Unlock()
	_, _ = cn.writeReq(packet{id: id, seq: seq}, pr) // a failed write closes the conn
}

// probe asks the SMSC, with an enquire_link, to confirm that it read the
// acks written so far: its resp (as any resp to a later request) does.
// One probe is out at a time.
func (cn *conn) probe() {
	if cn.probing.CompareAndSwap(false, true) {
		cn.sendReq(pdu.EnquireLinkID, true)
	}
}

// confirmAcks forgets the unacked MOs whose resp went out before pos, as
// the SMSC answered a request written at pos; the ledger's durable side
// learns it in the background.
func (cn *conn) confirmAcks(pr *pendingReq) {
	if pr.probe {
		cn.probing.Store(false)
	}
	done, more := cn.c.ledger.confirm(cn, pr.pos.Load())
	if len(done) > 0 && cn.c.opts.Acks != nil {
		cn.wg.Add(1)
		go func() {
			defer cn.wg.Done()
			if err := cn.c.opts.Acks.Confirm(context.WithoutCancel(cn.ctx), done); err != nil {
				cn.log.Error().Str("error", safeErr(err)).Int("mos", len(done)).
					Msg("smpp: acks the SMSC read not recorded: their MOs may be taken for redeliveries")
			}
		}()
	}
	if more {
		cn.probe()
	}
}

func (cn *conn) forget(seq uint32) {
	cn.mu.Lock()
	delete(cn.pending, seq)
	cn.mu.Unlock()
}

// write writes one PDU and returns its position in the output; an error
// closes the conn.
func (cn *conn) write(p packet) (uint64, error) {
	return cn.writeReq(p, nil)
}

// writeReq is write that records the position in pr (when not nil) before
// the PDU can be answered.
func (cn *conn) writeReq(p packet, pr *pendingReq) (uint64, error) {
	b := frame(p)
	cn.wmu.Lock()
	cn.wpos++
	pos := cn.wpos
	if pr != nil {
		pr.pos.Store(pos)
	}
	_ = cn.nc.SetWriteDeadline(time.Now().Add(cn.b.smsc.ResponseTimeout))
	_, err := cn.nc.Write(b)
	cn.wmu.Unlock()
	if err != nil {
		cn.close(fmt.Errorf("smpp: writing %s: %w", commandName(p.id), err))
		return 0, err
	}
	cn.c.m.pdu(cn.b.smsc.Name, commandName(p.id), "out")
	return pos, nil
}

// reply writes the resp (or generic_nack) to a request of the SMSC and
// returns its position in the output, 0 when the write failed.
func (cn *conn) reply(id pdu.ID, status pdu.Status, seq uint32, body []byte) uint64 {
	pos, _ := cn.write(packet{id: id, status: status, seq: seq, body: body})
	return pos
}

// keepalive sends enquire_link when nothing came from the SMSC for an
// interval, and drops the conn when nothing came for two.
func (cn *conn) keepalive() {
	defer cn.wg.Done()
	interval := cn.b.smsc.EnquireLink
	t := time.NewTimer(interval)
	defer t.Stop()
	for {
		select {
		case <-cn.done:
			return
		case <-t.C:
		}
		idle := time.Since(cn.start) - time.Duration(cn.lastRead.Load())
		switch {
		case idle >= 2*interval:
			cn.close(errDeadLink)
			return
		case idle >= interval:
			cn.send(pdu.EnquireLinkID)
			t.Reset(2*interval - idle)
		default:
			t.Reset(interval - idle)
		}
	}
}
