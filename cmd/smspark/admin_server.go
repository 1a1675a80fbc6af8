package main

import (
	"smspark/config"
	"smspark/httpapi"
	"smspark/msisdn"
)

// openAdmin builds the admin endpoint on AdminAddr and opens its socket;
// without AdminAddr there is none. It serves /metrics too: the metrics
// are for the operator's Prometheus, not for the public API's clients.
func (m *Main) openAdmin() error {
	if m.AdminAddr == "" {
		m.Logger.Warn().Msg("no admin endpoint (--admin \"\"): /metrics is not served")
		return nil
	}
	opts := httpapi.AdminOptions{Addr: m.AdminAddr, Engine: m.Engine, Store: m.DB, Outbox: m.Sender,
		Vouchers: m.Vouchers, Reload: m.Reload, Zones: m.zone, Audit: m.DB,
		City: func(name string) (string, bool) {
			c, ok := m.config().City(name)
			return c.Name, ok
		},
		Normalize: msisdn.Belgium{}.Normalize,
		Version:   thisBuild().Version, Started: m.Clock.Now(), Clock: m.Clock.Now, Location: m.Config.Location,
		Logger: m.Logger.With().Str("component", "admin").Logger(), Limits: httpLimits(m.Config.HTTP),
		Gatherer: m.Registry}
	if m.Client != nil { // a nil *smpp.Client in the interface would not be nil
		opts.Binds, opts.SMSCs = m.Client, m.Client
	}
	admin, err := httpapi.NewAdmin(opts)
	if err != nil {
		return err
	}
	if err := admin.Listen(); err != nil {
		if m.AdminOptional {
			m.Logger.Error().Err(err).Str("admin", m.AdminAddr).
				Msg("admin endpoint not started (its address is taken): the engine runs without it and without /metrics; set --admin")
			return nil
		}
		return err
	}
	m.Admin = admin
	m.listening = append(m.listening, admin)
	return nil
}

// httpLimits are the configured connection cap and timeouts of an HTTP
// listener.
func httpLimits(h config.HTTP) httpapi.Limits {
	return httpapi.Limits{MaxConns: h.MaxConnections, ReadTimeout: h.ReadTimeout,
		WriteTimeout: h.WriteTimeout, IdleTimeout: h.IdleTimeout}
}
