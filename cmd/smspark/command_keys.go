package main

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"smspark/apikeys"
	"smspark/audit"
	"smspark/store"
)

func newKeysCommand() *cobra.Command {
	var dataDir, configPath string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "API keys for city portals, wardens, city counters and the operator",
	}
	t := addTarget(cmd, &dataDir, &configPath, &asJSON)

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
			if t.remote() {
				k, err := t.client().createKey(cmd.Context(), role, city, label)
				if err != nil {
					return err
				}
				return outputNewKey(cmd, k, asJSON)
			}
			if !slices.Contains(apikeys.Roles(), role) {
				return fmt.Errorf("--role must be one of %s", strings.Join(apikeys.Roles(), ", "))
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
			db, err := t.localStore()
			if err != nil {
				return err
			}
			defer db.Close()
			if err := db.PutAPIKey(cmd.Context(), rec); err != nil {
				return err
			}
			if err := recordLocal(cmd.Context(), db, audit.KeyCreate, rec.ID, strings.TrimSpace("role "+rec.Role+" "+rec.City)); err != nil {
				return err
			}
			k := rec.Listed(cfg.Location)
			k.Key = key
			return outputNewKey(cmd, k, asJSON)
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
			cfg, err := loadConfig(configPath)
			if err != nil {
				return err
			}
			if t.remote() {
				keys, err := t.client().keys(cmd.Context())
				if err != nil {
					return err
				}
				return outputKeys(cmd, keys, asJSON)
			}
			db, err := t.localStore()
			if err != nil {
				return err
			}
			defer db.Close()
			recs, err := db.APIKeys(cmd.Context())
			if err != nil {
				return err
			}
			keys := make([]apikeys.Listed, 0, len(recs))
			for _, k := range recs {
				keys = append(keys, k.Listed(cfg.Location))
			}
			return outputKeys(cmd, keys, asJSON)
		},
	}
	var id string
	revoke := &cobra.Command{
		Use:   "revoke --id ID",
		Short: "Revoke a key: it stops working (within a second on a running engine)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(configPath)
			if err != nil {
				return err
			}
			var k apikeys.Listed
			if t.remote() {
				if err := t.client().do(cmd.Context(), http.MethodPost, "/admin/keys/"+url.PathEscape(id)+"/revoke", nil, &k); err != nil {
					return err
				}
			} else {
				db, err := t.localStore()
				if err != nil {
					return err
				}
				defer db.Close()
				rec, err := db.RevokeAPIKey(cmd.Context(), id)
				if err != nil {
					return err
				}
				if err := recordLocal(cmd.Context(), db, audit.KeyRevoke, rec.ID, "role "+rec.Role); err != nil {
					return err
				}
				k = rec.Listed(cfg.Location)
			}
			return outputKeys(cmd, []apikeys.Listed{k}, asJSON)
		},
	}
	revoke.Flags().StringVar(&id, "id", "", "the key's id (keys list shows it)")
	_ = revoke.MarkFlagRequired("id")
	cmd.AddCommand(create, list, revoke)
	return cmd
}

// newAPIKey draws a key (160 random bits) and its stored record.
func newAPIKey(role, city, label string) (string, store.APIKey, error) {
	return apikeys.New(rand.Reader, role, city, label, time.Now())
}
