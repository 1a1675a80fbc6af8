package outbox_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

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

// goroutines returns the stack of every goroutine.
func goroutines() []string {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Split(string(buf[:n]), "\n\n")
		}
		buf = make([]byte, 2*len(buf))
	}
}

// blockedIn reports whether a goroutine is blocked in a select inside fn.
func blockedIn(fn string) bool {
	for _, g := range goroutines() {
		header, _, _ := strings.Cut(g, "\n")
		if strings.Contains(header, "[select") && strings.Contains(g, fn) {
			return true
		}
	}
	return false
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

func TestTemporaryErrorsAreRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const failures = 5
		db, _ := openStore(t)
		m := queued(t, 1, "+32470000001")
		commit(t, db, m)

		log := &submits{}
		var mu sync.Mutex
		successes := 0
		sub := &fakeSubmitter{submit: func(_ context.Context, mt outbox.MT) (string, []string, error) {
			log.add(mt)
			if log.count(mt.To) <= failures {
				return "", nil, errTemporary
			}
			mu.Lock()
			successes++
			mu.Unlock()
			return smscA, smscIDs(mt.To), nil
		}}
		reg := prometheus.NewRegistry()
		s := newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: sub, Registerer: reg,
			RetryMin: time.Millisecond, RetryMax: 5 * time.Millisecond})
		r := start(t, s)
		eventually(t, "the message to be sent", func() bool {
			return message(t, db, m.ID).Status == sessions.StatusSent
		})
		r.stop(t)

		got := message(t, db, m.ID)
		if got.Attempts != failures+1 || got.Error != "" || got.SMSC != smscA || got.Sent.IsZero() {
			t.Errorf("stored %+v, want sent after %d attempts with no error left", got, failures+1)
		}
		if n := log.count(m.To); n != failures+1 {
			t.Errorf("submitted %d times, want %d", n, failures+1)
		}
		if successes != 1 {
			t.Errorf("submitted successfully %d times, want once", successes)
		}
		at := log.times()
		for i := 1; i < len(at); i++ {
			gap := at[i].Sub(at[i-1])
			if gap < time.Millisecond || gap > 5*time.Millisecond {
				t.Errorf("attempt %d came %v after the previous one, want a backoff within [1ms, 5ms]", i+1, gap)
			}
			if i > 1 && gap < at[i-1].Sub(at[i-2]) {
				t.Errorf("attempt %d came %v after the previous one, sooner than the backoff before it", i+1, gap)
			}
		}
		if last := at[len(at)-1].Sub(at[len(at)-2]); last != 5*time.Millisecond {
			t.Errorf("last backoff %v, want it capped at RetryMax 5ms", last)
		}
		expectMetrics(t, reg, "smspark_mt_total", map[string]float64{
			"result=retry,source=4411": failures,
			"result=sent,source=4411":  1,
		})
	})
}

func TestPermanentErrorsAreNotRetried(t *testing.T) {
	for _, tc := range []struct {
		name     string
		err      error
		classify outbox.Classify
	}{
		{"Classify says permanent", errPermanent, classify},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				db, _ := openStore(t)
				m := queued(t, 1, "+32470000001")
				commit(t, db, m)
				log := &submits{}
				sub := &fakeSubmitter{submit: func(_ context.Context, mt outbox.MT) (string, []string, error) {
					log.add(mt)
					return "", nil, tc.err
				}}
				s := newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: sub, Classify: tc.classify})
				r := start(t, s)
				synctest.Wait()
				time.Sleep(time.Hour) // fake time: long past any backoff
				synctest.Wait()
				r.stop(t)

				got := message(t, db, m.ID)
				if got.Status != sessions.StatusFailed || got.Error != tc.err.Error() || got.Attempts != 1 {
					t.Errorf("stored %+v, want failed after 1 attempt with error %q", got, tc.err.Error())
				}
				if n := log.count(m.To); n != 1 {
					t.Errorf("submitted %d times, want once", n)
				}
			})
		})
	}
}

