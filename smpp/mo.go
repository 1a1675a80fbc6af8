package smpp

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"
	"github.com/fiorix/go-smpp/smpp/pdu/pdutlv"
	"smspark/gsm"
)

// Message types of esm_class bits 2–5 (SMPP 3.4 §5.2.12) on deliver_sm.
const (
	esmTypeMask         byte = 0x3C
	esmTypeDefault      byte = 0x00 // an ordinary message: an MO
	esmTypeReceipt      byte = 0x04 // SMSC delivery receipt
	esmTypeIntermediate byte = 0x20 // intermediate delivery notification
)

// delivery is a deliver_sm or data_sm, decoded: an MO (or one part of
// one), a delivery receipt, or something else the client only acks.
type delivery struct {
	receipt   bool
	ignore    bool // an SME acknowledgement or a reserved type: acked, not handled
	from, to  string
	text      string
	notText   bool // the data coding is not text: text holds the octets in hex
	ref       uint16
	total     int // 0 or 1: not concatenated
	part      int // 1-based
	smscTime  time.Time
	rcpt      Receipt
	rcptError error // the receipt text did not parse (and no TLV said)
}

// decodeDeliverSM decodes a deliver_sm body. Dates of receipts are in loc.
// It returns an error wrapping errMalformed when the body does not decode,
// and one wrapping ErrBadText when the text does not decode in its coding.
func decodeDeliverSM(body []byte, loc *time.Location) (delivery, error) {
	f, t, err := decodeBody(deliverSMFields(), body)
	if err != nil {
		return delivery{}, err
	}
	return decodeDelivery(f, t, fieldBytes(f, pdufield.ShortMessage), loc)
}

// decodeDataSM decodes a data_sm body, whose text is in message_payload.
// Its errors are those of decodeDeliverSM.
func decodeDataSM(body []byte, loc *time.Location) (delivery, error) {
	f, t, err := decodeBody(dataSMFields(), body)
	if err != nil {
		return delivery{}, err
	}
	return decodeDelivery(f, t, nil, loc)
}

// decodeDelivery decodes what deliver_sm and data_sm share.
func decodeDelivery(f pdufield.Map, t pdutlv.Map, sm []byte, loc *time.Location) (delivery, error) {
	d := delivery{
		from: fieldString(f, pdufield.SourceAddr),
		to:   fieldString(f, pdufield.DestinationAddr),
	}
	esm := fieldByte(f, pdufield.ESMClass)
	dc := fieldByte(f, pdufield.DataCoding)
	if len(sm) == 0 {
		sm, _ = tlvBytes(t, tagMessagePayload)
	}
	// SMPP forbids schedule_delivery_time on deliver_sm, but an SMSC that
	// sets it (smspark's simulator does) says when it received the MO.
	// A relative or bad time is ignored.
	if st, err := ParseSMPPTime(fieldString(f, pdufield.ScheduleDeliveryTime)); err == nil {
		d.smscTime = st
	}
	// The message type alone tells a receipt: some SMSCs put a
	// receipted_message_id TLV on ordinary MOs.
	switch esm & esmTypeMask {
	case esmTypeDefault:
	case esmTypeReceipt, esmTypeIntermediate:
		d.receipt = true
	default: // SME delivery or user acknowledgement, conversation abort, reserved
		d.ignore = true
	}
	if esm&ESMClassUDHI != 0 {
		ud, err := parseUDH(sm)
		if err != nil {
			return delivery{}, err
		}
		sm = ud.text
		d.ref, d.total, d.part = ud.ref, ud.total, ud.part
	}
	if d.total <= 1 {
		if err := sarTLVs(t, &d); err != nil {
			return delivery{}, err
		}
	}
	if d.receipt {
		d.rcpt, d.rcptError = decodeReceipt(dc, sm, t, loc)
		return d, nil
	}
	text, err := DecodeText(dc, sm)
	switch {
	case errors.Is(err, ErrNotText):
		// Never parsed as a command: the engine answers unknown_command.
		d.notText, d.text = true, hex.EncodeToString(sm)
	case err != nil:
		return delivery{}, err
	default:
		d.text = text
	}
	return d, nil
}

// userData is a short_message split from its user data header.
type userData struct {
	text   []byte
	ref    uint16
	total  int
	part   int
	concat bool
}

