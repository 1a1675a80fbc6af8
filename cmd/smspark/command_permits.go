package main

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"smspark/payments"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"smspark/parser"
	"smspark/permits"
)

// permitJSON is a permit in the CLI's JSON: its status and plates as of
// --at, times in the configuration's time zone.
type permitJSON struct {
	ID            string                `json:"id"`
	Type          string                `json:"type"`
	TypeName      string                `json:"type_name"`
	City          string                `json:"city"`
	Zones         []string              `json:"zones"`
	Holder        string                `json:"holder,omitempty"`
	Plates        []string              `json:"plates"`
	ValidPlates   []string              `json:"valid_plates"`
	Length        string                `json:"length"`
	From          string                `json:"from"`
	Until         string                `json:"until"`
	PriceCents    int64                 `json:"price_cents"`
	Status        string                `json:"status"`
	Created       string                `json:"created"`
	Paid          *string               `json:"paid"`
	Payment       payments.Payment      `json:"payment"`
	Communication string                `json:"communication"`
	Changes       []permits.PlateChange `json:"changes"`
	RenewalOf     string                `json:"renewal_of,omitempty"`
	RenewedBy     string                `json:"renewed_by,omitempty"`
}

func toPermitJSON(p permits.Permit, now time.Time, loc *time.Location) permitJSON {
	ts := func(t time.Time) string { return t.In(loc).Format(time.RFC3339) }
	valid := p.PlatesAt(now)
	if now.Before(p.From) {
		valid = p.PlatesAt(p.From)
	}
	out := permitJSON{ID: p.ID, Type: p.Type, TypeName: p.TypeName, City: p.City, Zones: p.Zones, Holder: p.Holder,
		Plates: p.CurrentPlates(now), ValidPlates: valid, Length: string(p.Length), From: ts(p.From), Until: ts(p.Until),
		PriceCents: p.PriceCents, Status: string(p.StatusAt(now)), Created: ts(p.Created), Payment: p.Payment,
		Communication: p.Communication.String(), Changes: p.Changes, RenewalOf: p.RenewalOf, RenewedBy: p.RenewedBy}
	if out.Changes == nil {
		out.Changes = []permits.PlateChange{}
	}
	if !p.PaidAt.IsZero() {
		paid := ts(p.PaidAt)
		out.Paid = &paid
	}
	return out
}

func newPermitsCommand() *cobra.Command {
	var dataDir, configPath, atFlag string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "permits",
		Short: "Look up parking permits (--data: a stopped engine's store; --server: a running engine)",
	}
	t := addTarget(cmd, &dataDir, &configPath, &asJSON)
	cmd.PersistentFlags().StringVar(&atFlag, "at", "", "tell statuses and plates as of this time, RFC 3339 (default: now)")

	// open returns the permits' source (the store of --data or the engine
	// of --server), the time zone and the time statuses are told at.
	open := func() (permitSource, *time.Location, time.Time, error) {
		cfg, err := loadConfig(configPath)
		if err != nil {
			return nil, nil, time.Time{}, err
		}
		now := time.Now()
		if atFlag != "" {
			if now, err = time.Parse(time.RFC3339, atFlag); err != nil {
				return nil, nil, time.Time{}, fmt.Errorf("--at: %w", err)
			}
		}
		if t.remote() {
			return remotePermits{t.client()}, cfg.Location, now, nil
		}
		db, err := t.localStore()
		if err != nil {
			return nil, nil, time.Time{}, err
		}
		return db, cfg.Location, now, nil
	}

	var city, plate, status string
	list := &cobra.Command{
		Use:     "list [--city C] [--plate P] [--status S]",
		Short:   "List permits by ID",
		Example: "  smspark permits list --data /var/lib/smspark --city Leuven --status active",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if plate != "" {
				p, err := parser.NormalizePlate(plate)
				if err != nil {
					return fmt.Errorf("--plate %q: %w", plate, err)
				}
				plate = p
			}
			db, loc, now, err := open()
			if err != nil {
				return err
			}
			defer db.Close()
			var ps []permits.Permit
			if plate != "" {
				ps, err = db.PermitsOfPlate(cmd.Context(), plate)
			} else {
				ps, err = db.Permits(cmd.Context())
			}
			if err != nil {
				return err
			}
			ps = slices.DeleteFunc(ps, func(p permits.Permit) bool {
				return (city != "" && !strings.EqualFold(p.City, city)) || (status != "" && string(p.StatusAt(now)) != status)
			})
			if asJSON {
				out := make([]permitJSON, 0, len(ps))
				for _, p := range ps {
					out = append(out, toPermitJSON(p, now, loc))
				}
				return writeJSON(cmd, out)
			}
			printPermits(cmd, ps, now, loc)
			return nil
		},
	}
	lf := list.Flags()
	lf.StringVar(&city, "city", "", "permits of this city")
	lf.StringVar(&plate, "plate", "", "permits that carry or carried this plate")
	lf.StringVar(&status, "status", "", "awaiting_payment, scheduled, active, expired or cancelled")

	show := &cobra.Command{
		Use:     "show ID",
		Short:   "Show one permit, its payment and its plate changes",
		Example: "  smspark permits show --data /var/lib/smspark P23456789AB",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			db, loc, now, err := open()
			if err != nil {
				return err
			}
			defer db.Close()
			p, err := db.Permit(cmd.Context(), strings.ToUpper(strings.TrimSpace(args[0])))
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd, toPermitJSON(p, now, loc))
			}
			printPermit(cmd, p, now, loc)
			return nil
		},
	}
	cmd.AddCommand(list, show)
	return cmd
}

