package main

import (
	"github.com/spf13/cobra"
)

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
		newMigrateCommand(),
		newCheckCommand(),
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
	setVersion(root)
	registerCompletions(root)
	return root
}
