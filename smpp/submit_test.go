package smpp

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"

	"smspark/gsm"
)

const motorist = "32470123456"

// submitted decodes a submit_sm the fake received.
type submitted struct {
	srcTON, srcNPI, dstTON, dstNPI byte
	from, to                       string
	esm, dc, registered, smLength  byte
	sm                             []byte
}

func decodeSubmit(t testing.TB, pk packet) submitted {
	t.Helper()
	list := pdufield.List{
		pdufield.ServiceType,
		pdufield.SourceAddrTON, pdufield.SourceAddrNPI, pdufield.SourceAddr,
		pdufield.DestAddrTON, pdufield.DestAddrNPI, pdufield.DestinationAddr,
		pdufield.ESMClass, pdufield.ProtocolID, pdufield.PriorityFlag,
		pdufield.ScheduleDeliveryTime, pdufield.ValidityPeriod,
		pdufield.RegisteredDelivery, pdufield.ReplaceIfPresentFlag,
		pdufield.DataCoding, pdufield.SMDefaultMsgID,
		pdufield.SMLength, pdufield.ShortMessage,
	}
	f, _, err := decodeBody(list, pk.body)
	if err != nil {
		t.Fatalf("submit_sm: %v", err)
	}
	return submitted{
		srcTON: fieldByte(f, pdufield.SourceAddrTON), srcNPI: fieldByte(f, pdufield.SourceAddrNPI),
		dstTON: fieldByte(f, pdufield.DestAddrTON), dstNPI: fieldByte(f, pdufield.DestAddrNPI),
		from: fieldString(f, pdufield.SourceAddr), to: fieldString(f, pdufield.DestinationAddr),
		esm: fieldByte(f, pdufield.ESMClass), dc: fieldByte(f, pdufield.DataCoding),
		registered: fieldByte(f, pdufield.RegisteredDelivery), smLength: fieldByte(f, pdufield.SMLength),
		sm: fieldBytes(f, pdufield.ShortMessage),
	}
}

// TestThrottledSubmitIsTemporaryAndSlowsBind: ESME_RTHROTTLED and
// ESME_RMSGQFUL make Submit fail as temporary and halve the SMSC's rate;
// other statuses are classed by the status table and do not slow down.
func TestThrottledSubmitIsTemporaryAndSlowsBind(t *testing.T) {
	tests := []struct {
		status              pdu.Status
		temporary, throttle bool
	}{
		{statusThrottled, true, true},
		{statusMsgQFul, true, true},
		{0x0B, false, false}, // ESME_RINVDSTADR
		{0x45, true, false},  // ESME_RSUBMITFAIL
		{0x08, true, false},  // ESME_RSYSERR
	}
	for _, tt := range tests {
		t.Run(tt.status.Error(), func(t *testing.T) {
			f := newFakeSMSC(t)
			var n atomic.Int32
			f.OnSubmit = func(p *peer, req packet) {
				st := pdu.Status(0)
				if n.Add(1) == 1 {
					st = tt.status
				}
				p.send(packet{id: pdu.SubmitSMRespID, status: st, seq: req.seq, body: cstringBody("m")})
			}
			s := testSMSC(f.addr())
			s.MaxSubmitsPerSecond = 1000
			c, _ := startClient(t, []SMSC{s}, newFakeHandler(), func(o *ClientOptions) { o.throttlePause = time.Millisecond })
			waitUp(t, c, 1)
			mt := MT{Operator: "proximus", From: "4411", To: motorist, Text: "x"}
			_, err := c.Submit(context.Background(), mt)
			var se *SubmitError
			if !errors.As(err, &se) || se.Status != tt.status || Temporary(err) != tt.temporary {
				t.Fatalf("Submit error %v, want status %#x temporary %v", err, uint32(tt.status), tt.temporary)
			}
			if !errors.Is(err, tt.status) {
				t.Errorf("error does not wrap the status")
			}
			st := c.Status()[0]
			wantRate, wantThrottles := 1000.0, int64(0)
			if tt.throttle {
				wantRate, wantThrottles = 500, 1
			}
			if st.SubmitsPerSecond != wantRate || st.Throttles != wantThrottles {
				t.Errorf("status %+v, want rate %v throttles %d", st, wantRate, wantThrottles)
			}
			if _, err := c.Submit(context.Background(), mt); err != nil {
				t.Fatalf("second Submit: %v", err)
			}
		})
	}
}

