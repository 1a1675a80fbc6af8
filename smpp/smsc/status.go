package smsc

import "fmt"

// Status is an SMPP command_status, as the simulator sends it in its
// responses and receives it in the ESME's.
type Status uint32

// The command_status values the simulator uses or reports.
const (
	StatusOK         Status = 0x00 // ESME_ROK
	StatusInvMsgLen  Status = 0x01 // ESME_RINVMSGLEN
	StatusInvCmdLen  Status = 0x02 // ESME_RINVCMDLEN
	StatusInvCmdID   Status = 0x03 // ESME_RINVCMDID
	StatusInvBndSts  Status = 0x04 // ESME_RINVBNDSTS
	StatusAlyBnd     Status = 0x05 // ESME_RALYBND
	StatusSysErr     Status = 0x08 // ESME_RSYSERR
	StatusBindFail   Status = 0x0D // ESME_RBINDFAIL
	StatusInvPaswd   Status = 0x0E // ESME_RINVPASWD
	StatusInvSysID   Status = 0x0F // ESME_RINVSYSID
	StatusMsgQFul    Status = 0x14 // ESME_RMSGQFUL
	StatusSubmitFail Status = 0x45 // ESME_RSUBMITFAIL
	StatusThrottled  Status = 0x58 // ESME_RTHROTTLED
	StatusRxTAppn    Status = 0x64 // ESME_RX_T_APPN
	StatusRxPAppn    Status = 0x65 // ESME_RX_P_APPN
	StatusRxRAppn    Status = 0x66 // ESME_RX_R_APPN
	StatusUnknownErr Status = 0xFF // ESME_RUNKNOWNERR
)

var statusNames = map[Status]string{
	StatusOK:         "ESME_ROK",
	StatusInvMsgLen:  "ESME_RINVMSGLEN",
	StatusInvCmdLen:  "ESME_RINVCMDLEN",
	StatusInvCmdID:   "ESME_RINVCMDID",
	StatusInvBndSts:  "ESME_RINVBNDSTS",
	StatusAlyBnd:     "ESME_RALYBND",
	StatusSysErr:     "ESME_RSYSERR",
	StatusBindFail:   "ESME_RBINDFAIL",
	StatusInvPaswd:   "ESME_RINVPASWD",
	StatusInvSysID:   "ESME_RINVSYSID",
	StatusMsgQFul:    "ESME_RMSGQFUL",
	StatusSubmitFail: "ESME_RSUBMITFAIL",
	StatusThrottled:  "ESME_RTHROTTLED",
	StatusRxTAppn:    "ESME_RX_T_APPN",
	StatusRxPAppn:    "ESME_RX_P_APPN",
	StatusRxRAppn:    "ESME_RX_R_APPN",
	StatusUnknownErr: "ESME_RUNKNOWNERR",
}

// String returns the SMPP name of s ("ESME_RTHROTTLED") or its hex value.
func (s Status) String() string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return fmt.Sprintf("0x%08X", uint32(s))
}

// Permanent reports whether an ESME that answers s to a deliver_sm will
// never accept that message (ESME_RX_P_APPN, ESME_RX_R_APPN), so that an
// SMSC stops redelivering it.
func (s Status) Permanent() bool {
	return s == StatusRxPAppn || s == StatusRxRAppn
}
