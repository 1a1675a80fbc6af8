package smsc_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"

	"smspark/smpp/smsc"
)

func TestDeliverMOTransceiver(t *testing.T) {
	loc := brussels(t)
	s := startServer(t, smsc.Options{SystemID: "smspark", Password: "secret"})
	e := bound(t, s, pdu.BindTransceiverID)
	ctx := testCtx(t)
	if err := s.WaitBound(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if b := s.Binds(); len(b) != 1 || b[0].Mode != smsc.BindTransceiver || b[0].SystemID != "smspark" {
		t.Fatalf("Binds = %+v", b)
	}

	at := time.Date(2026, 11, 23, 10, 0, 0, 0, loc)
	type result struct {
		d   smsc.Delivery
		err error
	}
	done := make(chan result, 1)
	go func() {
		d, err := s.DeliverMO(ctx, smsc.MO{From: "+32475000001", To: "4411", Text: "1021 1ABC123", SMSCTime: at})
		done <- result{d, err}
	}()

	f := e.expect(pdu.DeliverSMID)
	m, err := parseDeliverSM(f.raw)
	if err != nil {
		t.Fatalf("deliver_sm: %v\n% X", err, f.raw)
	}
	if string(m.short) != "1021 1ABC123" || m.smLength != len("1021 1ABC123") {
		t.Errorf("short_message %q sm_length %d, want the text and 12", m.short, m.smLength)
	}
	if m.src != "32475000001" || m.srcTON != 1 || m.srcNPI != 1 || m.dst != "4411" || m.esm != 0 || m.dc != 0 {
		t.Errorf("deliver_sm = %+v", m)
	}
	if m.schedule != "261123100000004+" {
		t.Errorf("schedule_delivery_time %q, want 261123100000004+", m.schedule)
	}
	if len(m.tlvs) != 0 {
		t.Errorf("TLVs %v, want none", m.tlvs)
	}
	// fiorix's own decoder must agree on the text.
	body, err := pdu.Decode(bytes.NewReader(f.raw))
	if err != nil {
		t.Fatal(err)
	}
	if got := body.Fields()[pdufield.ShortMessage].String(); got != "1021 1ABC123" {
		t.Errorf("fiorix reads %q", got)
	}
	e.respond(f, smsc.StatusOK)
	r := <-done
	if r.err != nil || !r.d.OK() || r.d.Status != smsc.StatusOK || r.d.Attempts != 1 {
		t.Fatalf("DeliverMO = %+v, %v", r.d, r.err)
	}

	id := e.submitText("4411", "32475000001", "Parking 1ABC123 started", 0)
	mt, err := s.WaitMT(ctx, "+32475000001")
	if err != nil {
		t.Fatal(err)
	}
	if mt.Text != "Parking 1ABC123 started" || mt.From != "4411" || mt.To != "+32475000001" ||
		mt.MessageID() != id || mt.Parts != 1 || mt.Bind != smsc.BindTransceiver || mt.SystemID != "smspark" {
		t.Errorf("MT = %+v (id %s)", mt, id)
	}
	st := s.Stats()
	if st.Binds != 1 || st.MOs != 1 || st.MOsAcked != 1 || st.SubmitSMs != 1 || st.MTs != 1 {
		t.Errorf("Stats = %+v", st)
	}
}

func TestDeliverMORefusedThenRedelivered(t *testing.T) {
	s := startServer(t, smsc.Options{})
	e := bound(t, s, pdu.BindTransceiverID)
	ctx := testCtx(t)
	mo := smsc.MO{From: "+32475000002", To: "4411", Text: "Q"}
	got := make(chan smsc.Delivery, 1)
	go func() {
		d, err := s.DeliverMO(ctx, mo)
		if err != nil {
			t.Error(err)
		}
		got <- d
	}()
	first := e.expect(pdu.DeliverSMID)
	e.respond(first, smsc.StatusRxTAppn)
	d := <-got
	if d.OK() || d.Status != smsc.StatusRxTAppn {
		t.Fatalf("Delivery = %+v, want ESME_RX_T_APPN", d)
	}
	go func() {
		d, err := s.Redeliver(ctx, d)
		if err != nil {
			t.Error(err)
		}
		got <- d
	}()
	again := e.expect(pdu.DeliverSMID)
	if again.seq == first.seq {
		t.Errorf("redelivery reused sequence number %d", first.seq)
	}
	if !bytes.Equal(again.raw[16:], first.raw[16:]) || !bytes.Equal(again.raw[:12], first.raw[:12]) {
		t.Errorf("redelivery differs:\n% X\n% X", first.raw, again.raw)
	}
	e.respond(again, smsc.StatusOK)
	d = <-got
	if !d.OK() || d.Attempts != 2 || !d.FirstWritten.Equal(d.FirstWritten) || d.Written.Before(d.FirstWritten) {
		t.Fatalf("Delivery = %+v", d)
	}
	if st := s.Stats(); st.MOs != 2 || st.MOsRefused != 1 || st.MOsAcked != 1 {
		t.Errorf("Stats = %+v", st)
	}
	if _, err := s.Redeliver(ctx, smsc.Delivery{}); !errors.Is(err, smsc.ErrNoDelivery) {
		t.Errorf("Redeliver(zero) = %v, want ErrNoDelivery", err)
	}
}

func TestDeliverMOParts(t *testing.T) {
	long := strings.Repeat("Parking in zone 1021 for plate 1ABC123 [ok] ", 8) // 352 chars, [ ] take two septets
	longUCS2 := strings.Repeat("Стоянка 1ABC123 ", 10)                        // 160 units
	tests := []struct {
		name  string
		mo    smsc.MO
		parts int
		kind  string
		dc    byte
	}{
		{"short gsm", smsc.MO{Text: "1021 1-abc-123"}, 1, "", 0},
		{"empty", smsc.MO{Text: ""}, 1, "", 0},
		{"gsm extension and @", smsc.MO{Text: "€5 @ {zone}"}, 1, "", 0},
		{"short ucs2", smsc.MO{Text: "1021 1ABC123 ł"}, 1, "", 8},
		{"long gsm udh8", smsc.MO{Text: long}, 3, "8", 0},
		{"long gsm udh16", smsc.MO{Text: long, Ref16: true}, 3, "16", 0},
		{"long gsm sar", smsc.MO{Text: long, SAR: true}, 3, "sar", 0},
		{"long ucs2 udh8", smsc.MO{Text: longUCS2}, 3, "8", 8},
		{"long ucs2 udh16", smsc.MO{Text: longUCS2, Ref16: true}, 3, "16", 8},
		{"data_sm short", smsc.MO{Text: "Q", DataSM: true}, 1, "", 0},
		{"data_sm long", smsc.MO{Text: long, DataSM: true}, 3, "8", 0},
	}
	s := startServer(t, smsc.Options{})
	e := bound(t, s, pdu.BindTransceiverID)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.t = t
			ctx := testCtx(t)
			tt.mo.From, tt.mo.To = "+32475000003", "4411"
			done := make(chan smsc.Delivery, 1)
			go func() {
				d, err := s.DeliverMO(ctx, tt.mo)
				if err != nil {
					t.Error(err)
				}
				done <- d
			}()
			parts, text := e.readMO(smsc.StatusOK)
			if text != tt.mo.Text {
				t.Errorf("reassembled %q, want %q", text, tt.mo.Text)
			}
			if len(parts) != tt.parts {
				t.Fatalf("%d parts, want %d", len(parts), tt.parts)
			}
			refs := map[int]bool{}
			for _, m := range parts {
				p, concat := concatOf(m)
				if concat != (tt.kind != "") || p.kind != tt.kind || m.dc != tt.dc {
					t.Errorf("part %+v kind %q dc %d, want %q %d", p, p.kind, m.dc, tt.kind, tt.dc)
				}
				refs[p.ref] = true
				udhSeptets := ((len(m.short)-len(p.text))*8 + 6) / 7
				if m.dc == 0 && (len(p.text)+udhSeptets > 160 || concat && tt.kind == "sar" && len(p.text) > 153) {
					t.Errorf("part of %d septets and a UDH of %d", len(p.text), udhSeptets)
				}
				if m.dc == 8 && len(m.short) > 140 {
					t.Errorf("UCS-2 part of %d octets", len(m.short))
				}
			}
			if len(refs) != 1 {
				t.Errorf("parts carry references %v", refs)
			}
			if d := <-done; !d.OK() || len(d.Parts) != tt.parts {
				t.Errorf("Delivery = %+v", d)
			}
		})
	}
}

