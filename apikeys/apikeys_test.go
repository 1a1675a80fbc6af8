package apikeys_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"smspark/apikeys"
)

// A new key is shown once; its record keeps only its hash, its role and
// an id drawn from the same random bits.
func TestNew(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	key, rec, err := apikeys.New(bytes.NewReader(bytes.Repeat([]byte{0xA5}, 20)), apikeys.Warden, "Brussels", "w1", now)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(key, "sk_warden_") || len(key) != len("sk_warden_")+32 {
		t.Fatalf("key %q", key)
	}
	if rec.Hash != apikeys.Hash(key) || rec.Hash == key || rec.Role != apikeys.Warden || rec.City != "Brussels" ||
		!rec.Created.Equal(now) || len(rec.ID) != 9 || rec.ID[0] != 'K' {
		t.Fatalf("record %+v", rec)
	}
	l := rec.Listed(time.UTC)
	if l.Key != "" || l.ID != rec.ID || l.Created != "2026-11-23T10:00:00Z" {
		t.Fatalf("listed %+v", l)
	}
	if _, _, err := apikeys.New(strings.NewReader("short"), apikeys.Admin, "", "", now); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("short random: %v", err)
	}
}

func TestRoles(t *testing.T) {
	if got := strings.Join(apikeys.Roles(), ","); got != "admin,portal,warden,counter" {
		t.Fatalf("roles %s", got)
	}
}
