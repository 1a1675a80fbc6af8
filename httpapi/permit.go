package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"smspark/pdf"
	"smspark/permits"
	"smspark/tariffs"
)

// PermitService is what the permit endpoints ask of the permit service
// (*permits.Service).
type PermitService interface {
	Types() []permits.Type
	TypesOf(city string) []permits.Type
	Buy(ctx context.Context, req permits.BuyRequest) (permits.Permit, error)
	Get(ctx context.Context, id string) (permits.Permit, error)
	OfPlate(ctx context.Context, plate string) ([]permits.Permit, error)
	PaymentResult(ctx context.Context, id, reference string, paid bool, method string) (permits.Permit, error)
	RetryPayment(ctx context.Context, id string) (permits.Permit, error)
	Cancel(ctx context.Context, id string) (permits.Permit, error)
	Renew(ctx context.Context, id string, length permits.Length) (permits.Permit, error)
	ChangePlate(ctx context.Context, id, old, new string) (permits.Permit, error)
	TemporaryPlate(ctx context.Context, id, plate, temp string, start tariffs.Date, days int) (permits.Permit, error)
}

// Payment callback paths of permits and day cards; the provider posts the
// same signed payments.Callback as for voucher orders, its Order being
// the permit's or day card's ID.
const (
	PermitCallbackPath  = "/v1/payments/permits/callback"
	DayCardCallbackPath = "/v1/payments/daycards/callback"
)

// PermitRoutes registers the city portal's permit endpoints (portal and
// counter keys of the permit's city) and the payment provider's callback
// for permits.
func PermitRoutes(svc PermitService, secret []byte, nonces Nonces) func(*Server, *http.ServeMux) {
	return func(s *Server, mux *http.ServeMux) {
		a := &permitAPI{s: s, svc: svc}
		staff := Roles("portal", "counter")
		s.Route(mux, "GET /v1/cities/{city}/permit-types", staff, a.types)
		s.Route(mux, "POST /v1/cities/{city}/permits", staff, a.buy)
		s.Route(mux, "GET /v1/cities/{city}/permits", staff, a.ofPlate)
		s.Route(mux, "GET /v1/permits/{id}", staff, a.detail)
		s.Route(mux, "GET /v1/permits/{id}/receipt.pdf", staff, a.receipt)
		s.Route(mux, "POST /v1/permits/{id}/payment", staff, a.retry)
		s.Route(mux, "POST /v1/permits/{id}/cancel", staff, a.cancel)
		s.Route(mux, "POST /v1/permits/{id}/renew", staff, a.renew)
		s.Route(mux, "POST /v1/permits/{id}/plate", staff, a.changePlate)
		s.Route(mux, "POST /v1/permits/{id}/temporary-plate", staff, a.temporaryPlate)
		s.Route(mux, "POST "+PermitCallbackPath, Public(), func(w http.ResponseWriter, r *http.Request) error {
			c, err := verifiedCallback(s, secret, nonces, r)
			if err != nil {
				return err
			}
			ref := c.Reference
			if ref == "" {
				p, err := svc.Get(r.Context(), c.Order)
				if err != nil {
					return permitProblem(err)
				}
				ref = p.Payment.Reference
			}
			p, err := svc.PaymentResult(r.Context(), c.Order, ref, c.Result == "paid", c.Method)
			if err != nil {
				return permitProblem(err)
			}
			return WriteJSON(w, http.StatusOK, map[string]string{"permit": p.ID, "status": string(p.StatusAt(s.opts.Clock()))})
		})
	}
}

type permitAPI struct {
	s   *Server
	svc PermitService
}

