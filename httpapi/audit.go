package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/rs/zerolog"

	"smspark/audit"
)

// AuditLog keeps the trail of admin actions (the store).
type AuditLog interface {
	AppendAudit(ctx context.Context, e audit.Entry) error
	Audit(ctx context.Context, f audit.Filter) ([]audit.Entry, error)
}

// SMSCControl takes one SMSC's binds down and up (the SMPP client).
// Both return an error wrapping binds.ErrUnknownSMSC for a name not
// configured.
type SMSCControl interface {
	StopSMSC(name string) error
	StartSMSC(name string) error
}

type actorKey struct{}

// auditNote is what a handler says it acted on, for the trail.
type auditNote struct{ target, detail string }

type auditNoteKey struct{}

// noteAudit tells the audit trail what the request acted on.
func noteAudit(r *http.Request, target, detail string) {
	if n, ok := r.Context().Value(auditNoteKey{}).(*auditNote); ok {
		n.target, n.detail = target, detail
	}
}

// actorOf is who sent an admin request: its key's id, or audit.Local on
// loopback without a key.
func actorOf(r *http.Request) string {
	if a, ok := r.Context().Value(actorKey{}).(string); ok && a != "" {
		return a
	}
	return audit.Local
}

// withAudit runs h and, when it succeeded, records action in log with
// what h noted. A trail that cannot be written is logged: the action is
// done and answered by then.
func withAudit(log AuditLog, logger zerolog.Logger, clock func() time.Time, via, action string,
	actor func(*http.Request) string, h HandlerFunc) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		note := &auditNote{}
		r = r.WithContext(context.WithValue(r.Context(), auditNoteKey{}, note))
		if err := h(w, r); err != nil || log == nil {
			return err
		}
		e := audit.Entry{At: clock(), Actor: actor(r), Via: via, Action: action, Target: note.target, Detail: note.detail}
		if err := log.AppendAudit(context.WithoutCancel(r.Context()), e); err != nil {
			logger.Error().Err(err).Str("action", action).Str("actor", e.Actor).Msg("audit entry not recorded")
		}
		return nil
	}
}

// audited records a successful admin request in the trail.
func (a *Admin) audited(action string, h HandlerFunc) HandlerFunc {
	return withAudit(a.opts.Audit, a.opts.Logger, a.opts.Clock, audit.ViaAdmin, action, actorOf, h)
}

// AuditEntry is an audit.Entry as the admin endpoint gives it.
type AuditEntry struct {
	At     string `json:"at"`
	Actor  string `json:"actor"`
	Via    string `json:"via"`
	Action string `json:"action"`
	Target string `json:"target,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// ParseSince reads a "since": an RFC 3339 time, a date (midnight in loc)
// or a duration back from now ("24h").
func ParseSince(s string, now time.Time, loc *time.Location) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return t, true
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), true
	}
	return time.Time{}, false
}

// auditTrail lists the admin actions: ?since= (RFC 3339, a date or a
// duration back) and ?limit= (the last N).
func (a *Admin) auditTrail(w http.ResponseWriter, r *http.Request) error {
	if a.opts.Audit == nil {
		return problem(http.StatusNotImplemented, "not-supported", "Not supported", "this engine keeps no audit trail")
	}
	since, ok := ParseSince(r.URL.Query().Get("since"), a.opts.Clock(), a.opts.Location)
	if !ok {
		return errBadRequest("since: an RFC 3339 time, a date YYYY-MM-DD or a duration such as 24h")
	}
	limit := 0
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 0 {
			return errBadRequest("limit: a number")
		}
		limit = n
	}
	entries, err := a.opts.Audit.Audit(r.Context(), audit.Filter{Since: since, Limit: limit})
	if err != nil {
		return err
	}
	out := make([]AuditEntry, 0, len(entries))
	for _, e := range entries {
		out = append(out, AuditEntry{At: a.ts(e.At), Actor: e.Actor, Via: e.Via, Action: e.Action, Target: e.Target, Detail: e.Detail})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"entries": out})
}

// audited records a successful /v1 admin action, by the caller's key.
func (s *Server) audited(action string, h HandlerFunc) HandlerFunc {
	return withAudit(s.opts.Audit, s.opts.Logger, s.opts.Clock, audit.ViaAPI, action,
		func(r *http.Request) string { return PrincipalOf(r.Context()).KeyID }, h)
}
