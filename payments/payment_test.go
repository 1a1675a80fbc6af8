package payments_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"smspark/payments"
)

// starter numbers its references ref-1, ref-2, …; down makes it fail.
type starter struct {
	n    int
	down error
}

func (s *starter) Start(_ context.Context, r payments.Request) (payments.Payment, error) {
	if s.down != nil {
		return payments.Payment{}, s.down
	}
	s.n++
	return payments.Payment{Reference: fmt.Sprintf("ref-%d", s.n), RedirectURL: "https://pay.example/" + r.ID}, nil
}

func TestBegin(t *testing.T) {
	ctx := context.Background()
	var p payments.Payment
	s := &starter{}
	if err := p.Begin(ctx, s, payments.Request{ID: "P1"}); err != nil || p.Reference != "ref-1" ||
		p.LastResult != payments.ResultPending || p.RedirectURL != "https://pay.example/P1" {
		t.Fatalf("Begin: %+v, %v", p, err)
	}
	s.down = errors.New("provider down")
	before := p
	if err := p.Begin(ctx, s, payments.Request{ID: "P1"}); !errors.Is(err, payments.ErrUnavailable) || p != before {
		t.Fatalf("Begin with the provider down: %+v, %v", p, err)
	}
	if err := p.Begin(ctx, nil, payments.Request{ID: "P1"}); !errors.Is(err, payments.ErrUnavailable) {
		t.Fatalf("Begin without provider: %v", err)
	}
	empty := payments.Payment{}
	if err := empty.Begin(ctx, emptyRef{}, payments.Request{}); !errors.Is(err, payments.ErrUnavailable) || empty.Reference != "" {
		t.Fatalf("Begin with no reference: %+v, %v", empty, err)
	}
}

type emptyRef struct{}

func (emptyRef) Start(context.Context, payments.Request) (payments.Payment, error) {
	return payments.Payment{}, nil
}

// TestSettle is the state machine's table: each row a purchase's state and
// payment, a result, and what follows.
func TestSettle(t *testing.T) {
	pending := payments.Payment{Reference: "ref-2", LastResult: payments.ResultPending}
	failed := payments.Payment{Reference: "ref-2", LastResult: payments.ResultFailed, Attempts: 1}
	tests := []struct {
		name      string
		st        payments.State
		p         payments.Payment
		ref       string
		paid      bool
		want      payments.Outcome
		wantErr   error
		wantAfter payments.Payment
	}{
		{"paid", payments.Awaiting, pending, "ref-2", true, payments.Paid, nil,
			payments.Payment{Reference: "ref-2", LastResult: payments.ResultPaid, Attempts: 1, Method: "visa"}},
		{"failed", payments.Awaiting, pending, "ref-2", false, payments.Failed, nil,
			payments.Payment{Reference: "ref-2", LastResult: payments.ResultFailed, Attempts: 1, Method: "visa"}},
		{"failed twice: once", payments.Awaiting, failed, "ref-2", false, payments.Unchanged, nil, failed},
		{"paid after a failure", payments.Awaiting, failed, "ref-2", true, payments.Paid, nil,
			payments.Payment{Reference: "ref-2", LastResult: payments.ResultPaid, Attempts: 2, Method: "visa"}},
		{"a superseded reference", payments.Awaiting, pending, "ref-1", true, payments.Unchanged, payments.ErrWrongReference, pending},
		{"no reference", payments.Awaiting, pending, "", true, payments.Unchanged, payments.ErrWrongReference, pending},
		{"already paid", payments.Settled, pending, "ref-2", true, payments.Unchanged, nil, pending},
		{"cancelled", payments.Cancelled, pending, "ref-2", true, payments.Unchanged, payments.ErrNotPayable, pending},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.p
			got, err := p.Settle(tt.st, tt.ref, tt.paid, "visa")
			if got != tt.want || !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) || p != tt.wantAfter {
				t.Fatalf("Settle = %v, %v; payment %+v; want %v, %v, %+v", got, err, p, tt.want, tt.wantErr, tt.wantAfter)
			}
		})
	}
}

// TestPaymentProperties drives a purchase through random starts and
// results against a model: it is paid at most once, only by its current
// reference, and Attempts counts the results that changed something.
func TestPaymentProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ctx := context.Background()
		s := &starter{}
		var p payments.Payment
		st := payments.Awaiting
		refs := []string{}
		attempts, paidCount := 0, 0
		lastFailed := false
		for i := range rapid.IntRange(1, 30).Draw(t, "steps") {
			if len(refs) == 0 || rapid.Bool().Draw(t, fmt.Sprint("retry", i)) {
				if st != payments.Awaiting {
					continue
				}
				if err := p.Begin(ctx, s, payments.Request{ID: "X"}); err != nil {
					t.Fatal(err)
				}
				refs = append(refs, p.Reference)
				lastFailed = false
				continue
			}
			ref := rapid.SampledFrom(refs).Draw(t, fmt.Sprint("ref", i))
			paid := rapid.Bool().Draw(t, fmt.Sprint("paid", i))
			out, err := p.Settle(st, ref, paid, "")
			current := ref == refs[len(refs)-1]
			switch {
			case !current:
				if !errors.Is(err, payments.ErrWrongReference) || out != payments.Unchanged {
					t.Fatalf("old reference %s: %v, %v", ref, out, err)
				}
			case st == payments.Settled || (!paid && lastFailed):
				if err != nil || out != payments.Unchanged {
					t.Fatalf("no change expected: %v, %v", out, err)
				}
			case paid:
				if out != payments.Paid {
					t.Fatalf("paid: %v, %v", out, err)
				}
				st, attempts, paidCount = payments.Settled, attempts+1, paidCount+1
			default:
				if out != payments.Failed {
					t.Fatalf("failed: %v, %v", out, err)
				}
				attempts, lastFailed = attempts+1, true
			}
			if p.Attempts != attempts || paidCount > 1 {
				t.Fatalf("attempts %d, model %d; paid %d times", p.Attempts, attempts, paidCount)
			}
		}
	})
}

func TestNewID(t *testing.T) {
	id, err := payments.NewID(bytesReader(0, 200), "P")
	if err != nil || len(id) != 11 || id[0] != 'P' {
		t.Fatalf("NewID = %q, %v", id, err)
	}
	for _, c := range id[1:] {
		if !strings.ContainsRune(payments.Alphabet, c) {
			t.Fatalf("NewID = %q: %q not in the alphabet", id, c)
		}
	}
	if _, err := payments.NewID(bytesReader(250, 255), "P"); !errors.Is(err, payments.ErrRandom) {
		t.Fatalf("NewID on unusable bytes: %v", err)
	}
}

// cycle reads the bytes lo..hi over and over.
type cycle struct{ lo, hi, n int }

func (c *cycle) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = byte(c.lo + c.n%(c.hi-c.lo+1))
		c.n++
	}
	return len(b), nil
}

func bytesReader(lo, hi int) *cycle { return &cycle{lo: lo, hi: hi} }
