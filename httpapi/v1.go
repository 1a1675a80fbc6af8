package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"smspark/audit"
	"smspark/parser"
	"smspark/sessions"
)

func (s *Server) routeV1(mux *http.ServeMux) {
	s.route(mux, "GET /v1/enforcement/plates/{plate}", Roles("warden"), s.enforcement)

	s.route(mux, "POST /v1/accounts", Roles("admin"), s.audited(audit.AccountCreate, s.createAccount))
	s.route(mux, "GET /v1/accounts/{id}", Roles("admin"), s.getAccount)
	s.route(mux, "POST /v1/accounts/{id}/numbers", Roles("admin"), s.audited(audit.AccountAddNumber, s.addNumber))
	s.route(mux, "DELETE /v1/accounts/{id}/numbers/{number}", Roles("admin"), s.audited(audit.AccountRemoveNumber, s.removeNumber))
	s.route(mux, "POST /v1/accounts/{id}/package", Roles("admin"), s.audited(audit.AccountSetPackage, s.setPackage))

	s.route(mux, "POST /v1/login", public, s.login)
	s.route(mux, "GET /v1/me/sessions", motorist, s.mySessions)
	s.route(mux, "POST /v1/me/sessions", motorist, s.startSession)
	s.route(mux, "POST /v1/me/sessions/stop", motorist, s.stopSession)
}

// SessionJSON is a session in API responses.
type SessionJSON struct {
	ID               uint64  `json:"id"`
	Plate            string  `json:"plate"`
	Zone             string  `json:"zone"`
	ZoneName         string  `json:"zone_name,omitempty"`
	City             string  `json:"city"`
	Channel          string  `json:"channel"`
	Start            string  `json:"start"`
	Until            string  `json:"until"`
	End              *string `json:"end"`
	EndReason        *string `json:"end_reason"`
	CostCents        int64   `json:"cost_cents"`
	TransactionCents int64   `json:"transaction_cents"`
	FreeFirstUse     bool    `json:"free_first_use"`
}

// Session returns the API form of a session.
func (s *Server) Session(ss sessions.Session) SessionJSON {
	loc := s.opts.Location
	out := SessionJSON{ID: ss.ID, Plate: ss.Plate, Zone: ss.Zone, City: ss.City, Channel: string(ss.Channel),
		Start: ss.Start.In(loc).Format(time.RFC3339), Until: ss.Until.In(loc).Format(time.RFC3339),
		CostCents: ss.CostCents, TransactionCents: ss.TransactionCents, FreeFirstUse: ss.Free}
	if s.opts.Zones != nil {
		if z, ok := s.opts.Zones(ss.Zone); ok {
			out.ZoneName = z.Name
		}
	}
	if !ss.Running() {
		end, reason := ss.End.In(loc).Format(time.RFC3339), string(ss.EndReason)
		out.End, out.EndReason = &end, &reason
	}
	return out
}

func (s *Server) enforcement(w http.ResponseWriter, r *http.Request) error {
	plate, err := parser.NormalizePlate(r.PathValue("plate"))
	if err != nil {
		return problem(http.StatusBadRequest, "invalid-plate", "Invalid plate", "%q is not a plate", r.PathValue("plate"))
	}
	query := r.URL.Query()
	code := query.Get("zone")
	zone, ok := s.opts.Zones(code)
	if !ok {
		return problem(http.StatusBadRequest, "unknown-zone", "Unknown zone", "zone %q is not configured", code)
	}
	p := PrincipalOf(r.Context())
	if !p.CanSeeCity(zone.City) {
		// Another city's zone: as if it did not exist.
		return problem(http.StatusBadRequest, "unknown-zone", "Unknown zone", "zone %q is not configured", code)
	}
	at := s.opts.Clock()
	if t := query.Get("at"); t != "" {
		if at, err = time.Parse(time.RFC3339, t); err != nil {
			return errBadRequest("at: %v", err)
		}
	}
	v := s.opts.Engine.Check(plate, zone.Code, at)
	type sessionRef struct {
		Zone      string  `json:"zone"`
		Start     string  `json:"start"`
		Until     string  `json:"until"`
		End       *string `json:"end,omitempty"`
		EndReason string  `json:"end_reason,omitempty"`
	}
	ref := func(ss sessions.Session) sessionRef {
		out := sessionRef{Zone: ss.Zone, Start: ss.Start.In(s.opts.Location).Format(time.RFC3339),
			Until: ss.Until.In(s.opts.Location).Format(time.RFC3339)}
		if !ss.Running() {
			e := ss.End.In(s.opts.Location).Format(time.RFC3339)
			out.End, out.EndReason = &e, string(ss.EndReason)
		}
		return out
	}
	resp := struct {
		Plate   string       `json:"plate"`
		Zone    string       `json:"zone"`
		At      string       `json:"at"`
		Valid   bool         `json:"valid"`
		Until   *string      `json:"until"`
		Session *sessionRef  `json:"session"`
		Recent  []sessionRef `json:"recently_ended"`
		Permit  *permitRef   `json:"permit,omitempty"`
	}{Plate: plate, Zone: zone.Code, At: at.In(s.opts.Location).Format(time.RFC3339), Valid: v.Valid, Recent: []sessionRef{}}
	if v.Session == nil && v.Permit != nil {
		loc := s.opts.Location
		until := v.Permit.Until.In(loc).Format(time.RFC3339)
		resp.Until = &until
		resp.Permit = &permitRef{ID: v.Permit.ID, Type: v.Permit.Type, From: v.Permit.From.In(loc).Format(time.RFC3339), Until: until}
	}
	if v.Session != nil {
		sr := ref(*v.Session)
		resp.Session = &sr
		until := sr.Until
		if sr.End != nil {
			until = *sr.End
		}
		resp.Until = &until
	}
	for _, ss := range v.Recent {
		// The engine gives the plate's recent sessions in every zone: a
		// city's key sees its own city's only.
		city := ss.City
		if z, ok := s.opts.Zones(ss.Zone); ok {
			city = z.City
		}
		if p.CanSeeCity(city) {
			resp.Recent = append(resp.Recent, ref(ss))
		}
	}
	return writeJSON(w, http.StatusOK, resp)
}

