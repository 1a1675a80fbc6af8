// Package smpp is smspark's SMPP 3.4 client: it binds to the operators'
// SMSCs, hands every MO to the engine and acknowledges it only once the
// engine made it durable, and submits the replies. It uses
// github.com/fiorix/go-smpp for PDU types and the field codec; the session
// layer (binds, windows, sequence numbers, enquire_link, reconnects,
// generic_nack) is its own, because that library's client cannot give
// these guarantees.
package smpp

import (
	"context"
	"crypto/tls"
	"time"
)

// BindMode is how the client binds to one SMSC.
type BindMode string

// Bind modes.
const (
	Transceiver         BindMode = "transceiver"          // one bind for MOs and MTs
	TransmitterReceiver BindMode = "transmitter+receiver" // a pair of binds
)

// SMSC configures the binds to one SMSC.
type SMSC struct {
	Name       string // unique, for logs and metrics
	Operator   string // the operator whose motorists this SMSC serves
	Address    string // host:port
	SystemID   string
	Password   string
	SystemType string
	BindMode   BindMode
	TLS        *tls.Config // nil: plain TCP
	// Window is the most submit_sm awaiting their resp on one bind.
	Window int
	// MaxSubmitsPerSecond limits submit_sm per SMSC (0: no limit).
	MaxSubmitsPerSecond int
	// EnquireLink is the idle interval between enquire_link probes; a bind
	// that answers nothing for two intervals is dropped.
	EnquireLink time.Duration
	// ReconnectMin and ReconnectMax bound the exponential backoff (with
	// jitter) between bind attempts.
	ReconnectMin, ReconnectMax time.Duration
	// ResponseTimeout is how long a request waits for its resp.
	ResponseTimeout time.Duration
	// InterfaceVersion is the SMPP version the bind announces: 0x33 or
	// 0x34 (0 is 0x34).
	InterfaceVersion byte
	// RedeliveryWindow is how long after a bind ended an MO whose ack it
	// may have lost is taken for its redelivery (0 is
	// DefaultRedeliveryWindow).
	RedeliveryWindow time.Duration
	// RefusedRetry is the wait before binding again after the SMSC refused
	// the bind for its credentials or configuration (0 is
	// DefaultRefusedRetry); other failures back off from ReconnectMin.
	RefusedRetry time.Duration
}

// MO is a complete mobile-originated SMS, reassembled and decoded.
type MO struct {
	SMSC     string
	Operator string
	From     string // source_addr as the SMSC gave it
	To       string // destination_addr, e.g. "4411"
	Text     string
	// Received is when the engine received the MO (its last part).
	Received time.Time
	// SMSCTime is when the SMSC says it received the MO, zero if it does
	// not say.
	SMSCTime time.Time
	// Key identifies the MO for redelivery detection: the same SMSC,
	// sender, text and SMSC timestamp (or the same parts of a
	// concatenated MO) give the same key; an MO without SMSC time has a
	// key of its own.
	Key string
	// NotText is set when the data coding says the message is not text
	// (8-bit data, compressed, reserved or an alphabet smspark does not
	// read): it must not be parsed as a command. Text then holds its
	// octets in hex.
	NotText bool
	// AckPending asks the Handler to record the MO in the AckLedger when
	// it applies it (the client's AckLedger is set).
	AckPending bool
}

// Receipt is a delivery receipt for an MT (deliver_sm with esm_class 0x04).
type Receipt struct {
	SMSC      string
	MessageID string // the id the SMSC gave in submit_sm_resp
	State     string // DELIVRD, UNDELIV, EXPIRED, REJECTD, ...
	Delivered bool
	Done      time.Time
	Err       string
}

// Handler receives what the SMSCs deliver. An MO's deliver_sm is answered
// ESME_ROK only after HandleMO returned nil (the MO is durable), and
// ESME_RX_T_APPN otherwise so that the SMSC delivers it again.
type Handler interface {
	HandleMO(ctx context.Context, mo MO) error
	HandleReceipt(ctx context.Context, r Receipt) error
}

// Part is one part of a concatenated MO, kept durable until its message is
// complete and handled.
type Part struct {
	SMSC     string
	Operator string
	From     string
	To       string
	Ref      uint16 // concatenation reference (8- or 16-bit)
	Total    int
	Seq      int // 1-based
	Text     string
	NotText  bool `json:",omitempty"`
	Received time.Time
	SMSCTime time.Time
}

// PartStore keeps parts of concatenated MOs durable: a part's deliver_sm is
// acknowledged only after SavePart returned nil.
type PartStore interface {
	SavePart(ctx context.Context, p Part) error
	// DeleteParts drops the parts of a message once it was handled.
	DeleteParts(ctx context.Context, smsc, from string, ref uint16, total int) error
	// LoadParts returns the parts kept when the client starts.
	LoadParts(ctx context.Context) ([]Part, error)
}

// MT is a reply to submit.
type MT struct {
	Operator string // submit on a bind of this operator's SMSC
	From     string // 4411 or 4400
	To       string // the motorist's number, as E.164
	Text     string
}
