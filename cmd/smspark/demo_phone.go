package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"smspark/msisdn"
	"smspark/smpp/smsc"
)

// phone is the motorist's handset in the terminal.
type phone struct {
	sims     map[string]*smsc.Server
	out      io.Writer
	wait     time.Duration
	number   string
	operator string
	// logs, when set, is where the engine's logs go: through the line
	// editor while the terminal is raw, so they do not break the line.
	logs *swapWriter
	term *term.Terminal // nil unless interactive
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
	if p.term != nil {
		p.term.SetPrompt(p.prompt())
	}
	return nil
}

func (p *phone) prompt() string { return fmt.Sprintf("%s (%s) > ", p.number, p.operator) }

// lineReader gives the phone one typed line at a time.
type lineReader interface {
	ReadLine() (string, error)
}

type scannerLines struct{ *bufio.Scanner }

func (s scannerLines) ReadLine() (string, error) {
	if !s.Scan() {
		if err := s.Err(); err != nil {
			return "", err
		}
		return "", io.EOF
	}
	return strings.TrimRight(s.Text(), "\r"), nil
}

// input returns the lines of in, and a function that releases it. On a
// terminal the phone edits the line itself in raw mode, so Ctrl-C and
// Ctrl-D are keys that end the demo (make sees no interrupt); a file or a
// pipe is read one SMS per line. Reading a file ends when ctx is done.
func (p *phone) input(ctx context.Context, in io.Reader) (lineReader, func(), error) {
	f, ok := in.(*os.File)
	if !ok {
		return scannerLines{bufio.NewScanner(in)}, func() {}, nil
	}
	cf, err := newCancellableFile(ctx, f)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the phone's input: %w", err)
	}
	fd := int(f.Fd())
	if !term.IsTerminal(fd) {
		return scannerLines{bufio.NewScanner(cf)}, func() { _ = cf.Close() }, nil
	}
	state, err := term.MakeRaw(fd)
	if err != nil {
		_ = cf.Close()
		return nil, nil, fmt.Errorf("the phone's terminal: %w", err)
	}
	p.term = term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{cf, p.out}, p.prompt())
	p.out = p.term
	if p.logs != nil {
		p.logs.set(p.term)
	}
	release := func() {
		if p.logs != nil {
			p.logs.set(nil)
		}
		_ = term.Restore(fd, state)
		_ = cf.Close()
	}
	return p.term, release, nil
}

// run is the phone until /quit, Ctrl-C, Ctrl-D, the end of the input or
// ctx's end; each of them is a clean end (nil).
func (p *phone) run(ctx context.Context, in io.Reader) error {
	lines, release, err := p.input(ctx, in)
	if err != nil {
		return err
	}
	defer release()
	subCtx, unsubscribe := context.WithCancel(ctx)
	replies, forwarding := p.subscribe(subCtx)
	defer func() {
		unsubscribe()
		forwarding.Wait()
	}()
	if p.term != nil {
		fmt.Fprintf(p.out, "Type an SMS to 4411, e.g. \"1021 1ABC123\" to park in Brussels (Louise), \"I\" for status, \"Q\" to stop.\n/help for more. Ctrl-C or Ctrl-D to quit.\n")
	}
	for {
		line, err := lines.ReadLine()
		switch {
		case errors.Is(err, io.EOF), errors.Is(err, errStopped), ctx.Err() != nil:
			return nil
		case err != nil:
			return err
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue // a phone sends no empty SMS
		}
		if strings.HasPrefix(line, "/") {
			if stop := p.command(line); stop {
				return nil
			}
			continue
		}
		if err := p.send(ctx, line, replies); err != nil {
			return err
		}
	}
}

// send texts line to 4411 and waits for the reply.
func (p *phone) send(ctx context.Context, line string, replies <-chan smsc.MT) error {
	if p.term == nil {
		fmt.Fprintf(p.out, "%s → 4411: %s\n", p.number, line)
	}
	p.drain(replies)
	d, err := p.sims[p.operator].DeliverMO(ctx, smsc.MO{From: p.number, To: "4411", Text: line})
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopping
		}
		return fmt.Errorf("sending the SMS: %w", err)
	}
	if d.Status != smsc.StatusOK {
		fmt.Fprintf(p.out, "  (the engine refused the SMS: %s; the SMSC would deliver it again)\n", d.Status)
		return nil
	}
	p.await(ctx, replies)
	return nil
}

// subscribe gathers the MTs of every simulator until ctx is done; wait
// on the group for its goroutines to end after that.
func (p *phone) subscribe(ctx context.Context) (<-chan smsc.MT, *sync.WaitGroup) {
	replies := make(chan smsc.MT, 64)
	var wg sync.WaitGroup
	for _, s := range p.sims {
		sub := s.Subscribe(ctx, 256)
		wg.Go(func() { // ends when ctx ends: the simulator closes sub
			for mt := range sub {
				select {
				case replies <- mt:
				case <-ctx.Done():
				}
			}
		})
	}
	return replies, &wg
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
		number, op, ok := p.fromArgs(f[1:])
		if !ok {
			fmt.Fprintln(p.out, "usage: /from NUMBER [OPERATOR]")
			return false
		}
		if err := p.use(number, op); err != nil {
			fmt.Fprintln(p.out, err)
		}
	default:
		fmt.Fprintf(p.out, "SMS to 4411: <zone> <plate> (e.g. 1021 1ABC123), <zone>, Q, Q <plate>, I, C1, NL/FR/DE/EN, PASS.\nZones: 1021 1030 (Brussels), 8370 8371 (Blankenberge), 8500 (Kortrijk), 3000 (Leuven).\n/from NUMBER [OPERATOR] (operators: %s), /quit.\n",
			strings.Join(slices.Sorted(maps.Keys(p.sims)), ", "))
	}
	return false
}

// fromArgs reads "/from"'s words: a number, written with spaces or not,
// then maybe an operator ("0476 12 34 56 base"). Without one the phone
// keeps its operator.
func (p *phone) fromArgs(words []string) (number, operator string, ok bool) {
	operator = p.operator
	if len(words) > 1 {
		if _, known := p.sims[strings.ToLower(words[len(words)-1])]; known {
			operator = strings.ToLower(words[len(words)-1])
			words = words[:len(words)-1]
		} else if last := words[len(words)-1]; !strings.ContainsAny(last, "0123456789") {
			operator = last // not a number: use says which operators there are
			words = words[:len(words)-1]
		}
	}
	if len(words) == 0 {
		return "", "", false
	}
	return strings.Join(words, ""), operator, true
}

// swapWriter is the engine's log output, which the phone turns through
// its line editor while the terminal is raw (nil: the original writer).
type swapWriter struct {
	mu   sync.Mutex
	orig io.Writer
	cur  io.Writer
}

func (s *swapWriter) set(w io.Writer) {
	s.mu.Lock()
	s.cur = w
	s.mu.Unlock()
}

func (s *swapWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur != nil {
		return s.cur.Write(b)
	}
	return s.orig.Write(b)
}