// TestSecretClearTextNeverStored: a credential handed over in memory is
// sent in clear; the store, and the bytes of its file, only ever hold the
// masked text.
func TestSecretClearTextNeverStored(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const password = "Zq8rT4pW2kLm"
		db, dir := openStore(t)
		m := queued(t, 1, "+32470000001")
		m.Outcome, m.Secret = sessions.CredentialsSent, true
		m.Text = "Username: +32470000001 Password: **********"
		commit(t, db, m) // as the engine commits it
		m.Clear = "Username: +32470000001 Password: " + password

		log := &submits{}
		s := newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: accepting(log)})
		s.Queued([]sessions.Message{m})
		r := start(t, s)
		synctest.Wait()
		r.stop(t)

		if mts := log.all(); len(mts) != 1 || mts[0].Text != m.Clear {
			t.Fatalf("submitted %+v, want the clear credentials once", mts)
		}
		got := message(t, db, m.ID)
		if got.Status != sessions.StatusSent || strings.Contains(got.Text, password) || got.Text == "" {
			t.Errorf("stored %+v, want sent with the masked text", got)
		}
		if err := db.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		raw, err := os.ReadFile(filepath.Join(dir, store.FileName))
		if err != nil {
			t.Fatal(err)
		}
		if i := bytes.Index(raw, []byte(password)); i >= 0 {
			t.Errorf("the password is in the store file at offset %d", i)
		}
	})
}

// TestSecretLostInRestartFails: a credential still queued when the engine
// stopped has no clear text any more; it is marked failed, never sent with
// its masked text (the motorist asks again with PASS).
func TestSecretLostInRestartFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, _ := openStore(t)
		m := queued(t, 1, "+32470000001")
		m.Outcome, m.Secret = sessions.CredentialsSent, true
		m.Text = "Username: +32470000001 Password: **********"
		commit(t, db, m)
		log := &submits{}
		s := newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: accepting(log)})
		r := start(t, s)
		synctest.Wait()
		r.stop(t)
		if mts := log.all(); len(mts) != 0 {
			t.Fatalf("submitted %+v, want nothing", mts)
		}
		if got := message(t, db, m.ID); got.Status != sessions.StatusFailed || !strings.Contains(got.Error, "PASS") {
			t.Fatalf("stored %+v, want failed", got)
		}
	})
}

func TestReceipts(t *testing.T) {
	for _, tc := range []struct {
		name      string
		receipt   outbox.Receipt
		part      int // which part's id the receipt names
		status    string
		errorText []string // the stored error contains each
	}{
		{"delivered", outbox.Receipt{State: "DELIVRD", Delivered: true, Err: "000"}, 0, sessions.StatusDelivered, nil},
		{"delivered, second part", outbox.Receipt{State: "DELIVRD", Delivered: true, Err: "000"}, 1, sessions.StatusDelivered, nil},
		{"undeliverable", outbox.Receipt{State: "UNDELIV", Err: "001"}, 0, sessions.StatusFailed, []string{"UNDELIV", "001"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				db, _ := openStore(t)
				m := queued(t, 1, "+32470000002") // two parts
				commit(t, db, m)
				s := newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: accepting(&submits{})})
				r := start(t, s)
				synctest.Wait()

				rc := tc.receipt
				rc.SMSC, rc.MessageID = smscA, smscIDs(m.To)[tc.part]
				if err := s.HandleReceipt(context.Background(), rc); err != nil {
					t.Fatalf("HandleReceipt: %v", err)
				}
				synctest.Wait()
				got := message(t, db, m.ID)
				r.stop(t)

				if got.Status != tc.status {
					t.Errorf("status %q after the receipt, want %q", got.Status, tc.status)
				}
				for _, want := range tc.errorText {
					if !strings.Contains(got.Error, want) {
						t.Errorf("error %q, want it to contain %q", got.Error, want)
					}
				}
				if got.SMSC != smscA || got.Attempts != 1 || got.Sent.IsZero() {
					t.Errorf("the receipt lost the submit's result: %+v", got)
				}
			})
		})
	}
}

// The SMSC may send a receipt right after submit_sm_resp: it can reach the
// sender before the submit's result is recorded.
func TestReceiptBeforeSubmitResult(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, _ := openStore(t)
		m := queued(t, 1, "+32470000001")
		commit(t, db, m)

		inFlight, release := make(chan struct{}), make(chan struct{})
		sub := &fakeSubmitter{submit: func(_ context.Context, mt outbox.MT) (string, []string, error) {
			close(inFlight)
			<-release
			return smscA, smscIDs(mt.To), nil
		}}
		s := newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: sub})
		r := start(t, s)
		<-inFlight

		receipt := make(chan error, 1)
		go func() {
			receipt <- s.HandleReceipt(context.Background(), outbox.Receipt{
				SMSC: smscA, MessageID: smscIDs(m.To)[0], State: "DELIVRD", Delivered: true})
		}()
		synctest.Wait()
		if !blockedIn("smspark/outbox.(*Sender).lookup") {
			t.Fatal("the receipt is not waiting for its submit's result")
		}
		close(release) // the submit returns only now
		if err := <-receipt; err != nil {
			t.Errorf("HandleReceipt: %v", err)
		}
		synctest.Wait()
		got := message(t, db, m.ID)
		r.stop(t)

		if got.Status != sessions.StatusDelivered || got.SMSC != smscA || got.Attempts != 1 {
			t.Errorf("stored %+v, want delivered (the receipt overtook the submit)", got)
		}
		if again := message(t, db, m.ID); again.Status != sessions.StatusDelivered {
			t.Errorf("status %q after Run returned, want delivered", again.Status)
		}
	})
}

