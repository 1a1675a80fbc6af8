package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"time"

	"smspark/apikeys"
	"smspark/audit"
	"smspark/store"
)

func (l *localBackend) CreateKey(ctx context.Context, role, city, label string) (apikeys.Listed, error) {
	if !slices.Contains(apikeys.Roles(), role) {
		return apikeys.Listed{}, fmt.Errorf("--role must be one of %s", strings.Join(apikeys.Roles(), ", "))
	}
	if role != "admin" {
		c, ok := l.cfg.City(city)
		if !ok {
			return apikeys.Listed{}, fmt.Errorf("--city: %q is not a configured city (a %s key belongs to one city)", city, role)
		}
		city = c.Name
	} else if city != "" {
		return apikeys.Listed{}, fmt.Errorf("an admin key sees every city: no --city")
	}
	key, rec, err := newAPIKey(role, city, label)
	if err != nil {
		return apikeys.Listed{}, err
	}
	db, err := l.store()
	if err != nil {
		return apikeys.Listed{}, err
	}
	if err := db.PutAPIKey(ctx, rec); err != nil {
		return apikeys.Listed{}, err
	}
	if err := recordLocal(ctx, db, audit.KeyCreate, rec.ID, strings.TrimSpace("role "+rec.Role+" "+rec.City)); err != nil {
		return apikeys.Listed{}, err
	}
	k := rec.Listed(l.cfg.Location)
	k.Key = key
	return k, nil
}

func (l *localBackend) Keys(ctx context.Context) ([]apikeys.Listed, error) {
	db, err := l.store()
	if err != nil {
		return nil, err
	}
	recs, err := db.APIKeys(ctx)
	if err != nil {
		return nil, err
	}
	keys := make([]apikeys.Listed, 0, len(recs))
	for _, k := range recs {
		keys = append(keys, k.Listed(l.cfg.Location))
	}
	return keys, nil
}

func (l *localBackend) RevokeKey(ctx context.Context, id string) (apikeys.Listed, error) {
	db, err := l.store()
	if err != nil {
		return apikeys.Listed{}, err
	}
	rec, err := db.RevokeAPIKey(ctx, id)
	if err != nil {
		return apikeys.Listed{}, err
	}
	if err := recordLocal(ctx, db, audit.KeyRevoke, rec.ID, "role "+rec.Role); err != nil {
		return apikeys.Listed{}, err
	}
	return rec.Listed(l.cfg.Location), nil
}

// newAPIKey draws a key (160 random bits) and its stored record.
func newAPIKey(role, city, label string) (string, store.APIKey, error) {
	return apikeys.New(rand.Reader, role, city, label, time.Now())
}
