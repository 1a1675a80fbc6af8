//go:build interop

package interop

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"smspark/gsm"
)

// Bounds of the npm scenario: three binds, 26 MOs, receipts; each step
// (a deliver_sm_resp, a reply) waits at most npmStepTimeout.
const (
	npmBudget      = 150 * time.Second
	npmStepTimeout = 10 * time.Second
)

// npmMO is one MO smsc.js delivers, as it goes on the wire, and the reply
// it must get.
type npmMO struct {
	From               string `json:"from"`
	DataCoding         int    `json:"data_coding"`
	PayloadHex         string `json:"payload_hex"`
	ReceiptedMessageID string `json:"receipted_message_id,omitempty"`
	Fault              string `json:"fault,omitempty"` // throttle, generic_nack: the reply's first attempt

	text     string // what it says, for the test's messages
	source   string // the reply comes from this short code
	prefix   string // and starts with this
	contains string // and contains this
}

type npmPhase struct {
	MOs      []npmMO `json:"mos"`
	Receipts bool    `json:"receipts"` // a delivery receipt for every reply of the phase
}

// gsmMO is an MO in GSM 03.38 (data_coding 0x00, or 0x10: class 0).
func gsmMO(t *testing.T, from, text string, dc int) npmMO {
	b, err := gsm.Encode(text)
	if err != nil {
		t.Fatal(err)
	}
	return npmMO{From: from, DataCoding: dc, PayloadHex: hex.EncodeToString(b), text: text}
}

// ucs2MO is an MO in UCS-2 (data_coding 0x08, or 0x18: class 0).
func ucs2MO(from, text string, dc int) npmMO {
	return npmMO{From: from, DataCoding: dc, PayloadHex: hex.EncodeToString(gsm.EncodeUCS2(text)), text: text}
}

func started(m npmMO, plate string) npmMO {
	m.source, m.prefix = "4411", "Stationnement démarré: "+plate
	return m
}

func stopped(m npmMO, plate string) npmMO {
	m.source, m.prefix = "4411", "Stationnement terminé: "+plate
	return m
}

// npmScenario: the same four MOs (same numbers, texts and sequence numbers)
// on each of three binds, the link dropped between them; receipts with
// esm_class 0x04 for the first bind's replies; then ordinary MOs carrying
// receipted_message_id, UCS-2, class 0 and binary MOs, and replies that the
// SMSC throttles or answers with generic_nack first.
func npmScenario(t *testing.T) []npmPhase {
	const a, b, c, d, e, f, g = "32475100001", "32475100002", "32475100003", "32475100004", "32475100005", "32475100006", "32475100007"
	repeated := func() []npmMO {
		return []npmMO{
			started(gsmMO(t, a, "1021 1NPM001", 0), "1NPM001"),
			started(gsmMO(t, b, "1030 2NPM002", 0), "2NPM002"),
			stopped(gsmMO(t, a, "Q", 0), "1NPM001"),
			stopped(gsmMO(t, b, "Q", 0), "2NPM002"),
		}
	}
	withReceiptTLV := func(m npmMO, id string) npmMO { m.ReceiptedMessageID = id; return m }
	withFault := func(m npmMO, fault string) npmMO { m.Fault = fault; return m }
	binary := func(from, text string, dc int) npmMO {
		// unknown_command, in the default language: how to start.
		return npmMO{From: from, DataCoding: dc, PayloadHex: hex.EncodeToString([]byte(text)), text: text,
			source: "4400", contains: "1021 1ABC123"}
	}
	third := append(repeated(),
		started(withReceiptTLV(gsmMO(t, c, "1021 3RCP003", 0), "npm-elsewhere-1"), "3RCP003"),
		stopped(withReceiptTLV(gsmMO(t, c, "Q", 0), "npm-elsewhere-2"), "3RCP003"),
		started(ucs2MO(d, "1021 4UCS004", 0x08), "4UCS004"),
		stopped(ucs2MO(d, "Q", 0x18), "4UCS004"),
		started(gsmMO(t, e, "1021 5CLS005", 0x10), "5CLS005"),
		stopped(gsmMO(t, e, "Q", 0x00), "5CLS005"),
		binary(f, "1021 8BIN888", 0x04),
		binary(f, "1021 8BIN889", 0xF4),
		started(withFault(gsmMO(t, g, "1021 6THR006", 0), "throttle"), "6THR006"),
		stopped(withFault(gsmMO(t, g, "Q", 0), "generic_nack"), "6THR006"),
	)
	return []npmPhase{{MOs: repeated(), Receipts: true}, {MOs: repeated()}, {MOs: third}}
}

// npmEvent is one JSON line of smsc.js.
type npmEvent struct {
	Event    string          `json:"event"`
	Port     int             `json:"port"`
	Bind     int             `json:"bind"`
	MO       int             `json:"mo"`
	Status   int             `json:"status"`
	Replies  int             `json:"replies"`
	Message  string          `json:"message"`
	Source   string          `json:"source"`
	Dest     string          `json:"dest"`
	DC       int             `json:"data_coding"`
	UDH      bool            `json:"udh"`
	Text     string          `json:"text"`
	Answered json.RawMessage `json:"answered"`
}