func TestReceiptsNotInMemory(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, _ := openStore(t)
		m, other := queued(t, 1, "+32470000001"), queued(t, 2, "+32470000011")
		commit(t, db, m, other)
		unknown := outbox.Receipt{SMSC: smscA, MessageID: "no-such-id", State: "DELIVRD", Delivered: true}

		// First run: both messages are sent; a receipt for an id nobody
		// gave changes nothing.
		s := newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: accepting(&submits{})})
		r := start(t, s)
		synctest.Wait()
		before := stored(t, db)
		if err := s.HandleReceipt(context.Background(), unknown); err != nil {
			t.Errorf("HandleReceipt(unknown id) = %v, want nil", err)
		}
		synctest.Wait()
		if after := stored(t, db); !reflect.DeepEqual(after, before) {
			t.Errorf("a receipt for an unknown id changed the outbox from\n%+v\nto\n%+v", before, after)
		}
		r.stop(t)

		// Second run, a new sender on the same store: the receipt of a
		// message sent before is found in the store.
		log := &submits{}
		s = newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: accepting(log)})
		r = start(t, s)
		synctest.Wait()
		if err := s.HandleReceipt(context.Background(), unknown); err != nil {
			t.Errorf("HandleReceipt(unknown id) = %v, want nil", err)
		}
		if err := s.HandleReceipt(context.Background(), outbox.Receipt{
			SMSC: smscA, MessageID: smscIDs(m.To)[0], State: "DELIVRD", Delivered: true}); err != nil {
			t.Errorf("HandleReceipt(earlier run) = %v", err)
		}
		synctest.Wait()
		got := stored(t, db)
		r.stop(t)

		want := before[m.ID]
		want.Status = sessions.StatusDelivered
		if !reflect.DeepEqual(got[m.ID], want) {
			t.Errorf("message sent in an earlier run stored as %+v, want %+v", got[m.ID], want)
		}
		if !reflect.DeepEqual(got[other.ID], before[other.ID]) {
			t.Errorf("another message changed from %+v to %+v", before[other.ID], got[other.ID])
		}
		if n := len(log.all()); n != 0 {
			t.Errorf("the second run submitted %d messages, want none", n)
		}
	})
}

func TestShutdown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, _ := openStore(t)
		inFlight := queued(t, 1, "+32470000001")
		waiting := queued(t, 2, "+32470000011") // waits for a retry when Run ends
		commit(t, db, inFlight, waiting)

		log := &submits{}
		entered, release := make(chan struct{}), make(chan struct{})
		var submitCtxErr error
		sub := &fakeSubmitter{submit: func(ctx context.Context, mt outbox.MT) (string, []string, error) {
			log.add(mt)
			switch mt.To {
			case inFlight.To:
				close(entered)
				<-release
				submitCtxErr = ctx.Err()
				return smscA, smscIDs(mt.To), nil
			default:
				return "", nil, errTemporary
			}
		}}
		s := newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: sub, Workers: 2,
			RetryMin: time.Hour, RetryMax: time.Hour})
		r := start(t, s)
		<-entered
		synctest.Wait() // waiting failed once and waits for its retry
		if n := log.count(waiting.To); n != 1 {
			t.Fatalf("waiting submitted %d times before the shutdown, want once", n)
		}

		r.cancel()
		synctest.Wait()
		select {
		case <-r.done:
			t.Fatal("Run returned while a submit was in flight")
		default:
		}
		close(release)
		r.wait(t)

		if submitCtxErr != nil {
			t.Errorf("the submit in flight saw its context end (%v), want it let finish", submitCtxErr)
		}
		got := stored(t, db)
		if m := got[inFlight.ID]; m.Status != sessions.StatusSent || m.Attempts != 1 || m.SMSC != smscA {
			t.Errorf("message in flight at shutdown stored as %+v, want sent", m)
		}
		if m := got[waiting.ID]; m.Status != sessions.StatusQueued {
			t.Errorf("message not yet sent at shutdown stored as %+v, want queued", m)
		}

		// After a restart the queued message is sent, the other is not
		// sent again.
		log2 := &submits{}
		s = newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: accepting(log2)})
		r = start(t, s)
		synctest.Wait()
		r.stop(t)
		if m := message(t, db, waiting.ID); m.Status != sessions.StatusSent {
			t.Errorf("after the restart the queued message is stored as %+v, want sent", m)
		}
		if n, m := log2.count(waiting.To), log2.count(inFlight.To); n != 1 || m != 0 {
			t.Errorf("after the restart: queued message submitted %d times (want 1), sent one %d times (want 0)", n, m)
		}
	})
}

