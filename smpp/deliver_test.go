package smpp

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"
)

// TestMOAckedOnlyAfterHandlerReturned: go-smpp's Receiver acks a
// deliver_sm before its handler runs, and its Transceiver acks after the
// handler with no way to refuse. Here the deliver_sm_resp leaves only
// once HandleMO returned nil, in both bind modes.
func TestMOAckedOnlyAfterHandlerReturned(t *testing.T) {
	for _, mode := range []BindMode{Transceiver, TransmitterReceiver} {
		t.Run(string(mode), func(t *testing.T) {
			f := newFakeSMSC(t)
			h := newFakeHandler()
			entered, release := make(chan struct{}), make(chan struct{})
			h.onMO = func(ctx context.Context, mo MO) error {
				close(entered)
				<-release
				return nil
			}
			s := testSMSC(f.addr())
			s.BindMode = mode
			startClient(t, []SMSC{s}, h, nil)
			var rx *peer
			for range map[BindMode]int{Transceiver: 1, TransmitterReceiver: 2}[mode] {
				if p := f.nextPeer(t); p.bindID != pdu.BindTransmitterID {
					rx = p
				}
			}
			rx.deliver(t, 7, dsm{from: motorist, to: "4411", sm: gsmText(t, "1021 1ABC123")})
			<-entered
			// Whatever the client wrote before answering this barrier has
			// arrived: an early ack would be among it.
			rx.barrier(t, 1000)
			if rx.hasResp(7) {
				t.Fatal("deliver_sm acked while the handler was still running")
			}
			close(release)
			if r := rx.resp(t, 7); r.id != pdu.DeliverSMRespID || r.status != 0 {
				t.Fatalf("resp %s status %#x, want DeliverSMResp 0", r.id, uint32(r.status))
			}
		})
	}
}

// TestMOHandlerErrorAnsweredRXTAPPN: go-smpp has no way to refuse an MO
// (and SkipAutoRespondIDs leaves it unanswered for ever). Here a failing
// HandleMO is answered ESME_RX_T_APPN, and the redelivery is acked.
func TestMOHandlerErrorAnsweredRXTAPPN(t *testing.T) {
	f := newFakeSMSC(t)
	h := newFakeHandler()
	var calls atomic.Int32
	h.onMO = func(ctx context.Context, mo MO) error {
		if calls.Add(1) == 1 {
			return errors.New("store: sync failed")
		}
		return nil
	}
	startClient(t, []SMSC{testSMSC(f.addr())}, h, nil)
	p := f.nextPeer(t)
	p.deliver(t, 8, dsm{from: motorist, to: "4411", sm: gsmText(t, "Q")})
	if r := p.resp(t, 8); r.id != pdu.DeliverSMRespID || r.status != statusRxTempAppn {
		t.Fatalf("resp %s status %#x, want ESME_RX_T_APPN", r.id, uint32(r.status))
	}
	h.noMO(t)
	p.deliver(t, 9, dsm{from: motorist, to: "4411", sm: gsmText(t, "Q")})
	if r := p.resp(t, 9); r.status != 0 {
		t.Fatalf("redelivery answered %#x", uint32(r.status))
	}
	if mo := h.nextMO(t); mo.Text != "Q" {
		t.Fatalf("MO %q", mo.Text)
	}
}

// TestMOWithSequenceOfPendingSubmitIsNotLost: go-smpp hands a deliver_sm
// whose sequence number equals a pending submit's to that submit's
// waiter, acking and losing the MO. Here requests only match a resp with
// their sequence number and command id.
func TestMOWithSequenceOfPendingSubmitIsNotLost(t *testing.T) {
	f := newFakeSMSC(t)
	held := make(chan packet, 1)
	f.OnSubmit = func(p *peer, req packet) { held <- req }
	h := newFakeHandler()
	c, _ := startClient(t, []SMSC{testSMSC(f.addr())}, h, nil)
	p := f.nextPeer(t)
	waitUp(t, c, 1)

	type result struct {
		ids []string
		err error
	}
	done := make(chan result, 1)
	go func() {
		ids, err := c.Submit(context.Background(), MT{Operator: "proximus", From: "4411", To: "+" + motorist, Text: "Parking started"})
		done <- result{ids, err}
	}()
	req := <-held
	p.deliver(t, req.seq, dsm{from: motorist, to: "4411", sm: gsmText(t, "Q")})
	if mo := h.nextMO(t); mo.Text != "Q" {
		t.Fatalf("MO %q", mo.Text)
	}
	if r := p.resp(t, req.seq); r.id != pdu.DeliverSMRespID || r.status != 0 {
		t.Fatalf("resp %s status %#x", r.id, uint32(r.status))
	}
	p.send(packet{id: pdu.SubmitSMRespID, seq: req.seq, body: cstringBody("mt-1")})
	r := <-done
	if r.err != nil || len(r.ids) != 1 || r.ids[0] != "mt-1" {
		t.Fatalf("Submit = %v, %v", r.ids, r.err)
	}
}

