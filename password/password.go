// Package password stores PASS passwords as slow salted hashes (bcrypt,
// golang.org/x/crypto) and checks them at login.
package password

import (
	"errors"
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// ErrMismatch is returned by Verify for a wrong password.
var ErrMismatch = errors.New("password does not match")

// Bcrypt hashes with bcrypt at Cost (bcrypt.DefaultCost when 0; tests use
// bcrypt.MinCost).
type Bcrypt struct{ Cost int }

// Hash returns the salted hash of pw.
func (b Bcrypt) Hash(pw string) (string, error) {
	cost := b.Cost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
	if err != nil {
		return "", fmt.Errorf("password: %w", err)
	}
	return string(h), nil
}

// Verify checks pw against a hash from Hash. Returns ErrMismatch when it
// does not match.
func Verify(hash, pw string) error {
	err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw))
	if errors.Is(err, bcrypt.ErrMismatchedHashAndPassword) {
		return ErrMismatch
	}
	if err != nil {
		return fmt.Errorf("password: %w", err)
	}
	return nil
}
