package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"smspark/config"
	"smspark/sessions"
	"smspark/smpp"
	"smspark/smpp/smsc"
	"smspark/store"
)

// setClock is a fake clock the test moves.
type setClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *setClock) Now() time.Time            { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *setClock) Set(t time.Time)           { c.mu.Lock(); c.now = t; c.mu.Unlock() }
func (c *setClock) NowFunc() func() time.Time { return c.Now }

// e2e is the real engine bound over TCP to the SMSC simulator.
type e2e struct {
	t     *testing.T
	sim   *smsc.Server
	main  *Main
	clock *setClock
	dir   string
}

type e2eOptions struct {
	mode      string // config.BindTransceiver or config.BindTransmitterReceiver
	realClock bool
	window    int
	// maxPerSecond is the SMSC's max_submits_per_second (0: no limit).
	maxPerSecond int
	// configure, when set, changes the reference configuration.
	configure func(*config.Config)
	// database, when set, is the PostgreSQL store's URL (else bbolt in a
	// temporary directory).
	database string
	// realPayments leaves the web page without the test provider's
	// buttons, as serve without --test-payments.
	realPayments bool
}

func startE2E(t *testing.T, o e2eOptions) *e2e {
	t.Helper()
	e := &e2e{t: t, clock: &setClock{now: mustTime(t, "2026-11-23T08:00:00+01:00")}, dir: t.TempDir()}
	simOpts := smsc.Options{Addr: "127.0.0.1:0", SystemID: "smspark", Password: "secret", Operator: "proximus"}
	if !o.realClock {
		simOpts.Clock = e.clock.Now
	}
	sim, err := smsc.New(simOpts)
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Listen(); err != nil {
		t.Fatal(err)
	}
	simCtx, simCancel := context.WithCancel(context.Background())
	simDone := make(chan error, 1)
	go func() { simDone <- sim.Run(simCtx) }()
	e.sim = sim

	cfg := config.Default()
	if o.configure != nil {
		o.configure(cfg)
	}
	window := o.window
	if window == 0 {
		window = 10
	}
	cfg.SMSCs = []config.SMSC{{Name: "proximus-1", Operator: "proximus", Address: sim.Addr(), SystemID: "smspark",
		Password: "secret", BindMode: o.mode, Window: window, EnquireLink: 2 * time.Second, MaxSubmitsPerSecond: o.maxPerSecond,
		ReconnectMin: 10 * time.Millisecond, ReconnectMax: 200 * time.Millisecond}}
	e.main = &Main{Config: cfg, DataDir: e.dir, Database: o.database, HTTPAddr: "127.0.0.1:0", Logger: testLogger(t),
		TestPayments: !o.realPayments}
	if !o.realClock {
		e.main.Clock = e.clock
	}
	if err := e.main.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.main.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("engine Run: %v", err)
		}
		if err := e.main.DB.Check(context.Background()); err != nil {
			t.Errorf("store check: %v", err)
		}
		e.main.Close()
		simCancel()
		<-simDone
	})
	e.waitBound()
	return e
}

