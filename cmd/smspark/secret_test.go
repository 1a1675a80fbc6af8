package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"smspark/config"
	"smspark/payments"
)

// A configured payment_secret is the key callbacks are checked with; the
// data directory then gets no payment.secret of its own.
func TestPaymentSecretFromConfig(t *testing.T) {
	const key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	cfg := config.Default()
	cfg.PaymentSecret = key
	dir := t.TempDir()
	m := &Main{Config: cfg, DataDir: dir, HTTPAddr: "127.0.0.1:0", Logger: testLogger(t)}
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	got, err := m.paymentSecret()
	want, _ := hex.DecodeString(key)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("paymentSecret = %x, %v", got, err)
	}
	if _, err := os.Stat(filepath.Join(dir, payments.SecretFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the data directory got a %s: %v", payments.SecretFile, err)
	}

	bad := &Main{Config: cfg, DataDir: t.TempDir()}
	bad.Config = config.Default()
	bad.Config.PaymentSecret = "not hex"
	if _, err := bad.paymentSecret(); !errors.Is(err, payments.ErrBadSecret) {
		t.Errorf("a bad payment_secret: err = %v", err)
	}
}
