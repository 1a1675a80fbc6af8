package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"smspark/config"
	"smspark/sessions"
	"smspark/store"
)

// localAccount runs f on an engine opened on the stopped store in dataDir,
// and records action (none: "") in the audit trail.
func localAccount(ctx context.Context, cfg *config.Config, dataDir, action string, f func(*sessions.Engine) (sessions.Account, error)) (sessions.Account, error) {
	eng, db, err := openEngine(ctx, cfg, dataDir, systemClock{}, false)
	if errors.Is(err, store.ErrLocked) {
		return sessions.Account{}, fmt.Errorf("%w: an engine runs on %s: ask it with --server", err, dataDir)
	}
	if err != nil {
		return sessions.Account{}, err
	}
	defer db.Close()
	a, err := f(eng)
	if err != nil || action == "" {
		return a, err
	}
	return a, recordLocal(ctx, db, action, a.ID, fmt.Sprintf("package %s, numbers %s", a.Package, strings.Join(a.Numbers, " ")))
}

// accountOut is an account as the admin commands print it in JSON (the
// admin endpoint's form).
type accountOut struct {
	ID      string   `json:"id"`
	Package string   `json:"package"`
	Numbers []string `json:"numbers"`
	Created string   `json:"created"`
}

// outputAccount prints an account, or its JSON.
func outputAccount(cmd *cobra.Command, a sessions.Account, asJSON bool, loc *time.Location) error {
	a.Created = a.Created.In(loc)
	if asJSON {
		return writeJSON(cmd, accountOut{ID: a.ID, Package: string(a.Package), Numbers: a.Numbers,
			Created: a.Created.Format(time.RFC3339)})
	}
	printAccount(cmd, a)
	return nil
}

func (c *adminClient) CreateAccount(ctx context.Context, pkg sessions.Package, numbers []string) (sessions.Account, error) {
	var a sessions.Account
	err := c.do(ctx, "POST", "/admin/accounts", map[string]any{"package": pkg, "numbers": numbers}, &a)
	return a, err
}

func (c *adminClient) Account(ctx context.Context, id string) (sessions.Account, error) {
	var a sessions.Account
	err := c.do(ctx, "GET", "/admin/accounts/"+pathEscape(id), nil, &a)
	return a, err
}

func (c *adminClient) AddNumber(ctx context.Context, id, number string) (sessions.Account, error) {
	var a sessions.Account
	err := c.do(ctx, "POST", "/admin/accounts/"+pathEscape(id)+"/numbers", map[string]string{"number": number}, &a)
	return a, err
}

func (c *adminClient) RemoveNumber(ctx context.Context, id, number string) (sessions.Account, error) {
	var a sessions.Account
	err := c.do(ctx, "DELETE", "/admin/accounts/"+pathEscape(id)+"/numbers/"+pathEscape(number), nil, &a)
	return a, err
}

func (c *adminClient) SetPackage(ctx context.Context, id string, pkg sessions.Package) (sessions.Account, error) {
	var a sessions.Account
	err := c.do(ctx, "POST", "/admin/accounts/"+pathEscape(id)+"/package", map[string]string{"package": string(pkg)}, &a)
	return a, err
}
