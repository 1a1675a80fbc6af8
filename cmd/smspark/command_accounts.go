package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"smspark/sessions"
)

func newAccountsCommand() *cobra.Command {
	var dataDir, configPath string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "accounts",
		Short: "Create and change Premium and Pro accounts (--data: a stopped engine's store; --server: a running engine)",
	}
	t := addTarget(cmd, &dataDir, &configPath, &asJSON)
	// account runs f on the backend the command line chose, and prints the
	// account (brief: its id alone, unless --json).
	account := func(cmd *cobra.Command, brief bool, f func(backend) (sessions.Account, error)) error {
		cfg, err := loadConfig(configPath)
		if err != nil {
			return err
		}
		b := t.backend(cfg)
		defer b.Close()
		a, err := f(b)
		if err != nil {
			return err
		}
		if brief && !asJSON {
			fmt.Fprintln(cmd.OutOrStdout(), a.ID)
			return nil
		}
		return outputAccount(cmd, a, asJSON, cfg.Location)
	}

	var pkg, id, number string
	var numbers []string
	create := &cobra.Command{
		Use:     "create --package premium|pro --number N [--number N ...]",
		Short:   "Open an account; prints its id",
		Example: "  smspark accounts create --data /tmp/d --package premium --number +32475000001",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return account(cmd, true, func(b backend) (sessions.Account, error) {
				return b.CreateAccount(cmd.Context(), sessions.Package(pkg), numbers)
			})
		},
	}
	create.Flags().StringVar(&pkg, "package", "", "premium or pro")
	create.Flags().StringArrayVar(&numbers, "number", nil, "a mobile number of the account (repeat)")
	_ = create.MarkFlagRequired("package")
	_ = create.MarkFlagRequired("number")

	sub := func(use, short string, f func(cmd *cobra.Command, b backend) (sessions.Account, error)) *cobra.Command {
		return &cobra.Command{Use: use, Short: short, Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				return account(cmd, false, func(b backend) (sessions.Account, error) { return f(cmd, b) })
			}}
	}
	show := sub("show --account ID", "Show an account", func(cmd *cobra.Command, b backend) (sessions.Account, error) {
		return b.Account(cmd.Context(), id)
	})
	add := sub("add-number --account ID --number N", "Add a number to an account",
		func(cmd *cobra.Command, b backend) (sessions.Account, error) {
			return b.AddNumber(cmd.Context(), id, number)
		})
	remove := sub("remove-number --account ID --number N", "Remove a number from an account (it becomes Easy)",
		func(cmd *cobra.Command, b backend) (sessions.Account, error) {
			return b.RemoveNumber(cmd.Context(), id, number)
		})
	setPkg := sub("set-package --account ID --package premium|pro",
		"Change an account's package (a downgrade that leaves too many numbers is refused)",
		func(cmd *cobra.Command, b backend) (sessions.Account, error) {
			return b.SetPackage(cmd.Context(), id, sessions.Package(pkg))
		})
	for _, c := range []*cobra.Command{show, add, remove, setPkg} {
		c.Flags().StringVar(&id, "account", "", "account id")
		_ = c.MarkFlagRequired("account")
	}
	for _, c := range []*cobra.Command{add, remove} {
		c.Flags().StringVar(&number, "number", "", "mobile number")
		_ = c.MarkFlagRequired("number")
	}
	setPkg.Flags().StringVar(&pkg, "package", "", "premium or pro")
	_ = setPkg.MarkFlagRequired("package")
	cmd.AddCommand(create, show, add, remove, setPkg)
	return cmd
}

func printAccount(cmd *cobra.Command, a sessions.Account) {
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "account  %s\npackage  %s\ncreated  %s\nnumbers  %s\n",
		a.ID, a.Package, a.Created.Format(time.RFC3339), strings.Join(a.Numbers, " "))
}
