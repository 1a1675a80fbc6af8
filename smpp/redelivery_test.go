package smpp

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestLedgerClaims: an unacked MO is claimable only once its bind ended,
// by the same SMSC, sender and text (and SMSC time when both have one),
// within the window after the bind ended, once; a confirmed one never.
func TestLedgerClaims(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	c := &Client{clock: func() time.Time { return t0 }}
	live := &conn{c: c, done: make(chan struct{})}
	dead := &conn{c: c, done: make(chan struct{})}
	dead.ended = t0
	close(dead.done)
	mo := MO{SMSC: "proximus", From: "32470555001", Text: "C1"}
	un := UnackedMO{SMSC: mo.SMSC, From: mo.From, Text: mo.Text, Received: t0}
	const window = 10 * time.Minute

	var l ledger
	l.add(live, un)
	if l.claim(live, mo, window, t0) != nil {
		t.Fatal("claimed while its bind is up: a new MO on the same bind")
	}
	l = ledger{}
	l.add(dead, un)
	for _, other := range []MO{
		{SMSC: "orange", From: mo.From, Text: mo.Text},
		{SMSC: mo.SMSC, From: "32470555999", Text: mo.Text},
		{SMSC: mo.SMSC, From: mo.From, Text: "C2"},
	} {
		if l.claim(live, other, window, t0) != nil {
			t.Fatalf("claimed by %+v", other)
		}
	}
	if l.claim(live, mo, window, t0.Add(window+time.Second)) != nil || l.size() != 0 {
		t.Fatal("claimed after the window")
	}
	l.add(dead, un)
	e := l.claim(live, mo, window, t0.Add(window))
	if e == nil {
		t.Fatal("redelivery not claimed")
	}
	if l.claim(live, mo, window, t0) != nil {
		t.Fatal("claimed twice on the bind that took it")
	}
	e.pos.Store(3)
	if done, more := l.confirm(live, 3); len(done) != 0 || !more {
		t.Fatalf("confirmed by a resp to a request written before the ack: %v %v", done, more)
	}
	if done, more := l.confirm(live, 4); len(done) != 1 || more || l.size() != 0 {
		t.Fatalf("confirm: %v %v, %d left", done, more, l.size())
	}

	withTime := un
	withTime.SMSCTime = t0
	l.load([]UnackedMO{withTime})
	if l.claim(live, MO{SMSC: mo.SMSC, From: mo.From, Text: mo.Text, SMSCTime: t0.Add(time.Second)}, window, t0) != nil {
		t.Fatal("claimed by an MO the SMSC timestamps differently")
	}
	if l.claim(live, MO{SMSC: mo.SMSC, From: mo.From, Text: mo.Text, SMSCTime: t0}, window, t0) == nil {
		t.Fatal("loaded MO not claimed by its redelivery")
	}
}

// TestMOInFlightWhenLinkDiesIsRedeliveredOnce: the link dies while the
// Handler applies an MO, so its ack never goes out; the SMSC delivers it
// again on the next bind with a new sequence number: acked, not handed
// to the Handler again, counted. The next identical MO is new.
func TestMOInFlightWhenLinkDiesIsRedeliveredOnce(t *testing.T) {
	f := newFakeSMSC(t)
	h := newFakeHandler()
	entered, release := make(chan struct{}, 1), make(chan struct{})
	h.onMO = func(ctx context.Context, mo MO) error {
		if mo.Text == "C1" {
			select {
			case entered <- struct{}{}:
				<-release // applied; the link dies before the ack
			default:
			}
		}
		return nil
	}
	reg := prometheus.NewRegistry()
	c, _ := startClient(t, []SMSC{testSMSC(f.addr())}, h, func(o *ClientOptions) { o.Registerer = reg })
	p := f.nextPeer(t)
	p.deliver(t, 5, dsm{from: motorist, to: "4411", sm: gsmText(t, "C1")})
	<-entered
	// The fake may deliver before the client has recorded its bind as up.
	var cn *conn
	waitFor(t, "the bind up", func() bool { cn = c.links.binds()[0].current(); return cn != nil })
	_ = p.conn.Close()
	waitFor(t, "the conn to end", func() bool { _, ended := cn.endedAt(); return ended })
	close(release)
	if mo := h.nextMO(t); mo.Text != "C1" {
		t.Fatalf("MO %q", mo.Text)
	}
	p = f.nextPeer(t)
	p.deliver(t, 1, dsm{from: motorist, to: "4411", sm: gsmText(t, "C1")})
	if r := p.resp(t, 1); r.status != 0 {
		t.Fatalf("redelivery answered %#x", uint32(r.status))
	}
	h.noMO(t)
	if got := testutil.ToFloat64(c.m.redelivers.WithLabelValues("proximus")); got != 1 {
		t.Fatalf("redeliveries %v", got)
	}
	waitFor(t, "the redelivery's ack confirmed", func() bool { return c.ledger.size() == 0 })
	p.deliver(t, 2, dsm{from: motorist, to: "4411", sm: gsmText(t, "C1")})
	p.resp(t, 2)
	if mo := h.nextMO(t); mo.Text != "C1" {
		t.Fatalf("a new C1 after the redelivery: %q", mo.Text)
	}
}
