package smsc

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"

	"smspark/gsm"
)

// MT is a mobile-terminated message the ESME submitted, its parts
// reassembled and its text decoded.
type MT struct {
	SystemID string   // of the bind it came on
	Bind     BindMode // of the bind it came on
	// From and To are the addresses as submitted, an international one
	// (TON 1) written with '+': "4411", "+32475000001".
	From, To           string
	SourceTON, DestTON byte
	Text               string
	DataCoding         byte
	RegisteredDelivery byte // of the first part
	DataSM             bool // submitted as data_sm
	// MessageIDs are the ids the SMSC gave each part, in part order.
	MessageIDs []string
	Parts      int
	// FirstReceived is when the first part to arrive was received,
	// Received when the MT became complete.
	FirstReceived, Received time.Time
}

// MessageID returns the id of the first part.
func (m MT) MessageID() string {
	if len(m.MessageIDs) == 0 {
		return ""
	}
	return m.MessageIDs[0]
}

// Partial MTs are kept until complete; past maxPartials, those older than
// partialTTL are dropped when a new one starts.
const (
	maxPartials = 1000
	partialTTL  = 10 * time.Minute
)

// partialMT is a concatenated MT still missing parts.
type partialMT struct {
	mt    MT
	parts [][]byte
	ids   []string
	got   int
}

// mtQueue holds a number's MTs not yet taken by WaitMT.
type mtQueue struct {
	mts    []MT
	arrive chan struct{} // closed and replaced when an MT arrives
}

type subscriber struct {
	ch chan MT
}

// submitResp returns the response to a submit_sm or data_sm.
func (c *conn) submitResp(f frame, st Status, messageID string) []byte {
	if f.id == pdu.SubmitSMID {
		p := pdu.NewSubmitSMResp()
		if err := p.Fields().Set(pdufield.MessageID, messageID); err == nil {
			if b, err := serialize(p, f.seq, st); err == nil {
				return b
			}
		}
	}
	return cstringResp(f.id|respBit, st, f.seq, messageID)
}

// handleSubmit answers a submit_sm or data_sm from a transmitter or
// transceiver, applying the fault in force.
func (c *conn) handleSubmit(f frame) bool {
	s := c.s
	s.count(func(st *Stats) { st.SubmitSMs++ })
	fault := s.currentFault(FaultUnbindDuringSubmit)
	switch fault.Kind {
	case FaultNoResponse:
		return true
	case FaultUnbindDuringSubmit:
		c.log.Warn().Msg("fault unbind-during-submit: unbinding instead of answering")
		_, _, err := c.request(headerOnly(pdu.UnbindID, StatusOK, 0, pdu.HeaderLen), func(r frame) {
			if r.id == pdu.UnbindRespID {
				c.close(false)
			}
		})
		return err == nil
	case FaultGenericNack:
		s.count(func(st *Stats) { st.GenericNacksSent++ })
		c.respond(headerOnly(pdu.GenericNACKID, StatusSysErr, f.seq, pdu.HeaderLen), nil, nil)
		return true
	case FaultQueueFull:
		s.count(func(st *Stats) { st.QueueFull++ })
		c.respond(c.submitResp(f, StatusMsgQFul, ""), nil, nil)
		return true
	case FaultThrottle:
		if s.throttled(fault.PerSecond) {
			s.count(func(st *Stats) { st.Throttled++ })
			c.respond(c.submitResp(f, StatusThrottled, ""), nil, nil)
			return true
		}
	}

	var (
		p   *smPart
		err error
	)
	if f.id == pdu.DataSMID {
		p, err = decodeDataSM(f.raw)
	} else {
		p, err = decodeSubmitSM(f.raw)
	}
	if err != nil {
		c.log.Warn().Err(err).Msg("malformed submit: ESME_RINVMSGLEN")
		s.count(func(st *Stats) { st.MTsRejected++ })
		c.respond(c.submitResp(f, StatusInvMsgLen, ""), nil, nil)
		return true
	}
	if err = p.parseConcat(); err == nil {
		err = checkText(p.dc, p.text)
	}
	if err != nil {
		c.log.Warn().Err(err).Msg("submit refused: ESME_RSUBMITFAIL")
		s.count(func(st *Stats) { st.MTsRejected++ })
		c.respond(c.submitResp(f, StatusSubmitFail, ""), nil, nil)
		return true
	}
	id := s.newMessageID()
	now := s.clock()
	s.addMTPart(c, p, f.id == pdu.DataSMID, id, now)
	c.respond(c.submitResp(f, StatusOK, id), nil, func() { s.scheduleReceipt(c, p, id, now) })
	return true
}

