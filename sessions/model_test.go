package sessions_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"pgregory.net/rapid"

	"smspark/config"
	"smspark/msisdn"
	"smspark/password"
	"smspark/sessions"
	"smspark/store"
)

// modelSession is what the model knows of a running session.
type modelSession struct {
	number, owner, zone string
	until               time.Time
}

// model is the simplest statement of the rules: plates to their running
// session, and who owns what.
type model struct {
	running map[string]modelSession // by plate
	owner   map[string]string       // number -> account id or the number itself
	easy    map[string]bool
	max     map[string]time.Duration // zone -> max duration
}

func (m *model) expire(now time.Time) {
	for p, s := range m.running {
		if !s.until.After(now) {
			delete(m.running, p)
		}
	}
}

func (m *model) start(number, zone, plate string, now time.Time) sessions.Outcome {
	owner := m.owner[number]
	var ends []string
	if s, ok := m.running[plate]; ok {
		if s.owner != owner {
			return sessions.PlateTaken
		}
		if s.zone == zone {
			return sessions.AlreadyStarted
		}
		ends = append(ends, plate)
	}
	if m.easy[number] {
		for p, s := range m.running {
			if s.number == number && p != plate {
				ends = append(ends, p)
			}
		}
	}
	for _, p := range ends {
		delete(m.running, p)
	}
	m.running[plate] = modelSession{number: number, owner: owner, zone: zone, until: now.Add(m.max[zone])}
	if len(ends) > 0 {
		return sessions.Replaced
	}
	return sessions.Started
}

func (m *model) stop(number, plate string) sessions.Outcome {
	if plate != "" {
		if s, ok := m.running[plate]; ok && (s.number == number || s.owner == m.owner[number]) {
			delete(m.running, plate)
			return sessions.Stopped
		}
		return sessions.NoSession
	}
	var mine []string
	for p, s := range m.running {
		if s.number == number {
			mine = append(mine, p)
		}
	}
	switch len(mine) {
	case 0:
		return sessions.NoSession
	case 1:
		delete(m.running, mine[0])
		return sessions.Stopped
	}
	return sessions.AmbiguousStop
}

