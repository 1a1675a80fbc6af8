package main

import (
	"context"
	"errors"
	"net/http"

	"smspark/billing"
	"smspark/httpapi"
	"smspark/sessions"
	"smspark/store"
	"smspark/tariffs"
	"smspark/web"
)

// webRecords lets the motorist's page read the number's records in the
// store.
type webRecords struct{ db appStore }

func (r webRecords) Sessions(ctx context.Context, number string) ([]sessions.Session, error) {
	return r.db.Sessions(ctx, store.SessionFilter{Number: number})
}

func (r webRecords) Settings(ctx context.Context, number string) (sessions.Settings, error) {
	st, err := r.db.Settings(ctx, number)
	if isNotFound(err) {
		return sessions.Settings{Number: number}, nil
	}
	return st, err
}

func (r webRecords) Messages(ctx context.Context, number string) ([]sessions.Message, error) {
	return r.db.Messages(ctx, store.MessageFilter{To: number})
}

// webStatements builds the page's statements as the API and the CLI do.
type webStatements struct{ m *Main }

func (s webStatements) Statement(ctx context.Context, a sessions.Account, month string) (billing.Statement, error) {
	return billing.Build(ctx, s.m.DB, a, month, tariffs.ZoneNamer(s.m.zone), s.m.Config.Location)
}

// alwaysLeader is the node until the cluster exists: every node writes.
type alwaysLeader struct{}

func (alwaysLeader) Leader() bool { return true }

// webRoutes serves the motorist's page at / on the API's listener; its
// logins share the API's rate limits.
func (m *Main) webRoutes() func(*httpapi.Server, *http.ServeMux) {
	return func(s *httpapi.Server, mux *http.ServeMux) {
		login := func(r *http.Request, username, password string) (string, error) {
			number, err := s.MotoristLogin(r, username, password)
			switch {
			case errors.Is(err, httpapi.ErrTooManyLogins):
				return "", web.ErrTooManyLogins
			case err != nil:
				return "", web.ErrBadCredentials
			}
			return number, nil
		}
		opts := web.Options{Engine: m.Engine, Records: webRecords{m.DB}, Login: login,
			Statements: webStatements{m}, Node: alwaysLeader{},
			Zones: m.zones, Clock: m.Clock.Now, Location: m.Config.Location,
			Logger: m.Logger.With().Str("component", "web").Logger()}
		if m.DayCards != nil {
			opts.DayCards, opts.TestPayments = m.DayCards, m.TestPayments
		}
		page, err := web.New(opts)
		if err != nil {
			// The templates are embedded: a parse error is a build defect.
			m.Logger.Error().Err(err).Msg("web page disabled")
			return
		}
		page.Routes(mux)
	}
}

// zones are the configured zones, every city's.
func (m *Main) zones() []tariffs.Zone {
	var out []tariffs.Zone
	for _, c := range m.config().Cities {
		out = append(out, c.Zones...)
	}
	return out
}
