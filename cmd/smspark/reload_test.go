package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"smspark/httpapi"
	"smspark/smpp"
	"smspark/smpp/smsc"
)

// reloadE2E is the engine on a configuration file naming two SMSCs, each
// a simulator over real TCP, with its admin endpoint.
type reloadE2E struct {
	t     *testing.T
	main  *Main
	file  string
	ref   string
	url   string
	logs  *syncBuffer
	sims  map[string]*smsc.Server // by name: proximus-a, proximus-b, base
	smscs map[string]string       // the file's SMSCs: name -> simulator
}

func startSim(t *testing.T, op string) *smsc.Server {
	t.Helper()
	s, err := smsc.New(smsc.Options{Addr: "127.0.0.1:0", SystemID: "smspark", Password: "secret", Operator: op})
	if err == nil {
		err = s.Listen()
	}
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return s
}

// write writes the reference configuration with the SMSCs of r.smscs,
// after edit.
func (r *reloadE2E) write(edit func(string) string) {
	r.t.Helper()
	var b strings.Builder
	b.WriteString("smscs:\n")
	for _, name := range []string{"proximus-1", "base-1"} {
		sim, ok := r.smscs[name]
		if !ok {
			continue
		}
		op := strings.TrimSuffix(name, "-1")
		fmt.Fprintf(&b, "  - name: %s\n    operator: %s\n    address: %s\n    system_id: smspark\n    password: secret\n"+
			"    enquire_link: 2s\n    reconnect_min: 10ms\n    reconnect_max: 200ms\n", name, op, r.sims[sim].Addr())
	}
	cfg := strings.Replace(r.ref, "smscs: []\n", b.String(), 1)
	if edit != nil {
		cfg = edit(cfg)
	}
	if err := os.WriteFile(r.file, []byte(cfg), 0o600); err != nil {
		r.t.Fatal(err)
	}
}

func startReloadE2E(t *testing.T) *reloadE2E {
	t.Helper()
	ref, err := os.ReadFile(filepath.Join("..", "..", "config", "reference.yml"))
	if err != nil {
		t.Fatal(err)
	}
	r := &reloadE2E{t: t, file: filepath.Join(t.TempDir(), "smspark.yml"), ref: string(ref), logs: newSyncBuffer(),
		sims: map[string]*smsc.Server{"proximus-a": startSim(t, "proximus"), "proximus-b": startSim(t, "proximus"),
			"base": startSim(t, "base")},
		smscs: map[string]string{"proximus-1": "proximus-a", "base-1": "base"}}
	r.write(nil)
	cfg, err := loadConfig(r.file)
	if err != nil {
		t.Fatal(err)
	}
	r.main = &Main{Config: cfg, ConfigPath: r.file, DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0",
		AdminAddr: "127.0.0.1:0", Logger: zerolog.New(r.logs)}
	if err := r.main.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.main.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("engine Run: %v", err)
		}
		r.main.Close()
	})
	r.url = "http://" + r.main.Admin.Addr()
	r.waitBound("proximus-a", 1)
	r.waitBound("base", 1)
	return r
}

func (r *reloadE2E) wait(sim string, cond func(smsc.Stats) bool) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.sims[sim].WaitStats(ctx, cond); err != nil {
		r.t.Fatalf("%s: %v (stats %+v)", sim, err, r.sims[sim].Stats())
	}
}

// waitBound waits until the simulator saw n binds and the engine's bind
// to it is up.
func (r *reloadE2E) waitBound(sim string, n int) {
	r.t.Helper()
	r.wait(sim, func(s smsc.Stats) bool { return s.Binds >= n })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.sims[sim].WaitBound(ctx, 1); err != nil {
		r.t.Fatal(err)
	}
}

func (r *reloadE2E) cli(args ...string) (string, error) {
	r.t.Helper()
	return run(r.t, append(args, "--server", r.url)...)
}

func (r *reloadE2E) reload() (httpapi.ReloadReport, error) {
	r.t.Helper()
	out, err := r.cli("config", "reload", "--json")
	var rep httpapi.ReloadReport
	if jerr := json.Unmarshal([]byte(out), &rep); jerr != nil {
		r.t.Fatalf("config reload --json: %v\n%s", jerr, out)
	}
	return rep, err
}

func section(rep httpapi.ReloadReport, name string) httpapi.ReloadSection {
	for _, s := range rep.Sections {
		if s.Section == name {
			return s
		}
	}
	return httpapi.ReloadSection{}
}