// TestSubmitInsideHandlerGetsItsResp: with go-smpp a Submit made inside
// the handler times out, because the reader waits for the handler, and
// the late resp then reaches the handler as a stray PDU. Here the reader
// never waits for a handler.
func TestSubmitInsideHandlerGetsItsResp(t *testing.T) {
	f := newFakeSMSC(t)
	h := newFakeHandler()
	var c *Client
	ids := make(chan []string, 1)
	h.onMO = func(ctx context.Context, mo MO) error {
		got, err := c.Submit(ctx, MT{Operator: mo.Operator, From: mo.To, To: "+" + mo.From, Text: "Parking stopped"})
		if err != nil {
			return err
		}
		ids <- got
		return nil
	}
	s := testSMSC(f.addr())
	s.ResponseTimeout = waitLimit
	c, _ = startClient(t, []SMSC{s}, h, nil)
	p := f.nextPeer(t)
	waitUp(t, c, 1)
	p.deliver(t, 5, dsm{from: motorist, to: "4411", sm: gsmText(t, "Q")})
	if r := p.resp(t, 5); r.status != 0 {
		t.Fatalf("deliver_sm answered %#x", uint32(r.status))
	}
	if got := <-ids; len(got) != 1 {
		t.Fatalf("ids %v", got)
	}
	h.nextMO(t)
}

// TestDataSMIsHandledAsMO: go-smpp drops the connection on data_sm. Here
// it is an MO like deliver_sm, answered data_sm_resp.
func TestDataSMIsHandledAsMO(t *testing.T) {
	f := newFakeSMSC(t)
	h := newFakeHandler()
	startClient(t, []SMSC{testSMSC(f.addr())}, h, nil)
	p := f.nextPeer(t)
	d := dsm{from: motorist, to: "4400", dc: CodingUCS2, sm: []byte{0, 'Q'}}
	p.send(packet{id: pdu.DataSMID, seq: 11, body: d.dataBody(t)})
	if mo := h.nextMO(t); mo.Text != "Q" || mo.To != "4400" {
		t.Fatalf("MO %+v", mo)
	}
	if r := p.resp(t, 11); r.id != pdu.DataSMRespID || r.status != 0 {
		t.Fatalf("resp %s status %#x", r.id, uint32(r.status))
	}
	if f.binds.Load() != 1 {
		t.Fatalf("%d binds", f.binds.Load())
	}
}

// TestUnknownAndMalformedPDUsGetGenericNackAndBindStaysUp covers what
// go-smpp drops the connection for (an unknown command id, outbind) and
// malformed bodies: each gets a generic_nack, and a submit on the same
// connection works after.
func TestUnknownAndMalformedPDUsGetGenericNackAndBindStaysUp(t *testing.T) {
	truncated := dsm{from: motorist, to: "4411", sm: gsmText(t, "Q")}.deliverBody(t)
	truncated = truncated[:len(truncated)-2] // sm_length promises more
	var outbind bodyWriter
	outbind.cstring(pdufield.SystemID, "smsc")
	outbind.cstring(pdufield.Password, "")
	ob, _ := outbind.bytes()
	badUDH := dsm{from: motorist, to: "4411", esm: ESMClassUDHI, sm: []byte{9, 0, 3, 1}}.deliverBody(t)
	badText := dsm{from: motorist, to: "4411", dc: CodingUCS2, sm: []byte{0, 'Q', 0}}.deliverBody(t)
	tests := []struct {
		name   string
		pk     packet
		status pdu.Status
	}{
		{"unknown command id", packet{id: 0x00000999, seq: 21}, statusInvCmdID},
		{"outbind", packet{id: pdu.OutbindID, seq: 22, body: ob}, statusInvBndSts},
		{"submit_sm to an ESME", packet{id: pdu.SubmitSMID, seq: 23}, statusInvCmdID},
		{"truncated deliver_sm", packet{id: pdu.DeliverSMID, seq: 24, body: truncated}, statusInvMsgLen},
		{"UDH overrunning the message", packet{id: pdu.DeliverSMID, seq: 25, body: badUDH}, statusInvMsgLen},
		{"UCS-2 of odd length", packet{id: pdu.DeliverSMID, seq: 26, body: badText}, statusSysErr},
		{"empty data_sm", packet{id: pdu.DataSMID, seq: 27}, statusInvMsgLen},
	}
	f := newFakeSMSC(t)
	h := newFakeHandler()
	c, _ := startClient(t, []SMSC{testSMSC(f.addr())}, h, nil)
	p := f.nextPeer(t)
	waitUp(t, c, 1)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p.send(tt.pk)
			r := p.resp(t, tt.pk.seq)
			if r.id != pdu.GenericNACKID || r.status != tt.status {
				t.Fatalf("answered %s status %#x, want generic_nack %#x", r.id, uint32(r.status), uint32(tt.status))
			}
			ids, err := c.Submit(context.Background(), MT{Operator: "proximus", From: "4411", To: motorist, Text: "still up"})
			if err != nil || len(ids) != 1 {
				t.Fatalf("Submit after generic_nack: %v, %v", ids, err)
			}
		})
	}
	h.noMO(t)
	if n := f.binds.Load(); n != 1 {
		t.Fatalf("%d binds: the connection was dropped", n)
	}
}

// TestBadCommandLengthReconnects: a command_length below 16 or above
// 64 KiB cannot be resynchronised after; the connection is dropped and the
// bind comes back.
func TestBadCommandLengthReconnects(t *testing.T) {
	for _, n := range []uint32{0, 8, 15, 64<<10 + 1, 0xFFFFFFFF} {
		t.Run("", func(t *testing.T) {
			f := newFakeSMSC(t)
			startClient(t, []SMSC{testSMSC(f.addr())}, newFakeHandler(), nil)
			p := f.nextPeer(t)
			b := frame(packet{id: pdu.EnquireLinkID, seq: 1})
			b[0], b[1], b[2], b[3] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
			p.sendRaw(b)
			p.waitClosed(t)
			f.nextPeer(t)
		})
	}
}
