package payment_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"smspark/payment"
)

// provider numbers references ref-1, ref-2, …; fail makes Start fail,
// empty makes it answer without a reference.
type provider struct {
	n           int
	fail, empty bool
}

var errDown = errors.New("provider down")

func (p *provider) Start(_ context.Context, r payment.Request) (payment.Payment, error) {
	switch {
	case p.fail:
		return payment.Payment{}, errDown
	case p.empty:
		return payment.Payment{RedirectURL: "https://pay.test/"}, nil
	}
	p.n++
	ref := fmt.Sprintf("ref-%d", p.n)
	return payment.Payment{Reference: ref, RedirectURL: "https://pay.test/" + ref + "?id=" + r.ID}, nil
}

func TestStart(t *testing.T) {
	tests := []struct {
		name    string
		prov    provider
		wantErr error
	}{
		{"started", provider{}, nil},
		{"provider down", provider{fail: true}, payment.ErrUnavailable},
		{"no reference", provider{empty: true}, payment.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := payment.Payment{Reference: "old", LastResult: payment.ResultFailed, Attempts: 1}
			before := p
			err := p.Start(context.Background(), &tt.prov, payment.Request{ID: "P1", Kind: "permit", AmountCents: 100})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Start: %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil {
				if p != before {
					t.Fatalf("a failed start changed the payment: %+v", p)
				}
				if tt.prov.fail && !errors.Is(err, errDown) {
					t.Fatalf("Start: %v does not wrap the provider's error", err)
				}
				return
			}
			want := payment.Payment{Reference: "ref-1", RedirectURL: "https://pay.test/ref-1?id=P1",
				Attempts: 1, LastResult: payment.ResultPending}
			if p != want {
				t.Fatalf("after Start: %+v, want %+v", p, want)
			}
		})
	}
}

func TestRecord(t *testing.T) {
	pending := payment.Payment{Reference: "R2", LastResult: payment.ResultPending, Attempts: 1, Method: "visa"}
	failed := payment.Payment{Reference: "R2", LastResult: payment.ResultFailed, Attempts: 1}
	paid := payment.Payment{Reference: "R2", LastResult: payment.ResultPaid, Attempts: 2, Method: "bancontact"}
	tests := []struct {
		name    string
		p       payment.Payment
		state   payment.State
		ref     string
		paid    bool
		method  string
		want    payment.Payment
		out     payment.Outcome
		wantErr error
	}{
		{"paid", pending, payment.Awaiting, "R2", true, "bancontact",
			payment.Payment{Reference: "R2", LastResult: payment.ResultPaid, Attempts: 2, Method: "bancontact"}, payment.Paid, nil},
		{"paid, no method keeps the former", pending, payment.Awaiting, "R2", true, "",
			payment.Payment{Reference: "R2", LastResult: payment.ResultPaid, Attempts: 2, Method: "visa"}, payment.Paid, nil},
		{"failed", pending, payment.Awaiting, "R2", false, "visa",
			payment.Payment{Reference: "R2", LastResult: payment.ResultFailed, Attempts: 2, Method: "visa"}, payment.Failed, nil},
		{"failed twice: once", failed, payment.Awaiting, "R2", false, "visa", failed, payment.Unchanged, nil},
		{"paid after a failure", failed, payment.Awaiting, "R2", true, "visa",
			payment.Payment{Reference: "R2", LastResult: payment.ResultPaid, Attempts: 2, Method: "visa"}, payment.Paid, nil},
		{"superseded reference", pending, payment.Awaiting, "R1", true, "visa", pending, payment.Unchanged, payment.ErrWrongReference},
		{"no reference", pending, payment.Awaiting, "", true, "visa", pending, payment.Unchanged, payment.ErrWrongReference},
		{"wrong reference of a paid one", paid, payment.Settled, "R1", true, "", paid, payment.Unchanged, payment.ErrWrongReference},
		{"paid again", paid, payment.Settled, "R2", true, "visa", paid, payment.Unchanged, nil},
		{"failed after paid", paid, payment.Settled, "R2", false, "visa", paid, payment.Unchanged, nil},
		{"cancelled", pending, payment.Cancelled, "R2", true, "visa", pending, payment.Unchanged, payment.ErrNotPayable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.p
			out, err := p.Record(tt.state, tt.ref, tt.paid, tt.method)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("Record: %v, want %v", err, tt.wantErr)
			}
			if out != tt.out || p != tt.want {
				t.Fatalf("Record: %v %+v, want %v %+v", out, p, tt.out, tt.want)
			}
		})
	}
}

