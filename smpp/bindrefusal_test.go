package smpp

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestBindRefusedForConfigWaitsLong: a bind refused for its credentials is
// a configuration error: shown in Status, counted, and retried only after
// RefusedRetry; a transient refusal keeps the short backoff.
func TestBindRefusedForConfigWaitsLong(t *testing.T) {
	f := newFakeSMSC(t)
	f.RefuseBind.Store(0x0E) // ESME_RINVPASWD
	smsc := testSMSC(f.addr())
	smsc.RefusedRetry = time.Hour
	reg := prometheus.NewRegistry()
	c, _ := startClient(t, []SMSC{smsc}, newFakeHandler(), func(o *ClientOptions) { o.Registerer = reg })
	waitFor(t, "the refusal in the status", func() bool { return c.Status()[0].ConfigError })
	st := c.Status()[0]
	if st.State == StateUp || !strings.Contains(st.LastError, "0xe") {
		t.Fatalf("status %+v", st)
	}
	if got := testutil.ToFloat64(c.m.refusals.WithLabelValues("proximus", "0x0e")); got != 1 {
		t.Fatalf("refusals %v", got)
	}
	if got := testutil.ToFloat64(c.m.refused.WithLabelValues("proximus")); got != 1 {
		t.Fatalf("config error gauge %v", got)
	}
	b := c.links.binds()[0]
	bo := newBackoff(smsc.ReconnectMin, smsc.ReconnectMax)
	for _, tt := range []struct {
		status uint32
		config bool
	}{{0x0E, true}, {0x0F, true}, {0x53, true}, {0x0D, false}, {0x08, false}, {0x05, false}} {
		wait := b.failed(&BindRefusal{Status: pdu.Status(tt.status)}, bo)
		if long := wait == time.Hour; long != tt.config {
			t.Errorf("status %#x: wait %v", tt.status, wait)
		}
	}
	if wait := b.failed(errors.New("connection refused"), bo); wait > smsc.ReconnectMax {
		t.Errorf("network failure: wait %v", wait)
	}
	if f.binds.Load() != 1 {
		t.Errorf("%d bind attempts within the long wait, want 1", f.binds.Load())
	}
}

// TestInterfaceVersionInBind: the bind carries the SMSC's
// interface_version.
func TestInterfaceVersionInBind(t *testing.T) {
	f := newFakeSMSC(t)
	smsc := testSMSC(f.addr())
	smsc.InterfaceVersion = 0x33
	startClient(t, []SMSC{smsc}, newFakeHandler(), nil)
	p := f.nextPeer(t)
	bind := p.received()[0]
	// system_id, password, system_type, then interface_version.
	body := bind.body
	for range 3 {
		body = body[strings.IndexByte(string(body), 0)+1:]
	}
	if body[0] != 0x33 {
		t.Fatalf("interface_version %#x", body[0])
	}
}

// TestSMSCSeriesFromTheFirstScrape: the series labelled by SMSC alone (and
// the refusals of the configuration statuses) exist at 0 before any event.
func TestSMSCSeriesFromTheFirstScrape(t *testing.T) {
	reg := prometheus.NewRegistry()
	_, err := NewClient(ClientOptions{SMSCs: []SMSC{testSMSC("127.0.0.1:1")}, Handler: newFakeHandler(), Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"smspark_mo_redeliveries_total", "smspark_smpp_bind_config_error",
		"smspark_smpp_throttles_total", "smspark_smpp_reconnects_total"} {
		if n := testutil.CollectAndCount(reg, name); n != 1 {
			t.Errorf("%s: %d series, want 1", name, n)
		}
	}
	if n := testutil.CollectAndCount(reg, "smspark_smpp_bind_refusals_total"); n != 3 {
		t.Errorf("bind refusals: %d series, want the 3 configuration statuses", n)
	}
}
