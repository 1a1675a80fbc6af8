package storetest

import (
	"context"
	"testing"
	"time"

	"smspark/daycards"
	"smspark/permits"
	"smspark/vouchers"
)

func runVouchers(t *testing.T, open func(t *testing.T) Stores) {
	ctx := context.Background()
	db := open(t).Vouchers
	_, err := db.Order(ctx, "ONOSUCH")
	wantErr(t, "an unknown order", err, vouchers.ErrOrderNotFound)
	_, err = db.Voucher(ctx, "BLANOSUCH")
	wantErr(t, "an unknown voucher", err, vouchers.ErrVoucherNotFound)
	_, err = db.VouchersOf(ctx, "ONOSUCH")
	wantErr(t, "the vouchers of an unknown order", err, vouchers.ErrOrderNotFound)

	o := vouchers.Order{ID: "O1", City: "Brussels", Type: "BLA", Citizen: "J. Peeters",
		Address: vouchers.Address{Street: "Kerkstraat", Number: "12"}, Year: 2026, Zone: "1021",
		Duration: 2 * time.Hour, Quantity: 2, Status: vouchers.OrderPaid, Created: t0,
		Codes: []string{"BLAAAAAAAA2", "BLAAAAAAAA3"}}
	vs := []vouchers.Voucher{
		{Code: "BLAAAAAAAA2", Type: "BLA", City: "Brussels", Order: "O1", Zone: "1021", Duration: 2 * time.Hour, Issued: t0, Status: vouchers.StatusAvailable},
		{Code: "BLAAAAAAAA3", Type: "BLA", City: "Brussels", Order: "O1", Zone: "1021", Duration: 2 * time.Hour, Issued: t0, Status: vouchers.StatusAvailable},
	}
	must(t, db.PutOrder(ctx, o, vs))
	got, err := db.Order(ctx, "O1")
	must(t, err)
	if got.Citizen != o.Citizen || got.Status != vouchers.OrderPaid || len(got.Codes) != 2 {
		t.Fatalf("order %+v", got)
	}
	v, err := db.Voucher(ctx, "BLAAAAAAAA3")
	must(t, err)
	if v.Order != "O1" || v.Zone != "1021" || v.Duration != 2*time.Hour || v.Status != vouchers.StatusAvailable {
		t.Fatalf("voucher %+v", v)
	}
	of, err := db.VouchersOf(ctx, "O1")
	must(t, err)
	if len(of) != 2 || of[0].Code != "BLAAAAAAAA2" || of[1].Code != "BLAAAAAAAA3" {
		t.Fatalf("vouchers of O1, in the order of its codes: %+v", of)
	}
	city, key, year := o.IndexKey()
	orders, err := db.OrdersOf(ctx, city, key, year)
	must(t, err)
	wantIDs(t, "orders of the address", orders, func(o vouchers.Order) string { return o.ID }, "O1")
	orders, err = db.OrdersOf(ctx, city, key, year+1)
	must(t, err)
	wantIDs(t, "orders of the address next year", orders, func(o vouchers.Order) string { return o.ID })

	// A taken code: ErrCodeTaken, and nothing of the order is written.
	o2 := o
	o2.ID, o2.Codes = "O2", []string{"BLAAAAAAAA4", "BLAAAAAAAA2"}
	taken := []vouchers.Voucher{vs[0], vs[1]}
	taken[0].Code, taken[0].Order, taken[1].Order = "BLAAAAAAAA4", "O2", "O2"
	taken[1].Code = "BLAAAAAAAA2"
	wantErr(t, "an order reusing a code", db.PutOrder(ctx, o2, taken), vouchers.ErrCodeTaken)
	_, err = db.Order(ctx, "O2")
	wantErr(t, "the refused order", err, vouchers.ErrOrderNotFound)
	_, err = db.Voucher(ctx, "BLAAAAAAAA4")
	wantErr(t, "the refused order's new voucher", err, vouchers.ErrVoucherNotFound)
}

func permitID(p permits.Permit) string { return p.ID }

