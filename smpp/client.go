package smpp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"

	"smspark/binds"
)

// Bind kinds, as BindStatus.Kind gives them (declared in binds).
const (
	KindTransceiver = binds.KindTransceiver
	KindTransmitter = binds.KindTransmitter
	KindReceiver    = binds.KindReceiver
)

// Bind states, as BindStatus.State gives them (declared in binds).
const (
	StateDown    = binds.StateDown
	StateBinding = binds.StateBinding
	StateUp      = binds.StateUp
	StateStopped = binds.StateStopped
)

// Client is smspark's SMPP client: the binds to every configured SMSC.
// Create it with NewClient, run it with Run, and submit MTs with Submit
// while it runs. Its methods are safe for concurrent use.
//
// Each deliver_sm or data_sm is answered when the Handler returns: ESME_ROK
// for nil, ESME_RX_T_APPN for an error. Parts of concatenated MOs (UDH with
// 8- or 16-bit references, or SAR TLVs) are saved in the PartStore before
// their ack; the part completing a message is acked once HandleMO took the
// whole. Handlers get a context cancelled when their bind ends and must
// honour it: Run waits for them.
//
// MO.SMSCTime is the deliver_sm's schedule_delivery_time when it holds an
// absolute time. SMPP 3.4 says an SMSC leaves it NULL on deliver_sm, but
// smspark's SMSC simulator sets it to when it received the MO, and some
// SMSCs do the same. MO.Key is "SMSC|From|the first 16 hex digits of the
// SHA-256 of the text|when", where when is the SMSC time in RFC 3339,
// else "ref:<reference>/<parts>@<first part received>" for a concatenated
// MO (stable across restarts), else "id:<random>": the same MO redelivered
// has the same key only when its SMSC says when it received it.
//
// Redeliveries. The SMSC delivers again an MO whose deliver_sm_resp it did
// not read. The client keeps, in memory and through the AckLedger
// durably, exactly the MOs of single deliver_sm whose resp it cannot know
// the SMSC read: the resp is confirmed read once the SMSC answers a
// request written after it (an enquire_link the client sends for that).
// When a bind ends, its unconfirmed MOs become claimable: the first MO on
// a later bind of the same SMSC within its RedeliveryWindow with the same
// sender and text (and SMSC time, when both give one) is taken for the
// redelivery of the first such MO, acked without effect, logged and
// counted (smspark_mo_redeliveries_total).
type Client struct {
	opts  ClientOptions
	log   zerolog.Logger
	clock func() time.Time
	dial  func(ctx context.Context, network, addr string) (net.Conn, error)
	m     *metrics
	asm   *assembler
	// ledger holds the MOs whose ack the SMSC may not have read.
	ledger ledger

	links linkSet
	rr    atomic.Uint32 // round robin over an operator's binds
	mtRef atomic.Uint32 // concatenation reference of the next long MT
	ran   atomic.Bool
}

// NewClient returns a Client for opts. It returns an error wrapping
// ErrInvalidOptions when opts do not validate (no SMSC, no Handler, an
// SMSC without name or address, a name twice, a negative setting, an
// unknown bind mode, ReconnectMin above ReconnectMax). It registers its
// metrics with opts.Registerer, which panics if they are registered
// there already.
func NewClient(opts ClientOptions) (*Client, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	c := &Client{
		opts:  opts,
		log:   opts.Logger,
		clock: opts.Clock,
		dial:  opts.Dial,
		m:     newMetrics(opts.Registerer),
		asm:   newAssembler(opts.Parts, opts.PartMaxAge),
	}
	if c.clock == nil {
		c.clock = time.Now
	}
	if c.dial == nil {
		var d net.Dialer
		c.dial = d.DialContext
	}
	for _, s := range opts.SMSCs {
		c.links.all = append(c.links.all, c.newLink(s))
	}
	c.links.index()
	return c, nil
}

