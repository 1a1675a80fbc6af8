package store_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"smspark/payments"
	"testing"
	"time"

	"smspark/billing"
	"smspark/daycards"
	"smspark/store"
)

// testCard returns a paid card of 5 days of zone 3000.
func testCard(id, number string, uses ...daycards.Use) daycards.Card {
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, pmLoc).UTC()
	return daycards.Card{
		ID: id, Number: number, City: "Leuven", Zone: "3000", ZoneName: "Centrum", Days: 5, DayPriceCents: 800,
		PriceCents: 4000, Status: daycards.StatusPaid, Created: at, PaidAt: at,
		Payment:       payments.Payment{Reference: "pay-1", Method: "card", Attempts: 1, LastResult: payments.ResultPaid},
		Communication: billing.StructuredFor("daycard|" + id), Uses: uses,
	}
}

func cardIDs(cs []daycards.Card) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func TestDayCardRoundTrip(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	spent := time.Date(2026, 11, 23, 10, 0, 0, 0, pmLoc).UTC()
	a := testCard("DAAAAAAAAAA", "+32475000001",
		daycards.Use{Date: "2026-11-24", Plate: "1ABC123", Spent: spent},
		daycards.Use{Date: "2026-11-30", Plate: "1ABC123", Spent: spent})
	b := testCard("DBBBBBBBBBB", "+32475000001", daycards.Use{Date: "2026-11-26", Plate: "2XYZ999", Spent: spent})
	c := testCard("DCCCCCCCCCC", "+32475000002")
	for _, card := range []daycards.Card{a, b, c} {
		if err := db.PutCard(ctx, card); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.Card(ctx, a.ID)
	if err != nil || !reflect.DeepEqual(got, a) {
		t.Fatalf("Card = %+v, %v; want %+v", got, err, a)
	}
	if _, err := db.Card(ctx, "DNOPE"); !errors.Is(err, daycards.ErrCardNotFound) || !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Card of an unknown ID: %v", err)
	}
	owners := []struct {
		number string
		want   []string
	}{
		{"+32475000001", []string{a.ID, b.ID}},
		{"+32475000002", []string{c.ID}},
		{"+3247500000", []string{}},
	}
	for _, tt := range owners {
		t.Run("cards of "+tt.number, func(t *testing.T) {
			cs, err := db.CardsOf(ctx, tt.number)
			if err != nil || !slices.Equal(cardIDs(cs), tt.want) {
				t.Fatalf("CardsOf = %v, %v; want %v", cardIDs(cs), err, tt.want)
			}
		})
	}

	// Cancelling a's last day moves it out of the days index from the
	// 25th.
	a.Uses[1].Cancelled = spent
	if err := db.PutCard(ctx, a); err != nil {
		t.Fatal(err)
	}
	from := []struct {
		date string
		want []string
	}{
		{"2026-11-01", []string{a.ID, b.ID}},
		{"2026-11-24", []string{a.ID, b.ID}},
		{"2026-11-25", []string{b.ID}},
		{"2026-11-27", []string{}},
	}
	for _, tt := range from {
		t.Run("used from "+tt.date, func(t *testing.T) {
			cs, err := db.CardsUsedFrom(ctx, tt.date)
			if err != nil || !slices.Equal(cardIDs(cs), tt.want) {
				t.Fatalf("CardsUsedFrom = %v, %v; want %v", cardIDs(cs), err, tt.want)
			}
		})
	}
}

func TestPutCardInvalid(t *testing.T) {
	db := MustOpen(t)
	tests := []struct {
		name string
		card daycards.Card
	}{
		{"no ID", testCard("", "+32475000001")},
		{"no number", testCard("DAAAAAAAAAA", "")},
		{"bad date", testCard("DAAAAAAAAAA", "+32475000001", daycards.Use{Date: "24/11/2026", Plate: "1ABC123"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := db.PutCard(context.Background(), tt.card); !errors.Is(err, store.ErrInvalidChange) {
				t.Fatalf("PutCard: %v, want ErrInvalidChange", err)
			}
		})
	}
}
