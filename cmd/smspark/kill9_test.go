package main

import (
	"context"
	"encoding/json"
	"errors"
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

	"smspark/sessions"
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

// TestKill9UnderLoad kills the engine with SIGKILL while virtual phones
// load it, restarts it, and checks every MO the simulator got a
// deliver_sm_resp for: its reply arrived, and its effect is in the store
// (the session it started exists, the one it stopped ended by a stop).
// Every start parks a plate never used before, so that no later kill can
// pass on an earlier MO's effect.
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

	cmd := start()
	load := &kill9Load{sim: sim, stop: make(chan struct{})}
	var wg sync.WaitGroup
	for i := range phones {
		wg.Go(func() { load.phone(ctx, i) })
	}
	stopTimer := time.AfterFunc(duration, func() { close(load.stop) })
	defer stopTimer.Stop()
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
		t.Logf("kill %d: SIGKILL after %d MOs acked", k+1, sim.Stats().MOsAcked)
		cmd = start()
	}
	wg.Wait()
	for _, e := range load.errs {
		t.Error(e)
	}

	// Stop the engine cleanly, then look in its store.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve after SIGTERM: %v", err)
	}
	// Each number's sessions (the list does not show the number).
	var list []sessions.Session
	numbers := map[string]bool{}
	for _, mo := range load.acked {
		numbers[mo.number] = true
	}
	for number := range numbers {
		out, err := exec.Command(bin, "sessions", "list", "--data", data, "--number", number, "--json").Output()
		if err != nil {
			t.Fatalf("sessions list: %v", err)
		}
		var of []sessions.Session
		if err := json.Unmarshal(out, &of); err != nil {
			t.Fatal(err)
		}
		for _, s := range of {
			s.Number = number
			list = append(list, s)
		}
	}
	t.Logf("%d MOs acknowledged, %d sessions in the store", len(load.acked), len(list))
	checkKill9Effects(t, load.acked, list)
	if len(load.acked) < 5*phones*kills {
		t.Fatalf("only %d MOs acknowledged: the test proves little", len(load.acked))
	}
}

// kill9MO is an MO the engine acknowledged, and whether its reply came.
type kill9MO struct {
	number, plate string
	stop          bool // "Q PLATE"; else "1021 PLATE"
	replied       bool
}

// kill9Load is the virtual phones of TestKill9UnderLoad.
type kill9Load struct {
	sim  *smsc.Server
	stop chan struct{} // closed: send no new MO

	mu    sync.Mutex
	acked []kill9MO
	errs  []string
}

func (l *kill9Load) fail(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, fmt.Sprintf(format, args...))
}

// kill9Plate is phone i's k-th plate: "1ABC123"-shaped, one of its own.
func kill9Plate(i, k int) string {
	return fmt.Sprintf("%d%c%c%c%03d", 1+k/1000%9, 'A'+i/676%26, 'A'+i/26%26, 'A'+i%26, k%1000)
}

// phone parks a new plate and stops it, again and again, until the load
// stops; it sends each MO once its previous one was answered.
func (l *kill9Load) phone(ctx context.Context, i int) {
	number, _ := smsc.LoadPhone(1, i)
	for k := 0; ; k++ {
		select {
		case <-l.stop:
			return
		default:
		}
		plate := kill9Plate(i, k)
		if !l.send(ctx, kill9MO{number: number, plate: plate}) ||
			!l.send(ctx, kill9MO{number: number, plate: plate, stop: true}) {
			return
		}
	}
}

// send delivers mo until the engine acknowledges it (redelivering across
// kills, as an SMSC does), then waits for its reply: an MT naming the plate.
func (l *kill9Load) send(ctx context.Context, mo kill9MO) bool {
	text := "1021 " + mo.plate
	if mo.stop {
		text = "Q " + mo.plate
	}
	rctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	d, err := l.sim.DeliverMO(rctx, smsc.MO{From: mo.number, To: "4411", Text: text})
	for err != nil || !d.OK() {
		switch {
		case errors.Is(err, smsc.ErrNoReceiver), errors.Is(err, smsc.ErrConnClosed):
			if werr := l.sim.WaitBound(rctx, 1); werr != nil {
				l.fail("%s %q: not acknowledged: %v", mo.number, text, err)
				return false
			}
		case err != nil:
			l.fail("%s %q: not acknowledged: %v", mo.number, text, err)
			return false
		default: // refused: the engine could not store it; try again
			select {
			case <-rctx.Done():
				l.fail("%s %q: refused (%s) until the timeout", mo.number, text, d.Status)
				return false
			case <-time.After(100 * time.Millisecond):
			}
		}
		d, err = l.sim.Redeliver(rctx, d)
	}
	l.mu.Lock()
	l.acked = append(l.acked, mo)
	n := len(l.acked) - 1
	l.mu.Unlock()
	for {
		mt, err := l.sim.WaitMT(rctx, mo.number)
		if err != nil {
			l.fail("%s %q: acknowledged, no reply: %v", mo.number, text, err)
			return false
		}
		if strings.Contains(mt.Text, mo.plate) { // else a late duplicate of an earlier reply
			l.mu.Lock()
			l.acked[n].replied = true
			l.mu.Unlock()
			return true
		}
	}
}

// checkKill9Effects checks that every acknowledged MO was answered and
// that its effect is in the store: one session of each started plate, of
// that number, and ended by a stop wherever a stop was acknowledged.
func checkKill9Effects(t *testing.T, acked []kill9MO, list []sessions.Session) {
	t.Helper()
	byPlate := map[string][]sessions.Session{}
	for _, s := range list {
		byPlate[s.Plate] = append(byPlate[s.Plate], s)
	}
	for _, mo := range acked {
		if !mo.replied {
			t.Errorf("%s %s (stop %t): acknowledged, never answered", mo.number, mo.plate, mo.stop)
		}
		got := byPlate[mo.plate]
		switch {
		case len(got) != 1:
			t.Errorf("%s: %d sessions after an acknowledged start, want 1", mo.plate, len(got))
		case got[0].Number != mo.number:
			t.Errorf("%s: session of %s, want %s", mo.plate, got[0].Number, mo.number)
		case mo.stop && (got[0].End.IsZero() || got[0].EndReason != sessions.EndStop):
			t.Errorf("%s: acknowledged stop, session end %v reason %q", mo.plate, got[0].End, got[0].EndReason)
		}
	}
}
