package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"smspark/config"
	"smspark/sessions"
	"smspark/store"
)

// rawSMSC is an SMSC written for these tests over loopback TCP: the test
// chooses each deliver_sm's sequence number and when the link dies. It
// answers binds, enquire_link and submit_sm itself.
type rawSMSC struct {
	t  *testing.T
	ln net.Listener
}

// rawLink is one bound connection of a rawSMSC.
type rawLink struct {
	t       *testing.T
	conn    net.Conn
	resps   chan rawPDU // deliver_sm_resp
	submits chan string // short_message of each submit_sm
	// closeOnResp closes the link as soon as a deliver_sm_resp arrived,
	// before anything after it is read: the SMSC never saw that resp.
	closeOnResp bool
}

type rawPDU struct {
	id, status, seq uint32
	body            []byte
}

func newRawSMSC(t *testing.T) *rawSMSC {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	return &rawSMSC{t: t, ln: ln}
}

// accept takes the engine's next connection and answers its bind.
func (s *rawSMSC) accept(closeOnResp bool) *rawLink {
	s.t.Helper()
	c, err := s.ln.Accept()
	if err != nil {
		s.t.Fatal(err)
	}
	l := &rawLink{t: s.t, conn: c, resps: make(chan rawPDU, 16), submits: make(chan string, 16), closeOnResp: closeOnResp}
	r := bufio.NewReader(c)
	bind, err := readRaw(r)
	if err != nil {
		s.t.Fatal(err)
	}
	l.write(bind.id|0x80000000, 0, bind.seq, []byte("raw\x00"))
	go l.read(r)
	s.t.Cleanup(func() { _ = c.Close() })
	return l
}

func readRaw(r io.Reader) (rawPDU, error) {
	var h [16]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return rawPDU{}, err
	}
	p := rawPDU{id: binary.BigEndian.Uint32(h[4:8]), status: binary.BigEndian.Uint32(h[8:12]), seq: binary.BigEndian.Uint32(h[12:16])}
	p.body = make([]byte, binary.BigEndian.Uint32(h[0:4])-16)
	_, err := io.ReadFull(r, p.body)
	return p, err
}

func (l *rawLink) write(id, status, seq uint32, body []byte) {
	b := binary.BigEndian.AppendUint32(nil, uint32(16+len(body)))
	b = binary.BigEndian.AppendUint32(b, id)
	b = binary.BigEndian.AppendUint32(b, status)
	b = binary.BigEndian.AppendUint32(b, seq)
	_, _ = l.conn.Write(append(b, body...))
}

func (l *rawLink) read(r *bufio.Reader) {
	for {
		p, err := readRaw(r)
		if err != nil {
			return
		}
		switch p.id {
		case 0x80000005: // deliver_sm_resp
			l.resps <- p
			if l.closeOnResp {
				_ = l.conn.Close()
				return
			}
		case 0x00000015: // enquire_link
			l.write(0x80000015, 0, p.seq, nil)
		case 0x00000004: // submit_sm
			l.write(0x80000004, 0, p.seq, []byte("mt\x00"))
			l.submits <- submitText(p.body)
		}
	}
}

// submitText returns the short_message of a submit_sm body.
func submitText(b []byte) string {
	skip := func(n int) { b = b[min(n, len(b)):] }
	cstr := func() {
		if i := strings.IndexByte(string(b), 0); i >= 0 {
			skip(i + 1)
		}
	}
	cstr()  // service_type
	skip(2) // source TON, NPI
	cstr()  // source_addr
	skip(2) // dest TON, NPI
	cstr()  // destination_addr
	skip(3) // esm_class, protocol_id, priority_flag
	cstr()  // schedule_delivery_time
	cstr()  // validity_period
	skip(4) // registered_delivery, replace_if_present, data_coding, sm_default_msg_id
	if len(b) == 0 {
		return ""
	}
	n := int(b[0])
	return string(b[1:min(1+n, len(b))])
}

// deliver sends an MO (GSM text, no SMSC time) with sequence number seq
// and returns the status of its resp.
func (l *rawLink) deliver(seq uint32, from, text string) uint32 {
	l.t.Helper()
	return l.deliverCoded(seq, from, 0, []byte(text))
}

