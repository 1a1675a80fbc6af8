package smsc

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// FaultKind names one misbehaviour of the simulated SMSC.
type FaultKind string

// The named misbehaviours. One-shot faults (bad-command-length,
// unbind-during-submit, drop-connection, unknown-pdu) act once and then
// the fault in force returns to none; the others last until the next
// SetFault.
const (
	// FaultNone: a well-behaved SMSC.
	FaultNone FaultKind = "none"
	// FaultNoResponse: submit_sm, data_sm and enquire_link are read and
	// never answered.
	FaultNoResponse FaultKind = "no-response"
	// FaultGenericNack: submit_sm and data_sm are answered with
	// generic_nack (ESME_RSYSERR, the request's sequence number).
	FaultGenericNack FaultKind = "generic-nack"
	// FaultBindRefused: every bind is answered ESME_RBINDFAIL and the
	// connection is closed.
	FaultBindRefused FaultKind = "bind-refused"
	// FaultBadCommandLength (one-shot): a 16-byte PDU header whose
	// command_length says 12 is sent on a bound connection (at once, or
	// on the next bind), then the SMSC carries on.
	FaultBadCommandLength FaultKind = "bad-command-length"
	// FaultUnbindDuringSubmit (one-shot): the next submit_sm (or data_sm)
	// gets an unbind instead of its response; the SMSC closes the
	// connection when the ESME's unbind_resp arrives.
	FaultUnbindDuringSubmit FaultKind = "unbind-during-submit"
	// FaultDropConnection (one-shot): the next PDU the ESME sends on a
	// bound connection (a request or a response, e.g. the deliver_sm_resp
	// of an MO) is not processed and the TCP connection is reset.
	FaultDropConnection FaultKind = "drop-connection"
	// FaultThrottle: submit_sm and data_sm beyond PerSecond in one second
	// of the clock (across all binds) get ESME_RTHROTTLED.
	FaultThrottle FaultKind = "throttle"
	// FaultQueueFull: every submit_sm and data_sm gets ESME_RMSGQFUL.
	FaultQueueFull FaultKind = "queue-full"
	// FaultSlow: every response the SMSC sends is delayed by Delay.
	FaultSlow FaultKind = "slow"
	// FaultUnknownPDU (one-shot): a PDU with command_id 0x00000999 is sent
	// on a bound connection (at once, or on the next bind); whether the
	// ESME answered it with generic_nack shows in Stats.UnknownPDUsNacked.
	FaultUnknownPDU FaultKind = "unknown-pdu"
)

// UnknownCommandID is the command_id of the PDU sent by FaultUnknownPDU.
const UnknownCommandID = 0x00000999

// FaultKinds lists every misbehaviour, FaultNone first, for help texts.
func FaultKinds() []FaultKind {
	return []FaultKind{
		FaultNone, FaultNoResponse, FaultGenericNack, FaultBindRefused,
		FaultBadCommandLength, FaultUnbindDuringSubmit, FaultDropConnection,
		FaultThrottle, FaultQueueFull, FaultSlow, FaultUnknownPDU,
	}
}

// ErrUnknownFault is returned (wrapped) by ParseFault and SetFault for a
// name that is not a FaultKind.
var ErrUnknownFault = errors.New("smsc: unknown fault")

// ErrBadFault is returned (wrapped) by ParseFault and SetFault for a
// fault whose parameter is missing or invalid (throttle needs a positive
// rate, slow a positive delay).
var ErrBadFault = errors.New("smsc: bad fault parameter")

// Fault is the misbehaviour in force. The zero value is FaultNone.
type Fault struct {
	Kind      FaultKind
	PerSecond int           // FaultThrottle: submits accepted per second
	Delay     time.Duration // FaultSlow: delay of every response
}

// OneShot reports whether f acts once and then reverts to FaultNone.
func (f Fault) OneShot() bool {
	switch f.Kind {
	case FaultBadCommandLength, FaultUnbindDuringSubmit, FaultDropConnection, FaultUnknownPDU:
		return true
	}
	return false
}

// String returns f in the form ParseFault reads: "none",
// "throttle=10", "slow=250ms".
func (f Fault) String() string {
	switch f.Kind {
	case "":
		return string(FaultNone)
	case FaultThrottle:
		return fmt.Sprintf("%s=%d", f.Kind, f.PerSecond)
	case FaultSlow:
		return fmt.Sprintf("%s=%s", f.Kind, f.Delay)
	}
	return string(f.Kind)
}

