package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"smspark/payments"
	"strings"
	"time"

	"smspark/audit"
	"smspark/pdf"
	"smspark/vouchers"
)

// VoucherService is what the portal endpoints ask of the voucher service.
type VoucherService interface {
	Types() []vouchers.Type
	Offers(ctx context.Context, city string, a vouchers.Address) ([]vouchers.Offer, error)
	PlaceOrder(ctx context.Context, req vouchers.OrderRequest) (vouchers.Order, error)
	PaymentResult(ctx context.Context, id, reference string, paid bool, method string) (vouchers.Order, error)
	RetryPayment(ctx context.Context, id string) (vouchers.Order, payments.Payment, error)
	Cancel(ctx context.Context, id string) (vouchers.Order, error)
	Order(ctx context.Context, id string) (vouchers.Order, error)
	Vouchers(ctx context.Context, orderID string) ([]vouchers.Voucher, error)
}

// Nonces remembers payment callback nonces.
type Nonces interface {
	UseNonce(ctx context.Context, nonce string, at time.Time) (fresh bool, err error)
}

// VoucherRoutes registers the city portal's voucher endpoints and the
// payment provider's callback.
func VoucherRoutes(svc VoucherService, secret []byte, nonces Nonces) func(*Server, *http.ServeMux) {
	return func(s *Server, mux *http.ServeMux) {
		v := &voucherAPI{s: s, svc: svc, secret: secret, nonces: nonces}
		s.route(mux, "GET /v1/cities/{city}/voucher-types", Roles("portal", "counter"), v.offers)
		s.route(mux, "POST /v1/cities/{city}/orders", Roles("portal"), v.order(vouchers.ChannelPortal))
		s.route(mux, "POST /v1/cities/{city}/backoffice/orders", Roles("portal", "counter"), s.audited(audit.VoucherIssue, v.order(vouchers.ChannelBackoffice)))
		s.route(mux, "GET /v1/orders/{id}", Roles("portal", "counter"), v.detail)
		s.route(mux, "GET /v1/orders/{id}/letter.pdf", Roles("portal", "counter"), v.letter)
		s.route(mux, "POST /v1/orders/{id}/payment", Roles("portal"), v.retry)
		s.route(mux, "POST /v1/orders/{id}/cancel", Roles("portal", "counter"), s.audited(audit.VoucherCancel, v.cancel))
		s.route(mux, "POST /v1/payments/callback", public, v.callback)
	}
}

type voucherAPI struct {
	s      *Server
	svc    VoucherService
	secret []byte
	nonces Nonces
}

// voucherProblem maps the voucher service's errors onto problems.
func voucherProblem(err error) error {
	var q *vouchers.QuotaError
	switch {
	case errors.As(err, &q), errors.Is(err, vouchers.ErrQuotaExceeded):
		return problem(http.StatusConflict, "quota-exceeded", "Yearly quota exceeded", "%v", err)
	case errors.Is(err, vouchers.ErrNotMultiple):
		return problem(http.StatusUnprocessableEntity, "not-a-bundle-multiple", "Not a multiple of the bundle size", "%v", err)
	case errors.Is(err, vouchers.ErrNotEligible):
		return problem(http.StatusUnprocessableEntity, "not-eligible", "Address not eligible", "%v", err)
	case errors.Is(err, vouchers.ErrUnknownType):
		return problem(http.StatusNotFound, "unknown-voucher-type", "Unknown voucher type", "%v", err)
	case errors.Is(err, vouchers.ErrInvalidAddress), errors.Is(err, vouchers.ErrInvalidRequest):
		return problem(http.StatusBadRequest, "bad-request", "Bad request", "%v", err)
	case errors.Is(err, vouchers.ErrOrderNotFound):
		return errNotFound("no such order")
	case errors.Is(err, vouchers.ErrNotPayable), errors.Is(err, vouchers.ErrNotCancellable):
		return problem(http.StatusConflict, "order-state", "Not possible in the order's state", "%v", err)
	case errors.Is(err, vouchers.ErrWrongReference):
		return problem(http.StatusConflict, "wrong-payment-reference", "Not the order's current payment", "%v", err)
	case errors.Is(err, vouchers.ErrPaymentUnavailable):
		return problem(http.StatusServiceUnavailable, "payment-unavailable", "Payment provider unavailable", "%v", err)
	}
	return err
}

