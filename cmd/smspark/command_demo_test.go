package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"smspark/config"
	"smspark/smpp/smsc"
)

// TestDemoScripted runs smspark demo with SMS on stdin: every reply comes
// back over SMPP from the built-in simulators.
func TestDemoScripted(t *testing.T) {
	cmd := NewRootCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(io.Discard)
	cmd.SetIn(strings.NewReader("1021 1ABC123\nI\nhello\nQ\n/from 0486 00 00 03 base\n8500 1XYZ999\n"))
	cmd.SetArgs([]string{"demo", "--from", "+32475000001", "--operator", "proximus"})
	if err := cmd.ExecuteContext(t.Context()); err != nil {
		t.Fatal(err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"engine bound over SMPP to 4 simulated SMSCs (base, orange, proximus, telenet); HTTP on",
		"+32475000001 → 4411: 1021 1ABC123\n4411 → you: ",
		"+32475000001 → 4411: hello\n4400 → you: ",
		"+32475000001 → 4411: Q\n4411 → you: ",
		"+32486000003 → 4411: 8500 1XYZ999\n4400 → you: ", // base, Kortrijk: registration required
	} {
		if !strings.Contains(got, want) {
			t.Errorf("demo output lacks %q:\n%s", want, got)
		}
	}
}

// TestPhoneFromArgs: /from takes a number written with spaces, and an
// operator as its last word.
func TestPhoneFromArgs(t *testing.T) {
	p := &phone{sims: map[string]*smsc.Server{"base": nil, "proximus": nil}, operator: "proximus"}
	tests := []struct {
		line, number, operator string
		ok                     bool
	}{
		{"/from 0476 12 34 56 base", "0476123456", "base", true},
		{"/from 0476 12 34 56", "0476123456", "proximus", true},
		{"/from +32476123456 BASE", "+32476123456", "base", true},
		{"/from 0476123456 nosuch", "0476123456", "nosuch", true},
		{"/from", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			n, op, ok := p.fromArgs(strings.Fields(tt.line)[1:])
			if n != tt.number || op != tt.operator || ok != tt.ok {
				t.Fatalf("fromArgs = %q %q %v, want %q %q %v", n, op, ok, tt.number, tt.operator, tt.ok)
			}
		})
	}
}

// TestServeWithoutSMSC: with no SMSC configured the daemon still runs
// (HTTP, probes) and says so.
func TestServeWithoutSMSC(t *testing.T) {
	var logs bytes.Buffer
	m := &Main{Config: config.Default(), DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0", Logger: newLogger(&logs, false)}
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	var resp *http.Response
	deadline := time.Now().Add(5 * time.Second)
	for {
		var err error
		resp, err = http.Get("http://" + m.HTTP.Addr() + "/readyz")
		if err == nil || time.Now().After(deadline) {
			if err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("readyz %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "no SMSC configured") {
		t.Fatalf("the daemon did not say it runs without SMSC: %s", logs.String())
	}
}
