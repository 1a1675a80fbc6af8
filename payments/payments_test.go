package payments_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"smspark/payments"
)

func TestVerify(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	c, err := payments.NewCallback("OABC", "PAY1", "paid", "bancontact", now)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(c)
	sig := payments.Sign(secret, body)
	if got, err := payments.Verify(secret, body, sig, now.Add(time.Minute)); err != nil || got.Order != "OABC" || got.Result != "paid" {
		t.Fatalf("%+v %v", got, err)
	}
	tests := []struct {
		name string
		body []byte
		sig  string
		at   time.Time
		want error
	}{
		{"other secret", body, payments.Sign([]byte("another secret, 32 bytes long!!"), body), now, payments.ErrBadSignature},
		{"tampered body", append(append([]byte{}, body[:len(body)-1]...), ' ', '}'), sig, now, payments.ErrBadSignature},
		{"no signature", body, "", now, payments.ErrBadSignature},
		{"too old", body, sig, now.Add(10 * time.Minute), payments.ErrStale},
		{"bad result", []byte(`{"order":"O","nonce":"n","result":"maybe","timestamp":"2026-11-23T10:00:00Z"}`), "", now, payments.ErrBadCallback},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.sig
			if tt.name == "bad result" {
				s = payments.Sign(secret, tt.body)
			}
			if _, err := payments.Verify(secret, tt.body, s, tt.at); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestLoadSecret(t *testing.T) {
	dir := t.TempDir()
	a, err := payments.LoadSecret(dir)
	if err != nil || len(a) != 32 {
		t.Fatal(a, err)
	}
	b, err := payments.LoadSecret(dir)
	if err != nil || string(a) != string(b) {
		t.Fatal("the secret changed between loads")
	}
}
