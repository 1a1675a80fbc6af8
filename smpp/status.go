package smpp

import (
	"fmt"
	"slices"

	"github.com/fiorix/go-smpp/smpp/pdu"
)

// StatusClass is what a command_status answered to a submit_sm (or a
// generic_nack answered in its place) means for the MT.
type StatusClass struct {
	// Name is the status's SMPP 3.4 name (ESME_RSYSERR, ...).
	Name string
	// Temporary: sending the same MT again later may succeed (the SMSC,
	// the bind or the network is in trouble, not the message). Permanent
	// statuses say the message itself is refused: sending it again gets
	// the same answer.
	Temporary bool
	// Throttle: the SMSC asks the ESME to slow down (the bind's rate is
	// lowered before the retry).
	Throttle bool
}

// statusClasses classifies every command_status of SMPP 3.4 §5.1.3. It
// is the one place that says whether a submit error is retried.
var statusClasses = map[pdu.Status]StatusClass{
	0x00: {Name: "ESME_ROK"},
	0x01: {Name: "ESME_RINVMSGLEN"},                  // message length is invalid: the message
	0x02: {Name: "ESME_RINVCMDLEN"},                  // command length is invalid: the PDU
	0x03: {Name: "ESME_RINVCMDID"},                   // invalid command id: the SMSC will not take submit_sm
	0x04: {Name: "ESME_RINVBNDSTS", Temporary: true}, // incorrect bind status: the bind, not the message
	0x05: {Name: "ESME_RALYBND", Temporary: true},    // already bound: the bind
	0x06: {Name: "ESME_RINVPRTFLG"},                  // invalid priority flag
	0x07: {Name: "ESME_RINVREGDLVFLG"},               // invalid registered delivery flag
	0x08: {Name: "ESME_RSYSERR", Temporary: true},    // system error of the SMSC
	0x0A: {Name: "ESME_RINVSRCADR"},                  // invalid source address
	0x0B: {Name: "ESME_RINVDSTADR"},                  // invalid destination address
	0x0C: {Name: "ESME_RINVMSGID"},                   // message id is invalid
	0x0D: {Name: "ESME_RBINDFAIL", Temporary: true},  // bind failed: the bind
	0x0E: {Name: "ESME_RINVPASWD", Temporary: true},  // invalid password: the bind's credentials
	0x0F: {Name: "ESME_RINVSYSID", Temporary: true},  // invalid system id: the bind's credentials
	0x11: {Name: "ESME_RCANCELFAIL"},                 // cancel_sm failed
	0x13: {Name: "ESME_RREPLACEFAIL"},                // replace_sm failed
	0x14: {Name: "ESME_RMSGQFUL", Temporary: true, Throttle: true},
	0x15: {Name: "ESME_RINVSERTYP"},                   // invalid service type
	0x33: {Name: "ESME_RINVNUMDESTS"},                 // invalid number of destinations
	0x34: {Name: "ESME_RINVDLNAME"},                   // invalid distribution list name
	0x40: {Name: "ESME_RINVDESTFLAG"},                 // invalid destination flag
	0x42: {Name: "ESME_RINVSUBREP"},                   // invalid submit with replace
	0x43: {Name: "ESME_RINVESMCLASS"},                 // invalid esm_class
	0x44: {Name: "ESME_RCNTSUBDL"},                    // cannot submit to a distribution list
	0x45: {Name: "ESME_RSUBMITFAIL", Temporary: true}, // submit failed, no reason given
	0x48: {Name: "ESME_RINVSRCTON"},                   // invalid source TON
	0x49: {Name: "ESME_RINVSRCNPI"},                   // invalid source NPI
	0x50: {Name: "ESME_RINVDSTTON"},                   // invalid destination TON
	0x51: {Name: "ESME_RINVDSTNPI"},                   // invalid destination NPI
	0x53: {Name: "ESME_RINVSYSTYP"},                   // invalid system_type
	0x54: {Name: "ESME_RINVREPFLAG"},                  // invalid replace_if_present flag
	0x55: {Name: "ESME_RINVNUMMSGS"},                  // invalid number of messages
	0x58: {Name: "ESME_RTHROTTLED", Temporary: true, Throttle: true},
	0x61: {Name: "ESME_RINVSCHED"},                         // invalid scheduled delivery time
	0x62: {Name: "ESME_RINVEXPIRY"},                        // invalid validity period
	0x63: {Name: "ESME_RINVDFTMSGID"},                      // predefined message not found
	0x64: {Name: "ESME_RX_T_APPN", Temporary: true},        // receiver temporary application error
	0x65: {Name: "ESME_RX_P_APPN"},                         // receiver permanent application error
	0x66: {Name: "ESME_RX_R_APPN"},                         // receiver rejects the message
	0x67: {Name: "ESME_RQUERYFAIL"},                        // query_sm failed
	0xC0: {Name: "ESME_RINVOPTPARSTREAM"},                  // error in the optional part
	0xC1: {Name: "ESME_ROPTPARNOTALLWD"},                   // optional parameter not allowed
	0xC2: {Name: "ESME_RINVPARLEN"},                        // invalid parameter length
	0xC3: {Name: "ESME_RMISSINGOPTPARAM"},                  // expected optional parameter missing
	0xC4: {Name: "ESME_RINVOPTPARAMVAL"},                   // invalid optional parameter value
	0xFE: {Name: "ESME_RDELIVERYFAILURE", Temporary: true}, // delivery failure (data_sm_resp)
	0xFF: {Name: "ESME_RUNKNOWNERR", Temporary: true},      // unknown error
}

// ClassifyStatus returns the class of a command_status. A status SMPP 3.4
// leaves reserved, and the SMSC vendor's own (0x400-0x4FF), are temporary:
// what they mean is unknown, and the message's validity bounds the
// retries; their name is the status in hex (0x00000400).
func ClassifyStatus(st pdu.Status) StatusClass {
	if c, ok := statusClasses[st]; ok {
		return c
	}
	return StatusClass{Name: fmt.Sprintf("0x%08x", uint32(st)), Temporary: true}
}

// StatusTable returns the classes of the statuses of SMPP 3.4 §5.1.3 an
// SMSC may answer a submit with (ESME_ROK excluded), in the order of their
// codes: what metrics start at 0 with.
func StatusTable() []StatusClass {
	codes := make([]pdu.Status, 0, len(statusClasses))
	for st := range statusClasses {
		if st != statusOK {
			codes = append(codes, st)
		}
	}
	slices.Sort(codes)
	out := make([]StatusClass, len(codes))
	for i, st := range codes {
		out[i] = statusClasses[st]
	}
	return out
}
