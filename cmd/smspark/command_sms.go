package main

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"smspark/sessions"
)

func newSMSCommand() *cobra.Command {
	var (
		dataDir, database, configPath, at, operator, from string
		asJSON                                            bool
	)
	cmd := &cobra.Command{
		Use:   "sms --data DIR --from NUMBER [--at RFC3339] [--operator NAME] TEXT",
		Short: "Dry run: send one SMS through the real engine and print the reply",
		Long: `Runs one MO through the real engine against the store in DIR, with the
engine's clock at --at (default: now), and prints the reply. Nothing is sent
over SMPP: the reply is kept in the store's message log as dry_run.`,
		Example: `  smspark sms --data /tmp/d --at 2026-11-23T10:00:00+01:00 --from +32475000001 "1021 1ABC123"
  smspark sms --data /tmp/d --at 2026-11-23T11:08:00+01:00 --from +32475000001 Q --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(configPath)
			if err != nil {
				return err
			}
			now := time.Now()
			if at != "" {
				if now, err = time.Parse(time.RFC3339, at); err != nil {
					return fmt.Errorf("--at: %w", err)
				}
			}
			where, err := storeWhere(dataDir, database)
			if err != nil {
				return err
			}
			eng, db, err := openEngine(cmd.Context(), cfg, where, fixedClock(now), true)
			if err != nil {
				return err
			}
			defer db.Close()
			reply, err := eng.Handle(cmd.Context(), sessions.MO{From: from, Operator: operator, Text: args[0]})
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd, dryRunJSON(reply, cfg.Location))
			}
			for _, n := range reply.Notices {
				fmt.Fprintf(cmd.OutOrStdout(), "%s → %s [%s]\n%s\n\n", n.Source, n.To, n.Outcome, n.Text)
			}
			if reply.Suppressed {
				fmt.Fprintf(cmd.OutOrStdout(), "(no reply: confirmations are off) [%s]\n", reply.Outcome)
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s → %s [%s]\n%s\n", reply.Source, reply.To, reply.Outcome, reply.Text)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dataDir, "data", "", "data directory holding the store (created if missing)")
	f.StringVar(&database, "database", "", "the PostgreSQL store's URL, postgres://… (instead of --data)")
	f.StringVar(&configPath, "config", "", "YAML configuration (default: the embedded reference data)")
	f.StringVar(&at, "at", "", "the engine's clock, RFC 3339 (default: now)")
	f.StringVar(&operator, "operator", "proximus", "operator whose SMSC delivered the SMS")
	f.StringVar(&from, "from", "", "sender's number, e.g. +32475000001")
	f.BoolVar(&asJSON, "json", false, "print one JSON object")
	cmd.MarkFlagsOneRequired("data", "database")
	_ = cmd.MarkFlagRequired("from")
	return cmd
}

// sessionJSON is a session as the dry run prints it.
type sessionJSON struct {
	ID        uint64  `json:"id"`
	Plate     string  `json:"plate"`
	Zone      string  `json:"zone"`
	Start     string  `json:"start"`
	Until     string  `json:"until"`
	End       *string `json:"end"`
	EndReason *string `json:"end_reason"`
	CostCents int64   `json:"cost_cents"`
	Free      bool    `json:"free_first_use"`
	Channel   string  `json:"channel"`
	DayTicket bool    `json:"day_ticket,omitempty"`
	Voucher   string  `json:"voucher,omitempty"`
	// ReducedPercent is the share of the normal cost charged under a
	// city's reduced tariff.
	ReducedPercent int `json:"reduced_percent,omitempty"`
}

type messageJSON struct {
	Outcome sessions.Outcome `json:"outcome"`
	Source  *string          `json:"source"`
	To      string           `json:"to"`
	Text    string           `json:"text"`
}

type dryRunOutput struct {
	messageJSON
	Sessions []sessionJSON `json:"sessions"`
	// Notices are other SMS the clock caused before this one was handled
	// (reminders, expiries).
	Notices []messageJSON `json:"notices,omitempty"`
}

func toSessionJSON(s sessions.Session, loc *time.Location) sessionJSON {
	out := sessionJSON{ID: s.ID, Plate: s.Plate, Zone: s.Zone,
		Start: s.Start.In(loc).Format(time.RFC3339), Until: s.Until.In(loc).Format(time.RFC3339),
		CostCents: s.CostCents, Free: s.Free, Channel: string(s.Channel), DayTicket: s.DayTicket,
		Voucher: s.Voucher, ReducedPercent: s.ReducedPercent}
	if !s.Running() {
		end, reason := s.End.In(loc).Format(time.RFC3339), string(s.EndReason)
		out.End, out.EndReason = &end, &reason
	}
	return out
}

func toMessageJSON(m sessions.Message) messageJSON {
	out := messageJSON{Outcome: m.Outcome, To: m.To, Text: m.Text}
	if m.Source != "" {
		src := m.Source
		out.Source = &src
	}
	return out
}

func dryRunJSON(r sessions.Reply, loc *time.Location) dryRunOutput {
	out := dryRunOutput{messageJSON: toMessageJSON(r.Message), Sessions: []sessionJSON{}}
	for _, s := range r.Sessions {
		out.Sessions = append(out.Sessions, toSessionJSON(s, loc))
	}
	for _, n := range r.Notices {
		out.Notices = append(out.Notices, toMessageJSON(n))
	}
	return out
}

func writeJSON(cmd *cobra.Command, v any) error {
	enc := json.NewEncoder(cmd.OutOrStdout())
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
