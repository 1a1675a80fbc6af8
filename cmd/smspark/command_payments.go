package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"smspark/config"
	"smspark/payments"
	"smspark/store"
)

func newPaymentsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "payments",
		Short: "The built-in test payment provider",
	}
	var server, dataDir, configPath, order, result, method, reference, kind string
	simulate := &cobra.Command{
		Use:   "simulate --server URL --data DIR --order ID --result paid|failed [--kind voucher|permit|daycard]",
		Short: "Send the provider's signed callback for an order, as if the citizen paid (or failed)",
		Long: `Signs a payment callback with the provider secret — the config's
payment_secret when --config names one that sets it, else the data
directory's payment.secret (created by smspark serve) — and posts it to the
running engine's /v1/payments/callback.`,
		Example: "  smspark payments simulate --server http://127.0.0.1:8080 --data /var/lib/smspark --order OAB12CD34EF --result paid",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if result != "paid" && result != "failed" {
				return fmt.Errorf("--result must be paid or failed")
			}
			secret, err := simulatorSecret(configPath, dataDir)
			if err != nil {
				return err
			}
			c, err := payments.NewCallback(order, reference, result, method, time.Now())
			if err != nil {
				return err
			}
			body, err := json.Marshal(c)
			if err != nil {
				return err
			}
			paths := map[string]string{"voucher": "/v1/payments/callback", "permit": "/v1/payments/permits/callback",
				"daycard": "/v1/payments/daycards/callback"}
			path, ok := paths[kind]
			if !ok {
				return fmt.Errorf("--kind must be voucher, permit or daycard")
			}
			req, err := http.NewRequestWithContext(cmd.Context(), http.MethodPost, strings.TrimRight(server, "/")+path, bytes.NewReader(body))
			if err != nil {
				return err
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(payments.SignatureHeader, payments.Sign(secret, body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			out, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			fmt.Fprintln(cmd.OutOrStdout(), strings.TrimSpace(string(out)))
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("callback refused: %s", resp.Status)
			}
			return nil
		},
	}
	f := simulate.Flags()
	f.StringVar(&server, "server", "http://127.0.0.1:8080", "the engine's HTTP address")
	f.StringVar(&dataDir, "data", "", "the engine's data directory (for the provider secret)")
	f.StringVar(&configPath, "config", "", "the engine's config (for its payment_secret, if it sets one)")
	f.StringVar(&order, "order", "", "order id")
	f.StringVar(&result, "result", "paid", "paid or failed")
	f.StringVar(&method, "method", "bancontact", "payment method")
	f.StringVar(&reference, "reference", "", "payment reference (default: the order's current one)")
	f.StringVar(&kind, "kind", "voucher", "what is paid: voucher (order), permit or daycard")
	for _, n := range []string{"data", "order", "result"} {
		_ = simulate.MarkFlagRequired(n)
	}
	cmd.AddCommand(simulate)
	return cmd
}

// simulatorSecret is the engine's payment secret: the config's
// payment_secret if it sets one, else the data directory's.
func simulatorSecret(configPath, dataDir string) ([]byte, error) {
	if configPath != "" {
		cfg, err := config.Load(configPath)
		if err != nil {
			return nil, err
		}
		if cfg.PaymentSecret != "" {
			return payments.ParseSecret(cfg.PaymentSecret.Reveal())
		}
	}
	// A mistyped directory must not get a new secret.
	if err := store.Exists(dataDir); err != nil {
		return nil, err
	}
	return payments.LoadSecret(dataDir)
}
