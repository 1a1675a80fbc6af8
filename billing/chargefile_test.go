package billing_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"time"

	"smspark/billing"
	"smspark/sessions"
)

func TestChargeFile(t *testing.T) {
	loc := brussels(t)
	easy := func(id uint64, op, start, end string, cost int64) sessions.Session {
		s := sessions.Session{
			ID: id, Number: "+32470000001", Operator: op, Plate: "1ABC123", Zone: "1021",
			City: "Brussels", Channel: sessions.ChannelSMS, Start: at(loc, start), CostCents: cost,
		}
		if end != "" {
			s.End = at(loc, end)
		}
		return s
	}
	withAccount := easy(7, "proximus", "2026-10-25 10:00", "2026-10-25 11:00", 250)
	withAccount.Account = "P-000123"
	// 2026-10-25 is the autumn DST day: 25 hours, 00:00 +02:00 to 00:00 +01:00.
	ss := []sessions.Session{
		easy(1, "proximus", "2026-10-25 10:00", "2026-10-25 11:08", 283),
		easy(2, "proximus", "2026-10-24 23:00", "2026-10-25 00:00", 50),  // first instant of the day
		easy(3, "proximus", "2026-10-25 22:00", "2026-10-25 23:59", 120), // last minute of the day
		easy(4, "proximus", "2026-10-25 23:00", "2026-10-26 00:00", 60),  // next day
		easy(5, "proximus", "2026-10-24 10:00", "2026-10-24 11:00", 250), // day before
		easy(6, "orange", "2026-10-25 10:00", "2026-10-25 11:00", 250),   // other operator
		withAccount,
		easy(8, "proximus", "2026-10-25 10:00", "2026-10-25 11:00", 0), // free first use
		easy(9, "proximus", "2026-10-25 10:00", "", 0),                 // running
		easy(10, "proximus", "2026-10-25 09:00", "2026-10-25 11:08", 283),
	}
	tests := []struct {
		name     string
		operator string
		day      time.Time
		ids      []uint64
		total    int64
	}{
		{"DST day, noon", "proximus", at(loc, "2026-10-25 12:00"), []uint64{2, 1, 10, 3}, 736},
		{"DST day, given in UTC", "proximus", at(loc, "2026-10-25 23:30").UTC(), []uint64{2, 1, 10, 3}, 736},
		{"day before", "proximus", at(loc, "2026-10-24 00:00"), []uint64{5}, 250},
		{"next day", "proximus", at(loc, "2026-10-26 08:00"), []uint64{4}, 60},
		{"orange", "orange", at(loc, "2026-10-25 12:00"), []uint64{6}, 250},
		{"base has nothing", "base", at(loc, "2026-10-25 12:00"), nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cf, err := billing.NewChargeFile(tt.operator, tt.day, ss, loc)
			if err != nil {
				t.Fatal(err)
			}
			var ids []uint64
			for _, c := range cf.Charges {
				ids = append(ids, c.SessionID)
			}
			if !slices.Equal(ids, tt.ids) || cf.TotalCents != tt.total {
				t.Errorf("charges %v total %d, want %v %d", ids, cf.TotalCents, tt.ids, tt.total)
			}
		})
	}

	cf, err := billing.NewChargeFile("proximus", at(loc, "2026-10-25 12:00"), ss, loc)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := cf.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	want := `number,session_id,start,end,amount
+32470000001,2,2026-10-24T23:00:00+02:00,2026-10-25T00:00:00+02:00,0.50
+32470000001,1,2026-10-25T10:00:00+01:00,2026-10-25T11:08:00+01:00,2.83
+32470000001,10,2026-10-25T09:00:00+01:00,2026-10-25T11:08:00+01:00,2.83
+32470000001,3,2026-10-25T22:00:00+01:00,2026-10-25T23:59:00+01:00,1.20
`
	if b.String() != want {
		t.Errorf("charge file:\n%s\nwant:\n%s", b.String(), want)
	}
	if cf.Day != "2026-10-25" || cf.Operator != "proximus" {
		t.Errorf("day %s operator %s", cf.Day, cf.Operator)
	}

	if _, err := billing.NewChargeFile("proximus", at(loc, "2026-10-25 12:00"), ss, nil); !errors.Is(err, billing.ErrNoLocation) {
		t.Errorf("nil loc: %v", err)
	}
}
