package smsc

import (
	"context"
	"fmt"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
)

// MO is a message from a phone to a short code, as DeliverMO sends it.
type MO struct {
	From string // the phone: "+32475000001" (sent as TON 1 "32475000001")
	To   string // the short code: "4411"
	Text string
	// DataSM sends data_sm (text in message_payload) instead of deliver_sm.
	DataSM bool
	// Ref16 concatenates a long text with a 16-bit reference UDH instead
	// of an 8-bit one; SAR with the sar_* TLVs instead of a UDH.
	Ref16, SAR bool
	// SMSCTime is when the SMSC received the MO, sent as
	// schedule_delivery_time (deliver_sm only: data_sm has no such field);
	// zero: the clock's now.
	SMSCTime time.Time
}

// PartResult is the response to one part of an MO.
type PartResult struct {
	Answered bool
	Status   Status
}

// Delivery is the outcome of an MO delivery attempt. It keeps the PDUs,
// so that Redeliver can send the same MO again.
type Delivery struct {
	MO MO // SMSCTime filled in
	// Parts holds the response to each part of the last attempt.
	Parts []PartResult
	// Status is StatusOK when every part of the last attempt got ESME_ROK,
	// else the first other status (StatusSysErr for a generic_nack
	// without one); StatusUnknownErr when the attempt returned an error.
	Status   Status
	Attempts int
	// FirstWritten is when the first PDU of the first attempt was
	// written, Written the same for the last attempt, Answered when its
	// last response arrived (zero if one is missing).
	FirstWritten, Written, Answered time.Time
	// Bind is the connection the last attempt went out on.
	Bind uint64

	frames [][]byte // the PDUs, sequence number 0
}

// OK reports whether every part of the last attempt was acknowledged
// with ESME_ROK.
func (d Delivery) OK() bool {
	if len(d.Parts) == 0 {
		return false
	}
	for _, p := range d.Parts {
		if !p.Answered || p.Status != StatusOK {
			return false
		}
	}
	return true
}

// DeliverMO sends mo on a receiver or transceiver bind (round robin) as
// deliver_sm, or data_sm with mo.DataSM: in GSM 03.38 if the text allows,
// else UCS-2; a long text in parts with a UDH (8-bit reference, 16-bit
// with Ref16) or SAR TLVs, all parts written before any response is
// awaited (an ESME may hold early parts until the last arrives). It
// returns when every part's response arrived; a refusal (any status
// other than ESME_ROK, e.g. ESME_RX_T_APPN) is not an error but
// Delivery.Status, and the Delivery can be given to Redeliver as a real
// SMSC would.
//
// Returns ErrBadMO, ErrNoReceiver, ErrConnClosed (the connection closed
// before every response arrived; the Delivery can still be redelivered)
// or ctx.Err(), wrapped.
func (s *Server) DeliverMO(ctx context.Context, mo MO) (Delivery, error) {
	if mo.SMSCTime.IsZero() {
		mo.SMSCTime = s.receivedAt(mo.From)
	}
	frames, err := s.encodeMO(mo)
	if err != nil {
		return Delivery{MO: mo}, err
	}
	return s.send(ctx, Delivery{MO: mo, frames: frames})
}

// Redeliver sends the PDUs of d again, every part, with new sequence
// numbers and otherwise the same bytes (same SMSC time, same
// concatenation reference), on whichever receiver bind is up: what an
// SMSC does after a refusal or a lost response. Returns what DeliverMO
// returns, and ErrNoDelivery for a Delivery that holds no PDU.
func (s *Server) Redeliver(ctx context.Context, d Delivery) (Delivery, error) {
	if len(d.frames) == 0 {
		return d, ErrNoDelivery
	}
	return s.send(ctx, d)
}

