// Package sessions is smspark's engine: it applies parsed SMS commands to the
// running parking sessions, under the account rules of docs/accounts.md, and says
// what to answer. Memory is the source of truth for running sessions; the
// Store is its durable journal, written before any reply is queued.
package sessions

import "time"

// Channel is how a session was started.
type Channel string

// Channels.
const (
	ChannelSMS     Channel = "sms"
	ChannelApp     Channel = "app"
	ChannelWeb     Channel = "web"
	ChannelVoucher Channel = "voucher"
)

// EndReason says why a session ended.
type EndReason string

// End reasons.
const (
	EndStop        EndReason = "stop"
	EndReplaced    EndReason = "replaced"
	EndMaxDuration EndReason = "max_duration"
	EndVoucher     EndReason = "voucher_end"
	EndAdmin       EndReason = "admin"
)

// Session is one parking session of one plate in one zone.
type Session struct {
	ID       uint64    `json:"id"`
	Account  string    `json:"account,omitempty"` // empty for Easy numbers
	Number   string    `json:"number"`            // E.164
	Operator string    `json:"operator,omitempty"`
	Plate    string    `json:"plate"`
	Zone     string    `json:"zone"`
	City     string    `json:"city"`
	Channel  Channel   `json:"channel"`
	Start    time.Time `json:"start"`
	// Until is the latest end: start plus the zone's maximum duration, or
	// the voucher's end.
	Until     time.Time `json:"until"`
	End       time.Time `json:"end,omitzero"` // zero while running
	EndReason EndReason `json:"end_reason,omitempty"`
	// CostCents is the parking cost, final once the session ended.
	CostCents int64 `json:"cost_cents"`
	// TransactionCents is the transaction cost for the statement.
	TransactionCents int64 `json:"transaction_cents"`
	// Free marks the number's free first use: the session costs nothing.
	Free     bool   `json:"free_first_use,omitempty"`
	Reminded bool   `json:"reminded,omitempty"` // session_ending was sent
	Voucher  string `json:"voucher,omitempty"`
	// DayTicket marks a day ticket: it costs DayPriceCents, whatever its
	// length, and ends with the day's charging time.
	DayTicket     bool  `json:"day_ticket,omitempty"`
	DayPriceCents int64 `json:"day_price_cents,omitempty"`
	// ReducedPercent, when set, is the share of the normal cost charged
	// under a city's reduced tariff (e.g. 25), and Grant the grant's ID.
	ReducedPercent int    `json:"reduced_percent,omitempty"`
	Grant          string `json:"grant,omitempty"`
}

// Running reports whether the session has not ended.
func (s Session) Running() bool { return s.End.IsZero() }

// Package is an account's service package.
type Package string

// Packages.
const (
	Easy    Package = "easy"
	Premium Package = "premium"
	Pro     Package = "pro"
)

// MaxNumbers is how many numbers an account of the package may hold.
func (p Package) MaxNumbers() int {
	switch p {
	case Premium:
		return 4
	case Pro:
		return 1000
	}
	return 1
}

// Account is a Premium or Pro account; Easy numbers have none.
type Account struct {
	ID      string    `json:"id"`
	Package Package   `json:"package"`
	Numbers []string  `json:"numbers"` // E.164, 1 to Package.MaxNumbers()
	Created time.Time `json:"created"`
}

// Settings are what the engine remembers of one number.
type Settings struct {
	Number           string `json:"number"` // E.164
	ConfirmationsOff bool   `json:"confirmations_off,omitempty"`
	Language         string `json:"language,omitempty"` // the number's own choice
	LastPlate        string `json:"last_plate,omitempty"`
	// LastZone is the zone the number last parked in: replies that name no
	// zone speak its city's language (after the number's own choice).
	LastZone string `json:"last_zone,omitempty"`
	// Parked is set once the number has had a session: its free first use
	// is then spent or forfeited.
	Parked bool `json:"parked,omitempty"`
	// Month ("2026-11", Europe/Brussels) and MonthCents: what the number was
	// charged through its operator this calendar month (Easy limit).
	Month      string `json:"month,omitempty"`
	MonthCents int64  `json:"month_cents,omitempty"`
	// PasswordHash is the hash of the last PASS password; never the password.
	PasswordHash string `json:"password_hash,omitempty"`
	// PassRequests are the times of recent PASS requests (rate limit).
	PassRequests []time.Time `json:"pass_requests,omitempty"`
}

// Source addresses of replies.
const (
	SourceConfirm = "4411" // confirmations, status, credentials, C1, language
	SourceError   = "4400" // every error (free for the motorist)
)

