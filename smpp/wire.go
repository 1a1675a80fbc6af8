package smpp

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"
	"github.com/fiorix/go-smpp/smpp/pdu/pdutlv"
)

// Framing limits: a command_length outside them cannot be trusted to find
// the next PDU, so the connection is dropped.
const (
	minPDULen = pdu.HeaderLen
	maxPDULen = 64 << 10
)

// Command status values the client sends or branches on (SMPP 3.4 §5.1.3).
const (
	statusOK         pdu.Status = 0x00
	statusInvMsgLen  pdu.Status = 0x01 // ESME_RINVMSGLEN
	statusInvCmdID   pdu.Status = 0x03 // ESME_RINVCMDID
	statusInvBndSts  pdu.Status = 0x04 // ESME_RINVBNDSTS
	statusSysErr     pdu.Status = 0x08 // ESME_RSYSERR
	statusMsgQFul    pdu.Status = 0x14 // ESME_RMSGQFUL
	statusThrottled  pdu.Status = 0x58 // ESME_RTHROTTLED
	statusRxTempAppn pdu.Status = 0x64 // ESME_RX_T_APPN
)

// TLV tags the client reads or writes.
const (
	tagReceiptedMessageID = pdutlv.TagReceiptedMessageID // 0x001E
	tagSarMsgRefNum       = pdutlv.TagSarMsgRefNum       // 0x020C
	tagSarTotalSegments   = pdutlv.TagSarTotalSegments   // 0x020E
	tagSarSegmentSeqnum   = pdutlv.TagSarSegmentSeqnum   // 0x020F
	tagMessagePayload     = pdutlv.TagMessagePayload     // 0x0424
	tagMessageState       = pdutlv.TagMessageStateOption // 0x0427, message_state
)

// errFraming is a command_length the stream cannot be resynchronised
// after.
var errFraming = errors.New("smpp: bad command_length")

// errMalformed is a PDU body that does not decode.
var errMalformed = errors.New("smpp: malformed PDU body")

// packet is one PDU as read off or written to the wire: its header and
// its undecoded body.
type packet struct {
	id     pdu.ID
	status pdu.Status
	seq    uint32
	body   []byte
}

// isResp reports whether id is a response (its high bit set).
func isResp(id pdu.ID) bool { return id&0x80000000 != 0 }

// readPacket reads one PDU. It returns an error wrapping errFraming for a
// command_length below 16 or above 64 KiB, and the reader's error (io.EOF
// and the like) otherwise.
func readPacket(r *bufio.Reader) (packet, error) {
	var h [pdu.HeaderLen]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return packet{}, err
	}
	n := binary.BigEndian.Uint32(h[0:4])
	if n < minPDULen || n > maxPDULen {
		return packet{}, fmt.Errorf("%w: %d", errFraming, n)
	}
	p := packet{
		id:     pdu.ID(binary.BigEndian.Uint32(h[4:8])),
		status: pdu.Status(binary.BigEndian.Uint32(h[8:12])),
		seq:    binary.BigEndian.Uint32(h[12:16]),
		body:   make([]byte, n-pdu.HeaderLen),
	}
	if _, err := io.ReadFull(r, p.body); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return packet{}, err
	}
	return p, nil
}

// frame returns the wire form of p: its header, serialised by the go-smpp
// codec, then its body.
func frame(p packet) []byte {
	var b bytes.Buffer
	h := pdu.Header{Len: uint32(pdu.HeaderLen + len(p.body)), ID: p.id, Status: p.status, Seq: p.seq}
	_ = h.SerializeTo(&b) // a bytes.Buffer does not fail
	b.Write(p.body)
	return b.Bytes()
}

// commandName names a command id for logs and metric labels; ids the
// client does not know are all "unknown", so that a peer cannot grow the
// metric's cardinality.
func commandName(id pdu.ID) string {
	if s := id.String(); s != "" {
		return s
	}
	return "unknown"
}

// bodyWriter serialises mandatory fields and TLVs with the go-smpp field
// codec. It never writes sm_length itself: shortMessage writes sm_length
// and short_message together, so that they cannot disagree.
type bodyWriter struct {
	b   bytes.Buffer
	err error
}

// cstring writes a C-octet string field. A value holding a NUL is an error:
// it would end the field early and shift every field after it.
func (w *bodyWriter) cstring(name pdufield.Name, s string) {
	if w.err != nil {
		return
	}
	if bytes.IndexByte([]byte(s), 0) >= 0 {
		w.err = fmt.Errorf("smpp: field %s holds a NUL", name)
		return
	}
	w.err = pdufield.New(name, []byte(s)).SerializeTo(&w.b)
}

// u8 writes a one-octet field.
func (w *bodyWriter) u8(name pdufield.Name, v byte) {
	if w.err != nil {
		return
	}
	w.err = pdufield.New(name, []byte{v}).SerializeTo(&w.b)
}

