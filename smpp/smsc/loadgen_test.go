package smsc_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"

	"smspark/gsm"
	"smspark/smpp/smsc"
)

// engine is a stand-in for smspark on a tiny ESME: it acknowledges every
// MO (refusing every refuseEvery-th deliver_sm with ESME_RX_T_APPN) and
// answers each acknowledged one with an MT to its sender, the reply to
// "I" in two concatenated parts. With dieAfter > 0 it resets the
// connection on that deliver_sm instead of answering it.
type engine struct {
	e           *esme
	refuseEvery int
	dieAfter    int

	dying   bool // dieAfter reached: answer nothing, close once the replies are in
	submits int  // submit_sm sent
	resps   int  // submit_sm_resp received

	mu      sync.Mutex
	pdus    int
	refused int
	texts   map[string][]string // by sender
}

func runEngine(t *testing.T, s *smsc.Server, refuseEvery, dieAfter int) (*engine, <-chan struct{}) {
	t.Helper()
	en := &engine{e: bound(t, s, pdu.BindTransceiverID), refuseEvery: refuseEvery, dieAfter: dieAfter, texts: map[string][]string{}}
	en.e.quiet = true
	done := make(chan struct{})
	go func() {
		defer close(done)
		en.loop(t)
	}()
	t.Cleanup(func() {
		_ = en.e.nc.Close()
		<-done
	})
	return en, done
}

func (en *engine) loop(t *testing.T) {
	for {
		f, err := en.e.readErr()
		if err != nil {
			return // the connection closed
		}
		if f.id == pdu.SubmitSMRespID {
			en.resps++
		}
		if en.dying {
			// The SMSC must have every reply before the link goes: a
			// close with unread data resets the connection and could
			// discard replies in flight, and this engine has no outbox.
			if en.resps == en.submits {
				_ = en.e.nc.Close()
				return
			}
			continue
		}
		switch f.id {
		case pdu.EnquireLinkID:
			en.e.respond(f, smsc.StatusOK)
		case pdu.SubmitSMRespID:
			if f.status != smsc.StatusOK {
				t.Errorf("reply refused: %s", f.status)
			}
		case pdu.DeliverSMID:
			m, err := parseDeliverSM(f.raw)
			if err != nil {
				t.Errorf("deliver_sm: %v", err)
				return
			}
			en.mu.Lock()
			en.pdus++
			n := en.pdus
			refuse := en.refuseEvery > 0 && n%en.refuseEvery == 0
			if refuse {
				en.refused++
			}
			en.mu.Unlock()
			if en.dieAfter > 0 && n == en.dieAfter {
				en.dying = true
				if en.resps == en.submits {
					_ = en.e.nc.Close()
					return
				}
				continue
			}
			if refuse {
				en.e.respond(f, smsc.StatusRxTAppn)
				continue
			}
			en.e.respond(f, smsc.StatusOK)
			text := decodeText(t, m.dc, m.short)
			en.mu.Lock()
			en.texts["+"+m.src] = append(en.texts["+"+m.src], text)
			en.mu.Unlock()
			en.reply(t, m.src, text)
		default:
			t.Errorf("engine got %s", f.id)
		}
	}
}

// reply submits the answer to an MO, concatenated for "I".
func (en *engine) reply(t *testing.T, to, text string) {
	answer := "OK " + text
	if text == "I" {
		answer = strings.Repeat("Active: zone 1021, plate 1ABC123, since 10:00, € 1,25 so far. ", 4)
	}
	parts, err := gsm.SplitGSM(answer)
	if err != nil {
		t.Error(err)
		return
	}
	for i, p := range parts {
		b, err := gsm.Encode(p)
		if err != nil {
			t.Error(err)
			return
		}
		esm := byte(0)
		if len(parts) > 1 {
			esm, b = 0x40, append([]byte{5, 0, 3, 7, byte(len(parts)), byte(i + 1)}, b...)
		}
		en.e.submit("4411", to, 0, esm, 0, b, nil)
		en.submits++
	}
}

func checkReport(t *testing.T, rep smsc.LoadReport, seed int64, phones int) {
	t.Helper()
	if rep.Errors != 0 || rep.Acked != rep.MOs || rep.Replies != rep.MOs || rep.MTs != rep.MOs {
		t.Errorf("report %s\n%+v", rep, rep)
	}
	if !(rep.P50 <= rep.P90 && rep.P90 <= rep.P99 && rep.P99 <= rep.Max) {
		t.Errorf("percentiles out of order: %s", rep)
	}
	valid := map[string]bool{}
	for i := range phones {
		n, _ := smsc.LoadPhone(seed, i)
		valid[n] = true
	}
	acked, mts := 0, 0
	for n, k := range rep.AckedByPhone {
		if !valid[n] {
			t.Errorf("acked MO from %q, not a phone of the load", n)
		}
		acked += k
	}
	for n, k := range rep.MTsByPhone {
		if !valid[n] {
			t.Errorf("MT to %q, not a phone of the load", n)
		}
		mts += k
	}
	if acked != rep.Acked || mts != rep.MTs {
		t.Errorf("by phone: %d acked, %d MTs; report %d, %d", acked, mts, rep.Acked, rep.MTs)
	}
	if !strings.Contains(rep.String(), "MOs") {
		t.Errorf("String() = %q", rep.String())
	}
}

