package sessions

import (
	"container/heap"
	"context"
	"fmt"
	"slices"
	"sync"
)

// memory is the engine's in-memory state: what the store holds, and what
// the commands queued since changed. Engine holds it under mu.
type memory struct {
	running  map[uint64]*Session
	byPlate  map[string]uint64
	byNumber map[string][]uint64
	settings map[string]*Settings
	accounts map[string]*Account
	numberOf map[string]string // number -> account ID
	events   eventHeap
	nextID   uint64
	seen     map[string]Outcome // MO keys within the redelivery window
	seenFIFO []seenKey
	// recent holds, by plate, sessions that ended within RecentWindow: a
	// warden sees a motorist who stopped a moment ago.
	recent     map[string][]Session
	recentFIFO []seenKey // plate and end time, oldest first
	// usedVouchers are codes used by this engine's commands, so that two
	// activations of one code never both start a session.
	usedVouchers map[string]bool
	// runningByCity counts running sessions per city (for metrics).
	runningByCity map[string]int
	grants        []Grant // reduced-tariff grants
}

// load builds the memory the store's state gives. It takes no lock and
// touches no engine state: a failed commit rebuilds memory with it outside
// the lock, and install swaps it in.
func (e *Engine) load(ctx context.Context) (memory, error) {
	st, err := e.opts.Store.Load(ctx)
	if err != nil {
		return memory{}, fmt.Errorf("sessions: load: %w", err)
	}
	m := memory{
		running:       make(map[uint64]*Session, len(st.Running)),
		byPlate:       make(map[string]uint64, len(st.Running)),
		byNumber:      make(map[string][]uint64, len(st.Running)),
		accounts:      make(map[string]*Account, len(st.Accounts)),
		numberOf:      map[string]string{},
		events:        make(eventHeap, 0, len(st.Running)),
		nextID:        max(st.NextID, 1),
		seen:          map[string]Outcome{},
		recent:        map[string][]Session{},
		usedVouchers:  map[string]bool{},
		runningByCity: map[string]int{},
		grants:        append([]Grant(nil), st.Grants...),
	}
	// The settings are indexed on another CPU meanwhile: a million running
	// sessions and their numbers' settings index in about a second.
	var wg sync.WaitGroup
	wg.Go(func() {
		m.settings = make(map[string]*Settings, len(st.Settings))
		for i := range st.Settings {
			s := st.Settings[i]
			m.settings[s.Number] = &s
		}
	})
	for i := range st.Running {
		s := st.Running[i]
		m.index(&s)
		m.events = append(m.events, event{at: nextEvent(&s), id: s.ID})
	}
	wg.Wait()
	for i := range st.Accounts {
		a := st.Accounts[i]
		m.accounts[a.ID] = &a
		for _, n := range a.Numbers {
			m.numberOf[n] = a.ID
		}
	}
	heap.Init(&m.events)
	if err := e.loadRecent(ctx, &m); err != nil {
		return memory{}, err
	}
	journal, err := e.opts.Store.Journal(ctx, e.opts.Clock.Now().Add(-e.opts.RedeliveryWindow))
	if err != nil {
		return memory{}, fmt.Errorf("sessions: load journal: %w", err)
	}
	for _, j := range journal {
		m.remember(j.Key, j.Received, j.Outcome)
	}
	return m, nil
}

// loadRecent fills the sessions that ended a moment ago, so that they stay
// visible to wardens across a restart, oldest end first (forgetRecent
// drops them from the front).
func (e *Engine) loadRecent(ctx context.Context, m *memory) error {
	es, ok := e.opts.Store.(endedSource)
	if !ok {
		return nil
	}
	ended, err := es.EndedSince(ctx, e.opts.Clock.Now().Add(-RecentWindow))
	if err != nil {
		return fmt.Errorf("sessions: load recently ended sessions: %w", err)
	}
	slices.SortStableFunc(ended, func(a, b Session) int { return a.End.Compare(b.End) })
	for _, s := range ended {
		m.recent[s.Plate] = append(m.recent[s.Plate], s)
		m.recentFIFO = append(m.recentFIFO, seenKey{s.End, s.Plate})
	}
	return nil
}

// install replaces the engine's memory with m. Callers hold mu or own the
// engine exclusively.
func (e *Engine) install(m memory) {
	e.memory = m
	if len(e.events) > 0 {
		select {
		case e.wake <- struct{}{}:
		default:
		}
	}
}
