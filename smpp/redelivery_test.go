package smpp

import (
	"testing"
	"time"
)

// TestLedgerClaims: an unacked MO is claimable only once its bind ended,
// by the same SMSC, sender and text (and SMSC time when both have one),
// within the window after the bind ended, once; a confirmed one never.
func TestLedgerClaims(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	c := &Client{clock: func() time.Time { return t0 }}
	live := &session{c: c, done: make(chan struct{})}
	dead := &session{c: c, done: make(chan struct{})}
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
