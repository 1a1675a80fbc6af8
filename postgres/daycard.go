package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"smspark/daycards"
)

var _ daycards.Store = (*DB)(nil)

// PutCard stores the card (creating or replacing it), indexed by owner
// and by the days it is used (not cancelled). Returns ErrInvalidChange for
// a card without ID or number, or with a bad date.
func (db *DB) PutCard(ctx context.Context, c daycards.Card) error {
	if err := checkCard(c); err != nil {
		return fmt.Errorf("postgres: put day card: %w", err)
	}
	days := []string{}
	for _, u := range c.Uses {
		if u.Cancelled.IsZero() && !slices.Contains(days, u.Date) {
			days = append(days, u.Date)
		}
	}
	return db.write(ctx, "put day card "+c.ID, func(tx pgx.Tx) error {
		raw, err := encode("day card", c)
		if err != nil {
			return err
		}
		b := &pgx.Batch{}
		b.Queue(`INSERT INTO day_cards (id, number, doc) VALUES ($1, $2, $3) ON CONFLICT (id)
			DO UPDATE SET number = EXCLUDED.number, doc = EXCLUDED.doc`, c.ID, c.Number, raw)
		b.Queue(`DELETE FROM day_card_days WHERE card_id = $1`, c.ID)
		b.Queue(`INSERT INTO day_card_days (day, card_id) SELECT d, $1 FROM unnest($2::text[]) AS d`, c.ID, days)
		return tx.SendBatch(ctx, b).Close()
	})
}

// Card returns the card with the ID, or an error wrapping
// daycards.ErrCardNotFound.
func (db *DB) Card(ctx context.Context, id string) (daycards.Card, error) {
	var c daycards.Card
	err := db.read(ctx, "day card", func(q querier) error {
		var err error
		c, err = one[daycards.Card](ctx, q, "day card", daycards.ErrCardNotFound, `SELECT doc FROM day_cards WHERE id = $1`, id)
		return err
	})
	return c, err
}

// CardsOf returns the cards of the number, by ID.
func (db *DB) CardsOf(ctx context.Context, number string) ([]daycards.Card, error) {
	var out []daycards.Card
	err := db.read(ctx, "day cards of number", func(q querier) error {
		var err error
		out, err = all[daycards.Card](ctx, q, "day card", `SELECT doc FROM day_cards WHERE number = $1 ORDER BY id`, number)
		return err
	})
	return out, err
}

// CardsUsedFrom returns the cards used (not cancelled) on a day at or
// after date (YYYY-MM-DD), each once, in the order of its first such day.
func (db *DB) CardsUsedFrom(ctx context.Context, date string) ([]daycards.Card, error) {
	var out []daycards.Card
	err := db.read(ctx, "day cards used from", func(q querier) error {
		var err error
		out, err = all[daycards.Card](ctx, q, "day card", `SELECT c.doc FROM day_cards c
			JOIN (SELECT card_id, min(day) AS first FROM day_card_days WHERE day >= $1 GROUP BY card_id) u
			ON u.card_id = c.id ORDER BY u.first, c.id`, date)
		return err
	})
	return out, err
}

func checkCard(c daycards.Card) error {
	switch {
	case c.ID == "" || strings.ContainsRune(c.ID, 0):
		return fmt.Errorf("%w: day card without ID", ErrInvalidChange)
	case c.Number == "" || strings.ContainsRune(c.Number, 0):
		return fmt.Errorf("%w: day card %s: number %q", ErrInvalidChange, c.ID, c.Number)
	}
	for _, u := range c.Uses {
		if _, err := time.Parse(time.DateOnly, u.Date); err != nil || len(u.Date) != len(time.DateOnly) {
			return fmt.Errorf("%w: day card %s: date %q", ErrInvalidChange, c.ID, u.Date)
		}
	}
	return nil
}
