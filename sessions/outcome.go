package sessions

import "time"

// Outcome is the machine-readable result of an MO, kept with its reply.
type Outcome string

// Outcomes, docs/sms.md.
const (
	Started           Outcome = "started"
	AlreadyStarted    Outcome = "already_started"
	Replaced          Outcome = "replaced"
	Stopped           Outcome = "stopped"
	StatusReport      Outcome = "status"
	CredentialsSent   Outcome = "credentials"
	ConfirmationsOff  Outcome = "confirmations_off"
	ConfirmationsOn   Outcome = "confirmations_on"
	LanguageSet       Outcome = "language_set"
	VoucherStarted    Outcome = "voucher_started"
	DayTicketStarted  Outcome = "day_ticket_started"
	PermitHolder      Outcome = "permit_holder"
	SessionEnding     Outcome = "session_ending"
	SessionExpired    Outcome = "session_expired"
	UnknownCommand    Outcome = "unknown_command"
	UnknownZone       Outcome = "unknown_zone"
	InvalidPlate      Outcome = "invalid_plate"
	NoPlate           Outcome = "no_plate"
	NoSession         Outcome = "no_session"
	AmbiguousStop     Outcome = "ambiguous_stop"
	PlateTaken        Outcome = "plate_taken"
	RegistrationReq   Outcome = "registration_required"
	LimitReached      Outcome = "limit_reached"
	VoucherUnknown    Outcome = "voucher_unknown"
	VoucherUsed       Outcome = "voucher_used"
	VoucherExpired    Outcome = "voucher_expired"
	UnsupportedNumber Outcome = "unsupported_number"
	TooManyRequests   Outcome = "too_many_requests"
)

// Outcomes returns every outcome, in the order above (metrics start a
// series at 0 for each).
func Outcomes() []Outcome {
	return []Outcome{Started, AlreadyStarted, Replaced, Stopped, StatusReport, CredentialsSent,
		ConfirmationsOff, ConfirmationsOn, LanguageSet, VoucherStarted, DayTicketStarted, PermitHolder,
		SessionEnding, SessionExpired, UnknownCommand, UnknownZone, InvalidPlate, NoPlate, NoSession,
		AmbiguousStop, PlateTaken, RegistrationReq, LimitReached, VoucherUnknown, VoucherUsed,
		VoucherExpired, UnsupportedNumber, TooManyRequests}
}

// IsError reports whether the outcome is an error, answered from 4400.
func (o Outcome) IsError() bool {
	switch o {
	case UnknownCommand, UnknownZone, InvalidPlate, NoPlate, NoSession,
		AmbiguousStop, PlateTaken, RegistrationReq, LimitReached,
		VoucherUnknown, VoucherUsed, VoucherExpired, UnsupportedNumber,
		TooManyRequests:
		return true
	}
	return false
}

// Source is the short code a reply with this outcome is sent from.
func (o Outcome) Source() string {
	if o.IsError() {
		return SourceError
	}
	return SourceConfirm
}

// Notice is what a reply says, before it is rendered into a language.
// Only the fields its outcome uses are set.
type Notice struct {
	Outcome Outcome

	Plate    string
	Zone     string // zone code
	ZoneName string
	Start    time.Time
	End      time.Time // stopped, expired: the end; started: the latest end (Until)
	// FreeUntil, when not zero, is when charging begins for a session
	// started outside the charging windows ("free until 09:00").
	FreeUntil   time.Time
	RatePerHour int64 // cents
	CostCents   int64
	Free        bool // the free first use: the session costs nothing

	// Replaced: the session that was ended first.
	Ended *SessionLine

	// Status: the running sessions; AmbiguousStop: the plates.
	Sessions []SessionLine

	Username string // credentials: the number in E.164
	Password string // credentials: the new password, in this SMS only

	Language string // language_set: the new language
}

// SessionLine is one session as a reply mentions it.
type SessionLine struct {
	Plate     string
	Zone      string
	ZoneName  string
	Start     time.Time
	End       time.Time
	CostCents int64 // so far, or final
}