// parseUDH splits a user data header off sm and reads its concatenation
// element (IEI 0x00, 8-bit reference, or 0x08, 16-bit reference); other
// elements are skipped. It returns an error wrapping errMalformed when the
// header overruns sm or a concatenation element is inconsistent.
func parseUDH(sm []byte) (userData, error) {
	if len(sm) == 0 {
		return userData{}, fmt.Errorf("%w: UDHI set on an empty message", errMalformed)
	}
	n := int(sm[0])
	if 1+n > len(sm) {
		return userData{}, fmt.Errorf("%w: UDH of %d octets in a message of %d", errMalformed, n, len(sm))
	}
	ud := userData{text: sm[1+n:]}
	h := sm[1 : 1+n]
	for len(h) >= 2 {
		iei, l := h[0], int(h[1])
		if 2+l > len(h) {
			return userData{}, fmt.Errorf("%w: UDH element %#x overruns the header", errMalformed, iei)
		}
		v := h[2 : 2+l]
		switch {
		case iei == 0x00 && l == 3:
			ud.ref, ud.total, ud.part, ud.concat = uint16(v[0]), int(v[1]), int(v[2]), true
		case iei == 0x08 && l == 4:
			ud.ref, ud.total, ud.part, ud.concat = binary.BigEndian.Uint16(v[0:2]), int(v[2]), int(v[3]), true
		}
		h = h[2+l:]
	}
	if ud.concat {
		if err := checkPart(ud.total, ud.part); err != nil {
			return userData{}, err
		}
	}
	return ud, nil
}

// sarTLVs reads the SAR TLVs into d, when all three are there.
func sarTLVs(t pdutlv.Map, d *delivery) error {
	ref, ok1 := tlvBytes(t, tagSarMsgRefNum)
	total, ok2 := tlvBytes(t, tagSarTotalSegments)
	seq, ok3 := tlvBytes(t, tagSarSegmentSeqnum)
	if !ok1 || !ok2 || !ok3 {
		return nil
	}
	if len(ref) != 2 || len(total) != 1 || len(seq) != 1 {
		return fmt.Errorf("%w: SAR TLVs of bad length", errMalformed)
	}
	d.ref, d.total, d.part = binary.BigEndian.Uint16(ref), int(total[0]), int(seq[0])
	return checkPart(d.total, d.part)
}

// checkPart checks a concatenation element's part number against its
// total.
func checkPart(total, part int) error {
	if total == 0 || part == 0 || part > total {
		return fmt.Errorf("%w: part %d of %d", errMalformed, part, total)
	}
	return nil
}

// decodeReceipt decodes a delivery receipt: its text, overridden by the
// receipted_message_id and message_state TLVs where the SMSC gives them.
// The error says the text did not parse and no TLV made up for it.
func decodeReceipt(dc byte, sm []byte, t pdutlv.Map, loc *time.Location) (Receipt, error) {
	text, err := DecodeText(dc, sm)
	if err != nil {
		text = gsm.DecodeLatin1(sm)
	}
	r, perr := parseReceiptIn(text, loc)
	if id, ok := tlvBytes(t, tagReceiptedMessageID); ok {
		r.MessageID = decodeCString(id)
		perr = nil
	}
	if st, ok := tlvBytes(t, tagMessageState); ok && len(st) == 1 {
		r.State = messageStateName(st[0])
		r.Delivered = st[0] == 2
	}
	return r, perr
}

// moKey is MO.Key of a single deliver_sm: SMSC, sender, a hash of the
// text and the SMSC's time when it gives one (the same MO redelivered has
// the same key), else a random id (every MO is new to the engine; the
// ledger tells redeliveries).
func moKey(smsc, from, text string, smscTime time.Time) string {
	if !smscTime.IsZero() {
		return keyPrefix(smsc, from, text) + smscTime.Format(time.RFC3339Nano) // SMPP times carry tenths
	}
	var id [8]byte
	_, _ = rand.Read(id[:]) // never fails
	return keyPrefix(smsc, from, text) + "id:" + hex.EncodeToString(id[:])
}

// partsKey is MO.Key of a concatenated MO: its SMSC time, else its
// reference and when its first part was received (both kept with the
// parts, so the key is stable across restarts).
func partsKey(smsc, from, text string, smscTime time.Time, ref uint16, total int, first time.Time) string {
	if !smscTime.IsZero() {
		return keyPrefix(smsc, from, text) + smscTime.Format(time.RFC3339Nano)
	}
	return keyPrefix(smsc, from, text) + "ref:" + strconv.Itoa(int(ref)) + "/" + strconv.Itoa(total) +
		"@" + strconv.FormatInt(first.UnixNano(), 10)
}

func keyPrefix(smsc, from, text string) string {
	sum := sha256.Sum256([]byte(text))
	return smsc + "|" + from + "|" + hex.EncodeToString(sum[:])[:16] + "|"
}

// respIDOf returns the resp command id of request id.
func respIDOf(id pdu.ID) pdu.ID { return id | 0x80000000 }
