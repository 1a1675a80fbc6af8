package smsc_test

import (
	"errors"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"

	"smspark/smpp/smsc"
)

func TestParseFault(t *testing.T) {
	tests := []struct {
		in      string
		want    smsc.Fault
		wantErr error
	}{
		{"none", smsc.Fault{Kind: smsc.FaultNone}, nil},
		{"", smsc.Fault{Kind: smsc.FaultNone}, nil},
		{"No-Response", smsc.Fault{Kind: smsc.FaultNoResponse}, nil},
		{"generic-nack", smsc.Fault{Kind: smsc.FaultGenericNack}, nil},
		{"bind-refused", smsc.Fault{Kind: smsc.FaultBindRefused}, nil},
		{"bad-command-length", smsc.Fault{Kind: smsc.FaultBadCommandLength}, nil},
		{"unbind-during-submit", smsc.Fault{Kind: smsc.FaultUnbindDuringSubmit}, nil},
		{"drop-connection", smsc.Fault{Kind: smsc.FaultDropConnection}, nil},
		{"throttle=10", smsc.Fault{Kind: smsc.FaultThrottle, PerSecond: 10}, nil},
		{"throttle:5", smsc.Fault{Kind: smsc.FaultThrottle, PerSecond: 5}, nil},
		{"queue-full", smsc.Fault{Kind: smsc.FaultQueueFull}, nil},
		{"slow=250ms", smsc.Fault{Kind: smsc.FaultSlow, Delay: 250 * time.Millisecond}, nil},
		{"unknown-pdu", smsc.Fault{Kind: smsc.FaultUnknownPDU}, nil},
		{"throttle", smsc.Fault{}, smsc.ErrBadFault},
		{"throttle=0", smsc.Fault{}, smsc.ErrBadFault},
		{"throttle=x", smsc.Fault{}, smsc.ErrBadFault},
		{"slow=-1s", smsc.Fault{}, smsc.ErrBadFault},
		{"slow", smsc.Fault{}, smsc.ErrBadFault},
		{"queue-full=3", smsc.Fault{}, smsc.ErrBadFault},
		{"explode", smsc.Fault{}, smsc.ErrUnknownFault},
		{"explode=3", smsc.Fault{}, smsc.ErrUnknownFault},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := smsc.ParseFault(tt.in)
			if !errors.Is(err, tt.wantErr) || got != tt.want {
				t.Fatalf("ParseFault(%q) = %+v, %v; want %+v, %v", tt.in, got, err, tt.want, tt.wantErr)
			}
			if err != nil {
				return
			}
			if back, err := smsc.ParseFault(got.String()); err != nil || back != got {
				t.Errorf("String %q does not parse back: %+v, %v", got.String(), back, err)
			}
		})
	}
	for _, k := range smsc.FaultKinds() {
		if k == smsc.FaultThrottle || k == smsc.FaultSlow {
			continue
		}
		if _, err := smsc.ParseFault(string(k)); err != nil {
			t.Errorf("ParseFault(%q): %v", k, err)
		}
	}
}