// permitProblem maps the permit service's errors onto problems.
func permitProblem(err error) error {
	switch {
	case errors.Is(err, permits.ErrPermitNotFound):
		return errNotFound("no such permit")
	case errors.Is(err, permits.ErrUnknownType):
		return problem(http.StatusNotFound, "unknown-permit-type", "Unknown permit type", "%v", err)
	case errors.Is(err, permits.ErrUnknownLength):
		return problem(http.StatusUnprocessableEntity, "unknown-permit-length", "Length not sold", "%v", err)
	case errors.Is(err, permits.ErrInvalidPlate):
		return problem(http.StatusBadRequest, "invalid-plate", "Invalid plate", "%v", err)
	case errors.Is(err, permits.ErrInvalidDate):
		return problem(http.StatusUnprocessableEntity, "invalid-date", "Invalid date", "%v", err)
	case errors.Is(err, permits.ErrInvalidRequest):
		return errBadRequest("%v", err)
	case errors.Is(err, permits.ErrPlateNotOnPermit):
		return problem(http.StatusUnprocessableEntity, "plate-not-on-permit", "Plate not on the permit", "%v", err)
	case errors.Is(err, permits.ErrPlateConflict):
		return problem(http.StatusConflict, "plate-conflict", "Plate change conflicts", "%v", err)
	case errors.Is(err, permits.ErrNotPayable), errors.Is(err, permits.ErrNotCancellable),
		errors.Is(err, permits.ErrNotRenewable), errors.Is(err, permits.ErrNotChangeable):
		return problem(http.StatusConflict, "permit-state", "Not possible in the permit's state", "%v", err)
	case errors.Is(err, permits.ErrWrongReference):
		return problem(http.StatusConflict, "wrong-payment-reference", "Not the current payment", "%v", err)
	case errors.Is(err, permits.ErrPaymentUnavailable):
		return problem(http.StatusServiceUnavailable, "payment-unavailable", "Payment provider unavailable", "%v", err)
	}
	return err
}

// cityOf checks the caller may act for the city named in the path; a key
// of another city gets 404 (it sees nothing of it).
func (a *permitAPI) cityOf(r *http.Request) (string, error) {
	city := r.PathValue("city")
	types := a.svc.TypesOf(city)
	if len(types) == 0 {
		return "", errNotFound("no permit types for this city")
	}
	if !PrincipalOf(r.Context()).CanSeeCity(types[0].City) {
		return "", errNotFound("no such city")
	}
	return types[0].City, nil
}

// visible loads the permit of the path if the caller may see it.
func (a *permitAPI) visible(r *http.Request) (permits.Permit, error) {
	p, err := a.svc.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return p, permitProblem(err)
	}
	if !PrincipalOf(r.Context()).CanSeeCity(p.City) {
		return p, errNotFound("no such permit")
	}
	return p, nil
}

// permitTypeJSON is a permit type in API responses.
type permitTypeJSON struct {
	ID     string           `json:"id"`
	City   string           `json:"city"`
	Name   string           `json:"name"`
	Zones  []string         `json:"zones"`
	Prices map[string]int64 `json:"prices_cents"`
}

func (a *permitAPI) types(w http.ResponseWriter, r *http.Request) error {
	city, err := a.cityOf(r)
	if err != nil {
		return err
	}
	out := []permitTypeJSON{}
	for _, t := range a.svc.TypesOf(city) {
		pj := permitTypeJSON{ID: t.ID, City: t.City, Name: t.Name, Zones: t.Zones, Prices: map[string]int64{}}
		for l, c := range t.Prices {
			pj.Prices[string(l)] = c
		}
		out = append(out, pj)
	}
	return WriteJSON(w, http.StatusOK, map[string]any{"city": city, "types": out})
}

// permitJSON is a permit's detail.
type permitJSON struct {
	ID       string   `json:"id"`
	Type     string   `json:"type"`
	TypeName string   `json:"type_name"`
	City     string   `json:"city"`
	Zones    []string `json:"zones"`
	Holder   string   `json:"holder,omitempty"`
	// Plates are the registered plates now (as of the start, before it);
	// ValidPlates those valid now, a temporary plate in its original's
	// place.
	Plates        []string          `json:"plates"`
	ValidPlates   []string          `json:"valid_plates"`
	Length        string            `json:"length"`
	From          string            `json:"from"`
	Until         string            `json:"until"`
	PriceCents    int64             `json:"price_cents"`
	Status        string            `json:"status"`
	Created       string            `json:"created"`
	Paid          *string           `json:"paid"`
	Communication string            `json:"communication"`
	Payment       permitPaymentJSON `json:"payment"`
	Changes       []plateChangeJSON `json:"changes"`
	RenewalOf     string            `json:"renewal_of,omitempty"`
	RenewedBy     string            `json:"renewed_by,omitempty"`
	Language      string            `json:"language,omitempty"`
}