// failingStore is a real store whose reads or writes can be made to fail.
type failingStore struct {
	*store.DB
	messages, commit error
}

func (f *failingStore) Queued(ctx context.Context) ([]sessions.Message, error) {
	if f.messages != nil {
		return nil, f.messages
	}
	return outboxStore{f.DB}.Queued(ctx)
}

func (f *failingStore) MessageBySMSCID(ctx context.Context, smsc, id string) (sessions.Message, error) {
	return outboxStore{f.DB}.MessageBySMSCID(ctx, smsc, id)
}

func (f *failingStore) Commit(ctx context.Context, changes []sessions.Change) error {
	if f.commit != nil {
		return f.commit
	}
	return f.DB.Commit(ctx, changes)
}

var errDisk = errors.New("fake: disk failure")

func TestRunFailsWhenTheOutboxCannotBeRead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, _ := openStore(t)
		commit(t, db, queued(t, 1, "+32470000001"))
		log := &submits{}
		s := newSender(t, outbox.Options{Store: &failingStore{DB: db, messages: errDisk}, Submitter: accepting(log)})
		if err := s.Run(context.Background()); !errors.Is(err, errDisk) {
			t.Errorf("Run = %v, want the store's error", err)
		}
		synctest.Wait()
		for _, g := range goroutines() {
			if strings.Contains(g, "smspark/outbox.") {
				t.Errorf("a goroutine of the sender outlived Run:\n%s", g)
			}
		}
		if n := len(log.all()); n != 0 {
			t.Errorf("%d submits, want none", n)
		}
	})
}

func TestMetrics(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, _ := openStore(t)
		sentAt := created(t).Add(2 * time.Second)
		started := queued(t, 1, "+32470000001")
		rejected := queued(t, 2, "+32470000011")
		rejected.Source, rejected.Outcome = sessions.SourceError, sessions.UnknownZone
		reminder := queued(t, 3, "+32470000021") // not a reply to an MO
		reminder.Outcome, reminder.Created = sessions.SessionEnding, created(t).Add(-30*time.Minute)
		commit(t, db, started, rejected, reminder)

		sub := &fakeSubmitter{submit: func(_ context.Context, mt outbox.MT) (string, []string, error) {
			if mt.To == rejected.To {
				return "", nil, errPermanent
			}
			return smscA, smscIDs(mt.To), nil
		}}
		reg := prometheus.NewRegistry()
		s := newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: sub, Registerer: reg,
			Clock: func() time.Time { return sentAt }})
		s.Queued([]sessions.Message{started, rejected, reminder})
		expectMetrics(t, reg, "smspark_outbox_depth", map[string]float64{"": 3})

		r := start(t, s)
		synctest.Wait()
		if err := s.HandleReceipt(context.Background(), outbox.Receipt{
			SMSC: smscA, MessageID: smscIDs(started.To)[0], State: "DELIVRD", Delivered: true}); err != nil {
			t.Fatalf("HandleReceipt: %v", err)
		}
		synctest.Wait()
		r.stop(t)

		expectMetrics(t, reg, "smspark_mt_total", map[string]float64{
			"result=failed,source=4400": 1,
			"result=sent,source=4411":   2,
		})
		expectMetrics(t, reg, "smspark_outbox_depth", map[string]float64{"": 0})
		expectMetrics(t, reg, "smspark_delivery_receipts_total", map[string]float64{"operator=proximus,state=DELIVRD": 1})
		// The reminder is no MO's reply: only the confirmation is timed.
		expectMetrics(t, reg, "smspark_mo_to_mt_seconds", map[string]float64{"operator=proximus": 1})
		if f := family(t, reg, "smspark_mo_to_mt_seconds"); f != nil {
			h := f.GetMetric()[0].GetHistogram()
			if h.GetSampleSum() != 2 {
				t.Errorf("smspark_mo_to_mt_seconds sum %v, want 2 (s from the MO to the submit)", h.GetSampleSum())
			}
			for _, b := range h.GetBucket() {
				want := uint64(0)
				if b.GetUpperBound() >= 2 {
					want = 1
				}
				if b.GetCumulativeCount() != want {
					t.Errorf("smspark_mo_to_mt_seconds bucket le=%v holds %d, want %d", b.GetUpperBound(), b.GetCumulativeCount(), want)
				}
			}
		}
	})
}

