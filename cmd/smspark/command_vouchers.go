package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"smspark/audit"
	"smspark/billing"
	"smspark/config"
	"smspark/payments"
	"smspark/vouchers"
)

func newVouchersCommand() *cobra.Command {
	var dataDir, configPath string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "vouchers",
		Short: "Back-office voucher orders: issue, cancel, show (--data: a stopped engine's store; --server: a running engine)",
	}
	t := addTarget(cmd, &dataDir, &configPath, &asJSON)

	// run runs f on the voucher service of --data, or remote on --server,
	// and prints the order it returns.
	run := func(cmd *cobra.Command, local func(context.Context, *vouchers.Service, time.Time, *time.Location) (vouchers.Lookup, error),
		remote func(context.Context, *adminClient) (vouchers.Lookup, error)) error {
		cfg, err := loadConfig(configPath)
		if err != nil {
			return err
		}
		var out vouchers.Lookup
		if t.remote() {
			out, err = remote(cmd.Context(), t.client())
		} else {
			out, err = withVoucherService(cmd.Context(), cfg, t, voucherAction(cmd.Name()), func(svc *vouchers.Service) (vouchers.Lookup, error) {
				return local(cmd.Context(), svc, time.Now(), cfg.Location)
			})
		}
		if err != nil {
			return err
		}
		return outputOrder(cmd, out, asJSON, cfg.Location)
	}

	var req vouchers.OrderRequest
	issue := &cobra.Command{
		Use:   "issue --city CITY --type PREFIX --citizen NAME --street STREET --number NO --quantity N",
		Short: "Order vouchers in the back office; free bundles issue them at once, else the order awaits payment",
		Example: `  smspark vouchers issue --server http://127.0.0.1:8081 --city Blankenberge --type BLA \
      --citizen "An Peeters" --street Kerkstraat --number 12 --postcode 8370 --quantity 10`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req.Channel = vouchers.ChannelBackoffice
			return run(cmd, func(ctx context.Context, svc *vouchers.Service, now time.Time, loc *time.Location) (vouchers.Lookup, error) {
				o, err := svc.PlaceOrder(ctx, req)
				if err != nil && (!errors.Is(err, vouchers.ErrPaymentUnavailable) || o.ID == "") {
					return vouchers.Lookup{}, err
				}
				d, err := vouchers.Detail(ctx, svc, o, now, loc)
				return vouchers.Lookup{Order: d}, err
			}, func(ctx context.Context, c *adminClient) (vouchers.Lookup, error) {
				var out vouchers.Lookup
				err := c.do(ctx, "POST", "/admin/vouchers/orders", map[string]any{"city": req.City, "type": req.Type,
					"citizen": req.Citizen, "street": req.Address.Street, "number": req.Address.Number,
					"zone": req.Address.Zone, "postcode": req.Address.Postcode, "town": req.Address.Town, "quantity": req.Quantity, "language": req.Language}, &out)
				return out, err
			})
		},
	}
	f := issue.Flags()
	f.StringVar(&req.City, "city", "", "the city selling the voucher type")
	f.StringVar(&req.Type, "type", "", "the voucher type's prefix, e.g. BLA")
	f.StringVar(&req.Citizen, "citizen", "", "the citizen's name")
	f.StringVar(&req.Address.Street, "street", "", "the citizen's street")
	f.StringVar(&req.Address.Number, "number", "", "the house number")
	f.StringVar(&req.Address.Zone, "zone", "", "the address's zone, when the city's list of streets does not know it")
	f.StringVar(&req.Address.Postcode, "postcode", "", "the address's postcode, for the letter")
	f.StringVar(&req.Address.Town, "town", "", "the address's town, for the letter (default: the city)")
	f.IntVar(&req.Quantity, "quantity", 0, "how many vouchers (a multiple of the bundle size)")
	f.StringVar(&req.Language, "lang", "", "the citizen's language (nl, fr, de, en), for the letter (default: the city's)")
	for _, n := range []string{"city", "type", "citizen", "street", "number", "quantity"} {
		_ = issue.MarkFlagRequired(n)
	}

	cancel := &cobra.Command{
		Use:   "cancel ORDER",
		Short: "Cancel an order awaiting payment (its quota and free bundles are released)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd, func(ctx context.Context, svc *vouchers.Service, now time.Time, loc *time.Location) (vouchers.Lookup, error) {
				o, err := svc.Cancel(ctx, args[0])
				if err != nil {
					return vouchers.Lookup{}, err
				}
				d, err := vouchers.Detail(ctx, svc, o, now, loc)
				return vouchers.Lookup{Order: d}, err
			}, func(ctx context.Context, c *adminClient) (vouchers.Lookup, error) {
				var out vouchers.Lookup
				err := c.do(ctx, "POST", "/admin/vouchers/orders/"+pathEscape(args[0])+"/cancel", nil, &out)
				return out, err
			})
		},
	}

	show := &cobra.Command{
		Use:   "show ORDER|CODE",
		Short: "Show an order with its vouchers, found by its id or by one of its codes",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd, func(ctx context.Context, svc *vouchers.Service, now time.Time, loc *time.Location) (vouchers.Lookup, error) {
				return vouchers.Find(ctx, svc, args[0], now, loc)
			}, func(ctx context.Context, c *adminClient) (vouchers.Lookup, error) {
				var out vouchers.Lookup
				err := c.do(ctx, "GET", "/admin/vouchers/"+pathEscape(strings.TrimSpace(args[0])), nil, &out)
				return out, err
			})
		},
	}
	cmd.AddCommand(issue, cancel, show)
	return cmd
}