type permitPaymentJSON struct {
	Reference   string `json:"reference,omitempty"`
	RedirectURL string `json:"redirect_url,omitempty"`
	Method      string `json:"method,omitempty"`
	Attempts    int    `json:"attempts"`
	LastResult  string `json:"last_result,omitempty"`
}

type plateChangeJSON struct {
	Kind  string  `json:"kind"`
	Old   string  `json:"old"`
	New   string  `json:"new"`
	From  string  `json:"from"`
	Until *string `json:"until,omitempty"`
	Made  string  `json:"made"`
}

func (a *permitAPI) permitJSON(p permits.Permit) permitJSON {
	loc := a.s.opts.Location
	now := a.s.opts.Clock()
	ts := func(t time.Time) string { return t.In(loc).Format(time.RFC3339) }
	valid := p.PlatesAt(now)
	if now.Before(p.From) {
		valid = p.PlatesAt(p.From)
	}
	out := permitJSON{ID: p.ID, Type: p.Type, TypeName: p.TypeName, City: p.City, Zones: p.Zones, Holder: p.Holder,
		Plates: p.CurrentPlates(now), ValidPlates: valid, Length: string(p.Length), From: ts(p.From),
		Until: ts(p.Until), PriceCents: p.PriceCents, Status: string(p.StatusAt(now)), Created: ts(p.Created),
		Communication: p.Communication.String(), Changes: []plateChangeJSON{}, RenewalOf: p.RenewalOf,
		RenewedBy: p.RenewedBy, Language: p.Language,
		Payment: permitPaymentJSON{Reference: p.Payment.Reference, RedirectURL: p.Payment.RedirectURL,
			Method: p.Payment.Method, Attempts: p.Payment.Attempts, LastResult: p.Payment.LastResult}}
	if !p.PaidAt.IsZero() {
		paid := ts(p.PaidAt)
		out.Paid = &paid
	}
	for _, c := range p.Changes {
		cj := plateChangeJSON{Kind: string(c.Kind), Old: c.Old, New: c.New, From: ts(c.From), Made: ts(c.Made)}
		if !c.Until.IsZero() {
			u := ts(c.Until)
			cj.Until = &u
		}
		out.Changes = append(out.Changes, cj)
	}
	return out
}

func (a *permitAPI) write(w http.ResponseWriter, code int, p permits.Permit) error {
	return WriteJSON(w, code, a.permitJSON(p))
}

func (a *permitAPI) buy(w http.ResponseWriter, r *http.Request) error {
	city, err := a.cityOf(r)
	if err != nil {
		return err
	}
	var req struct {
		Type     string   `json:"type"`
		Length   string   `json:"length"`
		Start    string   `json:"start,omitempty"`
		Plates   []string `json:"plates"`
		Holder   string   `json:"holder,omitempty"`
		Language string   `json:"language,omitempty"`
	}
	if err := DecodeJSON(r, &req); err != nil {
		return err
	}
	if len(req.Plates) > permits.MaxPlates || len(req.Holder) > 200 || len(req.Type) > 100 {
		return errBadRequest("too many plates or a field too long")
	}
	var start tariffs.Date
	if req.Start != "" {
		if start, err = tariffs.ParseDate(req.Start); err != nil {
			return permitProblem(err)
		}
	}
	lang := req.Language
	if lang != "" && lang != "nl" && lang != "fr" && lang != "de" && lang != "en" {
		return errBadRequest("language must be nl, fr, de or en")
	}
	p, err := a.svc.Buy(r.Context(), permits.BuyRequest{City: city, Type: req.Type, Length: permits.Length(req.Length),
		Start: start, Plates: req.Plates, Holder: req.Holder, Language: lang})
	if err != nil && !errors.Is(err, permits.ErrPaymentUnavailable) {
		return permitProblem(err)
	}
	return a.write(w, http.StatusCreated, p)
}

