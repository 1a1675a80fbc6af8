package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"net"

	_ "time/tzdata" // Europe/Brussels without the system's zoneinfo

	"smspark/config"
	"smspark/msisdn"
	"smspark/password"
	"smspark/sessions"
	"smspark/store"
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
func engineOptions(cfg *config.Config, db *store.DB, clock sessions.Clock) sessions.Options {
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
type voucherLookup struct{ db *store.DB }

func (l voucherLookup) Voucher(ctx context.Context, code string) (sessions.VoucherInfo, error) {
	v, err := l.db.Voucher(ctx, vouchers.NormalizeCode(code))
	if errors.Is(err, store.ErrNotFound) {
		return sessions.VoucherInfo{}, fmt.Errorf("%w: %s", sessions.ErrVoucherNotFound, code)
	}
	if err != nil {
		return sessions.VoucherInfo{}, err
	}
	return sessions.VoucherInfo{Code: v.Code, Zone: v.Zone, Duration: v.Duration, Expires: v.Expires,
		Used: v.Status == vouchers.StatusUsed}, nil
}

// openEngine opens the store in dataDir and starts an engine on it. The
// caller closes the returned store.
func openEngine(ctx context.Context, cfg *config.Config, dataDir string, clock sessions.Clock, dryRun bool) (*sessions.Engine, *store.DB, error) {
	if dataDir == "" {
		return nil, nil, fmt.Errorf("--data is required")
	}
	db, err := store.Open(dataDir, store.Options{})
	if err != nil {
		return nil, nil, err
	}
	opts := engineOptions(cfg, db, clock)
	opts.DryRun = dryRun
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
