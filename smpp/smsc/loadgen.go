package smsc

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ErrBadLoad is returned (wrapped) by Load for options out of range.
var ErrBadLoad = errors.New("smsc: bad load options")

// LoadZones are the reference zones the load generator parks in.
var loadZones = []string{"1021", "1030", "8370", "8371", "8500", "3000"}

// Defaults of LoadOptions.
const (
	DefaultLoadPhones   = 10
	DefaultReplyTimeout = 30 * time.Second
	DefaultRetryBackoff = 100 * time.Millisecond
	maxRetryBackoff     = 2 * time.Second
	maxErrorSamples     = 10
)

// LoadOptions configures Load.
type LoadOptions struct {
	// Phones is how many motorists text at once (default 10, at most
	// 1,000,000). Phone i is LoadPhone(Seed, i).
	Phones int
	// Rate is the most MOs per second over all phones; 0: as fast as the
	// engine answers (each phone sends its next MO as soon as the reply
	// to the previous one arrived). Either way a phone has at most one
	// MO outstanding, so the next MT to it is the reply.
	Rate float64
	// Duration stops sending new MOs after that long (0: no limit).
	Duration time.Duration
	// MaxMOs stops after that many MOs in all (0: no limit). With neither
	// Duration nor MaxMOs, Load runs until ctx is done.
	MaxMOs int
	// Seed offsets the phone numbers and plates and seeds the texts.
	Seed int64
	// ShortCode is where the MOs go (default "4411").
	ShortCode string
	// ReplyTimeout bounds the wait for an MO's acknowledgement
	// (redeliveries included) and reply, from its first attempt (default
	// 30 s); an MO that times out counts as an error.
	ReplyTimeout time.Duration
	// RetryBackoff is the first delay before redelivering a refused MO;
	// it doubles up to 2 s (default 100 ms).
	RetryBackoff time.Duration
}

// LoadReport is what Load measured. Latency runs from writing an MO's
// first deliver_sm (of its first attempt) to receiving the first part of
// the next MT to that phone.
type LoadReport struct {
	Phones  int
	MOs     int // MOs sent (not counting redeliveries)
	Acked   int // MOs acknowledged with ESME_ROK in the end
	Refused int // delivery attempts the ESME refused
	Retries int // redeliveries, after a refusal or a lost connection
	MTs     int // MTs received by the phones while Load ran
	Replies int // MOs whose reply arrived: the round trips
	// Duration is from the first MO to the last reply (by the server's
	// clock); Throughput is Replies per second of it.
	Duration           time.Duration
	Throughput         float64
	P50, P90, P99, Max time.Duration
	// Errors counts MOs that failed (never acknowledged, permanently
	// refused, or no reply in time); ErrorSamples holds the first few.
	Errors       int
	ErrorSamples []string
	// AckedByPhone counts each phone's MOs acknowledged with ESME_ROK,
	// MTsByPhone the MTs each phone received while Load ran (numbers in
	// E.164, "+32475…").
	AckedByPhone map[string]int
	MTsByPhone   map[string]int
}

// String returns a short human summary.
func (r LoadReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d phones: %d MOs (%d acked, %d refused, %d retries), %d MTs, %d round trips in %s = %.1f/s; latency p50 %s p90 %s p99 %s max %s; %d errors",
		r.Phones, r.MOs, r.Acked, r.Refused, r.Retries, r.MTs, r.Replies, r.Duration.Round(time.Millisecond),
		r.Throughput, r.P50, r.P90, r.P99, r.Max, r.Errors)
	if len(r.ErrorSamples) > 0 {
		fmt.Fprintf(&b, " (first: %s)", r.ErrorSamples[0])
	}
	return b.String()
}

// LoadPhone returns the number and plate of phone i of a load with seed:
// a valid Belgian mobile number "+32475" and six digits, and a Belgian
// style plate such as "1ABC123"; both distinct for the phones of one
// load.
func LoadPhone(seed int64, i int) (number, plate string) {
	base := seed % 1_000_000
	if base < 0 {
		base += 1_000_000
	}
	n := (base + int64(i)) % 1_000_000
	const plates = 9 * 26 * 26 * 26 * 1000
	p := n % plates
	letters := p / 1000 % (26 * 26 * 26)
	return fmt.Sprintf("+32475%06d", n), fmt.Sprintf("%d%c%c%c%03d",
		1+p/(26*26*26*1000)%9, 'A'+letters/676, 'A'+letters/26%26, 'A'+letters%26, p%1000)
}

// phoneScript is what one motorist texts: parks one plate, checks, stops,
// sometimes errs; never C1 (so every MO gets a reply) nor PASS.
type phoneScript struct {
	rng    *rand.Rand
	plate  string
	parked bool
	zone   string
}

