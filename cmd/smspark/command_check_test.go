package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"smspark/sessions"
	"smspark/store"
)

// storeDir returns a data directory holding a new, empty store, as serve
// makes it: the admin commands refuse a directory without one.
func storeDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(dir, store.Options{Create: true, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestNoStoreWithoutServe walks every command that takes --data: on a
// directory without a store each but serve and demo (which make
// one) exits non-zero naming the missing file, and makes nothing.
func TestNoStoreWithoutServe(t *testing.T) {
	creators := map[string]bool{"smspark serve": true, "smspark demo": true}
	// Values for the flags a command requires, and its positional arguments.
	flagValues := map[string]string{
		"account": "1", "number": "+32475000001", "package": "premium", "role": "admin", "city": "Brussels",
		"id": "1", "day": "2026-11-23", "operator": "proximus", "month": "2026-11", "type": "BXL",
		"citizen": "An Peeters", "street": "Kerkstraat", "quantity": "1", "order": "1", "result": "paid",
		"from": "+32475000001", "plate": "1ABC123", "reason": "test", "by": "test", "until": "2026-12-31",
	}
	overrides := map[string]map[string]string{
		"smspark reduced grant": {"from": "2026-11-01", "to": "2026-11-30"},
	}
	positional := map[string][]string{
		"smspark backup": {filepath.Join(t.TempDir(), "copy.db")}, "smspark permits show": {"1"},
		"smspark sessions show": {"1"}, "smspark vouchers cancel": {"1"}, "smspark vouchers show": {"1"},
		"smspark sms": {"Q"}, "smspark sessions stop": {"1"},
	}
	var cmds []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Runnable() && c.Flag("data") != nil && !creators[c.CommandPath()] {
			cmds = append(cmds, c)
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(NewRootCommand())
	if len(cmds) < 20 {
		t.Fatalf("found %d commands with --data, want the admin commands", len(cmds))
	}
	for _, c := range cmds {
		path := c.CommandPath()
		t.Run(path, func(t *testing.T) {
			missing := filepath.Join(t.TempDir(), "typo")
			args := append(strings.Fields(path)[1:], "--data", missing)
			c.Flags().VisitAll(func(f *pflag.Flag) {
				if _, req := f.Annotations[cobra.BashCompOneRequiredFlag]; req && f.Name != "data" && f.Name != "server" {
					v, ok := overrides[path][f.Name]
					if !ok {
						v, ok = flagValues[f.Name]
					}
					if !ok {
						t.Fatalf("no test value for required flag --%s", f.Name)
					}
					args = append(args, "--"+f.Name, v)
				}
			})
			args = append(args, positional[path]...)
			out, err := run(t, args...)
			if err == nil {
				t.Fatalf("smspark %v succeeded: %s", args, out)
			}
			if !errors.Is(err, store.ErrNoStore) || !strings.Contains(err.Error(), missing) {
				t.Errorf("smspark %v: %v, want a missing store naming %s", args, err, missing)
			}
			if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("smspark %v made %s", args, missing)
			}
		})
	}
}

// damagedStores writes a store with some sessions, then returns the ways
// to damage it: each a function of the good file's bytes.
func damagedStores(t *testing.T) (good []byte, damage map[string][]byte) {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(dir, store.Options{Create: true, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 2, 8, 30, 0, 0, time.UTC)
	for batch := range 20 {
		var ch sessions.Change
		for i := range 100 {
			id := uint64(batch*100 + i + 1)
			ch.Sessions = append(ch.Sessions, sessions.Session{ID: id, Number: fmt.Sprintf("+3247%07d", id),
				Plate: fmt.Sprintf("1A%05d", id), Zone: "1021", City: "Brussel", Channel: sessions.ChannelSMS,
				Start: start, Until: start.Add(time.Hour)})
			ch.NextID = id + 1
		}
		if err := db.Commit(t.Context(), []sessions.Change{ch}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	good, err = os.ReadFile(filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	flipped := append([]byte(nil), good...)
	r := rand.New(rand.NewPCG(9, 8))
	for range 200 {
		flipped[r.IntN(len(flipped))] ^= byte(1 + r.IntN(255))
	}
	return good, map[string][]byte{
		"truncated to half": good[:len(good)/2],
		"200 bytes flipped": flipped,
		"empty":             {},
		"foreign file":      []byte(strings.Repeat("PK\x03\x04 not a store\n", 500)),
	}
}

func TestCheckCommand(t *testing.T) {
	dir := storeDir(t)
	out, err := run(t, "check", "--data", dir)
	if err != nil || !strings.Contains(out, "ok") {
		t.Errorf("check on a new store: %v\n%s", err, out)
	}
	_, damage := damagedStores(t)
	for name, file := range damage {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, store.FileName)
			if err := os.WriteFile(path, file, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := run(t, "check", "--data", dir)
			if !errors.Is(err, store.ErrCorrupt) || !strings.Contains(err.Error(), path) {
				t.Errorf("check: %v, want ErrCorrupt naming %s", err, path)
			}
		})
	}
}

// TestServeRefusesDamagedStore runs serve as a process on damaged files:
// each is refused with a message naming the file, without a crash, and is
// left byte for byte as it was. On a directory without a store, serve makes
// one and says so.
func TestServeRefusesDamagedStore(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	_, damage := damagedStores(t)
	want := map[string]string{"truncated to half": "truncated", "empty": "empty (0 bytes",
		"foreign file": "not a bbolt database file", "200 bytes flipped": "corrupt"}
	for name, file := range damage {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, store.FileName)
			if err := os.WriteFile(path, file, 0o600); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			out, err := exec.CommandContext(ctx, bin, "serve", "--data", dir,
				"--http", "127.0.0.1:0", "--admin", "127.0.0.1:0").CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("serve: %v, want exit status 1\n%s", err, out)
			}
			for _, crash := range []string{"panic", "goroutine ", "SIGSEGV", "SIGBUS", "fatal error"} {
				if strings.Contains(string(out), crash) {
					t.Errorf("serve crashed (%q):\n%s", crash, out)
				}
			}
			if !strings.Contains(string(out), path) || !strings.Contains(string(out), want[name]) {
				t.Errorf("serve said:\n%s\nwant the path and %q", out, want[name])
			}
			if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, file) {
				t.Errorf("serve changed the file (%v)", err)
			}
		})
	}
	t.Run("no store", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "new")
		cmd := exec.Command(bin, "serve", "--data", dir, "--http", "127.0.0.1:0", "--admin", "127.0.0.1:0")
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout = cmd.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill() })
		sc := bufio.NewScanner(stderr)
		created := false
		for sc.Scan() && !created {
			created = strings.Contains(sc.Text(), "created a new, empty store") &&
				strings.Contains(sc.Text(), filepath.Join(dir, store.FileName))
		}
		if !created {
			t.Error("serve did not log that it created a store")
		}
		_ = cmd.Process.Signal(syscall.SIGTERM)
		go func() { _, _ = io.Copy(io.Discard, stderr) }()
		if err := cmd.Wait(); err != nil {
			t.Errorf("serve after SIGTERM: %v", err)
		}
	})
}
