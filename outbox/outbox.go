// Package outbox sends the replies the engine made durable: every message
// queued in the store is submitted at least once over SMPP, after a crash,
// a disconnect or a throttle too, and its fate (sent, delivered, failed)
// is written back. Delivery receipts update the message they report on.
package outbox

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/rs/zerolog"

	"smspark/sessions"
	"smspark/smpp"
	"smspark/store"
)

// Store is what the sender needs of the store.
type Store interface {
	Messages(ctx context.Context, f store.MessageFilter) ([]sessions.Message, error)
	MessageBySMSCID(ctx context.Context, smsc, id string) (sessions.Message, error)
	Commit(ctx context.Context, changes []sessions.Change) error
}

// Submitter submits one MT on a bind of its operator. It returns the SMSC
// used and the message id of each part; an error for which Temporary
// reports true is retried.
type Submitter interface {
	Submit(ctx context.Context, mt smpp.MT) (smsc string, ids []string, err error)
}

// Options configure a Sender.
type Options struct {
	Store     Store
	Submitter Submitter
	// Temporary says whether a submit error is worth retrying.
	Temporary func(error) bool
	Logger    zerolog.Logger
	// Registerer receives the sender's metrics; nil registers none.
	Registerer prometheus.Registerer
	// Workers is how many submits may be in flight (default 64); the SMPP
	// windows limit them further.
	Workers int
	// RetryMin and RetryMax bound the backoff between attempts of one
	// message (defaults 1 s and 1 min).
	RetryMin, RetryMax time.Duration
	// SubmitTimeout bounds one submit (default 30 s).
	SubmitTimeout time.Duration
	// Clock gives the times recorded on messages (Sent) and the MO->MT
	// latency (default time.Now); retry backoffs use real time.
	Clock func() time.Time
}

// Sender submits queued messages. It implements sessions.Sender.
type Sender struct {
	opts Options
	log  zerolog.Logger

	mu      sync.Mutex
	ready   []sessions.Message // to submit now, FIFO
	later   retryHeap          // to submit after a backoff
	known   map[uint64]bool    // queued or in flight, to drop duplicates
	busy    map[string]uint64  // number -> the message of it in flight or waiting for a retry
	signal  chan struct{}      // ready has something
	updates []sessions.Message // durable status changes to commit
	flush   chan struct{}      // updates has something
	bySMSC  map[string]uint64  // recent SMSC message ids -> message id
	latest  map[uint64]sessions.Message
	order   []uint64 // message ids of latest, oldest first
	// recorded is closed (and replaced) whenever a message is recorded, so
	// a receipt that overtook its submit's result can wait for it.
	recorded chan struct{}

	mts      *prometheus.CounterVec
	receipts *prometheus.CounterVec
	depth    prometheus.Gauge
	latency  *prometheus.HistogramVec
}

// New returns a Sender; Run starts it.
func New(opts Options) (*Sender, error) {
	if opts.Store == nil || opts.Submitter == nil {
		return nil, errors.New("outbox: Store and Submitter are required")
	}
	if opts.Temporary == nil {
		opts.Temporary = smpp.Temporary
	}
	if opts.Workers <= 0 {
		opts.Workers = 64
	}
	if opts.RetryMin <= 0 {
		opts.RetryMin = time.Second
	}
	if opts.RetryMax <= 0 {
		opts.RetryMax = time.Minute
	}
	if opts.SubmitTimeout <= 0 {
		opts.SubmitTimeout = 30 * time.Second
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	s := &Sender{
		opts:   opts,
		log:    opts.Logger.With().Str("component", "outbox").Logger(),
		known:  map[uint64]bool{},
		busy:   map[string]uint64{},
		signal: make(chan struct{}, 1),
		flush:  make(chan struct{}, 1),
		bySMSC: map[string]uint64{},
		latest: map[uint64]sessions.Message{},

		recorded: make(chan struct{}),
	}
	reg := opts.Registerer
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	f := promauto.With(reg)
	s.mts = f.NewCounterVec(prometheus.CounterOpts{
		Name: "smspark_mt_total",
		Help: "MT submit results by source short code and result (sent, retry, failed).",
	}, []string{"source", "result"})
	s.receipts = f.NewCounterVec(prometheus.CounterOpts{
		Name: "smspark_delivery_receipts_total",
		Help: "Delivery receipts by operator and state (DELIVRD, UNDELIV, ...).",
	}, []string{"operator", "state"})
	s.depth = f.NewGauge(prometheus.GaugeOpts{
		Name: "smspark_outbox_depth",
		Help: "Messages waiting to be submitted, including those waiting for a retry.",
	})
	s.latency = f.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "smspark_mo_to_mt_seconds",
		Help:    "From an MO's arrival to its reply's submit_sm_resp, by operator. 4411 promises a confirmation within 15 s (docs/smpp.md).",
		Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 300},
	}, []string{"operator"})
	return s, nil
}