// Run binds to every SMSC and keeps the binds up, re-binding with backoff
// when one drops or is refused, until ctx is done. It first loads the
// parts kept by the PartStore. At the end each bind waits (at most
// DrainTimeout) for its submits and handlers in flight, unbinds, and
// closes; Run returns when every goroutine it started has ended. It
// returns nil after a shutdown, ErrAlreadyRunning when called a second
// time, and the PartStore's error (wrapped) when LoadParts fails.
func (c *Client) Run(ctx context.Context) error {
	if !c.ran.CompareAndSwap(false, true) {
		return ErrAlreadyRunning
	}
	if err := c.loadParts(ctx); err != nil {
		return err
	}
	if err := c.loadAcks(ctx); err != nil {
		return err
	}
	c.links.run(ctx)
	var g errgroup.Group
	g.Go(func() error { return c.sweep(ctx) })
	err := g.Wait()
	c.links.wait()
	return err
}

// loadAcks takes the MOs whose ack was never confirmed from the AckLedger:
// they are claimable at once.
func (c *Client) loadAcks(ctx context.Context) error {
	if c.opts.Acks == nil {
		return nil
	}
	window := time.Duration(0)
	for _, s := range c.opts.SMSCs {
		window = max(window, s.RedeliveryWindow)
	}
	mos, err := c.opts.Acks.Unacked(ctx, c.clock().Add(-window))
	if err != nil {
		return fmt.Errorf("smpp: loading unacked MOs: %w", err)
	}
	c.ledger.load(mos)
	c.log.Info().Int("mos", len(mos)).Msg("smpp: MOs whose ack the SMSC may not have read loaded")
	return nil
}

// loadParts takes the parts the PartStore kept, then sweeps.
func (c *Client) loadParts(ctx context.Context) error {
	if c.opts.Parts == nil {
		return nil
	}
	parts, err := c.opts.Parts.LoadParts(ctx)
	if err != nil {
		return fmt.Errorf("smpp: loading parts: %w", err)
	}
	c.asm.load(parts)
	c.log.Info().Int("parts", len(parts)).Msg("smpp: parts of concatenated MOs loaded")
	c.sweepOnce(ctx)
	return nil
}

// sweep runs sweepOnce periodically until ctx is done.
func (c *Client) sweep(ctx context.Context) error {
	t := time.NewTicker(c.opts.sweepEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			c.sweepOnce(ctx)
		}
	}
}

// sweepOnce hands complete messages whose handling failed to the Handler
// again, and drops incomplete ones older than PartMaxAge.
func (c *Client) sweepOnce(ctx context.Context) {
	ready, expired := c.asm.sweep(c.clock())
	for _, k := range expired {
		c.log.Warn().Str("smsc", k.smsc).Str("from", maskNumber(k.from)).
			Int("ref", int(k.ref)).Int("total", k.total).
			Msg("smpp: incomplete concatenated MO dropped")
		if c.opts.Parts != nil {
			if err := c.opts.Parts.DeleteParts(ctx, k.smsc, k.from, k.ref, k.total); err != nil {
				c.log.Error().Str("error", safeErr(err)).Msg("smpp: deleting expired parts")
			}
		}
	}
	for _, k := range ready {
		if err := c.asm.finish(ctx, k, c.handleParts); err != nil {
			c.log.Error().Str("smsc", k.smsc).Str("error", safeErr(err)).
				Msg("smpp: handling a reassembled MO")
		}
	}
}

// handleParts hands the MO of a complete set of parts to the Handler.
func (c *Client) handleParts(ctx context.Context, parts []Part) error {
	first := parts[0]
	mo := MO{
		SMSC:     first.SMSC,
		Operator: first.Operator,
		From:     first.From,
		To:       first.To,
		Text:     joinParts(parts),
		Received: c.clock(),
	}
	firstReceived := first.Received
	for _, p := range parts {
		if !p.SMSCTime.IsZero() && mo.SMSCTime.IsZero() {
			mo.SMSCTime = p.SMSCTime
		}
		mo.NotText = mo.NotText || p.NotText
		if p.Received.Before(firstReceived) {
			firstReceived = p.Received
		}
	}
	mo.Key = partsKey(mo.SMSC, mo.From, mo.Text, mo.SMSCTime, first.Ref, first.Total, firstReceived)
	err := c.opts.Handler.HandleMO(ctx, mo)
	if errors.Is(err, ErrDuplicate) {
		c.m.redelivery(mo.SMSC)
		c.log.Info().Str("smsc", mo.SMSC).Str("from", maskNumber(mo.From)).
			Msg("smpp: concatenated MO redelivered: acked, not applied again")
		return nil
	}
	return err
}

