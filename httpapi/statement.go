package httpapi

import (
	"errors"
	"net/http"
	"slices"

	"smspark/billing"
	"smspark/pdf"
	"smspark/sessions"
	"smspark/tariffs"
)

// StatementRoutes registers the statements of Premium and Pro accounts:
// a motorist's own account's, and any account's for the admin key.
func StatementRoutes() func(*Server, *http.ServeMux) {
	return func(s *Server, mux *http.ServeMux) {
		s.route(mux, "GET /v1/me/statements/{month}", motorist, func(w http.ResponseWriter, r *http.Request) error {
			a, ok := s.opts.Engine.AccountOf(PrincipalOf(r.Context()).Number)
			if !ok {
				return errNotFound("statements are for Premium and Pro accounts; this number has none")
			}
			return s.writeStatement(w, r, a)
		})
		s.route(mux, "GET /v1/accounts/{id}/statements/{month}", Roles("admin"), func(w http.ResponseWriter, r *http.Request) error {
			a, err := s.opts.Engine.Account(r.PathValue("id"))
			if err != nil {
				return accountProblem(err)
			}
			return s.writeStatement(w, r, a)
		})
	}
}

func (s *Server) writeStatement(w http.ResponseWriter, r *http.Request, a sessions.Account) error {
	st, err := billing.Build(r.Context(), s.opts.Store, a, r.PathValue("month"), tariffs.ZoneNamer(s.opts.Zones), s.opts.Location)
	if errors.Is(err, billing.ErrBadMonth) {
		return errBadRequest("month: %v", err)
	}
	if err != nil {
		return err
	}
	return writeStatement(w, r, st)
}

// writeStatement answers a statement in the format asked: ?format=json
// (default), csv or pdf (&lang=nl|fr|de|en, nl by default). Both servers
// answer statements with it.
func writeStatement(w http.ResponseWriter, r *http.Request, st billing.Statement) error {
	switch format := r.URL.Query().Get("format"); format {
	case "", "json":
		w.Header().Set("Content-Type", "application/json")
		return st.WriteJSON(w)
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		return st.WriteCSV(w)
	case "pdf":
		lang := r.URL.Query().Get("lang")
		if lang == "" {
			lang = "nl"
		}
		if !slices.Contains([]string{"nl", "fr", "de", "en"}, lang) {
			return errBadRequest("lang: nl, fr, de or en")
		}
		w.Header().Set("Content-Type", "application/pdf")
		return pdf.Statement(w, st, lang)
	default:
		return errBadRequest("format: json, csv or pdf")
	}
}
