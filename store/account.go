package store

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"smspark/sessions"
)

// putAccount stores a by ID and keeps the number index: each of its numbers
// points at it; numbers it no longer holds lose their entry if the entry
// still points at it. A number indexed to another account is taken over;
// verify then checks that the other account was put without it (the
// engine moves a number by putting both accounts).
func (b *buckets) putAccount(a sessions.Account) error {
	if a.ID == "" {
		return fmt.Errorf("account: %w: empty id", ErrInvalidChange)
	}
	for _, n := range a.Numbers {
		if n == "" {
			return fmt.Errorf("account %q: %w: empty number", a.ID, ErrInvalidChange)
		}
	}
	key := []byte(a.ID)
	if raw := b.accounts().Get(key); raw != nil {
		prev, err := decode[sessions.Account]("account", key, raw)
		if err != nil {
			return err
		}
		for _, n := range prev.Numbers {
			if !slices.Contains(a.Numbers, n) {
				if err := b.unindexNumber(n, a.ID); err != nil {
					return err
				}
			}
		}
	}
	if err := put(b.accounts(), "account", key, a); err != nil {
		return err
	}
	for _, n := range a.Numbers {
		if v := b.accountNumbers().Get([]byte(n)); v != nil && string(v) != a.ID {
			b.moved[numberOf{n, string(v)}] = true
		}
		if err := b.accountNumbers().Put([]byte(n), []byte(a.ID)); err != nil {
			return fmt.Errorf("index number of account %q: %w", a.ID, err)
		}
	}
	return nil
}

// deleteAccount removes the account and its numbers' index entries; an
// unknown account is no error.
func (b *buckets) deleteAccount(id string) error {
	key := []byte(id)
	raw := b.accounts().Get(key)
	if raw == nil {
		return nil
	}
	prev, err := decode[sessions.Account]("account", key, raw)
	if err != nil {
		return err
	}
	for _, n := range prev.Numbers {
		if err := b.unindexNumber(n, id); err != nil {
			return err
		}
	}
	if err := b.accounts().Delete(key); err != nil {
		return fmt.Errorf("delete account %q: %w", id, err)
	}
	return nil
}

// unindexNumber removes number's index entry if it points at account id.
func (b *buckets) unindexNumber(number, id string) error {
	if v := b.accountNumbers().Get([]byte(number)); v != nil && bytes.Equal(v, []byte(id)) {
		if err := b.accountNumbers().Delete([]byte(number)); err != nil {
			return fmt.Errorf("unindex number of account %q: %w", id, err)
		}
	}
	return nil
}

// Account returns the account with the ID. Returns ErrNotFound, ErrCorrupt,
// ErrClosed or the context's error, wrapped.
func (db *DB) Account(ctx context.Context, id string) (sessions.Account, error) {
	var a sessions.Account
	err := db.view(ctx, "account", func(b *buckets) error {
		var err error
		a, err = b.account(id)
		return err
	})
	return a, err
}

// AccountOf returns the account holding the number (E.164). Returns
// ErrNotFound, ErrCorrupt (the index points at a missing account),
// ErrClosed or the context's error, wrapped.
func (db *DB) AccountOf(ctx context.Context, number string) (sessions.Account, error) {
	var a sessions.Account
	err := db.view(ctx, "account of number", func(b *buckets) error {
		id := b.accountNumbers().Get([]byte(number))
		if id == nil {
			return fmt.Errorf("account of %q: %w", number, ErrNotFound)
		}
		var err error
		if a, err = b.account(string(id)); err != nil {
			return fmt.Errorf("%w: number index %q: %w", ErrCorrupt, number, err)
		}
		return nil
	})
	return a, err
}

func (b *buckets) account(id string) (sessions.Account, error) {
	key := []byte(id)
	raw := b.accounts().Get(key)
	if raw == nil {
		return sessions.Account{}, fmt.Errorf("account %q: %w", id, ErrNotFound)
	}
	return decode[sessions.Account]("account", key, raw)
}