func (e *e2e) waitBound() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.sim.WaitBound(ctx, 1); err != nil {
		e.t.Fatalf("engine did not bind: %v", err)
	}
	// The simulator counts a bind once it sent bind_resp; wait until the
	// engine's side has read it too.
	for {
		up := true
		for _, b := range e.main.Client.Status() {
			up = up && b.State == smpp.StateUp
		}
		if up {
			return
		}
		select {
		case <-ctx.Done():
			e.t.Fatalf("the engine's binds are not up: %+v", e.main.Client.Status())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// deliver sends an MO at a time (RFC 3339, "" = leave the clock) and
// returns its delivery, which must be acked.
func (e *e2e) deliver(at string, mo smsc.MO) smsc.Delivery {
	e.t.Helper()
	if at != "" {
		e.clock.Set(mustTime(e.t, at))
	}
	if mo.To == "" {
		mo.To = "4411"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d, err := e.sim.DeliverMO(ctx, mo)
	if err != nil || d.Status != smsc.StatusOK {
		e.t.Fatalf("MO %q: %v %v", mo.Text, d.Status, err)
	}
	return d
}

// reply waits for the next MT to a number.
func (e *e2e) reply(to string) smsc.MT {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	mt, err := e.sim.WaitMT(ctx, to)
	if err != nil {
		e.t.Fatalf("no MT to %s: %v", to, err)
	}
	return mt
}

// sms sends an MO and returns its reply.
func (e *e2e) sms(at, from, text string) smsc.MT {
	e.t.Helper()
	e.deliver(at, smsc.MO{From: from, Text: text})
	return e.reply(from)
}

var bindModes = []string{config.BindTransceiver, config.BindTransmitterReceiver}

// TestE2EWorkedExamples sends docs/tariffs.md's worked examples by SMS over SMPP,
// in both bind modes.
func TestE2EWorkedExamples(t *testing.T) {
	for _, mode := range bindModes {
		t.Run(mode, func(t *testing.T) { e2eWorkedExamples(t, e2eOptions{mode: mode}) })
	}
}

// e2eWorkedExamples runs the worked examples on a store (o.database).
func e2eWorkedExamples(t *testing.T, o e2eOptions) {
	e := startE2E(t, o)
	const a = "+32475000001"
	// Spend the free first use on a Sunday.
	if mt := e.sms("2026-11-22T10:00:00+01:00", a, "1021 9ZZZ999"); mt.From != "4411" {
		t.Fatalf("first use: %+v", mt)
	}
	e.sms("2026-11-22T10:01:00+01:00", a, "Q")

	steps := []struct{ at, text, from, contains string }{
		{"2026-11-23T10:00:00+01:00", "1021 1ABC123", "4411", "1ABC123"},
		{"2026-11-23T11:08:00+01:00", "Q", "4411", "€ 2,83"},
		{"2026-11-23T12:00:00+01:00", "8500 1ABC123", "4411", "8500"},
		{"2026-11-23T12:45:00+01:00", "Q", "4411", "€ 0,38"},
		{"2026-11-22T10:00:00+01:00", "1021 1ABC123", "4411", "1021"},
		{"2026-11-22T12:00:00+01:00", "Q", "4411", "€ 0,00"},
		{"2026-11-23T14:00:00+01:00", "1021 1ABC123", "4411", "1021"},
		{"2026-11-23T14:05:00+01:00", "hello", "4400", "1021"},
	}
	for _, s := range steps {
		mt := e.sms(s.at, a, s.text)
		if mt.From != s.from || !strings.Contains(mt.Text, s.contains) || mt.RegisteredDelivery != 1 {
			t.Fatalf("%s %q: from %s registered %d text %q; want from %s containing %q",
				s.at, s.text, mt.From, mt.RegisteredDelivery, mt.Text, s.from, s.contains)
		}
	}
	// Nothing else: the session ends at 18:30 (4 h 30) charged 1125.
	e.deliver("2026-11-23T19:00:00+01:00", smsc.MO{From: a, Text: "I"})
	expired, status := e.reply(a), e.reply(a)
	if !strings.Contains(expired.Text, "€ 11,25") || !strings.Contains(expired.Text, "18:30") || status.From != "4411" {
		t.Fatalf("expiry %q, then %q", expired.Text, status.Text)
	}
}

// TestE2ELongUCS2MO: a concatenated UCS-2 MO (8-bit, 16-bit UDH and SAR)
// is reassembled and handled as one command.
func TestE2ELongUCS2MO(t *testing.T) { e2eLongUCS2MO(t, "") }

// e2eLongUCS2MO runs TestE2ELongUCS2MO on a store (database, "": bbolt).
func e2eLongUCS2MO(t *testing.T, database string) {
	e := startE2E(t, e2eOptions{mode: config.BindTransceiver, realClock: os.Getenv("REAL") != "", database: database})
	text := "1021" + strings.Repeat("\u3000", 90) + "1ABC123" // ideographic spaces: not GSM, > 70 chars
	for i, v := range []smsc.MO{{Text: text}, {Text: text, Ref16: true}, {Text: text, SAR: true}} {
		v.From = fmt.Sprintf("+3247500010%d", i)
		d := e.deliver("2026-11-23T10:00:00+01:00", v)
		if len(d.Parts) < 2 {
			t.Fatalf("variant %d went out in %d part(s)", i, len(d.Parts))
		}
		mt := e.reply(v.From)
		if mt.From != "4411" || !strings.Contains(mt.Text, "1ABC123") {
			t.Fatalf("variant %d: %q from %s", i, mt.Text, mt.From)
		}
		e.sms("2026-11-23T10:01:00+01:00", v.From, "Q")
	}
}

// TestE2ELongReplySplit: a status reply with many sessions goes out as a
// concatenated MT.
func TestE2ELongReplySplit(t *testing.T) { e2eLongReplySplit(t, "") }

// e2eLongReplySplit runs TestE2ELongReplySplit on a store.
func e2eLongReplySplit(t *testing.T, database string) {
	e := startE2E(t, e2eOptions{mode: config.BindTransmitterReceiver, database: database})
	const p = "+32475000009"
	if _, err := e.main.Engine.CreateAccount(context.Background(), sessions.Pro, []string{p}); err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		if mt := e.sms("2026-11-23T10:00:00+01:00", p, fmt.Sprintf("1021 %dXYZ%03d", i%10, i)); mt.From != "4411" {
			t.Fatalf("start %d: %q", i, mt.Text)
		}
	}
	mt := e.sms("2026-11-23T10:30:00+01:00", p, "I")
	if mt.Parts < 2 || mt.Parts > 3 || !strings.Contains(mt.Text, "0XYZ000") {
		t.Fatalf("status in %d parts: %q", mt.Parts, mt.Text)
	}
}

// TestE2EReplyInUCS2: a zone name with characters GSM 03.38 lacks is sent
// as it is, in UCS-2 (data_coding 8), split with UDH at UCS-2 sizes; never
// transliterated.
func TestE2EReplyInUCS2(t *testing.T) {
	const name = "Cœur historique Łęczycka"
	e := startE2E(t, e2eOptions{mode: config.BindTransceiver, configure: func(c *config.Config) {
		for i := range c.Cities {
			for j := range c.Cities[i].Zones {
				if c.Cities[i].Zones[j].Code == "1021" {
					c.Cities[i].Zones[j].Name = name
				}
			}
		}
	}})
	mt := e.sms("2026-11-23T10:00:00+01:00", "+32475000031", "1021 1ABC123")
	if mt.DataCoding != 8 || !strings.Contains(mt.Text, "1021 "+name) {
		t.Fatalf("reply in data_coding %d: %q; want UCS-2 (8) with the zone name as it is", mt.DataCoding, mt.Text)
	}
	if units := len([]rune(mt.Text)); mt.Parts != (units+66)/67 || mt.Parts > 3 {
		t.Errorf("%d characters in %d parts, want parts of 67 (at most 3)", units, mt.Parts)
	}
}

// TestE2ERedeliveryProcessedOnce: the SMSC delivers an acked MO again; it
// is acked again and not processed twice.
func TestE2ERedeliveryProcessedOnce(t *testing.T) {
	e := startE2E(t, e2eOptions{mode: config.BindTransceiver})
	const a = "+32475000001"
	d := e.deliver("2026-11-23T10:00:00+01:00", smsc.MO{From: a, Text: "1021 1ABC123"})
	first := e.reply(a)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	again, err := e.sim.Redeliver(ctx, d)
	if err != nil || again.Status != smsc.StatusOK {
		t.Fatalf("redelivery: %v %v", again.Status, err)
	}
	// The next reply to this number is the status, not a second start.
	if mt := e.sms("2026-11-23T10:01:00+01:00", a, "I"); !strings.Contains(mt.Text, "1ABC123") || mt.Text == first.Text {
		t.Fatalf("after redelivery: %q", mt.Text)
	}
	all, _ := e.main.DB.Sessions(context.Background(), store.SessionFilter{Plate: "1ABC123"})
	if len(all) != 1 {
		t.Fatalf("%d sessions", len(all))
	}
}

// TestE2EMalformedPDUKeepsBind: an unknown PDU from the SMSC gets a
// generic_nack and the bind stays up; a PDU with a bad command_length
// drops the link, which is bound again, and nothing is lost.
func TestE2EMalformedPDUKeepsBind(t *testing.T) {
	e := startE2E(t, e2eOptions{mode: config.BindTransceiver})
	const a = "+32475000001"
	binds := e.sim.Stats().Binds
	if err := e.sim.SetFault(smsc.Fault{Kind: smsc.FaultUnknownPDU}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.sim.WaitStats(ctx, func(s smsc.Stats) bool { return s.UnknownPDUsNacked == 1 }); err != nil {
		t.Fatalf("no generic_nack for the unknown PDU: %v (%+v)", err, e.sim.Stats())
	}
	if mt := e.sms("2026-11-23T10:00:00+01:00", a, "1021 1ABC123"); mt.From != "4411" {
		t.Fatalf("%+v", mt)
	}
	if got := e.sim.Stats().Binds; got != binds {
		t.Fatalf("binds %d -> %d: the bind was dropped", binds, got)
	}
	if err := e.sim.SetFault(smsc.Fault{Kind: smsc.FaultBadCommandLength}); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.WaitStats(ctx, func(s smsc.Stats) bool { return s.Binds > binds }); err != nil {
		t.Fatalf("not bound again after a bad command_length: %v", err)
	}
	if mt := e.sms("2026-11-23T10:05:00+01:00", a, "Q"); !strings.Contains(mt.Text, "1ABC123") {
		t.Fatalf("%+v", mt)
	}
}

// testLogger logs to the test's output when SMSPARK_TEST_LOG is set.
func testLogger(t *testing.T) zerolog.Logger {
	if os.Getenv("SMSPARK_TEST_LOG") == "" {
		return zerolog.Nop()
	}
	return zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.DebugLevel)
}