// permitRef is the permit or day card that makes a plate valid.
type permitRef struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	From  string `json:"from"`
	Until string `json:"until"`
}

// accountJSON is an account in API responses.
type accountJSON struct {
	ID      string   `json:"id"`
	Package string   `json:"package"`
	Numbers []string `json:"numbers"`
	Created string   `json:"created"`
}

func (s *Server) account(a sessions.Account) accountJSON {
	return accountJSON{ID: a.ID, Package: string(a.Package), Numbers: a.Numbers, Created: a.Created.In(s.opts.Location).Format(time.RFC3339)}
}

// accountProblem maps the engine's account errors onto problems.
func accountProblem(err error) error {
	switch {
	case errors.Is(err, sessions.ErrAccountNotFound):
		return errNotFound("no such account")
	case errors.Is(err, sessions.ErrNumberTaken):
		return problem(http.StatusConflict, "number-taken", "Number taken", "%v", err)
	case errors.Is(err, sessions.ErrTooManyNumbers):
		return problem(http.StatusConflict, "too-many-numbers", "Too many numbers", "%v", err)
	case errors.Is(err, sessions.ErrNoNumbers):
		return problem(http.StatusConflict, "last-number", "Last number", "%v", err)
	case errors.Is(err, sessions.ErrBadPackage):
		return problem(http.StatusBadRequest, "bad-package", "Bad package", "%v", err)
	case errors.Is(err, sessions.ErrBadNumber):
		return problem(http.StatusBadRequest, "unsupported-number", "Unsupported number", "%v", err)
	case errors.Is(err, sessions.ErrNumberNotInAcct):
		return errNotFound("the number is not in this account")
	}
	return err
}

func (s *Server) createAccount(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Package string   `json:"package"`
		Numbers []string `json:"numbers"`
	}
	if err := DecodeJSON(r, &req); err != nil {
		return err
	}
	if len(req.Numbers) == 0 {
		return errBadRequest("numbers: at least one")
	}
	a, err := s.opts.Engine.CreateAccount(r.Context(), sessions.Package(req.Package), req.Numbers)
	if err != nil {
		return accountProblem(err)
	}
	noteAudit(r, a.ID, fmt.Sprintf("package %s, %d numbers", a.Package, len(a.Numbers)))
	return writeJSON(w, http.StatusCreated, s.account(a))
}

func (s *Server) getAccount(w http.ResponseWriter, r *http.Request) error {
	a, err := s.opts.Engine.Account(r.PathValue("id"))
	if err != nil {
		return accountProblem(err)
	}
	return writeJSON(w, http.StatusOK, s.account(a))
}

func (s *Server) addNumber(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Number string `json:"number"`
	}
	if err := DecodeJSON(r, &req); err != nil {
		return err
	}
	a, err := s.opts.Engine.AddNumber(r.Context(), r.PathValue("id"), req.Number)
	if err != nil {
		return accountProblem(err)
	}
	noteAudit(r, a.ID, "number "+req.Number+" added")
	return writeJSON(w, http.StatusOK, s.account(a))
}

func (s *Server) removeNumber(w http.ResponseWriter, r *http.Request) error {
	a, err := s.opts.Engine.RemoveNumber(r.Context(), r.PathValue("id"), r.PathValue("number"))
	if err != nil {
		return accountProblem(err)
	}
	noteAudit(r, a.ID, "number "+r.PathValue("number")+" removed")
	return writeJSON(w, http.StatusOK, s.account(a))
}

func (s *Server) setPackage(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Package string `json:"package"`
	}
	if err := DecodeJSON(r, &req); err != nil {
		return err
	}
	a, err := s.opts.Engine.SetPackage(r.Context(), r.PathValue("id"), sessions.Package(req.Package))
	if err != nil {
		return accountProblem(err)
	}
	noteAudit(r, a.ID, "package "+req.Package)
	return writeJSON(w, http.StatusOK, s.account(a))
}