// TestNPMSMPP runs the smspark binary against smsc.js, an SMSC built on the
// npm package smpp: every MO is answered exactly once across re-binds,
// receipts, codings, throttling and generic_nack.
func TestNPMSMPP(t *testing.T) {
	script, err := filepath.Abs(filepath.Join("npm", "smsc.js"))
	if err != nil {
		t.Fatal(err)
	}
	check := exec.Command("node", "-e", "require('smpp')")
	check.Dir = filepath.Dir(script)
	if out, err := check.CombinedOutput(); err != nil {
		t.Fatalf("node with the npm package smpp is needed (scripts/interop.sh runs npm ci in interop/npm): %v\n%s", err, out)
	}
	reference, err := os.ReadFile(filepath.Join("..", "config", "reference.yml"))
	if err != nil {
		t.Fatal(err)
	}
	bin := buildSmspark(t)
	deadline := time.Now().Add(npmBudget)

	phases := npmScenario(t)
	var mos []npmMO
	for _, p := range phases {
		mos = append(mos, p.MOs...)
	}
	dir := t.TempDir()
	scenarioPath := filepath.Join(dir, "scenario.json")
	raw, err := json.Marshal(map[string]any{"short_code": "4411", "phases": phases})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(scenarioPath, raw, 0o600); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command("node", script, "--scenario", scenarioPath, "--system-id", systemID, "--password", password,
		"--timeout", strconv.Itoa(int(npmBudget/time.Second)), "--step-timeout", strconv.Itoa(int(npmStepTimeout/time.Second)))
	cmd.Dir = filepath.Dir(script)
	smsc := startSMSC(t, cmd)
	smsc.name = "smsc.js"
	listening := smsc.await(t, deadline, "listening")
	if listening.Port == 0 {
		t.Fatalf("smsc.js reported no port: %s", listening.raw)
	}
	cfgPath := filepath.Join(dir, "smspark.yml")
	writeConfig(t, cfgPath, reference, "npm-smsc", listening.Port, "transceiver")
	engine := start(t, "smspark", exec.Command(bin, "serve", "--config", cfgPath,
		"--data", filepath.Join(dir, "data"), "--http", "127.0.0.1:0", "--admin", "127.0.0.1:0"), nil)
	smsc.awaitLong(t, deadline, "done")

	// SIGTERM: the engine drains and unbinds; smsc.js then exits, having
	// recorded every PDU up to the end.
	if err := engine.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM smspark: %v", err)
	}
	if !engine.wait(deadline) {
		t.Fatalf("smspark still runs %v after SIGTERM", stepTimeout)
	}
	if code := engine.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("smspark exited %d after SIGTERM, want 0", code)
	}
	if !smsc.wait(deadline) {
		t.Fatal("smsc.js still runs after smspark exited")
	}
	smsc.drain(t)
	checkNPM(t, mos, smsc.out)
}

// checkNPM checks smsc.js's record: every deliver_sm acked, every MO
// answered exactly once, as it should be, the faults retried.
func checkNPM(t *testing.T, mos []npmMO, out *lines) {
	t.Helper()
	got, _ := out.from(0)
	answers := make([][]npmEvent, len(mos))
	binds, receipts, faults := 0, 0, 0
	for _, line := range got {
		var e npmEvent
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("smsc.js printed %q: %v", line, err)
		}
		switch e.Event {
		case "bound":
			binds++
		case "deliver_sm_resp":
			if e.MO < 0 {
				receipts++
			}
			if e.Status != 0 {
				t.Errorf("deliver_sm_resp status %#x to %s, want ESME_ROK", e.Status, what(mos, e.MO))
			}
		case "no_reply":
			t.Errorf("%s: no reply within %v", what(mos, e.MO), npmStepTimeout)
		case "submit_sm":
			if string(e.Answered) != "0" {
				faults++
				continue
			}
			if e.MO < 0 {
				t.Errorf("a reply no MO asked for (or a second one): to %s from %s: %q", e.Dest, e.Source, e.Text)
				continue
			}
			answers[e.MO] = append(answers[e.MO], e)
		}
	}
	if binds < 3 {
		t.Errorf("%d binds, want 3 (two re-binds)", binds)
	}
	if receipts != 4 {
		t.Errorf("%d receipts acked, want 4", receipts)
	}
	if faults != 2 {
		t.Errorf("%d replies throttled or nacked, want 2", faults)
	}
	for i, m := range mos {
		a := answers[i]
		if len(a) != 1 {
			t.Errorf("%s: %d replies, want exactly one", what(mos, i), len(a))
			continue
		}
		r := a[0]
		if r.Source != m.source || !strings.HasPrefix(r.Text, m.prefix) || !strings.Contains(r.Text, m.contains) {
			t.Errorf("%s: reply from %s %q, want from %s starting %q and containing %q",
				what(mos, i), r.Source, r.Text, m.source, m.prefix, m.contains)
		}
	}
}

// what names MO i for a message.
func what(mos []npmMO, i int) string {
	if i < 0 || i >= len(mos) {
		return "a receipt"
	}
	m := mos[i]
	return fmt.Sprintf("MO %d (%q from %s, data_coding %#02x)", i, m.text, m.From, m.DataCoding)
}

// awaitLong is await for a step that may take longer than stepTimeout
// (the whole scenario): it waits until deadline.
func (s *smscProc) awaitLong(t *testing.T, deadline time.Time, name string) {
	t.Helper()
	for time.Now().Before(deadline) {
		got, notify := s.out.from(s.next)
		for _, line := range got {
			s.next++
			if e := s.parse(t, line); e.Event == name {
				return
			}
		}
		select {
		case <-notify:
		case <-s.exited:
			if got, _ := s.out.from(s.next); len(got) > 0 {
				continue
			}
			t.Fatalf("%s exited (%v) before %q", s.name, s.err, name)
		case <-time.After(time.Until(deadline)):
		}
	}
	t.Fatalf("no %q from %s in time", name, s.name)
}
