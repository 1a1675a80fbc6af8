package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"smspark/audit"
	"smspark/permits"
	"smspark/sessions"
)

// The admin endpoint's reads of permits and the notifications log, and
// the reduced-tariff grants, in the domain's own JSON: the CLI prints
// them the same way from --data and from --server.

// AdminPermits is what the admin endpoint reads of permits (the store).
type AdminPermits interface {
	Permits(ctx context.Context) ([]permits.Permit, error)
	PermitsOfPlate(ctx context.Context, plate string) ([]permits.Permit, error)
	Permit(ctx context.Context, id string) (permits.Permit, error)
}

// AdminGrants is what the admin endpoint asks of the engine for reduced
// tariffs.
type AdminGrants interface {
	GrantReduced(ctx context.Context, g sessions.Grant) (sessions.Grant, error)
	RevokeGrant(ctx context.Context, id string) (sessions.Grant, error)
	Grants(city string) []sessions.Grant
}

func (a *Admin) routeReads(mux *http.ServeMux) {
	a.route(mux, "GET /admin/permits", a.permits)
	a.route(mux, "GET /admin/permits/{id}", a.permit)
	a.route(mux, "GET /admin/messages", a.messages)
	a.route(mux, "GET /admin/reduced-tariffs", a.grants)
	a.route(mux, "POST /admin/reduced-tariffs", a.audited(audit.ReducedGrant, a.grantReduced))
	a.route(mux, "POST /admin/reduced-tariffs/{id}/revoke", a.audited(audit.ReducedRevoke, a.revokeGrant))
}

// permits lists the permits, or those of ?plate=.
func (a *Admin) permits(w http.ResponseWriter, r *http.Request) error {
	ps, ok := a.opts.Store.(AdminPermits)
	if !ok {
		return errNotFound("no permits")
	}
	var list []permits.Permit
	var err error
	if plate := r.URL.Query().Get("plate"); plate != "" {
		list, err = ps.PermitsOfPlate(r.Context(), plate)
	} else {
		list, err = ps.Permits(r.Context())
	}
	if err != nil {
		return err
	}
	if list == nil {
		list = []permits.Permit{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"permits": list})
}

func (a *Admin) permit(w http.ResponseWriter, r *http.Request) error {
	ps, ok := a.opts.Store.(AdminPermits)
	if !ok {
		return errNotFound("no permits")
	}
	p, err := ps.Permit(r.Context(), strings.ToUpper(strings.TrimSpace(r.PathValue("id"))))
	if errors.Is(err, sessions.ErrNotFound) {
		return errNotFound("no such permit")
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

// messages is the notifications log: ?to= (E.164) and ?status=.
func (a *Admin) messages(w http.ResponseWriter, r *http.Request) error {
	ms, ok := a.opts.Store.(Messages)
	if !ok {
		return errNotFound("no notifications log")
	}
	q := r.URL.Query()
	list, err := ms.Messages(r.Context(), sessions.MessageFilter{To: q.Get("to"), Status: q.Get("status")})
	if err != nil {
		return err
	}
	if list == nil {
		list = []sessions.Message{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"messages": list})
}

func (a *Admin) grantsOf() (AdminGrants, error) {
	g, ok := a.opts.Engine.(AdminGrants)
	if !ok {
		return nil, problem(http.StatusNotImplemented, "not-supported", "Not supported", "this engine grants no reduced tariffs")
	}
	return g, nil
}

// grants lists the reduced-tariff grants, or those of ?city=.
func (a *Admin) grants(w http.ResponseWriter, r *http.Request) error {
	g, err := a.grantsOf()
	if err != nil {
		return err
	}
	list := g.Grants(r.URL.Query().Get("city"))
	if list == nil {
		list = []sessions.Grant{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"grants": list})
}

// grantReduced grants a city's reduced tariff: a sessions.Grant (city,
// number or account, from, to exclusive, granted_by, reason).
func (a *Admin) grantReduced(w http.ResponseWriter, r *http.Request) error {
	g, err := a.grantsOf()
	if err != nil {
		return err
	}
	var req sessions.Grant
	if err := DecodeJSON(r, &req); err != nil {
		return err
	}
	if len(req.Reason) > 500 || len(req.GrantedBy) > 200 {
		return errBadRequest("reason or granted_by too long")
	}
	if a.opts.City != nil {
		if c, ok := a.opts.City(req.City); ok {
			req.City = c
		}
	}
	out, err := g.GrantReduced(r.Context(), sessions.Grant{City: req.City, Number: req.Number, Account: req.Account,
		From: req.From, To: req.To, GrantedBy: req.GrantedBy, Reason: req.Reason})
	switch {
	case errors.Is(err, sessions.ErrNoReducedTariff):
		return problem(http.StatusUnprocessableEntity, "no-reduced-tariff", "No reduced tariff", "%v", err)
	case errors.Is(err, sessions.ErrBadGrant):
		return problem(http.StatusBadRequest, "bad-grant", "Bad grant", "%v", err)
	case err != nil:
		return accountProblem(err)
	}
	noteAudit(r, out.ID, fmt.Sprintf("%s, %s to %s, by %s: %s", out.City, out.From.In(a.opts.Location).Format(time.DateOnly),
		out.To.In(a.opts.Location).AddDate(0, 0, -1).Format(time.DateOnly), out.GrantedBy, out.Reason))
	return writeJSON(w, http.StatusCreated, out)
}

func (a *Admin) revokeGrant(w http.ResponseWriter, r *http.Request) error {
	g, err := a.grantsOf()
	if err != nil {
		return err
	}
	out, err := g.RevokeGrant(r.Context(), r.PathValue("id"))
	if errors.Is(err, sessions.ErrGrantNotFound) {
		return errNotFound("no such grant")
	}
	if err != nil {
		return err
	}
	noteAudit(r, out.ID, out.City)
	return writeJSON(w, http.StatusOK, out)
}