// purchase is a model seller: its state follows Record's outcomes, as
// the vouchers, permits and day card services do.
type purchase struct {
	state payment.State
	pay   payment.Payment
}

// TestStateMachine drives a payment through random starts, results (for
// current and superseded references) and cancellations, and checks the
// rules: only the current reference is accepted; paid is final; a paid
// purchase was paid by exactly one counted result; attempts count the
// results that changed something.
func TestStateMachine(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		prov := &provider{}
		pc := purchase{state: payment.Awaiting}
		var refs []string
		counted := 0
		for range rapid.IntRange(1, 30).Draw(t, "steps") {
			switch rapid.IntRange(0, 3).Draw(t, "op") {
			case 0: // start or retry
				if pc.state != payment.Awaiting {
					continue
				}
				prov.fail = rapid.Bool().Draw(t, "down")
				before := pc.pay
				err := pc.pay.Start(context.Background(), prov, payment.Request{ID: "X"})
				if prov.fail {
					if !errors.Is(err, payment.ErrUnavailable) || pc.pay != before {
						t.Fatalf("failed start: %v, %+v", err, pc.pay)
					}
					continue
				}
				if err != nil || pc.pay.LastResult != payment.ResultPending || pc.pay.Attempts != counted {
					t.Fatalf("start: %v, %+v", err, pc.pay)
				}
				refs = append(refs, pc.pay.Reference)
			case 1, 2: // a result
				if len(refs) == 0 {
					continue
				}
				ref := rapid.SampledFrom(refs).Draw(t, "ref")
				paid := rapid.Bool().Draw(t, "paid")
				before := pc.pay
				out, err := pc.pay.Record(pc.state, ref, paid, "visa")
				switch {
				case ref != before.Reference:
					if !errors.Is(err, payment.ErrWrongReference) || pc.pay != before {
						t.Fatalf("superseded %s (current %s): %v, %+v", ref, before.Reference, err, pc.pay)
					}
				case pc.state == payment.Cancelled:
					if !errors.Is(err, payment.ErrNotPayable) || pc.pay != before {
						t.Fatalf("cancelled: %v, %+v", err, pc.pay)
					}
				case err != nil:
					t.Fatalf("Record: %v", err)
				case out == payment.Unchanged:
					if pc.pay != before {
						t.Fatalf("unchanged outcome changed %+v into %+v", before, pc.pay)
					}
				default:
					counted++
					if out == payment.Paid {
						pc.state = payment.Settled
					}
				}
				if pc.pay.Attempts != counted {
					t.Fatalf("attempts %d, want %d", pc.pay.Attempts, counted)
				}
			case 3: // cancel, as the sellers allow: not once paid
				if pc.state == payment.Awaiting {
					pc.state = payment.Cancelled
				}
			}
			if (pc.state == payment.Settled) != (pc.pay.LastResult == payment.ResultPaid) {
				t.Fatalf("state %v with last result %q", pc.state, pc.pay.LastResult)
			}
		}
	})
}

func TestFree(t *testing.T) {
	if f := payment.Free(); f.Method != payment.MethodFree || f.LastResult != payment.ResultFree || f.Reference != "" {
		t.Fatalf("Free() = %+v", f)
	}
}
