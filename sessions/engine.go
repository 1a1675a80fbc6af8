package sessions

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"smspark/parser"
	"smspark/tariffs"
)

// Store is the durable journal the engine writes before it answers.
type Store interface {
	// Load returns the state to start from.
	Load(ctx context.Context) (State, error)
	// Commit makes the changes durable together, in order, in one
	// transaction and one sync; on error none of them is written.
	Commit(ctx context.Context, changes []Change) error
	// Journal returns the MOs received at or after since.
	Journal(ctx context.Context, since time.Time) ([]JournalEntry, error)
}

// Vouchers finds parking vouchers by code.
type Vouchers interface {
	// Voucher returns the voucher, or an error wrapping
	// ErrVoucherNotFound.
	Voucher(ctx context.Context, code string) (VoucherInfo, error)
}

// ErrVoucherNotFound is returned by a Vouchers for an unknown code.
var ErrVoucherNotFound = errors.New("voucher not found")

// endedSource is a Store that can list the sessions that ended since a
// time (optional: without it, "ended a moment ago" starts empty).
type endedSource interface {
	EndedSince(ctx context.Context, since time.Time) ([]Session, error)
}

// Sender is told of messages once they are durable in the outbox, to
// submit them. Queued must not block.
type Sender interface {
	Queued(msgs []Message)
}

// Clock tells the time; tests inject a fake one.
type Clock interface {
	Now() time.Time
}

// Numbers normalises a sender address to E.164 and says whether it is a
// Belgian mobile number.
type Numbers interface {
	// Normalize returns the E.164 form of a Belgian mobile number, or an
	// error for any other address.
	Normalize(raw string) (string, error)
}

// Hasher turns a new password into the slow salted hash that is stored.
type Hasher interface {
	Hash(password string) (string, error)
}

// Operator is a mobile operator as the engine sees it.
type Operator struct {
	Name string
	// Billing says whether the operator bills parking on the phone bill.
	Billing bool
	// MonthlyLimit is the mobile-payment limit per number per calendar
	// month, in cents.
	MonthlyLimit int64
}

// Options configure an Engine. Store, Clock, Numbers, Hasher and Location
// are required.
type Options struct {
	Cities          []tariffs.City
	Operators       map[string]Operator
	VoucherPrefixes []string
	// DefaultLanguage is the reply language when neither the number nor a
	// zone's city chooses one ("nl" when empty).
	DefaultLanguage string
	Location        *time.Location
	Store           Store
	Clock           Clock
	Numbers         Numbers
	Hasher          Hasher
	// Random is the source of passwords and account IDs (crypto/rand.Reader
	// in production).
	Random io.Reader
	// DryRun marks every queued message dry_run: kept, never sent.
	DryRun bool
	// Sender, if set, is handed every message once it is durable.
	Sender Sender
	// Vouchers, if set, finds the vouchers motorists activate by SMS;
	// without it every code is voucher_unknown.
	Vouchers Vouchers
	// Permits, if set, tells which plates hold a valid permit for a zone:
	// a start for them answers permit_holder and starts nothing.
	Permits Permits
	// ReducedTariffs are the cities that grant a reduced tariff, with the
	// share of the normal cost charged, in percent (Kortrijk: 25).
	ReducedTariffs map[string]int
	// RedeliveryWindow is how long an MO's key is remembered to recognise
	// its redelivery (default 15 minutes).
	RedeliveryWindow time.Duration
	// MaxNetworkDelay is how far before its arrival the SMSC's timestamp of
	// an MO is trusted as the time it was sent (default 1 hour); an older
	// or later timestamp is ignored.
	MaxNetworkDelay time.Duration
}

