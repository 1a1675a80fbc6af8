package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"net"

	_ "time/tzdata" // Europe/Brussels without the system's zoneinfo

	"smspark/config"
	"smspark/daycards"
	"smspark/msisdn"
	"smspark/password"
	"smspark/payments"
	"smspark/permits"
	"smspark/sessions"
	"smspark/tariffs"
	"smspark/vouchers"
)

// loadConfig reads the YAML file at path, or the embedded reference data
// when path is empty.
func loadConfig(path string) (*config.Config, error) {
	if path == "" {
		return config.Default(), nil
	}
	return config.Load(path)
}

// fixedClock is the dry run's clock: always the same instant.
type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

// systemClock is the wall clock.
type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// engineOptions maps the configuration onto the engine's options.
func engineOptions(cfg *config.Config, db appStore, clock sessions.Clock) sessions.Options {
	ops := make(map[string]sessions.Operator, len(cfg.Operators))
	for name, op := range cfg.Operators {
		ops[name] = sessions.Operator{Name: name, Billing: op.OperatorBilling, MonthlyLimit: op.MobilePaymentLimit}
	}
	return sessions.Options{
		Cities:          cfg.Cities,
		Operators:       ops,
		VoucherPrefixes: cfg.VoucherPrefixes(),
		DefaultLanguage: cfg.DefaultLanguage,
		Location:        cfg.Location,
		Store:           db,
		Clock:           clock,
		Numbers:         msisdn.NewCached(100_000),
		Hasher:          password.Bcrypt{},
		Random:          rand.Reader,
		Vouchers:        voucherLookup{db},
		ReducedTariffs:  reducedTariffs(cfg),
	}
}

// reducedTariffs maps the cities' reduced tariffs (percent of the rate).
func reducedTariffs(cfg *config.Config) map[string]int {
	out := map[string]int{}
	for _, r := range cfg.ReducedTariffs {
		out[r.City] = r.Percent
	}
	return out
}

// voucherLookup lets the engine find vouchers in the store.
type voucherLookup struct{ db appStore }

func (l voucherLookup) Voucher(ctx context.Context, code string) (sessions.VoucherInfo, error) {
	v, err := l.db.Voucher(ctx, vouchers.NormalizeCode(code))
	if isNotFound(err) {
		return sessions.VoucherInfo{}, fmt.Errorf("%w: %s", sessions.ErrVoucherNotFound, code)
	}
	if err != nil {
		return sessions.VoucherInfo{}, err
	}
	return sessions.VoucherInfo{Code: v.Code, Zone: v.Zone, Duration: v.Duration, Expires: v.Expires,
		Used: v.Status == vouchers.StatusUsed}, nil
}

// openEngine opens the store at where (a data directory or a PostgreSQL
// URL) and starts an engine on it. The caller closes the returned store.
func openEngine(ctx context.Context, cfg *config.Config, where string, clock sessions.Clock, dryRun bool) (*sessions.Engine, appStore, error) {
	if where == "" {
		return nil, nil, fmt.Errorf("--data or --database is required")
	}
	db, err := openStore(ctx, where, storeOptions{})
	if err != nil {
		return nil, nil, err
	}
	opts := engineOptions(cfg, db, clock)
	opts.DryRun = dryRun
	ps, dcs, err := permitServices(ctx, cfg, db, clock, &payments.Provider{})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	opts.Permits = permitSources{ps, dcs}
	eng, err := sessions.New(ctx, opts)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return eng, db, nil
}

func splitHostPort(addr string) (string, string, error) { return net.SplitHostPort(addr) }

// voucherTypes maps the configuration's voucher types onto the domain's.
func voucherTypes(cfg *config.Config) []vouchers.Type {
	out := make([]vouchers.Type, 0, len(cfg.VoucherTypes))
	for _, t := range cfg.VoucherTypes {
		vt := vouchers.Type{Prefix: t.Prefix, City: t.City, Names: t.Names, Zone: t.Zone, Duration: t.Duration,
			BundleSize: t.BundleSize, BundlePrice: t.BundlePrice, FreeBundlesPerYear: t.FreeBundlesPerYear,
			QuotaVouchers: t.QuotaVouchers, QuotaMinutes: t.QuotaMinutes, ValidityDays: t.ValidityDays,
			EligibleZones: t.EligibleZones}
		for _, a := range t.Addresses {
			vt.Addresses = append(vt.Addresses, vouchers.Address{Street: a.Street, Zone: a.Zone})
		}
		out = append(out, vt)
	}
	return out
}

// permitTypes maps the configuration's permit types onto the domain's.
func permitTypes(cfg *config.Config) []permits.Type {
	out := make([]permits.Type, 0, len(cfg.PermitTypes))
	for _, t := range cfg.PermitTypes {
		pt := permits.Type{ID: t.ID, City: t.City, Name: t.Name, Zones: t.Zones, Prices: map[permits.Length]int64{}}
		for length, cents := range t.Prices {
			pt.Prices[permits.Length(length)] = cents
		}
		out = append(out, pt)
	}
	return out
}

// permitServices builds the permit and day card services on the store,
// their indexes loaded; both pay through the provider.
func permitServices(ctx context.Context, cfg *config.Config, db appStore, clock sessions.Clock,
	provider *payments.Provider) (*permits.Service, *daycards.Service, error) {
	pay := provider
	ps, err := permits.New(ctx, permits.Options{Types: permitTypes(cfg), Store: db, Payments: pay,
		Clock: clock.Now, Location: cfg.Location})
	if err != nil {
		return nil, nil, err
	}
	var zones []tariffs.Zone
	for _, c := range cfg.Cities {
		zones = append(zones, c.Zones...)
	}
	dcs, err := daycards.New(ctx, daycards.Options{Zones: zones, Store: db, Payments: pay,
		Clock: clock.Now, Location: cfg.Location})
	if err != nil {
		return nil, nil, err
	}
	return ps, dcs, nil
}

// permitSources are what makes a plate valid without a session, asked in
// turn: permits, then day cards.
type permitSources []sessions.Permits

// Permit returns the first source's answer that makes plate valid.
func (ps permitSources) Permit(plate, zone string, at time.Time) (sessions.PermitInfo, bool) {
	for _, p := range ps {
		if info, ok := p.Permit(plate, zone, at); ok {
			return info, true
		}
	}
	return sessions.PermitInfo{}, false
}
