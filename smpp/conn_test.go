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

// TestEnquireLinkAnsweredWhileWorkersBlocked: the reader answers
// enquire_link at once even when every handler worker is busy, and a
// deliver_sm with no worker free is answered ESME_RX_T_APPN at once.
func TestEnquireLinkAnsweredWhileWorkersBlocked(t *testing.T) {
	f := newFakeSMSC(t)
	h := newFakeHandler()
	entered, release := make(chan struct{}, 2), make(chan struct{})
	h.onMO = func(ctx context.Context, mo MO) error {
		entered <- struct{}{}
		<-release
		return nil
	}
	startClient(t, []SMSC{testSMSC(f.addr())}, h, func(o *ClientOptions) { o.HandlerWorkers = 2 })
	p := f.nextPeer(t)
	p.deliver(t, 1, dsm{from: motorist, to: "4411", sm: gsmText(t, "A")})
	p.deliver(t, 2, dsm{from: motorist, to: "4411", sm: gsmText(t, "B")})
	<-entered
	<-entered
	p.deliver(t, 3, dsm{from: motorist, to: "4411", sm: gsmText(t, "C")})
	if r := p.resp(t, 3); r.status != statusRxTempAppn {
		t.Fatalf("deliver_sm with no worker free answered %#x", uint32(r.status))
	}
	p.barrier(t, 4) // fails the test if enquire_link is not answered
	close(release)
	for _, seq := range []uint32{1, 2} {
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
