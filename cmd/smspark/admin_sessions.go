package main

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"smspark/httpapi"
	"smspark/parser"
	"smspark/sessions"
)

// newSessionsStopCommand is `sessions stop`: end a running session for
// the operator, end reason admin.
func newSessionsStopCommand(t *target, asJSON *bool) *cobra.Command {
	var plate string
	cmd := &cobra.Command{
		Use:   "stop [ID] [--plate P]",
		Short: "End a running session (end reason admin); the motorist gets the stopped SMS",
		Long: `Ends a running session, found by its id or by its plate, as the operator:
end reason admin, charged up to now. The motorist gets the usual stopped SMS
(unless confirmations are off). With --data the engine must be stopped: the
SMS waits in the store's outbox and goes out when the engine runs.`,
		Example: `  smspark sessions stop --server http://127.0.0.1:8081 42
  smspark sessions stop --server http://127.0.0.1:8081 --plate 1-ABC-123`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var id uint64
			if len(args) == 1 {
				var err error
				if id, err = strconv.ParseUint(args[0], 10, 64); err != nil || id == 0 {
					return fmt.Errorf("session id %q: not a session id", args[0])
				}
			}
			if (id == 0) == (plate == "") {
				return fmt.Errorf("a session id or --plate: exactly one")
			}
			if plate != "" {
				p, err := parser.NormalizePlate(plate)
				if err != nil {
					return fmt.Errorf("--plate %q: %w", plate, err)
				}
				plate = p
			}
			cfg, err := loadConfig(*t.config)
			if err != nil {
				return err
			}
			b := t.backend(cfg)
			defer b.Close()
			s, err := b.StopSession(cmd.Context(), id, plate)
			if err != nil {
				return err
			}
			if !t.remote() && !*asJSON {
				defer fmt.Fprintln(cmd.ErrOrStderr(), "(the stopped SMS waits in the store's outbox until the engine runs)")
			}
			return outputSession(cmd, s, *asJSON, cfg.Location)
		},
	}
	cmd.Flags().StringVar(&plate, "plate", "", "the running session of this plate")
	return cmd
}

// outputSessions prints sessions as a table, or as JSON.
func outputSessions(cmd *cobra.Command, list []sessions.Session, asJSON bool, loc *time.Location) error {
	if asJSON {
		out := make([]sessionJSON, 0, len(list))
		for _, s := range list {
			out = append(out, toSessionJSON(s, loc))
		}
		return writeJSON(cmd, out)
	}
	printSessions(cmd, list, loc)
	return nil
}

// outputSession prints one session as a table, or as one JSON object.
func outputSession(cmd *cobra.Command, s sessions.Session, asJSON bool, loc *time.Location) error {
	if asJSON {
		return writeJSON(cmd, toSessionJSON(s, loc))
	}
	printSessions(cmd, []sessions.Session{s}, loc)
	return nil
}

// Sessions lists the sessions a filter selects (From and To are not
// offered by the admin endpoint).
func (c *adminClient) Sessions(ctx context.Context, f sessions.SessionFilter) ([]sessions.Session, error) {
	q := url.Values{}
	for k, v := range map[string]string{"number": f.Number, "plate": f.Plate, "zone": f.Zone, "account": f.Account} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Running {
		q.Set("running", "true")
	}
	if f.Limit > 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	var resp struct {
		Sessions []httpapi.AdminSession `json:"sessions"`
	}
	if err := c.do(ctx, "GET", "/admin/sessions?"+q.Encode(), nil, &resp); err != nil {
		return nil, err
	}
	out := make([]sessions.Session, 0, len(resp.Sessions))
	for _, a := range resp.Sessions {
		s, err := a.Session()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// sessionAnswer is the admin endpoint's answer about one session.
type sessionAnswer struct {
	Session httpapi.AdminSession `json:"session"`
}

func (c *adminClient) Session(ctx context.Context, id uint64) (sessions.Session, error) {
	var resp sessionAnswer
	if err := c.do(ctx, "GET", "/admin/sessions/"+strconv.FormatUint(id, 10), nil, &resp); err != nil {
		return sessions.Session{}, err
	}
	return resp.Session.Session()
}

func (c *adminClient) StopSession(ctx context.Context, id uint64, plate string) (sessions.Session, error) {
	var resp sessionAnswer
	req := map[string]any{}
	if id != 0 {
		req["id"] = id
	} else {
		req["plate"] = plate
	}
	if err := c.do(ctx, "POST", "/admin/sessions/stop", req, &resp); err != nil {
		return sessions.Session{}, err
	}
	return resp.Session.Session()
}
