package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"smspark/config"
	"smspark/sessions"
	"smspark/store"
	"smspark/tariffs"
)

// scaleFill writes a large store quickly (not through SMS round trips):
// running sessions of distinct Easy numbers (+32470000000 on), each with a
// distinct plate, in the zones of the configuration; the settings of every
// number; ended sessions of the same numbers (of ended/4 numbers when
// running is 0), IDs below the running ones. With traffic each ended
// session also gets what its SMS left: the start and stop MOs in the
// journal and the two confirmations, delivered, in the outbox. Records go
// in large commits without fsync (one sync at the end).
type scaleFill struct {
	dataDir        string
	cfg            *config.Config
	running, ended int
	traffic        bool
	batch          int
}

func (f *scaleFill) run(ctx context.Context, out io.Writer) error {
	if f.running < 0 || f.ended < 0 || f.batch <= 0 {
		return errors.New("running and ended must not be negative, batch must be positive")
	}
	path := filepath.Join(f.dataDir, store.FileName)
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s exists: fill writes a new store", path)
	}
	g, err := newScaleGen(f.cfg, time.Now().UTC(), f.running, f.ended)
	if err != nil {
		return err
	}
	db, err := store.Open(f.dataDir, store.Options{Create: true, NoSync: true})
	if err != nil {
		return err
	}
	defer db.Close()

	// IDs: the ended sessions (and their messages) first, then the running.
	next := uint64(1)
	began := time.Now()
	change := sessions.Change{}
	flush := func() error {
		if len(change.Sessions)+len(change.Settings) == 0 {
			return nil
		}
		change.NextID = next
		if err := db.Commit(ctx, []sessions.Change{change}); err != nil {
			return err
		}
		change = sessions.Change{}
		return nil
	}
	for j := range f.ended {
		s := g.ended(j, next)
		change.Sessions = append(change.Sessions, s)
		next++
		if f.traffic {
			js, ms := g.traffic(s, next)
			change.Journal = append(change.Journal, js...)
			change.Messages = append(change.Messages, ms...)
			next += uint64(len(ms))
		}
		if len(change.Sessions) >= f.batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "ended sessions:   %d in %s (traffic: %v)\n", f.ended, time.Since(began).Round(time.Millisecond), f.traffic)

	began = time.Now()
	for i := range f.running {
		change.Sessions = append(change.Sessions, g.running(i, next))
		next++
		if len(change.Sessions) >= f.batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "running sessions: %d in %s\n", f.running, time.Since(began).Round(time.Millisecond))

	began = time.Now()
	for n := range g.numbers {
		change.Settings = append(change.Settings, g.settings(n))
		if len(change.Settings) >= f.batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "settings:         %d in %s\n", g.numbers, time.Since(began).Round(time.Millisecond))
	if err := db.Commit(ctx, []sessions.Change{{NextID: next}}); err != nil {
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	// The commits skipped fsync: one sync of the file and its directory now.
	if err := syncPath(path); err != nil {
		return err
	}
	if err := syncPath(f.dataDir); err != nil {
		return err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "store:            %s, %s\n", path, mib(fi.Size()))
	return nil
}

// syncPath fsyncs a file or directory.
func syncPath(path string) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	if err := fh.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}

// scaleGen makes realistic, deterministic records: session i of a fill is
// always the same for the same counts and start time.
type scaleGen struct {
	now     time.Time
	loc     *time.Location
	zones   []tariffs.Zone
	ops     []string // billing operators (Easy numbers need one)
	numbers int
}

func newScaleGen(cfg *config.Config, now time.Time, running, ended int) (*scaleGen, error) {
	g := &scaleGen{now: now, loc: cfg.Location, numbers: running}
	if running == 0 {
		g.numbers = max(ended/4, 1)
	}
	if running+ended == 0 {
		g.numbers = 0
	}
	for _, c := range cfg.Cities {
		for _, z := range c.Zones {
			if z.City == "" {
				z.City = c.Name
			}
			if z.Language == "" {
				z.Language = c.Language
			}
			g.zones = append(g.zones, z)
		}
	}
	if len(g.zones) == 0 {
		return nil, errors.New("the configuration has no zones")
	}
	for name, op := range cfg.Operators {
		if op.OperatorBilling {
			g.ops = append(g.ops, name)
		}
	}
	sort.Strings(g.ops)
	if len(g.ops) == 0 {
		return nil, errors.New("the configuration has no operator billing Easy numbers")
	}
	if g.numbers > 10_000_000 {
		return nil, errors.New("at most 10,000,000 numbers (+32470000000 to +32479999999)")
	}
	return g, nil
}

func (g *scaleGen) rng(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5ca1e)) }

func (g *scaleGen) number(n int) string { return "+3247" + fmt.Sprintf("%07d", n) }

// plateSpace is how many plates of the form 1ABC123 there are; plateStep
// is prime to it, so n*plateStep spreads distinct n over distinct plates
// in no particular order.
const (
	plateSpace = 9 * 26 * 26 * 26 * 1000
	plateStep  = 104_729
)

// plate returns the plate of number n: distinct numbers, distinct plates.
func (g *scaleGen) plate(n int) string {
	p := (uint64(n)*plateStep + 12_345) % plateSpace
	digits := p % 1000
	p /= 1000
	l3, l2, l1 := byte('A'+p%26), byte('A'+(p/26)%26), byte('A'+(p/676)%26)
	return fmt.Sprintf("%d%c%c%c%03d", 1+p/17_576, l1, l2, l3, digits)
}

func (g *scaleGen) zone(n int) tariffs.Zone { return g.zones[(n*7+n/3)%len(g.zones)] }

func (g *scaleGen) operator(n int) string { return g.ops[n%len(g.ops)] }

