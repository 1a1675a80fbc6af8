package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"smspark/httpapi"
)

func newConfigCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "The running engine's configuration",
	}
	var server, key string
	var asJSON bool
	reload := &cobra.Command{
		Use:   "reload --server URL",
		Short: "Have the running engine read its configuration file again and say what it applied",
		Long: `Asks the running engine to read its configuration file again (as SIGHUP
does) and prints, section by section, what it did:

  applied    in force now, without a restart: cities (zones, tariffs,
             holidays), operators, and SMSCs (only the SMSCs added,
             removed or changed are re-bound; the others keep their binds)
  restart    changed in the file, in force after a restart: timezone,
             default_language, voucher_types, permit_types,
             reduced_tariffs, http, data_dir
  unchanged  the file says what is in force

A file that does not load is refused (422), and so is one the engine
refuses — a zone removed while sessions run in it (409): nothing changes,
the reason is printed and the command exits non-zero. An SMSC stopped with
smspark smsc stop stays stopped. Every reload is logged by the engine and
recorded in the audit trail.`,
		Example: "  smspark config reload --server http://127.0.0.1:8081\n  smspark config reload --server http://127.0.0.1:8081 --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var rep httpapi.ReloadReport
			err := newAdminClient(server, key).do(cmd.Context(), "POST", "/admin/config/reload", nil, &rep)
			var p *problemError
			if errors.As(err, &p) && len(p.Sections) > 0 {
				rep = httpapi.ReloadReport{Status: httpapi.ReloadRefused, Restart: []string{}, Sections: p.Sections}
			} else if err != nil {
				return fmt.Errorf("configuration not reloaded: %w", err)
			}
			if asJSON {
				if werr := writeJSON(cmd, rep); werr != nil {
					return werr
				}
			} else {
				printReload(cmd, rep)
			}
			if err != nil {
				return fmt.Errorf("configuration not reloaded: %w", err)
			}
			return nil
		},
	}
	f := reload.Flags()
	f.StringVar(&server, "server", "", "the running engine's admin endpoint, e.g. http://"+defaultAdminAddr)
	f.StringVar(&key, "key", "", "admin API key off loopback (default: $"+adminKeyEnv+")")
	f.BoolVar(&asJSON, "json", false, "JSON for scripts")
	_ = reload.MarkFlagRequired("server")
	cmd.AddCommand(reload)
	return cmd
}

// printReload prints a reload's report: a summary line, then a row per
// section.
func printReload(cmd *cobra.Command, rep httpapi.ReloadReport) {
	fmt.Fprintln(cmd.OutOrStdout(), rep.Summary())
	tw := newTable(cmd)
	fmt.Fprintln(tw, "SECTION\tOUTCOME\tDETAIL")
	for _, s := range rep.Sections {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Section, s.Outcome, s.Detail)
	}
	_ = tw.Flush()
}