// cityOf checks the caller may act for the city named in the path; a key
// of another city gets 404 (it sees nothing of it).
func (v *voucherAPI) cityOf(r *http.Request) (string, error) {
	city := r.PathValue("city")
	p := PrincipalOf(r.Context())
	for _, t := range v.svc.Types() {
		if strings.EqualFold(t.City, city) {
			if !p.CanSeeCity(t.City) {
				return "", errNotFound("no such city")
			}
			return t.City, nil
		}
	}
	return "", errNotFound("no voucher types for this city")
}

func (v *voucherAPI) offers(w http.ResponseWriter, r *http.Request) error {
	city, err := v.cityOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	a := vouchers.Address{Street: q.Get("street"), Number: q.Get("number"), Zone: q.Get("zone")}
	if a.Street == "" || a.Number == "" || len(a.Street) > 200 || len(a.Number) > 20 {
		return errBadRequest("street and number are required")
	}
	offers, err := v.svc.Offers(r.Context(), city, a)
	if err != nil {
		return voucherProblem(err)
	}
	lang := q.Get("lang")
	type offerJSON struct {
		Type              string `json:"type"`
		Name              string `json:"name"`
		Zone              string `json:"zone"`
		DurationMinutes   int    `json:"duration_minutes"`
		BundleSize        int    `json:"bundle_size"`
		BundlePriceCents  int64  `json:"bundle_price_cents"`
		FreeBundlesLeft   int    `json:"free_bundles_left"`
		RemainingVouchers *int   `json:"remaining_vouchers"`
		RemainingHours    string `json:"remaining_hours,omitempty"`
		MaxQuantity       int    `json:"max_quantity"`
	}
	out := []offerJSON{}
	for _, o := range offers {
		oj := offerJSON{Type: o.Type.Prefix, Name: o.Type.Name(lang), Zone: o.Type.Zone,
			DurationMinutes: int(o.Type.Duration / time.Minute), BundleSize: o.Type.BundleSize,
			BundlePriceCents: o.BundlePriceCents, FreeBundlesLeft: o.FreeBundlesLeft,
			RemainingHours: o.RemainingHours, MaxQuantity: o.MaxQuantity}
		if o.RemainingVouchers != vouchers.NoLimit {
			n := o.RemainingVouchers
			oj.RemainingVouchers = &n
		}
		out = append(out, oj)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"city": city, "offers": out})
}

func (v *voucherAPI) order(ch vouchers.Channel) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		city, err := v.cityOf(r)
		if err != nil {
			return err
		}
		var req struct {
			Type     string `json:"type"`
			Citizen  string `json:"citizen"`
			Street   string `json:"street"`
			Number   string `json:"number"`
			Zone     string `json:"zone,omitempty"`
			Postcode string `json:"postcode,omitempty"`
			Town     string `json:"town,omitempty"`
			Quantity int    `json:"quantity"`
			Language string `json:"language,omitempty"`
		}
		if err := DecodeJSON(r, &req); err != nil {
			return err
		}
		if len(req.Citizen) > 200 || len(req.Street) > 200 || len(req.Number) > 20 || len(req.Postcode) > 10 || len(req.Town) > 100 {
			return errBadRequest("a field is too long")
		}
		o, err := v.svc.PlaceOrder(r.Context(), vouchers.OrderRequest{City: city, Type: req.Type, Citizen: req.Citizen,
			Address: vouchers.Address{Street: req.Street, Number: req.Number, Zone: req.Zone, Postcode: req.Postcode,
				Town: req.Town}, Quantity: req.Quantity, Channel: ch, Language: req.Language})
		if err != nil && !errors.Is(err, vouchers.ErrPaymentUnavailable) {
			return voucherProblem(err)
		}
		noteAudit(r, o.ID, fmt.Sprintf("%d × %s, %s, %s", o.Quantity, o.Type, o.City, o.Status))
		return v.writeOrder(w, r, http.StatusCreated, o)
	}
}

func (v *voucherAPI) writeOrder(w http.ResponseWriter, r *http.Request, code int, o vouchers.Order) error {
	out, err := vouchers.Detail(r.Context(), v.svc, o, v.s.opts.Clock(), v.s.opts.Location)
	if err != nil {
		return voucherProblem(err)
	}
	return writeJSON(w, code, out)
}

