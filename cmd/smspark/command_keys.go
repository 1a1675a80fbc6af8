package main

import (
	"github.com/spf13/cobra"

	"smspark/apikeys"
)

func newKeysCommand() *cobra.Command {
	var dataDir, configPath string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "API keys for city portals, wardens, city counters and the operator",
	}
	t := addTarget(cmd, &dataDir, &configPath, &asJSON)
	// over runs f on the backend the command line chose.
	over := func(f func(backend) error) error {
		cfg, err := loadConfig(configPath)
		if err != nil {
			return err
		}
		b := t.backend(cfg)
		defer b.Close()
		return f(b)
	}

	var role, city, label string
	create := &cobra.Command{
		Use:   "create --role admin|portal|warden|counter [--city CITY] [--label TEXT]",
		Short: "Create a key; prints it once (only its hash is stored)",
		Example: `  smspark keys create --data /var/lib/smspark --role portal --city Blankenberge --label "city portal"
  smspark keys create --data /var/lib/smspark --role warden --city Brussels`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return over(func(b backend) error {
				k, err := b.CreateKey(cmd.Context(), role, city, label)
				if err != nil {
					return err
				}
				return outputNewKey(cmd, k, asJSON)
			})
		},
	}
	create.Flags().StringVar(&role, "role", "", "admin, portal, warden or counter")
	create.Flags().StringVar(&city, "city", "", "the city a portal, warden or counter key belongs to")
	create.Flags().StringVar(&label, "label", "", "what the key is for")
	_ = create.MarkFlagRequired("role")

	list := &cobra.Command{
		Use:   "list",
		Short: "List keys (never the keys themselves)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return over(func(b backend) error {
				keys, err := b.Keys(cmd.Context())
				if err != nil {
					return err
				}
				return outputKeys(cmd, keys, asJSON)
			})
		},
	}
	var id string
	revoke := &cobra.Command{
		Use:   "revoke --id ID",
		Short: "Revoke a key: it stops working (within a second on a running engine)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return over(func(b backend) error {
				k, err := b.RevokeKey(cmd.Context(), id)
				if err != nil {
					return err
				}
				return outputKeys(cmd, []apikeys.Listed{k}, asJSON)
			})
		},
	}
	revoke.Flags().StringVar(&id, "id", "", "the key's id (keys list shows it)")
	_ = revoke.MarkFlagRequired("id")
	cmd.AddCommand(create, list, revoke)
	return cmd
}