// shortMessage writes sm_length then short_message. SMPP 3.4 allows at
// most 254 octets.
func (w *bodyWriter) shortMessage(sm []byte) {
	if w.err != nil {
		return
	}
	if len(sm) > 254 {
		w.err = fmt.Errorf("smpp: short_message of %d octets exceeds 254", len(sm))
		return
	}
	w.u8(pdufield.SMLength, byte(len(sm)))
	if w.err == nil {
		w.err = (&pdufield.SM{Data: sm}).SerializeTo(&w.b)
	}
}

// tlv writes one TLV.
func (w *bodyWriter) tlv(tag pdutlv.Tag, v []byte) {
	if w.err != nil {
		return
	}
	if len(v) > 0xFFFF {
		w.err = fmt.Errorf("smpp: TLV %s of %d octets", tag.Hex(), len(v))
		return
	}
	w.err = (&pdutlv.Field{Tag: tag, Data: v}).SerializeTo(&w.b)
}

// bytes returns the body, or the first error.
func (w *bodyWriter) bytes() ([]byte, error) {
	if w.err != nil {
		return nil, w.err
	}
	return w.b.Bytes(), nil
}

// Mandatory field lists, in wire order (SMPP 3.4 §4). They are functions,
// not package variables, so that nothing package-level can be mutated.
func deliverSMFields() pdufield.List {
	return pdufield.List{
		pdufield.ServiceType,
		pdufield.SourceAddrTON, pdufield.SourceAddrNPI, pdufield.SourceAddr,
		pdufield.DestAddrTON, pdufield.DestAddrNPI, pdufield.DestinationAddr,
		pdufield.ESMClass, pdufield.ProtocolID, pdufield.PriorityFlag,
		pdufield.ScheduleDeliveryTime, pdufield.ValidityPeriod,
		pdufield.RegisteredDelivery, pdufield.ReplaceIfPresentFlag,
		pdufield.DataCoding, pdufield.SMDefaultMsgID,
		pdufield.SMLength, pdufield.ShortMessage,
	}
}

func dataSMFields() pdufield.List {
	return pdufield.List{
		pdufield.ServiceType,
		pdufield.SourceAddrTON, pdufield.SourceAddrNPI, pdufield.SourceAddr,
		pdufield.DestAddrTON, pdufield.DestAddrNPI, pdufield.DestinationAddr,
		pdufield.ESMClass, pdufield.RegisteredDelivery, pdufield.DataCoding,
	}
}

// decodeBody decodes the mandatory fields of list, then the TLVs. The
// go-smpp decoder stops quietly at the end of its input, so a body that
// ends before the last mandatory field is caught here. Trailing bytes too
// few to be a TLV are ignored. Errors wrap errMalformed.
func decodeBody(list pdufield.List, body []byte) (pdufield.Map, pdutlv.Map, error) {
	r := bytes.NewBuffer(body)
	f, err := list.Decode(r)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", errMalformed, err)
	}
	last := list[len(list)-1]
	if _, ok := f[last]; !ok {
		return nil, nil, fmt.Errorf("%w: ends before %s", errMalformed, last)
	}
	t, err := pdutlv.DecodeTLV(r)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", errMalformed, err)
	}
	return f, t, nil
}

// fieldString returns a decoded C-octet string field, "" if absent.
func fieldString(f pdufield.Map, name pdufield.Name) string {
	if v, ok := f[name]; ok && v != nil {
		return v.String()
	}
	return ""
}

// fieldByte returns a decoded one-octet field, 0 if absent.
func fieldByte(f pdufield.Map, name pdufield.Name) byte {
	if v, ok := f[name]; ok && v != nil {
		if b := v.Bytes(); len(b) > 0 {
			return b[0]
		}
	}
	return 0
}

// fieldBytes returns a decoded octet field (short_message), nil if absent.
func fieldBytes(f pdufield.Map, name pdufield.Name) []byte {
	if v, ok := f[name]; ok && v != nil {
		return v.Bytes()
	}
	return nil
}

// tlvBytes returns a TLV's value and whether it is present.
func tlvBytes(t pdutlv.Map, tag pdutlv.Tag) ([]byte, bool) {
	v, ok := t[tag]
	if !ok || v == nil {
		return nil, false
	}
	return v.Bytes(), true
}

// cstringBody returns a body holding one C-octet string (the message_id
// of deliver_sm_resp, data_sm_resp and submit_sm_resp).
func cstringBody(s string) []byte {
	var w bodyWriter
	w.cstring(pdufield.MessageID, s)
	b, _ := w.bytes() // s is a constant without NUL in every call
	return b
}

// decodeCString returns the first C-octet string of body, "" if the body
// is empty (a resp with an error status may carry no body).
func decodeCString(body []byte) string {
	if i := bytes.IndexByte(body, 0); i >= 0 {
		return string(body[:i])
	}
	return string(body)
}
