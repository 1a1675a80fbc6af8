package main

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"smspark/store"
)

// keyRoles are the roles an API key may have.
var keyRoles = []string{"admin", "portal", "warden", "counter"}

func newKeysCommand() *cobra.Command {
	var dataDir, configPath string
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "API keys for city portals, wardens, city counters and the operator",
	}
	cmd.PersistentFlags().StringVar(&dataDir, "data", "", "data directory holding the store")
	cmd.PersistentFlags().StringVar(&configPath, "config", "", "YAML configuration (default: the embedded reference data)")
	_ = cmd.MarkPersistentFlagRequired("data")

	var role, city, label string
	create := &cobra.Command{
		Use:   "create --role admin|portal|warden|counter [--city CITY] [--label TEXT]",
		Short: "Create a key; prints it once (only its hash is stored)",
		Example: `  smspark keys create --data /var/lib/smspark --role portal --city Blankenberge --label "city portal"
  smspark keys create --data /var/lib/smspark --role warden --city Brussels`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(configPath)
			if err != nil {
				return err
			}
			if !slices.Contains(keyRoles, role) {
				return fmt.Errorf("--role must be one of %s", strings.Join(keyRoles, ", "))
			}
			if role != "admin" {
				c, ok := cfg.City(city)
				if !ok {
					return fmt.Errorf("--city: %q is not a configured city (a %s key belongs to one city)", city, role)
				}
				city = c.Name
			} else if city != "" {
				return fmt.Errorf("an admin key sees every city: no --city")
			}
			key, rec, err := newAPIKey(role, city, label)
			if err != nil {
				return err
			}
			db, err := store.Open(dataDir, store.Options{})
			if err != nil {
				return err
			}
			defer db.Close()
			if err := db.PutAPIKey(cmd.Context(), rec); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), key)
			return nil
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
			db, err := store.Open(dataDir, store.Options{})
			if err != nil {
				return err
			}
			defer db.Close()
			keys, err := db.APIKeys(cmd.Context())
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tROLE\tCITY\tCREATED\tLABEL")
			for _, k := range keys {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", k.ID, k.Role, k.City, k.Created.Format(time.DateOnly), k.Label)
			}
			return w.Flush()
		},
	}
	cmd.AddCommand(create, list)
	return cmd
}

// newAPIKey draws a key (160 random bits) and its stored record.
func newAPIKey(role, city, label string) (string, store.APIKey, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", store.APIKey{}, err
	}
	secret := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	key := "sk_" + role + "_" + secret
	id := "K" + strings.ToUpper(secret[:8])
	return key, store.APIKey{ID: id, Hash: store.HashKey(key), Role: role, City: city, Label: label, Created: time.Now()}, nil
}
