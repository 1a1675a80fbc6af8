package main

import (
	"context"
	"net"
	"testing"

	"smspark/config"
)

// bindable fails the test unless addr can be listened on again.
func bindable(t *testing.T, what, addr string) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("%s %s still bound: %v", what, addr, err)
	}
	ln.Close()
}

// TestOpenFailureFreesListeners: when a step after the HTTP listener
// fails (the admin address taken), Open closes the HTTP socket as well
// as the store: the port can be bound again and the store reopened.
func TestOpenFailureFreesListeners(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	dir := t.TempDir()
	m := &Main{Config: config.Default(), DataDir: dir, HTTPAddr: "127.0.0.1:0",
		AdminAddr: taken.Addr().String(), Logger: testLogger(t)}
	if err := m.Open(context.Background()); err == nil {
		m.Close()
		t.Fatal("Open with the admin address taken succeeded")
	}
	if m.HTTP == nil {
		t.Fatal("Open failed before the HTTP listener: the test no longer tests it")
	}
	bindable(t, "HTTP", m.HTTP.Addr())
	again := &Main{Config: config.Default(), DataDir: dir, HTTPAddr: "127.0.0.1:0", Logger: testLogger(t)}
	if err := again.Open(context.Background()); err != nil {
		t.Fatalf("the store after a failed Open: %v", err)
	}
	if err := again.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestCloseFreesListeners: Close after an Open that was never run frees
// the HTTP and admin ports; a second Close is harmless.
func TestCloseFreesListeners(t *testing.T) {
	m := &Main{Config: config.Default(), DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0",
		AdminAddr: "127.0.0.1:0", Logger: testLogger(t)}
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	httpAddr, adminAddr := m.HTTP.Addr(), m.Admin.Addr()
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	bindable(t, "HTTP", httpAddr)
	bindable(t, "admin", adminAddr)
	if err := m.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// TestCloseAfterRun: after Run ends, Close closes the store without
// touching the servers Run already shut down, and the ports are free.
func TestCloseAfterRun(t *testing.T) {
	m := &Main{Config: config.Default(), DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0",
		AdminAddr: "127.0.0.1:0", Logger: testLogger(t)}
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	httpAddr, adminAddr := m.HTTP.Addr(), m.Admin.Addr()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := m.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	bindable(t, "HTTP", httpAddr)
	bindable(t, "admin", adminAddr)
}
