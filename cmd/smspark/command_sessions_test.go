package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSessionsCLI: list, show and stop find and end the same session on a
// stopped engine's store and through a running engine's admin endpoint.
func TestSessionsCLI(t *testing.T) {
	at := time.Now().Add(-10 * time.Minute).Format(time.RFC3339)
	seed := func(dir string) {
		if out, err := run(t, "sms", "--data", dir, "--at", at, "--from", "+32475000001", "8500 1ABC123"); err != nil {
			t.Fatalf("seeding a session: %v\n%s", err, out)
		}
	}
	for name, target := range backendArgs(t, seed) {
		t.Run(name, func(t *testing.T) {
			on := func(args ...string) []string { return append(args, target...) }
			var list []sessionJSON
			out, err := run(t, on("sessions", "list", "--plate", "1-abc-123", "--running", "--json")...)
			if err != nil || json.Unmarshal([]byte(out), &list) != nil || len(list) != 1 {
				t.Fatalf("sessions list: %v\n%s", err, out)
			}
			id := list[0].ID
			out, err = run(t, on("sessions", "show", strconv.FormatUint(id, 10))...)
			if err != nil || !strings.Contains(out, "1ABC123") || !strings.Contains(out, "running") ||
				strings.Contains(out, "+32475000001") {
				t.Fatalf("sessions show (the number masked): %v\n%s", err, out)
			}
			if out, err := run(t, on("sessions", "show", "999999")...); err == nil {
				t.Fatalf("an unknown session shown:\n%s", out)
			}
			out, err = run(t, on("sessions", "stop", "--plate", "1ABC123")...)
			if err != nil || !strings.Contains(out, "admin") {
				t.Fatalf("sessions stop: %v\n%s", err, out)
			}
			if out, err := run(t, on("sessions", "stop", strconv.FormatUint(id, 10))...); err == nil {
				t.Fatalf("stopping an ended session:\n%s", out)
			}
			out, err = run(t, on("sessions", "list", "--running")...)
			if err != nil || strings.Contains(out, "1ABC123") {
				t.Fatalf("running sessions after the stop: %v\n%s", err, out)
			}
		})
	}
}
