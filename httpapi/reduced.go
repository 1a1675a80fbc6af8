package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"smspark/audit"
	"smspark/sessions"
)

// Counter is what a city's counter asks of the engine: reduced tariffs.
type Counter interface {
	GrantReduced(ctx context.Context, g sessions.Grant) (sessions.Grant, error)
	RevokeGrant(ctx context.Context, id string) (sessions.Grant, error)
	Grants(city string) []sessions.Grant
	CityName(name string) (string, bool)
}

// CounterRoutes registers the city counter's reduced-tariff endpoints and
// the motorist's notifications log.
func CounterRoutes(c Counter) func(*Server, *http.ServeMux) {
	return func(s *Server, mux *http.ServeMux) {
		s.route(mux, "GET /v1/cities/{city}/reduced-tariffs", Roles("counter"), func(w http.ResponseWriter, r *http.Request) error {
			city, ok := c.CityName(r.PathValue("city"))
			if !ok || !PrincipalOf(r.Context()).CanSeeCity(city) {
				return errNotFound("no such city")
			}
			out := []grantJSON{}
			for _, g := range c.Grants(city) {
				out = append(out, s.grant(g))
			}
			return writeJSON(w, http.StatusOK, map[string]any{"grants": out})
		})
		s.route(mux, "POST /v1/cities/{city}/reduced-tariffs", Roles("counter"), s.audited(audit.ReducedGrant, func(w http.ResponseWriter, r *http.Request) error {
			city, ok := c.CityName(r.PathValue("city"))
			if !ok || !PrincipalOf(r.Context()).CanSeeCity(city) {
				return errNotFound("no such city")
			}
			var req struct {
				Number    string `json:"number,omitempty"`
				Account   string `json:"account,omitempty"`
				From      string `json:"from"`
				To        string `json:"to"`
				GrantedBy string `json:"granted_by"`
				Reason    string `json:"reason"`
			}
			if err := DecodeJSON(r, &req); err != nil {
				return err
			}
			from, err1 := time.ParseInLocation(time.DateOnly, req.From, s.opts.Location)
			to, err2 := time.ParseInLocation(time.DateOnly, req.To, s.opts.Location)
			if err1 != nil || err2 != nil {
				return errBadRequest("from and to are dates, YYYY-MM-DD")
			}
			if len(req.Reason) > 500 || len(req.GrantedBy) > 200 {
				return errBadRequest("reason or granted_by too long")
			}
			g, err := c.GrantReduced(r.Context(), sessions.Grant{City: city, Number: req.Number, Account: req.Account,
				From: from, To: to.AddDate(0, 0, 1), GrantedBy: req.GrantedBy, Reason: req.Reason})
			switch {
			case errors.Is(err, sessions.ErrNoReducedTariff):
				return problem(http.StatusUnprocessableEntity, "no-reduced-tariff", "No reduced tariff", "%v", err)
			case errors.Is(err, sessions.ErrBadGrant):
				return problem(http.StatusBadRequest, "bad-grant", "Bad grant", "%v", err)
			case err != nil:
				return accountProblem(err)
			}
			noteAudit(r, g.ID, fmt.Sprintf("%s, %s to %s, by %s: %s", g.City, g.From.Format(time.DateOnly),
				g.To.AddDate(0, 0, -1).Format(time.DateOnly), g.GrantedBy, g.Reason))
			return writeJSON(w, http.StatusCreated, s.grant(g))
		}))
		s.route(mux, "POST /v1/reduced-tariffs/{id}/revoke", Roles("counter"), s.audited(audit.ReducedRevoke, func(w http.ResponseWriter, r *http.Request) error {
			id := r.PathValue("id")
			var found *sessions.Grant
			for _, g := range c.Grants("") {
				if g.ID == id && PrincipalOf(r.Context()).CanSeeCity(g.City) {
					found = &g
				}
			}
			if found == nil {
				return errNotFound("no such grant")
			}
			g, err := c.RevokeGrant(r.Context(), id)
			if err != nil {
				return err
			}
			noteAudit(r, g.ID, g.City)
			return writeJSON(w, http.StatusOK, s.grant(g))
		}))
		s.route(mux, "GET /v1/me/messages", motorist, s.myMessages)
	}
}

type grantJSON struct {
	ID        string `json:"id"`
	City      string `json:"city"`
	Number    string `json:"number,omitempty"`
	Account   string `json:"account,omitempty"`
	Percent   int    `json:"percent"`
	From      string `json:"from"`
	To        string `json:"to"`
	GrantedBy string `json:"granted_by"`
	Reason    string `json:"reason"`
	Created   string `json:"created"`
	Revoked   bool   `json:"revoked"`
}

func (s *Server) grant(g sessions.Grant) grantJSON {
	loc := s.opts.Location
	return grantJSON{ID: g.ID, City: g.City, Number: g.Number, Account: g.Account, Percent: g.Percent,
		From: g.From.In(loc).Format(time.DateOnly), To: g.To.In(loc).AddDate(0, 0, -1).Format(time.DateOnly),
		GrantedBy: g.GrantedBy, Reason: g.Reason, Created: g.Created.In(loc).Format(time.RFC3339), Revoked: g.Revoked}
}

// Messages is the notifications log, read from the store.
type Messages interface {
	Messages(ctx context.Context, f sessions.MessageFilter) ([]sessions.Message, error)
}

// myMessages is the motorist's notifications log: every SMS sent to the
// number, newest first, with its delivery status.
func (s *Server) myMessages(w http.ResponseWriter, r *http.Request) error {
	ms, ok := s.opts.Store.(Messages)
	if !ok {
		return errNotFound("no notifications log")
	}
	list, err := ms.Messages(r.Context(), sessions.MessageFilter{To: PrincipalOf(r.Context()).Number})
	if err != nil {
		return err
	}
	type msgJSON struct {
		ID      uint64 `json:"id"`
		Source  string `json:"source"`
		Outcome string `json:"outcome"`
		Text    string `json:"text"`
		Created string `json:"created"`
		Status  string `json:"status"`
	}
	out := []msgJSON{}
	for i := len(list) - 1; i >= 0 && len(out) < 200; i-- {
		m := list[i]
		out = append(out, msgJSON{ID: m.ID, Source: m.Source, Outcome: string(m.Outcome), Text: m.Text,
			Created: m.Created.In(s.opts.Location).Format(time.RFC3339), Status: m.Status})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"messages": out})
}
