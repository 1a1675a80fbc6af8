// Package parser turns the text of an SMS sent to 4411 into a command.
// It is pure: it knows the grammar of docs/sms.md, not which zones or vouchers
// exist. It never panics, whatever bytes it is given.
package parser

import "errors"

// Kind is what an SMS asks for.
type Kind int

// The kinds of command, in the order the grammar checks them.
const (
	Unknown             Kind = iota // nothing matched, empty text included
	Credentials                     // PASS
	ToggleConfirmations             // C1
	Status                          // I or INFO
	Language                        // NL, FR, DE, EN
	Stop                            // Q, Q <plate>, Q<plate>, STOP, STOP <plate>
	Start                           // <zone> <plate>, <zone>
	VoucherActivation               // <voucher> <plate>, <voucher>
	DayTicket                       // <zone> <plate> D, <zone> D
)

// ErrInvalidPlate is returned with a command whose plate is not a plate.
var ErrInvalidPlate = errors.New("invalid plate")
