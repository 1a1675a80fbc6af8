package httpapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"smspark/daycards"
	"smspark/tariffs"
)

// DayCardService is what the day card endpoints ask of the day card
// service (*daycards.Service).
type DayCardService interface {
	Zones() []tariffs.Zone
	Buy(ctx context.Context, number, zone string, days int) (daycards.Card, error)
	Get(ctx context.Context, number, id string) (daycards.Card, error)
	CardsOf(ctx context.Context, number string) ([]daycards.Card, error)
	PaymentResult(ctx context.Context, id, reference string, paid bool, method string) (daycards.Card, error)
	RetryPayment(ctx context.Context, number, id string) (daycards.Card, error)
	Cancel(ctx context.Context, number, id string) (daycards.Card, error)
	Spend(ctx context.Context, number, id, plate string, dates ...tariffs.Date) (daycards.Card, error)
	CancelDay(ctx context.Context, number, id string, date tariffs.Date) (daycards.Card, error)
}

// DayCardRoutes registers the motorists' day card endpoints (logged in
// with their PASS credentials: each sees their own number's cards), the
// zones that sell day cards (public), and the payment provider's callback
// for day cards.
func DayCardRoutes(svc DayCardService, secret []byte, nonces Nonces) func(*Server, *http.ServeMux) {
	return func(s *Server, mux *http.ServeMux) {
		a := &dayCardAPI{s: s, svc: svc}
		s.Route(mux, "GET /v1/daycards/zones", Public(), a.zones)
		s.Route(mux, "GET /v1/me/daycards", Motorists(), a.list)
		s.Route(mux, "POST /v1/me/daycards", Motorists(), a.buy)
		s.Route(mux, "GET /v1/me/daycards/{id}", Motorists(), a.detail)
		s.Route(mux, "POST /v1/me/daycards/{id}/payment", Motorists(), a.retry)
		s.Route(mux, "POST /v1/me/daycards/{id}/cancel", Motorists(), a.cancel)
		s.Route(mux, "POST /v1/me/daycards/{id}/days", Motorists(), a.spend)
		s.Route(mux, "POST /v1/me/daycards/{id}/days/{date}/cancel", Motorists(), a.cancelDay)
		s.Route(mux, "POST "+DayCardCallbackPath, Public(), func(w http.ResponseWriter, r *http.Request) error {
			c, err := verifiedCallback(s, secret, nonces, r)
			if err != nil {
				return err
			}
			ref := c.Reference
			if ref == "" {
				card, err := svc.Get(r.Context(), "", c.Order)
				if err != nil {
					return dayCardProblem(err)
				}
				ref = card.Payment.Reference
			}
			card, err := svc.PaymentResult(r.Context(), c.Order, ref, c.Result == "paid", c.Method)
			if err != nil {
				return dayCardProblem(err)
			}
			return WriteJSON(w, http.StatusOK, map[string]string{"daycard": card.ID, "status": string(card.Status)})
		})
	}
}

type dayCardAPI struct {
	s   *Server
	svc DayCardService
}

