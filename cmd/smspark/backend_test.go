package main

import (
	"context"
	"testing"

	"smspark/config"
)

// backendArgs are the target flags of each backend for an admin command:
// a local store in a temporary directory, and a running engine's admin
// endpoint on loopback (an engine without SMSCs, over its own store).
func backendArgs(t *testing.T) map[string][]string {
	t.Helper()
	return map[string][]string{
		"local":  {"--data", storeDir(t)},
		"server": {"--server", startAdminEngine(t)},
	}
}

// startAdminEngine runs Main with an admin endpoint on loopback until the
// test ends, and returns the endpoint's URL.
func startAdminEngine(t *testing.T) string {
	t.Helper()
	m := &Main{Config: config.Default(), DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0",
		AdminAddr: "127.0.0.1:0", Logger: testLogger(t)}
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("engine Run: %v", err)
		}
		if err := m.Close(); err != nil {
			t.Errorf("engine Close: %v", err)
		}
	})
	return "http://" + m.Admin.Addr()
}
