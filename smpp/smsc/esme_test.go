package smsc_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"
	"github.com/fiorix/go-smpp/smpp/pdu/pdutlv"

	"smspark/gsm"
	"smspark/smpp/smsc"
)

// guard bounds every blocking read of the test ESME, so that a broken
// server fails the test instead of hanging it; it never orders events.
const guard = 10 * time.Second

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// brussels is the reference time zone.
func brussels(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// startServer runs a server until the test ends.
func startServer(t testing.TB, opts smsc.Options) *smsc.Server {
	t.Helper()
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	s, err := smsc.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return s
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	t.Cleanup(cancel)
	return ctx
}

// esme is a tiny ESME on a raw connection, using fiorix's PDU types; it
// is independent of smspark's smpp client.
type esme struct {
	t   testing.TB
	nc  net.Conn
	r   *bufio.Reader
	wmu sync.Mutex
	seq uint32
	// stash holds deliver_sm (receipts) read while waiting for something
	// else; expect(DeliverSMID) takes them first.
	stash []rawFrame
	// quiet ignores write errors (a stand-in engine whose link is cut on
	// purpose).
	quiet bool
}

func dial(t testing.TB, s *smsc.Server) *esme {
	t.Helper()
	nc, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = nc.Close() })
	return &esme{t: t, nc: nc, r: bufio.NewReader(nc)}
}

// bound dials and binds, failing the test unless the bind succeeds.
func bound(t testing.TB, s *smsc.Server, id pdu.ID) *esme {
	t.Helper()
	e := dial(t, s)
	if st := e.bind(id, "smspark", "secret"); st != smsc.StatusOK {
		t.Fatalf("bind: %s", st)
	}
	return e
}

func (e *esme) nextSeq() uint32 {
	e.wmu.Lock()
	defer e.wmu.Unlock()
	e.seq++
	return e.seq
}

func (e *esme) writeRaw(b []byte) {
	e.t.Helper()
	e.wmu.Lock()
	defer e.wmu.Unlock()
	if _, err := e.nc.Write(b); err != nil && !e.quiet {
		e.t.Errorf("esme write: %v", err)
	}
}

// send serialises p with a new sequence number and returns it.
func (e *esme) send(p pdu.Body) uint32 {
	e.t.Helper()
	seq := e.nextSeq()
	p.Header().Seq = seq
	var b bytes.Buffer
	if err := p.SerializeTo(&b); err != nil {
		e.t.Fatal(err)
	}
	e.writeRaw(b.Bytes())
	return seq
}

// rawFrame is a PDU as read, header decoded.
type rawFrame struct {
	id     pdu.ID
	status smsc.Status
	seq    uint32
	length uint32
	raw    []byte
}

// readErr reads one PDU; a command_length below 16 yields only the
// header.
func (e *esme) readErr() (rawFrame, error) {
	_ = e.nc.SetReadDeadline(time.Now().Add(guard))
	var h [16]byte
	if _, err := io.ReadFull(e.r, h[:]); err != nil {
		return rawFrame{}, err
	}
	f := rawFrame{
		length: binary.BigEndian.Uint32(h[0:4]),
		id:     pdu.ID(binary.BigEndian.Uint32(h[4:8])),
		status: smsc.Status(binary.BigEndian.Uint32(h[8:12])),
		seq:    binary.BigEndian.Uint32(h[12:16]),
	}
	if f.length < 16 {
		f.raw = h[:]
		return f, nil
	}
	f.raw = make([]byte, f.length)
	copy(f.raw, h[:])
	if _, err := io.ReadFull(e.r, f.raw[16:]); err != nil {
		return rawFrame{}, err
	}
	return f, nil
}

func (e *esme) read() rawFrame {
	e.t.Helper()
	f, err := e.readErr()
	if err != nil {
		e.t.Fatalf("esme read: %v", err)
	}
	return f
}

// expect returns the next PDU of kind id and fails if another comes
// first; on the way it answers the SMSC's enquire_link and stashes
// deliver_sm (unless those are what it expects).
func (e *esme) expect(id pdu.ID) rawFrame {
	e.t.Helper()
	for {
		var f rawFrame
		if id == pdu.DeliverSMID && len(e.stash) > 0 {
			f, e.stash = e.stash[0], e.stash[1:]
		} else {
			f = e.read()
		}
		switch {
		case f.id == id:
			return f
		case f.id == pdu.EnquireLinkID:
			e.respond(f, smsc.StatusOK)
		case f.id == pdu.DeliverSMID:
			e.stash = append(e.stash, f)
		default:
			e.t.Fatalf("got %s (0x%08X) status %s, want %s", f.id, uint32(f.id), f.status, id)
		}
	}
}

// expectMO returns the next deliver_sm or data_sm.
func (e *esme) expectMO() rawFrame {
	e.t.Helper()
	if len(e.stash) > 0 {
		f := e.stash[0]
		e.stash = e.stash[1:]
		return f
	}
	for {
		f := e.read()
		if f.id == pdu.EnquireLinkID {
			e.respond(f, smsc.StatusOK)
			continue
		}
		return f
	}
}

// expectEOF fails unless the server closed the connection.
func (e *esme) expectEOF() {
	e.t.Helper()
	f, err := e.readErr()
	if err == nil {
		e.t.Fatalf("got %s, want the connection closed", f.id)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		e.t.Fatalf("connection still open: %v", err)
	}
}