// addMTPart files one accepted part and publishes the MT it completes.
func (s *Server) addMTPart(c *conn, p *smPart, dataSM bool, id string, now time.Time) {
	s.mu.Lock()
	mode, systemID := c.mode, c.systemID
	s.mu.Unlock()
	base := MT{
		SystemID:           systemID,
		Bind:               mode,
		From:               displayAddr(p.src, p.srcTON),
		To:                 displayAddr(p.dst, p.dstTON),
		SourceTON:          p.srcTON,
		DestTON:            p.dstTON,
		DataCoding:         p.dc,
		RegisteredDelivery: p.regDelivery,
		DataSM:             dataSM,
		FirstReceived:      now,
		Received:           now,
	}
	if !p.concat {
		text, err := decodeText(p.dc, p.text)
		if err != nil { // checkText passed, so this cannot happen; keep the raw bytes visible
			text = string(p.text)
		}
		base.Text, base.MessageIDs, base.Parts = text, []string{id}, 1
		s.publishMT(base)
		return
	}
	key := strings.Join([]string{systemID, p.src, p.dst, p.refKind, fmt.Sprint(p.ref), fmt.Sprint(p.total)}, "|")
	s.mu.Lock()
	pm := s.partial[key]
	if pm == nil {
		if len(s.partial) >= maxPartials {
			for k, old := range s.partial {
				if now.Sub(old.mt.FirstReceived) > partialTTL {
					delete(s.partial, k)
				}
			}
		}
		pm = &partialMT{mt: base, parts: make([][]byte, p.total), ids: make([]string, p.total)}
		s.partial[key] = pm
	}
	i := p.seqInTotal - 1
	if pm.parts[i] == nil {
		pm.got++
	}
	pm.parts[i], pm.ids[i] = p.text, id
	if i == 0 {
		pm.mt.RegisteredDelivery = p.regDelivery
	}
	complete := pm.got == len(pm.parts)
	if complete {
		delete(s.partial, key)
	}
	s.mu.Unlock()
	if !complete {
		return
	}
	var all []byte
	for _, b := range pm.parts {
		all = append(all, b...)
	}
	mt := pm.mt
	text, err := decodeText(mt.DataCoding, all)
	if err != nil {
		text = string(all)
	}
	mt.Text, mt.MessageIDs, mt.Parts, mt.Received = text, pm.ids, len(pm.parts), now
	s.publishMT(mt)
}

// publishMT counts a complete MT, files it for WaitMT and hands it to
// the subscribers.
func (s *Server) publishMT(mt MT) {
	s.log.Debug().Str("from", mt.From).Str("to", mask(mt.To)).Int("parts", mt.Parts).
		Str("message_id", mt.MessageID()).Int("chars", len([]rune(mt.Text))).Msg("MT received")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.MTs++
	key := numberKey(mt.To)
	q := s.mtq[key]
	if q == nil {
		q = &mtQueue{arrive: make(chan struct{})}
		s.mtq[key] = q
	}
	q.mts = append(q.mts, mt)
	if len(q.mts) > s.opts.MaxQueuedMTs {
		q.mts = q.mts[1:]
		s.stats.MTsDropped++
	}
	close(q.arrive)
	q.arrive = make(chan struct{})
	for sub := range s.subs {
		select {
		case sub.ch <- mt:
		default:
			s.stats.MTsDropped++
		}
	}
	s.notifyLocked()
}

// WaitMT returns the oldest MT to number to that no WaitMT returned yet,
// waiting for one if there is none. "+32475000001" and "32475000001"
// are the same number. Returns ctx.Err(), or ErrClosed once the server
// stopped and no MT is left.
func (s *Server) WaitMT(ctx context.Context, to string) (MT, error) {
	key := numberKey(to)
	for {
		s.mu.Lock()
		q := s.mtq[key]
		if q == nil {
			q = &mtQueue{arrive: make(chan struct{})}
			s.mtq[key] = q
		}
		if len(q.mts) > 0 {
			mt := q.mts[0]
			q.mts = q.mts[1:]
			if len(q.mts) == 0 {
				q.mts = nil
			}
			s.mu.Unlock()
			return mt, nil
		}
		arrive, closed := q.arrive, s.closed
		s.mu.Unlock()
		if closed {
			return MT{}, ErrClosed
		}
		select {
		case <-ctx.Done():
			return MT{}, ctx.Err()
		case <-s.stop:
		case <-arrive:
		}
	}
}

// Subscribe returns a channel that gets a copy of every complete MT from
// now on, until ctx is done or the server stops (then it is closed). An
// MT that finds the buffer of buf full is dropped for this subscriber and
// counted in Stats.MTsDropped. WaitMT is not affected by subscribers.
func (s *Server) Subscribe(ctx context.Context, buf int) <-chan MT {
	sub := &subscriber{ch: make(chan MT, max(buf, 1))}
	s.mu.Lock()
	s.subs[sub] = struct{}{}
	s.mu.Unlock()
	unsubscribe := func() {
		s.mu.Lock()
		delete(s.subs, sub)
		close(sub.ch)
		s.mu.Unlock()
	}
	if !s.spawn(func() {
		select {
		case <-ctx.Done():
		case <-s.stop:
		}
		unsubscribe()
	}) {
		unsubscribe()
	}
	return sub.ch
}

// ReceiptState is the stat: of a delivery receipt.
type ReceiptState string

