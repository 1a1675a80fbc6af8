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
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"smspark/sessions"
)

// ErrUnknownMessage is what a Store returns (wrapped) for an SMSC message
// id it holds no message for.
var ErrUnknownMessage = errors.New("outbox: no message with that SMSC message id")

// Store is what the sender needs of the store.
type Store interface {
	// Queued returns the messages waiting to be sent, oldest first.
	Queued(ctx context.Context) ([]sessions.Message, error)
	// MessageBySMSCID returns the message an SMSC gave id to, or an error
	// wrapping ErrUnknownMessage.
	MessageBySMSCID(ctx context.Context, smsc, id string) (sessions.Message, error)
	Commit(ctx context.Context, changes []sessions.Change) error
}

// MT is one message to submit.
type MT struct {
	Operator string // submit on a bind of this operator's SMSC
	From     string // 4411 or 4400
	To       string // the motorist's number, as E.164
	Text     string
}

// Receipt is a delivery receipt for a submitted message.
type Receipt struct {
	SMSC      string
	MessageID string // the id the SMSC gave in submit_sm_resp
	State     string // DELIVRD, UNDELIV, EXPIRED, REJECTD, ...
	Delivered bool
	Err       string
}

// Submitter submits one MT on a bind of its operator. It returns the SMSC
// used and the message id of each part.
type Submitter interface {
	Submit(ctx context.Context, mt MT) (smsc string, ids []string, err error)
}

// Class is what a submit error means for the message.
type Class struct {
	// Temporary: sending again later may succeed; the message is retried
	// until its validity ends.
	Temporary bool
	// Throttle: the SMSC asked to slow down. The bind paces its submits;
	// the message is retried after RetryMin, without a growing backoff,
	// so that it goes as soon as the SMSC takes submits again.
	Throttle bool
	// Reason names the error in a few bounded words (the SMSC's status,
	// or what went wrong) for the message's record and the metrics.
	Reason string
}

// Classify classes a submit error.
type Classify func(err error) Class

// Reasons a message fails for besides those Classify gives.
const (
	// ReasonExpired: the message's validity ended before it was sent.
	ReasonExpired = "validity_expired"
	// ReasonCredentialsLost: a credential's clear text does not survive
	// a restart.
	ReasonCredentialsLost = "credentials_lost"
	// ReasonReceipt prefixes the state of a delivery receipt that says
	// the message was not delivered ("receipt_undeliv").
	ReasonReceipt = "receipt_"
)

// Options configure a Sender.
type Options struct {
	Store     Store
	Submitter Submitter
	// Classify classes submit errors (default: every error permanent,
	// reason "error").
	Classify Classify
	Logger   zerolog.Logger
	// Registerer receives the sender's metrics; nil registers none.
	Registerer prometheus.Registerer
	// Operators, Sources and Reasons are the label values the metrics
	// start with at 0: the configured operators, the short codes replies
	// come from, and the reasons Classify can fail a message for.
	Operators, Sources, Reasons []string
	// Workers is how many submits may be in flight (default 64); the SMPP
	// windows limit them further.
	Workers int
	// RetryMin and RetryMax bound the backoff between attempts of one
	// message (defaults 1 s and 1 min).
	RetryMin, RetryMax time.Duration
	// Validity is how long after its creation a message is still worth
	// sending (default 1 h): a temporary failure is retried until then,
	// and a message older than that fails with ReasonExpired.
	Validity time.Duration
	// SubmitTimeout bounds one submit (default 30 s).
	SubmitTimeout time.Duration
	// Clock gives the times recorded on messages (Sent), the MO->MT
	// latency and the validity (default time.Now); retry backoffs use
	// real time.
	Clock func() time.Time
}

