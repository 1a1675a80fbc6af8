package smpp

import (
	"context"
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
	// ErrBusy: the submit was never sent: ctx ended while it waited for
	// a place in the bind's window or for the SMSC's pace. Temporary: the
	// message is fine, the bind is busy.
	ErrBusy = errors.New("smpp: bind busy")
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
// MT again later may succeed: timeouts, no bind up, a bind lost
// mid-submit and the statuses ClassifyStatus calls temporary (generic_nack
// included, classed by its command_status) are; ErrUnknownOperator,
// ErrBadAddress, ErrTooLong and the permanent statuses are not. Status is
// the SMSC's command_status, 0 when the SMSC did not answer. Err is the
// cause (a pdu.Status when the SMSC answered an error, else a sentinel of
// this package or a context error) and is what Unwrap returns.
type SubmitError struct {
	Status    pdu.Status
	Temporary bool
	Err       error
	// Sent is how many parts of the MT the SMSC accepted before the error.
	Sent int
	// GenericNack: the SMSC answered the submit_sm with a generic_nack.
	GenericNack bool
}

// Error describes the failure.
func (e *SubmitError) Error() string {
	kind := "permanent"
	if e.Temporary {
		kind = "temporary"
	}
	what := "status"
	if e.GenericNack {
		what = "generic_nack"
	}
	if e.Status != 0 || e.GenericNack {
		return fmt.Sprintf("smpp: submit: %s error: %s %#x (%s)", kind, what, uint32(e.Status), ClassifyStatus(e.Status).Name)
	}
	return fmt.Sprintf("smpp: submit: %s error: %v", kind, e.Err)
}

// Unwrap returns the cause.
func (e *SubmitError) Unwrap() error { return e.Err }

// Reason names the failure in a few bounded words, for metrics and the
// message's record: the status's name (ESME_RINVDSTADR) when the SMSC
// answered one, else what went wrong (no_smsc, bad_address, too_long,
// no_bind, bind_lost, busy, timeout, canceled, error).
func (e *SubmitError) Reason() string {
	switch {
	case e.Status != 0 || e.GenericNack:
		return ClassifyStatus(e.Status).Name
	case errors.Is(e.Err, ErrUnknownOperator):
		return "no_smsc"
	case errors.Is(e.Err, ErrBadAddress):
		return "bad_address"
	case errors.Is(e.Err, ErrTooLong):
		return "too_long"
	case errors.Is(e.Err, ErrNoBind):
		return "no_bind"
	case errors.Is(e.Err, ErrBindLost):
		return "bind_lost"
	case errors.Is(e.Err, ErrBusy):
		return "busy"
	case errors.Is(e.Err, ErrTimeout), errors.Is(e.Err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(e.Err, context.Canceled):
		return "canceled"
	}
	return "error"
}

// PermanentReasons are the reasons a SubmitError that is not temporary
// can give: every permanent status's name and the permanent sentinels'.
func PermanentReasons() []string {
	out := []string{"no_smsc", "bad_address", "too_long"}
	for _, c := range StatusTable() {
		if !c.Temporary {
			out = append(out, c.Name)
		}
	}
	return out
}

// Temporary reports whether err is a *SubmitError (wrapped or not) that
// says trying again later may succeed.
func Temporary(err error) bool {
	var se *SubmitError
	return errors.As(err, &se) && se.Temporary
}

// Throttle reports whether the SMSC asked to slow down
// (ESME_RTHROTTLED, ESME_RMSGQFUL) or the bind was too busy to send the
// submit at all (ErrBusy): the bind paces what comes next, so the MT is
// worth trying again soon, without a growing backoff.
func (e *SubmitError) Throttle() bool {
	if errors.Is(e.Err, ErrBusy) {
		return true
	}
	return e.Status != statusOK && ClassifyStatus(e.Status).Throttle
}

// statusError classifies a command_status the SMSC answered a submit with.
func statusError(st pdu.Status) *SubmitError {
	return &SubmitError{Status: st, Temporary: ClassifyStatus(st).Temporary, Err: st}
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
