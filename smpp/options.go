package smpp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// Defaults of the SMSC settings NewClient fills in when they are zero.
const (
	DefaultWindow          = 10
	DefaultEnquireLink     = 30 * time.Second
	DefaultReconnectMin    = 250 * time.Millisecond
	DefaultReconnectMax    = 4 * time.Second
	DefaultResponseTimeout = 10 * time.Second
	// DefaultRefusedRetry is the wait before binding again after the SMSC
	// refused the credentials or the configuration (SMSC.RefusedRetry).
	DefaultRefusedRetry = time.Minute
	// DefaultHandlerWorkers is how many MOs and receipts one bind hands
	// to the Handler at once when ClientOptions.HandlerWorkers is zero.
	DefaultHandlerWorkers = 256
	// DefaultHandlerQueue is how many MOs and receipts one bind keeps
	// waiting for a handler when ClientOptions.HandlerQueue is zero: more
	// than an SMSC's window holds unanswered, so that a burst waits
	// rather than being refused.
	DefaultHandlerQueue = 4096
	// DrainTimeout bounds how long a bind waits at shutdown for its
	// submits and handlers in flight before it unbinds.
	DrainTimeout = 5 * time.Second
)

// ClientOptions configures a Client.
type ClientOptions struct {
	// SMSCs to bind to; at least one. Zero settings take the Default*
	// values; names must be unique.
	SMSCs []SMSC
	// Handler receives MOs and receipts; required.
	Handler Handler
	// Acks keeps the MOs whose ack the SMSC may not have read durable,
	// to tell their redeliveries after a restart. nil keeps them in
	// memory only.
	Acks AckLedger
	// Parts keeps the parts of concatenated MOs durable. nil keeps them in
	// memory only: parts already acknowledged are then lost if the process
	// stops before their message is complete.
	Parts PartStore
	// Logger for binds, drops and failures; the zero Logger logs nothing.
	// Phone numbers are logged masked to their last 3 digits, passwords
	// never.
	Logger zerolog.Logger
	// Registerer for the metrics; nil registers none.
	Registerer prometheus.Registerer
	// Clock gives MO.Received, Part.Received, BindStatus.Since and the
	// age of parts; nil is time.Now. Network timeouts (enquire_link,
	// resps, drain) and the pace of submits use real time: a clock that
	// stands still (a test) or steps back never stalls a submit.
	Clock func() time.Time
	// Dial opens connections; nil is a net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// PartMaxAge is how long the parts of an incomplete concatenated MO
	// are kept; 0 is DefaultPartMaxAge.
	PartMaxAge time.Duration
	// Location is the zone of the dates of receipt texts; nil is
	// Europe/Brussels.
	Location *time.Location
	// HandlerWorkers bounds the MOs and receipts one bind hands to the
	// Handler at once; 0 is DefaultHandlerWorkers. A deliver_sm arriving
	// when all are busy waits in a queue of HandlerQueue.
	HandlerWorkers int
	// HandlerQueue is how many MOs and receipts one bind keeps waiting
	// for a handler; 0 is DefaultHandlerQueue. A deliver_sm arriving when
	// it is full is answered ESME_RX_T_APPN at once, so that the SMSC
	// delivers it again, and counted (smspark_smpp_handler_refusals_total).
	HandlerQueue int
	// OnBindUp, when set, is called (on the bind's goroutine, so quickly)
	// with the SMSC's operator each time a bind that can submit comes up:
	// replies waiting for a retry there need not wait out their backoff.
	OnBindUp func(operator string)

	// Test hooks.
	seqStart      uint32                         // the sequence counter of every bind starts after this
	drainTimeout  time.Duration                  // 0: DrainTimeout
	throttlePause time.Duration                  // 0: defaultThrottlePause
	sweepEvery    time.Duration                  // 0: a minute
	decode        func(packet) (delivery, error) // nil: the codec
}