// dayCardProblem maps the day card service's errors onto problems.
func dayCardProblem(err error) error {
	switch {
	case errors.Is(err, daycards.ErrCardNotFound):
		return errNotFound("no such day card")
	case errors.Is(err, daycards.ErrUnknownZone):
		return problem(http.StatusNotFound, "unknown-zone", "Unknown zone", "%v", err)
	case errors.Is(err, daycards.ErrInvalidPlate):
		return problem(http.StatusBadRequest, "invalid-plate", "Invalid plate", "%v", err)
	case errors.Is(err, daycards.ErrInvalidDate):
		return problem(http.StatusUnprocessableEntity, "invalid-date", "Invalid date", "%v", err)
	case errors.Is(err, daycards.ErrInvalidRequest):
		return errBadRequest("%v", err)
	case errors.Is(err, daycards.ErrFreeDay):
		return problem(http.StatusUnprocessableEntity, "free-day", "Nothing to pay that day", "%v", err)
	case errors.Is(err, daycards.ErrAlreadySpent):
		return problem(http.StatusConflict, "day-already-spent", "Day already spent", "%v", err)
	case errors.Is(err, daycards.ErrNoDaysLeft):
		return problem(http.StatusConflict, "no-days-left", "Not enough days left", "%v", err)
	case errors.Is(err, daycards.ErrDayNotFound):
		return errNotFound("no day of this card is spent on that date")
	case errors.Is(err, daycards.ErrNotPaid), errors.Is(err, daycards.ErrNotPayable),
		errors.Is(err, daycards.ErrNotCancellable):
		return problem(http.StatusConflict, "daycard-state", "Not possible in the day card's state", "%v", err)
	case errors.Is(err, daycards.ErrWrongReference):
		return problem(http.StatusConflict, "wrong-payment-reference", "Not the current payment", "%v", err)
	case errors.Is(err, daycards.ErrPaymentUnavailable):
		return problem(http.StatusServiceUnavailable, "payment-unavailable", "Payment provider unavailable", "%v", err)
	}
	return err
}

// dayCardJSON is a day card in API responses.
type dayCardJSON struct {
	ID            string            `json:"id"`
	City          string            `json:"city"`
	Zone          string            `json:"zone"`
	ZoneName      string            `json:"zone_name"`
	Days          int               `json:"days"`
	Remaining     int               `json:"remaining"`
	DayPriceCents int64             `json:"day_price_cents"`
	PriceCents    int64             `json:"price_cents"`
	Status        string            `json:"status"`
	Created       string            `json:"created"`
	Paid          *string           `json:"paid"`
	Communication string            `json:"communication"`
	Payment       permitPaymentJSON `json:"payment"`
	Uses          []dayUseJSON      `json:"uses"`
}

type dayUseJSON struct {
	Date      string  `json:"date"`
	Plate     string  `json:"plate"`
	Status    string  `json:"status"`
	Spent     string  `json:"spent"`
	Cancelled *string `json:"cancelled,omitempty"`
}

func (a *dayCardAPI) cardJSON(c daycards.Card) dayCardJSON {
	loc := a.s.opts.Location
	now := a.s.opts.Clock()
	ts := func(t time.Time) string { return t.In(loc).Format(time.RFC3339) }
	out := dayCardJSON{ID: c.ID, City: c.City, Zone: c.Zone, ZoneName: c.ZoneName, Days: c.Days,
		Remaining: c.Remaining(), DayPriceCents: c.DayPriceCents, PriceCents: c.PriceCents, Status: string(c.Status),
		Created: ts(c.Created), Communication: c.Communication.String(), Uses: []dayUseJSON{},
		Payment: permitPaymentJSON{Reference: c.Payment.Reference, RedirectURL: c.Payment.RedirectURL,
			Method: c.Payment.Method, Attempts: c.Payment.Attempts, LastResult: c.Payment.LastResult}}
	if !c.PaidAt.IsZero() {
		paid := ts(c.PaidAt)
		out.Paid = &paid
	}
	for _, u := range c.Uses {
		uj := dayUseJSON{Date: u.Date, Plate: u.Plate, Status: string(u.StatusAt(now, loc)), Spent: ts(u.Spent)}
		if !u.Cancelled.IsZero() {
			cancelled := ts(u.Cancelled)
			uj.Cancelled = &cancelled
		}
		out.Uses = append(out.Uses, uj)
	}
	return out
}

func (a *dayCardAPI) zones(w http.ResponseWriter, _ *http.Request) error {
	type zoneJSON struct {
		Zone          string `json:"zone"`
		Name          string `json:"name"`
		City          string `json:"city"`
		DayPriceCents int64  `json:"day_price_cents"`
	}
	out := []zoneJSON{}
	for _, z := range a.svc.Zones() {
		out = append(out, zoneJSON{Zone: z.Code, Name: z.Name, City: z.City, DayPriceCents: z.Tariff.DayPrice})
	}
	return WriteJSON(w, http.StatusOK, map[string]any{"zones": out})
}

