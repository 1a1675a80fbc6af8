package web

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"smspark/billing"
	"smspark/pdf"
	"smspark/sessions"
)

// Statements builds a Premium or Pro account's statement of a month
// ("2026-11") from the sessions that ended in it.
type Statements interface {
	Statement(ctx context.Context, a sessions.Account, month string) (billing.Statement, error)
}

// statementRow is one month's statement on the statements page; PayCents
// is what paying it online costs, the online fee included.
type statementRow struct {
	billing.Statement
	PayCents int64
}

// statements lists the account's statements, newest first: one for each
// month in which one of its sessions ended.
func (p *Page) statements(w http.ResponseWriter, r *http.Request, s login) {
	a, ok := p.statementAccount(s)
	v := p.view(r, "statements", s)
	if !ok {
		p.render(w, http.StatusOK, "statements", v)
		return
	}
	months, err := p.statementMonths(r, s.number)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	var rows []statementRow
	for _, m := range months {
		st, err := p.opts.Statements.Statement(r.Context(), a, m)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		rows = append(rows, statementRow{Statement: st, PayCents: st.TotalCents + st.OnlineFeeCents})
	}
	v.Data = rows
	p.render(w, http.StatusOK, "statements", v)
}

// statementAccount is the number's Premium or Pro account, if statements
// are served at all.
func (p *Page) statementAccount(s login) (sessions.Account, bool) {
	if p.opts.Statements == nil {
		return sessions.Account{}, false
	}
	a, ok := p.opts.Engine.AccountOf(s.number)
	if !ok || (a.Package != sessions.Premium && a.Package != sessions.Pro) {
		return sessions.Account{}, false
	}
	return a, true
}

// statementMonths are the months ("2026-11") in which a session of the
// number ended, newest first.
func (p *Page) statementMonths(r *http.Request, number string) ([]string, error) {
	list, err := p.opts.Records.Sessions(r.Context(), number)
	if err != nil {
		return nil, err
	}
	var months []string
	for _, ss := range list {
		if ss.Running() {
			continue
		}
		m := ss.End.In(p.opts.Location).Format("2006-01")
		if !slices.Contains(months, m) {
			months = append(months, m)
		}
	}
	slices.Sort(months)
	slices.Reverse(months)
	return months, nil
}

// statementFile downloads a month's statement: /statements/2026-11.pdf
// (in the page's language) or /statements/2026-11.csv.
func (p *Page) statementFile(w http.ResponseWriter, r *http.Request, s login) {
	month, format, _ := strings.Cut(r.PathValue("file"), ".")
	a, ok := p.statementAccount(s)
	if !ok || (format != "pdf" && format != "csv") {
		p.refuse(w, r, http.StatusNotFound, "errNoStatement")
		return
	}
	st, err := p.opts.Statements.Statement(r.Context(), a, month)
	if err != nil {
		p.refuse(w, r, http.StatusNotFound, "errNoStatement")
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="statement-`+st.Month+`.`+format+`"`)
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		err = st.WriteCSV(w)
	} else {
		w.Header().Set("Content-Type", "application/pdf")
		err = pdf.Statement(w, st, language(r))
	}
	if err != nil {
		p.opts.Logger.Error().Err(err).Str("route", r.Pattern).Msg("web: statement download failed")
	}
}
