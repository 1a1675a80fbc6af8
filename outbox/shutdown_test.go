package outbox_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"smspark/outbox"
	"smspark/sessions"
	"smspark/store"
)

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
