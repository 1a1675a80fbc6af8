package vouchers_test

import (
	"errors"
	"testing"
	"time"

	"smspark/vouchers"
)

func TestStatusAtAndActivate(t *testing.T) {
	issued := time.Date(2022, 8, 10, 15, 39, 52, 0, brussels)
	v := vouchers.Voucher{
		Code: "BLA6JKPMWQR", Type: "BLA", City: "Blankenberge", Order: "O23456789AB", Zone: "8371",
		Duration: 12 * time.Hour, Issued: issued, Expires: issued.AddDate(1, 0, 0), Status: vouchers.StatusAvailable,
	}
	used := v
	used.Status, used.Plate, used.Session, used.UsedAt = vouchers.StatusUsed, "1ABC123", 7, issued.Add(time.Hour)

	for _, tc := range []struct {
		name       string
		v          vouchers.Voucher
		at         time.Time
		plate      string
		wantStatus vouchers.Status
		wantErr    error
	}{
		{"fresh", v, issued, "1ABC123", vouchers.StatusAvailable, nil},
		{"a second before expiry", v, v.Expires.Add(-time.Second), "1ABC123", vouchers.StatusAvailable, nil},
		{"at expiry", v, v.Expires, "1ABC123", vouchers.StatusExpired, vouchers.ErrExpired},
		{"after expiry", v, v.Expires.AddDate(0, 1, 0), "1ABC123", vouchers.StatusExpired, vouchers.ErrExpired},
		{"used", used, issued.Add(2 * time.Hour), "2XYZ999", vouchers.StatusUsed, vouchers.ErrUsed},
		{"used, after expiry", used, v.Expires.Add(time.Hour), "2XYZ999", vouchers.StatusUsed, vouchers.ErrUsed},
		{"stored expired", func() vouchers.Voucher { x := v; x.Status = vouchers.StatusExpired; return x }(),
			issued, "1ABC123", vouchers.StatusExpired, vouchers.ErrExpired},
		{"no expiry", func() vouchers.Voucher { x := v; x.Expires = time.Time{}; return x }(),
			issued.AddDate(50, 0, 0), "1ABC123", vouchers.StatusAvailable, nil},
		{"no plate", v, issued, "", vouchers.StatusAvailable, vouchers.ErrNoPlate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.v.StatusAt(tc.at); got != tc.wantStatus {
				t.Errorf("StatusAt = %s, want %s", got, tc.wantStatus)
			}
			got, err := tc.v.Activate(tc.plate, tc.at, 42)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Activate: %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				if got != tc.v {
					t.Errorf("Activate changed the voucher on error: %+v", got)
				}
				return
			}
			if got.Status != vouchers.StatusUsed || got.Plate != tc.plate || got.Session != 42 || !got.UsedAt.Equal(tc.at) {
				t.Errorf("Activate = %+v", got)
			}
			if tc.v.Status != vouchers.StatusAvailable {
				t.Errorf("Activate changed its receiver")
			}
			if _, err := got.Activate("2XYZ999", tc.at, 43); !errors.Is(err, vouchers.ErrUsed) {
				t.Errorf("second Activate: %v, want ErrUsed", err)
			}
		})
	}
}

func TestUntil(t *testing.T) {
	v := vouchers.Voucher{Duration: 4*time.Hour + 30*time.Minute}
	if got, want := v.Until(t0), t0.Add(270*time.Minute); !got.Equal(want) {
		t.Errorf("Until = %s, want %s", got, want)
	}
}
