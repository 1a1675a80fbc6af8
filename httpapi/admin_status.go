package httpapi

import (
	"net/http"
	"os"
	"time"
)

// AdminStatus is the engine's state, for `smspark status`.
type AdminStatus struct {
	Version string `json:"version"`
	// EngineRunning is false when the status was read from a stopped
	// engine's store (smspark status --data).
	EngineRunning bool `json:"engine_running"`
	// Started (RFC 3339) and UptimeSeconds: since the engine started.
	Started       string      `json:"started,omitempty"`
	UptimeSeconds int64       `json:"uptime_seconds"`
	Binds         []AdminBind `json:"binds"`
	// OutboxDepth is how many replies wait to be submitted.
	OutboxDepth int `json:"outbox_depth"`
	// RunningSessions counts the running sessions by city.
	RunningSessions map[string]int `json:"running_sessions"`
	Store           AdminStoreInfo `json:"store"`
}

// AdminBind is one SMPP bind.
type AdminBind struct {
	SMSC     string `json:"smsc"`
	Operator string `json:"operator"`
	Kind     string `json:"kind"`  // trx, tx or rx
	State    string `json:"state"` // down, binding or up
	Since    string `json:"since"` // RFC 3339
	// InUse of Window submits are outstanding.
	InUse  int `json:"in_use"`
	Window int `json:"window"`
	// SubmitsPerSecond is the rate in force (0: no limit).
	SubmitsPerSecond float64 `json:"submits_per_second"`
	Throttles        int64   `json:"throttles"`
	// LastError is why the bind is not up; ConfigError says the SMSC
	// refused its credentials or configuration.
	LastError   string `json:"last_error,omitempty"`
	ConfigError bool   `json:"config_error,omitempty"`
}

// AdminStoreInfo is the store's file.
type AdminStoreInfo struct {
	Path      string `json:"path"`
	SizeBytes int64  `json:"size_bytes"`
}

func (a *Admin) status(w http.ResponseWriter, _ *http.Request) error {
	now := a.opts.Clock()
	st := AdminStatus{Version: a.opts.Version, EngineRunning: true, Binds: []AdminBind{},
		OutboxDepth: a.opts.Outbox.Depth(), RunningSessions: a.opts.Engine.RunningByCity(),
		Store: AdminStoreInfo{Path: a.opts.Store.Path()}}
	if !a.opts.Started.IsZero() {
		st.Started = a.ts(a.opts.Started)
		st.UptimeSeconds = int64(now.Sub(a.opts.Started) / time.Second)
	}
	if a.opts.Binds != nil {
		for _, b := range a.opts.Binds.Status() {
			st.Binds = append(st.Binds, AdminBind{SMSC: b.SMSC, Operator: b.Operator, Kind: b.Kind, State: b.State,
				Since: a.ts(b.Since), InUse: b.InUse, Window: b.Window, SubmitsPerSecond: b.SubmitsPerSecond,
				Throttles: b.Throttles, LastError: b.LastError, ConfigError: b.ConfigError})
		}
	}
	if fi, err := os.Stat(st.Store.Path); err == nil {
		st.Store.SizeBytes = fi.Size()
	}
	return writeJSON(w, http.StatusOK, st)
}
