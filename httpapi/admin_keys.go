package httpapi

import (
	"errors"
	"net/http"
	"slices"
	"smspark/apikeys"
	"smspark/sessions"
	"strings"
)

func (a *Admin) adminKey(k apikeys.Key) apikeys.Listed { return k.Listed(a.opts.Location) }

func (a *Admin) keys(w http.ResponseWriter, r *http.Request) error {
	keys, err := a.opts.Store.APIKeys(r.Context())
	if err != nil {
		return err
	}
	out := make([]apikeys.Listed, 0, len(keys))
	for _, k := range keys {
		out = append(out, a.adminKey(k))
	}
	slices.SortFunc(out, func(x, y apikeys.Listed) int { return strings.Compare(x.Created+x.ID, y.Created+y.ID) })
	return writeJSON(w, http.StatusOK, map[string]any{"keys": out})
}

// revokeKey stops a key from working.
func (a *Admin) revokeKey(w http.ResponseWriter, r *http.Request) error {
	k, err := a.opts.Store.RevokeAPIKey(r.Context(), r.PathValue("id"))
	if errors.Is(err, sessions.ErrNotFound) {
		return errNotFound("no such key")
	}
	if err != nil {
		return err
	}
	noteAudit(r, k.ID, "role "+k.Role)
	return writeJSON(w, http.StatusOK, a.adminKey(k))
}

// createKey makes a key: {"role": …, "city": …, "label": …}. An admin key
// sees every city (no city); the others belong to one configured city.
func (a *Admin) createKey(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Role  string `json:"role"`
		City  string `json:"city"`
		Label string `json:"label"`
	}
	if err := DecodeJSON(r, &req); err != nil {
		return err
	}
	if !slices.Contains(apikeys.Roles(), req.Role) {
		return errBadRequest("role must be one of %s", strings.Join(apikeys.Roles(), ", "))
	}
	if len(req.Label) > 200 {
		return errBadRequest("label: at most 200 bytes")
	}
	city := ""
	if req.Role == "admin" {
		if req.City != "" {
			return errBadRequest("an admin key sees every city: no city")
		}
	} else {
		c, ok := "", false
		if a.opts.City != nil {
			c, ok = a.opts.City(req.City)
		}
		if !ok {
			return errBadRequest("city: %q is not a configured city (a %s key belongs to one city)", req.City, req.Role)
		}
		city = c
	}
	key, rec, err := apikeys.New(a.opts.Random, req.Role, city, req.Label, a.opts.Clock())
	if err != nil {
		return err
	}
	if err := a.opts.Store.PutAPIKey(r.Context(), rec); err != nil {
		return err
	}
	noteAudit(r, rec.ID, strings.TrimSpace("role "+rec.Role+" "+rec.City))
	out := a.adminKey(rec)
	out.Key = key
	return writeJSON(w, http.StatusCreated, out)
}
