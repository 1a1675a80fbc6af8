package smpp

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rs/zerolog"
)

func TestBindModes(t *testing.T) {
	tests := []struct {
		name  string
		mode  BindMode
		binds []pdu.ID
		kinds []string
	}{
		{"transceiver", Transceiver, []pdu.ID{pdu.BindTransceiverID}, []string{KindTransceiver}},
		{"transmitter+receiver", TransmitterReceiver, []pdu.ID{pdu.BindTransmitterID, pdu.BindReceiverID}, []string{KindTransmitter, KindReceiver}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeSMSC(t)
			h := newFakeHandler()
			s := testSMSC(f.addr())
			s.BindMode = tt.mode
			c, _ := startClient(t, []SMSC{s}, h, nil)
			byKind := map[pdu.ID]*peer{}
			for range tt.binds {
				p := f.nextPeer(t)
				byKind[p.bindID] = p
			}
			for _, id := range tt.binds {
				if byKind[id] == nil {
					t.Fatalf("no %s", id)
				}
			}
			waitUp(t, c, len(tt.binds))
			st := c.Status()
			if len(st) != len(tt.kinds) {
				t.Fatalf("status of %d binds, want %d", len(st), len(tt.kinds))
			}
			for i, k := range tt.kinds {
				if st[i].Kind != k || st[i].State != StateUp || st[i].SMSC != "proximus" {
					t.Errorf("bind %d: %+v", i, st[i])
				}
			}
			// MOs arrive on the receiving bind, MTs leave on the sending one.
			rx := byKind[tt.binds[len(tt.binds)-1]]
			rx.deliver(t, 3, dsm{from: motorist, to: "4411", sm: gsmText(t, "Q")})
			if mo := h.nextMO(t); mo.Text != "Q" || mo.To != "4411" || mo.From != motorist || mo.Operator != "proximus" {
				t.Errorf("MO %+v", mo)
			}
			if r := rx.resp(t, 3); r.id != pdu.DeliverSMRespID || r.status != 0 {
				t.Errorf("resp %s status %#x", r.id, uint32(r.status))
			}
			ids, err := c.Submit(context.Background(), MT{Operator: "proximus", From: "4411", To: "+" + motorist, Text: "OK"})
			if err != nil || len(ids) != 1 {
				t.Fatalf("Submit: %v %v", ids, err)
			}
			tx := byKind[tt.binds[0]]
			tx.next(t, pdu.SubmitSMID)
		})
	}
}

// TestBusyHandlersQueueThenRefuse: the reader answers enquire_link at
// once even when every handler is busy; a deliver_sm arriving then waits
// in the queue and is handled once a handler is free; only one arriving
// with the queue full is answered ESME_RX_T_APPN at once, and counted.
func TestBusyHandlersQueueThenRefuse(t *testing.T) {
	f := newFakeSMSC(t)
	h := newFakeHandler()
	entered, release := make(chan string, 3), make(chan struct{})
	h.onMO = func(ctx context.Context, mo MO) error {
		entered <- mo.Text
		<-release
		return nil
	}
	reg := prometheus.NewRegistry()
	c, _ := startClient(t, []SMSC{testSMSC(f.addr())}, h, func(o *ClientOptions) {
		o.HandlerWorkers, o.HandlerQueue, o.Registerer = 2, 1, reg
	})
	p := f.nextPeer(t)
	p.deliver(t, 1, dsm{from: motorist, to: "4411", sm: gsmText(t, "A")})
	p.deliver(t, 2, dsm{from: motorist, to: "4411", sm: gsmText(t, "B")})
	<-entered
	<-entered
	p.deliver(t, 3, dsm{from: motorist, to: "4411", sm: gsmText(t, "C")}) // queued
	p.deliver(t, 4, dsm{from: motorist, to: "4411", sm: gsmText(t, "D")}) // the queue is full
	if r := p.resp(t, 4); r.status != statusRxTempAppn {
		t.Fatalf("deliver_sm with the queue full answered %#x", uint32(r.status))
	}
	if got := testutil.ToFloat64(c.m.busy.WithLabelValues("proximus")); got != 1 {
		t.Errorf("handler refusals = %v, want 1", got)
	}
	p.barrier(t, 5) // fails the test if enquire_link is not answered
	close(release)
	if text := <-entered; text != "C" {
		t.Errorf("queued MO handled: %q, want C", text)
	}
	for _, seq := range []uint32{1, 2, 3} {
		if r := p.resp(t, seq); r.status != 0 {
			t.Fatalf("seq %d answered %#x", seq, uint32(r.status))
		}
	}
}