// Queued takes messages the engine made durable. It never blocks.
func (s *Sender) Queued(msgs []sessions.Message) {
	s.mu.Lock()
	for _, m := range msgs {
		if m.Status != sessions.StatusQueued || s.known[m.ID] {
			continue
		}
		s.known[m.ID] = true
		s.ready = append(s.ready, m)
	}
	s.depth.Set(float64(len(s.ready) + len(s.later)))
	s.mu.Unlock()
	notify(s.signal)
}

// Depth is how many messages wait to be submitted.
func (s *Sender) Depth() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.ready) + len(s.later)
}

func notify(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// Run resumes the messages the store holds as queued, then submits what
// arrives until ctx is done. Submits in flight then finish (bounded by
// SubmitTimeout) and their results are written before Run returns; what was
// not started stays queued for the next run. A status that cannot be
// written is retried every second; Run returns an error if the store
// cannot be read at start, or if statuses are still unwritten at the end.
func (s *Sender) Run(ctx context.Context) error {
	queued, err := s.opts.Store.Messages(ctx, store.MessageFilter{Status: sessions.StatusQueued})
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped before it started: the queue waits for the next run
		}
		return fmt.Errorf("outbox: resume: %w", err)
	}
	if len(queued) > 0 {
		s.log.Info().Int("messages", len(queued)).Msg("resuming queued messages")
	}
	for i := 0; i < len(queued); i++ {
		if m := queued[i]; m.Secret && m.Clear == "" {
			// A credential's clear text lives in memory only: after a
			// restart it cannot be sent; the motorist asks again (PASS).
			m.Status, m.Error = sessions.StatusFailed, "credentials not kept across a restart: send PASS again"
			s.record(m, false)
			queued = append(queued[:i], queued[i+1:]...)
			i--
		}
	}
	s.Queued(queued)

	var workers sync.WaitGroup
	for range s.opts.Workers {
		workers.Go(func() { s.work(ctx) })
	}
	commitDone := make(chan error, 1)
	stopCommit := make(chan struct{})
	go func() { commitDone <- s.commitLoop(stopCommit) }()
	workers.Wait()
	close(stopCommit)
	return <-commitDone
}

