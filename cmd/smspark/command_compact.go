package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"smspark/store"
)

func newCompactCommand() *cobra.Command {
	var dataDir string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "compact --data DIR",
		Short: "Rewrite the store file densely (after retention removed old records); the engine must be stopped",
		Long: `Rewrites the store file densely, after retention removed old records. It
needs the file to itself: the engine must be stopped, so there is no
--server (a running engine's store is copied with smspark backup).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			before, after, err := store.Compact(dataDir)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd, map[string]any{"data": dataDir, "bytes_before": before, "bytes_after": after})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %d bytes -> %d bytes\n", dataDir, before, after)
			return nil
		},
	}
	cmd.Flags().StringVar(&dataDir, "data", "", "data directory holding the store")
	cmd.Flags().BoolVar(&asJSON, "json", false, "JSON for scripts")
	_ = cmd.MarkFlagRequired("data")
	return cmd
}
