package smpp

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"

	"smspark/binds"
)

// ErrUnknownSMSC is returned by StopSMSC and StartSMSC for a name that is
// not a configured SMSC (declared in binds).
var ErrUnknownSMSC = binds.ErrUnknownSMSC

// link is one configured SMSC's binds (a transceiver, or a transmitter
// and a receiver) with a lifetime of their own, so that one SMSC can be
// stopped, started or re-bound with new settings while the others stay
// up.
type link struct {
	smsc    SMSC
	binds   []*bind
	stopped bool               // an operator stopped it (StopSMSC)
	cancel  context.CancelFunc // ends its binds; nil when they do not run
	done    chan struct{}      // closed when its binds have ended
}

// newLink builds the binds of s; they start with Run or StartSMSC.
func (c *Client) newLink(s SMSC) *link {
	l := &link{smsc: s}
	c.m.initSMSC(s.Name)
	lim := newLimiter(s.MaxSubmitsPerSecond)
	kinds := []string{KindTransceiver}
	if s.BindMode == TransmitterReceiver {
		kinds = []string{KindTransmitter, KindReceiver}
	}
	c.m.init(s.Name, kinds)
	for _, k := range kinds {
		l.binds = append(l.binds, newBind(c, s, k, lim))
	}
	return l
}

// linkSet is the client's links. mu guards the fields; ctl serialises the
// operations that start and stop links (they wait for binds to drain, so
// they do not hold mu meanwhile).
type linkSet struct {
	ctl sync.Mutex

	mu      sync.Mutex
	all     []*link            // in configuration order
	byOp    map[string][]*bind // the binds that submit, by operator (stopped ones included: ErrNoBind, not ErrUnknownOperator)
	runCtx  context.Context    // set by run; nil before
	closing bool               // Run is ending: start nothing
	wg      sync.WaitGroup     // every link's binds
}

// index rebuilds byOp from all. Callers hold mu (or own the set alone).
func (ls *linkSet) index() {
	ls.byOp = map[string][]*bind{}
	for _, l := range ls.all {
		for _, b := range l.binds {
			if b.kind != KindReceiver {
				ls.byOp[l.smsc.Operator] = append(ls.byOp[l.smsc.Operator], b)
			}
		}
	}
}

func (ls *linkSet) byOperator(op string) []*bind {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return ls.byOp[op]
}

// binds returns every bind, in the order of the SMSCs.
func (ls *linkSet) binds() []*bind {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	var out []*bind
	for _, l := range ls.all {
		out = append(out, l.binds...)
	}
	return out
}

// run starts every link not stopped, under ctx.
func (ls *linkSet) run(ctx context.Context) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.runCtx = ctx
	for _, l := range ls.all {
		if !l.stopped {
			ls.start(l)
		}
	}
}

// wait waits, once ctx of run is done, for every link's binds to end.
func (ls *linkSet) wait() {
	ls.mu.Lock()
	ls.closing = true
	ls.mu.Unlock()
	ls.wg.Wait()
}

// start runs l's binds until l is stopped or run's ctx is done. Callers
// hold mu. Before run or while closing it does nothing.
func (ls *linkSet) start(l *link) {
	if ls.runCtx == nil || ls.closing || l.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(ls.runCtx)
	done := make(chan struct{})
	l.cancel, l.done = cancel, done
	var binds sync.WaitGroup
	for _, b := range l.binds {
		binds.Go(func() { _ = b.run(ctx) }) // run ends with ctx and returns nil
	}
	ls.wg.Go(func() {
		binds.Wait()
		close(done)
	})
}

// halt ends l's binds (they drain, unbind and close) and waits for them;
// the caller holds ctl, not mu.
func (ls *linkSet) halt(l *link) {
	ls.mu.Lock()
	cancel, done := l.cancel, l.done
	l.cancel, l.done = nil, nil
	ls.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
}

func (ls *linkSet) find(name string) (*link, error) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	for _, l := range ls.all {
		if l.smsc.Name == name {
			return l, nil
		}
	}
	return nil, fmt.Errorf("%w: %q", ErrUnknownSMSC, name)
}

// StopSMSC takes the binds of the SMSC named down, as Kannel's admin
// stop-smsc does: its submits in flight drain (at most DrainTimeout), it
// unbinds and closes, and it stays down (StateStopped) until StartSMSC,
// across configuration reloads. MTs for its operator go to its other
// SMSCs, or wait (ErrNoBind). Stopping a stopped SMSC does nothing.
// Returns ErrUnknownSMSC for a name not configured.
func (c *Client) StopSMSC(name string) error {
	ls := &c.links
	ls.ctl.Lock()
	defer ls.ctl.Unlock()
	l, err := ls.find(name)
	if err != nil {
		return err
	}
	ls.mu.Lock()
	l.stopped = true
	ls.mu.Unlock()
	ls.halt(l)
	for _, b := range l.binds {
		b.setState(StateStopped, nil)
	}
	c.log.Info().Str("smsc", name).Msg("smpp: SMSC stopped by the operator")
	return nil
}

