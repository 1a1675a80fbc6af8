package postgres_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"smspark/cluster"
	"smspark/postgres"
	"smspark/postgres/pgtest"
	"smspark/sessions"
)

// node is one engine of a test cluster: its store, its elector driven by
// the test's ticks, and the roles it reported.
type node struct {
	db    *postgres.DB
	el    *cluster.Elector
	ticks chan time.Time
	roles chan cluster.Role
	done  chan error
}

// startNode opens a store on url and runs an elector on it until the
// test ends. The lease's TTL is an hour: it expires only when the test
// says so (expireLease), never because the machine was slow.
func startNode(t *testing.T, url, holder string) *node {
	t.Helper()
	db, err := postgres.Open(context.Background(), url, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := &node{db: db, ticks: make(chan time.Time), roles: make(chan cluster.Role, 16), done: make(chan error, 1)}
	n.el = cluster.NewElector(db, cluster.Config{Holder: holder, TTL: time.Hour, Ticks: n.ticks,
		OnChange: func(r cluster.Role) {
			if r.Leader {
				db.Fence(r.Epoch)
			}
			n.roles <- r
		}})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { n.done <- n.el.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-n.done
		db.Close()
	})
	return n
}

// tick makes the node claim, and returns once that claim is over: the
// second tick is taken only after the first claim ended (it claims once
// more, which changes nothing).
func (n *node) tick() { n.ticks <- time.Time{}; n.ticks <- time.Time{} }

// role waits for the node's next change of role.
func (n *node) role(t *testing.T) cluster.Role {
	t.Helper()
	return <-n.roles
}

// noChange checks the node reported no change since its last role.
func (n *node) noChange(t *testing.T) {
	t.Helper()
	select {
	case r := <-n.roles:
		t.Fatalf("unexpected change of role to %v", r)
	default:
	}
}

// expireLease ends the lease now, as if its holder had been paused for
// longer than its TTL.
func expireLease(t *testing.T, url string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `UPDATE lease SET expires_at = clock_timestamp()`); err != nil {
		t.Fatal(err)
	}
}

func dbURL(t *testing.T) string { return pgtest.DB(t) }

func running(t *testing.T, db *postgres.DB) []sessions.Session {
	t.Helper()
	st, err := db.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st.Running
}

func start(id uint64, plate string) []sessions.Change {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	return []sessions.Change{{Sessions: []sessions.Session{{ID: id, Number: "+32475000001", Plate: plate,
		Zone: "1021", Start: t0, Until: t0.Add(time.Hour)}}, NextID: id + 1}}
}

// TestElectionOneLeader: of two engines claiming the lease, exactly one
// leads (epoch 1) and the other stays standby however often it claims.
func TestElectionOneLeader(t *testing.T) {
	url := dbURL(t)
	a := startNode(t, url, "a")
	if r := a.role(t); r != (cluster.Role{Leader: true, Epoch: 1}) {
		t.Fatalf("a: %v, want leader (epoch 1)", r)
	}
	b := startNode(t, url, "b")
	for range 3 {
		b.tick()
		a.tick()
	}
	b.noChange(t)
	a.noChange(t)
	l, err := a.db.Lease(context.Background())
	if err != nil || l.Holder != "a" || l.Epoch != 1 {
		t.Fatalf("lease %+v, %v; want a's at epoch 1", l, err)
	}
}

// TestTakeoverFencesOldLeader: the leader's lease expires (its renewals
// paused), the standby takes over at epoch 2, the old leader's commit is
// refused with cluster.ErrFenced and writes nothing, the new leader's
// commit goes through, and the old leader steps down at its next claim.
func TestTakeoverFencesOldLeader(t *testing.T) {
	url := dbURL(t)
	a := startNode(t, url, "a")
	a.role(t)
	b := startNode(t, url, "b")
	if err := a.db.Commit(context.Background(), start(1, "1AAA111")); err != nil {
		t.Fatalf("leader's commit: %v", err)
	}

	expireLease(t, url)
	b.tick()
	if r := b.role(t); r != (cluster.Role{Leader: true, Epoch: 2}) {
		t.Fatalf("b: %v, want leader (epoch 2)", r)
	}
	err := a.db.Commit(context.Background(), start(2, "1OLD222"))
	if !errors.Is(err, cluster.ErrFenced) {
		t.Fatalf("old leader's commit: %v, want ErrFenced", err)
	}
	if err := b.db.Commit(context.Background(), start(3, "1NEW333")); err != nil {
		t.Fatalf("new leader's commit: %v", err)
	}
	got := running(t, b.db)
	if len(got) != 2 || got[0].Plate != "1AAA111" || got[1].Plate != "1NEW333" {
		t.Fatalf("running sessions %v; want 1AAA111 and 1NEW333, nothing of the fenced commit", got)
	}
	a.tick()
	if r := a.role(t); r != cluster.Standby {
		t.Fatalf("a after takeover: %v, want standby", r)
	}
}

// TestStepDownOnFencedCommit: a leader told of a fenced commit reports
// standby at once, without waiting for its next claim.
func TestStepDownOnFencedCommit(t *testing.T) {
	a := startNode(t, dbURL(t), "a")
	a.role(t)
	a.el.StepDown()
	if r := a.role(t); r != cluster.Standby {
		t.Fatalf("after StepDown: %v, want standby", r)
	}
}

// TestConnectionCutStepsDown: the leader reaches PostgreSQL through a TCP
// proxy; the proxy is closed mid-way: the leader's renewal fails and it
// steps down, its commit fails, and the other engine takes over once the
// lease lapses.
func TestConnectionCutStepsDown(t *testing.T) {
	url := dbURL(t)
	p := newProxy(t, url)
	a := startNode(t, p.url, "a")
	a.role(t)
	b := startNode(t, url, "b")

	p.cut()
	a.tick()
	if r := a.role(t); r != cluster.Standby {
		t.Fatalf("a after cut: %v, want standby", r)
	}
	if err := a.db.Commit(context.Background(), start(1, "1CUT111")); err == nil {
		t.Fatal("commit through a cut connection succeeded")
	}
	expireLease(t, url)
	b.tick()
	if r := b.role(t); r != (cluster.Role{Leader: true, Epoch: 2}) {
		t.Fatalf("b: %v, want leader (epoch 2)", r)
	}
	if got := running(t, b.db); len(got) != 0 {
		t.Fatalf("running sessions %v; want none", got)
	}
}

// proxy forwards TCP connections to a PostgreSQL server until cut.
type proxy struct {
	url    string
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	wg     sync.WaitGroup
}

func newProxy(t *testing.T, dbURL string) *proxy {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: u.Host}
	u.Host = ln.Addr().String()
	p.url = u.String()
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(func() { p.cut(); p.wg.Wait() })
	return p
}

func (p *proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(c, s)
		go p.pipe(s, c)
	}
}

func (p *proxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	io.Copy(dst, src)
	dst.Close()
	src.Close()
}

// cut closes the listener and every forwarded connection.
func (p *proxy) cut() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}
