// Package payments is how smspark's purchases (voucher orders, permits,
// day cards) are paid: one payment state machine (an attempt pending, then
// paid or failed; a retry starts a new attempt under a new reference, and
// a result must quote the current one), the IDs purchases are paid under,
// and the built-in test payment provider. The provider behaves like a
// hosted payment page: starting a payment gives a reference and a
// redirect URL; it later calls back with the result, in a JSON body signed
// with HMAC-SHA256 and carrying a nonce and a timestamp, so that a forged
// or replayed callback changes nothing. A real provider replaces Provider
// behind the same Starter interface.
package payments

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Errors of callback verification.
var (
	ErrBadSignature = errors.New("payment callback: bad signature")
	ErrStale        = errors.New("payment callback: timestamp too old or in the future")
	ErrBadCallback  = errors.New("payment callback: malformed")
)

// MaxAge is how far a callback's timestamp may be from now.
const MaxAge = 5 * time.Minute

// SignatureHeader carries "sha256=<hex HMAC of the body>".
const SignatureHeader = "X-Payment-Signature"

// Provider starts payments on the test provider.
type Provider struct {
	// BaseURL is where the (simulated) hosted payment page lives.
	BaseURL string
	Random  io.Reader
}

// Start begins a payment of the purchase: a new reference each attempt.
func (p Provider) Start(_ context.Context, req Request) (Payment, error) {
	r := p.Random
	if r == nil {
		r = rand.Reader
	}
	b := make([]byte, 8)
	if _, err := io.ReadFull(r, b); err != nil {
		return Payment{}, fmt.Errorf("payments: %w", err)
	}
	ref := "PAY" + strings.ToUpper(hex.EncodeToString(b))
	return Payment{Reference: ref, RedirectURL: strings.TrimRight(p.BaseURL, "/") + "/pay/" + ref + "?order=" + req.ID}, nil
}

// Callback is what the provider posts when a payment ends.
type Callback struct {
	Order     string    `json:"order"`
	Reference string    `json:"reference,omitempty"` // empty: the order's current payment
	Result    string    `json:"result"`              // paid or failed
	Method    string    `json:"method,omitempty"`    // bancontact, visa, ...
	Nonce     string    `json:"nonce"`
	Timestamp time.Time `json:"timestamp"`
}

// NewCallback returns a callback with a fresh nonce.
func NewCallback(order, reference, result, method string, now time.Time) (Callback, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return Callback{}, err
	}
	return Callback{Order: order, Reference: reference, Result: result, Method: method,
		Nonce: hex.EncodeToString(b), Timestamp: now.UTC()}, nil
}

// Sign returns the signature header value of a body.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a callback body and its signature, and decodes it. Returns
// ErrBadSignature, ErrStale or ErrBadCallback (wrapped).
func Verify(secret, body []byte, signature string, now time.Time) (Callback, error) {
	want := Sign(secret, body)
	if !hmac.Equal([]byte(want), []byte(signature)) {
		return Callback{}, ErrBadSignature
	}
	var c Callback
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Callback{}, fmt.Errorf("%w: %w", ErrBadCallback, err)
	}
	if c.Order == "" || c.Nonce == "" || len(c.Nonce) > 128 || len(c.Order) > 64 || (c.Result != "paid" && c.Result != "failed") {
		return Callback{}, fmt.Errorf("%w: order (at most 64 characters), nonce (at most 128) and result paid|failed are required", ErrBadCallback)
	}
	if d := now.Sub(c.Timestamp); d > MaxAge || d < -MaxAge {
		return Callback{}, ErrStale
	}
	return c, nil
}

// SecretFile is the file in the data directory holding the callback secret.
const SecretFile = "payment.secret"

// ErrBadSecret is a callback secret that is not at least 16 bytes in hex.
var ErrBadSecret = errors.New("not a secret: write at least 32 hex digits (openssl rand -hex 32)")

// ParseSecret decodes a callback secret written in hex, white space around
// it ignored.
func ParseSecret(text string) ([]byte, error) {
	s, err := hex.DecodeString(strings.TrimSpace(text))
	if err != nil || len(s) < 16 {
		return nil, ErrBadSecret
	}
	return s, nil
}

// LoadSecret reads the callback secret of a data directory, creating it
// (32 random bytes, mode 0600) the first time.
func LoadSecret(dataDir string) ([]byte, error) {
	path := filepath.Join(dataDir, SecretFile)
	raw, err := os.ReadFile(path)
	if err == nil {
		s, perr := ParseSecret(string(raw))
		if perr != nil {
			return nil, fmt.Errorf("payments: %s: %w", path, perr)
		}
		return s, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("payments: %w", err)
	}
	s := make([]byte, 32)
	if _, err := rand.Read(s); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return LoadSecret(dataDir)
	}
	if err != nil {
		return nil, fmt.Errorf("payments: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(hex.EncodeToString(s) + "\n"); err != nil {
		return nil, err
	}
	return s, f.Sync()
}