func (p *phoneScript) start(other bool) string {
	zone := loadZones[p.rng.IntN(len(loadZones))]
	for other && zone == p.zone {
		zone = loadZones[p.rng.IntN(len(loadZones))]
	}
	if !other && p.zone != "" && p.parked {
		zone = p.zone
	}
	p.zone, p.parked = zone, true
	plate := p.plate
	switch r := p.rng.Float64(); {
	case r < 0.1:
		plate = plate[:1] + "-" + plate[1:4] + "-" + plate[4:]
	case r < 0.2:
		plate = strings.ToLower(plate)
	}
	return zone + " " + plate
}

func (p *phoneScript) next() string {
	r := p.rng.Float64()
	errText := func() string {
		if p.rng.IntN(2) == 0 {
			return "hello"
		}
		return "9999 1ABC123"
	}
	if !p.parked {
		switch {
		case r < 0.70:
			return p.start(true)
		case r < 0.80:
			return "I"
		case r < 0.92:
			return errText()
		}
		return "Q"
	}
	switch {
	case r < 0.45:
		p.parked = false
		if p.rng.IntN(5) == 0 {
			return "stop"
		}
		return "Q"
	case r < 0.65:
		return "I"
	case r < 0.80:
		return p.start(true)
	case r < 0.90:
		return errText()
	}
	return p.start(false)
}

// loadRun is the state of one Load.
type loadRun struct {
	s      *Server
	opts   LoadOptions
	issued atomic.Int64
	stop   chan struct{} // closed when no new MO may start
	tokens chan struct{} // paced MOs when Rate > 0

	mu        sync.Mutex
	rep       LoadReport
	latencies []time.Duration
	last      time.Time
}

// Load makes opts.Phones phones text the short code through s, each
// waiting for the reply to its MO before the next, until Duration or
// MaxMOs is reached or ctx is done, then waits for the outstanding
// replies (at most ReplyTimeout). A refused MO is redelivered after a
// backoff, an MO whose connection dropped when a receiver is bound again;
// its latency counts from its first attempt. It waits for a receiver
// bind before starting. MTs that arrive after Load returned stay queued
// for WaitMT.
//
// Returns ErrBadLoad (wrapped), ctx.Err() (with the report so far) when
// ctx ends before Duration or MaxMOs, or ErrClosed.
func Load(ctx context.Context, s *Server, opts LoadOptions) (LoadReport, error) {
	if opts.Phones == 0 {
		opts.Phones = DefaultLoadPhones
	}
	if opts.Phones < 0 || opts.Phones > 1_000_000 || opts.Rate < 0 || opts.MaxMOs < 0 || opts.Duration < 0 {
		return LoadReport{}, fmt.Errorf("%w: phones %d, rate %g, max %d, duration %s",
			ErrBadLoad, opts.Phones, opts.Rate, opts.MaxMOs, opts.Duration)
	}
	if opts.ShortCode == "" {
		opts.ShortCode = "4411"
	}
	if opts.ReplyTimeout <= 0 {
		opts.ReplyTimeout = DefaultReplyTimeout
	}
	if opts.RetryBackoff <= 0 {
		opts.RetryBackoff = DefaultRetryBackoff
	}
	if err := ctx.Err(); err != nil {
		return LoadReport{}, fmt.Errorf("load: %w", err)
	}
	if err := s.WaitBound(ctx, 1); err != nil {
		return LoadReport{}, fmt.Errorf("load: waiting for a receiver bind: %w", err)
	}
	l := &loadRun{
		s:    s,
		opts: opts,
		stop: make(chan struct{}),
		rep: LoadReport{
			Phones:       opts.Phones,
			AckedByPhone: map[string]int{},
			MTsByPhone:   map[string]int{},
		},
	}
	var aux, phones sync.WaitGroup
	stopOnce := sync.OnceFunc(func() { close(l.stop) })
	if opts.Duration > 0 {
		t := time.AfterFunc(opts.Duration, stopOnce)
		defer t.Stop()
	}
	aux.Go(func() {
		select {
		case <-ctx.Done():
			stopOnce()
		case <-l.stop:
		}
	})
	if opts.Rate > 0 {
		l.tokens = make(chan struct{})
		aux.Go(l.pace)
	}
	start := s.clock()
	for i := range opts.Phones {
		phones.Go(func() { l.phone(ctx, i) })
	}
	phones.Wait()
	stopOnce()
	aux.Wait()

	rep := l.rep
	if !l.last.IsZero() {
		rep.Duration = l.last.Sub(start)
	}
	if rep.Duration > 0 {
		rep.Throughput = float64(rep.Replies) / rep.Duration.Seconds()
	}
	slices.Sort(l.latencies)
	rep.P50, rep.P90, rep.P99 = percentile(l.latencies, 50), percentile(l.latencies, 90), percentile(l.latencies, 99)
	if n := len(l.latencies); n > 0 {
		rep.Max = l.latencies[n-1]
	}
	if err := ctx.Err(); err != nil {
		return rep, fmt.Errorf("load: %w", err)
	}
	return rep, nil
}

