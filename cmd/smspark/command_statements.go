package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"smspark/billing"
	"smspark/pdf"
	"smspark/sessions"
	"smspark/store"
	"smspark/tariffs"
)

func newStatementsCommand() *cobra.Command {
	var dataDir, configPath string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "statements",
		Short: "Monthly statements of Premium and Pro accounts, and operators' daily charge files",
	}
	t := addTarget(cmd, &dataDir, &configPath, &asJSON)

	var month, account, out, lang string
	generate := &cobra.Command{
		Use:   "generate --month YYYY-MM [--account ID] [--out DIR] [--lang nl|fr|de|en]",
		Short: "Write each account's statement of a month as JSON, CSV and PDF",
		Long: `Writes ACCOUNT-MONTH.json, .csv and .pdf into --out for every Premium and Pro
account (or one), with every session that ended in that month, and lists
each account's total. Producing a closed month again gives the same bytes.
With --server the running engine makes them (the same bytes).`,
		Example: "  smspark statements generate --data /var/lib/smspark --month 2026-11 --out statements/",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(configPath)
			if err != nil {
				return err
			}
			if _, _, err := billing.MonthRange(month, cfg.Location); err != nil {
				return err
			}
			if err := os.MkdirAll(out, 0o750); err != nil {
				return err
			}
			if t.remote() {
				totals, err := t.client().statements(cmd.Context(), month, account, out, lang)
				if err != nil {
					return err
				}
				return outputStatementTotals(cmd, totals, asJSON)
			}
			db, err := t.localStore()
			if err != nil {
				return err
			}
			defer db.Close()
			st, err := db.Load(cmd.Context())
			if err != nil {
				return err
			}
			zoneName := tariffs.ZoneNamer(cfg.Zone)
			totals := []billing.Summary{}
			for _, a := range st.Accounts {
				if account != "" && a.ID != account {
					continue
				}
				s, err := billing.Build(cmd.Context(), db, a, month, zoneName, cfg.Location)
				if err != nil {
					return err
				}
				if err := writeStatementFiles(out, s, lang); err != nil {
					return err
				}
				totals = append(totals, s.Summary())
			}
			if account != "" && len(totals) == 0 {
				return fmt.Errorf("%w: %s", sessions.ErrAccountNotFound, account)
			}
			return outputStatementTotals(cmd, totals, asJSON)
		},
	}
	generate.Flags().StringVar(&month, "month", "", "the month, YYYY-MM")
	generate.Flags().StringVar(&account, "account", "", "only this account")
	generate.Flags().StringVar(&out, "out", ".", "directory to write the files into")
	generate.Flags().StringVar(&lang, "lang", "nl", "language of the PDF")
	_ = generate.MarkFlagRequired("month")

	var day, operator string
	charges := &cobra.Command{
		Use:     "charges --day YYYY-MM-DD --operator NAME",
		Short:   "Print an operator's daily charge file (CSV) of Easy numbers' sessions",
		Example: "  smspark statements charges --data /var/lib/smspark --day 2026-11-23 --operator proximus > proximus-2026-11-23.csv",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(configPath)
			if err != nil {
				return err
			}
			d, err := time.ParseInLocation(time.DateOnly, day, cfg.Location)
			if err != nil {
				return fmt.Errorf("--day: %w", err)
			}
			if t.remote() {
				return t.client().charges(cmd.Context(), day, operator, cmd.OutOrStdout())
			}
			db, err := t.localStore()
			if err != nil {
				return err
			}
			defer db.Close()
			list, err := db.Sessions(cmd.Context(), store.SessionFilter{From: d, To: d.AddDate(0, 0, 1)})
			if err != nil {
				return err
			}
			f, err := billing.NewChargeFile(operator, d, list, cfg.Location)
			if err != nil {
				return err
			}
			return f.WriteCSV(cmd.OutOrStdout())
		},
	}
	charges.Flags().StringVar(&day, "day", "", "the day, YYYY-MM-DD (Europe/Brussels)")
	charges.Flags().StringVar(&operator, "operator", "", "the operator")
	_ = charges.MarkFlagRequired("day")
	_ = charges.MarkFlagRequired("operator")
	cmd.AddCommand(generate, charges)
	return cmd
}

// writeStatementFiles writes a statement as JSON, CSV and PDF.
func writeStatementFiles(dir string, s billing.Statement, lang string) error {
	base := filepath.Join(dir, s.Account+"-"+s.Month)
	for ext, write := range map[string]func(f *os.File) error{
		".json": func(f *os.File) error { return s.WriteJSON(f) },
		".csv":  func(f *os.File) error { return s.WriteCSV(f) },
		".pdf":  func(f *os.File) error { return pdf.Statement(f, s, lang) },
	} {
		f, err := os.Create(base + ext)
		if err != nil {
			return err
		}
		if err := write(f); err != nil {
			f.Close()
			return fmt.Errorf("%s: %w", base+ext, err)
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}