func TestLoad(t *testing.T) {
	t.Run("as fast as the engine answers", func(t *testing.T) {
		s := startServer(t, smsc.Options{})
		en, _ := runEngine(t, s, 7, 0)
		const seed = 42
		rep, err := smsc.Load(testCtx(t), s, smsc.LoadOptions{Phones: 4, MaxMOs: 40, Seed: seed, RetryBackoff: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		checkReport(t, rep, seed, 4)
		en.mu.Lock()
		defer en.mu.Unlock()
		if rep.MOs != 40 || rep.Refused != en.refused || rep.Retries != en.refused || en.refused == 0 {
			t.Errorf("report %s; engine refused %d", rep, en.refused)
		}
		// The mix: each phone parks its own plate in the reference zones,
		// never sends C1.
		zones := []string{"1021", "1030", "8370", "8371", "8500", "3000"}
		platesOf := map[string]string{}
		for phone, texts := range en.texts {
			for _, text := range texts {
				f := strings.Fields(text)
				switch {
				case strings.EqualFold(text, "C1") || strings.EqualFold(text, "PASS"):
					t.Errorf("%s sent %q", phone, text)
				case len(f) == 2 && f[0] != "9999":
					if !slices.Contains(zones, f[0]) {
						t.Errorf("%s parks in zone %q", phone, f[0])
					}
					plate := strings.ToUpper(strings.ReplaceAll(f[1], "-", ""))
					if p, ok := platesOf[phone]; ok && p != plate {
						t.Errorf("%s parks %s and %s", phone, p, plate)
					}
					platesOf[phone] = plate
				}
			}
		}
		seen := map[string]bool{}
		for _, p := range platesOf {
			if seen[p] {
				t.Errorf("plate %s used by two phones", p)
			}
			seen[p] = true
		}
	})

	t.Run("paced", func(t *testing.T) {
		s := startServer(t, smsc.Options{})
		runEngine(t, s, 0, 0)
		rep, err := smsc.Load(testCtx(t), s, smsc.LoadOptions{Phones: 3, Rate: 1000, MaxMOs: 15, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		checkReport(t, rep, 7, 3)
		if rep.MOs != 15 {
			t.Errorf("MOs = %d", rep.MOs)
		}
	})

	t.Run("for a duration", func(t *testing.T) {
		s := startServer(t, smsc.Options{})
		runEngine(t, s, 0, 0)
		rep, err := smsc.Load(testCtx(t), s, smsc.LoadOptions{Phones: 2, Duration: 30 * time.Millisecond, Seed: 9})
		if err != nil {
			t.Fatal(err)
		}
		checkReport(t, rep, 9, 2)
		if rep.MOs == 0 {
			t.Error("no MO in 30 ms")
		}
	})

	t.Run("the engine dies and another takes over", func(t *testing.T) {
		s := startServer(t, smsc.Options{})
		_, died := runEngine(t, s, 0, 10)
		runEngine(t, s, 0, 0)
		if err := s.WaitBound(testCtx(t), 2); err != nil {
			t.Fatal(err)
		}
		rep, err := smsc.Load(testCtx(t), s, smsc.LoadOptions{Phones: 3, MaxMOs: 30, Seed: 11, RetryBackoff: time.Millisecond, ReplyTimeout: guard / 2})
		if err != nil {
			t.Fatal(err)
		}
		<-died
		checkReport(t, rep, 11, 3)
		if rep.Retries == 0 {
			t.Errorf("no redelivery after the drop: %s", rep)
		}
	})

	t.Run("ctx ends first", func(t *testing.T) {
		s := startServer(t, smsc.Options{})
		runEngine(t, s, 0, 0)
		ctx, cancel := context.WithCancel(testCtx(t))
		cancel()
		if _, err := smsc.Load(ctx, s, smsc.LoadOptions{Phones: 1}); !errors.Is(err, context.Canceled) {
			t.Errorf("Load = %v, want context.Canceled", err)
		}
	})

	t.Run("bad options", func(t *testing.T) {
		s := startServer(t, smsc.Options{})
		if _, err := smsc.Load(testCtx(t), s, smsc.LoadOptions{Phones: -1}); !errors.Is(err, smsc.ErrBadLoad) {
			t.Errorf("Load = %v, want ErrBadLoad", err)
		}
	})
}

func TestLoadPhone(t *testing.T) {
	numbers, plates := map[string]bool{}, map[string]bool{}
	for i := range 2000 {
		n, p := smsc.LoadPhone(999_000, i) // wraps past +32475999999
		if len(n) != 12 || !strings.HasPrefix(n, "+32475") || numbers[n] || plates[p] {
			t.Fatalf("phone %d: %s %s (duplicate or malformed)", i, n, p)
		}
		numbers[n], plates[p] = true, true
	}
	if n, p := smsc.LoadPhone(-5, 0); n != "+32475999995" || len(p) != 7 {
		t.Errorf("LoadPhone(-5, 0) = %s %s", n, p)
	}
}