// withVoucherService runs f on a voucher service over the stopped store of
// --data. Payments start on the built-in test provider, whose page is the
// engine's HTTP address.
// It records action (none: "") in the audit trail.
func withVoucherService(ctx context.Context, cfg *config.Config, t *target, action string, f func(*vouchers.Service) (vouchers.Lookup, error)) (vouchers.Lookup, error) {
	db, err := t.localStore()
	if err != nil {
		return vouchers.Lookup{}, err
	}
	defer db.Close()
	svc, err := newVoucherService(cfg, db)
	if err != nil {
		return vouchers.Lookup{}, err
	}
	out, err := f(svc)
	if err != nil || action == "" {
		return out, err
	}
	o := out.Order
	return out, recordLocal(ctx, db, action, o.ID, fmt.Sprintf("%d × %s, %s, %s", o.Quantity, o.Type, o.City, o.Status))
}

// voucherAction is the audit action of a vouchers command ("" for show).
func voucherAction(command string) string {
	switch command {
	case "issue":
		return audit.VoucherIssue
	case "cancel":
		return audit.VoucherCancel
	}
	return ""
}

func newVoucherService(cfg *config.Config, db appStore) (*vouchers.Service, error) {
	return vouchers.New(vouchers.Options{Types: voucherTypes(cfg), Store: db, Clock: time.Now, Random: rand.Reader,
		Location: cfg.Location, Payments: payments.Provider{BaseURL: "http://" + cfg.HTTP.Listen}})
}

// outputOrder prints an order and its vouchers, or JSON.
func outputOrder(cmd *cobra.Command, l vouchers.Lookup, asJSON bool, loc *time.Location) error {
	if asJSON {
		return writeJSON(cmd, l)
	}
	const layout = "2006-01-02 15:04"
	local := func(ts *string) string {
		if ts == nil {
			return "-"
		}
		t, err := time.Parse(time.RFC3339, *ts)
		if err != nil {
			return *ts
		}
		return t.In(loc).Format(layout)
	}
	o := l.Order
	w := newTable(cmd)
	if v := l.Voucher; v != nil {
		fmt.Fprintf(w, "voucher\t%s %s\n", v.Code, v.Status)
	}
	fmt.Fprintf(w, "order\t%s\n", o.ID)
	fmt.Fprintf(w, "status\t%s\n", o.Status)
	fmt.Fprintf(w, "city\t%s\n", o.City)
	fmt.Fprintf(w, "type\t%s %s (zone %s, %s a voucher)\n", o.Type, o.TypeName, o.Zone,
		time.Duration(o.DurationMinutes)*time.Minute)
	fmt.Fprintf(w, "citizen\t%s\n", o.Citizen)
	fmt.Fprintf(w, "address\t%s %s\n", o.Street, o.Number)
	fmt.Fprintf(w, "quantity\t%d (%d free)\n", o.Quantity, o.FreeVouchers)
	fmt.Fprintf(w, "price\t%s\n", billing.FormatCents(o.PriceCents))
	fmt.Fprintf(w, "channel\t%s\n", o.Channel)
	fmt.Fprintf(w, "purchased\t%s\n", local(&o.Purchased))
	fmt.Fprintf(w, "paid\t%s\n", local(o.Paid))
	fmt.Fprintf(w, "expires\t%s\n", local(o.Expires))
	fmt.Fprintf(w, "communication\t%s\n", o.Communication)
	pay := o.Payment.Method
	if o.Payment.Reference != "" {
		pay = strings.TrimSpace(pay + " " + o.Payment.Reference + " " + o.Payment.RedirectURL)
	}
	fmt.Fprintf(w, "payment\t%s (attempts %d, last %s)\n", pay, o.Payment.Attempts, o.Payment.LastResult)
	if err := w.Flush(); err != nil {
		return err
	}
	if len(o.Vouchers) == 0 {
		return nil
	}
	fmt.Fprintln(cmd.OutOrStdout())
	w = newTable(cmd)
	fmt.Fprintln(w, "CODE\tSTATUS\tPLATE\tUSED AT\tEXPIRES")
	for _, v := range o.Vouchers {
		plate := v.Plate
		if plate == "" {
			plate = "-"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", v.Code, v.Status, plate, local(v.UsedAt), local(v.Expires))
	}
	return w.Flush()
}
