package main

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// syncBuffer collects a process's output for polling.
type syncBuffer struct {
	mu  chan struct{}
	buf bytes.Buffer
}

func newSyncBuffer() *syncBuffer { b := &syncBuffer{mu: make(chan struct{}, 1)}; return b }
func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu <- struct{}{}
	defer func() { <-b.mu }()
	return b.buf.Write(p)
}
func (b *syncBuffer) String() string {
	b.mu <- struct{}{}
	defer func() { <-b.mu }()
	return b.buf.String()
}

// waitFor polls cond until it holds or 15 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestServeLifecycle: one engine per data directory, SIGHUP reloads the
// tariffs, SIGTERM stops cleanly.
func TestServeLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	data := t.TempDir()
	ref, err := os.ReadFile("../../config/reference.yml")
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(t.TempDir(), "smspark.yml")
	if err := os.WriteFile(cfgPath, ref, 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freePort(t)
	logs := newSyncBuffer()
	serve := exec.Command(bin, "serve", "--config", cfgPath, "--data", data, "--http", addr, "--admin", "127.0.0.1:0")
	serve.Stdout, serve.Stderr = logs, logs
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer serve.Process.Kill()
	waitFor(t, "the engine to serve", func() bool {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})

	out, err := exec.Command(bin, "serve", "--config", cfgPath, "--data", data, "--http", "127.0.0.1:0", "--admin", "127.0.0.1:0").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "another smspark is running on "+data) {
		t.Fatalf("a second engine on the same data directory: %v\n%s", err, out)
	}

	bad := strings.Replace(string(ref), "rate_per_hour: 2.50", "rate_per_hour: 2,50", 1)
	if err := os.WriteFile(cfgPath, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	_ = serve.Process.Signal(syscall.SIGHUP)
	waitFor(t, "the bad configuration to be refused", func() bool { return strings.Contains(logs.String(), "configuration not reloaded") })
	good := strings.Replace(string(ref), "rate_per_hour: 2.50", "rate_per_hour: 3.50", 1)
	if err := os.WriteFile(cfgPath, []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	_ = serve.Process.Signal(syscall.SIGHUP)
	waitFor(t, "the reload", func() bool { return strings.Contains(logs.String(), "configuration reloaded") })

	_ = serve.Process.Signal(syscall.SIGTERM)
	if err := serve.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM: %v\n%s", err, logs.String())
	}
	// Both reloads, refused and applied, are in the audit trail.
	trail, err := run(t, "audit", "--data", data)
	if err != nil || strings.Count(trail, "local  signal  config.reload") != 2 || !strings.Contains(trail, "refused: ") {
		t.Fatalf("audit after SIGHUPs: %v\n%s", err, trail)
	}
}