func TestTransmitterReceiverPairAndReceipts(t *testing.T) {
	loc := brussels(t)
	clock := &fakeClock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, loc)}
	s := startServer(t, smsc.Options{Clock: clock.Now})
	rx := bound(t, s, pdu.BindReceiverID)
	tx := bound(t, s, pdu.BindTransmitterID)
	ctx := testCtx(t)
	if err := s.WaitBound(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if b := s.Binds(); len(b) != 2 || b[0].Mode != smsc.BindReceiver || b[1].Mode != smsc.BindTransmitter {
		t.Fatalf("Binds = %+v", b)
	}

	// The MO goes to the receiver, the reply comes on the transmitter.
	go func() {
		if _, err := s.DeliverMO(ctx, smsc.MO{From: "+32475000004", To: "4411", Text: "1021 1ABC123"}); err != nil {
			t.Error(err)
		}
	}()
	if _, text := rx.readMO(smsc.StatusOK); text != "1021 1ABC123" {
		t.Fatalf("MO %q", text)
	}

	tests := []struct {
		name  string
		state smsc.ReceiptState
		stat  string
		code  byte
	}{
		{"delivered", "", "stat:DELIVRD err:000", 2},
		{"undeliverable", smsc.ReceiptUndeliverable, "stat:UNDELIV err:001", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rx.t, tx.t = t, t
			if err := s.SetReceiptState("+32475000004", tt.state); err != nil {
				t.Fatal(err)
			}
			id := tx.submitText("4411", "32475000004", "Parking 1ABC123 in zone 1021 started at 10:00", 1)
			if mt, err := s.WaitMT(ctx, "32475000004"); err != nil || mt.MessageID() != id || mt.RegisteredDelivery != 1 {
				t.Fatalf("MT %+v, %v", mt, err)
			}
			f := rx.expect(pdu.DeliverSMID)
			m, err := parseDeliverSM(f.raw)
			if err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("id:%s sub:001 dlvrd:%s submit date:2611231000 done date:2611231000 %s text:Parking 1ABC123 in z",
				id, map[bool]string{true: "001", false: "000"}[tt.code == 2], tt.stat)
			if text := decodeText(t, m.dc, m.short); m.esm != 0x04 || text != want {
				t.Errorf("receipt esm 0x%02X text\n%q, want\n%q", m.esm, text, want)
			}
			if m.src != "32475000004" || m.dst != "4411" {
				t.Errorf("receipt from %q to %q", m.src, m.dst)
			}
			if got := m.tlvs[0x001E]; string(got) != id+"\x00" {
				t.Errorf("receipted_message_id %q, want %q", got, id)
			}
			if got := m.tlvs[0x0427]; len(got) != 1 || got[0] != tt.code {
				t.Errorf("message_state % X, want %d", got, tt.code)
			}
			before := s.Stats().ReceiptsAcked
			rx.respond(f, smsc.StatusOK)
			if err := s.WaitStats(ctx, func(st smsc.Stats) bool { return st.ReceiptsAcked == before+1 }); err != nil {
				t.Fatal(err)
			}
		})
	}
	if err := s.SetReceiptState("+32475000004", "LOST"); !errors.Is(err, smsc.ErrBadReceiptState) {
		t.Errorf("SetReceiptState(LOST) = %v", err)
	}
}

