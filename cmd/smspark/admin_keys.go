package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"smspark/apikeys"
)

// outputNewKey prints a new key (once: only its hash is kept), or its
// record with the key in JSON.
func outputNewKey(cmd *cobra.Command, k apikeys.Listed, asJSON bool) error {
	if asJSON {
		return writeJSON(cmd, k)
	}
	fmt.Fprintln(cmd.OutOrStdout(), k.Key)
	return nil
}

// outputKeys prints key records (never the keys) as a table, or JSON.
func outputKeys(cmd *cobra.Command, keys []apikeys.Listed, asJSON bool) error {
	if asJSON {
		return writeJSON(cmd, keys)
	}
	w := newTable(cmd)
	fmt.Fprintln(w, "ID\tROLE\tCITY\tCREATED\tLABEL")
	for _, k := range keys {
		created := k.Created
		if len(created) >= 10 {
			created = created[:10] // the date of RFC 3339
		}
		label := k.Label
		if k.Revoked {
			label += " (revoked)"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", k.ID, k.Role, k.City, created, label)
	}
	return w.Flush()
}

func (c *adminClient) CreateKey(ctx context.Context, role, city, label string) (apikeys.Listed, error) {
	var k apikeys.Listed
	err := c.do(ctx, "POST", "/admin/keys", map[string]string{"role": role, "city": city, "label": label}, &k)
	return k, err
}

func (c *adminClient) Keys(ctx context.Context) ([]apikeys.Listed, error) {
	var resp struct {
		Keys []apikeys.Listed `json:"keys"`
	}
	err := c.do(ctx, "GET", "/admin/keys", nil, &resp)
	return resp.Keys, err
}

func (c *adminClient) RevokeKey(ctx context.Context, id string) (apikeys.Listed, error) {
	var k apikeys.Listed
	err := c.do(ctx, "POST", "/admin/keys/"+pathEscape(id)+"/revoke", nil, &k)
	return k, err
}

// Close does nothing: the client holds no connection between requests
// that outlives the process.
func (c *adminClient) Close() error { return nil }
