package main

import (
	"strings"
	"testing"
)

// TestAccountsCLI runs the accounts commands on a stopped engine's store
// and through a running engine's admin endpoint: the same answers.
func TestAccountsCLI(t *testing.T) {
	for name, target := range backendArgs(t, nil) {
		t.Run(name, func(t *testing.T) { testAccountsCLI(t, target) })
	}
}

func testAccountsCLI(t *testing.T, target []string) {
	on := func(args ...string) []string { return append(args, target...) }
	out, err := run(t, on("accounts", "create", "--package", "premium", "--number", "0475000001", "--number", "+32475000002")...)
	if err != nil {
		t.Fatal(err, out)
	}
	id := strings.TrimSpace(out)
	if !strings.HasPrefix(id, "A") || len(id) != 9 {
		t.Fatalf("account id %q", id)
	}
	steps := []struct {
		args    []string
		wantErr string // "" = must succeed
		want    string // output contains
	}{
		{[]string{"show"}, "", "+32475000001 +32475000002"},
		{[]string{"add-number", "--number", "+32475000003"}, "", "+32475000003"},
		{[]string{"add-number", "--number", "+32475000004"}, "", "premium"},
		{[]string{"add-number", "--number", "+32475000005"}, "too many numbers", ""},
		{[]string{"add-number", "--number", "+33612345678"}, "not a Belgian mobile number", ""},
		{[]string{"set-package", "--package", "pro"}, "", "pro"},
		{[]string{"add-number", "--number", "+32475000005"}, "", "+32475000005"},
		{[]string{"set-package", "--package", "premium"}, "too many numbers", ""},
		{[]string{"set-package", "--package", "gold"}, "package must be premium or pro", ""},
		{[]string{"remove-number", "--number", "+32475000005"}, "", "pro"},
		{[]string{"set-package", "--package", "premium"}, "", "premium"},
		{[]string{"remove-number", "--number", "+32499000000"}, "not in th", ""}, // "the account" locally, "this account" from the endpoint,
	}
	for i, s := range steps {
		args := append([]string{"accounts", s.args[0], "--account", id}, s.args[1:]...)
		out, err := run(t, on(args...)...)
		if s.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), s.wantErr) {
				t.Fatalf("step %d %v: err %v, want %q", i, s.args, err, s.wantErr)
			}
			continue
		}
		if err != nil || !strings.Contains(out, s.want) {
			t.Fatalf("step %d %v: %v\n%s", i, s.args, err, out)
		}
	}
	// A number of this account cannot open another one.
	if _, err := run(t, on("accounts", "create", "--package", "pro", "--number", "+32475000001")...); err == nil ||
		!strings.Contains(err.Error(), "already belongs") {
		t.Fatalf("second account for a number: %v", err)
	}
	if _, err := run(t, on("accounts", "show", "--account", "ANOSUCH")...); err == nil {
		t.Fatal("an unknown account was shown")
	}
}