func TestBind(t *testing.T) {
	s := startServer(t, smsc.Options{SystemID: "smspark", Password: "secret"})
	tests := []struct {
		name, systemID, password string
		want                     smsc.Status
	}{
		{"good", "smspark", "secret", smsc.StatusOK},
		{"bad system_id", "other", "secret", smsc.StatusInvSysID},
		{"bad password", "smspark", "guess", smsc.StatusInvPaswd},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := dial(t, s)
			if got := e.bind(pdu.BindTransceiverID, tt.systemID, tt.password); got != tt.want {
				t.Fatalf("bind = %s, want %s", got, tt.want)
			}
			if tt.want != smsc.StatusOK {
				e.expectEOF()
				return
			}
			if got := e.bind(pdu.BindTransceiverID, tt.systemID, tt.password); got != smsc.StatusAlyBnd {
				t.Errorf("second bind = %s, want ESME_RALYBND", got)
			}
		})
	}
	t.Run("submit before bind", func(t *testing.T) {
		e := dial(t, s)
		e.submit("4411", "32475000001", 0, 0, 0, []byte("x"), nil)
		if r := e.expect(pdu.SubmitSMRespID); r.status != smsc.StatusInvBndSts {
			t.Errorf("status %s, want ESME_RINVBNDSTS", r.status)
		}
	})
	t.Run("submit on a receiver", func(t *testing.T) {
		e := bound(t, s, pdu.BindReceiverID)
		e.submit("4411", "32475000001", 0, 0, 0, []byte("x"), nil)
		if r := e.expect(pdu.SubmitSMRespID); r.status != smsc.StatusInvBndSts {
			t.Errorf("status %s, want ESME_RINVBNDSTS", r.status)
		}
	})
	t.Run("no receiver", func(t *testing.T) {
		s := startServer(t, smsc.Options{})
		bound(t, s, pdu.BindTransmitterID)
		_, err := s.DeliverMO(testCtx(t), smsc.MO{From: "+32475000001", To: "4411", Text: "Q"})
		if !errors.Is(err, smsc.ErrNoReceiver) {
			t.Errorf("DeliverMO = %v, want ErrNoReceiver", err)
		}
	})
	t.Run("unbind", func(t *testing.T) {
		e := bound(t, s, pdu.BindTransceiverID)
		seq := e.header(pdu.UnbindID)
		if r := e.expect(pdu.UnbindRespID); r.seq != seq || r.status != smsc.StatusOK {
			t.Errorf("unbind_resp %+v", r)
		}
		e.expectEOF()
	})
}

