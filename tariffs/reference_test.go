package tariffs_test

import (
	"testing"
	"time"
	_ "time/tzdata" // the tests must not depend on the system's tz database

	"smspark/tariffs"
)

// brussels loads Europe/Brussels.
func brussels(tb testing.TB) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		tb.Fatalf("load Europe/Brussels: %v", err)
	}
	return loc
}

// at returns the Brussels wall-clock instant y-m-d h:mi.
func at(tb testing.TB, y int, m time.Month, d, h, mi int) time.Time {
	tb.Helper()
	return time.Date(y, m, d, h, mi, 0, 0, brussels(tb))
}

// hm is a time of day in minutes after midnight.
func hm(h, m int) int { return h*60 + m }

// everyDay returns the same windows on all seven days.
func everyDay(ws ...tariffs.Window) [7][]tariffs.Window {
	var out [7][]tariffs.Window
	for d := range out {
		out[d] = ws
	}
	return out
}

// monSat returns the same windows Monday to Saturday, none on Sunday.
func monSat(ws ...tariffs.Window) [7][]tariffs.Window {
	out := everyDay(ws...)
	out[time.Sunday] = nil
	return out
}

// referenceHolidays are the public holidays of docs/tariffs.md.
func referenceHolidays() map[tariffs.Date]bool {
	return map[tariffs.Date]bool{
		{Year: 2026, Month: time.December, Day: 25}: true,
		{Year: 2027, Month: time.January, Day: 1}:   true,
	}
}

// referenceZones returns the tariffs of the zones of docs/tariffs.md by zone code.
func referenceZones(tb testing.TB) map[string]tariffs.Tariff {
	tb.Helper()
	loc := brussels(tb)
	zone := func(ws [7][]tariffs.Window, rate int64, free int, cap int64, maxDur time.Duration, dayPrice int64) tariffs.Tariff {
		return tariffs.Tariff{
			Location:    loc,
			Windows:     ws,
			Holidays:    referenceHolidays(),
			RatePerHour: rate,
			FreeMinutes: free,
			DailyCap:    cap,
			MaxDuration: maxDur,
			DayPrice:    dayPrice,
		}
	}
	return map[string]tariffs.Tariff{
		"1021": zone(monSat(tariffs.Window{From: hm(9, 0), To: hm(21, 0)}), 250, 0, 0, 4*time.Hour+30*time.Minute, 1500),
		"1030": zone(monSat(tariffs.Window{From: hm(9, 0), To: hm(21, 0)}), 300, 0, 0, 2*time.Hour, 1800),
		"8370": zone(everyDay(tariffs.Window{From: hm(10, 0), To: hm(19, 0)}), 200, 0, 1200, 10*time.Hour, 0),
		"8371": zone(everyDay(tariffs.Window{From: hm(9, 0), To: hm(18, 0)}), 0, 0, 0, 12*time.Hour, 0),
		"8500": zone(monSat(tariffs.Window{From: hm(9, 0), To: hm(18, 0)}), 150, 30, 0, 2*time.Hour, 0),
		"3000": zone(monSat(tariffs.Window{From: hm(9, 0), To: hm(19, 0)}), 220, 0, 800, 8*time.Hour, 800),
	}
}

// zoneOf returns one reference zone's tariff.
func zoneOf(tb testing.TB, code string) tariffs.Tariff {
	tb.Helper()
	t, ok := referenceZones(tb)[code]
	if !ok {
		tb.Fatalf("no reference zone %s", code)
	}
	return t
}
