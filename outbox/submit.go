package outbox

import (
	"container/heap"
	"context"
	"fmt"
	"slices"
	"time"

	"smspark/sessions"
)

// schedule moves the retries that come due to the ready list, until ctx
// is done. It is the one owner of the retry timer: a worker that goes off
// to submit never takes a due retry's wake-up with it.
func (s *Sender) schedule(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		s.mu.Lock()
		// Backoffs run on real elapsed time: they are operational timers,
		// not business time (the injected clock may stand still in tests).
		now := time.Now()
		moved := false
		for len(s.later) > 0 && !s.later[0].at.After(now) {
			s.ready = append(s.ready, heap.Pop(&s.later).(retry).msg)
			moved = true
		}
		wait := time.Hour
		if len(s.later) > 0 {
			wait = s.later[0].at.Sub(now)
		}
		s.mu.Unlock()
		if moved {
			notify(s.signal)
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-s.resched:
		case <-timer.C:
		}
	}
}

// next waits for a message that is ready, or ctx's end.
func (s *Sender) next(ctx context.Context) (sessions.Message, bool) {
	for {
		if ctx.Err() != nil {
			// Shutting down: what was not started stays queued in the
			// store for the next run.
			return sessions.Message{}, false
		}
		s.mu.Lock()
		// A number gets its messages in order: one in flight (or waiting
		// for its retry) at a time, the oldest first.
		for i, m := range s.ready {
			if holder, ok := s.busy[m.To]; ok && holder != m.ID {
				continue
			}
			s.ready = slices.Delete(s.ready, i, i+1)
			s.busy[m.To] = m.ID
			s.inflight[m.ID] = m
			if len(s.ready) > 0 {
				notify(s.signal)
			}
			s.mu.Unlock()
			return m, true
		}
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return sessions.Message{}, false
		case <-s.signal:
		}
	}
}

func (s *Sender) work(ctx context.Context) {
	for {
		m, ok := s.next(ctx)
		if !ok {
			return
		}
		s.submit(ctx, m)
	}
}

// submit sends one message, unless its validity ended, and records what
// came of it.
func (s *Sender) submit(ctx context.Context, m sessions.Message) {
	if s.opts.Clock().Sub(m.Created) >= s.opts.Validity {
		s.fail(m, ReasonExpired, fmt.Sprintf("not sent within its validity of %v", s.opts.Validity), m.Error)
		return
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.SubmitTimeout)
	text := m.Text
	if m.Clear != "" {
		text = m.Clear
	}
	smsc, ids, err := s.opts.Submitter.Submit(sctx, MT{Operator: m.Operator, From: m.Source, To: m.To, Text: text})
	cancel()
	m.Attempts++
	now := s.opts.Clock()
	var class Class
	if err != nil {
		class = s.opts.Classify(err)
	}
	switch {
	case err == nil:
		m.Status, m.SMSC, m.SMSCIDs, m.Sent, m.Error = sessions.StatusSent, smsc, ids, now, ""
		s.m.mts.WithLabelValues(m.Source, "sent").Inc()
		if m.Outcome != sessions.SessionEnding && m.Outcome != sessions.SessionExpired {
			s.m.latency.WithLabelValues(m.Operator).Observe(now.Sub(m.Created).Seconds())
		}
		s.record(m, true)
		s.release(m)
		// The operator's SMSC takes submits: what waits out a backoff
		// there goes now (the bind paces it).
		s.Wake(m.Operator)
	case class.Temporary && ctx.Err() == nil:
		m.Error = err.Error()
		s.m.mts.WithLabelValues(m.Source, "retry").Inc()
		backoff := min(s.opts.RetryMin<<min(m.Attempts-1, 16), s.opts.RetryMax)
		if class.Throttle {
			backoff = s.opts.RetryMin
		}
		s.mu.Lock()
		delete(s.inflight, m.ID)
		heap.Push(&s.later, retry{at: time.Now().Add(backoff), msg: m})
		s.mu.Unlock()
		notify(s.resched)
	case class.Temporary:
		// Shutting down: the message stays queued in the store and is
		// sent after the restart.
		s.forget(m.ID)
		s.release(m)
	default:
		s.fail(m, class.Reason, err.Error(), "")
	}
}

// fail records m as failed for good for reason, with what as its error
// (and the last temporary error before it, if any).
func (s *Sender) fail(m sessions.Message, reason, what, last string) {
	m.Status, m.Error = sessions.StatusFailed, what
	if last != "" {
		m.Error += "; last error: " + last
	}
	s.m.mts.WithLabelValues(m.Source, "failed").Inc()
	s.failed(m, reason)
	s.log.Error().Uint64("message_id", m.ID).Str("operator", m.Operator).Str("to", sessions.MaskNumber(m.To)).
		Str("reason", reason).Int("attempts", m.Attempts).Str("error", m.Error).Msg("reply failed for good: never sent")
	s.record(m, true)
	s.release(m)
}

// failed counts a message that ended failed.
func (s *Sender) failed(m sessions.Message, reason string) {
	s.m.failed.WithLabelValues(m.Operator, reason).Inc()
}

// release lets the next message to a number go.
func (s *Sender) release(m sessions.Message) {
	s.mu.Lock()
	if s.busy[m.To] == m.ID {
		delete(s.busy, m.To)
	}
	s.mu.Unlock()
	notify(s.signal)
}

func (s *Sender) forget(id uint64) {
	s.mu.Lock()
	delete(s.known, id)
	delete(s.inflight, id)
	s.mu.Unlock()
}

// retry is a message to submit again at at, after a backoff.
type retry struct {
	at  time.Time
	msg sessions.Message
}

// retryHeap orders the retries by when they come due (container/heap).
type retryHeap []retry

func (h retryHeap) Len() int { return len(h) }

func (h retryHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }

func (h retryHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }

func (h *retryHeap) Push(x any) { *h = append(*h, x.(retry)) }

func (h *retryHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
