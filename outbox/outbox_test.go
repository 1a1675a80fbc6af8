package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"smspark/outbox"
	"smspark/sessions"
	"smspark/store"
)

// Every test runs in a synctest bubble: time is fake, so the backoffs and
// the sender's 5 s wait for a receipt's submit take no real time, and
// synctest.Wait says when every goroutine of the sender has settled
// (blocked on a channel or a timer) — no sleeps, no polling. A bubble also
// refuses to end while one of its goroutines is left behind.

// errTemporary and errPermanent are the fake's submit errors; temporary
// reports which is which.
var (
	errTemporary = errors.New("fake: throttled")
	errPermanent = errors.New("fake: invalid destination address")
)

func classify(err error) outbox.Class {
	if errors.Is(err, errTemporary) {
		return outbox.Class{Temporary: true, Reason: "throttled"}
	}
	return outbox.Class{Reason: "invalid_address"}
}

// fakeSubmitter is a Submitter whose behaviour is a function.
type fakeSubmitter struct {
	submit func(ctx context.Context, mt outbox.MT) (smsc string, ids []string, err error)
}

func (f *fakeSubmitter) Submit(ctx context.Context, mt outbox.MT) (string, []string, error) {
	return f.submit(ctx, mt)
}

// submits logs the MTs a fake saw, in order.
type submits struct {
	mu  sync.Mutex
	mts []outbox.MT
	at  []time.Time
}

func (s *submits) add(mt outbox.MT) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mts = append(s.mts, mt)
	s.at = append(s.at, time.Now())
}

// count is how many times an MT to the number was submitted.
func (s *submits) count(to string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, mt := range s.mts {
		if mt.To == to {
			n++
		}
	}
	return n
}

func (s *submits) all() []outbox.MT {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.mts)
}

func (s *submits) times() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.at)
}

// outboxStore is the real store as the sender sees it (as cmd wires it).
type outboxStore struct{ db *store.DB }

func (o outboxStore) Queued(ctx context.Context) ([]sessions.Message, error) {
	return o.db.Messages(ctx, store.MessageFilter{Status: sessions.StatusQueued})
}

func (o outboxStore) MessageBySMSCID(ctx context.Context, smsc, id string) (sessions.Message, error) {
	m, err := o.db.MessageBySMSCID(ctx, smsc, id)
	if errors.Is(err, store.ErrNotFound) {
		return m, fmt.Errorf("%w: %w", outbox.ErrUnknownMessage, err)
	}
	return m, err
}

func (o outboxStore) Commit(ctx context.Context, changes []sessions.Change) error {
	return o.db.Commit(ctx, changes)
}

// smscA is the SMSC the fakes submit on.
const smscA = "smsc-a"

// smscIDs are the message ids the fakes give an MT's parts: one part, or
// two for the number that ends in 2.
func smscIDs(to string) []string {
	if strings.HasSuffix(to, "2") {
		return []string{"id-" + to + "-1", "id-" + to + "-2"}
	}
	return []string{"id-" + to}
}

// accepting returns a fake that accepts every MT and logs it in log.
func accepting(log *submits) *fakeSubmitter {
	return &fakeSubmitter{submit: func(_ context.Context, mt outbox.MT) (string, []string, error) {
		log.add(mt)
		return smscA, smscIDs(mt.To), nil
	}}
}

func brussels(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		t.Fatalf("LoadLocation: %v", err)
	}
	return loc
}

// created is when the test messages were made.
func created(t *testing.T) time.Time {
	return time.Date(2026, 3, 2, 9, 30, 0, 0, brussels(t))
}

// queued returns a queued confirmation to the number.
func queued(t *testing.T, id uint64, to string) sessions.Message {
	return sessions.Message{
		ID: id, To: to, Source: sessions.SourceConfirm, Operator: "proximus",
		Outcome: sessions.Started, Text: "Parking started in zone 1021 for 1ABC123.",
		Created: created(t), Status: sessions.StatusQueued,
	}
}

// openStore opens a real store in a new temporary directory; it is closed
// when the test ends.
func openStore(t *testing.T) (*store.DB, string) {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(dir, store.Options{Create: true})
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db, dir
}

// commit writes msgs to the store as the engine does before it hands them
// to the sender.
func commit(t *testing.T, db *store.DB, msgs ...sessions.Message) {
	t.Helper()
	var next uint64
	for _, m := range msgs {
		next = max(next, m.ID+1)
	}
	if err := db.Commit(context.Background(), []sessions.Change{{Messages: msgs, NextID: next}}); err != nil {
		t.Fatalf("Commit: %v", err)
	}
}

// stored returns the store's outbox by message ID.
func stored(t *testing.T, db *store.DB) map[uint64]sessions.Message {
	t.Helper()
	msgs, err := db.Messages(context.Background(), store.MessageFilter{})
	if err != nil {
		t.Fatalf("Messages: %v", err)
	}
	out := make(map[uint64]sessions.Message, len(msgs))
	for _, m := range msgs {
		out[m.ID] = m
	}
	return out
}

