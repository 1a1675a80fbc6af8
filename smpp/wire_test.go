package smpp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"

	"smspark/gsm"
)

// TestDeliverSMHasNoExtraByteBeforeText: go-smpp's NewDeliverSM writes a
// 0x00 (its empty UDH length) between sm_length and the text, which a GSM
// decoder reads as '@'. The client decodes the layout of SMPP 3.4 §4.6.1,
// written here byte by byte, and the fakes encode it the same way.
func TestDeliverSMHasNoExtraByteBeforeText(t *testing.T) {
	var spec []byte
	spec = append(spec, 0)                                    // service_type
	spec = append(spec, 1, 1)                                 // source TON, NPI
	spec = append(spec, append([]byte(motorist), 0)...)       // source_addr
	spec = append(spec, 3, 0)                                 // dest TON, NPI
	spec = append(spec, append([]byte("4411"), 0)...)         // destination_addr
	spec = append(spec, 0, 0, 0, 0, 0, 0, 0, CodingGSM, 0, 2) // esm … sm_length
	spec = append(spec, 'H', 'i')                             // short_message
	ours := dsm{from: motorist, to: "4411", sm: []byte("Hi")}.deliverBody(t)
	if !bytes.Equal(ours, spec) {
		t.Fatalf("encoded\n% x\nwant\n% x", ours, spec)
	}
	d, err := decodeDeliverSM(spec, time.UTC)
	if err != nil || d.text != "Hi" {
		t.Fatalf("decoded %q, %v", d.text, err)
	}

	// go-smpp's own encoder, for the record.
	b := pdu.NewDeliverSM()
	f := b.Fields()
	_ = f.Set(pdufield.SourceAddrTON, 1)
	_ = f.Set(pdufield.SourceAddrNPI, 1)
	_ = f.Set(pdufield.SourceAddr, motorist)
	_ = f.Set(pdufield.DestAddrTON, 3)
	_ = f.Set(pdufield.DestinationAddr, "4411")
	_ = f.Set(pdufield.ShortMessage, "Hi")
	var buf bytes.Buffer
	if err := b.SerializeTo(&buf); err != nil {
		t.Fatal(err)
	}
	theirs := buf.Bytes()[pdu.HeaderLen:]
	want := append(append(append([]byte(nil), spec[:len(spec)-2]...), 0), 'H', 'i')
	if !bytes.Equal(theirs, want) {
		t.Logf("go-smpp may have changed: % x", theirs)
	} else if d, _ := decodeDeliverSM(theirs, time.UTC); d.text == "Hi" {
		t.Fatal("go-smpp's extra byte went unnoticed")
	}
}

// TestSMLengthNeverOverflows: go-smpp keeps sm_length as a byte computed
// from the text, so a longer text silently wraps it. Here short_message
// never exceeds 254 octets (longer is an error), MT parts are well within,
// and a long MO in message_payload arrives whole.
func TestSMLengthNeverOverflows(t *testing.T) {
	var w bodyWriter
	w.shortMessage(make([]byte, 255))
	if _, err := w.bytes(); err == nil {
		t.Fatal("a short_message of 255 octets was encoded")
	}
	for _, s := range []string{strings.Repeat("a", 1000), strings.Repeat("€", 500), strings.Repeat("Ł", 700)} {
		_, parts, _ := EncodeText(s)
		for _, p := range parts {
			if len(p) > 160 {
				t.Fatalf("part of %d octets", len(p))
			}
		}
	}
	long := strings.Repeat("Ω", 300) // 600 octets in UCS-2
	d := dsm{from: motorist, to: "4411", dc: CodingUCS2, tlvs: []tlvKV{{tagMessagePayload, gsm.EncodeUCS2(long)}}}
	got, err := decodeDeliverSM(d.deliverBody(t), time.UTC)
	if err != nil || got.text != long {
		t.Fatalf("message_payload MO: %d runes, %v", len([]rune(got.text)), err)
	}
}

func TestDecodeDeliverSMText(t *testing.T) {
	tests := []struct {
		name string
		dc   byte
		sm   []byte
		want string
	}{
		{"GSM 03.38 unpacked", CodingGSM, mustGSM(t, "1021 1ABC123 @£€"), "1021 1ABC123 @£€"},
		{"GSM with message class", 0xF1, mustGSM(t, "Q"), "Q"},
		{"IA5", CodingIA5, []byte("Q 1ABC123"), "Q 1ABC123"},
		{"IA5 with a high byte", CodingIA5, []byte{'c', 'a', 'f', 0xE9}, "café"},
		{"Latin-1", CodingLatin1, []byte{'c', 'a', 'f', 0xE9}, "café"},
		{"UCS-2", CodingUCS2, gsm.EncodeUCS2("Ωμέγα 😀"), "Ωμέγα 😀"},
		{"UCS-2 class 0", 0x18, gsm.EncodeUCS2("Q 1ABC123"), "Q 1ABC123"},
		{"Cyrillic", 0x06, []byte{'Q', ' ', 0xB1}, "Q Б"},
		{"8-bit binary, as hex", 0x04, []byte("zürich"), "7ac3bc72696368"},
		{"8-bit data with class, as hex", 0xF4, []byte{'z', 0xFC, 'r'}, "7afc72"},
		{"empty", CodingGSM, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := decodeDeliverSM(dsm{from: motorist, to: "4411", dc: tt.dc, sm: tt.sm}.deliverBody(t), time.UTC)
			if err != nil || d.text != tt.want {
				t.Fatalf("got %q, %v; want %q", d.text, err, tt.want)
			}
		})
	}
}

