package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// encode is a record's JSON, as the bbolt store writes it.
func encode(what string, v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", what, err)
	}
	return raw, nil
}

// decode unmarshals a stored record; a failure is ErrCorrupt.
func decode[T any](what string, raw []byte) (T, error) {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, fmt.Errorf("%w: %s: %w", ErrCorrupt, what, err)
	}
	return v, nil
}

// one returns the record the query's single doc column gives, or an
// error wrapping notFound (and ErrNotFound) when there is none.
func one[T any](ctx context.Context, q querier, what string, notFound error, sql string, args ...any) (T, error) {
	var raw []byte
	if err := q.QueryRow(ctx, sql, args...).Scan(&raw); err != nil {
		var zero T
		if errors.Is(err, pgx.ErrNoRows) {
			if notFound != nil && notFound != ErrNotFound {
				return zero, fmt.Errorf("%s %v: %w: %w", what, args[0], notFound, ErrNotFound)
			}
			return zero, fmt.Errorf("%s %v: %w", what, args[0], ErrNotFound)
		}
		return zero, err
	}
	return decode[T](what, raw)
}

// all returns the records the query's single doc column gives, in order.
func all[T any](ctx context.Context, q querier, what string, sql string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		v, err := decode[T](what, raw)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ns is t in Unix nanoseconds, the key the bbolt store orders by (times
// before 1970 clamp to 0).
func ns(t time.Time) int64 { return max(t.UnixNano(), 0) }
