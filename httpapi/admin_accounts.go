package httpapi

import (
	"fmt"
	"net/http"
	"smspark/sessions"
)

func (a *Admin) writeAccount(w http.ResponseWriter, r *http.Request, code int, acct sessions.Account, err error, detail string) error {
	if err != nil {
		return accountProblem(err)
	}
	noteAudit(r, acct.ID, detail)
	return writeJSON(w, code, accountJSON{ID: acct.ID, Package: string(acct.Package), Numbers: acct.Numbers,
		Created: a.ts(acct.Created)})
}

func (a *Admin) createAccount(w http.ResponseWriter, r *http.Request) error {
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
	acct, err := a.opts.Engine.CreateAccount(r.Context(), sessions.Package(req.Package), req.Numbers)
	return a.writeAccount(w, r, http.StatusCreated, acct, err, fmt.Sprintf("package %s, %d numbers", acct.Package, len(acct.Numbers)))
}

func (a *Admin) getAccount(w http.ResponseWriter, r *http.Request) error {
	acct, err := a.opts.Engine.Account(r.PathValue("id"))
	return a.writeAccount(w, r, http.StatusOK, acct, err, "")
}

func (a *Admin) addNumber(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Number string `json:"number"`
	}
	if err := DecodeJSON(r, &req); err != nil {
		return err
	}
	acct, err := a.opts.Engine.AddNumber(r.Context(), r.PathValue("id"), req.Number)
	return a.writeAccount(w, r, http.StatusOK, acct, err, "number "+req.Number+" added")
}

func (a *Admin) removeNumber(w http.ResponseWriter, r *http.Request) error {
	acct, err := a.opts.Engine.RemoveNumber(r.Context(), r.PathValue("id"), r.PathValue("number"))
	return a.writeAccount(w, r, http.StatusOK, acct, err, "number "+r.PathValue("number")+" removed")
}

func (a *Admin) setPackage(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Package string `json:"package"`
	}
	if err := DecodeJSON(r, &req); err != nil {
		return err
	}
	acct, err := a.opts.Engine.SetPackage(r.Context(), r.PathValue("id"), sessions.Package(req.Package))
	return a.writeAccount(w, r, http.StatusOK, acct, err, "package "+req.Package)
}
