package smpp

import (
	"errors"
	"slices"
	"testing"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestStopStartSMSC: StopSMSC unbinds one SMSC and keeps it stopped,
// submits for its operator then wait (ErrNoBind, temporary), StartSMSC
// binds it again; an unknown name is ErrUnknownSMSC.
func TestStopStartSMSC(t *testing.T) {
	f := newFakeSMSC(t)
	reg := prometheus.NewRegistry()
	c, _ := startClient(t, []SMSC{testSMSC(f.addr())}, newFakeHandler(), func(o *ClientOptions) { o.Registerer = reg })
	p := f.nextPeer(t)
	waitUp(t, c, 1)
	stopped := func() float64 { return testutil.ToFloat64(c.m.stopped.WithLabelValues("proximus")) }
	if stopped() != 0 {
		t.Fatal("smspark_smpp_smsc_stopped is 1 before the stop")
	}
	if err := c.StopSMSC("proximus"); err != nil {
		t.Fatal(err)
	}
	p.next(t, pdu.UnbindID) // a clean unbind, answered by the fake
	if st := c.Status(); st[0].State != StateStopped {
		t.Fatalf("after StopSMSC: %+v", st)
	}
	// The alert on binds down leaves out an SMSC stopped on purpose.
	if stopped() != 1 {
		t.Fatal("smspark_smpp_smsc_stopped is not 1 after the stop")
	}
	_, err := c.Submit(t.Context(), MT{From: "4411", To: "+32475000001", Operator: "proximus", Text: "x"})
	if !errors.Is(err, ErrNoBind) || !Temporary(err) {
		t.Fatalf("submit to a stopped SMSC: %v", err)
	}
	if err := c.StopSMSC("nosuch"); !errors.Is(err, ErrUnknownSMSC) {
		t.Fatalf("StopSMSC(nosuch) = %v", err)
	}
	if err := c.StartSMSC("proximus"); err != nil {
		t.Fatal(err)
	}
	f.nextPeer(t)
	waitUp(t, c, 1)
	if stopped() != 0 {
		t.Fatal("smspark_smpp_smsc_stopped is still 1 after the start")
	}
}

// TestReconfigure: only the SMSCs added, removed or changed are touched;
// a list that does not validate changes nothing.
func TestReconfigure(t *testing.T) {
	f1, f2 := newFakeSMSC(t), newFakeSMSC(t)
	a := testSMSC(f1.addr())
	c, _ := startClient(t, []SMSC{a}, newFakeHandler(), nil)
	p1 := f1.nextPeer(t)
	waitUp(t, c, 1)
	b := testSMSC(f2.addr())
	b.Name, b.Operator = "base", "base"
	if _, err := c.Reconfigure([]SMSC{a, b, b}); !errors.Is(err, ErrInvalidOptions) {
		t.Fatalf("a name twice: %v", err)
	}
	changes, err := c.Reconfigure([]SMSC{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(changeNames(changes), []string{"proximus unchanged", "base added"}) {
		t.Fatalf("changes = %+v", changes)
	}
	f2.nextPeer(t)
	waitUp(t, c, 2)
	if got := p1.received(); slices.ContainsFunc(got, func(p packet) bool { return p.id == pdu.UnbindID }) {
		t.Fatal("an unchanged SMSC was unbound")
	}
	a.Window = 20
	changes, err = c.Reconfigure([]SMSC{a})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(changeNames(changes), []string{"proximus changed", "base removed"}) || !slices.Equal(changes[0].Settings, []string{"Window"}) {
		t.Fatalf("changes = %+v", changes)
	}
	p1.next(t, pdu.UnbindID)
	f1.nextPeer(t)
	waitUp(t, c, 1)
	if st := c.Status(); len(st) != 1 || st[0].Window != 20 {
		t.Fatalf("status after the change: %+v", st)
	}
}

func changeNames(cs []SMSCChange) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name+" "+c.Change)
	}
	return out
}
