package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode"

	bolt "go.etcd.io/bbolt"
)

// decode unmarshals a stored record; a failure is ErrCorrupt naming what
// and its key.
func decode[T any](what string, key, raw []byte) (T, error) {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, fmt.Errorf("%w: %s %s: %w", ErrCorrupt, what, showKey(key), err)
	}
	return v, nil
}

// put marshals v and stores it under key, which must not be reused before
// the transaction ends.
func put(b *bolt.Bucket, what string, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s %s: %w", what, showKey(key), err)
	}
	if err := b.Put(key, raw); err != nil {
		return fmt.Errorf("put %s %s: %w", what, showKey(key), err)
	}
	return nil
}

// showKey renders a key for an error message: text keys quoted, 8-byte
// binary keys as their ID, others in hex.
func showKey(key []byte) string {
	printable := len(key) > 0
	for _, r := range string(key) {
		if r == unicode.ReplacementChar || !unicode.IsPrint(r) {
			printable = false
			break
		}
	}
	switch {
	case printable:
		return strconv.Quote(string(key))
	case len(key) == 8:
		return strconv.FormatUint(binary.BigEndian.Uint64(key), 10)
	}
	return fmt.Sprintf("%x", key)
}