// TestGenericNackFromSMSCFailsRequest: a generic_nack with a submit's
// sequence number fails that submit, classed by its command_status as the
// status table says: ESME_RSYSERR (the SMSC's trouble) is temporary,
// ESME_RINVCMDID permanent, and a generic_nack without a status temporary.
func TestGenericNackFromSMSCFailsRequest(t *testing.T) {
	for _, tt := range []struct {
		status    pdu.Status
		temporary bool
		reason    string
	}{
		{0x08, true, "ESME_RSYSERR"},
		{statusInvCmdID, false, "ESME_RINVCMDID"},
		{0, true, "ESME_ROK"},
	} {
		t.Run(tt.reason, func(t *testing.T) {
			f := newFakeSMSC(t)
			f.OnSubmit = func(p *peer, req packet) {
				p.send(packet{id: pdu.GenericNACKID, status: tt.status, seq: req.seq})
			}
			c, _ := startClient(t, []SMSC{testSMSC(f.addr())}, newFakeHandler(), nil)
			waitUp(t, c, 1)
			_, err := c.Submit(context.Background(), MT{Operator: "proximus", From: "4411", To: motorist, Text: "x"})
			var se *SubmitError
			if !errors.As(err, &se) || se.Status != tt.status || se.Temporary != tt.temporary || !se.GenericNack ||
				se.Reason() != tt.reason {
				t.Fatalf("Submit error %v (%+v), want generic_nack %#x temporary %v reason %s",
					err, se, uint32(tt.status), tt.temporary, tt.reason)
			}
		})
	}
}

// TestSubmitTimeoutIsTemporaryAndLateRespIgnored: no resp within
// ResponseTimeout is a temporary error; the late resp is ignored and the
// bind stays usable.
func TestSubmitTimeoutIsTemporaryAndLateRespIgnored(t *testing.T) {
	f := newFakeSMSC(t)
	held := make(chan packet, 1)
	var n atomic.Int32
	f.OnSubmit = func(p *peer, req packet) {
		if n.Add(1) == 1 {
			held <- req
			return
		}
		p.send(packet{id: pdu.SubmitSMRespID, seq: req.seq, body: cstringBody("ok")})
	}
	s := testSMSC(f.addr())
	s.ResponseTimeout = 50 * time.Millisecond
	c, _ := startClient(t, []SMSC{s}, newFakeHandler(), nil)
	p := f.nextPeer(t)
	waitUp(t, c, 1)
	mt := MT{Operator: "proximus", From: "4411", To: motorist, Text: "x"}
	if _, err := c.Submit(context.Background(), mt); !errors.Is(err, ErrTimeout) || !Temporary(err) {
		t.Fatalf("Submit error %v, want a temporary ErrTimeout", err)
	}
	req := <-held
	p.send(packet{id: pdu.SubmitSMRespID, seq: req.seq, body: cstringBody("late")})
	if ids, err := c.Submit(context.Background(), mt); err != nil || ids[0] != "ok" {
		t.Fatalf("Submit after a late resp: %v, %v", ids, err)
	}
	if f.binds.Load() != 1 {
		t.Fatal("the late resp dropped the bind")
	}
}

// TestBindLostMidSubmitIsTemporary: the connection closing, or the SMSC
// unbinding, under a submit awaiting its resp fails it with a temporary
// ErrBindLost.
func TestBindLostMidSubmitIsTemporary(t *testing.T) {
	tests := []struct {
		name     string
		onSubmit func(p *peer, req packet)
	}{
		{"connection closed", func(p *peer, req packet) { _ = p.conn.Close() }},
		{"unbind", func(p *peer, req packet) { p.send(packet{id: pdu.UnbindID, seq: 1 << 20}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeSMSC(t)
			f.OnSubmit = tt.onSubmit
			c, _ := startClient(t, []SMSC{testSMSC(f.addr())}, newFakeHandler(), nil)
			p := f.nextPeer(t)
			waitUp(t, c, 1)
			_, err := c.Submit(context.Background(), MT{Operator: "proximus", From: "4411", To: motorist, Text: "x"})
			if !errors.Is(err, ErrBindLost) || !Temporary(err) {
				t.Fatalf("Submit error %v, want a temporary ErrBindLost", err)
			}
			p.waitClosed(t)
			f.nextPeer(t)
		})
	}
}

// TestLongMTIsSplitWithUDH: a text longer than one SMS goes as parts with
// an 8-bit reference UDH, in GSM 03.38 when it can and UCS-2 otherwise
// (go-smpp sends raw UTF-8 for what GSM cannot carry), from the short code
// (TON 3 NPI 0) to the number without '+' (TON 1 NPI 1), with a receipt
// asked for and sm_length equal to the short_message's length.
func TestLongMTIsSplitWithUDH(t *testing.T) {
	long := ""
	for len(long) < 300 {
		long += "Parking 1021 started for 1ABC123. "
	}
	tests := []struct {
		name  string
		text  string
		dc    byte
		parts int
	}{
		{"one GSM part", "Parking started €", CodingGSM, 1},
		{"GSM parts", long, CodingGSM, 2},
		{"one UCS-2 part, not raw UTF-8", "Łódź 😀", CodingUCS2, 1},
		{"UCS-2 parts", long + "Ł", CodingUCS2, len(gsm.SplitUCS2(long + "Ł"))},
	}
	f := newFakeSMSC(t)
	c, _ := startClient(t, []SMSC{testSMSC(f.addr())}, newFakeHandler(), nil)
	p := f.nextPeer(t)
	waitUp(t, c, 1)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids, err := c.Submit(context.Background(), MT{Operator: "proximus", From: "4411", To: "+" + motorist, Text: tt.text})
			if err != nil || len(ids) != tt.parts {
				t.Fatalf("Submit = %v, %v; want %d ids", ids, err, tt.parts)
			}
			var text []byte
			var ref byte
			for i := range tt.parts {
				s := decodeSubmit(t, p.next(t, pdu.SubmitSMID))
				if s.from != "4411" || s.srcTON != 3 || s.srcNPI != 0 || s.to != motorist || s.dstTON != 1 || s.dstNPI != 1 {
					t.Errorf("addresses %+v", s)
				}
				if s.registered != 1 || s.dc != tt.dc || int(s.smLength) != len(s.sm) || len(s.sm) > 160 {
					t.Errorf("part %d: registered %d dc %d sm_length %d of %d octets", i+1, s.registered, s.dc, s.smLength, len(s.sm))
				}
				body := s.sm
				if tt.parts > 1 {
					if s.esm != ESMClassUDHI {
						t.Fatalf("esm_class %#x", s.esm)
					}
					udh := body[:6]
					if i == 0 {
						ref = udh[3]
					}
					if udh[0] != 5 || udh[1] != 0 || udh[2] != 3 || udh[3] != ref || int(udh[4]) != tt.parts || int(udh[5]) != i+1 {
						t.Fatalf("part %d UDH % x", i+1, udh)
					}
					body = body[6:]
				} else if s.esm != 0 {
					t.Fatalf("esm_class %#x for one part", s.esm)
				}
				text = append(text, body...)
			}
			got, err := DecodeText(tt.dc, text)
			if err != nil || got != tt.text {
				t.Fatalf("parts join to %q, %v", got, err)
			}
		})
	}
}

