//go:build interop

package interop

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"smspark/gsm"
)

// Bounds of the waits. A scenario (one bind mode) must finish within
// scenarioBudget; every wait inside it is bounded by that too.
const (
	buildTimeout   = 90 * time.Second
	scenarioBudget = 25 * time.Second
	stepTimeout    = 15 * time.Second
)

// Credentials the engine binds with and smsc.pl expects.
const (
	systemID = "smspark"
	password = "s3cret"
)

// mo is one MO smsc.pl delivers and what the reply to it must be.
type mo struct {
	from, text string
	source     string   // 4411 or 4400
	prefix     string   // the reply's text starts with this
	contains   []string // and contains these
}

// The MOs, in the order smsc.pl delivers them; it delivers the next one
// only after the previous one was acked and answered, so the replies
// come in this order too. Both numbers park for the first time: their
// first session is free (Brussels: first_use_free), so every amount is
// € 0,00 whatever the time of day.
var mos = []mo{
	{from: "32475000001", text: "1021 1ABC123", source: "4411",
		prefix:   "Stationnement démarré: 1ABC123 en zone 1021 Louise",
		contains: []string{"gratuit", "envoyez Q au 4411"}},
	{from: "32475000001", text: "I", source: "4411",
		prefix:   "Stationnement en cours",
		contains: []string{"1ABC123 en zone 1021 Louise depuis ", ": € 0,00"}},
	{from: "32475000001", text: "hello", source: "4400",
		// unknown_command: how to start, in the default language.
		contains: []string{"1021 1ABC123", "4411"}},
	{from: "32475000001", text: "Q", source: "4411",
		prefix:   "Stationnement terminé: 1ABC123 en zone 1021 Louise",
		contains: []string{"Montant: € 0,00."}},
	{from: "32475000002", text: "1030 2XYZ789", source: "4411",
		prefix:   "Stationnement démarré: 2XYZ789 en zone 1030 Centre",
		contains: []string{"gratuit"}},
}

// TestNetSMPP runs the smspark binary against smsc.pl, an SMSC built on
// Perl's Net::SMPP, in both bind modes.
func TestNetSMPP(t *testing.T) {
	if out, err := exec.Command("perl", "-MNet::SMPP", "-e1").CombinedOutput(); err != nil {
		t.Fatalf("perl with Net::SMPP is needed (scripts/interop.sh installs it): %v\n%s", err, out)
	}
	script, err := filepath.Abs("smsc.pl")
	if err != nil {
		t.Fatal(err)
	}
	reference, err := os.ReadFile(filepath.Join("..", "config", "reference.yml"))
	if err != nil {
		t.Fatal(err)
	}
	bin := buildSmspark(t)
	for _, mode := range []string{"transceiver", "transmitter+receiver"} {
		t.Run(mode, func(t *testing.T) {
			runScenario(t, bin, script, reference, mode)
		})
	}
}

// buildSmspark builds cmd/smspark into a temporary directory.
func buildSmspark(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "smspark")
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "smspark/cmd/smspark").CombinedOutput()
	if err != nil {
		t.Fatalf("go build smspark: %v\n%s", err, out)
	}
	return bin
}

func runScenario(t *testing.T, bin, script string, reference []byte, mode string) {
	deadline := time.Now().Add(scenarioBudget)
	wantKinds := []string{"transceiver"}
	submitKind := "transceiver"
	if mode == "transmitter+receiver" {
		wantKinds = []string{"receiver", "transmitter"}
		submitKind = "transmitter"
	}

	args := []string{script, "--port", "0", "--mode", mode,
		"--system-id", systemID, "--password", password,
		"--timeout", strconv.Itoa(int(scenarioBudget / time.Second)), "--unbind-wait", "10"}
	for _, m := range mos {
		args = append(args, "--mo", m.from+"="+m.text)
	}
	smsc := startSMSC(t, exec.Command("perl", args...))

	listening := smsc.await(t, deadline, "listening")
	if listening.Port == 0 {
		t.Fatalf("smsc.pl reported no port: %s", listening.raw)
	}

	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "smspark.yml")
	writeConfig(t, cfgPath, reference, "perl-smsc", listening.Port, mode)
	engine := start(t, "smspark", exec.Command(bin, "serve", "--config", cfgPath,
		"--data", filepath.Join(dir, "data"), "--http", "127.0.0.1:0", "--admin", "127.0.0.1:0"), nil)

	var kinds []string
	for len(kinds) < len(wantKinds) {
		kinds = append(kinds, smsc.await(t, deadline, "bound").Kind)
	}
	slices.Sort(kinds)
	if !slices.Equal(kinds, wantKinds) {
		t.Fatalf("binds %v, want %v", kinds, wantKinds)
	}
	done := smsc.await(t, deadline, "done")
	if done.Replies != len(mos) {
		t.Errorf("done after %d replies, want %d", done.Replies, len(mos))
	}

	// SIGTERM: the engine drains, unbinds every bind and exits 0.
	if err := engine.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM smspark: %v", err)
	}
	if !engine.wait(deadline) {
		t.Fatalf("smspark still runs %v after SIGTERM", stepTimeout)
	}
	if code := engine.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("smspark exited %d after SIGTERM, want 0", code)
	}
	// smsc.pl exits once every bind unbound.
	if !smsc.wait(deadline) {
		t.Fatal("smsc.pl still runs after smspark exited")
	}
	smsc.drain(t)
	if code := smsc.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("smsc.pl exited %d, want 0", code)
	}

	var unbinds, enquireResps []string
	var replies []event
	for _, e := range smsc.events {
		switch e.Event {
		case "unbind":
			unbinds = append(unbinds, e.Kind)
		case "enquire_link_resp":
			enquireResps = append(enquireResps, e.Kind)
		case "submit_sm":
			replies = append(replies, e)
		case "deliver_sm_resp":
			if e.Status != 0 {
				t.Errorf("MO %d: deliver_sm_resp status %#x, want ESME_ROK", e.Index, e.Status)
			}
		}
	}
	slices.Sort(unbinds)
	if !slices.Equal(unbinds, wantKinds) {
		t.Errorf("unbinds %v, want one per bind %v", unbinds, wantKinds)
	}
	slices.Sort(enquireResps)
	if !slices.Equal(enquireResps, wantKinds) {
		t.Errorf("enquire_link_resp on %v, want one per bind %v", enquireResps, wantKinds)
	}
	if len(replies) != len(mos) {
		t.Errorf("%d submit_sm, want %d (one per MO)", len(replies), len(mos))
	}
	for i, m := range mos {
		if i >= len(replies) {
			break
		}
		t.Run(fmt.Sprintf("%d %s", i, m.text), func(t *testing.T) {
			checkReply(t, m, replies[i], submitKind)
		})
	}
}