func TestLinkHousekeeping(t *testing.T) {
	s := startServer(t, smsc.Options{EnquireLink: 5 * time.Millisecond})
	e := bound(t, s, pdu.BindTransceiverID)
	ctx := testCtx(t)

	t.Run("unknown PDU from the ESME gets generic_nack", func(t *testing.T) {
		e.t = t
		seq := e.header(0x00000777)
		if f := e.expect(pdu.GenericNACKID); f.seq != seq || f.status != smsc.StatusInvCmdID {
			t.Fatalf("generic_nack seq %d status %s, want %d ESME_RINVCMDID", f.seq, f.status, seq)
		}
	})
	t.Run("enquire_link both ways", func(t *testing.T) {
		e.t = t
		seq := e.header(pdu.EnquireLinkID)
		if f := e.expect(pdu.EnquireLinkRespID); f.seq != seq || f.status != smsc.StatusOK {
			t.Fatalf("enquire_link_resp seq %d status %s, want %d", f.seq, f.status, seq)
		}
		e.respond(e.expect(pdu.EnquireLinkID), smsc.StatusOK)
		if err := s.WaitStats(ctx, func(st smsc.Stats) bool {
			return st.EnquireLinksAnswered > 0 && st.EnquireLinksReceived == 1 && st.GenericNacksSent == 1
		}); err != nil {
			t.Fatalf("%v: %+v", err, s.Stats())
		}
	})
	t.Run("unanswered enquire_link drops the link", func(t *testing.T) {
		e.t = t
		for {
			f, err := e.readErr()
			if err != nil {
				break // closed, as wanted
			}
			if f.id != pdu.EnquireLinkID {
				t.Fatalf("got %s", f.id)
			}
		}
		if err := s.WaitStats(ctx, func(st smsc.Stats) bool { return st.LinksTimedOut == 1 }); err != nil {
			t.Fatalf("%v: %+v", err, s.Stats())
		}
	})
}

