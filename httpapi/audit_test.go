package httpapi_test

import (
	"context"
	"testing"

	"smspark/audit"
)

// TestV1Audit: admin actions through /v1 are recorded by the caller's key
// id, via api; reads and refused requests are not.
func TestV1Audit(t *testing.T) {
	a := startAPI(t)
	code, acct := a.do("POST", "/v1/accounts", "admin", map[string]any{"package": "premium", "numbers": []string{"+32475000091"}})
	if code != 201 {
		t.Fatalf("create account: %d %v", code, acct)
	}
	id := acct["id"].(string)
	if code, _ := a.do("GET", "/v1/accounts/"+id, "admin", nil); code != 200 {
		t.Fatalf("get account: %d", code)
	}
	if code, _ := a.do("POST", "/v1/cities/Brussels/reduced-tariffs", "counter-brussels", map[string]any{"account": id,
		"from": "2026-11-01", "to": "2026-11-30", "granted_by": "desk 1", "reason": "none in Brussels"}); code != 422 {
		t.Fatalf("refused grant: %d", code)
	}
	code, g := a.do("POST", "/v1/cities/Leuven/reduced-tariffs", "counter-leuven", map[string]any{"account": id,
		"from": "2026-11-01", "to": "2026-11-30", "granted_by": "desk 1", "reason": "social tariff"})
	if code != 201 {
		t.Fatalf("grant: %d %v", code, g)
	}
	entries, err := a.db.Audit(context.Background(), audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	want := []audit.Entry{
		{Actor: "KADMIN", Via: audit.ViaAPI, Action: audit.AccountCreate, Target: id},
		{Actor: "KCL", Via: audit.ViaAPI, Action: audit.ReducedGrant, Target: g["id"].(string)},
	}
	if len(entries) != len(want) {
		t.Fatalf("audit = %+v, want %d entries", entries, len(want))
	}
	for i, e := range entries {
		w := want[i]
		if e.Actor != w.Actor || e.Via != w.Via || e.Action != w.Action || e.Target != w.Target || !e.At.Equal(a.clock.Now()) {
			t.Errorf("entry %d = %+v, want %+v at %v", i, e, w, a.clock.Now())
		}
	}
}
