package sessions_test

import (
	"context"
	"crypto/rand"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"smspark/config"
	"smspark/msisdn"
	"smspark/password"
	"smspark/sessions"
	"smspark/store"
)

// clock is a settable fake clock.
type clock struct {
	mu   sync.Mutex
	now  time.Time
	real bool // follow time.Now (inside a synctest bubble)
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.real {
		return time.Now()
	}
	return c.now
}

func (c *clock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

var brussels = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		panic(err)
	}
	return loc
}()

// at parses "2026-11-23 10:00" in Brussels time.
func at(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", s, brussels)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// storeFunc wraps a real store so a test can make commits fail.
type storeFunc struct {
	*store.DB
	fail func() error
}

func (s storeFunc) Commit(ctx context.Context, c []sessions.Change) error {
	if s.fail != nil {
		if err := s.fail(); err != nil {
			return err
		}
	}
	return s.DB.Commit(ctx, c)
}

type harness struct {
	sender   sessions.Sender
	vouchers sessions.Vouchers
	tb       testing.TB
	dir      string
	db       *store.DB
	eng      *sessions.Engine
	clock    *clock
	fail     error
	mu       sync.Mutex
}

func newHarness(tb testing.TB) *harness {
	tb.Helper()
	h := &harness{tb: tb, dir: tb.TempDir(), clock: &clock{now: at(tb, "2026-11-23 08:00")}}
	h.open()
	tb.Cleanup(func() {
		if err := h.db.Check(context.Background()); err != nil {
			tb.Errorf("store check: %v", err)
		}
		h.db.Close()
	})
	return h
}

func (h *harness) open() {
	h.tb.Helper()
	db, err := store.Open(h.dir, store.Options{Create: true})
	if err != nil {
		h.tb.Fatal(err)
	}
	h.db = db
	cfg := config.Default()
	ops := map[string]sessions.Operator{}
	for name, op := range cfg.Operators {
		ops[name] = sessions.Operator{Name: name, Billing: op.OperatorBilling, MonthlyLimit: op.MobilePaymentLimit}
	}
	eng, err := sessions.New(context.Background(), sessions.Options{
		Cities:          cfg.Cities,
		Operators:       ops,
		VoucherPrefixes: cfg.VoucherPrefixes(),
		DefaultLanguage: cfg.DefaultLanguage,
		Location:        cfg.Location,
		Store: storeFunc{DB: db, fail: func() error {
			h.mu.Lock()
			defer h.mu.Unlock()
			return h.fail
		}},
		Clock:    h.clock,
		Numbers:  msisdn.Belgium{},
		Hasher:   password.Bcrypt{Cost: bcrypt.MinCost},
		Random:   rand.Reader,
		Sender:   h.sender,
		Vouchers: h.vouchers,
		ReducedTariffs: func() map[string]int {
			m := map[string]int{}
			for _, r := range cfg.ReducedTariffs {
				m[r.City] = r.Percent
			}
			return m
		}(),
	})
	if err != nil {
		h.tb.Fatal(err)
	}
	h.eng = eng
}

// withSender restarts the engine with a Sender.
func (h *harness) withSender(s sessions.Sender) {
	h.sender = s
	h.restart()
}

func (h *harness) restart() {
	h.tb.Helper()
	if err := h.db.Close(); err != nil {
		h.tb.Fatal(err)
	}
	h.open()
}

// sms sends text from a number at a Brussels time and returns the reply.
func (h *harness) sms(when, from, operator, text string) sessions.Reply {
	h.tb.Helper()
	h.clock.Set(at(h.tb, when))
	r, err := h.eng.Handle(context.Background(), sessions.MO{From: from, Operator: operator, Text: text})
	if err != nil {
		h.tb.Fatalf("%s %s %q: %v", when, from, text, err)
	}
	return r
}

const (
	alice = "+32475000001" // proximus
	bob   = "+32475000002" // proximus
	carol = "+32486000003" // base: no operator billing
	dave  = "+32470000004"
)

// spend uses a number's free first use on a Sunday (free time), so later
// sessions are charged.
func (h *harness) spend(number, operator string) {
	h.tb.Helper()
	h.sms("2026-11-22 10:00", number, operator, "1021 9ZZZ999")
	h.sms("2026-11-22 10:05", number, operator, "Q")
}
