package main

import (
	"context"
	"testing"

	"smspark/config"
)

// backendArgs are the target flags of each backend for an admin command:
// a local store in a temporary directory, and a running engine's admin
// endpoint on loopback (an engine without SMSCs, over its own store).
// seed (nil: none) fills each store first.
func backendArgs(t *testing.T, seed func(dir string)) map[string][]string {
	t.Helper()
	local, served := storeDir(t), storeDir(t)
	if seed != nil {
		seed(local)
		seed(served)
	}
	return map[string][]string{
		"local":  {"--data", local},
		"server": {"--server", startAdminEngine(t, served)},
	}
}

// startAdminEngine runs Main on the store in dir with an admin endpoint
// on loopback until the test ends, and returns the endpoint's URL.
func startAdminEngine(t *testing.T, dir string) string {
	t.Helper()
	m := &Main{Config: config.Default(), DataDir: dir, HTTPAddr: "127.0.0.1:0",
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
