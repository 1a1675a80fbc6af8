package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"smspark/sessions"
)

func newReducedCommand() *cobra.Command {
	var dataDir, configPath string
	cmd := &cobra.Command{
		Use:   "reduced",
		Short: "Reduced tariffs granted at a city's counter (social tariffs)",
	}
	cmd.PersistentFlags().StringVar(&dataDir, "data", "", "data directory holding the store")
	cmd.PersistentFlags().StringVar(&configPath, "config", "", "YAML configuration (default: the embedded reference data)")
	_ = cmd.MarkPersistentFlagRequired("data")

	withEngine := func(cmd *cobra.Command, f func(*sessions.Engine, *time.Location) error) error {
		cfg, err := loadConfig(configPath)
		if err != nil {
			return err
		}
		eng, db, err := openEngine(cmd.Context(), cfg, dataDir, systemClock{}, false)
		if err != nil {
			return err
		}
		defer db.Close()
		return f(eng, cfg.Location)
	}
	var g struct{ city, number, account, from, to, by, reason, id string }
	grant := &cobra.Command{
		Use:     "grant --city CITY (--number N | --account ID) --from YYYY-MM-DD --to YYYY-MM-DD --by NAME --reason TEXT",
		Short:   "Grant the city's reduced tariff to a number or an account for a period (dates inclusive)",
		Example: `  smspark reduced grant --data DIR --city Kortrijk --number +32475000001 --from 2026-11-01 --to 2026-12-31 --by "counter / M. Claes" --reason "UiTPAS kansentarief"`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withEngine(cmd, func(e *sessions.Engine, loc *time.Location) error {
				from, err := time.ParseInLocation(time.DateOnly, g.from, loc)
				if err != nil {
					return fmt.Errorf("--from: %w", err)
				}
				to, err := time.ParseInLocation(time.DateOnly, g.to, loc)
				if err != nil {
					return fmt.Errorf("--to: %w", err)
				}
				gr, err := e.GrantReduced(cmd.Context(), sessions.Grant{City: g.city, Number: g.number, Account: g.account,
					From: from, To: to.AddDate(0, 0, 1), GrantedBy: g.by, Reason: g.reason})
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: %d%% of the rate in %s from %s to %s\n", gr.ID, gr.Percent, gr.City, g.from, g.to)
				return nil
			})
		},
	}
	f := grant.Flags()
	f.StringVar(&g.city, "city", "", "the city granting it")
	f.StringVar(&g.number, "number", "", "a mobile number")
	f.StringVar(&g.account, "account", "", "or an account id")
	f.StringVar(&g.from, "from", "", "first day")
	f.StringVar(&g.to, "to", "", "last day")
	f.StringVar(&g.by, "by", "", "who grants it")
	f.StringVar(&g.reason, "reason", "", "why")
	for _, n := range []string{"city", "from", "to", "by", "reason"} {
		_ = grant.MarkFlagRequired(n)
	}
	var city string
	list := &cobra.Command{
		Use:   "list [--city CITY]",
		Short: "List the grants",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withEngine(cmd, func(e *sessions.Engine, loc *time.Location) error {
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
				fmt.Fprintln(w, "ID\tCITY\tWHO\tPERCENT\tFROM\tTO\tGRANTED BY\tREASON\tREVOKED")
				for _, gr := range e.Grants(city) {
					who := gr.Account
					if gr.Number != "" {
						who = gr.Number
					}
					fmt.Fprintf(w, "%s\t%s\t%s\t%d%%\t%s\t%s\t%s\t%s\t%v\n", gr.ID, gr.City, who, gr.Percent,
						gr.From.In(loc).Format(time.DateOnly), gr.To.In(loc).AddDate(0, 0, -1).Format(time.DateOnly), gr.GrantedBy, gr.Reason, gr.Revoked)
				}
				return w.Flush()
			})
		},
	}
	list.Flags().StringVar(&city, "city", "", "only this city")
	revoke := &cobra.Command{
		Use:   "revoke --id ID",
		Short: "End a grant now",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withEngine(cmd, func(e *sessions.Engine, _ *time.Location) error {
				_, err := e.RevokeGrant(cmd.Context(), g.id)
				return err
			})
		},
	}
	revoke.Flags().StringVar(&g.id, "id", "", "grant id")
	_ = revoke.MarkFlagRequired("id")
	cmd.AddCommand(grant, list, revoke)
	return cmd
}