func (e *esme) bind(id pdu.ID, systemID, password string) smsc.Status {
	e.t.Helper()
	var p pdu.Body
	switch id {
	case pdu.BindTransmitterID:
		p = pdu.NewBindTransmitter()
	case pdu.BindReceiverID:
		p = pdu.NewBindReceiver()
	default:
		p = pdu.NewBindTransceiver()
	}
	f := p.Fields()
	_ = f.Set(pdufield.SystemID, systemID)
	_ = f.Set(pdufield.Password, password)
	_ = f.Set(pdufield.InterfaceVersion, uint8(0x34))
	seq := e.send(p)
	r := e.expect(id | 0x80000000)
	if r.seq != seq {
		e.t.Fatalf("bind_resp seq %d, want %d", r.seq, seq)
	}
	return r.status
}

// respond answers a request of the SMSC with an empty-bodied response
// (deliver_sm_resp, data_sm_resp carry an empty message_id).
func (e *esme) respond(req rawFrame, st smsc.Status) {
	e.t.Helper()
	var b bytes.Buffer
	h := make([]byte, 16)
	binary.BigEndian.PutUint32(h[4:8], uint32(req.id)|0x80000000)
	binary.BigEndian.PutUint32(h[8:12], uint32(st))
	binary.BigEndian.PutUint32(h[12:16], req.seq)
	b.Write(h)
	if req.id == pdu.DeliverSMID || req.id == pdu.DataSMID {
		b.WriteByte(0)
	}
	out := b.Bytes()
	binary.BigEndian.PutUint32(out[0:4], uint32(len(out)))
	e.writeRaw(out)
}

// header sends a header-only PDU and returns its sequence number.
func (e *esme) header(id pdu.ID) uint32 {
	seq := e.nextSeq()
	h := make([]byte, 16)
	binary.BigEndian.PutUint32(h[0:4], 16)
	binary.BigEndian.PutUint32(h[4:8], uint32(id))
	binary.BigEndian.PutUint32(h[12:16], seq)
	e.writeRaw(h)
	return seq
}

// submit sends a submit_sm from the short code to an international
// number and returns its sequence number.
func (e *esme) submit(from, to string, dc, esm, regDelivery byte, sm []byte, tlvs pdutlv.Fields) uint32 {
	e.t.Helper()
	p := pdu.NewSubmitSM(tlvs)
	f := p.Fields()
	_ = f.Set(pdufield.SourceAddrTON, uint8(0))
	_ = f.Set(pdufield.SourceAddrNPI, uint8(1))
	_ = f.Set(pdufield.SourceAddr, from)
	_ = f.Set(pdufield.DestAddrTON, uint8(1))
	_ = f.Set(pdufield.DestAddrNPI, uint8(1))
	_ = f.Set(pdufield.DestinationAddr, to)
	_ = f.Set(pdufield.ESMClass, esm)
	_ = f.Set(pdufield.RegisteredDelivery, regDelivery)
	_ = f.Set(pdufield.DataCoding, dc)
	_ = f.Set(pdufield.ShortMessage, sm)
	return e.send(p)
}

// submitText submits text in GSM 03.38 (or UCS-2 when it must), in one
// part, and returns the message id from the response.
func (e *esme) submitText(from, to, text string, regDelivery byte) string {
	e.t.Helper()
	dc, b := byte(0), []byte(nil)
	if gsm.IsGSM(text) {
		var err error
		if b, err = gsm.Encode(text); err != nil {
			e.t.Fatal(err)
		}
	} else {
		dc, b = 8, gsm.EncodeUCS2(text)
	}
	seq := e.submit(from, to, dc, 0, regDelivery, b, nil)
	r := e.expect(pdu.SubmitSMRespID)
	if r.seq != seq || r.status != smsc.StatusOK {
		e.t.Fatalf("submit_sm_resp seq %d status %s, want %d ESME_ROK", r.seq, r.status, seq)
	}
	return cstr(r.raw[16:])
}

// readMO reads every part of one MO (deliver_sm or data_sm) before
// answering any, answers them all with st, and returns the parts as
// parsed and the text reassembled.
func (e *esme) readMO(st smsc.Status) ([]sm, string) {
	e.t.Helper()
	var (
		parts  []sm
		frames []rawFrame
		texts  = map[int][]byte{}
		total  = 1
	)
	for len(frames) < total {
		f := e.expectMO()
		var (
			m   sm
			err error
		)
		switch f.id {
		case pdu.DeliverSMID:
			m, err = parseDeliverSM(f.raw)
		case pdu.DataSMID:
			m, err = parseDataSM(f.raw)
		default:
			e.t.Fatalf("got %s, want an MO", f.id)
		}
		if err != nil {
			e.t.Fatalf("MO PDU: %v\n% X", err, f.raw)
		}
		p, _ := concatOf(m)
		total = p.total
		texts[p.seq] = p.text
		parts, frames = append(parts, m), append(frames, f)
	}
	for _, f := range frames {
		e.respond(f, st)
	}
	var all []byte
	for i := 1; i <= total; i++ {
		all = append(all, texts[i]...)
	}
	return parts, decodeText(e.t, parts[0].dc, all)
}
