package smpp

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// metrics are the client's Prometheus metrics. A nil *metrics records
// nothing (no Registerer given).
type metrics struct {
	bindsUp    *prometheus.GaugeVec
	windowUsed *prometheus.GaugeVec
	throttles  *prometheus.CounterVec
	pdus       *prometheus.CounterVec
	reconnects *prometheus.CounterVec
	redelivers *prometheus.CounterVec
	refusals   *prometheus.CounterVec
	refused    *prometheus.GaugeVec
	stopped    *prometheus.GaugeVec
	submitErrs *prometheus.CounterVec
	busy       *prometheus.CounterVec
}

// newMetrics registers the metrics with reg; nil reg gives nil.
// Registering twice with one registry panics (promauto).
func newMetrics(reg prometheus.Registerer) *metrics {
	if reg == nil {
		return nil
	}
	return registerMetrics(promauto.With(reg))
}

// initSMSC makes the series of an SMSC whose labels are known exist at 0
// from the first scrape.
func (m *metrics) initSMSC(smsc string) {
	if m != nil {
		m.redelivers.WithLabelValues(smsc)
		m.busy.WithLabelValues(smsc)
		m.refused.WithLabelValues(smsc)
		m.stopped.WithLabelValues(smsc)
		m.throttles.WithLabelValues(smsc)
		m.reconnects.WithLabelValues(smsc)
		for _, st := range configStatuses() {
			m.refusals.WithLabelValues(smsc, statusLabel(uint32(st)))
		}
	}
}

func registerMetrics(f promauto.Factory) *metrics {
	return &metrics{
		redelivers: f.NewCounterVec(prometheus.CounterOpts{
			Name: "smspark_mo_redeliveries_total",
			Help: "MOs taken for the redelivery of one applied before (its ack lost with a bind, or the SMSC's timestamp the same), acked without effect, by SMSC.",
		}, []string{"smsc"}),
		refusals: f.NewCounterVec(prometheus.CounterOpts{
			Name: "smspark_smpp_bind_refusals_total",
			Help: "Binds the SMSC refused, by SMSC and command_status (hex).",
		}, []string{"smsc", "status"}),
		refused: f.NewGaugeVec(prometheus.GaugeOpts{
			Name: "smspark_smpp_bind_config_error",
			Help: "1 while the SMSC's last answer to a bind refused the credentials or configuration (fix the config), by SMSC.",
		}, []string{"smsc"}),
		stopped: f.NewGaugeVec(prometheus.GaugeOpts{
			Name: "smspark_smpp_smsc_stopped",
			Help: "1 while the operator has stopped the SMSC (smspark smsc stop), by SMSC: its binds are down on purpose.",
		}, []string{"smsc"}),
		bindsUp: f.NewGaugeVec(prometheus.GaugeOpts{
			Name: "smspark_smpp_binds_up",
			Help: "Binds up, by SMSC and kind (trx, tx, rx).",
		}, []string{"smsc", "kind"}),
		windowUsed: f.NewGaugeVec(prometheus.GaugeOpts{
			Name: "smspark_smpp_window_in_use",
			Help: "Submits awaiting their resp, by SMSC.",
		}, []string{"smsc"}),
		throttles: f.NewCounterVec(prometheus.CounterOpts{
			Name: "smspark_smpp_throttles_total",
			Help: "Submits answered ESME_RTHROTTLED or ESME_RMSGQFUL, by SMSC.",
		}, []string{"smsc"}),
		pdus: f.NewCounterVec(prometheus.CounterOpts{
			Name: "smspark_smpp_pdus_total",
			Help: "PDUs, by SMSC, command and direction (in, out).",
		}, []string{"smsc", "command", "direction"}),
		reconnects: f.NewCounterVec(prometheus.CounterOpts{
			Name: "smspark_smpp_reconnects_total",
			Help: "Bind attempts after a bind failed or went down, by SMSC.",
		}, []string{"smsc"}),
		busy: f.NewCounterVec(prometheus.CounterOpts{
			Name: "smspark_smpp_handler_refusals_total",
			Help: "deliver_sm answered ESME_RX_T_APPN because every handler was busy and the queue full (the SMSC delivers them again), by SMSC.",
		}, []string{"smsc"}),
		submitErrs: f.NewCounterVec(prometheus.CounterOpts{
			Name: "smspark_smpp_submit_errors_total",
			Help: "submit_sm answered with an error status (or a generic_nack), by SMSC, command_status name and class (temporary: retried; permanent: the reply failed).",
		}, []string{"smsc", "status", "class"}),
	}
}

