package sessions

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Errors of reduced-tariff grants.
var (
	ErrNoReducedTariff = errors.New("the city grants no reduced tariff")
	ErrBadGrant        = errors.New("invalid grant")
	ErrGrantNotFound   = errors.New("grant not found")
)

// GrantReduced records a reduced tariff a city's counter grants to a
// number or an account from from to to (exclusive), with who granted it
// and why; sessions started in that city in that period cost the city's
// percentage of their normal cost. Returns ErrNoReducedTariff, ErrBadGrant
// (a number and an account both or neither, no reason, no granter, an
// empty period), ErrBadNumber, ErrAccountNotFound, or an ErrStore failure.
func (e *Engine) GrantReduced(ctx context.Context, g Grant) (Grant, error) {
	pct, ok := e.opts.ReducedTariffs[g.City]
	if !ok || pct <= 0 {
		return Grant{}, fmt.Errorf("%w: %q", ErrNoReducedTariff, g.City)
	}
	switch {
	case (g.Number == "") == (g.Account == ""):
		return Grant{}, fmt.Errorf("%w: a number or an account, not both", ErrBadGrant)
	case g.GrantedBy == "" || g.Reason == "":
		return Grant{}, fmt.Errorf("%w: who grants it and why are required", ErrBadGrant)
	case !g.To.After(g.From):
		return Grant{}, fmt.Errorf("%w: the period ends before it starts", ErrBadGrant)
	}
	if g.Number != "" {
		n, err := e.opts.Numbers.Normalize(g.Number)
		if err != nil {
			return Grant{}, fmt.Errorf("%w: %w", ErrBadNumber, err)
		}
		g.Number = n
	}
	id, err := randomString(e.opts.Random, accountAlphabet, 8)
	if err != nil {
		return Grant{}, err
	}
	g.ID, g.Percent, g.Created = "G"+id, pct, e.opts.Clock.Now()
	err = e.transact(ctx, newTxn(g.Created), func(t *txn) error {
		if _, ok := e.accounts[g.Account]; g.Account != "" && !ok {
			return fmt.Errorf("%w: %s", ErrAccountNotFound, g.Account)
		}
		e.grants = append(e.grants, g)
		t.change.Grants = append(t.change.Grants, g)
		return nil
	})
	if err != nil {
		return Grant{}, err
	}
	return g, nil
}

// RevokeGrant ends a grant now (sessions already started keep it).
// Returns ErrGrantNotFound or an ErrStore failure.
func (e *Engine) RevokeGrant(ctx context.Context, id string) (Grant, error) {
	var revoked Grant
	err := e.transact(ctx, newTxn(e.opts.Clock.Now()), func(t *txn) error {
		i := slices.IndexFunc(e.grants, func(g Grant) bool { return g.ID == id })
		if i < 0 {
			return fmt.Errorf("%w: %s", ErrGrantNotFound, id)
		}
		e.grants[i].Revoked = true
		revoked = e.grants[i]
		t.change.Grants = append(t.change.Grants, revoked)
		return nil
	})
	if err != nil {
		return Grant{}, err
	}
	return revoked, nil
}

// Grants returns the grants of a city ("" for all).
func (e *Engine) Grants(city string) []Grant {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Grant
	for _, g := range e.grants {
		if city == "" || g.City == city {
			out = append(out, g)
		}
	}
	return out
}

// CityName returns the configured name of a city written in any case.
func (e *Engine) CityName(name string) (string, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for n := range e.cities {
		if strings.EqualFold(n, name) {
			return n, true
		}
	}
	return "", false
}