// encodeMO builds the PDUs of mo with sequence number 0.
func (s *Server) encodeMO(mo MO) ([][]byte, error) {
	if mo.From == "" || mo.To == "" {
		return nil, fmt.Errorf("%w: needs From and To", ErrBadMO)
	}
	dc, parts, err := encodeMOText(mo.Text, mo.Ref16)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadMO, err)
	}
	src, srcTON, srcNPI := smppAddr(mo.From)
	dst, dstTON, dstNPI := smppAddr(mo.To)
	base := deliverSMFields{
		src: src, srcTON: srcTON, srcNPI: srcNPI,
		dst: dst, dstTON: dstTON, dstNPI: dstNPI,
		dc: dc, schedule: FormatSMPPTime(mo.SMSCTime, s.loc),
	}
	ref := 0
	if len(parts) > 1 {
		ref = int(s.ref.Add(1))
		if mo.Ref16 || mo.SAR {
			ref = ref%0xFFFF + 1
		} else {
			ref = ref%0xFF + 1
		}
	}
	frames := make([][]byte, len(parts))
	for i, text := range parts {
		d := base
		d.sm = text
		if len(parts) > 1 {
			switch {
			case mo.SAR:
				d.tlvs = []tlv{
					{tagSarMsgRefNum, []byte{byte(ref >> 8), byte(ref)}},
					{tagSarTotalSegments, []byte{byte(len(parts))}},
					{tagSarSegmentSeqnum, []byte{byte(i + 1)}},
				}
			case mo.Ref16:
				d.esm, d.sm = esmUDHI, append(udh16(ref, len(parts), i+1), text...)
			default:
				d.esm, d.sm = esmUDHI, append(udh8(ref, len(parts), i+1), text...)
			}
		}
		var err error
		if mo.DataSM {
			frames[i], err = encodeDataSM(d)
		} else {
			frames[i], err = encodeDeliverSM(d)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadMO, err)
		}
	}
	return frames, nil
}

// send makes one delivery attempt of d's PDUs.
func (s *Server) send(ctx context.Context, d Delivery) (Delivery, error) {
	c := s.pickReceiver(nil)
	if c == nil {
		return d, ErrNoReceiver
	}
	d.Attempts++
	d.Bind = c.id
	d.Parts = make([]PartResult, len(d.frames))
	d.Status = StatusOK
	d.Answered = time.Time{}
	d.Written = s.clock()
	if d.FirstWritten.IsZero() {
		d.FirstWritten = d.Written
	}
	calls := make([]*call, 0, len(d.frames))
	seqs := make([]uint32, 0, len(d.frames))
	var err error
	for i, raw := range d.frames {
		var before func()
		if i == 0 {
			before = func() { s.count(func(st *Stats) { st.MOs++ }) }
		}
		cl, seq, werr := c.requestAfter(before, raw, nil)
		if werr != nil {
			err = werr
			break
		}
		calls, seqs = append(calls, cl), append(seqs, seq)
	}
	for i, cl := range calls {
		if err != nil {
			break
		}
		select {
		case <-ctx.Done():
			err = ctx.Err()
		case f, ok := <-cl.ch:
			if !ok {
				err = ErrConnClosed
				break
			}
			st := f.status
			if f.id == pdu.GenericNACKID && st == StatusOK {
				st = StatusSysErr
			}
			d.Parts[i] = PartResult{Answered: true, Status: st}
		}
	}
	if err != nil {
		c.forget(seqs...)
		d.Status = StatusUnknownErr
		s.log.Warn().Err(err).Str("from", mask(d.MO.From)).Str("to", d.MO.To).Msg("MO not acknowledged")
		return d, fmt.Errorf("deliver MO: %w", err)
	}
	d.Answered = s.clock()
	for _, p := range d.Parts {
		if p.Status != StatusOK {
			d.Status = p.Status
			break
		}
	}
	s.count(func(st *Stats) {
		if d.Status == StatusOK {
			st.MOsAcked++
		} else {
			st.MOsRefused++
		}
	})
	s.log.Debug().Str("from", mask(d.MO.From)).Str("to", d.MO.To).Int("parts", len(d.frames)).
		Int("attempt", d.Attempts).Stringer("status", d.Status).Msg("MO delivered")
	return d, nil
}

// receivedAt is the SMSC time of a new MO from a phone: the clock, but
// strictly later than that phone's previous MO at the tenth of a second
// that SMPP times carry, as a real SMSC receives a phone's SMS one after
// the other (the ESME tells redeliveries by that time).
func (s *Server) receivedAt(from string) time.Time {
	t := s.clock().Truncate(100 * time.Millisecond)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lastMO == nil {
		s.lastMO = map[string]time.Time{}
	}
	if last, ok := s.lastMO[from]; ok && !t.After(last) {
		t = last.Add(100 * time.Millisecond)
	}
	s.lastMO[from] = t
	return t
}
