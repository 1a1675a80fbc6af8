package main

import (
	"fmt"
	"net/url"

	"github.com/spf13/cobra"
)

func newSMSCCommand() *cobra.Command {
	var server, key, configPath string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "smsc",
		Short: "Take one SMSC's binds down and up on the running engine (as Kannel's stop-smsc/start-smsc)",
		Long: `smsc stop NAME unbinds the SMSC named in the configuration (its submits in
flight drain first) and keeps it down: MTs for its operator go to the
operator's other SMSCs, or wait in the outbox. smsc start NAME binds it
again. smspark status shows a stopped SMSC's binds as "stopped"; a
configuration reload keeps it stopped. Both are recorded in the audit trail.`,
	}
	control := func(verb, done string) *cobra.Command {
		c := &cobra.Command{
			Use:               verb + " NAME --server URL",
			Short:             map[string]string{"stop": "Unbind an SMSC and keep it down", "start": "Bind a stopped SMSC again"}[verb],
			Example:           "  smspark smsc " + verb + " proximus-1 --server http://127.0.0.1:8081",
			Args:              cobra.ExactArgs(1),
			ValidArgsFunction: completeSMSCs(),
			RunE: func(cmd *cobra.Command, args []string) error {
				var out map[string]string
				if err := newAdminClient(server, key).do(cmd.Context(), "POST", "/admin/smscs/"+url.PathEscape(args[0])+"/"+verb, nil, &out); err != nil {
					return fmt.Errorf("smsc %s %s: %w", verb, args[0], err)
				}
				if asJSON {
					return writeJSON(cmd, out)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s %s\n", args[0], done)
				return nil
			},
		}
		return c
	}
	cmd.AddCommand(control("stop", "stopped"), control("start", "started"))
	pf := cmd.PersistentFlags()
	pf.StringVar(&server, "server", "", "the running engine's admin endpoint, e.g. http://"+defaultAdminAddr)
	pf.StringVar(&key, "key", "", "admin API key off loopback (default: $"+adminKeyEnv+")")
	pf.StringVar(&configPath, "config", "", "YAML configuration, for completing SMSC names")
	pf.BoolVar(&asJSON, "json", false, "JSON for scripts")
	_ = cmd.MarkPersistentFlagRequired("server")
	return cmd
}
