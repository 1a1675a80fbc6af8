package httpapi_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"smspark/httpapi"
)

type ready struct{ err atomic.Value }

func (r *ready) Ready(context.Context) error {
	if e, _ := r.err.Load().(error); e != nil {
		return e
	}
	return nil
}

func TestProbesAndMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "smspark_test_total", Help: "test"})
	reg.MustRegister(c)
	c.Inc()
	rd := &ready{}
	s := httpapi.New(httpapi.Options{Addr: "127.0.0.1:0", Ready: rd, Registerer: reg})
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	client := newClient(t)
	get := func(path string) (int, string) {
		resp, err := client.Get("http://" + s.Addr() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Fatalf("healthz %d", code)
	}
	if code, _ := get("/readyz"); code != 200 {
		t.Fatalf("readyz %d", code)
	}
	rd.err.Store(errors.New("no bind up"))
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "no bind up") {
		t.Fatalf("readyz not ready: %d %s", code, body)
	}
	if code, _ := get("/metrics"); code != 404 {
		t.Fatalf("metrics on the public listener: %d, want 404 (served on the admin listener)", code)
	}
	if code, _ := get("/nope"); code != 404 {
		t.Fatalf("unknown path %d", code)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
