package cluster_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"smspark/cluster"
)

// memLease is a lease whose expiry the test decides; it holds no clock.
type memLease struct {
	mu      sync.Mutex
	epoch   int64
	holder  string
	expired bool
	err     error // returned by every claim while set
}

func (l *memLease) Claim(_ context.Context, holder string, epoch int64, _ time.Duration) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.err != nil:
		return 0, l.err
	case epoch == 0 && l.expired:
		l.epoch, l.holder, l.expired = l.epoch+1, holder, false
		return l.epoch, nil
	case epoch != 0 && !l.expired && l.holder == holder && l.epoch == epoch:
		return epoch, nil
	}
	return 0, fmt.Errorf("claim: %w", cluster.ErrLost)
}

// set changes the lease under its lock (the elector may be claiming:
// each tick of the test is followed by one more claim).
func (l *memLease) set(f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f()
}

// run starts an elector on l until the test ends; it returns the ticks
// to drive it and the roles it reports.
func run(t *testing.T, l cluster.Lease, holder string) (chan time.Time, chan cluster.Role, *cluster.Elector) {
	ticks, roles := make(chan time.Time), make(chan cluster.Role, 8)
	e := cluster.NewElector(l, cluster.Config{Holder: holder, TTL: time.Minute, Ticks: ticks,
		OnChange: func(r cluster.Role) { roles <- r }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run: %v", err)
		}
	})
	return ticks, roles, e
}

// TestElectorRoles walks one elector through its roles: it leads a free
// lease at once, keeps it while renewals succeed, steps down when one
// fails (lost or an error), takes it back at the next epoch, and reports
// standby when its context ends.
func TestElectorRoles(t *testing.T) {
	l := &memLease{expired: true}
	ticks, roles, el := run(t, l, "a")
	want := func(r cluster.Role) {
		t.Helper()
		if got := <-roles; got != r {
			t.Fatalf("role %v, want %v", got, r)
		}
	}
	tick := func() { ticks <- time.Time{}; ticks <- time.Time{} }
	want(cluster.Role{Leader: true, Epoch: 1})
	tick()
	l.set(func() { l.err = errors.New("connection reset") })
	tick()
	want(cluster.Standby)
	l.set(func() { l.err, l.expired = nil, true })
	tick()
	want(cluster.Role{Leader: true, Epoch: 2})
	l.set(func() { l.holder, l.epoch = "b", l.epoch+1 })
	tick()
	want(cluster.Standby)
	l.set(func() { l.expired = true })
	tick()
	want(cluster.Role{Leader: true, Epoch: 4})
	el.StepDown()
	want(cluster.Standby)
	select {
	case r := <-roles:
		t.Fatalf("unexpected role %v", r)
	default:
	}
}

func TestRoleString(t *testing.T) {
	for _, tc := range []struct {
		r    cluster.Role
		want string
	}{{cluster.Standby, "standby"}, {cluster.Role{Leader: true, Epoch: 7}, "leader (epoch 7)"}} {
		if got := tc.r.String(); got != tc.want {
			t.Errorf("%#v: %q, want %q", tc.r, got, tc.want)
		}
	}
}
