package payment

import (
	"errors"
	"fmt"
	"io"
)

// ErrRandom means the random source of IDs failed.
var ErrRandom = errors.New("random source failed")

// Alphabet is the characters of the random part of purchase IDs (permits,
// day cards): digits and upper-case letters without the look-alikes 0/O
// and 1/I/L.
const Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// idRandom is how many random characters follow an ID's prefix letter.
const idRandom = 10

// NewID returns prefix followed by 10 characters of Alphabet drawn
// uniformly from r (rejection sampling). Returns ErrRandom, wrapping r's
// error.
func NewID(r io.Reader, prefix string) (string, error) {
	const acceptBelow = 256 / len(Alphabet) * len(Alphabet)
	out := make([]byte, 0, len(prefix)+idRandom)
	out = append(out, prefix...)
	buf := make([]byte, idRandom)
	for tries := 0; len(out) < len(prefix)+idRandom; tries++ {
		if tries > 64 {
			return "", fmt.Errorf("%w: too many unusable bytes", ErrRandom)
		}
		want := buf[:len(prefix)+idRandom-len(out)]
		if _, err := io.ReadFull(r, want); err != nil {
			return "", fmt.Errorf("%w: %w", ErrRandom, err)
		}
		for _, b := range want {
			if int(b) < acceptBelow {
				out = append(out, Alphabet[int(b)%len(Alphabet)])
			}
		}
	}
	return string(out), nil
}
