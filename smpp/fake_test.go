package smpp

import (
	"bufio"
	"context"
	"errors"
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
//   - Silent answers nothing after the bind (a dead link);
//   - OnSubmit replaces the default answer to submit_sm (ESME_ROK with the
//     id "msg-<seq>"), e.g. to hold it, throttle or nack;
//   - NoAutoEnquire leaves enquire_link to the test.
//
// Every PDU it receives is recorded on its peer, in order.
type fakeSMSC struct {
	t  testing.TB
	ln net.Listener

	RefuseBind    atomic.Uint32
	DropAfterBind bool
	Silent        bool
	NoAutoEnquire bool
	OnSubmit      func(p *peer, req packet)

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

// fakeHandler records what it is handed; its function fields, when set,
// decide the answer.
type fakeHandler struct {
	mos    chan MO
	rcpts  chan Receipt
	onMO   func(ctx context.Context, mo MO) error
	onRcpt func(ctx context.Context, r Receipt) error
}

func newFakeHandler() *fakeHandler {
	return &fakeHandler{mos: make(chan MO, 4096), rcpts: make(chan Receipt, 4096)}
}

func (h *fakeHandler) HandleMO(ctx context.Context, mo MO) error {
	if h.onMO != nil {
		if err := h.onMO(ctx, mo); err != nil {
			return err
		}
	}
	h.mos <- mo
	return nil
}

func (h *fakeHandler) HandleReceipt(ctx context.Context, r Receipt) error {
	if h.onRcpt != nil {
		if err := h.onRcpt(ctx, r); err != nil {
			return err
		}
	}
	h.rcpts <- r
	return nil
}

// nextMO returns the next MO handled successfully.
func (h *fakeHandler) nextMO(t testing.TB) MO {
	t.Helper()
	select {
	case mo := <-h.mos:
		return mo
	case <-time.After(waitLimit):
		t.Fatal("no MO handled")
		return MO{}
	}
}

// noMO fails if an MO was handled so far.
func (h *fakeHandler) noMO(t testing.TB) {
	t.Helper()
	select {
	case mo := <-h.mos:
		t.Fatalf("unexpected MO %q", mo.Text)
	default:
	}
}

// memParts is an in-memory PartStore; failSave makes SavePart fail.
type memParts struct {
	mu       sync.Mutex
	parts    map[string]Part
	deleted  int
	failSave atomic.Bool
}

func newMemParts() *memParts { return &memParts{parts: make(map[string]Part)} }

func partID(smsc, from string, ref uint16, total, seq int) string {
	return fmt.Sprintf("%s|%s|%d|%d|%d", smsc, from, ref, total, seq)
}

func (m *memParts) SavePart(_ context.Context, p Part) error {
	if m.failSave.Load() {
		return errors.New("disk full")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.parts[partID(p.SMSC, p.From, p.Ref, p.Total, p.Seq)] = p
	return nil
}

func (m *memParts) DeleteParts(_ context.Context, smsc, from string, ref uint16, total int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := 1; i <= total; i++ {
		if _, ok := m.parts[partID(smsc, from, ref, total, i)]; ok {
			delete(m.parts, partID(smsc, from, ref, total, i))
			m.deleted++
		}
	}
	return nil
}

func (m *memParts) LoadParts(context.Context) ([]Part, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Part, 0, len(m.parts))
	for _, p := range m.parts {
		out = append(out, p)
	}
	return out, nil
}

func (m *memParts) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.parts)
}

// testSMSC is an SMSC at addr with settings fit for tests.
func testSMSC(addr string) SMSC {
	return SMSC{
		Name: "proximus", Operator: "proximus", Address: addr,
		SystemID: "smspark", Password: "s3cret-pw", BindMode: Transceiver,
		Window: 10, EnquireLink: time.Minute,
		ReconnectMin: time.Millisecond, ReconnectMax: 20 * time.Millisecond,
		ResponseTimeout: 5 * time.Second,
	}
}

// startClient creates a client for smscs and h, lets mod adjust the
// options, and runs it. stop cancels Run and returns its error; it is
// also called at cleanup.
func startClient(t testing.TB, smscs []SMSC, h Handler, mod func(*ClientOptions)) (c *Client, stop func() error) {
	t.Helper()
	opts := ClientOptions{SMSCs: smscs, Handler: h}
	if mod != nil {
		mod(&opts)
	}
	c, err := NewClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	var once sync.Once
	var runErr error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(waitLimit):
				runErr = errors.New("Run did not return")
			}
		})
		return runErr
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return c, stop
}

// waitUp waits until n binds are up.
func waitUp(t testing.TB, c *Client, n int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d binds up", n), func() bool {
		up := 0
		for _, s := range c.Status() {
			if s.State == StateUp {
				up++
			}
		}
		return up >= n
	})
}

// waitFor polls cond until it holds, failing the test at waitLimit.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
