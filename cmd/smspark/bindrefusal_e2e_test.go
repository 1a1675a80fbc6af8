package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"smspark/config"
	"smspark/httpapi"
	"smspark/smpp/smsc"
)

// TestE2EWrongPasswordIsAConfigError: the simulator refuses a wrong
// password with ESME_RINVPASWD; the engine shows a configuration error in
// its status and metrics instead of retrying like a network blip.
func TestE2EWrongPasswordIsAConfigError(t *testing.T) {
	sim, err := smsc.New(smsc.Options{Addr: "127.0.0.1:0", SystemID: "smspark", Password: "secret", Operator: "proximus"})
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Listen(); err != nil {
		t.Fatal(err)
	}
	simCtx, simCancel := context.WithCancel(context.Background())
	simDone := make(chan error, 1)
	go func() { simDone <- sim.Run(simCtx) }()
	cfg := config.Default()
	cfg.SMSCs = []config.SMSC{{Name: "proximus-1", Operator: "proximus", Address: sim.Addr(), SystemID: "smspark",
		Password: "wrong", BindMode: config.BindTransceiver, Window: 10, EnquireLink: time.Minute,
		ReconnectMin: 10 * time.Millisecond, ReconnectMax: 50 * time.Millisecond, RefusedRetry: time.Hour}}
	m := &Main{Config: cfg, DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0", Logger: testLogger(t)}
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
		m.Close()
		simCancel()
		<-simDone
	})
	deadline := time.Now().Add(10 * time.Second)
	for !m.Client.Status()[0].ConfigError {
		if time.Now().After(deadline) {
			t.Fatalf("no configuration error: %+v", m.Client.Status())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := metricValue(t, m, "smspark_smpp_bind_refusals_total"); got != 1 {
		t.Fatalf("refusals %v, want 1 (then a long wait)", got)
	}
	if got := metricValue(t, m, "smspark_smpp_bind_config_error"); got != 1 {
		t.Fatalf("config error gauge %v", got)
	}
	b := m.Client.Status()[0]
	st := httpapi.AdminStatus{EngineRunning: true, Binds: []httpapi.AdminBind{{SMSC: b.SMSC, Operator: b.Operator,
		Kind: b.Kind, State: b.State, LastError: b.LastError, ConfigError: b.ConfigError}}}
	var out bytes.Buffer
	cmd := &cobra.Command{}
	cmd.SetOut(&out)
	if err := outputStatus(cmd, st, false, time.UTC); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "proximus-1 trx: CONFIGURATION ERROR") || !strings.Contains(out.String(), "status 0xe") {
		t.Fatalf("status:\n%s", out.String())
	}
}