// message returns the stored message id.
func message(t *testing.T, db *store.DB, id uint64) sessions.Message {
	t.Helper()
	m, ok := stored(t, db)[id]
	if !ok {
		t.Fatalf("message %d not in the store", id)
	}
	return m
}

// newSender returns a sender with retries of 1 to 5 ms unless opts says
// otherwise.
func newSender(t *testing.T, opts outbox.Options) *outbox.Sender {
	t.Helper()
	if opts.RetryMin == 0 {
		opts.RetryMin = time.Millisecond
	}
	if opts.RetryMax == 0 {
		opts.RetryMax = 5 * time.Millisecond
	}
	if opts.Classify == nil {
		opts.Classify = classify
	}
	s, err := outbox.New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// running is a Sender's Run in a goroutine.
type running struct {
	cancel  context.CancelFunc
	done    chan error
	stopped bool
}

// start runs s.Run in a goroutine until stop (or the test's end).
func start(t *testing.T, s *outbox.Sender) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- s.Run(ctx) }()
	t.Cleanup(func() {
		if !r.stopped {
			cancel()
			<-r.done
		}
	})
	return r
}

// stop cancels Run's context and waits for Run.
func (r *running) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	r.wait(t)
}

// wait waits for Run to return, checks it returned nil and that no
// goroutine of the sender is left.
func (r *running) wait(t *testing.T) {
	t.Helper()
	select {
	case err := <-r.done:
		r.stopped = true
		if err != nil {
			t.Errorf("Run returned %v, want nil", err)
		}
	case <-time.After(time.Hour):
		// Fake time: this fires only when every goroutine is stuck.
		t.Fatal("Run did not return after its context was cancelled")
	}
	synctest.Wait() // goroutines that are exiting have exited
	for _, g := range goroutines() {
		if strings.Contains(g, "smspark/outbox.") {
			t.Errorf("a goroutine of the sender outlived Run:\n%s", g)
		}
	}
}

// eventually polls cond, letting (fake) time pass, for up to 5 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		synctest.Wait()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestNewRequiresStoreAndSubmitter(t *testing.T) {
	db, _ := openStore(t)
	sub := accepting(&submits{})
	for _, tc := range []struct {
		name string
		opts outbox.Options
	}{
		{"no store", outbox.Options{Submitter: sub}},
		{"no submitter", outbox.Options{Store: outboxStore{db}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := outbox.New(tc.opts); err == nil {
				t.Error("New succeeded, want an error")
			}
		})
	}
}

func TestRunResumesQueuedMessages(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, _ := openStore(t)
		sentAt := created(t).Add(3 * time.Second)
		one, two := queued(t, 1, "+32470000001"), queued(t, 2, "+32470000002")
		two.Source, two.Outcome, two.Text = sessions.SourceError, sessions.UnknownZone, "Unknown zone 9999."
		delivered := queued(t, 3, "+32470000003")
		delivered.Status, delivered.SMSC, delivered.SMSCIDs, delivered.Sent, delivered.Attempts =
			sessions.StatusDelivered, smscA, []string{"old"}, sentAt, 1
		dry := queued(t, 4, "+32470000004")
		dry.Status = sessions.StatusDryRun
		commit(t, db, one, two, delivered, dry)

		log := &submits{}
		s := newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: accepting(log),
			Clock: func() time.Time { return sentAt }})
		r := start(t, s)
		synctest.Wait()

		got := stored(t, db)
		for _, want := range []sessions.Message{one, two} {
			m := got[want.ID]
			if m.Status != sessions.StatusSent || m.SMSC != smscA || !slices.Equal(m.SMSCIDs, smscIDs(want.To)) ||
				!m.Sent.Equal(sentAt) || m.Attempts != 1 || m.Error != "" || m.Text != want.Text {
				t.Errorf("message %d stored as %+v, want sent on %s with ids %v at %v, 1 attempt, no error, its text",
					want.ID, m, smscA, smscIDs(want.To), sentAt)
			}
			for _, id := range smscIDs(want.To) {
				if byID, err := db.MessageBySMSCID(context.Background(), smscA, id); err != nil || byID.ID != want.ID {
					t.Errorf("MessageBySMSCID(%s, %s) = message %d, %v; want message %d", smscA, id, byID.ID, err, want.ID)
				}
			}
		}
		for _, want := range []sessions.Message{delivered, dry} {
			if m := got[want.ID]; m.Status != want.Status || m.Attempts != want.Attempts {
				t.Errorf("message %d (%s) changed: %+v", want.ID, want.Status, m)
			}
		}
		if s.Depth() != 0 {
			t.Errorf("Depth() = %d once everything is sent, want 0", s.Depth())
		}
		r.stop(t)

		wantMTs := []outbox.MT{
			{Operator: "proximus", From: sessions.SourceConfirm, To: one.To, Text: one.Text},
			{Operator: "proximus", From: sessions.SourceError, To: two.To, Text: two.Text},
		}
		mts := log.all()
		slices.SortFunc(mts, func(a, b outbox.MT) int { return strings.Compare(a.To, b.To) })
		if !reflect.DeepEqual(mts, wantMTs) {
			t.Errorf("submitted %+v, want each queued message once: %+v", mts, wantMTs)
		}
	})
}