func mustGSM(t testing.TB, s string) []byte {
	t.Helper()
	b, err := gsm.Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadPacketFraming(t *testing.T) {
	tests := []struct {
		n  uint32
		ok bool
	}{
		{15, false}, {16, true}, {17, true}, {64 << 10, true}, {64<<10 + 1, false},
	}
	for _, tt := range tests {
		b := make([]byte, tt.n)
		if tt.n < 16 {
			b = make([]byte, 16)
		}
		binary.BigEndian.PutUint32(b, tt.n)
		binary.BigEndian.PutUint32(b[4:], uint32(pdu.EnquireLinkID))
		_, err := readPacket(bufio.NewReader(bytes.NewReader(b)))
		if (err == nil) != tt.ok || (!tt.ok && !errors.Is(err, errFraming)) {
			t.Errorf("command_length %d: %v", tt.n, err)
		}
	}
}

// TestReceiptIsHandledAndAcked: delivery receipts by esm_class or by the
// receipted_message_id TLV reach HandleReceipt, and are acked when it
// returns nil, ESME_RX_T_APPN otherwise.
func TestReceiptIsHandledAndAcked(t *testing.T) {
	brussels, _ := time.LoadLocation("Europe/Brussels")
	text := "id:0A1B2C sub:001 dlvrd:001 submit date:2401151200 done date:2401151201 stat:DELIVRD err:000 text:Parking started"
	tests := []struct {
		name string
		d    dsm
		want Receipt
	}{
		{"text", dsm{esm: esmTypeReceipt, sm: []byte(text)},
			Receipt{SMSC: "proximus", MessageID: "0A1B2C", State: "DELIVRD", Delivered: true, Err: "000",
				Done: time.Date(2024, 1, 15, 12, 1, 0, 0, brussels)}},
		{"TLVs", dsm{esm: esmTypeReceipt, tlvs: []tlvKV{{tagReceiptedMessageID, []byte("XYZ\x00")}, {tagMessageState, []byte{5}}}},
			Receipt{SMSC: "proximus", MessageID: "XYZ", State: "UNDELIV"}},
		{"intermediate notification", dsm{esm: 0x20, sm: []byte("id:1 stat:ENROUTE err:000")},
			Receipt{SMSC: "proximus", MessageID: "1", State: "ENROUTE", Err: "000"}},
	}
	f := newFakeSMSC(t)
	h := newFakeHandler()
	var fail bool
	failing := make(chan bool, 1)
	h.onRcpt = func(context.Context, Receipt) error {
		if <-failing {
			return errors.New("outbox busy")
		}
		return nil
	}
	startClient(t, []SMSC{testSMSC(f.addr())}, h, nil)
	p := f.nextPeer(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.d.from, tt.d.to = motorist, "4411"
			for _, fail = range []bool{true, false} {
				seq := uint32(10*i) + map[bool]uint32{true: 1, false: 2}[fail]
				failing <- fail
				p.deliver(t, seq, tt.d)
				want := pdu.Status(0)
				if fail {
					want = statusRxTempAppn
				}
				if r := p.resp(t, seq); r.status != want {
					t.Fatalf("answered %#x, want %#x", uint32(r.status), uint32(want))
				}
			}
			select {
			case r := <-h.rcpts:
				if !r.Done.Equal(tt.want.Done) {
					t.Errorf("done %v, want %v", r.Done, tt.want.Done)
				}
				r.Done, tt.want.Done = time.Time{}, time.Time{}
				if r != tt.want {
					t.Errorf("receipt %+v, want %+v", r, tt.want)
				}
			case <-time.After(waitLimit):
				t.Fatal("no receipt")
			}
			h.noMO(t)
		})
	}
}

// TestMOKeyAndSMSCTime: the SMSC's time comes from schedule_delivery_time
// (with its quarter-hour offset) and makes the key; without it, the
// key is unique to the delivery.
func TestMOKeyAndSMSCTime(t *testing.T) {
	f := newFakeSMSC(t)
	h := newFakeHandler()
	received := time.Date(2024, 1, 15, 11, 0, 5, 0, time.UTC)
	startClient(t, []SMSC{testSMSC(f.addr())}, h, func(o *ClientOptions) { o.Clock = func() time.Time { return received } })
	p := f.nextPeer(t)
	p.deliver(t, 42, dsm{from: motorist, to: "4411", sm: gsmText(t, "Q"), schedule: "240115120000004+"})
	mo := h.nextMO(t)
	wantTime := time.Date(2024, 1, 15, 11, 0, 0, 0, time.UTC)
	if !mo.SMSCTime.Equal(wantTime) || !mo.Received.Equal(received) {
		t.Fatalf("SMSC time %v received %v", mo.SMSCTime, mo.Received)
	}
	if want := "proximus|" + motorist + "|"; !strings.HasPrefix(mo.Key, want) || !strings.HasSuffix(mo.Key, "|2024-01-15T12:00:00+01:00") {
		t.Fatalf("key %q", mo.Key)
	}
	hash := strings.Split(mo.Key, "|")[2]
	if len(hash) != 16 {
		t.Fatalf("hash %q", hash)
	}
	p.deliver(t, 43, dsm{from: motorist, to: "4411", sm: gsmText(t, "Q"), schedule: "000001000000000R"})
	mo = h.nextMO(t)
	if !mo.SMSCTime.IsZero() || !strings.HasPrefix(mo.Key, "proximus|"+motorist+"|"+hash+"|id:") {
		t.Fatalf("key %q, SMSC time %v", mo.Key, mo.SMSCTime)
	}
	p.deliver(t, 43, dsm{from: motorist, to: "4411", sm: gsmText(t, "Q")})
	if again := h.nextMO(t); again.Key == mo.Key {
		t.Fatalf("two MOs without SMSC time share the key %q", mo.Key)
	}
}