func (a *dayCardAPI) list(w http.ResponseWriter, r *http.Request) error {
	cs, err := a.svc.CardsOf(r.Context(), PrincipalOf(r.Context()).Number)
	if err != nil {
		return dayCardProblem(err)
	}
	out := []dayCardJSON{}
	remaining := 0
	for _, c := range cs {
		out = append(out, a.cardJSON(c))
		if c.Status == daycards.StatusPaid {
			remaining += c.Remaining()
		}
	}
	return WriteJSON(w, http.StatusOK, map[string]any{"cards": out, "remaining": remaining})
}

func (a *dayCardAPI) buy(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Zone string `json:"zone"`
		Days int    `json:"days"`
	}
	if err := DecodeJSON(r, &req); err != nil {
		return err
	}
	c, err := a.svc.Buy(r.Context(), PrincipalOf(r.Context()).Number, req.Zone, req.Days)
	if err != nil && !errors.Is(err, daycards.ErrPaymentUnavailable) {
		return dayCardProblem(err)
	}
	return WriteJSON(w, http.StatusCreated, a.cardJSON(c))
}

func (a *dayCardAPI) detail(w http.ResponseWriter, r *http.Request) error {
	c, err := a.svc.Get(r.Context(), PrincipalOf(r.Context()).Number, r.PathValue("id"))
	if err != nil {
		return dayCardProblem(err)
	}
	return WriteJSON(w, http.StatusOK, a.cardJSON(c))
}

func (a *dayCardAPI) retry(w http.ResponseWriter, r *http.Request) error {
	c, err := a.svc.RetryPayment(r.Context(), PrincipalOf(r.Context()).Number, r.PathValue("id"))
	if err != nil {
		return dayCardProblem(err)
	}
	return WriteJSON(w, http.StatusOK, a.cardJSON(c))
}

func (a *dayCardAPI) cancel(w http.ResponseWriter, r *http.Request) error {
	c, err := a.svc.Cancel(r.Context(), PrincipalOf(r.Context()).Number, r.PathValue("id"))
	if err != nil {
		return dayCardProblem(err)
	}
	return WriteJSON(w, http.StatusOK, a.cardJSON(c))
}

func (a *dayCardAPI) spend(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Plate string   `json:"plate"`
		Date  string   `json:"date,omitempty"`
		Dates []string `json:"dates,omitempty"`
	}
	if err := DecodeJSON(r, &req); err != nil {
		return err
	}
	raw := req.Dates
	if req.Date != "" {
		raw = append(raw, req.Date)
	}
	if len(raw) == 0 || len(raw) > daycards.MaxDays {
		return errBadRequest("date or dates (1 to %d of them) are required", daycards.MaxDays)
	}
	dates := make([]tariffs.Date, 0, len(raw))
	for _, s := range raw {
		d, err := tariffs.ParseDate(s)
		if err != nil {
			return dayCardProblem(err)
		}
		dates = append(dates, d)
	}
	c, err := a.svc.Spend(r.Context(), PrincipalOf(r.Context()).Number, r.PathValue("id"), req.Plate, dates...)
	if err != nil {
		return dayCardProblem(err)
	}
	return WriteJSON(w, http.StatusOK, a.cardJSON(c))
}

func (a *dayCardAPI) cancelDay(w http.ResponseWriter, r *http.Request) error {
	d, err := tariffs.ParseDate(r.PathValue("date"))
	if err != nil {
		return dayCardProblem(err)
	}
	c, err := a.svc.CancelDay(r.Context(), PrincipalOf(r.Context()).Number, r.PathValue("id"), d)
	if err != nil {
		return dayCardProblem(err)
	}
	return WriteJSON(w, http.StatusOK, a.cardJSON(c))
}
