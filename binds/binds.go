// Package binds describes the engine's binds to the operators' SMSCs as
// operators see them: their state, and the errors of stopping and
// starting an SMSC. The SMPP client reports them; the admin endpoint and
// the CLI show them.
package binds

import (
	"errors"
	"time"
)

// ErrUnknownSMSC is returned by stopping or starting an SMSC whose name is
// not a configured SMSC.
var ErrUnknownSMSC = errors.New("smpp: no such SMSC")

// Bind kinds, as Status.Kind gives them.
const (
	KindTransceiver = "trx"
	KindTransmitter = "tx"
	KindReceiver    = "rx"
)

// Bind states, as Status.State gives them.
const (
	StateDown    = "down"
	StateBinding = "binding"
	StateUp      = "up"
	// StateStopped is a bind an operator took down (StopSMSC): it stays
	// down until StartSMSC.
	StateStopped = "stopped"
)

// Status describes one bind, for operators.
type Status struct {
	SMSC     string
	Operator string
	Kind     string    // KindTransceiver, KindTransmitter or KindReceiver
	State    string    // StateDown, StateBinding, StateUp or StateStopped
	Since    time.Time // when it entered State
	// Window is the most submits outstanding at once, InUse how many are
	// (0 for a receiver).
	Window, InUse int
	// SubmitsPerSecond is the submit rate in force on the SMSC: its
	// MaxSubmitsPerSecond, halved for a while after throttling; 0 for no
	// limit.
	SubmitsPerSecond float64
	// Throttles counts the submits answered ESME_RTHROTTLED or
	// ESME_RMSGQFUL.
	Throttles int64
	// LastError is why the bind is not up ("" while it is, or before its
	// first attempt); ConfigError says the SMSC refused its credentials
	// or configuration (retried every SMSC.RefusedRetry).
	LastError   string
	ConfigError bool
}
