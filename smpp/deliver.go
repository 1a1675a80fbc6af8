package smpp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/rs/zerolog"
)

// readLoop reads PDUs until the connection fails or closes. It never
// waits for a handler.
func (cn *conn) readLoop() {
	defer cn.wg.Done()
	defer close(cn.queue) // the handlers end once they handled what it holds
	for {
		p, err := readPacket(cn.r)
		if err != nil {
			select {
			case <-cn.done:
			default:
				if errors.Is(err, errFraming) {
					cn.log.Error().Str("error", err.Error()).Msg("smpp: framing lost, dropping the connection")
				}
			}
			cn.close(fmt.Errorf("smpp: reading: %w", err))
			return
		}
		cn.lastRead.Store(int64(time.Since(cn.start)))
		cn.c.m.pdu(cn.b.smsc.Name, commandName(p.id), "in")
		cn.dispatch(p)
	}
}

// dispatch acts on one PDU from the SMSC.
func (cn *conn) dispatch(p packet) {
	if isResp(p.id) {
		cn.mu.Lock()
		pr, ok := cn.pending[p.seq]
		if ok && (p.id == pr.resp || p.id == pdu.GenericNACKID) {
			delete(cn.pending, p.seq)
		} else {
			ok = false
		}
		cn.mu.Unlock()
		if ok {
			cn.confirmAcks(pr)
			pr.ch <- p
		} else {
			cn.log.Warn().Str("command", commandName(p.id)).Uint32("seq", p.seq).
				Msg("smpp: resp matches no request, ignored")
		}
		return
	}
	switch p.id {
	case pdu.EnquireLinkID:
		cn.reply(pdu.EnquireLinkRespID, statusOK, p.seq, nil)
	case pdu.UnbindID:
		cn.reply(pdu.UnbindRespID, statusOK, p.seq, nil)
		cn.close(errPeerUnbind)
	case pdu.DeliverSMID, pdu.DataSMID:
		cn.deliver(p)
	case pdu.OutbindID:
		cn.reply(pdu.GenericNACKID, statusInvBndSts, p.seq, nil)
	case pdu.AlertNotificationID:
		// It has no resp.
	default:
		cn.log.Warn().Uint32("command_id", uint32(p.id)).Msg("smpp: unknown command, generic_nack")
		cn.reply(pdu.GenericNACKID, statusInvCmdID, p.seq, nil)
	}
}

// deliver decodes a deliver_sm or data_sm and queues it for a handler.
func (cn *conn) deliver(p packet) {
	respID := respIDOf(p.id)
	d, err := cn.c.decode(p)
	if err != nil {
		status := statusSysErr
		if errors.Is(err, errMalformed) {
			status = statusInvMsgLen
		}
		cn.log.Warn().Str("command", commandName(p.id)).Str("error", safeErr(err)).
			Msg("smpp: undecodable PDU, generic_nack")
		cn.reply(pdu.GenericNACKID, status, p.seq, nil)
		return
	}
	cn.enqueue(delivered{d: d, respID: respID, seq: p.seq})
}

// decode decodes a deliver_sm or data_sm. A panic of the codec on this
// one PDU is an error wrapping errMalformed: the PDU gets a generic_nack
// and the bind stays up.
func (c *Client) decode(p packet) (d delivery, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: the decoder failed: %v", errMalformed, r)
		}
	}()
	if c.opts.decode != nil {
		return c.opts.decode(p)
	}
	if p.id == pdu.DataSMID {
		return decodeDataSM(p.body, c.opts.Location)
	}
	return decodeDeliverSM(p.body, c.opts.Location)
}

// handle hands a delivery to the Handler (through reassembly for a part)
// and returns its error, and for an MO whose ack the SMSC may fail to
// read, its entry in the ledger.
func (cn *conn) handle(d delivery, seq uint32) (*ackEntry, error) {
	smsc := cn.b.smsc
	ctx := cn.ctx
	log := cn.log.With().Str("from", maskNumber(d.from)).Uint32("seq", seq).Logger()
	switch {
	case d.ignore:
		return nil, nil
	case d.receipt:
		return nil, cn.receipt(d, log)
	case d.total > 1:
		p := Part{
			SMSC: smsc.Name, Operator: smsc.Operator,
			From: d.from, To: d.to,
			Ref: d.ref, Total: d.total, Seq: d.part,
			Text: d.text, NotText: d.notText, Received: cn.c.clock(), SMSCTime: d.smscTime,
		}
		err := cn.c.asm.add(ctx, p, cn.c.handleParts)
		var de *deleteError
		if errors.As(err, &de) {
			log.Error().Str("error", safeErr(err)).Msg("smpp: MO handled, its parts not deleted")
			return nil, nil
		}
		if err != nil {
			log.Warn().Str("error", safeErr(err)).Int("part", d.part).Int("parts", d.total).
				Msg("smpp: part of MO not taken")
		}
		return nil, err
	default:
		mo := MO{
			SMSC: smsc.Name, Operator: smsc.Operator,
			From: d.from, To: d.to, Text: d.text, NotText: d.notText,
			Received: cn.c.clock(), SMSCTime: d.smscTime,
		}
		mo.Key = moKey(mo.SMSC, mo.From, mo.Text, mo.SMSCTime)
		return cn.takeMO(ctx, mo, log)
	}
}

// receipt hands a delivery receipt to the Handler.
func (cn *conn) receipt(d delivery, log zerolog.Logger) error {
	if d.rcptError != nil {
		// It can never be parsed: asking for it again would loop.
		log.Warn().Str("error", safeErr(d.rcptError)).Msg("smpp: unreadable receipt acked and dropped")
		return nil
	}
	r := d.rcpt
	r.SMSC = cn.b.smsc.Name
	if err := cn.c.opts.Handler.HandleReceipt(cn.ctx, r); err != nil {
		log.Warn().Str("error", safeErr(err)).Msg("smpp: receipt not handled")
		return err
	}
	return nil
}

// takeMO takes one MO of a single deliver_sm: the redelivery of an MO
// whose ack an earlier bind may have lost is acked without effect, any
// other goes to the Handler. It returns the ledger entry of the MO's ack.
func (cn *conn) takeMO(ctx context.Context, mo MO, log zerolog.Logger) (*ackEntry, error) {
	smsc := cn.b.smsc
	if e := cn.c.ledger.claim(cn, mo, smsc.RedeliveryWindow, mo.Received); e != nil {
		cn.c.m.redelivery(smsc.Name)
		log.Info().Time("first_received", e.mo.Received).
			Msg("smpp: MO redelivered after its ack was lost with a bind: acked, not applied again")
		return e, nil
	}
	mo.AckPending = cn.c.opts.Acks != nil
	err := cn.c.opts.Handler.HandleMO(ctx, mo)
	switch {
	case errors.Is(err, ErrDuplicate):
		cn.c.m.redelivery(smsc.Name)
		log.Info().Msg("smpp: MO redelivered (the SMSC's timestamp says): acked, not applied again")
		return nil, nil
	case err != nil:
		log.Warn().Str("error", safeErr(err)).Msg("smpp: MO not handled, ESME_RX_T_APPN")
		return nil, err
	}
	return cn.c.ledger.add(cn, UnackedMO{Key: mo.Key, SMSC: mo.SMSC, From: mo.From, Text: mo.Text,
		Received: mo.Received, SMSCTime: mo.SMSCTime}), nil
}
