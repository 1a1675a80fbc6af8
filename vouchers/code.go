package vouchers

import (
	"fmt"
	"io"
	"strings"
)

// Alphabet is the characters of the random part of codes and order IDs:
// digits and upper-case letters without the look-alikes 0/O and 1/I/L
// (31 characters).
const Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// CodeLength is the length of a voucher code, prefix included.
const CodeLength = 11

// orderIDRandom is how many random characters follow "O" in an order ID.
const orderIDRandom = 10

// acceptBelow is the largest multiple of len(Alphabet) that fits a byte:
// bytes at or above it are rejected, so that every character is equally
// likely (no modulo bias).
const acceptBelow = 256 / len(Alphabet) * len(Alphabet)

// maxDraws bounds how many bytes a draw may read per character before it
// gives up on a source that keeps giving rejected bytes.
const maxDraws = 64

// NewCode returns a new voucher code: prefix followed by random characters
// of Alphabet drawn from r, CodeLength characters in all. Production uses
// crypto/rand.Reader. Uniqueness is the store's business (ErrCodeTaken).
//
// Returns ErrBadPrefix unless prefix is 2 to 5 upper-case letters A–Z not
// starting with Q, or ErrRandom (wrapping r's error) if r fails.
func NewCode(r io.Reader, prefix string) (string, error) {
	if err := checkPrefix(prefix); err != nil {
		return "", err
	}
	s, err := randomString(r, CodeLength-len(prefix))
	if err != nil {
		return "", fmt.Errorf("voucher code: %w", err)
	}
	return prefix + s, nil
}

// newOrderID returns "O" and random characters of Alphabet.
func newOrderID(r io.Reader) (string, error) {
	s, err := randomString(r, orderIDRandom)
	if err != nil {
		return "", fmt.Errorf("order id: %w", err)
	}
	return "O" + s, nil
}

// checkPrefix returns ErrBadPrefix unless p is 2 to 5 letters A–Z, not Q
// first (a text starting with Q is a stop command).
func checkPrefix(p string) error {
	if len(p) < 2 || len(p) > 5 || p[0] == 'Q' {
		return fmt.Errorf("%w: %q", ErrBadPrefix, p)
	}
	for i := 0; i < len(p); i++ {
		if p[i] < 'A' || p[i] > 'Z' {
			return fmt.Errorf("%w: %q", ErrBadPrefix, p)
		}
	}
	return nil
}

// randomString returns n characters of Alphabet drawn uniformly from r by
// rejection sampling. Returns ErrRandom, wrapping r's error if any.
func randomString(r io.Reader, n int) (string, error) {
	if r == nil {
		return "", fmt.Errorf("%w: no random source", ErrRandom)
	}
	out := make([]byte, 0, n)
	buf := make([]byte, n)
	for read := 0; len(out) < n; {
		if read > maxDraws*n {
			return "", fmt.Errorf("%w: %d bytes without enough usable ones", ErrRandom, read)
		}
		want := buf[:n-len(out)]
		if _, err := io.ReadFull(r, want); err != nil {
			return "", fmt.Errorf("%w: %w", ErrRandom, err)
		}
		read += len(want)
		for _, b := range want {
			if int(b) < acceptBelow {
				out = append(out, Alphabet[int(b)%len(Alphabet)])
			}
		}
	}
	return string(out), nil
}

// NormalizeCode returns a code as typed (any case, surrounding spaces) in
// the form it is stored: trimmed and upper-case.
func NormalizeCode(code string) string {
	return strings.ToUpper(strings.TrimSpace(code))
}
