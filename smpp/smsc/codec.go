package smsc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"
	"github.com/fiorix/go-smpp/smpp/pdu/pdutlv"
)

// maxPDU bounds command_length; a longer PDU is answered generic_nack
// ESME_RINVCMDLEN and the connection closed, as framing is then lost.
const maxPDU = 64 * 1024

// respBit marks a response command_id.
const respBit = 0x80000000

// TLV tags the simulator writes or reads.
const (
	tagReceiptedMessageID = 0x001E
	tagSarMsgRefNum       = 0x020C
	tagSarTotalSegments   = 0x020E
	tagSarSegmentSeqnum   = 0x020F
	tagMessagePayload     = 0x0424
	tagMessageState       = 0x0427
)

// esm_class bits.
const (
	esmUDHI    = 0x40
	esmReceipt = 0x04
)

// Data codings the simulator reads and writes.
const (
	codingGSM    = 0x00
	codingIA5    = 0x01
	codingLatin1 = 0x03
	codingUCS2   = 0x08
)

var (
	errBadLength   = errors.New("bad command_length")
	errMalformed   = errors.New("malformed PDU body")
	errBadCoding   = errors.New("unsupported or invalid text")
	errBadConcat   = errors.New("bad concatenation header")
	errTooManyPart = errors.New("text needs more than 255 parts")
)

// frame is one PDU off the wire.
type frame struct {
	id     pdu.ID
	status Status
	seq    uint32
	raw    []byte // the whole PDU, header included
}

// readFrame reads one PDU. A command_length below 16 or above maxPDU
// returns the header read so far and an error wrapping errBadLength.
func readFrame(r io.Reader) (frame, error) {
	var h [pdu.HeaderLen]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return frame{}, err
	}
	n := binary.BigEndian.Uint32(h[0:4])
	f := frame{
		id:     pdu.ID(binary.BigEndian.Uint32(h[4:8])),
		status: Status(binary.BigEndian.Uint32(h[8:12])),
		seq:    binary.BigEndian.Uint32(h[12:16]),
	}
	if n < pdu.HeaderLen || n > maxPDU {
		return f, fmt.Errorf("%w: %d", errBadLength, n)
	}
	f.raw = make([]byte, n)
	copy(f.raw, h[:])
	if _, err := io.ReadFull(r, f.raw[pdu.HeaderLen:]); err != nil {
		return frame{}, err
	}
	return f, nil
}

// withSeq returns a copy of raw with its sequence_number set to seq.
func withSeq(raw []byte, seq uint32) []byte {
	b := bytes.Clone(raw)
	binary.BigEndian.PutUint32(b[12:16], seq)
	return b
}

// serialize encodes a fiorix PDU with the given sequence number and status.
func serialize(p pdu.Body, seq uint32, st Status) ([]byte, error) {
	p.Header().Seq = seq
	p.Header().Status = pdu.Status(st)
	var b bytes.Buffer
	if err := p.SerializeTo(&b); err != nil {
		return nil, fmt.Errorf("encode %s: %w", p.Header().ID, err)
	}
	return b.Bytes(), nil
}

// headerOnly returns a PDU of just a header (generic_nack,
// enquire_link(_resp), unbind(_resp), or a deliberately bad one).
func headerOnly(id pdu.ID, st Status, seq uint32, length uint32) []byte {
	b := make([]byte, pdu.HeaderLen)
	binary.BigEndian.PutUint32(b[0:4], length)
	binary.BigEndian.PutUint32(b[4:8], uint32(id))
	binary.BigEndian.PutUint32(b[8:12], uint32(st))
	binary.BigEndian.PutUint32(b[12:16], seq)
	return b
}

// cstringResp returns a response whose body is one C-octet string
// (submit_sm_resp, data_sm_resp, deliver_sm_resp, bind_*_resp).
func cstringResp(id pdu.ID, st Status, seq uint32, s string) []byte {
	var b bytes.Buffer
	b.Write(headerOnly(id, st, seq, 0))
	b.WriteString(s)
	b.WriteByte(0)
	out := b.Bytes()
	binary.BigEndian.PutUint32(out[0:4], uint32(len(out)))
	return out
}

