package smpp

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"smspark/gsm"
)

// TestDataCodingTable decodes "Q" in every one of the 256 data codings: a
// text coding gives "Q" (the alphabet by SMPP 3.4 §5.2.19 and GSM 03.38 §4),
// any other is not text and is never parsed.
func TestDataCodingTable(t *testing.T) {
	want := func(dc int) alphabet {
		switch {
		case dc == 0x00, dc >= 0x10 && dc <= 0x13, dc >= 0xC0 && dc <= 0xDF, dc >= 0xF0 && dc <= 0xF3:
			return alphaGSM
		case dc == 0x01:
			return alphaIA5
		case dc == 0x03:
			return alphaLatin1
		case dc == 0x06:
			return alphaCyrillic
		case dc == 0x07:
			return alphaHebrew
		case dc == 0x08, dc >= 0x18 && dc <= 0x1B, dc >= 0xE0 && dc <= 0xEF:
			return alphaUCS2
		}
		return alphaNone // 8-bit data, compressed, reserved, unread alphabets
	}
	samples := map[alphabet][]byte{
		alphaGSM: {'Q'}, alphaIA5: {'Q'}, alphaLatin1: {'Q'}, alphaCyrillic: {'Q'}, alphaHebrew: {'Q'},
		alphaUCS2: gsm.EncodeUCS2("Q"),
	}
	for dc := range 256 {
		a := alphabetOf(byte(dc))
		if a != want(dc) {
			t.Errorf("data coding %#02x: alphabet %d, want %d", dc, a, want(dc))
			continue
		}
		sm := samples[a]
		if a == alphaNone {
			sm = []byte("Q")
		}
		d, err := decodeDeliverSM(dsm{from: motorist, to: "4411", dc: byte(dc), sm: sm}.deliverBody(t), time.UTC)
		switch {
		case err != nil:
			t.Errorf("data coding %#02x: %v", dc, err)
		case a == alphaNone && (!d.notText || d.text != "51"):
			t.Errorf("data coding %#02x: not text %v, text %q; want the octets in hex, never parsed", dc, d.notText, d.text)
		case a != alphaNone && (d.notText || d.text != "Q"):
			t.Errorf("data coding %#02x: not text %v, text %q; want Q", dc, d.notText, d.text)
		}
		if _, err := DecodeText(byte(dc), sm); (a == alphaNone) != errors.Is(err, ErrNotText) {
			t.Errorf("data coding %#02x: DecodeText error %v", dc, err)
		}
	}
}

// TestReceiptOnlyByMessageType: the message type bits of esm_class tell a
// receipt; a receipted_message_id TLV on an ordinary MO does not.
func TestReceiptOnlyByMessageType(t *testing.T) {
	tlv := []tlvKV{{tagReceiptedMessageID, []byte("abc\x00")}}
	tests := []struct {
		esm            byte
		receipt, ignor bool
	}{
		{0x00, false, false}, {0x04, true, false}, {0x20, true, false},
		{0x08, false, true}, {0x10, false, true}, {0x18, false, true}, {0x0C, false, true},
		{0x40, false, false}, // UDHI only: an ordinary MO
	}
	for _, tt := range tests {
		sm := gsmText(t, "Q 1ABC123")
		if tt.esm&ESMClassUDHI != 0 {
			sm = append([]byte{0}, sm...)
		}
		d, err := decodeDeliverSM(dsm{from: motorist, to: "4411", esm: tt.esm, sm: sm, tlvs: tlv}.deliverBody(t), time.UTC)
		if err != nil {
			t.Fatalf("esm_class %#02x: %v", tt.esm, err)
		}
		if d.receipt != tt.receipt || d.ignore != tt.ignor {
			t.Errorf("esm_class %#02x with receipted_message_id: receipt %v ignore %v, want %v %v", tt.esm, d.receipt, d.ignore, tt.receipt, tt.ignor)
		}
		if !tt.receipt && !tt.ignor && d.text != "Q 1ABC123" {
			t.Errorf("esm_class %#02x: text %q", tt.esm, d.text)
		}
	}
}

// TestBindRefusedForConfigWaitsLong: a bind refused for its credentials is
// a configuration error: shown in Status, counted, and retried only after
// RefusedRetry; a transient refusal keeps the short backoff.
func TestBindRefusedForConfigWaitsLong(t *testing.T) {
	f := newFakeSMSC(t)
	f.RefuseBind.Store(0x0E) // ESME_RINVPASWD
	smsc := testSMSC(f.addr())
	smsc.RefusedRetry = time.Hour
	reg := prometheus.NewRegistry()
	c, _ := startClient(t, []SMSC{smsc}, newFakeHandler(), func(o *ClientOptions) { o.Registerer = reg })
	waitFor(t, "the refusal in the status", func() bool { return c.Status()[0].ConfigError })
	st := c.Status()[0]
	if st.State == StateUp || !strings.Contains(st.LastError, "0xe") {
		t.Fatalf("status %+v", st)
	}
	if got := testutil.ToFloat64(c.m.refusals.WithLabelValues("proximus", "0x0e")); got != 1 {
		t.Fatalf("refusals %v", got)
	}
	if got := testutil.ToFloat64(c.m.refused.WithLabelValues("proximus")); got != 1 {
		t.Fatalf("config error gauge %v", got)
	}
	b := c.links.binds()[0]
	bo := newBackoff(smsc.ReconnectMin, smsc.ReconnectMax)
	for _, tt := range []struct {
		status uint32
		config bool
	}{{0x0E, true}, {0x0F, true}, {0x53, true}, {0x0D, false}, {0x08, false}, {0x05, false}} {
		wait := b.failed(&BindRefusal{Status: pdu.Status(tt.status)}, bo)
		if long := wait == time.Hour; long != tt.config {
			t.Errorf("status %#x: wait %v", tt.status, wait)
		}
	}
	if wait := b.failed(errors.New("connection refused"), bo); wait > smsc.ReconnectMax {
		t.Errorf("network failure: wait %v", wait)
	}
	if f.binds.Load() != 1 {
		t.Errorf("%d bind attempts within the long wait, want 1", f.binds.Load())
	}
}

// TestInterfaceVersionInBind: the bind carries the SMSC's
// interface_version.
func TestInterfaceVersionInBind(t *testing.T) {
	f := newFakeSMSC(t)
	smsc := testSMSC(f.addr())
	smsc.InterfaceVersion = 0x33
	startClient(t, []SMSC{smsc}, newFakeHandler(), nil)
	p := f.nextPeer(t)
	bind := p.received()[0]
	// system_id, password, system_type, then interface_version.
	body := bind.body
	for range 3 {
		body = body[strings.IndexByte(string(body), 0)+1:]
	}
	if body[0] != 0x33 {
		t.Fatalf("interface_version %#x", body[0])
	}
}
