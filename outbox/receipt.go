package outbox

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"smspark/sessions"
)

// receiptWait is how long a receipt waits for the result of its submit,
// which it can overtake: the SMSC may send it right after submit_sm_resp.
const receiptWait = 5 * time.Second

func (s *Sender) inMemory(key string) (sessions.Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.bySMSC[key]
	return s.latest[id], ok
}

// lookup finds the message an SMSC message id belongs to when it is not in
// memory: in the store (a message of an earlier run), else it waits up to
// receiptWait for a submit in flight to be recorded.
func (s *Sender) lookup(ctx context.Context, r Receipt, key string) (sessions.Message, bool) {
	if m, err := s.opts.Store.MessageBySMSCID(ctx, r.SMSC, r.MessageID); err == nil {
		return m, true
	}
	timer := time.NewTimer(receiptWait)
	defer timer.Stop()
	for {
		s.mu.Lock()
		id, ok := s.bySMSC[key]
		m := s.latest[id]
		wait := s.recorded
		s.mu.Unlock()
		if ok {
			return m, true
		}
		select {
		case <-wait:
		case <-timer.C:
			return sessions.Message{}, false
		case <-ctx.Done():
			return sessions.Message{}, false
		}
	}
}

// HandleReceipt applies a delivery receipt to the message it reports on.
// A receipt for an unknown message is logged and dropped (returns nil so
// the SMSC stops sending it).
func (s *Sender) HandleReceipt(ctx context.Context, r Receipt) error {
	key := r.SMSC + "\x00" + r.MessageID
	m, ok := s.inMemory(key)
	if !ok {
		m, ok = s.lookup(ctx, r, key)
	}
	if !ok {
		var err error
		m, err = s.opts.Store.MessageBySMSCID(ctx, r.SMSC, r.MessageID)
		if errors.Is(err, ErrUnknownMessage) {
			s.log.Warn().Str("smsc", r.SMSC).Str("smsc_message_id", r.MessageID).Msg("receipt for an unknown message")
			return nil
		}
		if err != nil {
			return err
		}
	}
	state := receiptState(r.State)
	s.m.receipts.WithLabelValues(m.Operator, state).Inc()
	switch {
	case r.Delivered && m.Status != sessions.StatusFailed:
		m.Status = sessions.StatusDelivered
	case !r.Delivered:
		if m.Status != sessions.StatusFailed {
			s.failed(m, ReasonReceipt+strings.ToLower(state))
		}
		m.Status, m.Error = sessions.StatusFailed, "receipt: "+r.State+" "+r.Err
	}
	s.record(m, false)
	return nil
}

// receiptStates are the message states of SMPP 3.4 Appendix B, and OTHER
// for anything else.
var receiptStates = []string{"DELIVRD", "EXPIRED", "DELETED", "UNDELIV", "ACCEPTD", "UNKNOWN", "REJECTD", "ENROUTE", "OTHER"}

// failedReceiptStates are the states of a receipt that can fail its
// message: all but DELIVRD.
var failedReceiptStates = []string{"EXPIRED", "DELETED", "UNDELIV", "ACCEPTD", "UNKNOWN", "REJECTD", "ENROUTE", "OTHER"}

// receiptState bounds the receipt state label to the SMPP 3.4 states.
func receiptState(s string) string {
	if slices.Contains(receiptStates, s) && s != "OTHER" {
		return s
	}
	return "OTHER"
}
