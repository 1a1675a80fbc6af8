package tariffs_test

import (
	"testing"
	"time"

	"smspark/tariffs"
)

func TestCharging(t *testing.T) {
	zones := referenceZones(t)
	loc := brussels(t)
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	dst := simple(t, everyDay(tariffs.Window{From: hm(2, 30), To: hm(3, 30)}), 60, 0, 0)
	tests := []struct {
		name   string
		tariff tariffs.Tariff
		at     time.Time
		want   bool
	}{
		{"1021 Monday 10:00", zones["1021"], at(t, 2026, time.November, 23, 10, 0), true},
		{"1021 Monday 09:00 opens", zones["1021"], at(t, 2026, time.November, 23, 9, 0), true},
		{"1021 Monday 08:59:59", zones["1021"], time.Date(2026, time.November, 23, 8, 59, 59, 0, loc), false},
		{"1021 Monday 20:59:59.999", zones["1021"], time.Date(2026, time.November, 23, 20, 59, 59, 999999999, loc), true},
		{"1021 Monday 21:00 closes", zones["1021"], at(t, 2026, time.November, 23, 21, 0), false},
		{"1021 Sunday 10:00", zones["1021"], at(t, 2026, time.November, 22, 10, 0), false},
		{"1021 Christmas 10:00", zones["1021"], at(t, 2026, time.December, 25, 10, 0), false},
		{"8371 charges at rate 0", zones["8371"], at(t, 2026, time.November, 22, 10, 0), true},
		{"1021 Monday 10:00 given in Tokyo", zones["1021"], at(t, 2026, time.November, 23, 10, 0).In(tokyo), true},
		{"1021 Monday 10:00 given in UTC", zones["1021"], at(t, 2026, time.November, 23, 10, 0).UTC(), true},
		{"spring 02:30-03:30 at 03:00 CEST", dst, time.Date(2026, time.March, 29, 1, 0, 0, 0, time.UTC), true},
		{"spring 02:30-03:30 at 01:59 CET", dst, time.Date(2026, time.March, 29, 0, 59, 0, 0, time.UTC), false},
		{"autumn 02:30-03:30 at 02:45 CEST", dst, time.Date(2026, time.October, 25, 0, 45, 0, 0, time.UTC), true},
		{"autumn 02:30-03:30 at 02:15 CET", dst, time.Date(2026, time.October, 25, 1, 15, 0, 0, time.UTC), false},
		{"autumn 02:30-03:30 at 02:45 CET", dst, time.Date(2026, time.October, 25, 1, 45, 0, 0, time.UTC), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.tariff.Charging(tc.at); got != tc.want {
				t.Errorf("Charging(%s) = %v, want %v", tc.at, got, tc.want)
			}
		})
	}
}

func TestNextCharge(t *testing.T) {
	zones := referenceZones(t)
	never := simple(t, [7][]tariffs.Window{}, 250, 0, 0)
	tests := []struct {
		name   string
		tariff tariffs.Tariff
		at     time.Time
		want   time.Time
		wantOK bool
	}{
		{"1021 Sunday is free until Monday 09:00", zones["1021"], at(t, 2026, time.November, 22, 10, 0), at(t, 2026, time.November, 23, 9, 0), true},
		{"1021 Monday 07:00 until 09:00", zones["1021"], at(t, 2026, time.November, 23, 7, 0), at(t, 2026, time.November, 23, 9, 0), true},
		{"1021 charging now", zones["1021"], at(t, 2026, time.November, 23, 10, 5), at(t, 2026, time.November, 23, 10, 5), true},
		{"1021 Monday 21:00 until Tuesday", zones["1021"], at(t, 2026, time.November, 23, 21, 0), at(t, 2026, time.November, 24, 9, 0), true},
		{"1021 over Christmas", zones["1021"], at(t, 2026, time.December, 24, 22, 0), at(t, 2026, time.December, 26, 9, 0), true},
		{"1021 New Year's Eve night", zones["1021"], at(t, 2026, time.December, 31, 21, 30), at(t, 2027, time.January, 2, 9, 0), true},
		{"8370 on New Year's Day", zones["8370"], at(t, 2027, time.January, 1, 12, 0), at(t, 2027, time.January, 2, 10, 0), true},
		{"never charging", never, at(t, 2026, time.November, 23, 10, 0), time.Time{}, false},
		{"only Sunday, more than 14 days away", func() tariffs.Tariff {
			var ws [7][]tariffs.Window
			ws[time.Sunday] = []tariffs.Window{{From: 0, To: 60}}
			tf := simple(t, ws, 100, 0, 0)
			tf.Holidays = map[tariffs.Date]bool{{Year: 2026, Month: time.November, Day: 29}: true, {Year: 2026, Month: time.December, Day: 6}: true}
			return tf
		}(), at(t, 2026, time.November, 23, 10, 0), time.Time{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.tariff.NextCharge(tc.at)
			if ok != tc.wantOK || !got.Equal(tc.want) {
				t.Fatalf("NextCharge(%s) = %s, %v; want %s, %v", tc.at, got, ok, tc.want, tc.wantOK)
			}
			if ok && got.Location() != tc.tariff.Location {
				t.Errorf("NextCharge returned a time in %s, want %s", got.Location(), tc.tariff.Location)
			}
			if ok && got.In(tc.tariff.Location).Format("15:04") != tc.want.Format("15:04") {
				t.Errorf("free until %s, want %s", got.Format("15:04"), tc.want.Format("15:04"))
			}
		})
	}
}