// TestSubmitPicksBindsRoundRobin: an operator with two SMSCs gets its
// MTs on both, in turn; an operator with none is a permanent error; no
// bind up is a temporary one.
func TestSubmitPicksBindsRoundRobin(t *testing.T) {
	f1, f2 := newFakeSMSC(t), newFakeSMSC(t)
	s1, s2 := testSMSC(f1.addr()), testSMSC(f2.addr())
	s2.Name = "proximus-2"
	c, _ := startClient(t, []SMSC{s1, s2}, newFakeHandler(), nil)
	p1, p2 := f1.nextPeer(t), f2.nextPeer(t)
	waitUp(t, c, 2)
	used := map[string]int{}
	for range 4 {
		smsc, _, err := c.SubmitVia(context.Background(), MT{Operator: "proximus", From: "4411", To: motorist, Text: "x"})
		if err != nil {
			t.Fatal(err)
		}
		used[smsc]++
	}
	if used["proximus"] != 2 || used["proximus-2"] != 2 {
		t.Fatalf("SMSCs used: %v", used)
	}
	p1.next(t, pdu.SubmitSMID)
	p1.next(t, pdu.SubmitSMID)
	p2.next(t, pdu.SubmitSMID)
	p2.next(t, pdu.SubmitSMID)

	_, err := c.Submit(context.Background(), MT{Operator: "orange", From: "4411", To: motorist, Text: "x"})
	if !errors.Is(err, ErrUnknownOperator) || Temporary(err) {
		t.Fatalf("unknown operator: %v", err)
	}
	idle, err := NewClient(ClientOptions{SMSCs: []SMSC{s1}, Handler: newFakeHandler()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := idle.Submit(context.Background(), MT{Operator: "proximus", From: "4411", To: motorist, Text: "x"}); !errors.Is(err, ErrNoBind) || !Temporary(err) {
		t.Fatalf("no bind: %v", err)
	}
}

// TestWindowBoundsOutstandingSubmits: no more than Window submits await
// their resp on a bind.
func TestWindowBoundsOutstandingSubmits(t *testing.T) {
	f := newFakeSMSC(t)
	held := make(chan packet, 16)
	var outstanding, most atomic.Int32
	f.OnSubmit = func(p *peer, req packet) {
		n := outstanding.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		held <- req
	}
	s := testSMSC(f.addr())
	s.Window = 2
	c, _ := startClient(t, []SMSC{s}, newFakeHandler(), nil)
	p := f.nextPeer(t)
	waitUp(t, c, 1)
	const total = 6
	errs := make(chan error, total)
	for range total {
		go func() {
			_, err := c.Submit(context.Background(), MT{Operator: "proximus", From: "4411", To: motorist, Text: "x"})
			errs <- err
		}()
	}
	for answered := 0; answered < total; answered += 2 {
		a, b := <-held, <-held
		if st := c.Status()[0]; st.InUse != 2 || st.Window != 2 {
			t.Fatalf("status %+v", st)
		}
		p.barrier(t, uint32(1000+answered))
		outstanding.Add(-2)
		p.send(packet{id: pdu.SubmitSMRespID, seq: a.seq, body: cstringBody("a")})
		p.send(packet{id: pdu.SubmitSMRespID, seq: b.seq, body: cstringBody("b")})
	}
	for range total {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if m := most.Load(); m > 2 {
		t.Fatalf("%d submits outstanding with a window of 2", m)
	}
}
