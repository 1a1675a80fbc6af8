package store

import (
	"context"
	"fmt"

	"smspark/sessions"
)

// putSettings stores s by number.
func (b *buckets) putSettings(s sessions.Settings) error {
	if s.Number == "" {
		return fmt.Errorf("settings: %w: empty number", ErrInvalidChange)
	}
	return put(b.settings(), "settings", []byte(s.Number), s)
}

// Settings returns the settings of the number (E.164). Returns ErrNotFound,
// ErrCorrupt, ErrClosed or the context's error, wrapped.
func (db *DB) Settings(ctx context.Context, number string) (sessions.Settings, error) {
	var s sessions.Settings
	err := db.view(ctx, "settings", func(b *buckets) error {
		key := []byte(number)
		raw := b.settings().Get(key)
		if raw == nil {
			return fmt.Errorf("settings of %q: %w", number, ErrNotFound)
		}
		var err error
		s, err = decode[sessions.Settings]("settings", key, raw)
		return err
	})
	return s, err
}
