package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"smspark/vouchers"
	"strings"
)

// AdminVoucherLookup answers GET /admin/vouchers/{ref}: the order, and the
// voucher when ref was a voucher code.
type AdminVoucherLookup = vouchers.Lookup

// orderDetail builds an order's detail, its vouchers' status at the clock.
func (a *Admin) orderDetail(ctx context.Context, o vouchers.Order) (vouchers.OrderDetail, error) {
	d, err := vouchers.Detail(ctx, a.opts.Vouchers, o, a.opts.Clock(), a.opts.Location)
	if err != nil {
		return d, voucherProblem(err)
	}
	return d, nil
}

func (a *Admin) writeOrder(w http.ResponseWriter, r *http.Request, code int, o vouchers.Order) error {
	d, err := a.orderDetail(r.Context(), o)
	if err != nil {
		return err
	}
	return writeJSON(w, code, AdminVoucherLookup{Order: d})
}

// placeOrder is a back-office voucher order: free bundles issue the
// vouchers at once, otherwise the order awaits payment.
func (a *Admin) placeOrder(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		City     string `json:"city"`
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
	if len(req.City) > 100 || len(req.Citizen) > 200 || len(req.Street) > 200 || len(req.Number) > 20 ||
		len(req.Postcode) > 10 || len(req.Town) > 100 {
		return errBadRequest("a field is too long")
	}
	city := req.City
	for _, t := range a.opts.Vouchers.Types() {
		if strings.EqualFold(t.City, req.City) {
			city = t.City
		}
	}
	o, err := a.opts.Vouchers.PlaceOrder(r.Context(), vouchers.OrderRequest{City: city, Type: req.Type, Citizen: req.Citizen,
		Address: vouchers.Address{Street: req.Street, Number: req.Number, Zone: req.Zone, Postcode: req.Postcode,
			Town: req.Town}, Quantity: req.Quantity, Channel: vouchers.ChannelBackoffice, Language: req.Language})
	if err != nil && (!errors.Is(err, vouchers.ErrPaymentUnavailable) || o.ID == "") {
		return voucherProblem(err)
	}
	noteAudit(r, o.ID, fmt.Sprintf("%d × %s, %s, %s", o.Quantity, o.Type, o.City, o.Status))
	return a.writeOrder(w, r, http.StatusCreated, o)
}

func (a *Admin) cancelOrder(w http.ResponseWriter, r *http.Request) error {
	o, err := a.opts.Vouchers.Cancel(r.Context(), r.PathValue("id"))
	if err != nil {
		return voucherProblem(err)
	}
	noteAudit(r, o.ID, fmt.Sprintf("%d × %s, %s", o.Quantity, o.Type, o.City))
	return a.writeOrder(w, r, http.StatusOK, o)
}

// showVouchers finds an order by its ID, or the order of a voucher code.
func (a *Admin) showVouchers(w http.ResponseWriter, r *http.Request) error {
	out, err := vouchers.Find(r.Context(), a.opts.Vouchers, r.PathValue("ref"), a.opts.Clock(), a.opts.Location)
	if errors.Is(err, vouchers.ErrUnknownReference) {
		return errNotFound("no order or voucher " + strings.TrimSpace(r.PathValue("ref")))
	}
	if err != nil {
		return voucherProblem(err)
	}
	return writeJSON(w, http.StatusOK, out)
}
