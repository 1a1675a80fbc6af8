package smpp

import (
	"errors"
	"testing"
	"time"

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