// checkReply checks one submit_sm against the MO it answers.
func checkReply(t *testing.T, m mo, r event, kind string) {
	t.Helper()
	if r.Kind != kind {
		t.Errorf("submitted on the %s bind, want %s", r.Kind, kind)
	}
	if r.Source != m.source || r.SourceTON != 3 || r.SourceNPI != 0 {
		t.Errorf("source %q TON %d NPI %d, want %q TON 3 NPI 0", r.Source, r.SourceTON, r.SourceNPI, m.source)
	}
	if r.Dest != m.from || r.DestTON != 1 || r.DestNPI != 1 {
		t.Errorf("destination %q TON %d NPI %d, want %q TON 1 NPI 1", r.Dest, r.DestTON, r.DestNPI, m.from)
	}
	if r.DataCoding != 0 {
		t.Errorf("data_coding %d, want 0 (GSM 03.38)", r.DataCoding)
	}
	if r.ESMClass != 0 {
		t.Errorf("esm_class %#x, want 0 (one part, no UDH)", r.ESMClass)
	}
	if r.RegisteredDelivery != 1 {
		t.Errorf("registered_delivery %d, want 1", r.RegisteredDelivery)
	}
	sm, err := hex.DecodeString(r.ShortMessageHex)
	if err != nil {
		t.Fatalf("short_message_hex %q: %v", r.ShortMessageHex, err)
	}
	if len(sm) > 160 {
		t.Errorf("short_message of %d septets, more than one SMS", len(sm))
	}
	text, err := gsm.Decode(sm)
	if err != nil {
		t.Fatalf("short_message % x is no GSM 03.38: %v", sm, err)
	}
	if !strings.HasPrefix(text, m.prefix) {
		t.Errorf("text %q, want it to start with %q", text, m.prefix)
	}
	for _, s := range m.contains {
		if !strings.Contains(text, s) {
			t.Errorf("text %q, want it to contain %q", text, s)
		}
	}
	// 'é' is the GSM 03.38 septet 0x05, never Latin-1 0xE9 or UTF-8.
	if strings.Contains(m.prefix, "é") && !bytes.Contains(sm, []byte{0x05}) {
		t.Errorf("short_message % x: no 0x05 for 'é'", sm)
	}
}

