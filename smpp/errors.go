package smpp

import (
	"errors"
	"fmt"
	"slices"

	"github.com/fiorix/go-smpp/smpp/pdu"
)

// Errors callers branch on. Submit wraps them in a *SubmitError.
var (
	// ErrNoBind: no bind of the MT's operator is up. Temporary.
	ErrNoBind = errors.New("smpp: no bind up")
	// ErrBindLost: the bind went down while a request awaited its resp
	// (or was draining for shutdown). Temporary.
	ErrBindLost = errors.New("smpp: bind lost")
	// ErrTimeout: no resp within the SMSC's ResponseTimeout. Temporary:
	// the SMSC may or may not have taken the message.
	ErrTimeout = errors.New("smpp: no response in time")
	// ErrUnknownOperator: no SMSC serves the MT's operator. Permanent.
	ErrUnknownOperator = errors.New("smpp: no SMSC for the operator")
	// ErrTooLong: the text needs more than 255 parts. Permanent.
	ErrTooLong = errors.New("smpp: text too long")
	// ErrBadAddress: an address holds a NUL or is empty. Permanent.
	ErrBadAddress = errors.New("smpp: bad address")
	// ErrBindRefused: the SMSC answered the bind with an error status.
	ErrBindRefused = errors.New("smpp: bind refused")
	// ErrAlreadyRunning: Run was called twice.
	ErrAlreadyRunning = errors.New("smpp: client already ran")
	// ErrInvalidOptions: NewClient's options do not validate.
	ErrInvalidOptions = errors.New("smpp: invalid options")
)

// SubmitError is the error of Submit. Temporary says whether sending the
// MT again later may succeed: throttling (ESME_RTHROTTLED), a full queue
// (ESME_RMSGQFUL), timeouts, no bind up and a bind lost mid-submit are
// temporary; every other status the SMSC answers is permanent. Status is
// the SMSC's command_status, 0 when the SMSC did not answer. Err is the
// cause (a pdu.Status when the SMSC answered an error, else a sentinel of
// this package or a context error) and is what Unwrap returns.
type SubmitError struct {
	Status    pdu.Status
	Temporary bool
	Err       error
	// Sent is how many parts of the MT the SMSC accepted before the error.
	Sent int
}

// Error describes the failure.
func (e *SubmitError) Error() string {
	kind := "permanent"
	if e.Temporary {
		kind = "temporary"
	}
	if e.Status != 0 {
		return fmt.Sprintf("smpp: submit: %s error: status %#x (%v)", kind, uint32(e.Status), e.Err)
	}
	return fmt.Sprintf("smpp: submit: %s error: %v", kind, e.Err)
}

// Unwrap returns the cause.
func (e *SubmitError) Unwrap() error { return e.Err }

// Temporary reports whether err is a *SubmitError (wrapped or not) that
// says trying again later may succeed.
func Temporary(err error) bool {
	var se *SubmitError
	return errors.As(err, &se) && se.Temporary
}

// statusError classifies a command_status the SMSC answered a submit with.
func statusError(st pdu.Status) *SubmitError {
	return &SubmitError{Status: st, Temporary: temporaryStatus(st), Err: st}
}

// temporaryStatus reports whether a submit answered st may succeed later.
func temporaryStatus(st pdu.Status) bool {
	return st == statusThrottled || st == statusMsgQFul
}

// BindRefusal is the error of a bind the SMSC answered with an error
// status (or a generic_nack); it unwraps to ErrBindRefused.
type BindRefusal struct {
	Status pdu.Status
}

// Error describes the refusal.
func (e *BindRefusal) Error() string {
	return fmt.Sprintf("%v: status %#x (%v)", ErrBindRefused, uint32(e.Status), e.Status)
}

// Unwrap returns ErrBindRefused.
func (e *BindRefusal) Unwrap() error { return ErrBindRefused }

// Config reports whether the SMSC refused the bind's credentials or
// configuration, which binding again soon cannot cure: ESME_RINVPASWD
// (0x0E), ESME_RINVSYSID (0x0F) and ESME_RINVSYSTYP (0x53). Every other
// status is transient: ESME_RBINDFAIL (0x0D) is the generic refusal SMSCs
// also give while they still hold the bind that just died or are
// overloaded, ESME_RALYBND (0x05) the former, ESME_RSYSERR (0x08) a fault
// of the SMSC.
func (e *BindRefusal) Config() bool {
	return slices.Contains(configStatuses(), e.Status)
}

// configStatuses are the bind refusals that are configuration errors:
// ESME_RINVPASWD, ESME_RINVSYSID, ESME_RINVSYSTYP.
func configStatuses() []pdu.Status { return []pdu.Status{0x0E, 0x0F, 0x53} }
