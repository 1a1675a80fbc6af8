package smpp

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"
	"github.com/fiorix/go-smpp/smpp/pdu/pdutlv"
)

// waitLimit bounds every wait of the tests; reaching it fails the test.
const waitLimit = 10 * time.Second

// fakeSMSC is a small in-test SMSC over loopback TCP (or net.Pipe through
// ClientOptions.Dial). Its misbehaviours are named fields:
//
//   - RefuseBind answers binds with that status (when not 0);
//   - DropAfterBind closes the connection once the bind is answered;
//   - CloseAfterUnbind closes it as soon as an unbind is answered;
//   - Silent answers nothing after the bind (a dead link);
//   - OnSubmit replaces the default answer to submit_sm (ESME_ROK with the
//     id "msg-<seq>"), e.g. to hold it, throttle or nack;
//   - NoAutoEnquire leaves enquire_link to the test.
//
// Every PDU it receives is recorded on its peer, in order.
type fakeSMSC struct {
	t  testing.TB
	ln net.Listener

	RefuseBind       atomic.Uint32
	DropAfterBind    bool
	CloseAfterUnbind bool
	Silent           bool
	NoAutoEnquire    bool
	OnSubmit         func(p *peer, req packet)

	peers chan *peer // each connection, once its bind is answered
	binds atomic.Int64

	mu   sync.Mutex
	open []*peer
	wg   sync.WaitGroup
}

// newFakeSMSC starts a fake SMSC on loopback; configure it before the
// client dials.
func newFakeSMSC(t testing.TB) *fakeSMSC {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return newFakeSMSCOn(t, ln)
}

// newFakeSMSCOn starts a fake SMSC accepting on ln.
func newFakeSMSCOn(t testing.TB, ln net.Listener) *fakeSMSC {
	f := &fakeSMSC{t: t, ln: ln, peers: make(chan *peer, 4096)}
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			f.serve(c)
		}
	}()
	t.Cleanup(f.close)
	return f
}

// newPipeSMSC returns a fake SMSC reached through ClientOptions.Dial over
// net.Pipe, without TCP.
func newPipeSMSC(t testing.TB) (*fakeSMSC, func(context.Context, string, string) (net.Conn, error)) {
	f := &fakeSMSC{t: t, peers: make(chan *peer, 4096)}
	t.Cleanup(f.close)
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
		a, b := net.Pipe()
		f.serve(b)
		return a, nil
	}
	return f, dial
}

func (f *fakeSMSC) addr() string { return f.ln.Addr().String() }

// serve starts a peer on c.
func (f *fakeSMSC) serve(c net.Conn) {
	p := &peer{f: f, conn: c, in: make(chan packet, 4096), closed: make(chan struct{})}
	f.mu.Lock()
	f.open = append(f.open, p)
	f.mu.Unlock()
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		p.readLoop()
	}()
}

// close stops the listener and every peer, and waits for them.
func (f *fakeSMSC) close() {
	if f.ln != nil {
		_ = f.ln.Close()
	}
	f.mu.Lock()
	for _, p := range f.open {
		_ = p.conn.Close()
	}
	f.mu.Unlock()
	f.wg.Wait()
}

// nextPeer returns the next connection whose bind was answered.
func (f *fakeSMSC) nextPeer(t testing.TB) *peer {
	t.Helper()
	select {
	case p := <-f.peers:
		return p
	case <-time.After(waitLimit):
		t.Fatal("no bind reached the fake SMSC")
		return nil
	}
}

// peer is one connection of the fake SMSC.
type peer struct {
	f      *fakeSMSC
	conn   net.Conn
	wmu    sync.Mutex
	in     chan packet // every PDU received, in order
	closed chan struct{}
	bindID pdu.ID

	mu  sync.Mutex
	log []packet // every PDU received, in order

	umu    sync.Mutex
	unread []packet // taken from in, not yet matched
}

