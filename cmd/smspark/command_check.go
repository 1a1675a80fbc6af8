package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"smspark/store"
)

func newCheckCommand() *cobra.Command {
	var (
		dataDir string
		asJSON  bool
	)
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
			file := filepath.Join(dataDir, store.FileName)
			err := store.CheckFile(cmd.Context(), dataDir, 0)
			if asJSON {
				out := struct {
					File  string `json:"file"`
					OK    bool   `json:"ok"`
					Error string `json:"error,omitempty"`
				}{File: file, OK: err == nil}
				if err != nil {
					out.Error = err.Error()
				}
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				if werr := enc.Encode(out); werr != nil {
					return werr
				}
			}
			if err != nil {
				return err
			}
			if !asJSON {
				fmt.Fprintf(cmd.OutOrStdout(), "%s: ok\n", file)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dataDir, "data", "", "data directory holding the store")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	_ = cmd.MarkFlagRequired("data")
	return cmd
}