func TestQueued(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, _ := openStore(t)
		early := queued(t, 1, "+32470000001") // handed before Run, and in the store
		live := queued(t, 2, "+32470000011")  // handed while Run runs
		dry := queued(t, 3, "+32470000021")
		dry.Status = sessions.StatusDryRun
		sent := queued(t, 4, "+32470000031")
		sent.Status, sent.SMSC, sent.SMSCIDs, sent.Attempts = sessions.StatusSent, smscA, []string{"x"}, 1
		commit(t, db, early, live, dry, sent)
		before := stored(t, db)

		log := &submits{}
		inFlight, release := make(chan struct{}), make(chan struct{})
		sub := &fakeSubmitter{submit: func(_ context.Context, mt outbox.MT) (string, []string, error) {
			log.add(mt)
			if mt.To == live.To {
				close(inFlight)
				<-release
			}
			return smscA, smscIDs(mt.To), nil
		}}
		s := newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: sub})

		s.Queued([]sessions.Message{dry, sent})
		if s.Depth() != 0 {
			t.Errorf("Depth() = %d after handing a dry-run and a sent message, want 0", s.Depth())
		}
		s.Queued([]sessions.Message{early, early})
		s.Queued([]sessions.Message{early})
		if s.Depth() != 1 {
			t.Errorf("Depth() = %d after handing one message three times, want 1", s.Depth())
		}

		r := start(t, s) // resumes early from the store too
		synctest.Wait()
		s.Queued([]sessions.Message{dry, sent, live, live})
		<-inFlight
		s.Queued([]sessions.Message{live}) // again, while its submit is in flight
		if s.Depth() != 1 {
			t.Errorf("Depth() = %d with the message in flight handed again, want 1: in flight counts", s.Depth())
		}
		close(release)
		synctest.Wait()

		got := stored(t, db)
		for _, id := range []uint64{early.ID, live.ID} {
			if got[id].Status != sessions.StatusSent || got[id].Attempts != 1 {
				t.Errorf("message %d stored as %+v, want sent after 1 attempt", id, got[id])
			}
		}
		for _, id := range []uint64{dry.ID, sent.ID} {
			if !reflect.DeepEqual(got[id], before[id]) {
				t.Errorf("message %d changed from %+v to %+v", id, before[id], got[id])
			}
		}
		r.stop(t)

		for _, c := range []struct {
			name string
			to   string
			want int
		}{
			{"handed before Run and resumed", early.To, 1},
			{"handed while running", live.To, 1},
			{"dry_run", dry.To, 0},
			{"sent", sent.To, 0},
		} {
			if n := log.count(c.to); n != c.want {
				t.Errorf("%s: submitted %d times, want %d", c.name, n, c.want)
			}
		}
	})
}

// TestOneNumberInOrder: a number gets its messages in order — its second
// message waits while the first is in flight or waiting for a retry —
// while other numbers' messages go meanwhile.
func TestOneNumberInOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, _ := openStore(t)
		first, second := queued(t, 1, "+32470000001"), queued(t, 2, "+32470000001")
		second.Text = "second"
		other := queued(t, 3, "+32470000002")
		commit(t, db, first, second, other)
		log := &submits{}
		release := make(chan struct{})
		failedOnce := false
		sub := &fakeSubmitter{submit: func(_ context.Context, mt outbox.MT) (string, []string, error) {
			log.add(mt)
			if mt.To == first.To && mt.Text == first.Text {
				<-release
				if !failedOnce {
					failedOnce = true
					return "", nil, errTemporary // retried after a backoff
				}
			}
			return smscA, smscIDs(mt.To), nil
		}}
		s := newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: sub, Workers: 4,
			RetryMin: time.Millisecond, RetryMax: time.Millisecond})
		r := start(t, s)
		synctest.Wait()
		// The first is in flight: the other number's message went, the
		// second to the same number waits.
		if log.count(other.To) != 1 || log.count(first.To) != 1 {
			t.Fatalf("while the first is in flight: %d to the other number, %d to the first", log.count(other.To), log.count(first.To))
		}
		release <- struct{}{} // fails temporarily
		synctest.Wait()
		time.Sleep(2 * time.Millisecond) // the backoff, in fake time
		release <- struct{}{}
		synctest.Wait()
		r.stop(t)
		var texts []string
		for _, mt := range log.mts {
			if mt.To == first.To {
				texts = append(texts, mt.Text)
			}
		}
		if len(texts) != 3 || texts[0] != first.Text || texts[1] != first.Text || texts[2] != "second" {
			t.Fatalf("to the first number, in order: %q", texts)
		}
	})
}