// login exchanges PASS credentials (the number in E.164 and the last
// password sent by SMS) for a bearer token. Attempts are rate limited per
// username and per client address.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := DecodeJSON(r, &req); err != nil {
		return err
	}
	number, err := s.MotoristLogin(r, req.Username, req.Password)
	if errors.Is(err, ErrTooManyLogins) {
		w.Header().Set("Retry-After", "20")
		return problem(http.StatusTooManyRequests, "too-many-logins", "Too many login attempts", "wait and try again")
	}
	if err != nil {
		return problem(http.StatusUnauthorized, "bad-credentials", "Bad credentials", "username or password is wrong")
	}
	tok, exp, err := s.tokens.issue(number, s.opts.Clock())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]string{"token": tok, "expires": exp.In(s.opts.Location).Format(time.RFC3339), "number": number})
}

// Login errors.
var (
	ErrTooManyLogins  = errors.New("too many login attempts")
	ErrBadCredentials = errors.New("username or password is wrong")
)

// MotoristLogin checks PASS credentials (the number, in any form the
// normaliser takes, and the last password sent by SMS) and returns the
// number in E.164. Attempts are rate limited per username and per client
// address, the API's and the web page's together: ErrTooManyLogins, or
// ErrBadCredentials.
func (s *Server) MotoristLogin(r *http.Request, username, pass string) (string, error) {
	if !s.logins.allow("user:"+strings.TrimSpace(username), "addr:"+clientAddr(r)) {
		return "", ErrTooManyLogins
	}
	if s.opts.Normalize == nil || s.opts.VerifyPassword == nil || len(pass) > 128 {
		return "", ErrBadCredentials
	}
	number, err := s.opts.Normalize(username)
	if err != nil {
		return "", ErrBadCredentials
	}
	hash := s.opts.Engine.PasswordHash(number)
	if hash == "" || s.opts.VerifyPassword(hash, pass) != nil {
		return "", ErrBadCredentials
	}
	return number, nil
}

func (s *Server) mySessions(w http.ResponseWriter, r *http.Request) error {
	p := PrincipalOf(r.Context())
	list, err := s.opts.Store.Sessions(r.Context(), sessions.SessionFilter{Number: p.Number})
	if err != nil {
		return err
	}
	out := make([]SessionJSON, 0, len(list))
	for i := len(list) - 1; i >= 0 && len(out) < 500; i-- { // newest first
		out = append(out, s.Session(list[i]))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"sessions": out})
}

// commandResult is the answer to a web start or stop: the outcome code
// and text the SMS would have carried, and the sessions concerned.
type commandResult struct {
	Outcome  string        `json:"outcome"`
	Text     string        `json:"text"`
	Sessions []SessionJSON `json:"sessions"`
}

func (s *Server) command(w http.ResponseWriter, r *http.Request, cmd parser.Command) error {
	p := PrincipalOf(r.Context())
	reply, err := s.opts.Engine.Handle(r.Context(), sessions.MO{From: p.Number, Channel: sessions.ChannelWeb, Command: &cmd})
	if err != nil {
		return err
	}
	if reply.Outcome.IsError() {
		p := problem(http.StatusUnprocessableEntity, string(reply.Outcome), "Refused", "%s", reply.Outcome)
		p.Outcome, p.Text = string(reply.Outcome), reply.Text
		return p
	}
	out := commandResult{Outcome: string(reply.Outcome), Text: reply.Text, Sessions: []SessionJSON{}}
	for _, ss := range reply.Sessions {
		out.Sessions = append(out.Sessions, s.Session(ss))
	}
	code := http.StatusOK
	if reply.Outcome == sessions.Started || reply.Outcome == sessions.Replaced {
		code = http.StatusCreated
	}
	return writeJSON(w, code, out)
}

func (s *Server) startSession(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Zone  string `json:"zone"`
		Plate string `json:"plate"`
	}
	if err := DecodeJSON(r, &req); err != nil {
		return err
	}
	plate, err := parser.NormalizePlate(req.Plate)
	if err != nil {
		return problem(http.StatusBadRequest, "invalid-plate", "Invalid plate", "%q is not a plate", req.Plate)
	}
	if _, ok := s.opts.Zones(req.Zone); !ok {
		return problem(http.StatusBadRequest, "unknown-zone", "Unknown zone", "zone %q is not configured", req.Zone)
	}
	return s.command(w, r, parser.Command{Kind: parser.Start, Zone: req.Zone, Plate: plate})
}

func (s *Server) stopSession(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Plate string `json:"plate"`
	}
	if err := DecodeJSON(r, &req); err != nil {
		return err
	}
	plate := ""
	if req.Plate != "" {
		var err error
		if plate, err = parser.NormalizePlate(req.Plate); err != nil {
			return problem(http.StatusBadRequest, "invalid-plate", "Invalid plate", "%q is not a plate", req.Plate)
		}
	}
	return s.command(w, r, parser.Command{Kind: parser.Stop, Plate: plate})
}
