package main

import (
	"context"

	"smspark/audit"
	"smspark/sessions"
)

// The account changes go through an engine opened on the store, as the
// running engine makes them, and are recorded in the audit trail.

func (l *localBackend) CreateAccount(ctx context.Context, pkg sessions.Package, numbers []string) (sessions.Account, error) {
	return localAccount(ctx, l.cfg, *l.t.data, audit.AccountCreate, func(e *sessions.Engine) (sessions.Account, error) {
		return e.CreateAccount(ctx, pkg, numbers)
	})
}

func (l *localBackend) Account(ctx context.Context, id string) (sessions.Account, error) {
	return localAccount(ctx, l.cfg, *l.t.data, "", func(e *sessions.Engine) (sessions.Account, error) {
		return e.Account(id)
	})
}

func (l *localBackend) AddNumber(ctx context.Context, id, number string) (sessions.Account, error) {
	return localAccount(ctx, l.cfg, *l.t.data, audit.AccountAddNumber, func(e *sessions.Engine) (sessions.Account, error) {
		return e.AddNumber(ctx, id, number)
	})
}

func (l *localBackend) RemoveNumber(ctx context.Context, id, number string) (sessions.Account, error) {
	return localAccount(ctx, l.cfg, *l.t.data, audit.AccountRemoveNumber, func(e *sessions.Engine) (sessions.Account, error) {
		return e.RemoveNumber(ctx, id, number)
	})
}

func (l *localBackend) SetPackage(ctx context.Context, id string, pkg sessions.Package) (sessions.Account, error) {
	return localAccount(ctx, l.cfg, *l.t.data, audit.AccountSetPackage, func(e *sessions.Engine) (sessions.Account, error) {
		return e.SetPackage(ctx, id, pkg)
	})
}
