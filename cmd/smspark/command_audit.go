package main

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"smspark/audit"
	"smspark/httpapi"
)

func newAuditCommand() *cobra.Command {
	var dataDir, configPath, since string
	var limit int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "audit [--since WHEN] [--limit N]",
		Short: "The audit trail: who did what to the engine, and when",
		Long: `Lists the admin actions recorded in the store, oldest first: sessions
stopped, accounts and keys changed, vouchers issued or cancelled, reduced
tariffs granted or revoked, configuration reloads (applied or refused),
backups, SMSCs stopped or started. WHO is the API key's id, or "local" for
the CLI on a stopped engine's store (--data), the admin endpoint on loopback
without a key, and SIGHUP. VIA is admin (the admin endpoint), api (/v1),
cli (--data) or signal.

--since takes an RFC 3339 time, a date (midnight, Brussels time) or a
duration back from now (24h).`,
		Example: `  smspark audit --server http://127.0.0.1:8081 --since 24h
  smspark audit --data /var/lib/smspark --since 2026-11-01 --json`,
		Args: cobra.NoArgs,
	}
	t := addTarget(cmd, &dataDir, &configPath, &asJSON)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg, err := loadConfig(configPath)
		if err != nil {
			return err
		}
		var entries []httpapi.AuditEntry
		if t.remote() {
			q := url.Values{}
			if since != "" {
				q.Set("since", since)
			}
			if limit > 0 {
				q.Set("limit", strconv.Itoa(limit))
			}
			var out struct {
				Entries []httpapi.AuditEntry `json:"entries"`
			}
			if err := t.client().do(cmd.Context(), "GET", "/admin/audit?"+q.Encode(), nil, &out); err != nil {
				return err
			}
			entries = out.Entries
		} else {
			from, ok := httpapi.ParseSince(since, time.Now(), cfg.Location)
			if !ok {
				return fmt.Errorf("--since %q: an RFC 3339 time, a date YYYY-MM-DD or a duration such as 24h", since)
			}
			db, err := t.localStore()
			if err != nil {
				return err
			}
			defer db.Close()
			list, err := db.Audit(cmd.Context(), audit.Filter{Since: from, Limit: limit})
			if err != nil {
				return err
			}
			for _, e := range list {
				entries = append(entries, httpapi.AuditEntry{At: e.At.In(cfg.Location).Format(time.RFC3339),
					Actor: e.Actor, Via: e.Via, Action: e.Action, Target: e.Target, Detail: e.Detail})
			}
		}
		if entries == nil {
			entries = []httpapi.AuditEntry{}
		}
		if asJSON {
			return writeJSON(cmd, entries)
		}
		tw := newTable(cmd)
		fmt.Fprintln(tw, "WHEN\tWHO\tVIA\tACTION\tTARGET\tDETAIL")
		for _, e := range entries {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.At, e.Actor, e.Via, e.Action, e.Target, e.Detail)
		}
		return tw.Flush()
	}
	cmd.Flags().StringVar(&since, "since", "", "only actions since: an RFC 3339 time, a date or a duration back (24h)")
	cmd.Flags().IntVar(&limit, "limit", 0, "only the last N actions (0: all)")
	return cmd
}

// recordLocal records in the store an admin action the CLI did on it
// (--data): who is "local". The action is done; a trail that cannot be
// written is an error all the same, so the operator knows.
func recordLocal(ctx context.Context, db appStore, action, target, detail string) error {
	e := audit.Entry{At: time.Now(), Actor: audit.Local, Via: audit.ViaCLI, Action: action, Target: target, Detail: detail}
	if err := db.AppendAudit(context.WithoutCancel(ctx), e); err != nil {
		return fmt.Errorf("%s done, but not recorded in the audit trail: %w", action, err)
	}
	return nil
}
