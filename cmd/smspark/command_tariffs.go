package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

func newTariffsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tariffs",
		Short: "Check the configured tariffs and quote a parking interval",
	}
	var configPath string
	var asJSON bool
	cmd.PersistentFlags().StringVar(&configPath, "config", "", "YAML configuration (default: the embedded reference data)")
	cmd.PersistentFlags().BoolVar(&asJSON, "json", false, "JSON for scripts")

	validate := &cobra.Command{
		Use:   "validate",
		Short: "Load and check the configuration; report the first mistake with its line",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(configPath)
			if err != nil {
				return err
			}
			zones := 0
			for _, c := range cfg.Cities {
				zones += len(c.Zones)
			}
			name := cfg.File
			if name == "" {
				name = "embedded reference data"
			}
			if asJSON {
				return writeJSON(cmd, map[string]any{"file": name, "ok": true, "cities": len(cfg.Cities),
					"zones": zones, "operators": len(cfg.Operators), "smscs": len(cfg.SMSCs)})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: ok: %d cities, %d zones, %d operators\n",
				name, len(cfg.Cities), zones, len(cfg.Operators))
			return nil
		},
	}

	var zone, from, to string
	quote := &cobra.Command{
		Use:     "quote --zone CODE --from RFC3339 --to RFC3339",
		Short:   "Print the cost in cents of parking in a zone over an interval (--json: with the zone and the interval)",
		Example: "  smspark tariffs quote --zone 1021 --from 2026-11-23T10:00:00+01:00 --to 2026-11-23T11:08:00+01:00\n  smspark tariffs quote --zone 1021 --from 2026-11-23T10:00:00+01:00 --to 2026-11-23T11:08:00+01:00 --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(configPath)
			if err != nil {
				return err
			}
			z, ok := cfg.Zone(zone)
			if !ok {
				return fmt.Errorf("unknown zone %q", zone)
			}
			start, err := time.Parse(time.RFC3339, from)
			if err != nil {
				return fmt.Errorf("--from: %w", err)
			}
			end, err := time.Parse(time.RFC3339, to)
			if err != nil {
				return fmt.Errorf("--to: %w", err)
			}
			if end.Before(start) {
				return fmt.Errorf("--to is before --from")
			}
			cost := z.Tariff.Cost(start, end)
			if asJSON {
				return writeJSON(cmd, map[string]any{"zone": z.Code, "zone_name": z.Name, "city": z.City,
					"from": start.In(cfg.Location).Format(time.RFC3339), "to": end.In(cfg.Location).Format(time.RFC3339),
					"minutes": int(end.Sub(start) / time.Minute), "cost_cents": cost})
			}
			fmt.Fprintln(cmd.OutOrStdout(), cost)
			return nil
		},
	}
	quote.Flags().StringVar(&zone, "zone", "", "zone code")
	quote.Flags().StringVar(&from, "from", "", "start, RFC 3339")
	quote.Flags().StringVar(&to, "to", "", "end, RFC 3339")
	for _, f := range []string{"zone", "from", "to"} {
		_ = quote.MarkFlagRequired(f)
	}
	cmd.AddCommand(validate, quote)
	return cmd
}
