package billing

import (
	"context"
	"time"

	"smspark/sessions"
)

// SessionLister lists the sessions a filter selects (a store).
type SessionLister interface {
	Sessions(ctx context.Context, f sessions.SessionFilter) ([]sessions.Session, error)
}

// Build builds an account's statement for a month ("2026-11") from the
// sessions that ended in it; zoneName names a zone code. The HTTP API, the
// admin endpoint and the CLI all build statements with it. Returns
// ErrBadMonth (wrapped).
func Build(ctx context.Context, src SessionLister, a sessions.Account, month string,
	zoneName func(string) string, loc *time.Location) (Statement, error) {
	from, to, err := MonthRange(month, loc)
	if err != nil {
		return Statement{}, err
	}
	list, err := src.Sessions(ctx, sessions.SessionFilter{Account: a.ID, From: from, To: to})
	if err != nil {
		return Statement{}, err
	}
	return NewStatement(a, month, list, zoneName, loc)
}

// Summary is one account's statement of a month, in short (the admin
// endpoint's and the CLI's listing).
type Summary struct {
	Account       string `json:"account"`
	Package       string `json:"package"`
	Month         string `json:"month"`
	Sessions      int    `json:"sessions"`
	TotalCents    int64  `json:"total_cents"`
	Communication string `json:"communication"`
	Due           string `json:"due"` // YYYY-MM-DD
}

// Summary returns the statement in short.
func (s Statement) Summary() Summary {
	return Summary{Account: s.Account, Package: s.Package, Month: s.Month, Sessions: len(s.Lines),
		TotalCents: s.TotalCents, Communication: s.Communication.String(), Due: s.Due.Format(time.DateOnly)}
}
