package httpapi

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"smspark/billing"
	"smspark/sessions"
	"smspark/tariffs"
	"strings"
	"time"
)

// AdminStatementTotal is one account's statement of a month, in short.
type AdminStatementTotal = billing.Summary

func (a *Admin) buildStatement(ctx context.Context, acct sessions.Account, month string) (billing.Statement, error) {
	st, err := billing.Build(ctx, a.opts.Store, acct, month, tariffs.ZoneNamer(a.opts.Zones), a.opts.Location)
	if errors.Is(err, billing.ErrBadMonth) {
		return billing.Statement{}, errBadRequest("month: %v", err)
	}
	return st, err
}

// statements lists every account's statement of a month, in short.
func (a *Admin) statements(w http.ResponseWriter, r *http.Request) error {
	month := r.PathValue("month")
	if _, _, err := billing.MonthRange(month, a.opts.Location); err != nil {
		return errBadRequest("month: %v", err)
	}
	st, err := a.opts.Store.Load(r.Context())
	if err != nil {
		return err
	}
	slices.SortFunc(st.Accounts, func(x, y sessions.Account) int { return strings.Compare(x.ID, y.ID) })
	out := []AdminStatementTotal{}
	for _, acct := range st.Accounts {
		s, err := a.buildStatement(r.Context(), acct, month)
		if err != nil {
			return err
		}
		out = append(out, s.Summary())
	}
	return writeJSON(w, http.StatusOK, map[string]any{"month": month, "statements": out})
}

// statement is one account's statement: ?format=json (default), csv or
// pdf (&lang=nl|fr|de|en).
func (a *Admin) statement(w http.ResponseWriter, r *http.Request) error {
	acct, err := a.opts.Engine.Account(r.PathValue("account"))
	if err != nil {
		return accountProblem(err)
	}
	s, err := a.buildStatement(r.Context(), acct, r.PathValue("month"))
	if err != nil {
		return err
	}
	return writeStatement(w, r, s)
}

// charges is an operator's daily charge file (CSV):
// /admin/charges/2026-11-23?operator=proximus.
func (a *Admin) charges(w http.ResponseWriter, r *http.Request) error {
	d, err := time.ParseInLocation(time.DateOnly, r.PathValue("day"), a.opts.Location)
	if err != nil {
		return errBadRequest("day: YYYY-MM-DD")
	}
	operator := r.URL.Query().Get("operator")
	if operator == "" {
		return errBadRequest("operator is required")
	}
	list, err := a.opts.Store.Sessions(r.Context(), sessions.SessionFilter{From: d, To: d.AddDate(0, 0, 1)})
	if err != nil {
		return err
	}
	f, err := billing.NewChargeFile(operator, d, list, a.opts.Location)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	return f.WriteCSV(w)
}