// permitSource is where permits are read: the store, or the admin
// endpoint.
type permitSource interface {
	Permits(ctx context.Context) ([]permits.Permit, error)
	PermitsOfPlate(ctx context.Context, plate string) ([]permits.Permit, error)
	Permit(ctx context.Context, id string) (permits.Permit, error)
	Close() error
}

// remotePermits reads permits from a running engine's admin endpoint.
type remotePermits struct{ c *adminClient }

func (r remotePermits) Permits(ctx context.Context) ([]permits.Permit, error) {
	return r.PermitsOfPlate(ctx, "")
}

func (r remotePermits) PermitsOfPlate(ctx context.Context, plate string) ([]permits.Permit, error) {
	var out struct {
		Permits []permits.Permit `json:"permits"`
	}
	err := r.c.do(ctx, "GET", "/admin/permits?"+url.Values{"plate": {plate}}.Encode(), nil, &out)
	return out.Permits, err
}

func (r remotePermits) Permit(ctx context.Context, id string) (permits.Permit, error) {
	var p permits.Permit
	err := r.c.do(ctx, "GET", "/admin/permits/"+pathEscape(id), nil, &p)
	return p, err
}

func (remotePermits) Close() error { return nil }

const permitLayout = "2006-01-02"

// printPermits writes permits as an aligned table.
func printPermits(cmd *cobra.Command, ps []permits.Permit, now time.Time, loc *time.Location) {
	w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tTYPE\tCITY\tZONES\tPLATES\tFROM\tUNTIL\tSTATUS\tPRICE")
	for _, p := range ps {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d.%02d\n", p.ID, p.Type, p.City, strings.Join(p.Zones, ","),
			strings.Join(p.CurrentPlates(now), ","), p.From.In(loc).Format(permitLayout),
			p.Until.In(loc).Format(permitLayout), p.StatusAt(now), p.PriceCents/100, p.PriceCents%100)
	}
	w.Flush()
}

// printPermit writes one permit in detail.
func printPermit(cmd *cobra.Command, p permits.Permit, now time.Time, loc *time.Location) {
	w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
	const layout = "2006-01-02 15:04"
	paid := "-"
	if !p.PaidAt.IsZero() {
		paid = p.PaidAt.In(loc).Format(layout)
	}
	for _, row := range [][2]string{
		{"ID", p.ID},
		{"Type", p.TypeName + " (" + p.Type + ")"},
		{"City", p.City},
		{"Zones", strings.Join(p.Zones, ", ")},
		{"Holder", p.Holder},
		{"Plates", strings.Join(p.CurrentPlates(now), ", ")},
		{"Valid now", strings.Join(p.PlatesAt(now), ", ")},
		{"Period", p.From.In(loc).Format(layout) + " – " + p.Until.In(loc).Format(layout) + " (" + string(p.Length) + ")"},
		{"Status", string(p.StatusAt(now))},
		{"Price", fmt.Sprintf("%d.%02d", p.PriceCents/100, p.PriceCents%100)},
		{"Paid", paid},
		{"Payment", fmt.Sprintf("%s, %s, %d attempts, last %s", p.Payment.Reference, p.Payment.Method,
			p.Payment.Attempts, p.Payment.LastResult)},
		{"Communication", p.Communication.String()},
		{"Renewal of", p.RenewalOf},
		{"Renewed by", p.RenewedBy},
	} {
		if row[1] != "" {
			fmt.Fprintf(w, "%s\t%s\n", row[0], row[1])
		}
	}
	for _, c := range p.Changes {
		until := "for good"
		if c.Kind == permits.ChangeTemporary {
			until = "until " + c.Until.In(loc).Format(layout)
		}
		fmt.Fprintf(w, "Change\t%s → %s from %s %s\n", c.Old, c.New, c.From.In(loc).Format(layout), until)
	}
	w.Flush()
}