// next waits for a message that is due, or ctx's end.
func (s *Sender) next(ctx context.Context) (sessions.Message, bool) {
	for {
		if ctx.Err() != nil {
			// Shutting down: what was not started stays queued in the
			// store for the next run.
			return sessions.Message{}, false
		}
		s.mu.Lock()
		// Backoffs run on real elapsed time: they are operational timers,
		// not business time (the injected clock may stand still in tests).
		now := time.Now()
		for len(s.later) > 0 && !s.later[0].at.After(now) {
			s.ready = append(s.ready, heap.Pop(&s.later).(retry).msg)
		}
		// A number gets its messages in order: one in flight (or waiting
		// for its retry) at a time, the oldest first.
		for i, m := range s.ready {
			if holder, ok := s.busy[m.To]; ok && holder != m.ID {
				continue
			}
			s.ready = slices.Delete(s.ready, i, i+1)
			s.busy[m.To] = m.ID
			if len(s.ready) > 0 {
				notify(s.signal)
			}
			s.mu.Unlock()
			return m, true
		}
		wait := time.Hour
		if len(s.later) > 0 {
			wait = s.later[0].at.Sub(now)
		}
		s.mu.Unlock()
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return sessions.Message{}, false
		case <-s.signal:
			timer.Stop()
		case <-timer.C:
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

// submit sends one message and records what came of it.
func (s *Sender) submit(ctx context.Context, m sessions.Message) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.SubmitTimeout)
	text := m.Text
	if m.Clear != "" {
		text = m.Clear
	}
	smsc, ids, err := s.opts.Submitter.Submit(sctx, smpp.MT{Operator: m.Operator, From: m.Source, To: m.To, Text: text})
	cancel()
	m.Attempts++
	now := s.opts.Clock()
	switch {
	case err == nil:
		m.Status, m.SMSC, m.SMSCIDs, m.Sent, m.Error = sessions.StatusSent, smsc, ids, now, ""
		s.mts.WithLabelValues(m.Source, "sent").Inc()
		if m.Outcome != sessions.SessionEnding && m.Outcome != sessions.SessionExpired {
			s.latency.WithLabelValues(m.Operator).Observe(now.Sub(m.Created).Seconds())
		}
		s.record(m, true)
		s.release(m)
	case s.opts.Temporary(err) && ctx.Err() == nil:
		m.Error = err.Error()
		s.mts.WithLabelValues(m.Source, "retry").Inc()
		backoff := min(s.opts.RetryMin<<min(m.Attempts-1, 16), s.opts.RetryMax)
		s.mu.Lock()
		heap.Push(&s.later, retry{at: time.Now().Add(backoff), msg: m})
		s.depth.Set(float64(len(s.ready) + len(s.later)))
		s.mu.Unlock()
		notify(s.signal)
	case s.opts.Temporary(err):
		// Shutting down: the message stays queued in the store and is
		// sent after the restart.
		s.forget(m.ID)
		s.release(m)
	default:
		m.Status, m.Error = sessions.StatusFailed, err.Error()
		s.mts.WithLabelValues(m.Source, "failed").Inc()
		s.log.Warn().Uint64("message", m.ID).Str("to", sessions.MaskNumber(m.To)).Err(err).Msg("submit failed for good")
		s.record(m, true)
		s.release(m)
	}
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
	s.depth.Set(float64(len(s.ready) + len(s.later)))
	s.mu.Unlock()
}

// record queues a status change for the store and remembers the message
// for its receipts.
func (s *Sender) record(m sessions.Message, done bool) {
	m.Clear = ""
	s.mu.Lock()
	if done {
		delete(s.known, m.ID)
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
	s.depth.Set(float64(len(s.ready) + len(s.later)))
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
func (s *Sender) lookup(ctx context.Context, r smpp.Receipt, key string) (sessions.Message, bool) {
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

// HandleReceipt applies a delivery receipt to the message it reports on.
// A receipt for an unknown message is logged and dropped (returns nil so
// the SMSC stops sending it).
func (s *Sender) HandleReceipt(ctx context.Context, r smpp.Receipt) error {
	key := r.SMSC + "\x00" + r.MessageID
	m, ok := s.inMemory(key)
	if !ok {
		m, ok = s.lookup(ctx, r, key)
	}
	if !ok {
		var err error
		m, err = s.opts.Store.MessageBySMSCID(ctx, r.SMSC, r.MessageID)
		if errors.Is(err, store.ErrNotFound) {
			s.log.Warn().Str("smsc", r.SMSC).Str("message_id", r.MessageID).Msg("receipt for an unknown message")
			return nil
		}
		if err != nil {
			return err
		}
	}
	s.receipts.WithLabelValues(m.Operator, receiptState(r.State)).Inc()
	switch {
	case r.Delivered && m.Status != sessions.StatusFailed:
		m.Status = sessions.StatusDelivered
	case !r.Delivered:
		m.Status, m.Error = sessions.StatusFailed, "receipt: "+r.State+" "+r.Err
	}
	s.record(m, false)
	return nil
}

// receiptState bounds the receipt state label to the SMPP 3.4 states.
func receiptState(s string) string {
	switch s {
	case "DELIVRD", "EXPIRED", "DELETED", "UNDELIV", "ACCEPTD", "UNKNOWN", "REJECTD", "ENROUTE":
		return s
	}
	return "OTHER"
}

// maxRecent is how many sent messages are kept in memory for their
// delivery receipts.
const maxRecent = 100_000

type retry struct {
	at  time.Time
	msg sessions.Message
}

type retryHeap []retry

func (h retryHeap) Len() int           { return len(h) }
func (h retryHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h retryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *retryHeap) Push(x any)        { *h = append(*h, x.(retry)) }
func (h *retryHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