func (p *peer) readLoop() {
	defer close(p.closed)
	r := bufio.NewReader(p.conn)
	for {
		pk, err := readPacket(r)
		if err != nil {
			_ = p.conn.Close()
			return
		}
		p.mu.Lock()
		p.log = append(p.log, pk)
		p.mu.Unlock()
		p.auto(pk)
		select {
		case p.in <- pk:
		default:
		}
	}
}

// auto answers what the fake answers by itself.
func (p *peer) auto(pk packet) {
	f := p.f
	switch pk.id {
	case pdu.BindTransceiverID, pdu.BindTransmitterID, pdu.BindReceiverID:
		p.bindID = pk.id
		f.binds.Add(1)
		refuse := pdu.Status(f.RefuseBind.Load())
		p.send(packet{id: respIDOf(pk.id), status: refuse, seq: pk.seq, body: cstringBody("fake")})
		if f.DropAfterBind {
			_ = p.conn.Close()
			return
		}
		if refuse == 0 {
			select {
			case f.peers <- p:
			default:
			}
		}
		return
	}
	if f.Silent {
		return
	}
	switch pk.id {
	case pdu.EnquireLinkID:
		if !f.NoAutoEnquire {
			p.send(packet{id: pdu.EnquireLinkRespID, seq: pk.seq})
		}
	case pdu.UnbindID:
		p.send(packet{id: pdu.UnbindRespID, seq: pk.seq})
		if f.CloseAfterUnbind {
			_ = p.conn.Close()
		}
	case pdu.SubmitSMID:
		if f.OnSubmit != nil {
			f.OnSubmit(p, pk)
			return
		}
		p.send(packet{id: pdu.SubmitSMRespID, seq: pk.seq, body: cstringBody(fmt.Sprintf("msg-%d", pk.seq))})
	}
}

// send writes a PDU to the client; errors (a closed connection) are
// ignored.
func (p *peer) send(pk packet) {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	_ = p.conn.SetWriteDeadline(time.Now().Add(waitLimit))
	_, _ = p.conn.Write(frame(pk))
}

// sendRaw writes bytes as they are.
func (p *peer) sendRaw(b []byte) {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	_, _ = p.conn.Write(b)
}

// next returns the next PDU received with command id id, skipping others.
func (p *peer) next(t testing.TB, id pdu.ID) packet {
	t.Helper()
	return p.nextMatch(t, id.String(), func(pk packet) bool { return pk.id == id })
}

// resp returns the next resp (or generic_nack) with sequence number seq.
func (p *peer) resp(t testing.TB, seq uint32) packet {
	t.Helper()
	return p.nextMatch(t, fmt.Sprintf("resp to seq %d", seq), func(pk packet) bool { return isResp(pk.id) && pk.seq == seq })
}

// nextMatch returns the first PDU not yet returned that ok accepts; the
// ones it passes over stay for later calls.
func (p *peer) nextMatch(t testing.TB, what string, ok func(packet) bool) packet {
	t.Helper()
	p.umu.Lock()
	defer p.umu.Unlock()
	for i, pk := range p.unread {
		if ok(pk) {
			p.unread = append(p.unread[:i], p.unread[i+1:]...)
			return pk
		}
	}
	deadline := time.After(waitLimit)
	for {
		select {
		case pk := <-p.in:
			if ok(pk) {
				return pk
			}
			p.unread = append(p.unread, pk)
		case <-deadline:
			t.Fatalf("fake SMSC: no %s received", what)
			return packet{}
		}
	}
}

// received returns every PDU received so far.
func (p *peer) received() []packet {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]packet(nil), p.log...)
}

// barrier sends an enquire_link and waits for its resp: every PDU the
// client wrote before answering it has then been received.
func (p *peer) barrier(t testing.TB, seq uint32) {
	t.Helper()
	p.send(packet{id: pdu.EnquireLinkID, seq: seq})
	pk := p.nextMatch(t, "enquire_link_resp", func(pk packet) bool {
		return pk.id == pdu.EnquireLinkRespID && pk.seq == seq
	})
	if pk.status != 0 {
		t.Fatalf("enquire_link_resp status %#x", uint32(pk.status))
	}
}

