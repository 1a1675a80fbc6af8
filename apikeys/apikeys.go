// Package apikeys holds the HTTP API keys: their record, their roles, and
// how a key is drawn. Only a key's SHA-256 is kept, so a key is shown once,
// when it is created.
package apikeys

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"
)

// Roles of API keys. An admin key may do what every other role may.
const (
	Admin   = "admin"
	Portal  = "portal"
	Warden  = "warden"
	Counter = "counter"
)

// Roles returns the roles an API key may have.
func Roles() []string { return []string{Admin, Portal, Warden, Counter} }

// Key is an API key as stored: only the SHA-256 of the key (keys are long
// random strings, so a fast hash suffices).
type Key struct {
	ID      string    `json:"id"`
	Hash    string    `json:"hash"` // hex SHA-256 of the key
	Role    string    `json:"role"` // Admin, Portal, Warden or Counter
	City    string    `json:"city,omitempty"`
	Label   string    `json:"label,omitempty"`
	Created time.Time `json:"created"`
	Revoked bool      `json:"revoked,omitempty"`
}

// Hash returns the hex SHA-256 of an API key.
func Hash(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

// New draws a key (160 random bits from r) and its record to store.
// Returns r's error.
func New(r io.Reader, role, city, label string, now time.Time) (string, Key, error) {
	b := make([]byte, 20)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", Key{}, fmt.Errorf("api key: %w", err)
	}
	secret := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	key := "sk_" + role + "_" + secret
	id := "K" + strings.ToUpper(secret[:8])
	return key, Key{ID: id, Hash: Hash(key), Role: role, City: city, Label: label, Created: now}, nil
}

// Listed is a key's record as operators see it (never the key nor its
// hash); Key is set once, in the answer to its creation.
type Listed struct {
	Key     string `json:"key,omitempty"`
	ID      string `json:"id"`
	Role    string `json:"role"`
	City    string `json:"city,omitempty"`
	Label   string `json:"label,omitempty"`
	Created string `json:"created"`
	Revoked bool   `json:"revoked,omitempty"`
}

// Listed returns the record as listed, times in loc.
func (k Key) Listed(loc *time.Location) Listed {
	return Listed{ID: k.ID, Role: k.Role, City: k.City, Label: k.Label, Created: k.Created.In(loc).Format(time.RFC3339),
		Revoked: k.Revoked}
}
