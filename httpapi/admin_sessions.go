package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"smspark/parser"
	"smspark/sessions"
	"strconv"
	"time"
)

// AdminSession is a session as the admin endpoint gives it: every field
// an operator looks at, the number in E.164, times RFC 3339.
type AdminSession struct {
	ID               uint64  `json:"id"`
	Account          string  `json:"account,omitempty"`
	Number           string  `json:"number"`
	Operator         string  `json:"operator,omitempty"`
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
	DayTicket        bool    `json:"day_ticket,omitempty"`
	Voucher          string  `json:"voucher,omitempty"`
	ReducedPercent   int     `json:"reduced_percent,omitempty"`
}

// NewAdminSession returns the admin form of a session, times in loc.
func NewAdminSession(s sessions.Session, zoneName string, loc *time.Location) AdminSession {
	out := AdminSession{ID: s.ID, Account: s.Account, Number: s.Number, Operator: s.Operator, Plate: s.Plate,
		Zone: s.Zone, ZoneName: zoneName, City: s.City, Channel: string(s.Channel),
		Start: s.Start.In(loc).Format(time.RFC3339), Until: s.Until.In(loc).Format(time.RFC3339),
		CostCents: s.CostCents, TransactionCents: s.TransactionCents, FreeFirstUse: s.Free,
		DayTicket: s.DayTicket, Voucher: s.Voucher, ReducedPercent: s.ReducedPercent}
	if !s.Running() {
		end, reason := s.End.In(loc).Format(time.RFC3339), string(s.EndReason)
		out.End, out.EndReason = &end, &reason
	}
	return out
}

// Session returns the session the admin form describes. Returns an error
// when a time is not RFC 3339.
func (a AdminSession) Session() (sessions.Session, error) {
	s := sessions.Session{ID: a.ID, Account: a.Account, Number: a.Number, Operator: a.Operator, Plate: a.Plate,
		Zone: a.Zone, City: a.City, Channel: sessions.Channel(a.Channel), CostCents: a.CostCents,
		TransactionCents: a.TransactionCents, Free: a.FreeFirstUse, DayTicket: a.DayTicket, Voucher: a.Voucher,
		ReducedPercent: a.ReducedPercent}
	var err error
	if s.Start, err = time.Parse(time.RFC3339, a.Start); err != nil {
		return s, fmt.Errorf("session %d: start: %w", a.ID, err)
	}
	if s.Until, err = time.Parse(time.RFC3339, a.Until); err != nil {
		return s, fmt.Errorf("session %d: until: %w", a.ID, err)
	}
	if a.End != nil {
		if s.End, err = time.Parse(time.RFC3339, *a.End); err != nil {
			return s, fmt.Errorf("session %d: end: %w", a.ID, err)
		}
	}
	if a.EndReason != nil {
		s.EndReason = sessions.EndReason(*a.EndReason)
	}
	return s, nil
}

func (a *Admin) adminSession(s sessions.Session) AdminSession {
	z, _ := a.opts.Zones(s.Zone)
	return NewAdminSession(s, z.Name, a.opts.Location)
}

// sessions lists sessions: ?number=&plate=&zone=&account=&running=true&limit=N,
// oldest first.
func (a *Admin) sessions(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := sessions.SessionFilter{Zone: q.Get("zone"), Account: q.Get("account")}
	if n := q.Get("number"); n != "" {
		if a.opts.Normalize == nil {
			f.Number = n
		} else {
			num, err := a.opts.Normalize(n)
			if err != nil {
				return problem(http.StatusBadRequest, "unsupported-number", "Unsupported number", "%v", err)
			}
			f.Number = num
		}
	}
	if p := q.Get("plate"); p != "" {
		f.Plate = p
		if np, err := parser.NormalizePlate(p); err == nil {
			f.Plate = np
		}
	}
	var err error
	if v := q.Get("running"); v != "" {
		if f.Running, err = strconv.ParseBool(v); err != nil {
			return errBadRequest("running: true or false")
		}
	}
	if v := q.Get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit < 0 {
			return errBadRequest("limit: a number, 0 for all")
		}
	}
	list, err := a.opts.Store.Sessions(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]AdminSession, 0, len(list))
	for _, s := range list {
		out = append(out, a.adminSession(s))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"sessions": out})
}

func (a *Admin) session(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil {
		return errBadRequest("session id %q is not a number", r.PathValue("id"))
	}
	s, err := a.opts.Store.Session(r.Context(), id)
	if errors.Is(err, sessions.ErrNotFound) {
		return errNotFound(fmt.Sprintf("no session %d", id))
	}
	if err != nil {
		return err
	}
	noteAudit(r, strconv.FormatUint(s.ID, 10), "plate "+s.Plate+", zone "+s.Zone)
	return writeJSON(w, http.StatusOK, map[string]any{"session": a.adminSession(s)})
}

// stop ends a running session (end reason admin) by {"id": N} or
// {"plate": "P"}; the motorist gets the stopped SMS.
func (a *Admin) stop(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		ID    uint64 `json:"id"`
		Plate string `json:"plate"`
	}
	if err := DecodeJSON(r, &req); err != nil {
		return err
	}
	plate := ""
	switch {
	case req.ID == 0 && req.Plate == "":
		return errBadRequest("id or plate is required")
	case req.ID != 0 && req.Plate != "":
		return errBadRequest("id or plate, not both")
	case req.Plate != "":
		var err error
		if plate, err = parser.NormalizePlate(req.Plate); err != nil {
			return problem(http.StatusBadRequest, "invalid-plate", "Invalid plate", "%q is not a plate", req.Plate)
		}
	}
	s, err := a.opts.Engine.AdminStop(r.Context(), req.ID, plate)
	if errors.Is(err, sessions.ErrNoSuchSession) {
		return problem(http.StatusNotFound, "no-such-session", "No such running session", "%v", err)
	}
	if err != nil {
		return err
	}
	noteAudit(r, strconv.FormatUint(s.ID, 10), "plate "+s.Plate+", zone "+s.Zone)
	return writeJSON(w, http.StatusOK, map[string]any{"session": a.adminSession(s)})
}
