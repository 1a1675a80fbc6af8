package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
)

// shared is the server of a test binary, started by the first DB call (a
// binary whose tests filtered out every PostgreSQL test starts none) and
// stopped by Run. It is the package's one piece of state: a test binary's
// server lives as long as the binary.
type shared struct {
	once sync.Once
	mu   sync.Mutex
	srv  *Server
	err  error
	run  bool // Run is in charge of stopping it
}

var current shared

// Run runs the test binary's tests and stops the server if one of them
// started it; TestMain returns its result to os.Exit.
func Run(m *testing.M) int {
	current.mu.Lock()
	current.run = true
	current.mu.Unlock()
	code := m.Run()
	current.mu.Lock()
	srv := current.srv
	current.mu.Unlock()
	if srv != nil {
		if err := srv.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			if code == 0 {
				code = 1
			}
		}
	}
	return code
}

// server returns the binary's server, starting it the first time.
func server(t testing.TB) *Server {
	t.Helper()
	current.mu.Lock()
	run := current.run
	current.mu.Unlock()
	if !run {
		t.Fatal("pgtest: call pgtest.Run from TestMain: it stops the server")
	}
	current.once.Do(func() {
		srv, err := Start(context.Background(), Options{})
		current.mu.Lock()
		current.srv, current.err = srv, err
		current.mu.Unlock()
	})
	current.mu.Lock()
	defer current.mu.Unlock()
	if current.srv == nil {
		if errors.Is(current.err, ErrNoBinaries) {
			Skip(t, current.err)
		}
		t.Fatal(current.err)
	}
	return current.srv
}

// DB returns the URL of a new, empty database on the binary's server; it
// skips t (see Skip) when PostgreSQL is not installed, and fails t when
// the server did not start although it is.
func DB(t testing.TB) string {
	t.Helper()
	url, err := server(t).CreateDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return url
}
