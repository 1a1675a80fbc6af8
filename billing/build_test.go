package billing_test

import (
	"context"
	"errors"
	"testing"

	"smspark/billing"
	"smspark/sessions"
)

// lister is a store in memory: it selects with the filter's own Match, as
// every store must.
type lister []sessions.Session

func (l lister) Sessions(_ context.Context, f sessions.SessionFilter) ([]sessions.Session, error) {
	var out []sessions.Session
	for _, s := range l {
		if f.Match(s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// Build reads the month's ended sessions of the account and builds the
// same statement as NewStatement over them.
func TestBuildSelectsTheMonth(t *testing.T) {
	loc := brussels(t)
	got, err := billing.Build(context.Background(), lister(november(loc)), premium, "2026-11", zoneName, loc)
	if err != nil {
		t.Fatal(err)
	}
	want, err := billing.NewStatement(premium, "2026-11", november(loc), zoneName, loc)
	if err != nil {
		t.Fatal(err)
	}
	if got.TotalCents != want.TotalCents || len(got.Lines) != len(want.Lines) {
		t.Fatalf("Build: %d cents in %d lines, want %d in %d", got.TotalCents, len(got.Lines), want.TotalCents, len(want.Lines))
	}
	sum := got.Summary()
	if sum.Account != premium.ID || sum.Sessions != len(got.Lines) || sum.TotalCents != got.TotalCents || sum.Due != got.Due.Format("2006-01-02") {
		t.Fatalf("Summary: %+v", sum)
	}
	if _, err := billing.Build(context.Background(), lister(nil), premium, "2026-13", zoneName, loc); !errors.Is(err, billing.ErrBadMonth) {
		t.Fatalf("bad month: %v, want ErrBadMonth", err)
	}
}