// validate returns f with an empty kind made FaultNone, or an error
// wrapping ErrUnknownFault or ErrBadFault.
func (f Fault) validate() (Fault, error) {
	if f.Kind == "" {
		f.Kind = FaultNone
	}
	known := false
	for _, k := range FaultKinds() {
		known = known || k == f.Kind
	}
	if !known {
		return f, fmt.Errorf("%w: %q", ErrUnknownFault, string(f.Kind))
	}
	if f.Kind == FaultThrottle && f.PerSecond <= 0 {
		return f, fmt.Errorf("%w: throttle needs a positive rate, got %d", ErrBadFault, f.PerSecond)
	}
	if f.Kind == FaultSlow && f.Delay <= 0 {
		return f, fmt.Errorf("%w: slow needs a positive delay, got %s", ErrBadFault, f.Delay)
	}
	return f, nil
}

// ParseFault reads a fault as the CLI gives it: a FaultKind name, with
// "=N" for throttle (submits per second) and "=DURATION" for slow
// ("slow=200ms"); ':' may stand for '='. Returns ErrUnknownFault or
// ErrBadFault, wrapped.
func ParseFault(s string) (Fault, error) {
	name, param, hasParam := strings.Cut(strings.TrimSpace(s), "=")
	if !hasParam {
		name, param, hasParam = strings.Cut(name, ":")
	}
	f := Fault{Kind: FaultKind(strings.ToLower(strings.TrimSpace(name)))}
	param = strings.TrimSpace(param)
	switch f.Kind {
	case FaultThrottle:
		n, err := strconv.Atoi(param)
		if err != nil {
			return Fault{}, fmt.Errorf("%w: throttle=%q: want submits per second: %w", ErrBadFault, param, err)
		}
		f.PerSecond = n
	case FaultSlow:
		d, err := time.ParseDuration(param)
		if err != nil {
			return Fault{}, fmt.Errorf("%w: slow=%q: want a duration: %w", ErrBadFault, param, err)
		}
		f.Delay = d
	default:
		if hasParam {
			if _, err := f.validate(); err != nil {
				return Fault{}, err
			}
			return Fault{}, fmt.Errorf("%w: %s takes no parameter", ErrBadFault, f.Kind)
		}
	}
	f, err := f.validate()
	if err != nil {
		return Fault{}, err
	}
	return f, nil
}

// SetFault sets the misbehaviour in force for PDUs from now on; safe
// concurrently. A one-shot fault that sends a PDU (bad-command-length,
// unknown-pdu) acts at once on a bound connection, or on the next bind.
// Returns ErrUnknownFault or ErrBadFault (wrapped) and leaves the fault
// unchanged then.
func (s *Server) SetFault(f Fault) error {
	f, err := f.validate()
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.fault = f
	s.throttleStart, s.throttleCount = time.Time{}, 0
	s.mu.Unlock()
	s.log.Info().Str("fault", f.String()).Msg("fault set")
	s.fireServerFault(nil)
	return nil
}

// Fault returns the misbehaviour in force (FaultNone once a one-shot fault
// has acted).
func (s *Server) Fault() Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fault
}

// currentFault returns the fault in force; a one-shot fault of kind take
// is consumed (the fault returns to none) and returned, other one-shot
// faults are returned as FaultNone.
func (s *Server) currentFault(take FaultKind) Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.fault
	if !f.OneShot() {
		return f
	}
	if f.Kind == take {
		s.fault = Fault{Kind: FaultNone}
		return f
	}
	return Fault{Kind: FaultNone}
}

// throttled counts one submit against FaultThrottle's per-second budget
// and reports whether it is over it.
func (s *Server) throttled(perSecond int) bool {
	now := s.clock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.throttleStart.IsZero() || now.Sub(s.throttleStart) >= time.Second || now.Before(s.throttleStart) {
		s.throttleStart, s.throttleCount = now, 0
	}
	s.throttleCount++
	return s.throttleCount > perSecond
}

// fireServerFault performs a pending one-shot fault that the SMSC
// initiates (bad-command-length, unknown-pdu) on c, or on any bound
// connection when c is nil.
func (s *Server) fireServerFault(c *conn) {
	s.mu.Lock()
	k := s.fault.Kind
	if k != FaultBadCommandLength && k != FaultUnknownPDU {
		s.mu.Unlock()
		return
	}
	if c == nil {
		for _, cc := range s.sortedConnsLocked() {
			if cc.mode != "" {
				c = cc
				break
			}
		}
	}
	if c == nil || c.mode == "" {
		s.mu.Unlock()
		return
	}
	s.fault = Fault{Kind: FaultNone}
	s.mu.Unlock()
	switch k {
	case FaultBadCommandLength:
		c.sendBadLength()
	case FaultUnknownPDU:
		c.sendUnknownPDU()
	}
}
