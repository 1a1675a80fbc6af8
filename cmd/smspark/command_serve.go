package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"smspark/audit"
	"smspark/config"
	"smspark/store"
)

func newServeCommand() *cobra.Command {
	var configPath, dataDir, database, httpAddr, adminAddr string
	var verbose, testPayments bool
	var retention int
	cmd := &cobra.Command{
		Use:   "serve [--config FILE] [--data DIR] [--http ADDR] [--admin ADDR]",
		Short: "Run the engine: bind to the SMSCs, answer every SMS, serve HTTP",
		Long: `The production daemon. It binds to every configured SMSC, answers each MO
after making it durable, sends the replies through the durable outbox, ends
sessions at their maximum duration, and serves /healthz and /readyz with
the API. Flags override the configuration file. With no SMSC configured it
still runs and says so. SIGINT or SIGTERM drain the windows and unbind (a
second one exits at once); SIGHUP reloads the configuration file: its
tariffs, zones and operators at once, and only the SMSCs added, removed or
changed are re-bound (smspark config reload tells what each section did). A second engine on the same data
directory is refused.

--admin is the admin endpoint that the admin commands' --server mode talks
to (status, sessions, accounts, vouchers, statements, keys, backup, config
reload, smsc, audit, permits, messages, reduced), and where Prometheus
scrapes /metrics: a separate listener, loopback by default. On a loopback
address it needs no key; on any other every request needs an admin API key (smspark
keys create --role admin). --admin "" turns it off. When the default address
is taken the engine logs it and runs without the endpoint; an --admin given
must be listened on.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(configPath)
			if err != nil {
				return err
			}
			if dataDir == "" {
				dataDir = cfg.DataDir
			}
			if database == "" && cfg.Store.Kind == config.StorePostgres {
				database = cfg.Store.URL.Reveal()
			}
			if httpAddr == "" {
				httpAddr = cfg.HTTP.Listen
			}
			m := &Main{Config: cfg, ConfigPath: configPath, DataDir: dataDir, Database: database, HTTPAddr: httpAddr,
				AdminAddr: adminAddr, AdminOptional: !cmd.Flags().Changed("admin"), Logger: newLogger(cmd.ErrOrStderr(), verbose), RetentionMonths: retention,
				TestPayments: testPayments}
			setMemoryLimit(m.Logger)
			if err := m.Open(cmd.Context()); err != nil {
				if errors.Is(err, store.ErrLocked) {
					return fmt.Errorf("another smspark is running on %s: %w", dataDir, err)
				}
				return err
			}
			defer m.Close()
			hup := make(chan os.Signal, 1)
			signal.Notify(hup, syscall.SIGHUP)
			defer signal.Stop(hup)
			ctx, cancel := context.WithCancel(cmd.Context())
			defer cancel()
			go func() {
				for {
					select {
					case <-ctx.Done():
						return
					case <-hup:
						_, _ = m.Reload(ctx, audit.Local, audit.ViaSignal) // logged and audited

					}
				}
			}()
			return m.Run(ctx)
		},
	}
	f := cmd.Flags()
	f.StringVar(&configPath, "config", "", "YAML configuration (default: the embedded reference data)")
	f.StringVar(&dataDir, "data", "", "data directory (default: the configuration's data_dir)")
	f.StringVar(&database, "database", "", "keep the records in PostgreSQL at this postgres:// URL (default: the configuration's store; else bbolt in the data directory)")
	f.StringVar(&httpAddr, "http", "", "HTTP listen address (default: the configuration's http.listen)")
	f.StringVar(&adminAddr, "admin", defaultAdminAddr, "admin endpoint listen address (\"\": none; not loopback: an admin key is required)")
	f.BoolVar(&verbose, "verbose", false, "debug logs")
	f.BoolVar(&testPayments, "test-payments", false, "show the built-in test payment provider's Pay and Refuse buttons on the web page (demos and tests only: they settle a payment without a provider)")
	f.IntVar(&retention, "retention-months", 24, "remove ended sessions, MO journal and sent messages older than this from the live store (0: keep)")
	return cmd
}
