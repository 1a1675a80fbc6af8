package web

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"slices"

	"smspark/billing"
	"smspark/pdf"
	"smspark/sessions"
)

// StatementBuilder builds an account's statement for a month ("2026-11");
// it returns billing.ErrBadMonth (wrapped) for a malformed month.
type StatementBuilder func(ctx context.Context, a sessions.Account, month string) (billing.Statement, error)

// statementRow is one month's statement on the Statements page.
type statementRow struct {
	billing.Statement
	Sessions int
}

// statements lists the account's statements, newest month first: every
// month in which one of the number's sessions ended.
func (p *Page) statements(w http.ResponseWriter, r *http.Request, s login) {
	a, ok := p.opts.Engine.AccountOf(s.number)
	if !ok || p.opts.Statements == nil {
		p.refuse(w, r, http.StatusNotFound, "errNoStatements")
		return
	}
	list, err := p.opts.Records.Sessions(r.Context(), s.number)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	var months []string
	for _, ss := range list {
		if ss.Running() {
			continue
		}
		if m := ss.End.In(p.opts.Location).Format("2006-01"); !slices.Contains(months, m) {
			months = append(months, m)
		}
	}
	slices.Sort(months)
	slices.Reverse(months)
	var rows []statementRow
	for _, m := range months {
		st, err := p.opts.Statements(r.Context(), a, m)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		rows = append(rows, statementRow{Statement: st, Sessions: len(st.Lines)})
	}
	v := p.view(r, "statements", s)
	v.Data = rows
	p.render(w, http.StatusOK, "statements", v)
}

// statementFile downloads one month's statement as PDF (in the page's
// language) or CSV.
func (p *Page) statementFile(w http.ResponseWriter, r *http.Request, s login) {
	a, ok := p.opts.Engine.AccountOf(s.number)
	if !ok || p.opts.Statements == nil {
		p.refuse(w, r, http.StatusNotFound, "errNoStatements")
		return
	}
	month, format := r.PathValue("month"), r.PathValue("format")
	if format != "pdf" && format != "csv" {
		p.refuse(w, r, http.StatusNotFound, "errNoStatements")
		return
	}
	st, err := p.opts.Statements(r.Context(), a, month)
	if errors.Is(err, billing.ErrBadMonth) {
		p.refuse(w, r, http.StatusNotFound, "errNoStatements")
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if format == "csv" {
		err = st.WriteCSV(&buf)
	} else {
		err = pdf.Statement(&buf, st, language(r))
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", `attachment; filename="statement-`+month+`.`+format+`"`)
	h.Set("Content-Type", "application/pdf")
	if format == "csv" {
		h.Set("Content-Type", "text/csv; charset=utf-8")
	}
	_, _ = w.Write(buf.Bytes())
}
