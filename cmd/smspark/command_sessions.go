package main

import (
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"smspark/msisdn"
	"smspark/parser"
	"smspark/sessions"
)

func newSessionsCommand() *cobra.Command {
	var dataDir, configPath string
	cmd := &cobra.Command{
		Use:   "sessions",
		Short: "Look up and stop parking sessions (--data: in a stopped engine's store; --server: in a running engine)",
	}
	var (
		f      sessions.SessionFilter
		number string
		asJSON bool
	)
	t := addTarget(cmd, &dataDir, &configPath, &asJSON)
	list := &cobra.Command{
		Use:     "list [--number N] [--plate P] [--zone Z] [--running]",
		Short:   "List sessions, oldest first",
		Example: "  smspark sessions list --data /var/lib/smspark --plate 1ABC123",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(configPath)
			if err != nil {
				return err
			}
			if number != "" {
				if f.Number, err = (msisdn.Belgium{}).Normalize(number); err != nil {
					return err
				}
			}
			if p, err := parser.NormalizePlate(f.Plate); err == nil {
				f.Plate = p // "1-abc-123" is 1ABC123
			}
			b := t.backend(cfg)
			defer b.Close()
			list, err := b.Sessions(cmd.Context(), f)
			if err != nil {
				return err
			}
			return outputSessions(cmd, list, asJSON, cfg.Location)
		},
	}
	lf := list.Flags()
	lf.StringVar(&number, "number", "", "sessions of this number")
	lf.StringVar(&f.Plate, "plate", "", "sessions of this plate")
	lf.StringVar(&f.Zone, "zone", "", "sessions in this zone")
	lf.BoolVar(&f.Running, "running", false, "running sessions only")
	lf.IntVar(&f.Limit, "limit", 0, "at most this many (0: all)")

	show := &cobra.Command{
		Use:   "show ID",
		Short: "Show one session",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(configPath)
			if err != nil {
				return err
			}
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("session id %q: %w", args[0], err)
			}
			b := t.backend(cfg)
			defer b.Close()
			s, err := b.Session(cmd.Context(), id)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd, toSessionJSON(s, cfg.Location))
			}
			printSessions(cmd, []sessions.Session{s}, cfg.Location)
			return nil
		},
	}
	cmd.AddCommand(list, show, newSessionsStopCommand(t, &asJSON))
	return cmd
}

// printSessions writes sessions as an aligned table.
func printSessions(cmd *cobra.Command, list []sessions.Session, loc *time.Location) {
	w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNUMBER\tPLATE\tZONE\tSTART\tEND\tREASON\tCOST")
	const layout = "2006-01-02 15:04"
	for _, s := range list {
		end, reason := "running", "-"
		if !s.Running() {
			end, reason = s.End.In(loc).Format(layout), string(s.EndReason)
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d.%02d\n", s.ID, sessions.MaskNumber(s.Number), s.Plate, s.Zone,
			s.Start.In(loc).Format(layout), end, reason, s.CostCents/100, s.CostCents%100)
	}
	w.Flush()
}
