package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"smspark/postgres"
	"smspark/store"
)

func newCheckCommand() *cobra.Command {
	var (
		dataDir, database string
		asJSON            bool
	)
	cmd := &cobra.Command{
		Use:   "check --data DIR | --database URL",
		Short: "Check the store file's consistency (pages, records, indexes), read-only; the engine must be stopped",
		Long: `Reads the store in DIR without changing it: bbolt's page structure (every
page where its references say, keys in order, every page used or free),
bbolt's consistency check, then every record and index of smspark. Prints
"ok" or each problem found and exits non-zero on any. serve does the
structural part at every start and refuses a damaged file. With
--database, checks the PostgreSQL store: every session and account record
agrees with the columns that key and constrain it, and the next ID is above
every ID (the database itself enforces the constraints).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			where, err := storeWhere(dataDir, database)
			if err != nil {
				return err
			}
			file := filepath.Join(dataDir, store.FileName)
			if isDatabaseURL(where) {
				file, err = "database", checkDatabase(cmd.Context(), where)
			} else {
				err = store.CheckFile(cmd.Context(), dataDir, 0)
			}
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
	cmd.Flags().StringVar(&database, "database", "", "the PostgreSQL store's URL, postgres://… (instead of --data)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	cmd.MarkFlagsOneRequired("data", "database")
	return cmd
}

// checkDatabase runs the PostgreSQL store's consistency check.
func checkDatabase(ctx context.Context, url string) error {
	db, err := postgres.Open(ctx, url, postgres.Options{NoMigrate: true})
	if err != nil {
		return err
	}
	defer db.Close()
	return db.Check(ctx)
}