// writeConfig writes the reference configuration with one SMSC, name on
// port, bound in mode.
func writeConfig(t *testing.T, path string, reference []byte, name string, port int, mode string) {
	t.Helper()
	const empty = "\nsmscs: []\n"
	if n := bytes.Count(reference, []byte(empty)); n != 1 {
		t.Fatalf("config/reference.yml has %d lines %q, want 1", n, strings.TrimSpace(empty))
	}
	smscs := fmt.Sprintf(`
smscs:
  - name: %s
    operator: proximus
    address: 127.0.0.1:%d
    system_id: %s
    password: %s
    bind_mode: %s
    window: 10
    enquire_link: 5s
    reconnect_min: 100ms
    reconnect_max: 1s
`, name, port, systemID, password, mode)
	cfg := bytes.Replace(reference, []byte(empty), []byte(smscs), 1)
	if err := os.WriteFile(path, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
}

// event is one JSON line of smsc.pl.
type event struct {
	Event string `json:"event"`

	Port    int    `json:"port"`    // listening
	Kind    string `json:"kind"`    // the bind a PDU came on
	Message string `json:"message"` // error, timeout
	Index   int    `json:"index"`   // deliver_sm_resp: the MO
	Status  int    `json:"status"`  // deliver_sm_resp
	Replies int    `json:"replies"` // done

	// submit_sm
	Source             string `json:"source"`
	SourceTON          int    `json:"source_ton"`
	SourceNPI          int    `json:"source_npi"`
	Dest               string `json:"dest"`
	DestTON            int    `json:"dest_ton"`
	DestNPI            int    `json:"dest_npi"`
	DataCoding         int    `json:"data_coding"`
	ESMClass           int    `json:"esm_class"`
	RegisteredDelivery int    `json:"registered_delivery"`
	ShortMessageHex    string `json:"short_message_hex"`

	raw string
}

// smscProc is smsc.pl running, its stdout read as events.
type smscProc struct {
	*proc
	out    *lines
	next   int     // first line of out not yet read
	events []event // every event read so far
}

func startSMSC(t *testing.T, cmd *exec.Cmd) *smscProc {
	out := newLines()
	return &smscProc{proc: start(t, "smsc.pl", cmd, out), out: out}
}

// await reads events until one named name, and returns it. It fails the
// test on an error or timeout event, when smsc.pl exits first, and at
// deadline (or after stepTimeout, whichever comes first).
func (s *smscProc) await(t *testing.T, deadline time.Time, name string) event {
	t.Helper()
	timer := time.NewTimer(min(time.Until(deadline), stepTimeout))
	defer timer.Stop()
	for {
		got, notify := s.out.from(s.next)
		for _, line := range got {
			s.next++
			if e := s.parse(t, line); e.Event == name {
				return e
			}
		}
		select {
		case <-notify:
		case <-s.exited:
			if got, _ := s.out.from(s.next); len(got) > 0 {
				continue // read what it printed before it exited
			}
			t.Fatalf("smsc.pl exited (%v) before %q", s.err, name)
		case <-timer.C:
			t.Fatalf("no %q from smsc.pl in time", name)
		}
	}
}

// drain reads the events printed so far (all of them once it exited).
func (s *smscProc) drain(t *testing.T) {
	t.Helper()
	got, _ := s.out.from(s.next)
	for _, line := range got {
		s.next++
		s.parse(t, line)
	}
}

func (s *smscProc) parse(t *testing.T, line string) event {
	t.Helper()
	var e event
	if err := json.Unmarshal([]byte(line), &e); err != nil {
		t.Fatalf("smsc.pl printed %q: %v", line, err)
	}
	e.raw = line
	t.Logf("smsc.pl: %s", line)
	s.events = append(s.events, e)
	if e.Event == "error" || e.Event == "timeout" {
		t.Fatalf("smsc.pl: %s: %s", e.Event, e.Message)
	}
	return e
}

// proc is a child process of the test, with its output kept.
type proc struct {
	name   string
	cmd    *exec.Cmd
	stderr lockedBuffer
	exited chan struct{} // closed once Wait returned
	err    error         // Wait's error, set before exited is closed
}

// start starts cmd with stdout to stdout (nil: kept with stderr). The
// process is killed at the end of the test if it still runs, and its
// stderr logged if the test failed.
func start(t *testing.T, name string, cmd *exec.Cmd, stdout *lines) *proc {
	t.Helper()
	p := &proc{name: name, cmd: cmd, exited: make(chan struct{})}
	cmd.Stderr = &p.stderr
	cmd.Stdout = &p.stderr
	if stdout != nil {
		cmd.Stdout = stdout
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = cmd.Process.Kill()
			<-p.exited
		}
		if out := p.stderr.String(); t.Failed() && out != "" {
			t.Logf("%s wrote:\n%s", name, out)
		}
	})
	return p
}

// wait waits for the process to exit, until deadline or for stepTimeout.
func (p *proc) wait(deadline time.Time) bool {
	timer := time.NewTimer(min(time.Until(deadline), stepTimeout))
	defer timer.Stop()
	select {
	case <-p.exited:
		return true
	case <-timer.C:
		return false
	}
}

// lines collects what a process writes, as lines, without ever blocking
// the writer.
type lines struct {
	mu      sync.Mutex
	partial []byte
	all     []string
	notify  chan struct{} // closed and replaced when a line arrives
}

func newLines() *lines { return &lines{notify: make(chan struct{})} }

func (l *lines) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, b...)
	added := false
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		l.all = append(l.all, string(l.partial[:i]))
		l.partial = l.partial[i+1:]
		added = true
	}
	if added {
		close(l.notify)
		l.notify = make(chan struct{})
	}
	return len(b), nil
}

// from returns the lines from index i on, and a channel closed when more
// arrive.
func (l *lines) from(i int) ([]string, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.all[min(i, len(l.all)):]), l.notify
}

// lockedBuffer is a bytes.Buffer safe for a writer and a reader.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
