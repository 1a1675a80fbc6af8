package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"smspark/vouchers"
)

var _ vouchers.Store = (*DB)(nil)

// PutOrder stores the order (creating or replacing it) and its new
// vouchers in one transaction. Returns an error wrapping
// vouchers.ErrCodeTaken if a voucher's code exists (the primary key
// refuses it) or is given twice, ErrInvalidChange for an order without ID,
// a bad year or a voucher of another order; nothing is written then.
func (db *DB) PutOrder(ctx context.Context, o vouchers.Order, vs []vouchers.Voucher) error {
	if err := checkOrder(o, vs); err != nil {
		return fmt.Errorf("postgres: put order: %w", err)
	}
	city, key, year := o.IndexKey()
	return db.write(ctx, "put order "+o.ID, func(tx pgx.Tx) error {
		raw, err := encode("order", o)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO orders (id, city, address_key, year, doc) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (id) DO UPDATE SET city = EXCLUDED.city, address_key = EXCLUDED.address_key,
			year = EXCLUDED.year, doc = EXCLUDED.doc`, o.ID, city, key, year, raw); err != nil {
			return err
		}
		for _, v := range vs {
			raw, err := encode("voucher", v)
			if err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `INSERT INTO vouchers (code, order_id, doc) VALUES ($1, $2, $3)`, v.Code, v.Order, raw)
			if isUnique(err) {
				return fmt.Errorf("voucher %s: %w", v.Code, vouchers.ErrCodeTaken)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

func checkOrder(o vouchers.Order, vs []vouchers.Voucher) error {
	switch {
	case o.ID == "":
		return fmt.Errorf("%w: order without ID", ErrInvalidChange)
	case strings.ContainsRune(o.City, 0) || strings.ContainsRune(o.Address.Key(), 0):
		return fmt.Errorf("%w: order %s: NUL in city or address", ErrInvalidChange, o.ID)
	case o.Year < 1 || o.Year > 9999:
		return fmt.Errorf("%w: order %s: year %d", ErrInvalidChange, o.ID, o.Year)
	}
	seen := make(map[string]bool, len(vs))
	for _, v := range vs {
		switch {
		case v.Code == "":
			return fmt.Errorf("order %s: %w: voucher without code", o.ID, ErrInvalidChange)
		case v.Order != o.ID:
			return fmt.Errorf("order %s: %w: voucher %s is of order %q", o.ID, ErrInvalidChange, v.Code, v.Order)
		case seen[v.Code]:
			return fmt.Errorf("order %s: voucher %s given twice: %w", o.ID, v.Code, vouchers.ErrCodeTaken)
		}
		seen[v.Code] = true
	}
	return nil
}

// PutVouchers replaces existing vouchers (a status change) in one
// transaction. Returns an error wrapping vouchers.ErrVoucherNotFound if
// one does not exist, ErrInvalidChange for one without code; nothing is
// written then.
func (db *DB) PutVouchers(ctx context.Context, vs []vouchers.Voucher) error {
	for _, v := range vs {
		if v.Code == "" {
			return fmt.Errorf("postgres: put vouchers: %w: voucher without code", ErrInvalidChange)
		}
	}
	if len(vs) == 0 {
		return nil
	}
	return db.write(ctx, "put vouchers", func(tx pgx.Tx) error {
		for _, v := range vs {
			raw, err := encode("voucher", v)
			if err != nil {
				return err
			}
			tag, err := tx.Exec(ctx, `UPDATE vouchers SET order_id = $2, doc = $3 WHERE code = $1`, v.Code, v.Order, raw)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return fmt.Errorf("voucher %s: %w", v.Code, vouchers.ErrVoucherNotFound)
			}
		}
		return nil
	})
}

// Order returns the order with the ID, or an error wrapping
// vouchers.ErrOrderNotFound.
func (db *DB) Order(ctx context.Context, id string) (vouchers.Order, error) {
	var o vouchers.Order
	err := db.read(ctx, "order", func(q querier) error {
		var err error
		o, err = one[vouchers.Order](ctx, q, "order", vouchers.ErrOrderNotFound, `SELECT doc FROM orders WHERE id = $1`, id)
		return err
	})
	return o, err
}

// OrdersOf returns the orders of an address in a year, by ID.
func (db *DB) OrdersOf(ctx context.Context, city, addressKey string, year int) ([]vouchers.Order, error) {
	var out []vouchers.Order
	err := db.read(ctx, "orders of address", func(q querier) error {
		var err error
		out, err = all[vouchers.Order](ctx, q, "order", `SELECT doc FROM orders
			WHERE city = $1 AND address_key = $2 AND year = $3 ORDER BY id`, city, addressKey, year)
		return err
	})
	return out, err
}

// Voucher returns the voucher with the code, or an error wrapping
// vouchers.ErrVoucherNotFound.
func (db *DB) Voucher(ctx context.Context, code string) (vouchers.Voucher, error) {
	var v vouchers.Voucher
	err := db.read(ctx, "voucher", func(q querier) error {
		var err error
		v, err = one[vouchers.Voucher](ctx, q, "voucher", vouchers.ErrVoucherNotFound, `SELECT doc FROM vouchers WHERE code = $1`, code)
		return err
	})
	return v, err
}

// VouchersOf returns the vouchers of an order in the order of its codes,
// or an error wrapping vouchers.ErrOrderNotFound.
func (db *DB) VouchersOf(ctx context.Context, orderID string) ([]vouchers.Voucher, error) {
	var out []vouchers.Voucher
	err := db.read(ctx, "vouchers of order", func(q querier) error {
		o, err := one[vouchers.Order](ctx, q, "order", vouchers.ErrOrderNotFound, `SELECT doc FROM orders WHERE id = $1`, orderID)
		if err != nil {
			return err
		}
		vs, err := all[vouchers.Voucher](ctx, q, "voucher", `SELECT doc FROM vouchers WHERE code = ANY($1)`, o.Codes)
		if err != nil {
			return err
		}
		byCode := make(map[string]vouchers.Voucher, len(vs))
		for _, v := range vs {
			byCode[v.Code] = v
		}
		out = make([]vouchers.Voucher, 0, len(o.Codes))
		for _, c := range o.Codes {
			v, ok := byCode[c]
			if !ok {
				return fmt.Errorf("%w: order %s: voucher %s missing", ErrCorrupt, orderID, c)
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}
