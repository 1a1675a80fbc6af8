package password_test

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"smspark/password"
)

func TestHashVerify(t *testing.T) {
	h, err := password.Bcrypt{Cost: bcrypt.MinCost}.Hash("Kx7mPq2RtZ9w")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h, "Kx7mPq2RtZ9w") {
		t.Fatal("hash contains the password")
	}
	if err := password.Verify(h, "Kx7mPq2RtZ9w"); err != nil {
		t.Fatalf("Verify right password: %v", err)
	}
	if err := password.Verify(h, "Kx7mPq2RtZ9W"); !errors.Is(err, password.ErrMismatch) {
		t.Fatalf("Verify wrong password = %v, want ErrMismatch", err)
	}
	h2, _ := password.Bcrypt{Cost: bcrypt.MinCost}.Hash("Kx7mPq2RtZ9w")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
}
