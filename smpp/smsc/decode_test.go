package smsc_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"smspark/gsm"
)

func cstr(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return string(b[:i])
	}
	return string(b)
}

// sm is a deliver_sm or data_sm as the test decodes it byte by byte,
// independently of fiorix.
type sm struct {
	srcTON, srcNPI byte
	src            string
	dstTON, dstNPI byte
	dst            string
	esm, dc        byte
	schedule       string
	smLength       int
	short          []byte
	tlvs           map[uint16][]byte
	tlvOrder       []uint16
}

type cursor struct {
	b   []byte
	err error
}

func (c *cursor) byte() byte {
	if len(c.b) == 0 {
		c.err = errors.New("truncated")
		return 0
	}
	v := c.b[0]
	c.b = c.b[1:]
	return v
}

func (c *cursor) cstring() string {
	i := bytes.IndexByte(c.b, 0)
	if i < 0 {
		c.err = errors.New("unterminated string")
		return ""
	}
	s := string(c.b[:i])
	c.b = c.b[i+1:]
	return s
}

func (c *cursor) tlvs(m *sm) {
	m.tlvs = map[uint16][]byte{}
	for len(c.b) > 0 {
		if len(c.b) < 4 {
			c.err = fmt.Errorf("%d stray octets after the fields", len(c.b))
			return
		}
		tag, n := binary.BigEndian.Uint16(c.b[0:2]), int(binary.BigEndian.Uint16(c.b[2:4]))
		if len(c.b) < 4+n {
			c.err = fmt.Errorf("TLV 0x%04X too long", tag)
			return
		}
		m.tlvs[tag] = c.b[4 : 4+n]
		m.tlvOrder = append(m.tlvOrder, tag)
		c.b = c.b[4+n:]
	}
}

// parseDeliverSM decodes a deliver_sm field by field; any stray octet
// (fiorix's 0x00 before the text, say) makes the TLV part fail.
func parseDeliverSM(raw []byte) (sm, error) {
	if got := binary.BigEndian.Uint32(raw[0:4]); int(got) != len(raw) {
		return sm{}, fmt.Errorf("command_length %d, PDU of %d", got, len(raw))
	}
	c := &cursor{b: raw[16:]}
	var m sm
	c.cstring() // service_type
	m.srcTON, m.srcNPI, m.src = c.byte(), c.byte(), c.cstring()
	m.dstTON, m.dstNPI, m.dst = c.byte(), c.byte(), c.cstring()
	m.esm = c.byte()
	c.byte() // protocol_id
	c.byte() // priority_flag
	m.schedule = c.cstring()
	c.cstring() // validity_period
	c.byte()    // registered_delivery
	c.byte()    // replace_if_present_flag
	m.dc = c.byte()
	c.byte() // sm_default_msg_id
	m.smLength = int(c.byte())
	if c.err == nil && len(c.b) < m.smLength {
		return m, fmt.Errorf("sm_length %d, %d octets left", m.smLength, len(c.b))
	}
	m.short, c.b = c.b[:m.smLength], c.b[m.smLength:]
	c.tlvs(&m)
	return m, c.err
}

// parseDataSM decodes a data_sm field by field; the text is
// message_payload.
func parseDataSM(raw []byte) (sm, error) {
	c := &cursor{b: raw[16:]}
	var m sm
	c.cstring()
	m.srcTON, m.srcNPI, m.src = c.byte(), c.byte(), c.cstring()
	m.dstTON, m.dstNPI, m.dst = c.byte(), c.byte(), c.cstring()
	m.esm = c.byte()
	c.byte() // registered_delivery
	m.dc = c.byte()
	c.tlvs(&m)
	m.short = m.tlvs[0x0424]
	m.smLength = len(m.short)
	return m, c.err
}

// part is one part of a concatenated message.
type part struct {
	ref, total, seq int
	kind            string
	text            []byte
}

// concatOf finds the concatenation header of m.
func concatOf(m sm) (part, bool) {
	if m.esm&0x40 != 0 {
		b := m.short
		udhl := int(b[0])
		p := part{text: b[1+udhl:]}
		switch {
		case b[1] == 0x00 && b[2] == 3:
			p.kind, p.ref, p.total, p.seq = "8", int(b[3]), int(b[4]), int(b[5])
		case b[1] == 0x08 && b[2] == 4:
			p.kind, p.ref, p.total, p.seq = "16", int(b[3])<<8|int(b[4]), int(b[5]), int(b[6])
		}
		return p, true
	}
	if ref, ok := m.tlvs[0x020C]; ok {
		return part{kind: "sar", ref: int(binary.BigEndian.Uint16(ref)), total: int(m.tlvs[0x020E][0]),
			seq: int(m.tlvs[0x020F][0]), text: m.short}, true
	}
	return part{text: m.short, total: 1, seq: 1}, false
}

// decodeText decodes an MO's text as smspark would.
func decodeText(t testing.TB, dc byte, b []byte) string {
	t.Helper()
	var (
		s   string
		err error
	)
	switch dc {
	case 0:
		s, err = gsm.Decode(b)
	case 8:
		s, err = gsm.DecodeUCS2(b)
	default:
		t.Fatalf("data_coding %d", dc)
	}
	if err != nil {
		t.Fatal(err)
	}
	return s
}
