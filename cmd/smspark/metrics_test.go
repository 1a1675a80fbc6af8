package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"smspark/config"
)

// gatherCounter returns the value of the series of family name whose
// labels include want (0 when there is none).
func gatherCounter(t *testing.T, g prometheus.Gatherer, name string, want map[string]string) float64 {
	t.Helper()
	families, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	series:
		for _, m := range f.GetMetric() {
			have := map[string]string{}
			for _, l := range m.GetLabel() {
				have[l.GetName()] = l.GetValue()
			}
			for k, v := range want {
				if have[k] != v {
					continue series
				}
			}
			if m.Counter != nil {
				return m.GetCounter().GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	return 0
}

// TestMetricsFromTheFirstScrape: a fresh engine, before any bind, MO or
// reply, already exports every series whose labels the configuration
// says (SMSCs, operators, outcomes, sources, the SMPP status classes),
// and every metric deploy/'s alert rules and dashboard use.
func TestMetricsFromTheFirstScrape(t *testing.T) {
	cfg := config.Default()
	cfg.SMSCs = []config.SMSC{{Name: "proximus-1", Operator: "proximus", Address: "127.0.0.1:1", SystemID: "smspark",
		Password: "secret", BindMode: config.BindTransmitterReceiver, Window: 10}}
	m := &Main{Config: cfg, DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0", Logger: testLogger(t)}
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	families, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	scraped := map[string]bool{}
	series := map[string]bool{}
	for _, f := range families {
		scraped[f.GetName()] = true
		for _, s := range f.GetMetric() {
			var pairs []string
			for _, l := range s.GetLabel() {
				pairs = append(pairs, l.GetName()+"="+l.GetValue())
			}
			series[f.GetName()+"{"+strings.Join(pairs, ",")+"}"] = true
		}
	}
	for _, want := range []string{
		"smspark_smpp_throttles_total{smsc=proximus-1}",
		"smspark_smpp_reconnects_total{smsc=proximus-1}",
		"smspark_smpp_binds_up{kind=rx,smsc=proximus-1}",
		"smspark_smpp_binds_up{kind=tx,smsc=proximus-1}",
		"smspark_smpp_window_in_use{smsc=proximus-1}",
		"smspark_smpp_submit_errors_total{class=temporary,smsc=proximus-1,status=ESME_RSYSERR}",
		"smspark_smpp_submit_errors_total{class=permanent,smsc=proximus-1,status=ESME_RINVDSTADR}",
		"smspark_mt_failed_total{operator=base,reason=validity_expired}",
		"smspark_mt_failed_total{operator=telenet,reason=ESME_RINVDSTADR}",
		"smspark_mt_total{result=failed,source=4400}",
		"smspark_mo_total{operator=orange,outcome=started}",
		"smspark_mo_total{operator=orange,outcome=duplicate}",
		"smspark_delivery_receipts_total{operator=proximus,state=UNDELIV}",
		"smspark_mo_to_mt_seconds{operator=proximus}",
		"smspark_outbox_depth{}",
		"smspark_outbox_oldest_seconds{}",
		"smspark_store_size_bytes{}",
		"smspark_http_request_duration_seconds{route=GET /healthz}",
	} {
		if !series[want] {
			t.Errorf("%s not in the first scrape", want)
		}
	}
	used := map[string]bool{}
	for _, file := range []string{"../../deploy/alerts.yml", "../../deploy/grafana-dashboard.json"} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range regexp.MustCompile(`\bsmspark_[a-z0-9_]+`).FindAllString(string(b), -1) {
			used[name] = true
		}
	}
	for name := range used {
		base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_count"), "_sum")
		if !scraped[base] {
			t.Errorf("deploy/ uses %s, not in the first scrape", name)
		}
	}
}

// TestMetricsOnTheAdminListener: /metrics is served on the admin
// listener, and not on the public API's.
func TestMetricsOnTheAdminListener(t *testing.T) {
	a := startAdminE2E(t, "")
	get := func(url string) (int, string) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(a.url + "/metrics"); code != 200 || !strings.Contains(body, "smspark_outbox_depth 0") {
		t.Errorf("admin /metrics: %d\n%.300s", code, body)
	}
	if code, _ := get("http://" + a.main.HTTP.Addr() + "/metrics"); code != http.StatusNotFound {
		t.Errorf("public API /metrics: %d, want 404", code)
	}
}
