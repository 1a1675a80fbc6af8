package main

import (
	"bufio"
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
	"smspark/msisdn"
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

Phone commands: /from NUMBER [OPERATOR] to text from another phone,
/help, /quit.`,
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
			log := newLogger(cmd.ErrOrStderr(), verbose).Level(level)
			d, err := startDemo(cmd.Context(), cfg, dataDir, httpAddr, log)
			if err != nil {
				return err
			}
			defer d.stop()
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "smspark demo: engine bound over SMPP to %d simulated SMSCs (%s); HTTP on http://%s; admin on http://%s\n",
				len(d.sims), strings.Join(slices.Sorted(maps.Keys(d.sims)), ", "), d.main.HTTP.Addr(), d.main.Admin.Addr())
			p := &phone{sims: d.sims, out: out, wait: replyWait}
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
	simCtx, simCancel := context.WithCancel(parent)
	simsG, simCtx := errgroup.WithContext(simCtx)
	ctx, cancel := context.WithCancel(simCtx)
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
	d.main = &Main{Config: cfg, DataDir: dataDir, HTTPAddr: httpAddr, AdminAddr: "127.0.0.1:0", Logger: log}
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

// phone is the motorist's handset in the terminal.
type phone struct {
	sims     map[string]*smsc.Server
	out      io.Writer
	wait     time.Duration
	number   string
	operator string
}

func (p *phone) use(number, operator string) error {
	n, err := msisdn.Belgium{}.Normalize(number)
	if err != nil {
		// A foreign phone may text too: the engine answers unsupported_number.
		n = number
	}
	if _, ok := p.sims[operator]; !ok {
		return fmt.Errorf("unknown operator %q (one of %s)", operator, strings.Join(slices.Sorted(maps.Keys(p.sims)), ", "))
	}
	p.number, p.operator = n, operator
	return nil
}

func (p *phone) run(ctx context.Context, in io.Reader) error {
	interactive := false
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		interactive = true
	}
	replies := make(chan smsc.MT, 64)
	subctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for _, s := range p.sims {
		sub := s.Subscribe(subctx, 256)
		go func() {
			for mt := range sub {
				replies <- mt
			}
		}()
	}
	if interactive {
		fmt.Fprintf(p.out, "Type an SMS to 4411, e.g. \"1021 1ABC123\" to park in Brussels (Louise), \"I\" for status, \"Q\" to stop.\n/help for more. Ctrl-D to quit.\n")
	}
	sc := bufio.NewScanner(in)
	for {
		if interactive {
			fmt.Fprintf(p.out, "%s (%s) > ", p.number, p.operator)
		}
		if !sc.Scan() {
			break
		}
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.HasPrefix(line, "/") {
			if stop := p.command(line); stop {
				break
			}
			continue
		}
		if !interactive {
			fmt.Fprintf(p.out, "%s → 4411: %s\n", p.number, line)
		}
		p.drain(replies)
		d, err := p.sims[p.operator].DeliverMO(ctx, smsc.MO{From: p.number, To: "4411", Text: line})
		if err != nil {
			return fmt.Errorf("sending the SMS: %w", err)
		}
		if d.Status != smsc.StatusOK {
			fmt.Fprintf(p.out, "  (the engine refused the SMS: %s; the SMSC would deliver it again)\n", d.Status)
			continue
		}
		p.await(ctx, replies)
	}
	return sc.Err()
}

// await prints the replies to this phone until one arrives, or says none came.
func (p *phone) await(ctx context.Context, replies <-chan smsc.MT) {
	timer := time.NewTimer(p.wait)
	defer timer.Stop()
	for {
		select {
		case mt := <-replies:
			p.print(mt)
			if mt.To == p.number {
				return
			}
		case <-timer.C:
			fmt.Fprintf(p.out, "  (no reply within %s: confirmations are off after C1)\n", p.wait)
			return
		case <-ctx.Done():
			return
		}
	}
}

// drain prints MTs that arrived meanwhile (reminders, expiries).
func (p *phone) drain(replies <-chan smsc.MT) {
	for {
		select {
		case mt := <-replies:
			p.print(mt)
		default:
			return
		}
	}
}

func (p *phone) print(mt smsc.MT) {
	to := ""
	if mt.To != p.number {
		to = " (to " + mt.To + ")"
	}
	fmt.Fprintf(p.out, "%s → %s%s: %s\n", mt.From, "you", to, strings.ReplaceAll(mt.Text, "\n", "\n      "))
}

// command runs a phone command; it reports whether to quit.
func (p *phone) command(line string) bool {
	f := strings.Fields(line)
	switch f[0] {
	case "/quit", "/exit":
		return true
	case "/from":
		if len(f) < 2 {
			fmt.Fprintln(p.out, "usage: /from NUMBER [OPERATOR]")
			return false
		}
		op := p.operator
		if len(f) > 2 {
			op = f[2]
		}
		if err := p.use(f[1], op); err != nil {
			fmt.Fprintln(p.out, err)
		}
	default:
		fmt.Fprintf(p.out, "SMS to 4411: <zone> <plate> (e.g. 1021 1ABC123), <zone>, Q, Q <plate>, I, C1, NL/FR/DE/EN, PASS.\nZones: 1021 1030 (Brussels), 8370 8371 (Blankenberge), 8500 (Kortrijk), 3000 (Leuven).\n/from NUMBER [OPERATOR] (operators: %s), /quit.\n",
			strings.Join(slices.Sorted(maps.Keys(p.sims)), ", "))
	}
	return false
}
