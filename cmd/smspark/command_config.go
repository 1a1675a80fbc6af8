package main

import (
	"fmt"

	"github.com/spf13/cobra"
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
		Short: "Have the running engine read its configuration file again (tariffs, zones, operators)",
		Long: `Asks the running engine to read its configuration file again and apply its
cities, zones, tariffs and operators at once, without a restart and without
dropping a bind (as SIGHUP does). A file that does not load is refused (422)
and one the engine refuses — a zone removed while sessions run in it — too
(409); the reason is printed, and the configuration in force stays. SMSCs,
listen addresses and the data directory need a restart.`,
		Example: "  smspark config reload --server http://127.0.0.1:8081",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var resp map[string]string
			if err := newAdminClient(server, key).do(cmd.Context(), "POST", "/admin/config/reload", nil, &resp); err != nil {
				return fmt.Errorf("configuration not reloaded: %w", err)
			}
			if asJSON {
				return writeJSON(cmd, resp)
			}
			fmt.Fprintln(cmd.OutOrStdout(), "configuration reloaded")
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