// deliverCoded sends an MO of short_message sm in data coding dc.
func (l *rawLink) deliverCoded(seq uint32, from string, dc byte, text []byte) uint32 {
	l.t.Helper()
	var b []byte
	b = append(b, 0)    // service_type
	b = append(b, 1, 1) // source TON, NPI
	b = append(b, from+"\x00"...)
	b = append(b, 0, 0) // dest TON, NPI
	b = append(b, "4411\x00"...)
	b = append(b, 0, 0, 0)     // esm_class, protocol_id, priority_flag
	b = append(b, 0, 0)        // schedule_delivery_time, validity_period
	b = append(b, 0, 0, dc, 0) // registered_delivery, replace_if_present, data_coding, sm_default_msg_id
	b = append(b, byte(len(text)))
	b = append(b, text...)
	l.write(0x00000005, 0, seq, b)
	select {
	case r := <-l.resps:
		if r.seq != seq {
			l.t.Fatalf("resp to seq %d, want %d", r.seq, seq)
		}
		return r.status
	case <-time.After(10 * time.Second):
		l.t.Fatalf("no deliver_sm_resp for seq %d", seq)
		return 0
	}
}

// submit waits for the next submit_sm's text.
func (l *rawLink) submit() string {
	l.t.Helper()
	select {
	case s := <-l.submits:
		return s
	case <-time.After(15 * time.Second):
		l.t.Fatal("no submit_sm")
		return ""
	}
}

// startRawE2E runs the engine bound to a rawSMSC; the caller accepts the
// engine's connections.
func startRawE2E(t *testing.T) (*Main, *rawSMSC) {
	t.Helper()
	s := newRawSMSC(t)
	cfg := config.Default()
	cfg.SMSCs = []config.SMSC{{Name: "proximus-1", Operator: "proximus", Address: s.ln.Addr().String(), SystemID: "smspark",
		Password: "secret", BindMode: config.BindTransceiver, Window: 10, EnquireLink: time.Minute,
		ReconnectMin: 10 * time.Millisecond, ReconnectMax: 50 * time.Millisecond}}
	m := &Main{Config: cfg, DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0", Logger: testLogger(t),
		Clock: &setClock{now: mustTime(t, "2026-11-23T10:00:00+01:00")}}
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("engine Run: %v", err)
		}
		if err := m.DB.Check(context.Background()); err != nil {
			t.Errorf("store check: %v", err)
		}
		m.Close()
	})
	return m, s
}

