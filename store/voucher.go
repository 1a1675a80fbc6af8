package store

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"smspark/vouchers"
)

// Vouchers and their orders (schema v4): "vouchers" maps a code to its
// voucher, "orders" an order ID to its order, and "order_index" holds one
// empty-valued key per order, city NUL address-key NUL year NUL order-ID
// (the year as 4 digits), so that the orders of one address in one year
// are one prefix scan.

// The store keeps what the voucher service needs.
var _ vouchers.Store = (*DB)(nil)

// PutOrder writes the order and the new vouchers, and indexes the order
// under its city, address key and year (moving the index entry if those
// changed), in one transaction shared with concurrent writers (bbolt's
// Batch); nothing is written if anything fails.
//
// Returns vouchers.ErrCodeTaken if a voucher's code is already stored (or
// given twice), ErrInvalidChange for an order or voucher the store cannot
// key (empty ID or code, a voucher of another order, a city with a NUL, a
// year outside 1–9999), ErrCorrupt if the stored order is undecodable,
// ErrClosed or the context's error; all wrapped.
func (db *DB) PutOrder(ctx context.Context, o vouchers.Order, vs []vouchers.Voucher) error {
	if err := checkOrder(o); err != nil {
		return fmt.Errorf("store: put order: %w", err)
	}
	seen := make(map[string]bool, len(vs))
	for _, v := range vs {
		switch {
		case v.Code == "":
			return fmt.Errorf("store: put order %s: %w: voucher without code", o.ID, ErrInvalidChange)
		case v.Order != o.ID:
			return fmt.Errorf("store: put order %s: %w: voucher %s is of order %q", o.ID, ErrInvalidChange, v.Code, v.Order)
		case seen[v.Code]:
			return fmt.Errorf("store: put order %s: voucher %s given twice: %w", o.ID, v.Code, vouchers.ErrCodeTaken)
		}
		seen[v.Code] = true
	}
	return db.writeVouchers(ctx, "put order "+o.ID, func(b *buckets) error {
		for _, v := range vs {
			if b.vouchers().Get([]byte(v.Code)) != nil {
				return fmt.Errorf("voucher %s: %w", v.Code, vouchers.ErrCodeTaken)
			}
		}
		id := []byte(o.ID)
		newIndex := orderIndexKey(o)
		if raw := b.orders().Get(id); raw != nil {
			prev, err := decode[vouchers.Order]("order", id, raw)
			if err != nil {
				return err
			}
			if old := orderIndexKey(prev); !bytes.Equal(old, newIndex) {
				if err := b.orderIndex().Delete(old); err != nil {
					return fmt.Errorf("unindex order %s: %w", o.ID, err)
				}
			}
		}
		if err := put(b.orders(), "order", id, o); err != nil {
			return err
		}
		if err := b.orderIndex().Put(newIndex, []byte{}); err != nil {
			return fmt.Errorf("index order %s: %w", o.ID, err)
		}
		for _, v := range vs {
			if err := put(b.vouchers(), "voucher", []byte(v.Code), v); err != nil {
				return err
			}
		}
		return nil
	})
}

// PutVouchers overwrites stored vouchers (a status change: used,
// expired), in one transaction shared with concurrent writers.
//
// Returns vouchers.ErrVoucherNotFound (and writes nothing) if a code is
// not stored, ErrInvalidChange for an empty code, ErrClosed or the
// context's error; all wrapped.
func (db *DB) PutVouchers(ctx context.Context, vs []vouchers.Voucher) error {
	if len(vs) == 0 {
		return nil
	}
	for _, v := range vs {
		if v.Code == "" {
			return fmt.Errorf("store: put vouchers: %w: voucher without code", ErrInvalidChange)
		}
	}
	return db.writeVouchers(ctx, "put vouchers", func(b *buckets) error {
		for _, v := range vs {
			if b.vouchers().Get([]byte(v.Code)) == nil {
				return fmt.Errorf("voucher %s: %w", v.Code, vouchers.ErrVoucherNotFound)
			}
			if err := put(b.vouchers(), "voucher", []byte(v.Code), v); err != nil {
				return err
			}
		}
		return nil
	})
}

// Order returns the voucher order with the ID. Returns
// vouchers.ErrOrderNotFound (which also matches ErrNotFound), ErrCorrupt,
// ErrClosed or the context's error, wrapped.
func (db *DB) Order(ctx context.Context, id string) (vouchers.Order, error) {
	var o vouchers.Order
	err := db.view(ctx, "order", func(b *buckets) error {
		var err error
		o, err = b.order(id)
		return err
	})
	return o, err
}

