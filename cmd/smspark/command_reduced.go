package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"smspark/sessions"
)

// grantOut is a grant as the reduced commands print it in JSON: dates
// inclusive, in the configuration's time zone.
type grantOut struct {
	ID        string `json:"id"`
	City      string `json:"city"`
	Number    string `json:"number,omitempty"`
	Account   string `json:"account,omitempty"`
	Percent   int    `json:"percent"`
	From      string `json:"from"`
	To        string `json:"to"`
	GrantedBy string `json:"granted_by"`
	Reason    string `json:"reason"`
	Revoked   bool   `json:"revoked"`
}

func toGrantOut(g sessions.Grant, loc *time.Location) grantOut {
	return grantOut{ID: g.ID, City: g.City, Number: g.Number, Account: g.Account, Percent: g.Percent,
		From: g.From.In(loc).Format(time.DateOnly), To: g.To.In(loc).AddDate(0, 0, -1).Format(time.DateOnly),
		GrantedBy: g.GrantedBy, Reason: g.Reason, Revoked: g.Revoked}
}

func newReducedCommand() *cobra.Command {
	var dataDir, configPath string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "reduced",
		Short: "Reduced tariffs granted at a city's counter (social tariffs; --data: a stopped engine's store; --server: a running engine)",
	}
	t := addTarget(cmd, &dataDir, &configPath, &asJSON)

	// with runs f on the backend of --data or --server.
	with := func(_ *cobra.Command, f func(backend, *time.Location) error) error {
		cfg, err := loadConfig(configPath)
		if err != nil {
			return err
		}
		b := t.backend(cfg)
		defer b.Close()
		return f(b, cfg.Location)
	}
	output := func(cmd *cobra.Command, list []sessions.Grant, loc *time.Location) error {
		out := make([]grantOut, 0, len(list))
		for _, g := range list {
			out = append(out, toGrantOut(g, loc))
		}
		if asJSON {
			return writeJSON(cmd, out)
		}
		w := newTable(cmd)
		fmt.Fprintln(w, "ID\tCITY\tWHO\tPERCENT\tFROM\tTO\tGRANTED BY\tREASON\tREVOKED")
		for _, g := range out {
			who := g.Account
			if g.Number != "" {
				who = g.Number
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%d%%\t%s\t%s\t%s\t%s\t%v\n", g.ID, g.City, who, g.Percent, g.From, g.To, g.GrantedBy, g.Reason, g.Revoked)
		}
		return w.Flush()
	}

	var g struct{ city, number, account, from, to, by, reason, id string }
	grant := &cobra.Command{
		Use:   "grant --city CITY (--number N | --account ID) --from YYYY-MM-DD --to YYYY-MM-DD --by NAME --reason TEXT",
		Short: "Grant the city's reduced tariff to a number or an account for a period (dates inclusive)",
		Example: `  smspark reduced grant --data DIR --city Kortrijk --number +32475000001 --from 2026-11-01 --to 2026-12-31 --by "counter / M. Claes" --reason "UiTPAS kansentarief"
  smspark reduced grant --server http://127.0.0.1:8081 --city Kortrijk --account A1B2C3 --from 2026-11-01 --to 2026-12-31 --by "counter" --reason "UiTPAS" --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return with(cmd, func(gs backend, loc *time.Location) error {
				from, err := time.ParseInLocation(time.DateOnly, g.from, loc)
				if err != nil {
					return fmt.Errorf("--from: %w", err)
				}
				to, err := time.ParseInLocation(time.DateOnly, g.to, loc)
				if err != nil {
					return fmt.Errorf("--to: %w", err)
				}
				gr, err := gs.GrantReduced(cmd.Context(), sessions.Grant{City: g.city, Number: g.number, Account: g.account,
					From: from, To: to.AddDate(0, 0, 1), GrantedBy: g.by, Reason: g.reason})
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd, toGrantOut(gr, loc))
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
			return with(cmd, func(gs backend, loc *time.Location) error {
				list, err := gs.Grants(cmd.Context(), city)
				if err != nil {
					return err
				}
				return output(cmd, list, loc)
			})
		},
	}
	list.Flags().StringVar(&city, "city", "", "only this city")
	revoke := &cobra.Command{
		Use:   "revoke --id ID",
		Short: "End a grant now",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return with(cmd, func(gs backend, loc *time.Location) error {
				gr, err := gs.RevokeGrant(cmd.Context(), g.id)
				if err != nil {
					return err
				}
				return output(cmd, []sessions.Grant{gr}, loc)
			})
		},
	}
	revoke.Flags().StringVar(&g.id, "id", "", "grant id")
	_ = revoke.MarkFlagRequired("id")
	cmd.AddCommand(grant, list, revoke)
	return cmd
}