// hasResp reports whether a resp with seq was received so far.
func (p *peer) hasResp(seq uint32) bool {
	for _, pk := range p.received() {
		if isResp(pk.id) && pk.seq == seq {
			return true
		}
	}
	return false
}

// waitClosed waits until the client closed the connection.
func (p *peer) waitClosed(t testing.TB) {
	t.Helper()
	select {
	case <-p.closed:
	case <-time.After(waitLimit):
		t.Fatal("the client did not close the connection")
	}
}

// dsm is a deliver_sm (or data_sm) the fake sends.
type dsm struct {
	from, to string
	esm, dc  byte
	sm       []byte
	schedule string
	tlvs     []tlvKV
}

type tlvKV struct {
	tag pdutlv.Tag
	v   []byte
}

// deliverBody encodes d as a deliver_sm body.
func (d dsm) deliverBody(t testing.TB) []byte {
	t.Helper()
	var w bodyWriter
	w.cstring(pdufield.ServiceType, "")
	w.u8(pdufield.SourceAddrTON, 1)
	w.u8(pdufield.SourceAddrNPI, 1)
	w.cstring(pdufield.SourceAddr, d.from)
	w.u8(pdufield.DestAddrTON, 3)
	w.u8(pdufield.DestAddrNPI, 0)
	w.cstring(pdufield.DestinationAddr, d.to)
	w.u8(pdufield.ESMClass, d.esm)
	w.u8(pdufield.ProtocolID, 0)
	w.u8(pdufield.PriorityFlag, 0)
	w.cstring(pdufield.ScheduleDeliveryTime, d.schedule)
	w.cstring(pdufield.ValidityPeriod, "")
	w.u8(pdufield.RegisteredDelivery, 0)
	w.u8(pdufield.ReplaceIfPresentFlag, 0)
	w.u8(pdufield.DataCoding, d.dc)
	w.u8(pdufield.SMDefaultMsgID, 0)
	w.shortMessage(d.sm)
	for _, kv := range d.tlvs {
		w.tlv(kv.tag, kv.v)
	}
	b, err := w.bytes()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// dataBody encodes d as a data_sm body, its text in message_payload.
func (d dsm) dataBody(t testing.TB) []byte {
	t.Helper()
	var w bodyWriter
	w.cstring(pdufield.ServiceType, "")
	w.u8(pdufield.SourceAddrTON, 1)
	w.u8(pdufield.SourceAddrNPI, 1)
	w.cstring(pdufield.SourceAddr, d.from)
	w.u8(pdufield.DestAddrTON, 3)
	w.u8(pdufield.DestAddrNPI, 0)
	w.cstring(pdufield.DestinationAddr, d.to)
	w.u8(pdufield.ESMClass, d.esm)
	w.u8(pdufield.RegisteredDelivery, 0)
	w.u8(pdufield.DataCoding, d.dc)
	w.tlv(tagMessagePayload, d.sm)
	for _, kv := range d.tlvs {
		w.tlv(kv.tag, kv.v)
	}
	b, err := w.bytes()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// deliver sends d as a deliver_sm with seq.
func (p *peer) deliver(t testing.TB, seq uint32, d dsm) {
	t.Helper()
	p.send(packet{id: pdu.DeliverSMID, seq: seq, body: d.deliverBody(t)})
}

// gsmText encodes a GSM text as unpacked septets, failing the test if it
// is not GSM.
func gsmText(t testing.TB, s string) []byte {
	t.Helper()
	dc, parts, _ := EncodeTextRef(s, 0)
	if dc != CodingGSM || len(parts) != 1 {
		t.Fatalf("%q is not one GSM SMS", s)
	}
	return parts[0]
}
