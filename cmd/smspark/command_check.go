package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"smspark/store"
)

func newCheckCommand() *cobra.Command {
	var dataDir string
	cmd := &cobra.Command{
		Use:   "check --data DIR",
		Short: "Check the store file's consistency (pages, records, indexes), read-only; the engine must be stopped",
		Long: `Reads the store in DIR without changing it: bbolt's page structure (every
page where its references say, keys in order, every page used or free),
bbolt's consistency check, then every record and index of smspark. Prints
"ok" or each problem found and exits non-zero on any. serve does the
structural part at every start and refuses a damaged file.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := store.CheckFile(cmd.Context(), dataDir, 0); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: ok\n", filepath.Join(dataDir, store.FileName))
			return nil
		},
	}
	cmd.Flags().StringVar(&dataDir, "data", "", "data directory holding the store")
	_ = cmd.MarkFlagRequired("data")
	return cmd
}
