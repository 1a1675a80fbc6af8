package outbox

import (
	"context"
	"fmt"
	"time"

	"smspark/sessions"
)

// record queues a status change for the store and remembers the message
// for its receipts.
func (s *Sender) record(m sessions.Message, done bool) {
	m.Clear = ""
	s.mu.Lock()
	if done {
		delete(s.known, m.ID)
		delete(s.inflight, m.ID)
	}
	for _, id := range m.SMSCIDs {
		s.bySMSC[m.SMSC+"\x00"+id] = m.ID
	}
	if _, ok := s.latest[m.ID]; !ok {
		s.order = append(s.order, m.ID)
	}
	s.latest[m.ID] = m
	// Receipts of older messages are resolved through the store.
	for len(s.order) > maxRecent {
		old := s.latest[s.order[0]]
		for _, id := range old.SMSCIDs {
			delete(s.bySMSC, old.SMSC+"\x00"+id)
		}
		delete(s.latest, s.order[0])
		s.order = s.order[1:]
	}
	s.updates = append(s.updates, m)
	close(s.recorded)
	s.recorded = make(chan struct{})
	s.mu.Unlock()
	notify(s.flush)
}

// latestOnly keeps the last update of each message, in order: a message
// sent and delivered in one batch is written once.
func latestOnly(updates []sessions.Message) []sessions.Message {
	last := make(map[uint64]int, len(updates))
	for i, m := range updates {
		last[m.ID] = i
	}
	if len(last) == len(updates) {
		return updates
	}
	out := make([]sessions.Message, 0, len(last))
	for i, m := range updates {
		if last[m.ID] == i {
			out = append(out, m)
		}
	}
	return out
}

// commitLoop writes status changes in batches: one transaction and sync
// for everything that piled up meanwhile.
func (s *Sender) commitLoop(stop <-chan struct{}) error {
	for {
		stopping := false
		select {
		case <-s.flush:
		case <-stop:
			stopping = true
		}
		s.mu.Lock()
		batch := latestOnly(s.updates)
		s.updates = nil
		s.mu.Unlock()
		if len(batch) > 0 {
			if err := s.opts.Store.Commit(context.Background(), []sessions.Change{{Messages: batch}}); err != nil {
				// Keep the batch and try again: until then the messages
				// stay queued in the store, and at worst one is sent again
				// after a restart.
				s.log.Error().Err(err).Int("messages", len(batch)).Msg("cannot record message status; retrying")
				s.mu.Lock()
				s.updates = append(batch, s.updates...)
				s.mu.Unlock()
				if stopping {
					return fmt.Errorf("outbox: recording message status: %w", err)
				}
				select {
				case <-time.After(time.Second):
				case <-stop:
				}
				notify(s.flush)
				continue
			}
		}
		if stopping {
			return nil
		}
	}
}

// maxRecent is how many sent messages are kept in memory for their
// delivery receipts.
const maxRecent = 100_000
