package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"smspark/store"
)

func TestKeysRevoke(t *testing.T) {
	dir := storeDir(t)
	key, err := run(t, "keys", "create", "--data", dir, "--role", "warden", "--city", "Brussels")
	if err != nil {
		t.Fatal(err, key)
	}
	key = strings.TrimSpace(key)
	db, err := store.Open(dir, store.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := db.APIKeyByHash(context.Background(), store.HashKey(key))
	db.Close()
	if err != nil || rec.Revoked {
		t.Fatalf("%+v %v", rec, err)
	}
	if out, err := run(t, "keys", "revoke", "--data", dir, "--id", rec.ID); err != nil {
		t.Fatal(err, out)
	}
	db, err = store.Open(dir, store.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if rec, err := db.APIKeyByHash(context.Background(), store.HashKey(key)); err != nil || !rec.Revoked {
		t.Fatalf("after revoke: %+v %v", rec, err)
	}
	if _, err := db.RevokeAPIKey(context.Background(), "KNOSUCH"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown key: %v", err)
	}
}
