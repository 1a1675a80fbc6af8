// Package audit names what the NOC does to a running engine: who (an API
// key's id, or Local for the CLI on the store or the machine's loopback),
// what and when. The store keeps the entries; the admin endpoint and
// `smspark audit` list them.
package audit

import "time"

// Local is the actor of an action taken on the machine itself: the CLI on
// a stopped engine's store (--data), the admin endpoint on loopback without
// a key, or a signal (SIGHUP).
const Local = "local"

// The actions recorded.
const (
	SessionStop         = "session.stop"
	AccountCreate       = "account.create"
	AccountAddNumber    = "account.add_number"
	AccountRemoveNumber = "account.remove_number"
	AccountSetPackage   = "account.set_package"
	KeyCreate           = "key.create"
	KeyRevoke           = "key.revoke"
	VoucherIssue        = "voucher.issue"
	VoucherCancel       = "voucher.cancel"
	ReducedGrant        = "reduced.grant"
	ReducedRevoke       = "reduced.revoke"
	ConfigReload        = "config.reload"
	Backup              = "backup"
	SMSCStop            = "smsc.stop"
	SMSCStart           = "smsc.start"
)

// Via says which way an action came.
const (
	ViaAdmin  = "admin"  // the admin endpoint (smspark ... --server)
	ViaAPI    = "api"    // the /v1 API
	ViaCLI    = "cli"    // smspark ... --data on a stopped engine's store
	ViaSignal = "signal" // SIGHUP
)

// Entry is one admin action, as done (an action refused before it changed
// anything is not an entry; a configuration reload is, applied or not).
type Entry struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`  // an API key's id, or Local
	Via    string    `json:"via"`    // ViaAdmin, ViaAPI, ViaCLI or ViaSignal
	Action string    `json:"action"` // one of the actions above
	// Target is what was acted on: a session, account, key, voucher order
	// or grant id, an SMSC's name, a backup's size.
	Target string `json:"target,omitempty"`
	Detail string `json:"detail,omitempty"` // what changed, in a few words
}

// Filter selects entries: those at or after Since (zero: all), the last
// Limit of them (0: all).
type Filter struct {
	Since time.Time
	Limit int
}