// validate checks o and fills in defaults, in a copy of the SMSCs.
func (o *ClientOptions) validate() error {
	if len(o.SMSCs) == 0 {
		return fmt.Errorf("%w: no SMSC", ErrInvalidOptions)
	}
	if o.Handler == nil {
		return fmt.Errorf("%w: no Handler", ErrInvalidOptions)
	}
	if o.PartMaxAge < 0 || o.HandlerWorkers < 0 || o.HandlerQueue < 0 {
		return fmt.Errorf("%w: negative PartMaxAge, HandlerWorkers or HandlerQueue", ErrInvalidOptions)
	}
	if o.PartMaxAge == 0 {
		o.PartMaxAge = DefaultPartMaxAge
	}
	if o.HandlerWorkers == 0 {
		o.HandlerWorkers = DefaultHandlerWorkers
	}
	if o.HandlerQueue == 0 {
		o.HandlerQueue = DefaultHandlerQueue
	}
	if o.drainTimeout == 0 {
		o.drainTimeout = DrainTimeout
	}
	if o.throttlePause == 0 {
		o.throttlePause = defaultThrottlePause
	}
	if o.sweepEvery == 0 {
		o.sweepEvery = time.Minute
	}
	if o.Location == nil {
		loc, err := time.LoadLocation("Europe/Brussels")
		if err != nil {
			return fmt.Errorf("smpp: loading Europe/Brussels: %w", err)
		}
		o.Location = loc
	}
	smscs := make([]SMSC, len(o.SMSCs))
	names := make(map[string]bool)
	for i, s := range o.SMSCs {
		if err := s.validate(); err != nil {
			return fmt.Errorf("%w: SMSC %d (%q): %w", ErrInvalidOptions, i, s.Name, err)
		}
		if names[s.Name] {
			return fmt.Errorf("%w: SMSC name %q twice", ErrInvalidOptions, s.Name)
		}
		names[s.Name] = true
		smscs[i] = s
	}
	o.SMSCs = smscs
	return nil
}

// validate checks s and fills in its defaults.
func (s *SMSC) validate() error {
	switch {
	case s.Name == "":
		return errors.New("no name")
	case s.Address == "":
		return errors.New("no address")
	case s.Window < 0, s.MaxSubmitsPerSecond < 0, s.EnquireLink < 0,
		s.ReconnectMin < 0, s.ReconnectMax < 0, s.ResponseTimeout < 0,
		s.RedeliveryWindow < 0, s.RefusedRetry < 0:
		return errors.New("negative setting")
	}
	switch s.BindMode {
	case "":
		s.BindMode = Transceiver
	case Transceiver, TransmitterReceiver:
	default:
		return fmt.Errorf("bind mode %q is neither %q nor %q", s.BindMode, Transceiver, TransmitterReceiver)
	}
	if s.Window == 0 {
		s.Window = DefaultWindow
	}
	if s.EnquireLink == 0 {
		s.EnquireLink = DefaultEnquireLink
	}
	if s.ReconnectMin == 0 {
		s.ReconnectMin = DefaultReconnectMin
	}
	if s.ReconnectMax == 0 {
		s.ReconnectMax = max(DefaultReconnectMax, s.ReconnectMin)
	}
	if s.ReconnectMin > s.ReconnectMax {
		return fmt.Errorf("reconnect min %v above max %v", s.ReconnectMin, s.ReconnectMax)
	}
	if s.ResponseTimeout == 0 {
		s.ResponseTimeout = DefaultResponseTimeout
	}
	if s.RedeliveryWindow == 0 {
		s.RedeliveryWindow = DefaultRedeliveryWindow
	}
	if s.RefusedRetry == 0 {
		s.RefusedRetry = DefaultRefusedRetry
	}
	switch s.InterfaceVersion {
	case 0:
		s.InterfaceVersion = 0x34
	case 0x33, 0x34:
	default:
		return fmt.Errorf("interface version %#x is neither 0x33 nor 0x34", s.InterfaceVersion)
	}
	return nil
}