// Sender submits queued messages. It implements sessions.Sender.
type Sender struct {
	opts Options
	log  zerolog.Logger

	mu       sync.Mutex
	ready    []sessions.Message          // to submit now, FIFO
	later    retryHeap                   // to submit after a backoff
	inflight map[uint64]sessions.Message // being submitted
	known    map[uint64]bool             // queued or in flight, to drop duplicates
	busy     map[string]uint64           // number -> the message of it in flight or waiting for a retry
	signal   chan struct{}               // ready has something
	resched  chan struct{}               // later changed
	updates  []sessions.Message          // durable status changes to commit
	flush    chan struct{}               // updates has something
	bySMSC   map[string]uint64           // recent SMSC message ids -> message id
	latest   map[uint64]sessions.Message
	order    []uint64 // message ids of latest, oldest first
	// recorded is closed (and replaced) whenever a message is recorded, so
	// a receipt that overtook its submit's result can wait for it.
	recorded chan struct{}

	m *metrics
}

// New returns a Sender; Run starts it.
func New(opts Options) (*Sender, error) {
	if opts.Store == nil || opts.Submitter == nil {
		return nil, errors.New("outbox: Store and Submitter are required")
	}
	if opts.Classify == nil {
		opts.Classify = func(error) Class { return Class{Reason: "error"} }
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
	if opts.Validity <= 0 {
		opts.Validity = DefaultValidity
	}
	if opts.SubmitTimeout <= 0 {
		opts.SubmitTimeout = 30 * time.Second
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	s := &Sender{
		opts:     opts,
		log:      opts.Logger.With().Str("component", "outbox").Logger(),
		inflight: map[uint64]sessions.Message{},
		known:    map[uint64]bool{},
		busy:     map[string]uint64{},
		signal:   make(chan struct{}, 1),
		resched:  make(chan struct{}, 1),
		flush:    make(chan struct{}, 1),
		bySMSC:   map[string]uint64{},
		latest:   map[uint64]sessions.Message{},

		recorded: make(chan struct{}),
	}
	s.m = newMetrics(opts.Registerer, s)
	return s, nil
}

// DefaultValidity is how long a reply is worth sending unless Options say
// otherwise: a parking confirmation an hour late is no confirmation.
const DefaultValidity = time.Hour

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
	s.mu.Unlock()
	notify(s.signal)
}

// Depth is how many messages are not sent yet: waiting to be submitted,
// waiting for a retry, or being submitted.
func (s *Sender) Depth() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.depth()
}

func (s *Sender) depth() int { return len(s.ready) + len(s.later) + len(s.inflight) }

// Oldest returns when the oldest message not sent yet was created, false
// when there is none.
func (s *Sender) Oldest() (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var oldest time.Time
	see := func(m sessions.Message) {
		if oldest.IsZero() || m.Created.Before(oldest) {
			oldest = m.Created
		}
	}
	for _, m := range s.ready {
		see(m)
	}
	for _, r := range s.later {
		see(r.msg)
	}
	for _, m := range s.inflight {
		see(m)
	}
	return oldest, !oldest.IsZero()
}

// Wake makes the messages to operator that wait for a retry due now: its
// bind is up again, so they need not wait out their backoff.
func (s *Sender) Wake(operator string) {
	s.mu.Lock()
	now := time.Now()
	woke := false
	for i := range s.later {
		if s.later[i].msg.Operator == operator && s.later[i].at.After(now) {
			s.later[i].at = now
			woke = true
		}
	}
	if woke {
		heap.Init(&s.later)
	}
	s.mu.Unlock()
	if woke {
		notify(s.resched)
	}
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
	queued, err := s.opts.Store.Queued(ctx)
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
			s.failed(m, ReasonCredentialsLost)
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
	var sched sync.WaitGroup
	sched.Go(func() { s.schedule(ctx) })
	commitDone := make(chan error, 1)
	stopCommit := make(chan struct{})
	go func() { commitDone <- s.commitLoop(stopCommit) }()
	workers.Wait()
	sched.Wait()
	close(stopCommit)
	return <-commitDone
}
