package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"
	"golang.org/x/term"

	"smspark/config"
	"smspark/smpp/smsc"
)

func newDemoCommand() *cobra.Command {
	var (
		configPath, dataDir, httpAddr, from, operator string
		verbose                                       bool
		replyWait                                     time.Duration
	)
	cmd := &cobra.Command{
		Use:   "demo [--from NUMBER] [--operator NAME]",
		Short: "The engine, a built-in SMSC simulator per operator, and a phone to text it from",
		Long: `Starts the engine on the embedded reference data (or --config) with a
temporary store, an SMSC simulator for every operator that the engine binds to
over SMPP on loopback, and an interactive phone: type an SMS as a motorist and
the reply arrives from 4411 or 4400 over SMPP. With stdin not a terminal it
reads one SMS per line, so it can be scripted.

Phone commands: /from NUMBER [OPERATOR] to text from another phone (the
number may be written with spaces: /from 0476 12 34 56 base), /help, /quit.
Ctrl-C or Ctrl-D ends the demo: the engine unbinds, then the simulators
close.`,
		Example: `  smspark demo
  printf '1021 1ABC123\nI\nQ\n' | smspark demo --from +32475000001 --operator proximus`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(configPath)
			if err != nil {
				return err
			}
			if dataDir == "" {
				dir, err := os.MkdirTemp("", "smspark-demo-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(dir)
				dataDir = dir
			}
			level := zerolog.WarnLevel
			if verbose {
				level = zerolog.DebugLevel
			}
			logs := &swapWriter{orig: cmd.ErrOrStderr()}
			var lw io.Writer = logs
			if f, ok := cmd.ErrOrStderr().(*os.File); ok && term.IsTerminal(int(f.Fd())) {
				lw = zerolog.ConsoleWriter{Out: logs, TimeFormat: "15:04:05"}
			}
			log := zerolog.New(lw).Level(level).With().Timestamp().Logger()
			d, err := startDemo(cmd.Context(), cfg, dataDir, httpAddr, log)
			if err != nil {
				return err
			}
			defer d.stop()
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "smspark demo: engine bound over SMPP to %d simulated SMSCs (%s); HTTP on http://%s; admin on http://%s\n",
				len(d.sims), strings.Join(slices.Sorted(maps.Keys(d.sims)), ", "), d.main.HTTP.Addr(), d.main.Admin.Addr())
			p := &phone{sims: d.sims, out: out, wait: replyWait, logs: logs}
			if err := p.use(from, operator); err != nil {
				return err
			}
			return p.run(d.ctx, cmd.InOrStdin())
		},
	}
	f := cmd.Flags()
	f.StringVar(&configPath, "config", "", "YAML configuration (default: the embedded reference data; its SMSCs are replaced by simulators)")
	f.StringVar(&dataDir, "data", "", "data directory (default: a temporary one, removed at the end)")
	f.StringVar(&httpAddr, "http", "127.0.0.1:0", "HTTP listen address")
	f.StringVar(&from, "from", "+32475000001", "the phone's number")
	f.StringVar(&operator, "operator", "proximus", "the phone's operator")
	f.DurationVar(&replyWait, "reply-wait", 5*time.Second, "how long the phone waits for a reply before saying there is none")
	f.BoolVar(&verbose, "verbose", false, "engine and SMPP logs on stderr")
	return cmd
}

// demo is a running engine with its simulators.
type demo struct {
	ctx    context.Context
	cancel context.CancelFunc // stops the engine
	g      *errgroup.Group    // the engine
	simsG  *errgroup.Group    // the simulators, stopped after the engine unbound
	simsX  context.CancelFunc
	main   *Main
	sims   map[string]*smsc.Server
}

// startDemo starts a simulator per operator and the engine bound to them;
// it returns once every simulator has a bind that can deliver MOs.
func startDemo(parent context.Context, cfg *config.Config, dataDir, httpAddr string, log zerolog.Logger) (*demo, error) {
	// The simulators outlive parent's cancellation (Ctrl-C): the engine
	// stops first and unbinds from them, then stop closes them.
	simCtx, simCancel := context.WithCancel(context.WithoutCancel(parent))
	simsG, simCtx := errgroup.WithContext(simCtx)
	ctx, cancel := context.WithCancel(parent)
	g, gctx := errgroup.WithContext(ctx)
	d := &demo{ctx: gctx, cancel: cancel, g: g, simsG: simsG, simsX: simCancel, sims: map[string]*smsc.Server{}}
	fail := func(err error) (*demo, error) {
		d.cancel()
		_ = d.g.Wait()
		d.simsX()
		_ = d.simsG.Wait()
		return nil, err
	}
	cfg.SMSCs = nil
	for i, op := range slices.Sorted(maps.Keys(cfg.Operators)) {
		s, err := smsc.New(smsc.Options{Addr: "127.0.0.1:0", SystemID: "smspark", Password: "demo",
			Operator: op, Logger: log.With().Str("sim", op).Logger()})
		if err == nil {
			err = s.Listen()
		}
		if err != nil {
			return fail(err)
		}
		simsG.Go(func() error { return s.Run(simCtx) })
		d.sims[op] = s
		mode := config.BindTransceiver
		if i%2 == 1 {
			mode = config.BindTransmitterReceiver // show both bind modes
		}
		cfg.SMSCs = append(cfg.SMSCs, config.SMSC{Name: op + "-sim", Operator: op, Address: s.Addr(),
			SystemID: "smspark", Password: "demo", BindMode: mode, Window: 10, MaxSubmitsPerSecond: 100,
			EnquireLink: 30 * time.Second, ReconnectMin: 250 * time.Millisecond, ReconnectMax: 4 * time.Second})
	}
	d.main = &Main{Config: cfg, DataDir: dataDir, HTTPAddr: httpAddr, AdminAddr: "127.0.0.1:0", Logger: log, TestPayments: true}
	if err := d.main.Open(ctx); err != nil {
		return fail(err)
	}
	g.Go(func() error { return d.main.Run(gctx) })
	wctx, wcancel := context.WithTimeout(gctx, 10*time.Second)
	defer wcancel()
	for op, s := range d.sims {
		if err := s.WaitBound(wctx, 1); err != nil {
			d.stop()
			return nil, fmt.Errorf("the engine did not bind to the %s simulator: %w", op, err)
		}
	}
	return d, nil
}

// stop shuts the engine down (it drains and unbinds), then the simulators.
func (d *demo) stop() {
	d.cancel()
	_ = d.g.Wait()
	d.main.Close()
	d.simsX()
	_ = d.simsG.Wait()
}