// visibleOrder loads an order the caller may see; another city's order
// is not found.
func (v *voucherAPI) visibleOrder(r *http.Request) (vouchers.Order, error) {
	o, err := v.svc.Order(r.Context(), r.PathValue("id"))
	if err != nil {
		return o, voucherProblem(err)
	}
	if !PrincipalOf(r.Context()).CanSeeCity(o.City) {
		return o, errNotFound("no such order")
	}
	return o, nil
}

func (v *voucherAPI) detail(w http.ResponseWriter, r *http.Request) error {
	o, err := v.visibleOrder(r)
	if err != nil {
		return err
	}
	return v.writeOrder(w, r, http.StatusOK, o)
}

func (v *voucherAPI) letter(w http.ResponseWriter, r *http.Request) error {
	o, err := v.visibleOrder(r)
	if err != nil {
		return err
	}
	if len(o.Codes) == 0 {
		return problem(http.StatusConflict, "order-state", "No vouchers yet", "the order is %s: its vouchers are issued once it is paid", o.Status)
	}
	vs, err := v.svc.Vouchers(r.Context(), o.ID)
	if err != nil {
		return voucherProblem(err)
	}
	l := pdf.Letter{Lang: o.Language, City: o.City, Citizen: o.Citizen, Street: strings.TrimSpace(o.Address.Street + " " + o.Address.Number),
		Town: townLine(o), OrderID: o.ID, Communication: o.Communication.String(), Zone: o.Zone, Duration: o.Duration,
		Codes: o.Codes, PurchasedAt: o.Created, PriceCents: o.PriceCents}
	z, zoneKnown := v.s.opts.Zones(o.Zone)
	if l.Lang == "" { // the city's language, unless the citizen asked for another
		l.Lang = "nl"
		if zoneKnown && z.Language != "" {
			l.Lang = z.Language
		}
	}
	for _, t := range v.svc.Types() {
		if t.Prefix == o.Type {
			l.TypeName = t.Name(l.Lang)
		}
	}
	if zoneKnown {
		l.ZoneName = z.Name
	}
	if len(vs) > 0 {
		l.Expires = vs[0].Expires
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="vouchers-`+o.ID+`.pdf"`)
	return pdf.VoucherLetter(w, l)
}

func (v *voucherAPI) retry(w http.ResponseWriter, r *http.Request) error {
	if _, err := v.visibleOrder(r); err != nil {
		return err
	}
	o, _, err := v.svc.RetryPayment(r.Context(), r.PathValue("id"))
	if err != nil {
		return voucherProblem(err)
	}
	return v.writeOrder(w, r, http.StatusOK, o)
}

func (v *voucherAPI) cancel(w http.ResponseWriter, r *http.Request) error {
	if _, err := v.visibleOrder(r); err != nil {
		return err
	}
	o, err := v.svc.Cancel(r.Context(), r.PathValue("id"))
	if err != nil {
		return voucherProblem(err)
	}
	noteAudit(r, o.ID, fmt.Sprintf("%d × %s, %s", o.Quantity, o.Type, o.City))
	return v.writeOrder(w, r, http.StatusOK, o)
}

// callback takes the payment provider's result: the body must carry a
// valid HMAC signature, a fresh timestamp and a nonce never seen before,
// or nothing changes.
func (v *voucherAPI) callback(w http.ResponseWriter, r *http.Request) error {
	c, err := verifiedCallback(v.s, v.secret, v.nonces, r)
	if err != nil {
		return err
	}
	ref := c.Reference
	if ref == "" {
		o, err := v.svc.Order(r.Context(), c.Order)
		if err != nil {
			return voucherProblem(err)
		}
		ref = o.Payment.Reference
	}
	o, err := v.svc.PaymentResult(r.Context(), c.Order, ref, c.Result == "paid", c.Method)
	if err != nil {
		return voucherProblem(err)
	}
	return writeJSON(w, http.StatusOK, map[string]string{"order": o.ID, "status": string(o.Status)})
}

// townLine is the last line of the letter's address, "8370 Blankenberge":
// the order's postcode and town, the town the city's when not given.
func townLine(o vouchers.Order) string {
	town := o.Address.Town
	if town == "" {
		town = o.City
	}
	return strings.TrimSpace(o.Address.Postcode + " " + town)
}