// TestReloadSMSCs: an SMSC whose address changed is re-bound to the new
// address on reload, and only it; the report says so per section, in the
// CLI and the engine's log; a refused reload is logged and changes
// nothing; a change that needs a restart is reported as such.
func TestReloadSMSCs(t *testing.T) {
	r := startReloadE2E(t)
	r.smscs["proximus-1"] = "proximus-b"
	r.write(nil)
	out, err := r.cli("config", "reload")
	if err != nil {
		t.Fatal(err, out)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	// The README's example, up to its "...".
	example := "    configuration reloaded: applied smscs\n"
	_, after, _ := strings.Cut(string(readme), example)
	example += after[:strings.Index(after, "    ...")]
	var indented strings.Builder
	for _, l := range strings.SplitAfter(out, "\n") {
		if l != "" {
			indented.WriteString("    " + strings.TrimRight(l, " \n") + "\n")
		}
	}
	if !strings.HasPrefix(indented.String(), example) {
		t.Errorf("config reload printed:\n%s\nthe README shows:\n%s", indented.String(), example)
	}
	rep, err := r.reload() // again: now nothing changes, but the report stands
	if err != nil {
		t.Fatal(err)
	}
	if s := section(rep, "smscs"); s.Outcome != httpapi.ReloadUnchanged || s.Detail != "2 SMSCs" {
		t.Fatalf("smscs section of a second reload: %+v", s)
	}
	if s := section(rep, "cities"); s.Outcome != httpapi.ReloadUnchanged {
		t.Errorf("cities section: %+v", s)
	}
	if len(rep.Restart) != 0 {
		t.Errorf("nothing needing a restart changed, yet: %v", rep.Restart)
	}
	r.wait("proximus-a", func(s smsc.Stats) bool { return s.Unbinds >= 1 }) // unbound cleanly from the old address
	r.waitBound("proximus-b", 1)
	if st := r.sims["base"].Stats(); st.Connections != 1 || st.Unbinds != 0 {
		t.Fatalf("base-1 did not change but was re-bound: %+v", st)
	}
	// The new bind carries traffic.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if d, err := r.sims["proximus-b"].DeliverMO(ctx, smsc.MO{From: "+32475000071", To: "4411", Text: "I"}); err != nil || d.Status != smsc.StatusOK {
		t.Fatalf("MO over the new bind: %v %v", d.Status, err)
	}
	if _, err := r.sims["proximus-b"].WaitMT(ctx, "+32475000071"); err != nil {
		t.Fatalf("no reply over the new bind: %v", err)
	}
	if !strings.Contains(r.logs.String(), `"section":"smscs","outcome":"applied","detail":"proximus-1 changed: address (re-bound)"`) {
		t.Errorf("the engine did not log what the reload applied:\n%s", r.logs.String())
	}

	// A restart-only change is reported, not applied; the table says so.
	r.write(func(s string) string { return strings.Replace(s, "default_language: nl", "default_language: fr", 1) })
	out, err = r.cli("config", "reload")
	if err != nil || !strings.Contains(out, "needs a restart: default_language") ||
		!strings.Contains(out, "default_language  restart") {
		t.Fatalf("restart-only change: %v\n%s", err, out)
	}

	// A refused reload: nothing changes, the CLI exits non-zero with the
	// reason, the engine logs it.
	r.write(func(s string) string { return s + "\nnonsense: [\n" })
	rep, err = r.reload()
	if err == nil || rep.Status != httpapi.ReloadRefused || section(rep, "file").Outcome != httpapi.ReloadRefused {
		t.Fatalf("bad file: %v %+v", err, rep)
	}
	if !strings.Contains(r.logs.String(), "configuration not reloaded; the previous one stays in force") {
		t.Errorf("the engine did not log the refusal:\n%s", r.logs.String())
	}
}

// TestSMSCStopStart: smsc stop takes one SMSC's bind down (status shows it
// stopped, MTs for it wait), smsc start brings it up; both and the
// reloads are in the audit trail.
func TestSMSCStopStart(t *testing.T) {
	r := startReloadE2E(t)
	if out, err := r.cli("smsc", "stop", "base-1"); err != nil || out != "base-1 stopped\n" {
		t.Fatalf("smsc stop: %v %q", err, out)
	}
	r.wait("base", func(s smsc.Stats) bool { return s.Unbinds >= 1 })
	out, err := r.cli("status")
	if err != nil || !strings.Contains(out, "stopped") {
		t.Fatalf("status after smsc stop: %v\n%s", err, out)
	}
	for _, b := range r.main.Client.Status() {
		want := smpp.StateUp
		if b.SMSC == "base-1" {
			want = smpp.StateStopped
		}
		if b.State != want {
			t.Errorf("%s %s: %s, want %s", b.SMSC, b.Kind, b.State, want)
		}
	}
	// A reload keeps it stopped.
	rep, err := r.reload()
	if err != nil || rep.Status != httpapi.ReloadApplied {
		t.Fatalf("reload: %v %+v", err, rep)
	}
	if st := r.main.Client.Status(); st[len(st)-1].State != smpp.StateStopped {
		t.Fatalf("the reload started a stopped SMSC: %+v", st)
	}
	if _, err := r.cli("smsc", "stop", "nosuch-1"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("unknown SMSC: %v", err)
	}
	if out, err := r.cli("smsc", "start", "base-1"); err != nil || out != "base-1 started\n" {
		t.Fatalf("smsc start: %v %q", err, out)
	}
	r.waitBound("base", 2)

	var entries []httpapi.AuditEntry
	out, err = r.cli("audit", "--json")
	if err != nil || json.Unmarshal([]byte(out), &entries) != nil {
		t.Fatalf("audit: %v\n%s", err, out)
	}
	var actions []string
	for _, e := range entries {
		if e.Actor != "local" || e.Via != "admin" {
			t.Errorf("entry %+v: want actor local via admin", e)
		}
		actions = append(actions, e.Action+" "+e.Target)
	}
	want := []string{"smsc.stop base-1", "config.reload " + r.file, "smsc.start base-1"}
	if strings.Join(actions, ",") != strings.Join(want, ",") {
		t.Fatalf("audit actions %q, want %q", actions, want)
	}
}