// StartSMSC brings a stopped SMSC's binds up again (with backoff, as at
// start). Starting a running SMSC does nothing. Returns ErrUnknownSMSC.
func (c *Client) StartSMSC(name string) error {
	ls := &c.links
	ls.ctl.Lock()
	defer ls.ctl.Unlock()
	l, err := ls.find(name)
	if err != nil {
		return err
	}
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if l.stopped {
		for _, b := range l.binds {
			b.setState(StateDown, nil)
		}
	}
	l.stopped = false
	ls.start(l)
	c.log.Info().Str("smsc", name).Msg("smpp: SMSC started by the operator")
	return nil
}

// SMSCChange says what Reconfigure did to one SMSC.
type SMSCChange struct {
	Name string
	// Change is "added", "removed", "changed" (re-bound with the new
	// settings) or "unchanged".
	Change string
	// Stopped: the SMSC is stopped by the operator and stays so.
	Stopped bool
	// Settings names the settings that changed (SMSC's field names).
	Settings []string
}

// CheckSMSCs validates a list of SMSCs as Reconfigure would, changing
// nothing: ErrInvalidOptions for an SMSC without name or address, a name
// twice, a negative setting, an unknown bind mode.
func CheckSMSCs(smscs []SMSC) error {
	_, err := checkSMSCs(smscs)
	return err
}

func checkSMSCs(in []SMSC) ([]SMSC, error) {
	out := make([]SMSC, len(in))
	names := map[string]bool{}
	for i, s := range in {
		if err := s.validate(); err != nil {
			return nil, fmt.Errorf("%w: SMSC %d (%q): %w", ErrInvalidOptions, i, s.Name, err)
		}
		if names[s.Name] {
			return nil, fmt.Errorf("%w: SMSC name %q twice", ErrInvalidOptions, s.Name)
		}
		names[s.Name] = true
		out[i] = s
	}
	return out, nil
}

// Reconfigure makes the client's SMSCs those of smscs, touching only what
// changed: an SMSC removed is unbound and dropped, one added is bound,
// one whose settings changed is unbound and bound again with them; the
// others keep their binds and submits in flight. An SMSC an operator
// stopped stays stopped. It returns what it did to each SMSC, in the
// order of smscs then the removed ones, and an error wrapping
// ErrInvalidOptions (changing nothing) when smscs do not validate.
func (c *Client) Reconfigure(smscs []SMSC) ([]SMSCChange, error) {
	smscs, err := checkSMSCs(smscs)
	if err != nil {
		return nil, err
	}
	ls := &c.links
	ls.ctl.Lock()
	defer ls.ctl.Unlock()
	ls.mu.Lock()
	old := slices.Clone(ls.all)
	ls.mu.Unlock()
	byName := map[string]*link{}
	for _, l := range old {
		byName[l.smsc.Name] = l
	}
	var changes []SMSCChange
	var next []*link
	for _, s := range smscs {
		l, ok := byName[s.Name]
		delete(byName, s.Name)
		switch {
		case !ok:
			l = c.newLink(s)
			changes = append(changes, SMSCChange{Name: s.Name, Change: "added"})
		case len(smscDiff(l.smsc, s)) == 0:
			changes = append(changes, SMSCChange{Name: s.Name, Change: "unchanged", Stopped: l.stopped})
		default:
			diff := smscDiff(l.smsc, s)
			ls.halt(l)
			stopped := l.stopped
			l = c.newLink(s)
			l.stopped = stopped
			if stopped {
				for _, b := range l.binds {
					b.setState(StateStopped, nil)
				}
			}
			changes = append(changes, SMSCChange{Name: s.Name, Change: "changed", Stopped: stopped, Settings: diff})
		}
		next = append(next, l)
	}
	for _, l := range old {
		if _, gone := byName[l.smsc.Name]; gone {
			ls.halt(l)
			for _, b := range l.binds {
				b.setState(StateDown, nil)
			}
			changes = append(changes, SMSCChange{Name: l.smsc.Name, Change: "removed"})
		}
	}
	ls.mu.Lock()
	ls.all = next
	ls.index()
	for _, l := range next {
		if !l.stopped {
			ls.start(l)
		}
	}
	ls.mu.Unlock()
	return changes, nil
}

// smscDiff names the settings that differ between two SMSCs (TLS by its
// presence, server name and minimum version); none when they are the same.
func smscDiff(a, b SMSC) []string {
	var out []string
	ta, tb := a.TLS, b.TLS
	a.TLS, b.TLS = nil, nil
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := range va.NumField() {
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			out = append(out, va.Type().Field(i).Name)
		}
	}
	if (ta == nil) != (tb == nil) || (ta != nil && (ta.ServerName != tb.ServerName || ta.MinVersion != tb.MinVersion)) {
		out = append(out, "TLS")
	}
	return out
}