// pace hands out tokens at Rate per second until the load stops: by the
// time elapsed, not by ticks (a ticker drops ticks when the receiver
// lags, which would send less than asked).
func (l *loadRun) pace() {
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	start := time.Now()
	sent := 0
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		for due := int(time.Since(start).Seconds() * l.opts.Rate); sent < due; sent++ {
			select {
			case <-l.stop:
				return
			case l.tokens <- struct{}{}:
			}
		}
	}
}

// percentile returns the nearest-rank p-th percentile of sorted d.
func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := (p*len(d) + 99) / 100
	return d[max(i, 1)-1]
}

func (l *loadRun) stopped() bool {
	select {
	case <-l.stop:
		return true
	default:
		return false
	}
}

// phone runs motorist i until the load stops.
func (l *loadRun) phone(ctx context.Context, i int) {
	number, plate := LoadPhone(l.opts.Seed, i)
	script := &phoneScript{rng: rand.New(rand.NewPCG(uint64(l.opts.Seed), uint64(i))), plate: plate}
	for !l.stopped() && ctx.Err() == nil {
		if l.opts.MaxMOs > 0 && l.issued.Add(1) > int64(l.opts.MaxMOs) {
			return
		}
		if l.tokens != nil {
			select {
			case <-l.stop:
				return
			case <-l.tokens:
			}
		}
		l.roundTrip(ctx, number, script.next())
	}
}

func (l *loadRun) fail(ctx context.Context, format string, args ...any) {
	if ctx.Err() != nil {
		return // the caller stopped the load: not the engine's failure
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rep.Errors++
	if len(l.rep.ErrorSamples) < maxErrorSamples {
		l.rep.ErrorSamples = append(l.rep.ErrorSamples, fmt.Sprintf(format, args...))
	}
}

func (l *loadRun) add(f func(r *LoadReport)) {
	l.mu.Lock()
	f(&l.rep)
	l.mu.Unlock()
}

// roundTrip sends one MO until it is acknowledged, then waits for the
// reply.
func (l *loadRun) roundTrip(ctx context.Context, number, text string) {
	l.add(func(r *LoadReport) { r.MOs++ })
	rctx, cancel := context.WithTimeout(ctx, l.opts.ReplyTimeout)
	defer cancel()
	d, err := l.s.DeliverMO(rctx, MO{From: number, To: l.opts.ShortCode, Text: text})
	backoff := l.opts.RetryBackoff
	for err != nil || !d.OK() {
		switch {
		case errors.Is(err, ErrBadMO):
			l.fail(ctx, "%s: %v", mask(number), err)
			return
		case errors.Is(err, ErrNoReceiver), errors.Is(err, ErrConnClosed):
			if werr := l.s.WaitBound(rctx, 1); werr != nil {
				l.fail(ctx, "%s: MO not acknowledged: %v", mask(number), err)
				return
			}
		case err != nil:
			l.fail(ctx, "%s: MO not acknowledged: %v", mask(number), err)
			return
		default:
			l.add(func(r *LoadReport) { r.Refused++ })
			if d.Status.Permanent() {
				l.fail(ctx, "%s: MO refused for good: %s", mask(number), d.Status)
				return
			}
			t := time.NewTimer(backoff)
			select {
			case <-rctx.Done():
				t.Stop()
				l.fail(ctx, "%s: MO refused (%s) until the timeout", mask(number), d.Status)
				return
			case <-t.C:
			}
			backoff = min(2*backoff, maxRetryBackoff)
		}
		l.add(func(r *LoadReport) { r.Retries++ })
		d, err = l.s.Redeliver(rctx, d)
	}
	l.add(func(r *LoadReport) { r.Acked++; r.AckedByPhone[number]++ })
	for {
		mt, err := l.s.WaitMT(rctx, number)
		if err != nil {
			l.fail(ctx, "%s: no reply: %v", mask(number), err)
			return
		}
		l.mu.Lock()
		l.rep.MTs++
		l.rep.MTsByPhone[number]++
		fresh := !mt.FirstReceived.Before(d.FirstWritten)
		if fresh {
			l.rep.Replies++
			l.latencies = append(l.latencies, mt.FirstReceived.Sub(d.FirstWritten))
			if mt.Received.After(l.last) {
				l.last = mt.Received
			}
		}
		l.mu.Unlock()
		if fresh {
			return
		}
	}
}