func (o Options) validate() error {
	switch {
	case o.Store == nil:
		return errors.New("sessions: Options.Store is nil")
	case o.Clock == nil:
		return errors.New("sessions: Options.Clock is nil")
	case o.Numbers == nil:
		return errors.New("sessions: Options.Numbers is nil")
	case o.Hasher == nil:
		return errors.New("sessions: Options.Hasher is nil")
	case o.Random == nil:
		return errors.New("sessions: Options.Random is nil")
	case o.Location == nil:
		return errors.New("sessions: Options.Location is nil")
	}
	seen := map[string]bool{}
	for _, c := range o.Cities {
		for _, z := range c.Zones {
			if seen[z.Code] {
				return fmt.Errorf("sessions: zone %s configured twice", z.Code)
			}
			seen[z.Code] = true
			if err := z.Tariff.Validate(); err != nil {
				return fmt.Errorf("sessions: zone %s: %w", z.Code, err)
			}
		}
	}
	return nil
}

// ErrStore is returned (wrapped) when the engine could not make a command
// durable: nothing of the command happened, and it may be sent again.
var ErrStore = errors.New("store failure")

// Engine applies SMS commands to the running sessions. It is safe for
// concurrent use; concurrent commands share one store commit.
type Engine struct {
	opts   Options
	parser parser.Parser
	zones  map[string]tariffs.Zone
	cities map[string]tariffs.City

	mu     sync.Mutex
	broken error // set when memory could not be reloaded after a failed commit
	queue  []*pending
	memory // the state the store holds, and what commands queued since

	commit chan struct{} // held by the one goroutine committing
	wake   chan struct{} // tells Run an earlier event was scheduled
}

type seenKey struct {
	at  time.Time
	key string
}

type pending struct {
	change Change
	done   bool
	err    error
}

// New loads the engine's state from the store.
func New(ctx context.Context, opts Options) (*Engine, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if opts.DefaultLanguage == "" {
		opts.DefaultLanguage = "nl"
	}
	if opts.RedeliveryWindow <= 0 {
		opts.RedeliveryWindow = 15 * time.Minute
	}
	if opts.MaxNetworkDelay <= 0 {
		opts.MaxNetworkDelay = time.Hour
	}
	e := &Engine{
		opts:   opts,
		parser: parser.Parser{VoucherPrefixes: opts.VoucherPrefixes},
		zones:  map[string]tariffs.Zone{},
		cities: map[string]tariffs.City{},
		commit: make(chan struct{}, 1),
		wake:   make(chan struct{}, 1),
	}
	for _, c := range opts.Cities {
		e.cities[c.Name] = c
		for _, z := range c.Zones {
			if z.City == "" {
				z.City = c.Name
			}
			if z.Language == "" {
				z.Language = c.Language
			}
			e.zones[z.Code] = z
		}
	}
	m, err := e.load(ctx)
	if err != nil {
		return nil, err
	}
	e.install(m)
	return e, nil
}

// remember keeps an MO key for the redelivery window. Callers hold mu.
func (e *memory) remember(key string, at time.Time, o Outcome) {
	if key == "" {
		return
	}
	e.seen[key] = o
	e.seenFIFO = append(e.seenFIFO, seenKey{at, key})
}

// forget drops MO keys older than the redelivery window. Callers hold mu.
func (e *Engine) forget(now time.Time) {
	cut := now.Add(-e.opts.RedeliveryWindow)
	i := 0
	for i < len(e.seenFIFO) && e.seenFIFO[i].at.Before(cut) {
		delete(e.seen, e.seenFIFO[i].key)
		i++
	}
	if i > 0 {
		e.seenFIFO = append(e.seenFIFO[:0], e.seenFIFO[i:]...)
	}
}

// enqueue queues a change for the next commit. Callers hold mu.
func (e *Engine) enqueue(c Change) *pending {
	c.NextID = e.nextID
	p := &pending{change: c}
	e.queue = append(e.queue, p)
	return p
}