// Receipt states, with their message_state TLV values.
const (
	ReceiptDelivered     ReceiptState = "DELIVRD" // message_state 2
	ReceiptExpired       ReceiptState = "EXPIRED" // 3
	ReceiptDeleted       ReceiptState = "DELETED" // 4
	ReceiptUndeliverable ReceiptState = "UNDELIV" // 5
	ReceiptAccepted      ReceiptState = "ACCEPTD" // 6
	ReceiptUnknown       ReceiptState = "UNKNOWN" // 7
	ReceiptRejected      ReceiptState = "REJECTD" // 8
)

var messageStates = map[ReceiptState]byte{
	ReceiptDelivered: 2, ReceiptExpired: 3, ReceiptDeleted: 4, ReceiptUndeliverable: 5,
	ReceiptAccepted: 6, ReceiptUnknown: 7, ReceiptRejected: 8,
}

// SetReceiptState makes the receipts of MTs to number report st from now
// on (the empty state restores DELIVRD). Returns ErrBadReceiptState
// (wrapped) for an unknown state.
func (s *Server) SetReceiptState(number string, st ReceiptState) error {
	if _, ok := messageStates[st]; !ok && st != "" {
		return fmt.Errorf("%w: %q", ErrBadReceiptState, string(st))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st == "" || st == ReceiptDelivered {
		delete(s.receiptStates, numberKey(number))
	} else {
		s.receiptStates[numberKey(number)] = st
	}
	return nil
}

// receiptText returns the standard receipt text.
func receiptText(id string, st ReceiptState, submitted, done time.Time, loc *time.Location, text string) string {
	dlvrd, errCode := "000", "001"
	if st == ReceiptDelivered {
		dlvrd, errCode = "001", "000"
	}
	if r := []rune(text); len(r) > 20 {
		text = string(r[:20])
	}
	return fmt.Sprintf("id:%s sub:001 dlvrd:%s submit date:%s done date:%s stat:%s err:%s text:%s",
		id, dlvrd, submitted.In(loc).Format("0601021504"), done.In(loc).Format("0601021504"), st, errCode, text)
}

// scheduleReceipt sends the receipt of an accepted part if it asked for
// one: registered_delivery 1 (or 3) always, 2 on failure only.
func (s *Server) scheduleReceipt(c *conn, p *smPart, id string, submitted time.Time) {
	s.mu.Lock()
	st := s.receiptStates[numberKey(p.dst)]
	s.mu.Unlock()
	if st == "" {
		st = ReceiptDelivered
	}
	switch p.regDelivery & 0x03 {
	case 0:
		return
	case 2:
		if st == ReceiptDelivered {
			return
		}
	}
	text, _ := decodeText(p.dc, p.text)
	s.spawn(func() {
		if s.opts.ReceiptDelay > 0 {
			t := time.NewTimer(s.opts.ReceiptDelay)
			select {
			case <-t.C:
			case <-s.stop:
				t.Stop()
				return
			}
		}
		s.deliverReceipt(c, p, id, st, submitted, text)
	})
}

// deliverReceipt sends a receipt on a receiver bind (c itself when it is
// a transceiver), waiting for one and retrying on refusal until the
// server stops.
func (s *Server) deliverReceipt(c *conn, p *smPart, id string, st ReceiptState, submitted time.Time, text string) {
	raw, err := encodeDeliverSM(deliverSMFields{
		src: p.dst, srcTON: p.dstTON, srcNPI: p.dstNPI,
		dst: p.src, dstTON: p.srcTON, dstNPI: p.srcNPI,
		esm: esmReceipt, dc: codingGSM,
		sm: mustGSM(receiptText(id, st, submitted, s.clock(), s.loc, text)),
		tlvs: []tlv{
			{tagReceiptedMessageID, append([]byte(id), 0)},
			{tagMessageState, []byte{messageStates[st]}},
		},
	})
	if err != nil {
		s.log.Error().Err(err).Msg("receipt not encodable")
		return
	}
	backoff := 100 * time.Millisecond
	for {
		target := s.pickReceiver(c)
		if target == nil {
			s.mu.Lock()
			ch := s.changed
			s.mu.Unlock()
			select {
			case <-s.stop:
				return
			case <-ch:
			}
			continue
		}
		cl, _, err := target.requestAfter(func() { s.count(func(st *Stats) { st.ReceiptsSent++ }) }, raw, nil)
		if err != nil {
			continue
		}
		var resp frame
		var ok bool
		select {
		case <-s.stop:
			return
		case resp, ok = <-cl.ch:
		}
		if !ok {
			continue // connection closed: redeliver on another bind
		}
		if resp.status == StatusOK && resp.id == pdu.DeliverSMRespID {
			s.count(func(st *Stats) { st.ReceiptsAcked++ })
			return
		}
		s.count(func(st *Stats) { st.ReceiptsRefused++ })
		s.log.Warn().Stringer("status", resp.status).Str("message_id", id).Msg("receipt refused; retrying")
		t := time.NewTimer(backoff)
		select {
		case <-s.stop:
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// mustGSM encodes s in GSM 03.38, replacing what the alphabet lacks.
func mustGSM(s string) []byte {
	b, err := gsm.Encode(gsm.ToGSM(s))
	if err != nil {
		return []byte(strings.Map(func(r rune) rune {
			if r < 0x20 || r > 0x7E {
				return '?'
			}
			return r
		}, s))
	}
	return b
}