func setFault(t *testing.T, s *smsc.Server, spec string) {
	t.Helper()
	f, err := smsc.ParseFault(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetFault(f); err != nil {
		t.Fatal(err)
	}
}

func gsmText(t *testing.T, e *esme, to string) uint32 {
	t.Helper()
	return e.submit("4411", to, 0, 0, 0, []byte("Parking started"), nil)
}

func TestFaults(t *testing.T) {
	t.Run("no-response", func(t *testing.T) {
		s := startServer(t, smsc.Options{})
		e := bound(t, s, pdu.BindTransceiverID)
		setFault(t, s, "no-response")
		gsmText(t, e, "32475000001")
		e.header(pdu.EnquireLinkID)
		if err := s.WaitStats(testCtx(t), func(st smsc.Stats) bool {
			return st.SubmitSMs == 1 && st.EnquireLinksReceived == 1
		}); err != nil {
			t.Fatal(err)
		}
		setFault(t, s, "none")
		seq := e.header(pdu.EnquireLinkID)
		// The first thing back answers the last request: the two before
		// were never answered.
		if f := e.read(); f.id != pdu.EnquireLinkRespID || f.seq != seq {
			t.Fatalf("got %s seq %d, want enquire_link_resp %d", f.id, f.seq, seq)
		}
	})

	t.Run("generic-nack", func(t *testing.T) {
		s := startServer(t, smsc.Options{})
		e := bound(t, s, pdu.BindTransceiverID)
		setFault(t, s, "generic-nack")
		seq := gsmText(t, e, "32475000001")
		if f := e.expect(pdu.GenericNACKID); f.seq != seq || f.status != smsc.StatusSysErr {
			t.Fatalf("generic_nack seq %d status %s", f.seq, f.status)
		}
		if st := s.Stats(); st.GenericNacksSent != 1 || st.MTs != 0 {
			t.Errorf("Stats = %+v", st)
		}
	})

	t.Run("bind-refused", func(t *testing.T) {
		s := startServer(t, smsc.Options{})
		setFault(t, s, "bind-refused")
		e := dial(t, s)
		if st := e.bind(pdu.BindTransceiverID, "smspark", "secret"); st != smsc.StatusBindFail {
			t.Fatalf("bind = %s, want ESME_RBINDFAIL", st)
		}
		e.expectEOF()
		setFault(t, s, "none")
		bound(t, s, pdu.BindTransceiverID)
		if st := s.Stats(); st.BindsRefused != 1 || st.Binds != 1 {
			t.Errorf("Stats = %+v", st)
		}
	})

	t.Run("bad-command-length", func(t *testing.T) {
		s := startServer(t, smsc.Options{})
		e := bound(t, s, pdu.BindTransceiverID)
		setFault(t, s, "bad-command-length")
		if f := e.read(); f.length >= 16 {
			t.Fatalf("command_length %d, want < 16", f.length)
		}
		if k := s.Fault().Kind; k != smsc.FaultNone {
			t.Errorf("fault after one shot = %s", k)
		}
		seq := e.header(pdu.EnquireLinkID) // the SMSC carries on
		if f := e.expect(pdu.EnquireLinkRespID); f.seq != seq {
			t.Errorf("enquire_link_resp seq %d, want %d", f.seq, seq)
		}
	})

	t.Run("bad-command-length on the next bind", func(t *testing.T) {
		s := startServer(t, smsc.Options{})
		setFault(t, s, "bad-command-length")
		e := bound(t, s, pdu.BindTransmitterID)
		if f := e.read(); f.length >= 16 {
			t.Fatalf("command_length %d, want < 16", f.length)
		}
		if st := s.Stats(); st.BadLengthsSent != 1 {
			t.Errorf("Stats = %+v", st)
		}
	})

	t.Run("unbind-during-submit", func(t *testing.T) {
		s := startServer(t, smsc.Options{})
		e := bound(t, s, pdu.BindTransceiverID)
		setFault(t, s, "unbind-during-submit")
		gsmText(t, e, "32475000001")
		u := e.expect(pdu.UnbindID)
		e.respond(u, smsc.StatusOK)
		e.expectEOF()
		if k := s.Fault().Kind; k != smsc.FaultNone {
			t.Errorf("fault after one shot = %s", k)
		}
	})

	t.Run("drop-connection", func(t *testing.T) {
		s := startServer(t, smsc.Options{})
		e := bound(t, s, pdu.BindTransceiverID)
		ctx := testCtx(t)
		setFault(t, s, "drop-connection")
		type result struct {
			d   smsc.Delivery
			err error
		}
		done := make(chan result, 1)
		go func() {
			d, err := s.DeliverMO(ctx, smsc.MO{From: "+32475000001", To: "4411", Text: "I"})
			done <- result{d, err}
		}()
		f := e.expect(pdu.DeliverSMID)
		e.respond(f, smsc.StatusOK) // the next PDU from the ESME: dropped with the link
		e.expectEOF()
		r := <-done
		if !errors.Is(r.err, smsc.ErrConnClosed) {
			t.Fatalf("DeliverMO = %v, want ErrConnClosed", r.err)
		}
		// As a real SMSC: the MO is delivered again once the ESME is back.
		e2 := bound(t, s, pdu.BindTransceiverID)
		go func() {
			d, err := s.Redeliver(ctx, r.d)
			done <- result{d, err}
		}()
		if _, text := e2.readMO(smsc.StatusOK); text != "I" {
			t.Errorf("redelivered %q", text)
		}
		if r := <-done; r.err != nil || !r.d.OK() || r.d.Attempts != 2 {
			t.Errorf("Redeliver = %+v, %v", r.d, r.err)
		}
		if st := s.Stats(); st.Drops != 1 {
			t.Errorf("Stats = %+v", st)
		}
	})

	t.Run("throttle", func(t *testing.T) {
		clock := &fakeClock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
		s := startServer(t, smsc.Options{Clock: clock.Now})
		e := bound(t, s, pdu.BindTransceiverID)
		setFault(t, s, "throttle=3")
		var seqs []uint32
		for range 5 {
			seqs = append(seqs, gsmText(t, e, "32475000001"))
		}
		want := []smsc.Status{smsc.StatusOK, smsc.StatusOK, smsc.StatusOK, smsc.StatusThrottled, smsc.StatusThrottled}
		for i, seq := range seqs {
			if f := e.expect(pdu.SubmitSMRespID); f.seq != seq || f.status != want[i] {
				t.Errorf("submit %d: seq %d status %s, want %d %s", i, f.seq, f.status, seq, want[i])
			}
		}
		clock.Add(time.Second)
		gsmText(t, e, "32475000001")
		if f := e.expect(pdu.SubmitSMRespID); f.status != smsc.StatusOK {
			t.Errorf("next second: %s", f.status)
		}
		if st := s.Stats(); st.Throttled != 2 || st.MTs != 4 {
			t.Errorf("Stats = %+v", st)
		}
	})

	t.Run("queue-full", func(t *testing.T) {
		s := startServer(t, smsc.Options{})
		e := bound(t, s, pdu.BindTransceiverID)
		setFault(t, s, "queue-full")
		for range 2 {
			gsmText(t, e, "32475000001")
			if f := e.expect(pdu.SubmitSMRespID); f.status != smsc.StatusMsgQFul {
				t.Errorf("status %s, want ESME_RMSGQFUL", f.status)
			}
		}
		if st := s.Stats(); st.QueueFull != 2 || st.MTs != 0 {
			t.Errorf("Stats = %+v", st)
		}
	})

	t.Run("slow", func(t *testing.T) {
		s := startServer(t, smsc.Options{})
		e := bound(t, s, pdu.BindTransceiverID)
		const delay = 30 * time.Millisecond
		setFault(t, s, "slow=30ms")
		start := time.Now()
		gsmText(t, e, "32475000001")
		if f := e.expect(pdu.SubmitSMRespID); f.status != smsc.StatusOK {
			t.Errorf("status %s", f.status)
		}
		if waited := time.Since(start); waited < delay {
			t.Errorf("response after %s, want at least %s", waited, delay)
		}
	})

	t.Run("unknown-pdu", func(t *testing.T) {
		s := startServer(t, smsc.Options{})
		e := bound(t, s, pdu.BindTransceiverID)
		setFault(t, s, "unknown-pdu")
		f := e.expect(smsc.UnknownCommandID)
		e.respond(rawFrame{id: pdu.GenericNACKID &^ 0x80000000, seq: f.seq}, smsc.StatusInvCmdID)
		if err := s.WaitStats(testCtx(t), func(st smsc.Stats) bool { return st.UnknownPDUsNacked == 1 }); err != nil {
			t.Fatalf("%v: %+v", err, s.Stats())
		}
		if st := s.Stats(); st.UnknownPDUsSent != 1 || st.GenericNacksRecv != 1 {
			t.Errorf("Stats = %+v", st)
		}
	})

	t.Run("bad values are refused", func(t *testing.T) {
		s := startServer(t, smsc.Options{})
		if err := s.SetFault(smsc.Fault{Kind: "explode"}); !errors.Is(err, smsc.ErrUnknownFault) {
			t.Errorf("SetFault(explode) = %v", err)
		}
		if err := s.SetFault(smsc.Fault{Kind: smsc.FaultThrottle}); !errors.Is(err, smsc.ErrBadFault) {
			t.Errorf("SetFault(throttle 0) = %v", err)
		}
		if k := s.Fault().Kind; k != smsc.FaultNone {
			t.Errorf("fault = %s", k)
		}
	})
}
