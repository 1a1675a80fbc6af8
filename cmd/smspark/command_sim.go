package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"smspark/smpp/smsc"
)

func newSimCommand() *cobra.Command {
	var (
		listen, systemID, password, operator, fault string
		receiptDelay                                time.Duration
		load                                        smsc.LoadOptions
		loadOn, verbose, asJSON                     bool
		wait                                        time.Duration
	)
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "An SMSC simulator for smspark to bind to; also a load generator",
		Long: `Runs an SMPP 3.4 SMSC on --listen. smspark binds to it as to an operator's
SMSC (transceiver or transmitter+receiver). The simulator acknowledges submits,
returns delivery receipts and can misbehave on demand (--fault, one of: ` + faultNames() + `).

With --load it is also the motorists' phones: once the engine has bound, N
virtual phones send a realistic mix of starts, stops, status requests and
mistakes, at --rate MO/s (0: each phone sends again as soon as it has its
reply), and it prints throughput and MO→MT latency percentiles.`,
		Example: `  smspark sim --listen 127.0.0.1:2775
  smspark sim --listen 127.0.0.1:2775 --load --phones 200 --rate 2000 --duration 30s
  smspark sim --fault throttle=50`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := smsc.ParseFault(fault)
			if err != nil {
				return err
			}
			log := newLogger(cmd.ErrOrStderr(), verbose)
			s, err := smsc.New(smsc.Options{Addr: listen, SystemID: systemID, Password: password,
				Operator: operator, ReceiptDelay: receiptDelay, Logger: log})
			if err != nil {
				return err
			}
			if err := s.SetFault(f); err != nil {
				return err
			}
			if err := s.Listen(); err != nil {
				return err
			}
			ctx, cancel := context.WithCancel(cmd.Context())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- s.Run(ctx) }()
			say := cmd.OutOrStdout() // with --json, stdout is the report alone
			if asJSON {
				say = cmd.ErrOrStderr()
			}
			fmt.Fprintf(say, "SMSC simulator (%s) listening on %s\n", operator, s.Addr())
			if !loadOn {
				return <-done
			}
			wctx, wcancel := context.WithTimeout(ctx, wait)
			err = s.WaitBound(wctx, 1)
			wcancel()
			if err != nil {
				cancel()
				<-done
				return fmt.Errorf("no engine bound within %s: %w", wait, err)
			}
			fmt.Fprintf(say, "engine bound; load: %d phones, rate %s, duration %s\n",
				load.Phones, rateText(load.Rate), load.Duration)
			rep, lerr := smsc.Load(ctx, s, load)
			cancel()
			if err := <-done; err != nil && lerr == nil {
				lerr = err
			}
			if asJSON {
				if err := writeJSON(cmd, loadJSON(rep)); err != nil {
					return err
				}
				return lerr
			}
			fmt.Fprintln(cmd.OutOrStdout(), rep.String())
			return lerr
		},
	}
	f := cmd.Flags()
	f.StringVar(&listen, "listen", "127.0.0.1:2775", "address to listen on")
	f.StringVar(&systemID, "system-id", "", "system_id a bind must give (empty: any)")
	f.StringVar(&password, "password", "", "password a bind must give (empty: any)")
	f.StringVar(&operator, "operator", "proximus", "operator this SMSC plays")
	f.StringVar(&fault, "fault", "none", "misbehaviour to inject")
	f.DurationVar(&receiptDelay, "receipt-delay", 0, "delay before each delivery receipt")
	f.BoolVar(&loadOn, "load", false, "generate load once the engine has bound, then exit")
	f.IntVar(&load.Phones, "phones", 100, "virtual phones (load)")
	f.Float64Var(&load.Rate, "rate", 0, "MO per second over all phones; 0: as fast as the engine answers (load)")
	f.DurationVar(&load.Duration, "duration", 10*time.Second, "how long to send (load)")
	f.IntVar(&load.MaxMOs, "max", 0, "stop after this many MOs (load; 0: no limit)")
	f.Int64Var(&load.Seed, "seed", 1, "seed of phone numbers, plates and texts (load)")
	f.DurationVar(&wait, "wait", 30*time.Second, "how long to wait for the engine to bind (load)")
	f.BoolVar(&verbose, "verbose", false, "debug logs")
	f.BoolVar(&asJSON, "json", false, "the load report in JSON for scripts (--load)")
	return cmd
}

// loadJSON is a load report for scripts: durations in milliseconds.
func loadJSON(r smsc.LoadReport) map[string]any {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	return map[string]any{"phones": r.Phones, "mos": r.MOs, "acked": r.Acked, "refused": r.Refused,
		"retries": r.Retries, "mts": r.MTs, "replies": r.Replies, "duration_ms": ms(r.Duration),
		"throughput_per_second": r.Throughput, "p50_ms": ms(r.P50), "p90_ms": ms(r.P90), "p99_ms": ms(r.P99),
		"max_ms": ms(r.Max), "errors": r.Errors, "error_samples": r.ErrorSamples}
}

func faultNames() string {
	var names []string
	for _, k := range smsc.FaultKinds() {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}

func rateText(r float64) string {
	if r == 0 {
		return "as fast as answered"
	}
	return fmt.Sprintf("%.0f MO/s", r)
}