// TestEngineAgainstModel drives the engine with random command sequences
// and checks it against the model and the invariants: at most one running
// session per plate; Easy numbers never hold two; an ended session costs
// what tariffs says for its interval; nothing runs past its maximum.
func TestEngineAgainstModel(t *testing.T) {
	cfg := config.Default()
	zones := []string{"1021", "1030", "8500", "8370"}
	plates := []string{"1ABC123", "2XYZ999", "B-AB1234"}
	normPlate := map[string]string{"1ABC123": "1ABC123", "2XYZ999": "2XYZ999", "B-AB1234": "BAB1234"}
	easyNumbers := []string{"+32475000001", "+32475000002"}
	premium := []string{"+32475000003", "+32475000004"}
	numbers := append(slices.Clone(easyNumbers), premium...)

	rapid.Check(t, func(rt *rapid.T) {
		dir, err := os.MkdirTemp("", "smspark-model")
		if err != nil {
			rt.Fatal(err)
		}
		defer os.RemoveAll(dir)
		db, err := store.Open(dir, store.Options{Create: true, NoSync: true})
		if err != nil {
			rt.Fatal(err)
		}
		defer db.Close()
		ops := map[string]sessions.Operator{"proximus": {Name: "proximus", Billing: true, MonthlyLimit: 1 << 40}}
		clk := &clock{now: time.Date(2026, 11, 23, 8, 0, 0, 0, brussels)}
		eng, err := sessions.New(context.Background(), sessions.Options{
			Cities: cfg.Cities, Operators: ops, Location: cfg.Location, Store: db, Clock: clk,
			Numbers: msisdn.Belgium{}, Hasher: password.Bcrypt{Cost: bcrypt.MinCost}, Random: rand.Reader,
		})
		if err != nil {
			rt.Fatal(err)
		}
		acct, err := eng.CreateAccount(context.Background(), sessions.Premium, premium)
		if err != nil {
			rt.Fatal(err)
		}
		m := &model{running: map[string]modelSession{}, owner: map[string]string{}, easy: map[string]bool{}, max: map[string]time.Duration{}}
		for _, n := range easyNumbers {
			m.owner[n], m.easy[n] = n, true
		}
		for _, n := range premium {
			m.owner[n] = acct.ID
		}
		for _, z := range zones {
			zone, _ := cfg.Zone(z)
			m.max[z] = zone.Tariff.MaxDuration
		}

		send := func(rt *rapid.T, number, text string) sessions.Reply {
			r, err := eng.Handle(context.Background(), sessions.MO{From: number, Operator: "proximus", Text: text})
			if err != nil {
				rt.Fatal(err)
			}
			m.expire(clk.Now())
			return r
		}
		rt.Repeat(map[string]func(*rapid.T){
			"start": func(rt *rapid.T) {
				n := rapid.SampledFrom(numbers).Draw(rt, "number")
				z := rapid.SampledFrom(zones).Draw(rt, "zone")
				p := rapid.SampledFrom(plates).Draw(rt, "plate")
				r := send(rt, n, z+" "+p)
				if want := m.start(n, z, normPlate[p], clk.Now()); r.Outcome != want {
					rt.Fatalf("%s %q: %s, model says %s", n, z+" "+p, r.Outcome, want)
				}
			},
			"stop": func(rt *rapid.T) {
				n := rapid.SampledFrom(numbers).Draw(rt, "number")
				p := rapid.SampledFrom(append([]string{""}, plates...)).Draw(rt, "plate")
				r := send(rt, n, "Q "+p)
				want := m.stop(n, normPlate[p])
				if r.Outcome != want {
					rt.Fatalf("%s %q: %s, model says %s", n, "Q "+p, r.Outcome, want)
				}
			},
			"status": func(rt *rapid.T) {
				n := rapid.SampledFrom(numbers).Draw(rt, "number")
				r := send(rt, n, "I")
				want := 0
				for _, s := range m.running {
					if s.number == n {
						want++
					}
				}
				if len(r.Sessions) != want {
					rt.Fatalf("status of %s: %d sessions, model has %d", n, len(r.Sessions), want)
				}
			},
			"wait": func(rt *rapid.T) {
				clk.Set(clk.Now().Add(time.Duration(rapid.IntRange(0, 400).Draw(rt, "minutes")) * time.Minute))
			},
			"": func(rt *rapid.T) {
				checkInvariants(rt, db, cfg, m, easyNumbers, clk.Now())
			},
		})
	})
}

func checkInvariants(rt *rapid.T, db *store.DB, cfg *config.Config, m *model, easy []string, now time.Time) {
	all, err := db.Sessions(context.Background(), store.SessionFilter{})
	if err != nil {
		rt.Fatal(err)
	}
	runningPlates := map[string]bool{}
	perEasy := map[string]int{}
	for _, s := range all {
		if s.Running() {
			if runningPlates[s.Plate] {
				rt.Fatalf("plate %s runs twice", s.Plate)
			}
			runningPlates[s.Plate] = true
			if slices.Contains(easy, s.Number) {
				perEasy[s.Number]++
				if perEasy[s.Number] > 1 {
					rt.Fatalf("Easy number %s holds two sessions", s.Number)
				}
			}
			continue
		}
		if s.End.After(s.Until) {
			rt.Fatalf("session %d ran past its maximum: end %s until %s", s.ID, s.End, s.Until)
		}
		zone, _ := cfg.Zone(s.Zone)
		want := zone.Tariff.Cost(s.Start, s.End)
		if s.Free {
			want = 0
		}
		if s.CostCents != want {
			rt.Fatalf("session %d %s %s–%s costs %d, tariffs says %d", s.ID, s.Zone, s.Start, s.End, s.CostCents, want)
		}
	}
	if len(runningPlates) != len(m.running) {
		rt.Fatalf("store runs %v, model runs %v", runningPlates, fmt.Sprint(m.running))
	}
	for p := range m.running {
		if !runningPlates[p] {
			rt.Fatalf("model runs %s, store does not", p)
		}
	}
}