// TestEnquireLinkHasNoFloor: go-smpp will not probe more often than every
// 10 s. Here 50 ms is 50 ms.
func TestEnquireLinkHasNoFloor(t *testing.T) {
	f := newFakeSMSC(t)
	s := testSMSC(f.addr())
	// Short enough that a floor (10 s) would show, long enough that a
	// loaded machine answers each probe before the link counts as dead
	// (two intervals), which would move the next probes to a new peer.
	s.EnquireLink = 500 * time.Millisecond
	startClient(t, []SMSC{s}, newFakeHandler(), nil)
	p := f.nextPeer(t)
	for range 3 {
		p.next(t, pdu.EnquireLinkID) // waitLimit is 10 s: three would take 30 s with a floor
	}
}

// TestDeadLinkIsDroppedWithinTwoIntervalsAndRebound: an SMSC that stops
// answering is probed after one interval and dropped after two.
func TestDeadLinkIsDroppedWithinTwoIntervalsAndRebound(t *testing.T) {
	f := newFakeSMSC(t)
	f.Silent = true
	s := testSMSC(f.addr())
	s.EnquireLink = 50 * time.Millisecond
	startClient(t, []SMSC{s}, newFakeHandler(), nil)
	p := f.nextPeer(t)
	p.next(t, pdu.EnquireLinkID)
	p.waitClosed(t)
	f.nextPeer(t)
}

// TestUnbindFromSMSCIsAnswered: go-smpp sends no unbind_resp. Here the
// unbind is answered, the connection closed, and the bind comes back.
func TestUnbindFromSMSCIsAnswered(t *testing.T) {
	f := newFakeSMSC(t)
	startClient(t, []SMSC{testSMSC(f.addr())}, newFakeHandler(), nil)
	p := f.nextPeer(t)
	p.send(packet{id: pdu.UnbindID, seq: 77})
	if r := p.resp(t, 77); r.id != pdu.UnbindRespID || r.status != 0 {
		t.Fatalf("unbind answered %s %#x", r.id, uint32(r.status))
	}
	p.waitClosed(t)
	f.nextPeer(t)
}