// OrdersOf returns the orders indexed under the city, address key
// (vouchers.Address.Key) and year, cancelled ones included, by ID.
// Returns ErrCorrupt (an index entry without its order), ErrClosed or the
// context's error, wrapped.
func (db *DB) OrdersOf(ctx context.Context, city, addressKey string, year int) ([]vouchers.Order, error) {
	prefix := indexPrefix(city, addressKey, year)
	var out []vouchers.Order
	err := db.view(ctx, "orders of address", func(b *buckets) error {
		c := b.orderIndex().Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			id := string(k[len(prefix):])
			o, err := b.order(id)
			if err != nil {
				return fmt.Errorf("%w: order index %s: %w", ErrCorrupt, showKey(k), err)
			}
			out = append(out, o)
		}
		return nil
	})
	return out, err
}

// Voucher returns the voucher with the code, as stored. Returns
// vouchers.ErrVoucherNotFound (which also matches ErrNotFound), ErrCorrupt,
// ErrClosed or the context's error, wrapped.
func (db *DB) Voucher(ctx context.Context, code string) (vouchers.Voucher, error) {
	var v vouchers.Voucher
	err := db.view(ctx, "voucher", func(b *buckets) error {
		var err error
		v, err = b.voucher(code)
		return err
	})
	return v, err
}

// VouchersOf returns the vouchers of the order, in the order of its Codes.
// Returns vouchers.ErrOrderNotFound, ErrCorrupt (a code of the order not
// stored), ErrClosed or the context's error, wrapped.
func (db *DB) VouchersOf(ctx context.Context, orderID string) ([]vouchers.Voucher, error) {
	var out []vouchers.Voucher
	err := db.view(ctx, "vouchers of order", func(b *buckets) error {
		o, err := b.order(orderID)
		if err != nil {
			return err
		}
		out = make([]vouchers.Voucher, 0, len(o.Codes))
		for _, code := range o.Codes {
			v, err := b.voucher(code)
			if err != nil {
				return fmt.Errorf("%w: order %s: %w", ErrCorrupt, orderID, err)
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

func (b *buckets) order(id string) (vouchers.Order, error) {
	key := []byte(id)
	raw := b.orders().Get(key)
	if raw == nil {
		return vouchers.Order{}, fmt.Errorf("order %q: %w: %w", id, vouchers.ErrOrderNotFound, ErrNotFound)
	}
	return decode[vouchers.Order]("order", key, raw)
}

func (b *buckets) voucher(code string) (vouchers.Voucher, error) {
	key := []byte(code)
	raw := b.vouchers().Get(key)
	if raw == nil {
		return vouchers.Voucher{}, fmt.Errorf("voucher %q: %w: %w", code, vouchers.ErrVoucherNotFound, ErrNotFound)
	}
	return decode[vouchers.Voucher]("voucher", key, raw)
}

// checkOrder returns ErrInvalidChange for an order the store cannot key.
func checkOrder(o vouchers.Order) error {
	switch {
	case o.ID == "":
		return fmt.Errorf("%w: order without ID", ErrInvalidChange)
	case strings.ContainsRune(o.City, 0) || strings.ContainsRune(o.Address.Key(), 0):
		return fmt.Errorf("%w: order %s: NUL in city or address", ErrInvalidChange, o.ID)
	case o.Year < 1 || o.Year > 9999:
		return fmt.Errorf("%w: order %s: year %d", ErrInvalidChange, o.ID, o.Year)
	}
	return nil
}

// indexPrefix is the order index's prefix of one address's year.
func indexPrefix(city, addressKey string, year int) []byte {
	return fmt.Appendf(nil, "%s\x00%s\x00%04d\x00", city, addressKey, year)
}

// orderIndexKey is o's key in the order index.
func orderIndexKey(o vouchers.Order) []byte {
	city, key, year := o.IndexKey()
	return append(indexPrefix(city, key, year), o.ID...)
}

// writeVouchers runs fn in a read-write transaction shared with concurrent
// callers (bbolt's Batch: fn may run more than once and must be
// idempotent). Returns the context's error, ErrClosed, or fn's error; all
// wrapped with op.
func (db *DB) writeVouchers(ctx context.Context, op string, fn func(*buckets) error) error {
	if err := db.usable(ctx); err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	err := db.bolt.Batch(withBuckets(fn))
	if err != nil {
		return fmt.Errorf("store: %s: %w", op, txErr(err))
	}
	return nil
}
