package config

import (
	"fmt"
	"strconv"
)

// hidden is what a Secret prints instead of itself.
const hidden = "<secret>"

// Secret is a string that never shows itself: String, GoString, Format (every
// fmt verb: %v, %+v, %#v, %s, %q, %x ...), MarshalJSON, MarshalText and
// MarshalYAML all give "<secret>". Reveal returns the value, for the one
// place that needs it (the SMPP bind).
type Secret string

// Reveal returns the secret's value. Never log it.
func (s Secret) Reveal() string { return string(s) }

// String returns "<secret>".
func (s Secret) String() string { return hidden }

// GoString returns "<secret>".
func (s Secret) GoString() string { return hidden }

// Format writes "<secret>" whatever the verb and flags (quoted for %q).
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		_, _ = f.Write([]byte(strconv.Quote(hidden)))
		return
	}
	_, _ = f.Write([]byte(hidden))
}

// MarshalJSON returns the JSON string "<secret>"; it never fails.
func (s Secret) MarshalJSON() ([]byte, error) {
	return []byte(strconv.Quote(hidden)), nil
}

// MarshalText returns "<secret>"; it never fails.
func (s Secret) MarshalText() ([]byte, error) { return []byte(hidden), nil }

// MarshalYAML returns "<secret>"; it never fails.
func (s Secret) MarshalYAML() (any, error) { return hidden, nil }