func TestFormatSMPPTime(t *testing.T) {
	loc := brussels(t)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		t    time.Time
		loc  *time.Location
		want string
	}{
		{"brussels winter", time.Date(2026, 11, 23, 10, 0, 0, 0, loc), loc, "261123100000004+"},
		{"brussels summer", time.Date(2026, 7, 1, 9, 30, 15, 700_000_000, loc), loc, "260701093015708+"},
		{"utc", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), time.UTC, "260102030405000+"},
		{"new york", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), ny, "260101220405020-"},
		{"kolkata half hour", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), kolkata, "260102083405022+"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := smsc.FormatSMPPTime(tt.t, tt.loc); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRunStopsEveryGoroutine(t *testing.T) {
	base := runtime.NumGoroutine()
	s, err := smsc.New(smsc.Options{Addr: "127.0.0.1:0", EnquireLink: time.Hour, ReceiptDelay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runDone := make(chan error, 1)
	go func() { runDone <- s.Run(ctx) }()
	<-s.Ready()

	trx := bound(t, s, pdu.BindTransceiverID)
	rx := bound(t, s, pdu.BindReceiverID)
	if err := s.WaitBound(testCtx(t), 2); err != nil {
		t.Fatal(err)
	}
	// A receipt waiting for its delay, a response held by slow, an MO
	// waiting for its response and a subscriber are all under way.
	trx.submitText("4411", "32475000600", "x", 1)
	if err := s.SetFault(smsc.Fault{Kind: smsc.FaultSlow, Delay: time.Hour}); err != nil {
		t.Fatal(err)
	}
	trx.header(pdu.EnquireLinkID)
	_ = s.Subscribe(context.Background(), 1)
	moDone := make(chan error, 1)
	go func() {
		_, err := s.DeliverMO(context.Background(), smsc.MO{From: "+32475000600", To: "4411", Text: "Q"})
		moDone <- err
	}()
	if err := s.WaitStats(testCtx(t), func(st smsc.Stats) bool { return st.MOs == 1 && st.EnquireLinksReceived == 1 }); err != nil {
		t.Fatal(err)
	}

	cancel()
	if err := <-runDone; err != nil {
		t.Fatalf("Run = %v", err)
	}
	if err := <-moDone; !errors.Is(err, smsc.ErrConnClosed) {
		t.Errorf("DeliverMO = %v, want ErrConnClosed", err)
	}
	for _, e := range []*esme{trx, rx} {
		for { // what was written before the stop, then the end
			if _, err := e.readErr(); err != nil {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					t.Fatal("connection still open after Run returned")
				}
				break
			}
		}
	}
	_ = trx.nc.Close()
	_ = rx.nc.Close()
	if _, err := s.WaitMT(context.Background(), "+32475000600"); err != nil {
		t.Errorf("queued MT lost after stop: %v", err)
	}
	if _, err := s.WaitMT(context.Background(), "+32475000600"); !errors.Is(err, smsc.ErrClosed) {
		t.Errorf("WaitMT after stop = %v, want ErrClosed", err)
	}

	// Goroutines end just after they signal; give them the moment to.
	deadline := time.Now().Add(guard)
	for runtime.NumGoroutine() > base && time.Now().Before(deadline) {
		runtime.Gosched()
	}
	if n := runtime.NumGoroutine(); n > base {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines left, %d before:\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
}
