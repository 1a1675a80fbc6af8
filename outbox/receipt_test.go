package outbox_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"testing/synctest"

	"smspark/outbox"
	"smspark/sessions"
)

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