// Message is an SMS to a motorist (an MT), kept in the durable outbox.
type Message struct {
	ID       uint64    `json:"id"`
	To       string    `json:"to"`
	Source   string    `json:"source"`
	Operator string    `json:"operator,omitempty"`
	Outcome  Outcome   `json:"outcome"`
	Text     string    `json:"text"`
	Created  time.Time `json:"created"`
	// Status is the message's delivery state: queued, sent, delivered,
	// failed, or dry_run for messages of the dry-run command (never sent).
	Status string `json:"status"`
	// Secret marks a message that carries a credential: Text then has the
	// password masked, and the clear text travels only in Clear, in
	// memory, to be sent; it is never written to the store.
	Secret bool   `json:"secret,omitempty"`
	Clear  string `json:"-"`
	// SMSC and SMSCIDs: where the message was submitted and the message
	// ids the SMSC gave its parts (delivery receipts refer to them).
	SMSC    string    `json:"smsc,omitempty"`
	SMSCIDs []string  `json:"smsc_ids,omitempty"`
	Sent    time.Time `json:"sent,omitzero"`
	// Attempts counts submit attempts; Error is the last failure.
	Attempts int    `json:"attempts,omitempty"`
	Error    string `json:"error,omitempty"`
}

// JournalEntry records one MO as the engine received it: when it arrived,
// when the SMSC says it did, and what came of it. Its Key recognises a
// redelivery of the same MO.
type JournalEntry struct {
	Key      string    `json:"key"`
	From     string    `json:"from"`
	Operator string    `json:"operator,omitempty"`
	Text     string    `json:"text"`
	Received time.Time `json:"received"`
	SMSCTime time.Time `json:"smsc_time,omitzero"`
	// At is the time the command took effect: the earliest trustworthy
	// of the two.
	At      time.Time `json:"at"`
	Outcome Outcome   `json:"outcome"`
	Reply   uint64    `json:"reply,omitempty"` // the reply message's ID
	// SMSC delivered the MO, from Sender (as the SMSC gave it; From is
	// normalised).
	SMSC   string `json:"smsc,omitempty"`
	Sender string `json:"sender,omitempty"`
	// AckPending: the MO's ack may not have reached its SMSC, which may
	// deliver it again; cleared once the SMSC is known to have read it.
	AckPending bool `json:"ack_pending,omitempty"`
}

// Message statuses.
const (
	StatusQueued    = "queued"
	StatusSent      = "sent"
	StatusDelivered = "delivered"
	StatusFailed    = "failed"
	StatusDryRun    = "dry_run"
)

// Change is what one command writes: everything in it becomes durable
// together, before the command's reply is released.
type Change struct {
	Sessions []Session  // put by ID; the store keeps the running index
	Settings []Settings // put by number
	Accounts []Account  // put by ID
	// DeletedAccounts are removed, with their numbers' index entries.
	DeletedAccounts []string
	Messages        []Message // appended to the outbox
	// Journal records MOs (by received time and key).
	Journal []JournalEntry
	// Acked clears AckPending on journal entries (by received time and
	// key): the SMSC read their MOs' acks. An entry no longer there is
	// skipped.
	Acked []JournalEntry
	// VoucherUses mark vouchers used by the sessions they started.
	VoucherUses []VoucherUse
	// Grants are put by ID.
	Grants []Grant
	// NextID is the next free ID for sessions and messages.
	NextID uint64
}

// State is what the engine loads when it starts.
type State struct {
	Running  []Session
	Settings []Settings
	Accounts []Account
	NextID   uint64
	// Journal holds the MOs received since the time Load was asked for,
	// to recognise redeliveries after a restart.
	Journal []JournalEntry
	// Grants are the reduced-tariff grants.
	Grants []Grant
}

// VoucherInfo is what the engine needs to know of a parking voucher.
type VoucherInfo struct {
	Code     string
	Zone     string
	Duration time.Duration
	Expires  time.Time // zero: never
	Used     bool
}

// VoucherUse records that a voucher started a session.
type VoucherUse struct {
	Code    string    `json:"code"`
	Plate   string    `json:"plate"`
	Session uint64    `json:"session"`
	At      time.Time `json:"at"`
}

// Grant is a reduced tariff a city's counter grants to a number or an
// account for a period (docs/permits.md): sessions in that city cost Percent of
// their normal cost. Who granted it and why are kept.
type Grant struct {
	ID        string    `json:"id"`
	City      string    `json:"city"`
	Number    string    `json:"number,omitempty"`  // E.164, or
	Account   string    `json:"account,omitempty"` // an account ID
	Percent   int       `json:"percent"`
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	GrantedBy string    `json:"granted_by"`
	Reason    string    `json:"reason"`
	Created   time.Time `json:"created"`
	Revoked   bool      `json:"revoked,omitempty"`
}

// Covers reports whether the grant applies to a number (of an account)
// in a city at a time.
func (g Grant) Covers(city, number, account string, at time.Time) bool {
	if g.Revoked || g.City != city || at.Before(g.From) || !at.Before(g.To) {
		return false
	}
	return (g.Number != "" && g.Number == number) || (g.Account != "" && g.Account == account)
}