func (a *permitAPI) ofPlate(w http.ResponseWriter, r *http.Request) error {
	city, err := a.cityOf(r)
	if err != nil {
		return err
	}
	plate := r.URL.Query().Get("plate")
	if plate == "" || len(plate) > 40 {
		return errBadRequest("plate is required")
	}
	ps, err := a.svc.OfPlate(r.Context(), plate)
	if err != nil {
		return permitProblem(err)
	}
	out := []permitJSON{}
	for _, p := range ps {
		if p.City == city {
			out = append(out, a.permitJSON(p))
		}
	}
	return WriteJSON(w, http.StatusOK, map[string]any{"city": city, "permits": out})
}

func (a *permitAPI) detail(w http.ResponseWriter, r *http.Request) error {
	p, err := a.visible(r)
	if err != nil {
		return err
	}
	return a.write(w, http.StatusOK, p)
}

func (a *permitAPI) retry(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.visible(r); err != nil {
		return err
	}
	p, err := a.svc.RetryPayment(r.Context(), r.PathValue("id"))
	if err != nil {
		return permitProblem(err)
	}
	return a.write(w, http.StatusOK, p)
}

func (a *permitAPI) cancel(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.visible(r); err != nil {
		return err
	}
	p, err := a.svc.Cancel(r.Context(), r.PathValue("id"))
	if err != nil {
		return permitProblem(err)
	}
	return a.write(w, http.StatusOK, p)
}

func (a *permitAPI) renew(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.visible(r); err != nil {
		return err
	}
	var req struct {
		Length string `json:"length,omitempty"`
	}
	if r.ContentLength != 0 {
		if err := DecodeJSON(r, &req); err != nil {
			return err
		}
	}
	p, err := a.svc.Renew(r.Context(), r.PathValue("id"), permits.Length(req.Length))
	if err != nil && !errors.Is(err, permits.ErrPaymentUnavailable) {
		return permitProblem(err)
	}
	return a.write(w, http.StatusCreated, p)
}

func (a *permitAPI) changePlate(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.visible(r); err != nil {
		return err
	}
	var req struct {
		Old string `json:"old"`
		New string `json:"new"`
	}
	if err := DecodeJSON(r, &req); err != nil {
		return err
	}
	p, err := a.svc.ChangePlate(r.Context(), r.PathValue("id"), req.Old, req.New)
	if err != nil {
		return permitProblem(err)
	}
	return a.write(w, http.StatusOK, p)
}

func (a *permitAPI) temporaryPlate(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.visible(r); err != nil {
		return err
	}
	var req struct {
		Plate     string `json:"plate"`
		Temporary string `json:"temporary"`
		Days      int    `json:"days"`
		From      string `json:"from,omitempty"`
	}
	if err := DecodeJSON(r, &req); err != nil {
		return err
	}
	var start tariffs.Date
	if req.From != "" {
		var err error
		if start, err = tariffs.ParseDate(req.From); err != nil {
			return permitProblem(err)
		}
	}
	p, err := a.svc.TemporaryPlate(r.Context(), r.PathValue("id"), req.Plate, req.Temporary, start, req.Days)
	if err != nil {
		return permitProblem(err)
	}
	return a.write(w, http.StatusOK, p)
}

func (a *permitAPI) receipt(w http.ResponseWriter, r *http.Request) error {
	p, err := a.visible(r)
	if err != nil {
		return err
	}
	if p.Status != permits.StatusActive {
		return problem(http.StatusConflict, "permit-state", "No receipt yet", "the permit is %s: its receipt is made once it is paid", p.Status)
	}
	zones := make([]string, 0, len(p.Zones))
	for _, code := range p.Zones {
		name := ""
		if a.s.opts.Zones != nil {
			z, _ := a.s.opts.Zones(code)
			name = z.Name
		}
		zones = append(zones, strings.TrimSpace(code+" "+name))
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="permit-`+p.ID+`.pdf"`)
	return pdf.WritePermitReceipt(w, p, zones, a.s.opts.Location)
}
