package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"smspark/store"
)

func newCompactCommand() *cobra.Command {
	var dataDir string
	cmd := &cobra.Command{
		Use:   "compact --data DIR",
		Short: "Rewrite the store file densely (after retention removed old records); the engine must be stopped",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			before, after, err := store.Compact(dataDir)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %d bytes -> %d bytes\n", dataDir, before, after)
			return nil
		},
	}
	cmd.Flags().StringVar(&dataDir, "data", "", "data directory holding the store")
	_ = cmd.MarkFlagRequired("data")
	return cmd
}
