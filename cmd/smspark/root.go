package main

import (
	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// NewRootCommand returns the smspark command with every subcommand.
func NewRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "smspark",
		Short:         "SMS short-code engine for mobile parking (4411)",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newSMSCommand(),
		newTariffsCommand(),
		newAccountsCommand(),
		newSessionsCommand(),
		newSimCommand(),
		newServeCommand(),
		newDemoCommand(),
		newKeysCommand(),
		newStatementsCommand(),
		newPaymentsCommand(),
		newCompactCommand(),
		newCheckCommand(),
		newScaleCommand(),
		newReducedCommand(),
		newMessagesCommand(),
		newPermitsCommand(),
		newVouchersCommand(),
		newStatusCommand(),
		newBackupCommand(),
		newConfigCommand(),
		newVersionCommand(),
		newSMSCCommand(),
		newAuditCommand(),
	)
	registerCompletions(root)
	return root
}

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cmd.Println("smspark", version)
			return nil
		},
	}
}
