package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"net"

	_ "time/tzdata" // Europe/Brussels without the system's zoneinfo

	"smspark/config"
	"smspark/msisdn"
	"smspark/password"
	"smspark/sessions"
	"smspark/store"
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
	}
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
