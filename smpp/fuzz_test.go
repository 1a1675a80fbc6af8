package smpp

import (
	"bufio"
	"bytes"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
)

// fuzzSeeds adds the bodies of typical deliver_sm PDUs to f.
func fuzzSeeds(f *testing.F) {
	for _, d := range []dsm{
		{from: motorist, to: "4411", sm: gsmText(f, "1021 1ABC123")},
		{from: motorist, to: "4411", dc: CodingUCS2, sm: []byte{0, 'Q'}},
		{from: motorist, to: "4411", dc: 0xF4, sm: []byte{1, 2, 3}},
		{from: motorist, to: "4411", esm: 0x04, sm: []byte("id:1 stat:DELIVRD err:000")},
		{from: motorist, to: "4411", esm: 0x40, sm: []byte{5, 0, 3, 7, 2, 1, 'Q'}},
		{from: motorist, to: "4411", sm: []byte("Q"), tlvs: []tlvKV{{tagReceiptedMessageID, []byte("x\x00")}, {tagMessageState, []byte{2}}}},
		{from: motorist, to: "4411", schedule: "240115120000004+", sm: []byte("Q")},
	} {
		f.Add(d.deliverBody(f))
	}
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0})
}

// FuzzDecodeDeliverSM: no body makes the deliver_sm decoder panic or
// return text for a coding that is not text.
func FuzzDecodeDeliverSM(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := decodeDeliverSM(body, time.UTC)
		if err == nil && d.notText && d.receipt {
			t.Fatal("a receipt marked not text")
		}
	})
}

// FuzzDecodeDataSM: no body makes the data_sm decoder panic.
func FuzzDecodeDataSM(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		_, _ = decodeDataSM(body, time.UTC)
	})
}

// FuzzReadPacket: framing, then any command the read loop dispatches (the
// resps, whose bodies hold a C-string message id, and unknown commands)
// never panics.
func FuzzReadPacket(f *testing.F) {
	f.Add(frame(packet{id: pdu.SubmitSMRespID, seq: 1, body: []byte("id-1\x00")}))
	f.Add(frame(packet{id: pdu.GenericNACKID, status: 8, seq: 2}))
	f.Add(frame(packet{id: pdu.EnquireLinkID, seq: 3}))
	f.Add(frame(packet{id: 0x00000777, seq: 4, body: []byte{1, 2}}))
	f.Add(frame(packet{id: pdu.DeliverSMID, seq: 5, body: []byte{0}}))
	f.Add([]byte{0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bufio.NewReader(bytes.NewReader(b))
		for {
			p, err := readPacket(r)
			if err != nil {
				return
			}
			_ = decodeCString(p.body)
			_ = commandName(p.id)
			if p.id == pdu.DeliverSMID {
				_, _ = decodeDeliverSM(p.body, time.UTC)
			}
			if p.id == pdu.DataSMID {
				_, _ = decodeDataSM(p.body, time.UTC)
			}
		}
	})
}

// TestDecoderPanicAnswersGenericNack: a codec panic on one PDU answers
// that PDU generic_nack, and the bind stays up for the next MO.
func TestDecoderPanicAnswersGenericNack(t *testing.T) {
	f := newFakeSMSC(t)
	h := newFakeHandler()
	c, _ := startClient(t, []SMSC{testSMSC(f.addr())}, h, func(o *ClientOptions) {
		o.decode = func(p packet) (delivery, error) {
			if p.seq == 1 {
				panic("codec bug")
			}
			return decodeDeliverSM(p.body, time.UTC)
		}
	})
	p := f.nextPeer(t)
	p.deliver(t, 1, dsm{from: motorist, to: "4411", sm: gsmText(t, "Q")})
	nack := p.next(t, pdu.GenericNACKID)
	if nack.seq != 1 || nack.status != statusInvMsgLen {
		t.Fatalf("generic_nack seq %d status %#x", nack.seq, uint32(nack.status))
	}
	p.deliver(t, 2, dsm{from: motorist, to: "4411", sm: gsmText(t, "Q")})
	if r := p.resp(t, 2); r.status != 0 {
		t.Fatalf("next MO answered %#x", uint32(r.status))
	}
	if mo := h.nextMO(t); mo.Text != "Q" {
		t.Fatalf("MO %q", mo.Text)
	}
	// The client records its bind as up just after the bind_resp, which
	// the fake may follow with MOs at once: wait for the record.
	waitFor(t, "the bind up", func() bool { return c.Status()[0].State == StateUp })
	if f.binds.Load() != 1 {
		t.Fatalf("binds %d: the panic dropped the bind", f.binds.Load())
	}
}
