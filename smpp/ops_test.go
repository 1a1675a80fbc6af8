package smpp

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/rs/zerolog"
)

// selfSigned returns a TLS certificate for 127.0.0.1 and a pool that
// trusts it.
func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "fake SMSC"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}, pool
}

// TestTLS binds over TLS to a fake SMSC with a self-signed certificate,
// and refuses to bind through a certificate it does not trust.
func TestTLS(t *testing.T) {
	cert, pool := selfSigned(t)
	f := newFakeSMSCOn(t, tls.NewListener(mustListen(t), &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}))

	t.Run("trusted", func(t *testing.T) {
		h := newFakeHandler()
		s := testSMSC(f.addr())
		s.TLS = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		c, _ := startClient(t, []SMSC{s}, h, nil)
		p := f.nextPeer(t)
		if _, ok := p.conn.(*tls.Conn); !ok {
			t.Fatal("not TLS")
		}
		p.deliver(t, 1, dsm{from: motorist, to: "4411", sm: gsmText(t, "Q")})
		if mo := h.nextMO(t); mo.Text != "Q" {
			t.Fatalf("MO %q", mo.Text)
		}
		waitUp(t, c, 1)
	})

	t.Run("untrusted", func(t *testing.T) {
		before := f.binds.Load()
		var dials atomic.Int32
		s := testSMSC(f.addr())
		s.TLS = &tls.Config{MinVersion: tls.VersionTLS12} // system roots only
		c, stop := startClient(t, []SMSC{s}, newFakeHandler(), func(o *ClientOptions) {
			o.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
				dials.Add(1)
				var d net.Dialer
				return d.DialContext(ctx, network, addr)
			}
		})
		// A second dial comes after the first attempt failed.
		waitFor(t, "two attempts", func() bool { return dials.Load() >= 2 })
		if st := c.Status()[0]; st.State == StateUp {
			t.Fatal("bound through an untrusted certificate")
		}
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		if f.binds.Load() != before {
			t.Fatal("a bind went through an untrusted TLS connection")
		}
	})
}

func mustListen(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLogsMaskNumbersAndPassword: the logs never hold a phone number in
// clear nor the bind password, even when a Handler's error names the
// number.
func TestLogsMaskNumbersAndPassword(t *testing.T) {
	var logs syncBuffer
	f := newFakeSMSC(t)
	f.OnSubmit = func(p *peer, req packet) {
		p.send(packet{id: pdu.SubmitSMRespID, status: 0x0B, seq: req.seq})
	}
	f.RefuseBind.Store(0x0E)
	h := newFakeHandler()
	smsc := testSMSC(f.addr())
	smsc.RefusedRetry = smsc.ReconnectMin // the test waits for two refusals
	h.onMO = func(_ context.Context, mo MO) error {
		return errors.New("storing MO of " + mo.From + ": disk full")
	}
	c, stop := startClient(t, []SMSC{smsc}, h, func(o *ClientOptions) {
		o.Logger = zerolog.New(&logs).Level(zerolog.DebugLevel)
	})
	waitFor(t, "a refused bind", func() bool { return f.binds.Load() >= 2 })
	f.RefuseBind.Store(0)
	p := f.nextPeer(t)
	waitUp(t, c, 1)
	p.deliver(t, 1, dsm{from: "+" + motorist, to: "4411", sm: gsmText(t, "Q")})
	p.resp(t, 1)
	_, _ = c.Submit(context.Background(), MT{Operator: "proximus", From: "4411", To: "+32470999888", Text: "x"})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	for _, secret := range []string{"s3cret-pw", "470123456", "470999888"} {
		if strings.Contains(out, secret) {
			t.Errorf("logs hold %q:\n%s", secret, out)
		}
	}
	for _, masked := range []string{"*********456", "*********888"} {
		if !strings.Contains(out, masked) {
			t.Errorf("logs lack %q:\n%s", masked, out)
		}
	}
}

// TestMetrics reads the metrics after a bind, an MO and a throttled
// submit.
func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	f := newFakeSMSC(t)
	f.OnSubmit = func(p *peer, req packet) {
		p.send(packet{id: pdu.SubmitSMRespID, status: statusThrottled, seq: req.seq})
	}
	h := newFakeHandler()
	c, _ := startClient(t, []SMSC{testSMSC(f.addr())}, h, func(o *ClientOptions) {
		o.Registerer = reg
		o.throttlePause = time.Millisecond
	})
	p := f.nextPeer(t)
	waitUp(t, c, 1)
	p.deliver(t, 1, dsm{from: motorist, to: "4411", sm: gsmText(t, "Q")})
	p.resp(t, 1)
	_, _ = c.Submit(context.Background(), MT{Operator: "proximus", From: "4411", To: motorist, Text: "x"})
	p.send(packet{id: pdu.UnbindID, seq: 2})
	f.nextPeer(t)
	waitUp(t, c, 1)

	got := gather(t, reg)
	want := map[string]float64{
		`smspark_smpp_binds_up{kind="trx",smsc="proximus"}`:                                1,
		`smspark_smpp_window_in_use{smsc="proximus"}`:                                      0,
		`smspark_smpp_throttles_total{smsc="proximus"}`:                                    1,
		`smspark_smpp_reconnects_total{smsc="proximus"}`:                                   1,
		`smspark_smpp_pdus_total{command="DeliverSM",direction="in",smsc="proximus"}`:      1,
		`smspark_smpp_pdus_total{command="DeliverSMResp",direction="out",smsc="proximus"}`: 1,
		`smspark_smpp_pdus_total{command="SubmitSM",direction="out",smsc="proximus"}`:      1,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}

// gather flattens a registry to "name{labels}" → value.
func gather(t testing.TB, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]float64)
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+`="`+l.GetValue()+`"`)
			}
			out[mf.GetName()+"{"+strings.Join(labels, ",")+"}"] = value(m)
		}
	}
	return out
}

func value(m *dto.Metric) float64 {
	switch {
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Counter != nil:
		return m.Counter.GetValue()
	}
	return 0
}

// TestNoGoroutineGrowthAcross1000Reconnects: 1,000 binds that the SMSC
// drops right after accepting them leave no goroutine behind, during the
// run or after it.
func TestNoGoroutineGrowthAcross1000Reconnects(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 reconnects")
	}
	before := runtime.NumGoroutine()
	f, dial := newPipeSMSC(t)
	f.DropAfterBind = true
	s := testSMSC("pipe")
	s.ReconnectMin, s.ReconnectMax = time.Millisecond, time.Millisecond
	_, stop := startClient(t, []SMSC{s}, newFakeHandler(), func(o *ClientOptions) { o.Dial = dial })

	waitFor(t, "100 reconnects", func() bool { return f.binds.Load() >= 100 })
	at100 := settledGoroutines(before + 50)
	waitFor(t, "1,000 reconnects", func() bool { return f.binds.Load() >= 1000 })
	at1000 := settledGoroutines(at100)
	if at1000 > at100+5 {
		t.Errorf("goroutines grew from %d after 100 reconnects to %d after 1,000", at100, at1000)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	f.close()
	if after := settledGoroutines(before); after > before {
		t.Errorf("%d goroutines before Run, %d after", before, after)
	}
}

// settledGoroutines returns the number of goroutines once it is at most
// want, or what it is after a bounded wait (yielding, not sleeping).
func settledGoroutines(want int) int {
	deadline := time.Now().Add(waitLimit)
	n := runtime.NumGoroutine()
	for n > want && time.Now().Before(deadline) {
		runtime.Gosched()
		n = runtime.NumGoroutine()
	}
	return n
}