// init creates, at 0, every series whose labels the SMSC's configuration
// already says, so that the first scrape shows them.
func (m *metrics) init(smsc string, kinds []string) {
	if m == nil {
		return
	}
	for _, k := range kinds {
		m.bindsUp.WithLabelValues(smsc, k)
	}
	m.windowUsed.WithLabelValues(smsc)
	m.throttles.WithLabelValues(smsc)
	m.reconnects.WithLabelValues(smsc)
	for _, c := range StatusTable() {
		m.submitErrs.WithLabelValues(smsc, c.Name, className(c.Temporary))
	}
	for _, cmd := range []struct{ name, dir string }{
		{"submit_sm", "out"}, {"submit_sm_resp", "in"}, {"deliver_sm", "in"}, {"deliver_sm_resp", "out"},
		{"enquire_link", "out"}, {"enquire_link_resp", "in"}, {"enquire_link", "in"}, {"enquire_link_resp", "out"},
		{"generic_nack", "in"}, {"generic_nack", "out"},
	} {
		m.pdus.WithLabelValues(smsc, cmd.name, cmd.dir)
	}
}

// className is the class label of a submit error.
func className(temporary bool) string {
	if temporary {
		return "temporary"
	}
	return "permanent"
}

func (m *metrics) submitError(smsc string, se *SubmitError) {
	if m != nil {
		m.submitErrs.WithLabelValues(smsc, se.Reason(), className(se.Temporary)).Inc()
	}
}

func (m *metrics) setUp(smsc, kind string, up, stopped bool) {
	if m == nil {
		return
	}
	m.bindsUp.WithLabelValues(smsc, kind).Set(gauge(up))
	m.stopped.WithLabelValues(smsc).Set(gauge(stopped))
}

// gauge is 1 for true, 0 for false.
func gauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func (m *metrics) window(smsc string, delta float64) {
	if m != nil {
		m.windowUsed.WithLabelValues(smsc).Add(delta)
	}
}

func (m *metrics) throttle(smsc string) {
	if m != nil {
		m.throttles.WithLabelValues(smsc).Inc()
	}
}

func (m *metrics) pdu(smsc, command, direction string) {
	if m != nil {
		m.pdus.WithLabelValues(smsc, command, direction).Inc()
	}
}

func (m *metrics) reconnect(smsc string) {
	if m != nil {
		m.reconnects.WithLabelValues(smsc).Inc()
	}
}

func (m *metrics) handlerRefusal(smsc string) {
	if m != nil {
		m.busy.WithLabelValues(smsc).Inc()
	}
}

func (m *metrics) redelivery(smsc string) {
	if m != nil {
		m.redelivers.WithLabelValues(smsc).Inc()
	}
}

// bindRefused counts a refusal with status, and sets the configuration
// error gauge by config.
func (m *metrics) bindRefused(smsc string, status uint32, config bool) {
	if m != nil {
		m.refusals.WithLabelValues(smsc, statusLabel(status)).Inc()
		m.setConfigError(smsc, config)
	}
}

func (m *metrics) setConfigError(smsc string, config bool) {
	if m == nil {
		return
	}
	v := 0.0
	if config {
		v = 1
	}
	m.refused.WithLabelValues(smsc).Set(v)
}

// statusLabel is a command_status as the status label gives it: "0x0e".
func statusLabel(status uint32) string { return fmt.Sprintf("%#02x", status) }