func runPermits(t *testing.T, open func(t *testing.T) Stores) {
	ctx := context.Background()
	db := open(t).Permits
	_, err := db.Permit(ctx, "PNOSUCH")
	wantErr(t, "an unknown permit", err, permits.ErrPermitNotFound)
	p1 := permits.Permit{ID: "P1", Type: "R", City: "Brussels", Zones: []string{"1021"}, Plates: []string{"1ABC123"},
		From: t0, Until: t0.AddDate(1, 0, 0), Status: permits.StatusActive, Created: t0}
	p2 := permits.Permit{ID: "P2", Type: "R", City: "Brussels", Zones: []string{"1021"}, Plates: []string{"1XYZ789"},
		From: t0.AddDate(-1, 0, 0), Until: t0.AddDate(0, 0, -1), Status: permits.StatusExpired, Created: t0}
	must(t, db.PutPermits(ctx, p1, p2))
	got, err := db.Permit(ctx, "P1")
	must(t, err)
	if got.Status != permits.StatusActive || len(got.Plates) != 1 || !got.Until.Equal(p1.Until) {
		t.Fatalf("permit %+v", got)
	}
	after, err := db.PermitsEndingAfter(ctx, t0)
	must(t, err)
	wantIDs(t, "permits ending after now", after, permitID, "P1")
	of, err := db.PermitsOfPlate(ctx, "1XYZ789")
	must(t, err)
	wantIDs(t, "permits of 1XYZ789", of, permitID, "P2")

	// A plate change: the permit is found under both plates.
	p1.Plates = []string{"2DEF456"}
	p1.Changes = []permits.PlateChange{{Old: "1ABC123", New: "2DEF456", From: t0.Add(time.Hour)}}
	must(t, db.PutPermits(ctx, p1))
	for _, plate := range []string{"1ABC123", "2DEF456"} {
		of, err := db.PermitsOfPlate(ctx, plate)
		must(t, err)
		wantIDs(t, "permits of "+plate, of, permitID, "P1")
	}
}

func cardID(c daycards.Card) string { return c.ID }

func runDayCards(t *testing.T, open func(t *testing.T) Stores) {
	ctx := context.Background()
	db := open(t).DayCards
	_, err := db.Card(ctx, "DNOSUCH")
	wantErr(t, "an unknown card", err, daycards.ErrCardNotFound)
	c1 := daycards.Card{ID: "D1", Number: "+32475000001", City: "Brussels", Zone: "1021", Days: 5,
		DayPriceCents: 750, PriceCents: 3750, Status: daycards.StatusPaid, Created: t0,
		Uses: []daycards.Use{{Date: "2026-11-23", Plate: "1ABC123", Spent: t0}}}
	c2 := daycards.Card{ID: "D2", Number: "+32475000001", City: "Brussels", Zone: "1021", Days: 5,
		DayPriceCents: 750, PriceCents: 3750, Status: daycards.StatusPaid, Created: t0,
		Uses: []daycards.Use{{Date: "2026-11-20", Plate: "1ABC123", Spent: t0}, {Date: "2026-11-24", Plate: "1ABC123", Spent: t0, Cancelled: t0}}}
	c3 := daycards.Card{ID: "D3", Number: "+32475000002", City: "Brussels", Zone: "1021", Days: 1,
		DayPriceCents: 750, PriceCents: 750, Status: daycards.StatusAwaitingPayment, Created: t0}
	for _, c := range []daycards.Card{c1, c2, c3} {
		must(t, db.PutCard(ctx, c))
	}
	got, err := db.Card(ctx, "D1")
	must(t, err)
	if got.Days != 5 || got.PriceCents != 3750 || len(got.Uses) != 1 || got.Uses[0].Plate != "1ABC123" {
		t.Fatalf("card %+v", got)
	}
	of, err := db.CardsOf(ctx, "+32475000001")
	must(t, err)
	wantIDs(t, "cards of the number", of, cardID, "D1", "D2")
	used, err := db.CardsUsedFrom(ctx, "2026-11-21")
	must(t, err)
	wantIDs(t, "cards used from the 21st (a cancelled day does not count)", used, cardID, "D1")
}