// waitAcksConfirmed waits until the engine knows the SMSC read every ack.
func waitAcksConfirmed(t *testing.T, m *Main) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		un, err := m.DB.UnackedMOs(context.Background(), time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if len(un) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d MOs never confirmed", len(un))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestE2ESameSeqAfterRebindIsANewMO is the scenario of a re-bind: sequence
// numbers restart, so the same text at the same sequence number from the
// same phone is a new MO, applied and answered.
func TestE2ESameSeqAfterRebindIsANewMO(t *testing.T) {
	m, s := startRawE2E(t)
	const phone = "32470555001"
	l := s.accept(false)
	if st := l.deliver(5, phone, "8500 1DUP001"); st != 0 {
		t.Fatalf("start answered %#x", st)
	}
	l.submit()
	if st := l.deliver(6, phone, "Q 1DUP001"); st != 0 {
		t.Fatalf("stop answered %#x", st)
	}
	l.submit()
	waitAcksConfirmed(t, m)
	_ = l.conn.Close()

	l = s.accept(false)
	if st := l.deliver(5, phone, "8500 1DUP001"); st != 0 {
		t.Fatalf("start after re-bind answered %#x", st)
	}
	if reply := l.submit(); !strings.Contains(reply, "1DUP001") {
		t.Fatalf("reply %q", reply)
	}
	running, err := m.DB.Sessions(context.Background(), store.SessionFilter{Plate: "1DUP001", Running: true})
	if err != nil || len(running) != 1 {
		t.Fatalf("running sessions %d, %v; want the new start", len(running), err)
	}
}

// TestE2ELostAckRedeliveredWithNewSeq: the link dies with an MO's resp
// unread by the SMSC, which delivers it again on the next bind with a new
// sequence number: it is acked without being applied again, and counted.
// A later identical MO is new again.
func TestE2ELostAckRedeliveredWithNewSeq(t *testing.T) {
	m, s := startRawE2E(t)
	const phone = "32470555002"
	l := s.accept(true)
	if st := l.deliver(7, phone, "C1"); st != 0 {
		t.Fatalf("C1 answered %#x", st)
	}
	l = s.accept(false)
	if st := l.deliver(1, phone, "C1"); st != 0 {
		t.Fatalf("redelivered C1 answered %#x", st)
	}
	st, err := m.DB.Settings(context.Background(), "+"+phone)
	if err != nil || !st.ConfirmationsOff {
		t.Fatalf("confirmations off %v, %v: the redelivered C1 flipped them back", st.ConfirmationsOff, err)
	}
	waitAcksConfirmed(t, m)
	_ = l.conn.Close()
	l = s.accept(true)
	if st := l.deliver(3, phone, "1021 1LOST01"); st != 0 {
		t.Fatalf("start answered %#x", st)
	}
	l = s.accept(false)
	if st := l.deliver(1, phone, "1021 1LOST01"); st != 0 {
		t.Fatalf("redelivered start answered %#x", st)
	}
	all, err := m.DB.Sessions(context.Background(), store.SessionFilter{Plate: "1LOST01"})
	if err != nil || len(all) != 1 {
		t.Fatalf("%d sessions, %v; want the start applied once", len(all), err)
	}
	js, _ := m.DB.Journal(context.Background(), time.Time{})
	if len(js) != 2 {
		t.Fatalf("journal holds %d MOs, want C1 and the start once each", len(js))
	}
	if got := metricValue(t, m, "smspark_mo_redeliveries_total"); got != 2 {
		t.Fatalf("smspark_mo_redeliveries_total %v, want 2", got)
	}
	// The ack of the redelivery reached the SMSC: the same text again is
	// a new MO (C1 toggles back on).
	waitAcksConfirmed(t, m)
	if st := l.deliver(2, phone, "C1"); st != 0 {
		t.Fatalf("C1 answered %#x", st)
	}
	if st, _ := m.DB.Settings(context.Background(), "+"+phone); st.ConfirmationsOff {
		t.Fatal("a new C1 after the redelivery was dropped")
	}
}

// metricValue sums the samples of a metric family.
func metricValue(t *testing.T, m *Main, name string) float64 {
	t.Helper()
	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, mt := range f.GetMetric() {
			sum += mt.GetCounter().GetValue() + mt.GetGauge().GetValue()
		}
	}
	return sum
}

// TestE2EBinaryMOIsNeverACommand: an MO in 8-bit data (0x04, or 0xF4 with
// a message class) is never parsed: it is answered unknown_command and
// starts nothing, whatever its octets spell. UCS-2 with a message class
// (0x18) is text.
func TestE2EBinaryMOIsNeverACommand(t *testing.T) {
	m, s := startRawE2E(t)
	const phone = "32470555003"
	l := s.accept(false)
	for i, dc := range []byte{0x04, 0xF4, 0x02} {
		if st := l.deliverCoded(uint32(10+i), phone, dc, []byte("1021 8BIN888")); st != 0 {
			t.Fatalf("data coding %#x answered %#x", dc, st)
		}
		l.submit() // the unknown_command reply
	}
	if all, _ := m.DB.Sessions(context.Background(), store.SessionFilter{Plate: "8BIN888"}); len(all) != 0 {
		t.Fatalf("binary MOs started %d sessions", len(all))
	}
	js, err := m.DB.Journal(context.Background(), time.Time{})
	if err != nil || len(js) != 3 {
		t.Fatalf("journal %d entries, %v", len(js), err)
	}
	for _, j := range js {
		if j.Outcome != sessions.UnknownCommand {
			t.Errorf("binary MO: outcome %s, want unknown_command", j.Outcome)
		}
	}
	ucs2 := []byte{}
	for _, r := range "1021 8UCS888" {
		ucs2 = append(ucs2, 0, byte(r))
	}
	if st := l.deliverCoded(20, phone, 0x18, ucs2); st != 0 {
		t.Fatalf("UCS-2 class 0 answered %#x", st)
	}
	if reply := l.submit(); !strings.Contains(reply, "8UCS888") {
		t.Fatalf("reply %q", reply)
	}
}
