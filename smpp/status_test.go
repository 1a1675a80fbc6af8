package smpp_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/fiorix/go-smpp/smpp/pdu"

	"smspark/smpp"
)

// TestClassifyStatus lists every command_status of SMPP 3.4 §5.1.3 with
// its class, independently of the table it checks: a status is temporary
// when the SMSC, the bind or the network is in trouble, permanent when
// the message itself is refused.
func TestClassifyStatus(t *testing.T) {
	const tmp, perm, throttle = "temporary", "permanent", "throttle"
	tests := []struct {
		code  uint32
		name  string
		class string
	}{
		{0x01, "ESME_RINVMSGLEN", perm},
		{0x02, "ESME_RINVCMDLEN", perm},
		{0x03, "ESME_RINVCMDID", perm},
		{0x04, "ESME_RINVBNDSTS", tmp},
		{0x05, "ESME_RALYBND", tmp},
		{0x06, "ESME_RINVPRTFLG", perm},
		{0x07, "ESME_RINVREGDLVFLG", perm},
		{0x08, "ESME_RSYSERR", tmp},
		{0x0A, "ESME_RINVSRCADR", perm},
		{0x0B, "ESME_RINVDSTADR", perm},
		{0x0C, "ESME_RINVMSGID", perm},
		{0x0D, "ESME_RBINDFAIL", tmp},
		{0x0E, "ESME_RINVPASWD", tmp},
		{0x0F, "ESME_RINVSYSID", tmp},
		{0x11, "ESME_RCANCELFAIL", perm},
		{0x13, "ESME_RREPLACEFAIL", perm},
		{0x14, "ESME_RMSGQFUL", throttle},
		{0x15, "ESME_RINVSERTYP", perm},
		{0x33, "ESME_RINVNUMDESTS", perm},
		{0x34, "ESME_RINVDLNAME", perm},
		{0x40, "ESME_RINVDESTFLAG", perm},
		{0x42, "ESME_RINVSUBREP", perm},
		{0x43, "ESME_RINVESMCLASS", perm},
		{0x44, "ESME_RCNTSUBDL", perm},
		{0x45, "ESME_RSUBMITFAIL", tmp},
		{0x48, "ESME_RINVSRCTON", perm},
		{0x49, "ESME_RINVSRCNPI", perm},
		{0x50, "ESME_RINVDSTTON", perm},
		{0x51, "ESME_RINVDSTNPI", perm},
		{0x53, "ESME_RINVSYSTYP", perm},
		{0x54, "ESME_RINVREPFLAG", perm},
		{0x55, "ESME_RINVNUMMSGS", perm},
		{0x58, "ESME_RTHROTTLED", throttle},
		{0x61, "ESME_RINVSCHED", perm},
		{0x62, "ESME_RINVEXPIRY", perm},
		{0x63, "ESME_RINVDFTMSGID", perm},
		{0x64, "ESME_RX_T_APPN", tmp},
		{0x65, "ESME_RX_P_APPN", perm},
		{0x66, "ESME_RX_R_APPN", perm},
		{0x67, "ESME_RQUERYFAIL", perm},
		{0xC0, "ESME_RINVOPTPARSTREAM", perm},
		{0xC1, "ESME_ROPTPARNOTALLWD", perm},
		{0xC2, "ESME_RINVPARLEN", perm},
		{0xC3, "ESME_RMISSINGOPTPARAM", perm},
		{0xC4, "ESME_RINVOPTPARAMVAL", perm},
		{0xFE, "ESME_RDELIVERYFAILURE", tmp},
		{0xFF, "ESME_RUNKNOWNERR", tmp},
		// Reserved and vendor-specific statuses: meaning unknown,
		// retried until the message's validity ends.
		{0x09, "0x00000009", tmp},
		{0x100, "0x00000100", tmp},
		{0x400, "0x00000400", tmp},
		{0x4FF, "0x000004ff", tmp},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%#x_%s", tt.code, tt.name), func(t *testing.T) {
			c := smpp.ClassifyStatus(pdu.Status(tt.code))
			want := smpp.StatusClass{Name: tt.name, Temporary: tt.class != perm, Throttle: tt.class == throttle}
			if c != want {
				t.Errorf("ClassifyStatus(%#x) = %+v, want %+v", tt.code, c, want)
			}
			se := &smpp.SubmitError{Status: pdu.Status(tt.code), Temporary: c.Temporary, Err: pdu.Status(tt.code)}
			if se.Reason() != tt.name || se.Throttle() != (tt.class == throttle) {
				t.Errorf("SubmitError reason %q throttle %v", se.Reason(), se.Throttle())
			}
		})
	}
	// Every status of the table is listed above: none is classed by
	// accident.
	listed := map[string]bool{}
	for _, tt := range tests {
		listed[tt.name] = true
	}
	for _, c := range smpp.StatusTable() {
		if !listed[c.Name] {
			t.Errorf("the table classes %s, which this test does not list", c.Name)
		}
	}
	if n := len(smpp.StatusTable()); n != len(tests)-4 {
		t.Errorf("StatusTable has %d statuses, want %d", n, len(tests)-4)
	}
}

// TestSubmitErrorReason names the failures without a status.
func TestSubmitErrorReason(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{smpp.ErrUnknownOperator, "no_smsc"},
		{smpp.ErrBadAddress, "bad_address"},
		{smpp.ErrTooLong, "too_long"},
		{smpp.ErrNoBind, "no_bind"},
		{smpp.ErrBindLost, "bind_lost"},
		{smpp.ErrTimeout, "timeout"},
		{smpp.ErrBusy, "busy"},
		{errors.New("other"), "error"},
	} {
		if got := (&smpp.SubmitError{Err: tt.err}).Reason(); got != tt.want {
			t.Errorf("Reason of %v = %q, want %q", tt.err, got, tt.want)
		}
	}
}