// durable waits until p is committed: the first waiter to get the commit
// slot writes every queued change in one store commit (group commit), the
// others find theirs done. On a failed commit every change queued so far
// fails and the engine reloads its memory from the store, so memory never
// holds what the store does not.
func (e *Engine) durable(ctx context.Context, p *pending) error {
	e.commit <- struct{}{}
	defer func() { <-e.commit }()
	if p.done {
		return p.err
	}
	e.mu.Lock()
	batch := e.queue
	e.queue = nil
	e.mu.Unlock()
	changes := make([]Change, len(batch))
	for i, b := range batch {
		changes[i] = b.change
	}
	err := e.opts.Store.Commit(context.WithoutCancel(ctx), changes)
	if err != nil {
		err = fmt.Errorf("%w: %w", ErrStore, err)
		// The store's state is read outside the lock (seconds at a million
		// sessions) and swapped in. Meanwhile commands queue changes to
		// the memory being replaced: they fail with this batch.
		m, rerr := e.load(context.WithoutCancel(ctx))
		e.mu.Lock()
		batch = append(batch, e.queue...)
		e.queue = nil
		if rerr != nil {
			e.broken = rerr
		} else {
			e.install(m)
		}
		e.mu.Unlock()
	}
	for _, b := range batch {
		b.done, b.err = true, err
	}
	return p.err
}

func (e *Engine) newID() uint64 {
	id := e.nextID
	e.nextID++
	return id
}

func (e *Engine) addRunning(s *Session) {
	e.index(s)
	e.schedule(s)
}

// index adds a running session to the in-memory indexes.
func (e *memory) index(s *Session) {
	if e.runningByCity != nil {
		e.runningByCity[s.City]++
	}
	e.running[s.ID] = s
	e.byPlate[s.Plate] = s.ID
	e.byNumber[s.Number] = append(e.byNumber[s.Number], s.ID)
}

func (e *Engine) removeRunning(s *Session) {
	if _, ok := e.running[s.ID]; ok {
		e.runningByCity[s.City]--
	}
	delete(e.running, s.ID)
	if e.byPlate[s.Plate] == s.ID {
		delete(e.byPlate, s.Plate)
	}
	ids := e.byNumber[s.Number]
	for i, id := range ids {
		if id == s.ID {
			ids = append(ids[:i:i], ids[i+1:]...)
			break
		}
	}
	if len(ids) == 0 {
		delete(e.byNumber, s.Number)
	} else {
		e.byNumber[s.Number] = ids
	}
}

// schedule queues the session's next timed event: its reminder, then its end.
func (e *Engine) schedule(s *Session) {
	heap.Push(&e.events, event{at: nextEvent(s), id: s.ID})
	if e.events[0].id == s.ID {
		select {
		case e.wake <- struct{}{}:
		default:
		}
	}
}

// nextEvent returns when the session's next timed event is due: its
// reminder, then its end.
func nextEvent(s *Session) time.Time {
	if !s.Reminded && s.Until.Sub(s.Start) > reminderBefore {
		return s.Until.Add(-reminderBefore)
	}
	return s.Until
}

// reminderBefore is how long before its latest end a session_ending
// reminder is sent.
const reminderBefore = 10 * time.Minute

type event struct {
	at time.Time
	id uint64
}

type eventHeap []event

func (h eventHeap) Len() int           { return len(h) }
func (h eventHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h eventHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *eventHeap) Push(x any)        { *h = append(*h, x.(event)) }
func (h *eventHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func (e *Engine) settingsOf(number string) Settings {
	if s, ok := e.settings[number]; ok {
		return *s
	}
	return Settings{Number: number}
}

func (e *Engine) language(st Settings, city string) string {
	if st.Language != "" {
		return st.Language
	}
	if city == "" && st.LastZone != "" {
		city = e.zones[st.LastZone].City
	}
	if c, ok := e.cities[city]; ok && c.Language != "" {
		return c.Language
	}
	return e.opts.DefaultLanguage
}

func (e *Engine) monthKey(t time.Time) string {
	return t.In(e.opts.Location).Format("2006-01")
}