// smPart is one submit_sm, data_sm or deliver_sm, decoded.
type smPart struct {
	src, dst               string
	srcTON, srcNPI         byte
	dstTON, dstNPI         byte
	esm, regDelivery, dc   byte
	payload                []byte // short_message or message_payload, UDH included
	tlvs                   map[uint16][]byte
	scheduleDeliveryTime   string
	concat                 bool
	ref, total, seqInTotal int
	refKind                string // "8", "16" or "sar"
	text                   []byte // payload without UDH
}

// deliverSMFields are what the simulator puts in a deliver_sm.
type deliverSMFields struct {
	src, dst       string
	srcTON, srcNPI byte
	dstTON, dstNPI byte
	esm, dc        byte
	schedule       string
	sm             []byte
	tlvs           []tlv
}

type tlv struct {
	tag   uint16
	value []byte
}

// encodeDeliverSM builds a deliver_sm with fiorix's codec, sequence 0.
// fiorix's DeliverSM field list carries a UDH length and UDH list before
// short_message; left unset they serialise as a stray 0x00, so both are
// set to empty fields: the UDH, if any, is part of short_message here.
func encodeDeliverSM(d deliverSMFields) ([]byte, error) {
	if len(d.sm) > 254 {
		return nil, fmt.Errorf("%w: short_message of %d octets", errMalformed, len(d.sm))
	}
	p := pdu.NewDeliverSM()
	f := p.Fields()
	var err error
	set := func(k pdufield.Name, v any) {
		if err == nil {
			err = f.Set(k, v)
		}
	}
	set(pdufield.ServiceType, "")
	set(pdufield.SourceAddrTON, d.srcTON)
	set(pdufield.SourceAddrNPI, d.srcNPI)
	set(pdufield.SourceAddr, d.src)
	set(pdufield.DestAddrTON, d.dstTON)
	set(pdufield.DestAddrNPI, d.dstNPI)
	set(pdufield.DestinationAddr, d.dst)
	set(pdufield.ESMClass, d.esm)
	set(pdufield.ProtocolID, uint8(0))
	set(pdufield.PriorityFlag, uint8(0))
	set(pdufield.ScheduleDeliveryTime, d.schedule)
	set(pdufield.ValidityPeriod, "")
	set(pdufield.RegisteredDelivery, uint8(0))
	set(pdufield.ReplaceIfPresentFlag, uint8(0))
	set(pdufield.DataCoding, d.dc)
	set(pdufield.SMDefaultMsgID, uint8(0))
	set(pdufield.ShortMessage, d.sm) // sets sm_length too
	set(pdufield.UDHLength, &pdufield.SM{})
	set(pdufield.GSMUserData, &pdufield.SM{})
	for _, t := range d.tlvs {
		if err == nil {
			err = p.TLVFields().Set(pdutlv.Tag(t.tag), t.value)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("encode deliver_sm: %w", err)
	}
	return serialize(p, 0, StatusOK)
}

// encodeDataSM builds a data_sm (which fiorix does not implement) with
// fiorix's field codec, sequence 0; the text goes in message_payload.
func encodeDataSM(d deliverSMFields) ([]byte, error) {
	fields := []pdufield.Body{
		&pdufield.Variable{Data: []byte{}}, // service_type
		&pdufield.Fixed{Data: d.srcTON},
		&pdufield.Fixed{Data: d.srcNPI},
		&pdufield.Variable{Data: []byte(d.src)},
		&pdufield.Fixed{Data: d.dstTON},
		&pdufield.Fixed{Data: d.dstNPI},
		&pdufield.Variable{Data: []byte(d.dst)},
		&pdufield.Fixed{Data: d.esm},
		&pdufield.Fixed{Data: 0}, // registered_delivery
		&pdufield.Fixed{Data: d.dc},
	}
	var b bytes.Buffer
	b.Write(headerOnly(pdu.DataSMID, StatusOK, 0, 0))
	for _, f := range fields {
		if err := f.SerializeTo(&b); err != nil {
			return nil, fmt.Errorf("encode data_sm: %w", err)
		}
	}
	tlvs := append([]tlv{{tagMessagePayload, d.sm}}, d.tlvs...)
	for _, t := range tlvs {
		f := pdutlv.Field{Tag: pdutlv.Tag(t.tag), Data: t.value}
		if err := f.SerializeTo(&b); err != nil {
			return nil, fmt.Errorf("encode data_sm: %w", err)
		}
	}
	out := b.Bytes()
	binary.BigEndian.PutUint32(out[0:4], uint32(len(out)))
	return out, nil
}

// decodeSubmitSM decodes a submit_sm with fiorix's codec. Returns an
// error wrapping errMalformed when fields are missing or the codec fails
// (a panic in it included: outside input never panics the simulator).
func decodeSubmitSM(raw []byte) (*smPart, error) {
	body, err := decodeFiorix(raw)
	if err != nil {
		return nil, err
	}
	f := body.Fields()
	for _, k := range []pdufield.Name{
		pdufield.SourceAddr, pdufield.DestinationAddr, pdufield.ESMClass,
		pdufield.RegisteredDelivery, pdufield.DataCoding, pdufield.ShortMessage,
	} {
		if f[k] == nil {
			return nil, fmt.Errorf("%w: no %s", errMalformed, k)
		}
	}
	p := &smPart{
		src:                  f[pdufield.SourceAddr].String(),
		dst:                  f[pdufield.DestinationAddr].String(),
		srcTON:               fixed(f, pdufield.SourceAddrTON),
		srcNPI:               fixed(f, pdufield.SourceAddrNPI),
		dstTON:               fixed(f, pdufield.DestAddrTON),
		dstNPI:               fixed(f, pdufield.DestAddrNPI),
		esm:                  fixed(f, pdufield.ESMClass),
		regDelivery:          fixed(f, pdufield.RegisteredDelivery),
		dc:                   fixed(f, pdufield.DataCoding),
		payload:              f[pdufield.ShortMessage].Bytes(),
		scheduleDeliveryTime: str(f, pdufield.ScheduleDeliveryTime),
		tlvs:                 map[uint16][]byte{},
	}
	for tag, v := range body.TLVFields() {
		if v != nil {
			p.tlvs[uint16(tag)] = v.Bytes()
		}
	}
	if len(p.payload) == 0 {
		p.payload = p.tlvs[tagMessagePayload]
	}
	return p, nil
}

func fixed(f pdufield.Map, k pdufield.Name) byte {
	if v := f[k]; v != nil {
		if b := v.Bytes(); len(b) > 0 {
			return b[0]
		}
	}
	return 0
}

func str(f pdufield.Map, k pdufield.Name) string {
	if v := f[k]; v != nil {
		return v.String()
	}
	return ""
}

// bodyReader reads the fields of a PDU body fiorix does not implement.
type bodyReader struct {
	b   []byte
	err error
}

func (r *bodyReader) byte() byte {
	if r.err != nil {
		return 0
	}
	if len(r.b) == 0 {
		r.err = fmt.Errorf("%w: truncated", errMalformed)
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *bodyReader) cstring() string {
	if r.err != nil {
		return ""
	}
	i := bytes.IndexByte(r.b, 0)
	if i < 0 {
		r.err = fmt.Errorf("%w: unterminated C-octet string", errMalformed)
		return ""
	}
	s := string(r.b[:i])
	r.b = r.b[i+1:]
	return s
}

func (r *bodyReader) tlvs() map[uint16][]byte {
	m := map[uint16][]byte{}
	for r.err == nil && len(r.b) > 0 {
		if len(r.b) < 4 {
			r.err = fmt.Errorf("%w: truncated TLV", errMalformed)
			break
		}
		tag := binary.BigEndian.Uint16(r.b[0:2])
		n := int(binary.BigEndian.Uint16(r.b[2:4]))
		if len(r.b) < 4+n {
			r.err = fmt.Errorf("%w: TLV 0x%04X of %d octets, %d left", errMalformed, tag, n, len(r.b)-4)
			break
		}
		m[tag] = r.b[4 : 4+n]
		r.b = r.b[4+n:]
	}
	return m
}

// decodeDataSM decodes a data_sm body. Returns an error wrapping
// errMalformed.
func decodeDataSM(raw []byte) (*smPart, error) {
	r := &bodyReader{b: raw[pdu.HeaderLen:]}
	r.cstring() // service_type
	p := &smPart{}
	p.srcTON, p.srcNPI, p.src = r.byte(), r.byte(), r.cstring()
	p.dstTON, p.dstNPI, p.dst = r.byte(), r.byte(), r.cstring()
	p.esm, p.regDelivery, p.dc = r.byte(), r.byte(), r.byte()
	p.tlvs = r.tlvs()
	if r.err != nil {
		return nil, r.err
	}
	p.payload = p.tlvs[tagMessagePayload]
	return p, nil
}
