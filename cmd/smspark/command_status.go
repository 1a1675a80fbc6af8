package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"smspark/httpapi"
	"smspark/sessions"
	"smspark/store"
)

func newStatusCommand() *cobra.Command {
	var dataDir, configPath string
	var asJSON bool
	var t *target
	cmd := &cobra.Command{
		Use:   "status --server URL | --data DIR",
		Short: "The engine's binds, outbox, running sessions and store",
		Long: `With --server: each SMPP bind (SMSC, kind, state and since when, window in
use, submits per second in force, throttles), the outbox depth (replies
waiting to be submitted), the running sessions per city, the store file's
size, the version and the uptime of the running engine.

With --data, of a stopped engine: what its store holds (running sessions
per city, replies queued in the outbox, file size).`,
		Example: `  smspark status --server http://127.0.0.1:8081
  smspark status --data /var/lib/smspark --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(configPath)
			if err != nil {
				return err
			}
			var st httpapi.AdminStatus
			if t.remote() {
				err = t.client().do(cmd.Context(), "GET", "/admin/status", nil, &st)
			} else {
				st, err = localStatus(cmd.Context(), t)
			}
			if err != nil {
				return err
			}
			return outputStatus(cmd, st, asJSON, cfg.Location)
		},
	}
	t = addTarget(cmd, &dataDir, &configPath, &asJSON)
	return cmd
}

// localStatus reads what a stopped engine's store holds.
func localStatus(ctx context.Context, t *target) (httpapi.AdminStatus, error) {
	db, err := t.localStore()
	if err != nil {
		return httpapi.AdminStatus{}, err
	}
	defer db.Close()
	st := httpapi.AdminStatus{Version: version, Binds: []httpapi.AdminBind{}, RunningSessions: map[string]int{},
		Store: httpapi.AdminStoreInfo{Path: db.Path()}}
	running, err := db.Sessions(ctx, store.SessionFilter{Running: true})
	if err != nil {
		return st, err
	}
	for _, s := range running {
		st.RunningSessions[s.City]++
	}
	queued, err := db.Messages(ctx, store.MessageFilter{Status: sessions.StatusQueued})
	if err != nil {
		return st, err
	}
	st.OutboxDepth = len(queued)
	if fi, err := os.Stat(db.Path()); err == nil {
		st.Store.SizeBytes = fi.Size()
	}
	return st, nil
}

// outputStatus prints a status as tables, or JSON.
func outputStatus(cmd *cobra.Command, st httpapi.AdminStatus, asJSON bool, loc *time.Location) error {
	if asJSON {
		return writeJSON(cmd, st)
	}
	const layout = "2006-01-02 15:04:05"
	local := func(ts string) string {
		t, err := time.Parse(time.RFC3339, ts)
		if err != nil {
			return ts
		}
		return t.In(loc).Format(layout)
	}
	w := newTable(cmd)
	fmt.Fprintf(w, "version\t%s\n", st.Version)
	if st.EngineRunning {
		fmt.Fprintf(w, "engine\trunning since %s (up %s)\n", local(st.Started), time.Duration(st.UptimeSeconds)*time.Second)
	} else {
		fmt.Fprintf(w, "engine\tnot running (read from its store)\n")
	}
	fmt.Fprintf(w, "store\t%s (%d bytes)\n", st.Store.Path, st.Store.SizeBytes)
	fmt.Fprintf(w, "outbox\t%d waiting\n", st.OutboxDepth)
	if err := w.Flush(); err != nil {
		return err
	}

	out := cmd.OutOrStdout()
	fmt.Fprintln(out)
	switch {
	case !st.EngineRunning:
	case len(st.Binds) == 0:
		fmt.Fprintln(out, "no SMSC configured: not bound")
		fmt.Fprintln(out)
	default:
		w = newTable(cmd)
		fmt.Fprintln(w, "SMSC\tOPERATOR\tKIND\tSTATE\tSINCE\tWINDOW\tSUBMITS/S\tTHROTTLES")
		for _, b := range st.Binds {
			rate := "-"
			if b.SubmitsPerSecond > 0 {
				rate = strconv.FormatFloat(b.SubmitsPerSecond, 'f', -1, 64)
			}
			window := "-"
			if b.Kind != "rx" {
				window = fmt.Sprintf("%d/%d", b.InUse, b.Window)
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", b.SMSC, b.Operator, b.Kind, b.State, local(b.Since),
				window, rate, b.Throttles)
		}
		if err := w.Flush(); err != nil {
			return err
		}
		for _, b := range st.Binds {
			switch {
			case b.ConfigError:
				fmt.Fprintf(out, "%s %s: CONFIGURATION ERROR: %s (fix the SMSC's settings; retried every refused_retry)\n", b.SMSC, b.Kind, b.LastError)
			case b.LastError != "" && b.State != "up":
				fmt.Fprintf(out, "%s %s: last error: %s\n", b.SMSC, b.Kind, b.LastError)
			}
		}
		fmt.Fprintln(out)
	}

	w = newTable(cmd)
	fmt.Fprintln(w, "CITY\tRUNNING")
	total := 0
	for _, city := range slices.Sorted(maps.Keys(st.RunningSessions)) {
		fmt.Fprintf(w, "%s\t%d\n", city, st.RunningSessions[city])
		total += st.RunningSessions[city]
	}
	fmt.Fprintf(w, "total\t%d\n", total)
	return w.Flush()
}