// BindStatus describes one bind, for operators (declared in binds).
type BindStatus = binds.Status

// Status returns the state of every bind, in the order of the SMSCs.
func (c *Client) Status() []BindStatus {
	now := time.Now() // the pace runs on real time
	binds := c.links.binds()
	out := make([]BindStatus, 0, len(binds))
	for _, b := range binds {
		b.mu.Lock()
		st := BindStatus{
			SMSC:        b.smsc.Name,
			Operator:    b.smsc.Operator,
			Kind:        b.kind,
			State:       b.state,
			Since:       b.since,
			Throttles:   b.throttles.Load(),
			LastError:   b.lastErr,
			ConfigError: b.configErr,
		}
		b.mu.Unlock()
		if b.window != nil {
			st.Window, st.InUse = cap(b.window), len(b.window)
			st.SubmitsPerSecond = b.lim.perSecond(now)
		}
		out = append(out, st)
	}
	return out
}

// Submit sends mt on an up bind of one of mt.Operator's SMSCs (round
// robin), split into parts when it is longer than one SMS, and returns the
// message id the SMSC gave each part. It waits for a place in the bind's
// window and for the SMSC's pace. Every error is a *SubmitError saying
// whether to retry: temporary for ErrNoBind, ErrBindLost, ErrTimeout,
// ctx's error and ESME_RTHROTTLED/ESME_RMSGQFUL (which also slow the
// bind down), permanent for ErrUnknownOperator, ErrBadAddress, ErrTooLong
// and every other status. When a later part fails, the ids of the parts
// sent are returned with the error; a retry sends them again.
func (c *Client) Submit(ctx context.Context, mt MT) ([]string, error) {
	_, ids, err := c.SubmitVia(ctx, mt)
	return ids, err
}

// SubmitVia is Submit that also returns the name of the SMSC the MT went
// to ("" when none was picked), which receipts name. Its errors are
// Submit's.
func (c *Client) SubmitVia(ctx context.Context, mt MT) (smsc string, ids []string, err error) {
	binds := c.links.byOperator(mt.Operator)
	if len(binds) == 0 {
		return "", nil, &SubmitError{Err: fmt.Errorf("%w: %q", ErrUnknownOperator, mt.Operator)}
	}
	if mt.From == "" || strings.TrimPrefix(mt.To, "+") == "" ||
		strings.ContainsRune(mt.From, 0) || strings.ContainsRune(mt.To, 0) {
		return "", nil, &SubmitError{Err: ErrBadAddress}
	}
	dc, parts, esm := EncodeTextRef(mt.Text, byte(c.mtRef.Add(1)))
	if len(parts) > 255 {
		return "", nil, &SubmitError{Err: fmt.Errorf("%w: %d parts", ErrTooLong, len(parts))}
	}
	b := c.pick(binds)
	if b == nil {
		return "", nil, &SubmitError{Temporary: true, Err: ErrNoBind}
	}
	ids = make([]string, 0, len(parts))
	for i, sm := range parts {
		body, err := submitBody(mt.From, mt.To, dc, esm, sm)
		if err != nil {
			return b.smsc.Name, ids, &SubmitError{Err: fmt.Errorf("%w: %w", ErrBadAddress, err), Sent: i}
		}
		id, serr := b.submit(ctx, body)
		if serr != nil {
			serr.Sent = i
			b.log.Warn().Str("to", maskNumber(mt.To)).Int("part", i+1).Int("parts", len(parts)).
				Str("error", serr.Error()).Msg("smpp: submit failed")
			return b.smsc.Name, ids, serr
		}
		ids = append(ids, id)
	}
	return b.smsc.Name, ids, nil
}

// pick returns the next up bind of binds, round robin; nil if none is up.
func (c *Client) pick(binds []*bind) *bind {
	start := int(c.rr.Add(1))
	for i := range binds {
		b := binds[(start+i)%len(binds)]
		if b.current() != nil {
			return b
		}
	}
	return nil
}