// metrics returns the series of the metric family name in reg, keyed by
// their labels ("k=v,k=v" in label name order): a counter's or a gauge's
// value, a histogram's sample count. A family with no series is absent.
func metrics(t *testing.T, reg *prometheus.Registry, name string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, m := range family(t, reg, name).GetMetric() {
		out[labels(m)] = value(m)
	}
	return out
}

// family returns the metric family name gathered from reg, or nil.
func family(t *testing.T, reg *prometheus.Registry, name string) *dto.MetricFamily {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("Gather: %v", err)
	}
	for _, f := range families {
		if f.GetName() == name {
			return f
		}
	}
	return nil
}

func labels(m *dto.Metric) string {
	var pairs []string
	for _, l := range m.GetLabel() {
		pairs = append(pairs, l.GetName()+"="+l.GetValue())
	}
	slices.Sort(pairs)
	return strings.Join(pairs, ",")
}

func value(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.GetCounter().GetValue()
	case m.Gauge != nil:
		return m.GetGauge().GetValue()
	case m.Histogram != nil:
		return float64(m.GetHistogram().GetSampleCount())
	}
	return 0
}

// expectMetrics checks that the series of the family name in reg are
// exactly want.
func expectMetrics(t *testing.T, reg *prometheus.Registry, name string, want map[string]float64) {
	t.Helper()
	if got := metrics(t, reg, name); !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %v, want %v", name, got, want)
	}
}

// Shutdown leaves the backlog queued: with one worker and three queued
// messages, the first is in flight when ctx is cancelled; the other two
// were never started and must stay queued in the store for the next run.
// Sender.next returns a ready (or due retry) message without looking at
// ctx, and submit uses context.WithoutCancel, so after the cancel the
// worker goes on to submit messages 2 and 3: the test sees both "sent" and
// 3 submits instead of 1. Run does not return until the whole queue,
// including anything Queued after the cancel, is drained.
func TestShutdownLeavesBacklogQueued(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, _ := openStore(t)
		msgs := []sessions.Message{queued(t, 1, "+32470000001"), queued(t, 2, "+32470000011"), queued(t, 3, "+32470000021")}
		commit(t, db, msgs...)

		log := &submits{}
		entered, release := make(chan struct{}), make(chan struct{})
		sub := &fakeSubmitter{submit: func(_ context.Context, mt outbox.MT) (string, []string, error) {
			log.add(mt)
			if mt.To == msgs[0].To {
				close(entered)
				<-release
			}
			return smscA, smscIDs(mt.To), nil
		}}
		s := newSender(t, outbox.Options{Store: outboxStore{db}, Submitter: sub, Workers: 1})
		r := start(t, s)
		<-entered
		r.cancel()
		synctest.Wait()
		close(release)
		r.wait(t)

		got := stored(t, db)
		if m := got[msgs[0].ID]; m.Status != sessions.StatusSent {
			t.Errorf("message in flight at shutdown stored as %+v, want sent", m)
		}
		for _, m := range msgs[1:] {
			if got[m.ID].Status != sessions.StatusQueued {
				t.Errorf("message %d, not started when ctx was cancelled, stored as %q, want queued", m.ID, got[m.ID].Status)
			}
		}
		if n := len(log.all()); n != 1 {
			t.Errorf("%d submits, want only the one in flight at shutdown", n)
		}
	})
}

// Run returns the store's write error when statuses are still unwritten
// at the end (they are retried meanwhile).
func TestRunReturnsStoreWriteError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, _ := openStore(t)
		commit(t, db, queued(t, 1, "+32470000001"))
		s := newSender(t, outbox.Options{Store: &failingStore{DB: db, commit: errDisk}, Submitter: accepting(&submits{})})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.Run(ctx) }()
		synctest.Wait() // sent, and its status could not be written
		cancel()
		if err := <-done; !errors.Is(err, errDisk) {
			t.Errorf("Run = %v, want the store's write error", err)
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
