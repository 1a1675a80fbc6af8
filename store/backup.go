package store

import (
	"context"
	"fmt"
	"io"

	bolt "go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the store to w while it stays in use
// (bbolt's Tx.WriteTo in a read transaction; writers are not blocked). The
// copy is a complete smspark.db file. It returns the bytes written.
// Returns the context's error (checked before each write to w), ErrClosed,
// or w's error, wrapped.
func (db *DB) Backup(ctx context.Context, w io.Writer) (int64, error) {
	if err := db.usable(ctx); err != nil {
		return 0, fmt.Errorf("store: backup: %w", err)
	}
	var n int64
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(ctxWriter{ctx: ctx, w: w})
		return err
	})
	if cerr := ctx.Err(); err != nil && cerr != nil {
		// bbolt flattens the writer's error; say why it failed.
		return n, fmt.Errorf("store: backup: %w: %w", cerr, err)
	}
	if err != nil {
		return n, fmt.Errorf("store: backup: %w", txErr(err))
	}
	return n, nil
}

// ctxWriter stops writing once its context is done.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
