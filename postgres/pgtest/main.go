package pgtest

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// Shared is the server Run started for a test binary, nil until then or
// when none could start (startErr says why). It is the one piece of
// package state: a test binary's server lives as long as the binary.
type shared struct {
	srv *Server
	err error
}

var current shared

// Run starts one server for the test binary, runs its tests and stops
// the server; TestMain returns its result to os.Exit. Tests that need the
// server call DB.
func Run(m *testing.M) int {
	srv, err := Start(context.Background())
	current = shared{srv: srv, err: err}
	code := m.Run()
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

// DB returns the URL of a new, empty database on the binary's server; it
// skips t (see Skip) when there is no server, and fails t when the server
// did not start although the binaries are there.
func DB(t testing.TB) string {
	t.Helper()
	if current.srv == nil {
		if current.err == nil {
			t.Fatal("pgtest: DB called without pgtest.Run in TestMain")
		}
		if current.err == ErrNoBinaries {
			Skip(t, current.err)
		}
		t.Fatal(current.err)
	}
	url, err := current.srv.CreateDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return url
}

// Server returns the binary's server, or nil (DB's rules for skipping
// apply to whoever calls it).
func Current() *Server { return current.srv }