func TestDayEnd(t *testing.T) {
	zones := referenceZones(t)
	split := simple(t, everyDay(tariffs.Window{From: hm(8, 0), To: hm(12, 0)}, tariffs.Window{From: hm(13, 0), To: hm(18, 0)}), 100, 0, 0)
	allDay := simple(t, everyDay(tariffs.Window{From: 0, To: 24 * 60}), 100, 0, 0)
	autumn := simple(t, everyDay(tariffs.Window{From: hm(1, 0), To: hm(4, 0)}), 100, 0, 0)
	tests := []struct {
		name   string
		tariff tariffs.Tariff
		at     time.Time
		want   time.Time
		wantOK bool
	}{
		{"1021 Monday 10:00 ends at 21:00", zones["1021"], at(t, 2026, time.November, 23, 10, 0), at(t, 2026, time.November, 23, 21, 0), true},
		{"1021 Monday 07:00 ends at 21:00", zones["1021"], at(t, 2026, time.November, 23, 7, 0), at(t, 2026, time.November, 23, 21, 0), true},
		{"1021 Monday 21:00 is over", zones["1021"], at(t, 2026, time.November, 23, 21, 0), time.Time{}, false},
		{"1021 Sunday", zones["1021"], at(t, 2026, time.November, 22, 10, 0), time.Time{}, false},
		{"1021 Christmas", zones["1021"], at(t, 2026, time.December, 25, 10, 0), time.Time{}, false},
		{"two windows, morning", split, at(t, 2026, time.November, 23, 9, 0), at(t, 2026, time.November, 23, 18, 0), true},
		{"two windows, lunch", split, at(t, 2026, time.November, 23, 12, 30), at(t, 2026, time.November, 23, 18, 0), true},
		{"all day ends at midnight", allDay, at(t, 2026, time.November, 23, 10, 0), at(t, 2026, time.November, 24, 0, 0), true},
		{"autumn 01:00-04:00 ends at 04:00 CET", autumn, at(t, 2026, time.October, 25, 1, 30), at(t, 2026, time.October, 25, 4, 0), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.tariff.DayEnd(tc.at)
			if ok != tc.wantOK || !got.Equal(tc.want) {
				t.Fatalf("DayEnd(%s) = %s, %v; want %s, %v", tc.at, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

// TestNilLocation checks that a tariff without a location does not panic.
func TestNilLocation(t *testing.T) {
	tf := tariffs.Tariff{Windows: everyDay(tariffs.Window{From: hm(9, 0), To: hm(10, 0)}), RatePerHour: 60}
	start := time.Date(2026, time.November, 23, 9, 0, 0, 0, time.UTC)
	if got := tf.Cost(start, start.Add(time.Hour)); got != 60 {
		t.Errorf("Cost = %d, want 60 (windows read in UTC)", got)
	}
	if !tf.Charging(start) {
		t.Error("Charging = false, want true")
	}
	if _, ok := tf.NextCharge(start); !ok {
		t.Error("NextCharge: ok = false")
	}
	if _, ok := tf.DayEnd(start); !ok {
		t.Error("DayEnd: ok = false")
	}
}
