package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"smspark/smpp/smsc"
)

// envInt reads a size from the environment (scripts/kill9.sh runs the
// test bigger), or def.
func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// buildBinary builds smspark once for the tests that run it as a process.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "smspark")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serveConfig writes the reference configuration with one SMSC.
func serveConfig(t *testing.T, addr string) string {
	t.Helper()
	ref, err := os.ReadFile("../../config/reference.yml")
	if err != nil {
		t.Fatal(err)
	}
	smscs := fmt.Sprintf(`smscs:
  - name: proximus-1
    operator: proximus
    address: %s
    system_id: smspark
    password: secret
    window: 50
    max_submits_per_second: 100000
    enquire_link: 2s
    reconnect_min: 50ms
    reconnect_max: 500ms
`, addr)
	cfg := strings.Replace(string(ref), "smscs: []\n", smscs, 1)
	if cfg == string(ref) {
		t.Fatal("reference.yml has no 'smscs: []' line to replace")
	}
	path := filepath.Join(t.TempDir(), "smspark.yml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestKill9UnderLoad kills the engine with SIGKILL while the simulator
// loads it, restarts it, and checks that every MO the simulator got a
// deliver_sm_resp for is answered and that every session confirmed before
// the kill is still in the store.
func TestKill9UnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	phones := envInt("SMSPARK_KILL9_PHONES", 20)
	kills := envInt("SMSPARK_KILL9_KILLS", 1)
	duration := time.Duration(envInt("SMSPARK_KILL9_SECONDS", 4)) * time.Second
	bin := buildBinary(t)

	sim, err := smsc.New(smsc.Options{Addr: "127.0.0.1:0", SystemID: "smspark", Password: "secret", Operator: "proximus", MaxQueuedMTs: 100000})
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	simDone := make(chan error, 1)
	go func() { simDone <- sim.Run(ctx) }()
	defer func() { cancel(); <-simDone }()

	cfg := serveConfig(t, sim.Addr())
	data := t.TempDir()
	logf, err := os.Create(filepath.Join(t.TempDir(), "serve.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "serve", "--config", cfg, "--data", data, "--http", "127.0.0.1:0", "--admin", "127.0.0.1:0")
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// A failing test leaves no engine behind.
		t.Cleanup(func() { _ = cmd.Process.Kill() })
		wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
		defer wcancel()
		if err := sim.WaitBound(wctx, 1); err != nil {
			t.Fatalf("engine did not bind: %v", err)
		}
		return cmd
	}

	// Every MT, to know which sessions were confirmed before each kill.
	var (
		mu        sync.Mutex
		confirmed = map[string]bool{} // "phone plate" confirmed by an MT
	)
	mts := sim.Subscribe(ctx, 1<<20)
	go func() {
		for mt := range mts {
			mu.Lock()
			for i := range phones {
				number, plate := smsc.LoadPhone(1, i)
				if mt.To == number && strings.Contains(mt.Text, plate) && mt.From == "4411" {
					confirmed[number+" "+plate] = true
				}
			}
			mu.Unlock()
		}
	}()

	cmd := start()
	type result struct {
		rep smsc.LoadReport
		err error
	}
	loadDone := make(chan result, 1)
	go func() {
		rep, err := smsc.Load(ctx, sim, smsc.LoadOptions{Phones: phones, Duration: duration, Seed: 1, ReplyTimeout: 60 * time.Second})
		loadDone <- result{rep, err}
	}()
	var before map[string]bool
	for k := range kills {
		// Kill once the engine has acknowledged a good number of MOs.
		target := sim.Stats().MOsAcked + 5*phones
		wctx, wcancel := context.WithTimeout(ctx, 60*time.Second)
		if err := sim.WaitStats(wctx, func(s smsc.Stats) bool { return s.MOsAcked >= target }); err != nil {
			wcancel()
			t.Fatalf("kill %d: load did not progress: %v", k, err)
		}
		wcancel()
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		mu.Lock()
		before = make(map[string]bool, len(confirmed))
		for key := range confirmed {
			before[key] = true
		}
		mu.Unlock()
		t.Logf("kill %d: SIGKILL after %d MOs acked, %d sessions confirmed", k+1, sim.Stats().MOsAcked, len(before))
		cmd = start()
	}
	res := <-loadDone
	if res.err != nil {
		t.Fatalf("load: %v", res.err)
	}
	rep := res.rep
	t.Logf("load: %s", rep.String())

	// Replies still on their way after the load ended.
	for number, acked := range rep.AckedByPhone {
		for got := rep.MTsByPhone[number]; got < acked; got++ {
			wctx, wcancel := context.WithTimeout(ctx, 30*time.Second)
			_, err := sim.WaitMT(wctx, number)
			wcancel()
			if err != nil {
				t.Errorf("%s: %d MOs acked, only %d replies: %v", number, acked, got, err)
				break
			}
		}
	}

	// Stop the engine cleanly, then look in its store.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve after SIGTERM: %v", err)
	}
	out, err := exec.Command(bin, "sessions", "list", "--data", data, "--json").Output()
	if err != nil {
		t.Fatalf("sessions list: %v", err)
	}
	var list []struct {
		Plate string `json:"plate"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		t.Fatal(err)
	}
	plates := map[string]bool{}
	for _, s := range list {
		plates[s.Plate] = true
	}
	for key := range before {
		plate := strings.Fields(key)[1]
		if !plates[plate] {
			t.Errorf("session of %s was confirmed before the kill and is gone", key)
		}
	}
	if len(before) == 0 {
		t.Fatal("no session was confirmed before the kill: the test proves nothing")
	}
}
