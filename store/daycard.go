package store

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"smspark/daycards"
)

// Day cards (schema v6): "daycards" maps a card ID to its card;
// "daycard_owners" holds one empty-valued key per card, number NUL ID;
// "daycard_days" one per day spent and not cancelled, date (YYYY-MM-DD)
// NUL ID, so that the cards with days from a date on are one range scan.

// The store keeps what the day card service needs.
var _ daycards.Store = (*DB)(nil)

// PutCard writes the day card (new or changed) and moves its index
// entries, in one transaction shared with concurrent writers (bbolt's
// Batch); nothing is written if anything fails.
//
// Returns ErrInvalidChange for a card the store cannot key (empty ID or
// number, a NUL in them, a day not YYYY-MM-DD), ErrCorrupt if the stored
// card is undecodable, ErrClosed or the context's error; all wrapped.
func (db *DB) PutCard(ctx context.Context, c daycards.Card) error {
	if err := checkCard(c); err != nil {
		return fmt.Errorf("store: put day card: %w", err)
	}
	return db.writeVouchers(ctx, "put day card "+c.ID, func(b *buckets) error {
		id := []byte(c.ID)
		if raw := b.dayCards().Get(id); raw != nil {
			prev, err := decode[daycards.Card]("day card", id, raw)
			if err != nil {
				return err
			}
			if err := b.dayCardOwners().Delete(plateKey(prev.Number, prev.ID)); err != nil {
				return fmt.Errorf("unindex day card %s: %w", c.ID, err)
			}
			for _, k := range cardDayKeys(prev) {
				if err := b.dayCardDays().Delete(k); err != nil {
					return fmt.Errorf("unindex day card %s: %w", c.ID, err)
				}
			}
		}
		if err := put(b.dayCards(), "day card", id, c); err != nil {
			return err
		}
		if err := b.dayCardOwners().Put(plateKey(c.Number, c.ID), []byte{}); err != nil {
			return fmt.Errorf("index day card %s: %w", c.ID, err)
		}
		for _, k := range cardDayKeys(c) {
			if err := b.dayCardDays().Put(k, []byte{}); err != nil {
				return fmt.Errorf("index day card %s: %w", c.ID, err)
			}
		}
		return nil
	})
}

// Card returns the day card with the ID. Returns daycards.ErrCardNotFound
// (which also matches ErrNotFound), ErrCorrupt, ErrClosed or the context's
// error, wrapped.
func (db *DB) Card(ctx context.Context, id string) (daycards.Card, error) {
	var c daycards.Card
	err := db.view(ctx, "day card", func(b *buckets) error {
		var err error
		c, err = b.dayCard(id)
		return err
	})
	return c, err
}

// CardsOf returns the day cards of a number, by ID. Returns ErrCorrupt (an
// index entry without its card), ErrClosed or the context's error,
// wrapped.
func (db *DB) CardsOf(ctx context.Context, number string) ([]daycards.Card, error) {
	var out []daycards.Card
	prefix := append([]byte(number), 0)
	err := db.view(ctx, "day cards of number", func(b *buckets) error {
		c := b.dayCardOwners().Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			card, err := b.dayCard(string(k[len(prefix):]))
			if err != nil {
				return fmt.Errorf("%w: day card owner index %s: %w", ErrCorrupt, showKey(k), err)
			}
			out = append(out, card)
		}
		return nil
	})
	return out, err
}

// CardsUsedFrom returns the day cards with a day spent, not cancelled, on
// date (YYYY-MM-DD) or later, each once, by first such date. Returns
// ErrCorrupt (an index entry without its card), ErrClosed or the context's
// error, wrapped.
func (db *DB) CardsUsedFrom(ctx context.Context, date string) ([]daycards.Card, error) {
	var out []daycards.Card
	err := db.view(ctx, "day cards used from", func(b *buckets) error {
		seen := map[string]bool{}
		c := b.dayCardDays().Cursor()
		for k, _ := c.Seek([]byte(date)); k != nil; k, _ = c.Next() {
			i := bytes.IndexByte(k, 0)
			if i < 0 {
				return fmt.Errorf("%w: day card day index key %s", ErrCorrupt, showKey(k))
			}
			id := string(k[i+1:])
			if seen[id] {
				continue
			}
			seen[id] = true
			card, err := b.dayCard(id)
			if err != nil {
				return fmt.Errorf("%w: day card day index %s: %w", ErrCorrupt, showKey(k), err)
			}
			out = append(out, card)
		}
		return nil
	})
	return out, err
}

func (b *buckets) dayCard(id string) (daycards.Card, error) {
	key := []byte(id)
	raw := b.dayCards().Get(key)
	if raw == nil {
		return daycards.Card{}, fmt.Errorf("day card %q: %w: %w", id, daycards.ErrCardNotFound, ErrNotFound)
	}
	return decode[daycards.Card]("day card", key, raw)
}

// checkCard returns ErrInvalidChange for a card the store cannot key.
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

// cardDayKeys are c's keys in the day index: its days not cancelled.
func cardDayKeys(c daycards.Card) [][]byte {
	var out [][]byte
	for _, u := range c.Uses {
		if u.Cancelled.IsZero() {
			out = append(out, plateKey(u.Date, c.ID))
		}
	}
	return out
}