// running returns the running session of number i: started within the last
// hour (or its maximum duration), not yet reminded.
func (g *scaleGen) running(i int, id uint64) sessions.Session {
	r := g.rng(uint64(i) + 1)
	z := g.zone(i)
	maxAgo := max(min(time.Hour, z.Tariff.MaxDuration/2), time.Second)
	start := g.now.Add(-time.Duration(r.Int64N(int64(maxAgo))))
	return sessions.Session{ID: id, Number: g.number(i), Operator: g.operator(i), Plate: g.plate(i),
		Zone: z.Code, City: z.City, Channel: sessions.ChannelSMS, Start: start, Until: start.Add(z.Tariff.MaxDuration)}
}

// ended returns ended session j: of number j mod numbers, in the last 30
// days, stopped after 10 minutes to 3 hours or ended at its latest end.
func (g *scaleGen) ended(j int, id uint64) sessions.Session {
	r := g.rng(uint64(j) + 1<<40)
	n := j % g.numbers
	z := g.zone(n + j/g.numbers)
	start := g.now.Add(-30*24*time.Hour + time.Duration(r.Int64N(int64(29*24*time.Hour))))
	until := start.Add(z.Tariff.MaxDuration)
	end, reason := start.Add(10*time.Minute+time.Duration(r.Int64N(int64(170*time.Minute)))), sessions.EndStop
	if end.After(until) || r.IntN(10) == 0 {
		end, reason = until, sessions.EndMaxDuration
	}
	return sessions.Session{ID: id, Number: g.number(n), Operator: g.operator(n), Plate: g.plate(n),
		Zone: z.Code, City: z.City, Channel: sessions.ChannelSMS, Start: start, Until: until,
		End: end, EndReason: reason, CostCents: z.Tariff.Cost(start, end), Reminded: reason == sessions.EndMaxDuration}
}

// traffic returns what an ended session's SMS left in the store: the
// start and stop MOs and their two replies, delivered, IDs from next.
func (g *scaleGen) traffic(s sessions.Session, next uint64) ([]sessions.JournalEntry, []sessions.Message) {
	var z tariffs.Zone
	for _, c := range g.zones {
		if c.Code == s.Zone {
			z = c
		}
	}
	lang := z.Language
	smsc := s.Operator + "-1"
	started := sessions.Notice{Outcome: sessions.Started, Plate: s.Plate, Zone: z.Code, ZoneName: z.Name,
		Start: s.Start, End: s.Until, RatePerHour: z.Tariff.RatePerHour}
	outcome := sessions.Stopped
	stopText := "Q"
	if s.EndReason == sessions.EndMaxDuration {
		outcome, stopText = sessions.SessionExpired, ""
	}
	ended := sessions.Notice{Outcome: outcome, Plate: s.Plate, Zone: z.Code, ZoneName: z.Name,
		Start: s.Start, End: s.End, CostCents: s.CostCents}
	msg := func(id uint64, n sessions.Notice, at time.Time) sessions.Message {
		sum := sha256.Sum256([]byte(strconv.FormatUint(id, 10)))
		return sessions.Message{ID: id, To: s.Number, Source: sessions.SourceConfirm, Operator: s.Operator,
			Outcome: n.Outcome, Text: sessions.Render(lang, g.loc, n), Created: at, Status: sessions.StatusDelivered,
			SMSC: smsc, SMSCIDs: []string{hex.EncodeToString(sum[:6])}, Sent: at.Add(300 * time.Millisecond), Attempts: 1}
	}
	mo := func(text string, at time.Time, o sessions.Outcome, reply uint64) sessions.JournalEntry {
		sum := sha256.Sum256([]byte(text))
		smscTime := at.Add(-2 * time.Second).Truncate(100 * time.Millisecond)
		key := smsc + "|" + s.Number + "|" + hex.EncodeToString(sum[:8]) + "|" + smscTime.Format(time.RFC3339Nano)
		return sessions.JournalEntry{Key: key, From: s.Number, Operator: s.Operator, Text: text,
			Received: at, SMSCTime: smscTime, At: smscTime, Outcome: o, Reply: reply}
	}
	msgs := []sessions.Message{msg(next, started, s.Start), msg(next+1, ended, s.End)}
	journal := []sessions.JournalEntry{mo(z.Code+" "+s.Plate, s.Start, sessions.Started, next)}
	if stopText != "" {
		journal = append(journal, mo(stopText, s.End, sessions.Stopped, next+1))
	}
	return journal, msgs
}

// settings returns the settings of number n: it parked (its running
// session's plate and zone), was charged this month; some chose a
// language, a few asked for a password.
func (g *scaleGen) settings(n int) sessions.Settings {
	r := g.rng(uint64(n) + 1<<41)
	z := g.zone(n)
	st := sessions.Settings{Number: g.number(n), LastPlate: g.plate(n), LastZone: z.Code, Parked: true,
		Month: g.now.In(g.loc).Format("2006-01"), MonthCents: 50 + r.Int64N(5000)}
	switch r.IntN(100) {
	case 0, 1, 2, 3, 4, 5, 6, 7:
		st.Language = "fr"
	case 8, 9, 10:
		st.Language = "en"
	}
	if r.IntN(20) == 0 {
		// A bcrypt hash is 60 characters.
		sum := sha256.Sum256([]byte(st.Number))
		st.PasswordHash = "$2a$10$" + strings.Repeat(hex.EncodeToString(sum[:]), 2)[:53]
		if r.IntN(5) == 0 {
			st.PassRequests = []time.Time{g.now.Add(-time.Duration(r.Int64N(int64(time.Hour)))).Truncate(time.Second)}
		}
	}
	return st
}
