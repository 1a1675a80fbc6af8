package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"smspark/audit"
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

	// withAccount runs f on an engine over the store in dataDir, or remote
	// on the running engine of --server.
	withAccount := func(cmd *cobra.Command, f func(*sessions.Engine) (sessions.Account, error),
		remote func(*adminClient) (sessions.Account, error)) (sessions.Account, *time.Location, error) {
		cfg, err := loadConfig(configPath)
		if err != nil {
			return sessions.Account{}, nil, err
		}
		var a sessions.Account
		if t.remote() {
			a, err = remote(t.client())
		} else {
			a, err = localAccount(cmd.Context(), cfg, dataDir, accountAction(cmd.Name()), f)
		}
		return a, cfg.Location, err
	}
	// withEngine is withAccount, then prints the account.
	withEngine := func(cmd *cobra.Command, f func(*sessions.Engine) (sessions.Account, error),
		remote func(*adminClient) (sessions.Account, error)) error {
		a, loc, err := withAccount(cmd, f, remote)
		if err != nil {
			return err
		}
		return outputAccount(cmd, a, asJSON, loc)
	}

	var pkg string
	var numbers []string
	create := &cobra.Command{
		Use:     "create --package premium|pro --number N [--number N ...]",
		Short:   "Open an account; prints its id",
		Example: "  smspark accounts create --data /tmp/d --package premium --number +32475000001",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, loc, err := withAccount(cmd, func(e *sessions.Engine) (sessions.Account, error) {
				return e.CreateAccount(cmd.Context(), sessions.Package(pkg), numbers)
			}, func(c *adminClient) (sessions.Account, error) { return c.createAccount(cmd.Context(), pkg, numbers) })
			if err != nil {
				return err
			}
			if asJSON {
				return outputAccount(cmd, a, true, loc)
			}
			fmt.Fprintln(cmd.OutOrStdout(), a.ID)
			return nil
		},
	}
	create.Flags().StringVar(&pkg, "package", "", "premium or pro")
	create.Flags().StringArrayVar(&numbers, "number", nil, "a mobile number of the account (repeat)")
	_ = create.MarkFlagRequired("package")
	_ = create.MarkFlagRequired("number")

	var id, number string
	show := &cobra.Command{
		Use:   "show --account ID",
		Short: "Show an account",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withEngine(cmd, func(e *sessions.Engine) (sessions.Account, error) { return e.Account(id) },
				func(c *adminClient) (sessions.Account, error) { return c.account(cmd.Context(), id) })
		},
	}
	add := &cobra.Command{
		Use:   "add-number --account ID --number N",
		Short: "Add a number to an account",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withEngine(cmd, func(e *sessions.Engine) (sessions.Account, error) {
				return e.AddNumber(cmd.Context(), id, number)
			}, func(c *adminClient) (sessions.Account, error) { return c.addNumber(cmd.Context(), id, number) })
		},
	}
	remove := &cobra.Command{
		Use:   "remove-number --account ID --number N",
		Short: "Remove a number from an account (it becomes Easy)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withEngine(cmd, func(e *sessions.Engine) (sessions.Account, error) {
				return e.RemoveNumber(cmd.Context(), id, number)
			}, func(c *adminClient) (sessions.Account, error) { return c.removeNumber(cmd.Context(), id, number) })
		},
	}
	setPkg := &cobra.Command{
		Use:   "set-package --account ID --package premium|pro",
		Short: "Change an account's package (a downgrade that leaves too many numbers is refused)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withEngine(cmd, func(e *sessions.Engine) (sessions.Account, error) {
				return e.SetPackage(cmd.Context(), id, sessions.Package(pkg))
			}, func(c *adminClient) (sessions.Account, error) { return c.setPackage(cmd.Context(), id, pkg) })
		},
	}
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

// accountAction is the audit action of an accounts command ("" for show).
func accountAction(command string) string {
	switch command {
	case "create":
		return audit.AccountCreate
	case "add-number":
		return audit.AccountAddNumber
	case "remove-number":
		return audit.AccountRemoveNumber
	case "set-package":
		return audit.AccountSetPackage
	}
	return ""
}

func printAccount(cmd *cobra.Command, a sessions.Account) {
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "account  %s\npackage  %s\ncreated  %s\nnumbers  %s\n",
		a.ID, a.Package, a.Created.Format(time.RFC3339), strings.Join(a.Numbers, " "))
}
