package main

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"smspark/apikeys"
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

// TestKeysBackends: create, list and revoke give the same answers on a
// stopped engine's store and through a running engine's admin endpoint.
func TestKeysBackends(t *testing.T) {
	for name, target := range backendArgs(t, nil) {
		t.Run(name, func(t *testing.T) {
			cli := func(args ...string) string {
				t.Helper()
				out, err := run(t, append(args, target...)...)
				if err != nil {
					t.Fatalf("smspark %s: %v\n%s", strings.Join(args, " "), err, out)
				}
				return out
			}
			var k apikeys.Listed
			if err := json.Unmarshal([]byte(cli("keys", "create", "--role", "portal", "--city", "Brussels", "--label", "city portal", "--json")), &k); err != nil {
				t.Fatal(err)
			}
			if k.Key == "" || k.Role != "portal" || k.City != "Brussels" || k.Revoked {
				t.Fatalf("created %+v", k)
			}
			if out := cli("keys", "list"); !strings.Contains(out, k.ID) || !strings.Contains(out, "city portal") || strings.Contains(out, k.Key) {
				t.Fatalf("keys list:\n%s", out)
			}
			if out := cli("keys", "revoke", "--id", k.ID); !strings.Contains(out, "city portal (revoked)") {
				t.Fatalf("keys revoke:\n%s", out)
			}
			if out, err := run(t, append([]string{"keys", "create", "--role", "root"}, target...)...); err == nil {
				t.Fatalf("a key of role root: %s", out)
			}
			if out, err := run(t, append([]string{"keys", "revoke", "--id", "KNOSUCH"}, target...)...); err == nil {
				t.Fatalf("revoking an unknown key: %s", out)
			}
		})
	}
}
