package main

import (
	"github.com/spf13/cobra"
)

func newServeCommand() *cobra.Command {
	var configPath, dataDir, httpAddr string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "serve [--config FILE] [--data DIR] [--http ADDR]",
		Short: "Run the engine: bind to the SMSCs, answer every SMS, serve HTTP",
		Long: `The production daemon. It binds to every configured SMSC, answers each MO
after making it durable, sends the replies through the durable outbox, ends
sessions at their maximum duration, and serves /healthz, /readyz and
/metrics. Flags override the configuration file. With no SMSC configured it
still runs and says so. SIGINT or SIGTERM drain the windows and unbind.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(configPath)
			if err != nil {
				return err
			}
			if dataDir == "" {
				dataDir = cfg.DataDir
			}
			if httpAddr == "" {
				httpAddr = cfg.HTTP.Listen
			}
			m := &Main{Config: cfg, DataDir: dataDir, HTTPAddr: httpAddr, Logger: newLogger(cmd.ErrOrStderr(), verbose)}
			if err := m.Open(cmd.Context()); err != nil {
				return err
			}
			defer m.Close()
			return m.Run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&configPath, "config", "", "YAML configuration (default: the embedded reference data)")
	f.StringVar(&dataDir, "data", "", "data directory (default: the configuration's data_dir)")
	f.StringVar(&httpAddr, "http", "", "HTTP listen address (default: the configuration's http.listen)")
	f.BoolVar(&verbose, "verbose", false, "debug logs")
	return cmd
}