// TestShutdownDrainsWindowThenUnbinds: at shutdown a bind waits for its
// submit in flight, then unbinds, then Run returns.
func TestShutdownDrainsWindowThenUnbinds(t *testing.T) {
	f := newFakeSMSC(t)
	held := make(chan packet, 1)
	f.OnSubmit = func(p *peer, req packet) { held <- req }
	c, stop := startClient(t, []SMSC{testSMSC(f.addr())}, newFakeHandler(), nil)
	p := f.nextPeer(t)
	waitUp(t, c, 1)
	type result struct {
		ids []string
		err error
	}
	done := make(chan result, 1)
	go func() {
		ids, err := c.Submit(context.Background(), MT{Operator: "proximus", From: "4411", To: motorist, Text: "bye"})
		done <- result{ids, err}
	}()
	req := <-held
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	s := c.links.binds()[0].current()
	waitFor(t, "draining", func() bool {
		if s == nil {
			return true
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.draining
	})
	p.barrier(t, 900)
	for _, pk := range p.received() {
		if pk.id == pdu.UnbindID {
			t.Fatal("unbind sent with a submit in flight")
		}
	}
	// A new submit is refused while draining, as temporary.
	if _, err := c.Submit(context.Background(), MT{Operator: "proximus", From: "4411", To: motorist, Text: "late"}); !Temporary(err) {
		t.Fatalf("Submit while draining: %v", err)
	}
	p.send(packet{id: pdu.SubmitSMRespID, seq: req.seq, body: cstringBody("last")})
	if r := <-done; r.err != nil || r.ids[0] != "last" {
		t.Fatalf("Submit = %v, %v", r.ids, r.err)
	}
	p.next(t, pdu.UnbindID)
	if err := <-stopped; err != nil {
		t.Fatalf("Run: %v", err)
	}
	p.waitClosed(t)
}

// TestUnbindAnsweredThenClosed: an SMSC that answers the shutdown's
// unbind and closes the connection at once (as many do) has answered it:
// the resp read before the close wins over the close, and no warning is
// logged.
func TestUnbindAnsweredThenClosed(t *testing.T) {
	for range 20 {
		f := newFakeSMSC(t)
		f.CloseAfterUnbind = true
		var logs syncBuffer
		c, stop := startClient(t, []SMSC{testSMSC(f.addr())}, newFakeHandler(), func(o *ClientOptions) {
			o.Logger = zerolog.New(&logs)
		})
		p := f.nextPeer(t)
		waitUp(t, c, 1)
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		p.next(t, pdu.UnbindID)
		if strings.Contains(logs.String(), "unbind not answered") {
			t.Fatalf("the answered unbind was taken for a lost bind:\n%s", logs.String())
		}
	}
}

// TestShutdownUnbindsAfterDrainTimeout: a handler that does not finish
// holds the shutdown no longer than the drain timeout; it is then
// cancelled.
func TestShutdownUnbindsAfterDrainTimeout(t *testing.T) {
	f := newFakeSMSC(t)
	h := newFakeHandler()
	entered, cancelled := make(chan struct{}), make(chan error, 1)
	h.onMO = func(ctx context.Context, mo MO) error {
		close(entered)
		<-ctx.Done()
		cancelled <- ctx.Err()
		return ctx.Err()
	}
	_, stop := startClient(t, []SMSC{testSMSC(f.addr())}, h, func(o *ClientOptions) { o.drainTimeout = 20 * time.Millisecond })
	p := f.nextPeer(t)
	p.deliver(t, 1, dsm{from: motorist, to: "4411", sm: gsmText(t, "Q")})
	<-entered
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	p.next(t, pdu.UnbindID)
	if err := <-cancelled; !errors.Is(err, context.Canceled) {
		t.Fatalf("handler context: %v", err)
	}
}

// TestBindRefusedBacksOff: a bind answered with an error status is tried
// again after backoff until it is accepted.
func TestBindRefusedBacksOff(t *testing.T) {
	f := newFakeSMSC(t)
	f.RefuseBind.Store(0x08) // ESME_RSYSERR: transient
	c, _ := startClient(t, []SMSC{testSMSC(f.addr())}, newFakeHandler(), nil)
	waitFor(t, "three refused binds", func() bool { return f.binds.Load() >= 3 })
	if st := c.Status()[0]; st.State == StateUp {
		t.Fatalf("bind up although refused: %+v", st)
	}
	f.RefuseBind.Store(0)
	f.nextPeer(t)
	waitUp(t, c, 1)
}

// TestSequenceNumbersArePerBindAndWrap: go-smpp has one process-wide
// counter that never wraps. Here each bind counts from 1 up to
// 0x7FFFFFFF and then wraps to 1.
func TestSequenceNumbersArePerBindAndWrap(t *testing.T) {
	t.Run("per bind", func(t *testing.T) {
		f := newFakeSMSC(t)
		s := testSMSC(f.addr())
		s.BindMode = TransmitterReceiver
		startClient(t, []SMSC{s}, newFakeHandler(), nil)
		for range 2 {
			p := f.nextPeer(t)
			if first := p.received()[0]; first.seq != 1 {
				t.Errorf("%s has seq %d, want 1", first.id, first.seq)
			}
		}
	})
	t.Run("wrap", func(t *testing.T) {
		f := newFakeSMSC(t)
		c, _ := startClient(t, []SMSC{testSMSC(f.addr())}, newFakeHandler(), func(o *ClientOptions) { o.seqStart = maxSeq - 1 })
		p := f.nextPeer(t)
		if first := p.received()[0]; first.seq != maxSeq {
			t.Fatalf("bind seq %#x, want %#x", first.seq, maxSeq)
		}
		waitUp(t, c, 1)
		for _, want := range []uint32{1, 2} {
			if _, err := c.Submit(context.Background(), MT{Operator: "proximus", From: "4411", To: motorist, Text: "x"}); err != nil {
				t.Fatal(err)
			}
			if got := p.next(t, pdu.SubmitSMID).seq; got != want {
				t.Fatalf("submit seq %d, want %d", got, want)
			}
		}
	})
}
