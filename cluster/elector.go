package cluster

import (
	"context"
	"errors"
	"time"
)

// Lease is the shared lease an Elector claims, implemented by the store
// (postgres.DB). Its clock is the database's, not the engines'.
type Lease interface {
	// Claim takes or renews the lease for holder for ttl. With epoch 0 it
	// takes a free or expired lease, at the next epoch; with the epoch
	// holder holds it renews it, unless it expired or another took it.
	// Returns the epoch held, or ErrLost (wrapped) when holder does not
	// hold the lease, or the database's error.
	Claim(ctx context.Context, holder string, epoch int64, ttl time.Duration) (int64, error)
}

// ErrLost means a claim found the lease held by another engine (or, for a
// renewal, expired or taken over).
var ErrLost = errors.New("lease held by another engine")

// Elector keeps an engine's claim on the lease: at every tick it takes the
// lease when free, or renews it when held, and reports each change of role.
type Elector struct {
	lease  Lease
	holder string
	ttl    time.Duration
	ticks  <-chan time.Time
	change func(Role)
	errs   func(error)
	role   Role
	down   chan struct{}
}

// Config sets up an Elector.
type Config struct {
	// Holder names this engine in the lease (host and process, say).
	Holder string
	// TTL is how long a claim holds without renewal; ticks should come
	// several times per TTL (a third of it, say).
	TTL time.Duration
	// Ticks paces the claims (a time.Ticker's C in production, a channel
	// the test sends on otherwise).
	Ticks <-chan time.Time
	// OnChange is called, from Run's goroutine, at each change of role;
	// Run waits for it. Required.
	OnChange func(Role)
	// OnError, if set, is told of claims that failed other than by ErrLost.
	OnError func(error)
}

// NewElector returns an elector on lease, a standby until Run's first claim.
func NewElector(lease Lease, cfg Config) *Elector {
	return &Elector{lease: lease, holder: cfg.Holder, ttl: cfg.TTL, ticks: cfg.Ticks,
		change: cfg.OnChange, errs: cfg.OnError, down: make(chan struct{}, 1)}
}

// StepDown tells the elector its leadership is gone (a commit was fenced):
// Run reports standby at once and claims afresh from the next tick. Safe
// from any goroutine; never blocks.
func (e *Elector) StepDown() {
	select {
	case e.down <- struct{}{}:
	default:
	}
}

// Run claims at once, then at every tick, until ctx ends; then, if leader,
// it reports standby (the engine stops writing) and returns ctx's error.
// Its lease is not released: it lapses after TTL, and the fencing keeps a
// late write out.
func (e *Elector) Run(ctx context.Context) error {
	e.claim(ctx)
	for {
		select {
		case <-ctx.Done():
			e.set(Standby)
			return ctx.Err()
		case <-e.down:
			e.set(Standby)
		case _, ok := <-e.ticks:
			if !ok {
				e.set(Standby)
				return nil
			}
			e.claim(ctx)
		}
	}
}

// claim takes or renews the lease once; any failure makes a standby: a
// leader that cannot renew cannot know it still holds the lease.
func (e *Elector) claim(ctx context.Context) {
	epoch, err := e.lease.Claim(ctx, e.holder, e.role.Epoch, e.ttl)
	if err != nil {
		if !errors.Is(err, ErrLost) && e.errs != nil && ctx.Err() == nil {
			e.errs(err)
		}
		e.set(Standby)
		return
	}
	e.set(Role{Leader: true, Epoch: epoch})
}

func (e *Elector) set(r Role) {
	if r == e.role {
		return
	}
	e.role = r
	e.change(r)
}
