package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"smspark/httpapi"
	"smspark/store"
)

// defaultAdminAddr is where smspark serve listens for the admin commands'
// --server mode.
const defaultAdminAddr = "127.0.0.1:8081"

// adminKeyEnv holds the admin API key for --server when --key is not given.
const adminKeyEnv = "SMSPARK_ADMIN_KEY"

// errTarget is a command line that names no target, or two.
var errTarget = errors.New("give --data DIR or --database URL (a stopped engine's store) or --server URL (a running engine's admin endpoint)")

// target is where an admin command works: the store of a stopped engine
// (--data DIR) or a running engine's admin endpoint (--server URL).
type target struct {
	data     *string
	database string
	config   *string
	server   string
	key      string
}

// addTarget gives an admin command (and its subcommands) --data,
// --config, --server, --key and, when asJSON is not nil, --json; exactly
// one of --data and --server is required.
func addTarget(cmd *cobra.Command, dataDir, configPath *string, asJSON *bool) *target {
	t := &target{data: dataDir, config: configPath}
	pf := cmd.PersistentFlags()
	pf.StringVar(dataDir, "data", "", "data directory holding the store (engine stopped)")
	pf.StringVar(&t.database, "database", "", "the PostgreSQL store's URL, postgres://… (instead of --data)")
	pf.StringVar(configPath, "config", "", "YAML configuration (default: the embedded reference data)")
	pf.StringVar(&t.server, "server", "", "ask a running engine: its admin endpoint, e.g. http://"+defaultAdminAddr)
	pf.StringVar(&t.key, "key", "", "admin API key for --server off loopback (default: $"+adminKeyEnv+")")
	if asJSON != nil {
		pf.BoolVar(asJSON, "json", false, "JSON for scripts")
	}
	cmd.PersistentPreRunE = func(*cobra.Command, []string) error { return t.check() }
	return t
}

// check refuses --data with --server, and neither; --database counts as
// --data (and is where the command's store is from then on).
func (t *target) check() error {
	where, err := storeWhere(*t.data, t.database)
	if err != nil {
		return err
	}
	*t.data = where
	if (*t.data == "") == (t.server == "") {
		if *t.data != "" {
			return fmt.Errorf("--data and --server are mutually exclusive: %w, not both", errTarget)
		}
		return errTarget
	}
	return nil
}

// remote reports whether the command asks a running engine.
func (t *target) remote() bool { return t.server != "" }

// client returns the admin endpoint's client.
func (t *target) client() *adminClient { return newAdminClient(t.server, t.key) }

// localStore opens the store of --data or --database; a running engine
// holding a bbolt store is told to use --server.
func (t *target) localStore() (appStore, error) {
	db, err := openStore(context.Background(), *t.data, storeOptions{})
	if errors.Is(err, store.ErrLocked) {
		return nil, fmt.Errorf("%w: an engine runs on %s: ask it with --server", err, *t.data)
	}
	return db, err
}

// adminClient talks to the admin endpoint of smspark serve.
type adminClient struct {
	base string
	key  string
	http *http.Client
}

func newAdminClient(server, key string) *adminClient {
	if !strings.Contains(server, "://") {
		server = "http://" + server
	}
	if key == "" {
		key = os.Getenv(adminKeyEnv)
	}
	return &adminClient{base: strings.TrimRight(server, "/"), key: key, http: &http.Client{}}
}

// problemError is a problem the admin endpoint answered.
type problemError struct{ httpapi.Problem }

func (e *problemError) Error() string {
	what := e.Detail
	if what == "" {
		what = e.Title
	}
	return fmt.Sprintf("%s (%d %s)", what, e.Status, strings.TrimPrefix(e.Type, "https://smspark.example/problems/"))
}

// request sends a request and returns the response when it is 2xx; any
// other answer is returned as a *problemError. The caller closes the body.
func (c *adminClient) request(ctx context.Context, method, path string, body any) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, fmt.Errorf("--server: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("admin endpoint: %w", err)
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	p := &problemError{}
	if err := json.Unmarshal(raw, &p.Problem); err != nil || p.Status == 0 {
		p.Problem = httpapi.Problem{Status: resp.StatusCode, Title: resp.Status,
			Detail: strings.TrimSpace(string(raw)), Type: "unexpected-response"}
	}
	return nil, p
}

// do sends body (nil: none) as JSON and decodes the JSON answer into out
// (nil: discarded).
func (c *adminClient) do(ctx context.Context, method, path string, body, out any) error {
	resp, err := c.request(ctx, method, path, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("admin endpoint %s %s: %w", method, path, err)
	}
	return nil
}

// pathEscape escapes one path segment.
func pathEscape(s string) string { return url.PathEscape(s) }

// newTable is the aligned table every admin command prints.
func newTable(cmd *cobra.Command) *tabwriter.Writer {
	return tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
}
