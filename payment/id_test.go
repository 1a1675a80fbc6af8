package payment_test

import (
	"errors"
	"strings"
	"testing"

	"smspark/payment"
)

type zeroReader struct{}

func (zeroReader) Read(b []byte) (int, error) { clear(b); return len(b), nil }

type failReader struct{}

func (failReader) Read([]byte) (int, error) { return 0, errDown }

// highReader gives bytes that are all rejected.
type highReader struct{}

func (highReader) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = 0xff
	}
	return len(b), nil
}

func TestNewID(t *testing.T) {
	id, err := payment.NewID(zeroReader{}, "P")
	if err != nil || len(id) != 11 || id != "P2222222222" {
		t.Fatalf("NewID = %q, %v", id, err)
	}
	if _, err := payment.NewID(failReader{}, "P"); !errors.Is(err, payment.ErrRandom) || !errors.Is(err, errDown) {
		t.Fatalf("NewID of a failing reader: %v", err)
	}
	if _, err := payment.NewID(highReader{}, "D"); !errors.Is(err, payment.ErrRandom) {
		t.Fatalf("NewID of unusable bytes: %v", err)
	}
	id, err = payment.NewID(strings.NewReader(strings.Repeat("\x00\x01\x1e", 4)), "D")
	if err != nil || id != "D23Z23Z23Z2" {
		t.Fatalf("NewID = %q, %v", id, err)
	}
}
