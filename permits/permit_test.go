package permits_test

import (
	"errors"
	"slices"
	"smspark/payments"
	"testing"
	"time"

	"smspark/permits"
	"smspark/tariffs"
)

func TestLengthEnd(t *testing.T) {
	tests := []struct {
		name   string
		length permits.Length
		from   string
		want   string
	}{
		{"a month", permits.Month, "2026-11-23 00:00", "2026-12-23 00:00"},
		{"a month over new year", permits.Month, "2026-12-15 00:00", "2027-01-15 00:00"},
		{"a month from 31 January: through February", permits.Month, "2026-01-31 00:00", "2026-03-01 00:00"},
		{"a month from 30 January in a leap year", permits.Month, "2028-01-30 00:00", "2028-03-01 00:00"},
		{"a month from 29 January in a leap year", permits.Month, "2028-01-29 00:00", "2028-02-29 00:00"},
		{"a month over the spring DST change", permits.Month, "2026-03-15 00:00", "2026-04-15 00:00"},
		{"a year", permits.Year, "2026-11-23 00:00", "2027-11-23 00:00"},
		{"a year from 29 February", permits.Year, "2028-02-29 00:00", "2029-03-01 00:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.length.End(at(t, tt.from), brussels)
			if want := at(t, tt.want); !got.Equal(want) || got.Location() != brussels {
				t.Fatalf("End = %s, want %s", got, want)
			}
		})
	}
}

func TestStatusAt(t *testing.T) {
	p := permits.Permit{Status: permits.StatusActive, From: at(t, "2026-12-01 00:00"), Until: at(t, "2027-01-01 00:00")}
	tests := []struct {
		name   string
		stored permits.Status
		now    string
		want   permits.Status
	}{
		{"paid, not begun", permits.StatusActive, "2026-11-30 23:59", permits.StatusScheduled},
		{"paid, first instant", permits.StatusActive, "2026-12-01 00:00", permits.StatusActive},
		{"paid, last minute", permits.StatusActive, "2026-12-31 23:59", permits.StatusActive},
		{"paid, at its end", permits.StatusActive, "2027-01-01 00:00", permits.StatusExpired},
		{"awaiting payment", permits.StatusAwaitingPayment, "2026-12-10 00:00", permits.StatusAwaitingPayment},
		{"cancelled", permits.StatusCancelled, "2026-12-10 00:00", permits.StatusCancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p.Status = tt.stored
			if got := p.StatusAt(at(t, tt.now)); got != tt.want {
				t.Fatalf("StatusAt = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestPlatesAt(t *testing.T) {
	p := permits.Permit{
		Status: permits.StatusActive, Zones: []string{"1021", "1030"}, Plates: []string{"1ABC123", "2XYZ999"},
		From: at(t, "2026-11-01 00:00"), Until: at(t, "2027-11-01 00:00"),
		Changes: []permits.PlateChange{
			// A rental car for 1ABC123 on the 10th to 12th.
			{Kind: permits.ChangeTemporary, Old: "1ABC123", New: "9RENT99", From: at(t, "2026-11-10 08:00"),
				Until: at(t, "2026-11-13 00:00"), Made: at(t, "2026-11-10 08:00")},
			// 2XYZ999 sold on the 20th, replaced by 3NEW333.
			{Kind: permits.ChangePermanent, Old: "2XYZ999", New: "3NEW333", From: at(t, "2026-11-20 12:00"),
				Made: at(t, "2026-11-20 12:00")},
		},
	}
	tests := []struct {
		name       string
		at         string
		plates     []string
		registered []string
	}{
		{"as bought", "2026-11-05 12:00", []string{"1ABC123", "2XYZ999"}, []string{"1ABC123", "2XYZ999"}},
		{"rental starts", "2026-11-10 08:00", []string{"9RENT99", "2XYZ999"}, []string{"1ABC123", "2XYZ999"}},
		{"rental, last minute", "2026-11-12 23:59", []string{"9RENT99", "2XYZ999"}, []string{"1ABC123", "2XYZ999"}},
		{"rental over", "2026-11-13 00:00", []string{"1ABC123", "2XYZ999"}, []string{"1ABC123", "2XYZ999"}},
		{"before the sale", "2026-11-20 11:59", []string{"1ABC123", "2XYZ999"}, []string{"1ABC123", "2XYZ999"}},
		{"after the sale", "2026-11-20 12:00", []string{"1ABC123", "3NEW333"}, []string{"1ABC123", "3NEW333"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			when := at(t, tt.at)
			if got := p.PlatesAt(when); !slices.Equal(got, tt.plates) {
				t.Errorf("PlatesAt = %v, want %v", got, tt.plates)
			}
			if got := p.RegisteredPlates(when); !slices.Equal(got, tt.registered) {
				t.Errorf("RegisteredPlates = %v, want %v", got, tt.registered)
			}
			for _, pl := range []string{"1ABC123", "2XYZ999", "3NEW333", "9RENT99"} {
				want := slices.Contains(tt.plates, pl)
				for _, zone := range []string{"1021", "1030"} {
					if got := p.Valid(pl, zone, when); got != want {
						t.Errorf("Valid(%s, %s) = %v, want %v", pl, zone, got, want)
					}
				}
				if p.Valid(pl, "3000", when) {
					t.Errorf("Valid(%s) in another city's zone", pl)
				}
			}
		})
	}
	from, until := p.ValidityOf("9RENT99", at(t, "2026-11-11 12:00"))
	if !from.Equal(at(t, "2026-11-10 08:00")) || !until.Equal(at(t, "2026-11-13 00:00")) {
		t.Errorf("ValidityOf(rental) = %s – %s", from, until)
	}
	if from, until := p.ValidityOf("1ABC123", at(t, "2026-11-15 12:00")); !from.Equal(p.From) || !until.Equal(p.Until) {
		t.Errorf("ValidityOf(1ABC123) = %s – %s", from, until)
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    tariffs.Date
		wantErr bool
	}{
		{"2026-11-23", tariffs.Date{Year: 2026, Month: time.November, Day: 23}, false},
		{"2026-02-29", tariffs.Date{}, true},
		{"23/11/2026", tariffs.Date{}, true},
		{"", tariffs.Date{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := tariffs.ParseDate(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("ParseDate = %v, %v", got, err)
			}
			if err != nil && !errors.Is(err, permits.ErrInvalidDate) {
				t.Fatalf("error %v is not ErrInvalidDate", err)
			}
		})
	}
}

func TestNewID(t *testing.T) {
	id, err := payments.NewID(zeroReader{}, "P")
	if err != nil || len(id) != 11 || id != "P2222222222" {
		t.Fatalf("NewID = %q, %v", id, err)
	}
	if _, err := payments.NewID(failReader{}, "P"); !errors.Is(err, permits.ErrRandom) {
		t.Fatalf("NewID of a failing reader: %v", err)
	}
}

type zeroReader struct{}

func (zeroReader) Read(b []byte) (int, error) { clear(b); return len(b), nil }

type failReader struct{}

func (failReader) Read([]byte) (int, error) { return 0, errDown }
