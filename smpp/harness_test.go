package smpp

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeHandler records what it is handed; its function fields, when set,
// decide the answer.
type fakeHandler struct {
	mos    chan MO
	rcpts  chan Receipt
	onMO   func(ctx context.Context, mo MO) error
	onRcpt func(ctx context.Context, r Receipt) error
}

func newFakeHandler() *fakeHandler {
	return &fakeHandler{mos: make(chan MO, 4096), rcpts: make(chan Receipt, 4096)}
}

func (h *fakeHandler) HandleMO(ctx context.Context, mo MO) error {
	if h.onMO != nil {
		if err := h.onMO(ctx, mo); err != nil {
			return err
		}
	}
	h.mos <- mo
	return nil
}

func (h *fakeHandler) HandleReceipt(ctx context.Context, r Receipt) error {
	if h.onRcpt != nil {
		if err := h.onRcpt(ctx, r); err != nil {
			return err
		}
	}
	h.rcpts <- r
	return nil
}

// nextMO returns the next MO handled successfully.
func (h *fakeHandler) nextMO(t testing.TB) MO {
	t.Helper()
	select {
	case mo := <-h.mos:
		return mo
	case <-time.After(waitLimit):
		t.Fatal("no MO handled")
		return MO{}
	}
}

// noMO fails if an MO was handled so far.
func (h *fakeHandler) noMO(t testing.TB) {
	t.Helper()
	select {
	case mo := <-h.mos:
		t.Fatalf("unexpected MO %q", mo.Text)
	default:
	}
}

// memParts is an in-memory PartStore; failSave makes SavePart fail.
type memParts struct {
	mu       sync.Mutex
	parts    map[string]Part
	deleted  int
	failSave atomic.Bool
}

func newMemParts() *memParts { return &memParts{parts: make(map[string]Part)} }

func partID(smsc, from string, ref uint16, total, seq int) string {
	return fmt.Sprintf("%s|%s|%d|%d|%d", smsc, from, ref, total, seq)
}

func (m *memParts) SavePart(_ context.Context, p Part) error {
	if m.failSave.Load() {
		return errors.New("disk full")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.parts[partID(p.SMSC, p.From, p.Ref, p.Total, p.Seq)] = p
	return nil
}

func (m *memParts) DeleteParts(_ context.Context, smsc, from string, ref uint16, total int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := 1; i <= total; i++ {
		if _, ok := m.parts[partID(smsc, from, ref, total, i)]; ok {
			delete(m.parts, partID(smsc, from, ref, total, i))
			m.deleted++
		}
	}
	return nil
}

func (m *memParts) LoadParts(context.Context) ([]Part, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Part, 0, len(m.parts))
	for _, p := range m.parts {
		out = append(out, p)
	}
	return out, nil
}

func (m *memParts) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.parts)
}

// testSMSC is an SMSC at addr with settings fit for tests.
func testSMSC(addr string) SMSC {
	return SMSC{
		Name: "proximus", Operator: "proximus", Address: addr,
		SystemID: "smspark", Password: "s3cret-pw", BindMode: Transceiver,
		Window: 10, EnquireLink: time.Minute,
		ReconnectMin: time.Millisecond, ReconnectMax: 20 * time.Millisecond,
		ResponseTimeout: 5 * time.Second,
	}
}

// startClient creates a client for smscs and h, lets mod adjust the
// options, and runs it. stop cancels Run and returns its error; it is
// also called at cleanup.
func startClient(t testing.TB, smscs []SMSC, h Handler, mod func(*ClientOptions)) (c *Client, stop func() error) {
	t.Helper()
	opts := ClientOptions{SMSCs: smscs, Handler: h}
	if mod != nil {
		mod(&opts)
	}
	c, err := NewClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	var once sync.Once
	var runErr error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(waitLimit):
				runErr = errors.New("Run did not return")
			}
		})
		return runErr
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return c, stop
}

// waitUp waits until n binds are up.
func waitUp(t testing.TB, c *Client, n int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d binds up", n), func() bool {
		up := 0
		for _, s := range c.Status() {
			if s.State == StateUp {
				up++
			}
		}
		return up >= n
	})
}

// waitFor polls cond until it holds, failing the test at waitLimit.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
