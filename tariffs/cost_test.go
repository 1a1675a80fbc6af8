package tariffs_test

import (
	"testing"
	"time"

	"smspark/tariffs"
)

// simple returns a Brussels tariff with the given windows and money rules,
// no holidays.
func simple(tb testing.TB, ws [7][]tariffs.Window, rate int64, free int, cap int64) tariffs.Tariff {
	tb.Helper()
	return tariffs.Tariff{
		Location:    brussels(tb),
		Windows:     ws,
		RatePerHour: rate,
		FreeMinutes: free,
		DailyCap:    cap,
		MaxDuration: 24 * time.Hour,
	}
}

func TestWorkedExamples(t *testing.T) {
	zones := referenceZones(t)
	monday := func(h, m int) time.Time { return at(t, 2026, time.November, 23, h, m) }
	tests := []struct {
		name        string
		zone        string
		start, end  time.Time
		wantMinutes int
		want        int64
	}{
		{"1021 Monday 10:00 to 11:08", "1021", monday(10, 0), monday(11, 8), 68, 283},
		{"8500 Monday 10:00 to 10:45 with 30 free minutes", "8500", monday(10, 0), monday(10, 45), 45, 38},
		{"1021 Sunday 10:00 to 12:00", "1021", at(t, 2026, time.November, 22, 10, 0), at(t, 2026, time.November, 22, 12, 0), 0, 0},
		{"1021 Monday 10:00 to max duration", "1021", monday(10, 0), monday(10, 0).Add(zones["1021"].MaxDuration), 270, 1125},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tf := zones[tc.zone]
			if got := tf.ChargedMinutes(tc.start, tc.end); got != tc.wantMinutes {
				t.Errorf("ChargedMinutes = %d, want %d", got, tc.wantMinutes)
			}
			if got := tf.Cost(tc.start, tc.end); got != tc.want {
				t.Errorf("Cost = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestCost(t *testing.T) {
	zones := referenceZones(t)
	loc := brussels(t)
	w := func(fh, fm, th, tm int) tariffs.Window { return tariffs.Window{From: hm(fh, fm), To: hm(th, tm)} }
	nov := func(d, h, m int) time.Time { return at(t, 2026, time.November, d, h, m) }
	sec := func(d, h, m, s, ns int) time.Time { return time.Date(2026, time.November, d, h, m, s, ns, loc) }
	// perMinute tariffs cost 1 cent a minute, so their cost is their minutes.
	perMinute := func(ws ...tariffs.Window) tariffs.Tariff { return simple(t, everyDay(ws...), 60, 0, 0) }
	tests := []struct {
		name        string
		tariff      tariffs.Tariff
		start, end  time.Time
		wantMinutes int
		want        int64
	}{
		// Caps.
		{"8370 all day is capped", zones["8370"], nov(23, 0, 0), nov(24, 0, 0), 540, 1200},
		{"8370 under the cap", zones["8370"], nov(23, 10, 0), nov(23, 14, 0), 240, 800},
		{"8370 exactly the cap", zones["8370"], nov(23, 10, 0), nov(23, 16, 0), 360, 1200},
		{"8370 capped per day over two days", zones["8370"], nov(23, 10, 0), nov(24, 19, 0), 1080, 2400},
		{"3000 eight hours capped", zones["3000"], nov(23, 9, 0), nov(23, 17, 0), 480, 800},
		{"3000 under the cap", zones["3000"], nov(23, 9, 0), nov(23, 11, 0), 120, 440},
		// Holidays.
		{"1021 on Christmas", zones["1021"], at(t, 2026, time.December, 25, 10, 0), at(t, 2026, time.December, 25, 12, 0), 0, 0},
		{"8370 all of New Year's Day", zones["8370"], at(t, 2027, time.January, 1, 0, 0), at(t, 2027, time.January, 2, 0, 0), 0, 0},
		{"1021 through Christmas", zones["1021"], at(t, 2026, time.December, 24, 20, 0), at(t, 2026, time.December, 26, 10, 0), 120, 500},
		// Intervals crossing midnight.
		{"8370 Saturday evening to Sunday morning", zones["8370"], nov(21, 18, 0), nov(22, 11, 0), 120, 400},
		{"1021 Saturday evening to Monday morning", zones["1021"], nov(21, 20, 0), nov(23, 10, 0), 120, 500},
		{"24h window splits runs at midnight", perMinute(w(0, 0, 24, 0)), sec(23, 23, 59, 30, 0), sec(24, 0, 0, 30, 0), 2, 2},
		{"1021 a week", zones["1021"], nov(22, 0, 0), nov(29, 0, 0), 6 * 720, 6 * 3000},
		// Free minutes.
		{"8500 free minutes within the day", zones["8500"], nov(23, 10, 0), nov(23, 10, 30), 30, 0},
		{"8500 free minutes span two days", zones["8500"], nov(21, 17, 50), nov(23, 9, 30), 40, 25},
		{"free minutes come off the earliest day", simple(t, everyDay(w(9, 0, 18, 0)), 600, 30, 100), nov(23, 17, 40), nov(24, 9, 40), 60, 100},
		// Partial minutes and sessions starting outside the windows.
		{"1021 08:30 to 09:10", zones["1021"], nov(23, 8, 30), nov(23, 9, 10), 10, 42},
		{"1021 10:00:30 to 10:01:10 is one minute", zones["1021"], sec(23, 10, 0, 30, 0), sec(23, 10, 1, 10, 0), 1, 4},
		{"1021 10:00:30 to 10:02:10 is two minutes", zones["1021"], sec(23, 10, 0, 30, 0), sec(23, 10, 2, 10, 0), 2, 8},
		{"1021 one nanosecond is one minute", zones["1021"], sec(23, 10, 0, 0, 0), sec(23, 10, 0, 0, 1), 1, 4},
		{"1021 08:59:30 to 09:00:10", zones["1021"], sec(23, 8, 59, 30, 0), sec(23, 9, 0, 10, 0), 1, 4},
		{"1021 20:59:59 to 21:30", zones["1021"], sec(23, 20, 59, 59, 0), nov(23, 21, 30), 1, 4},
		{"1021 outside the windows", zones["1021"], nov(23, 21, 0), nov(24, 9, 0), 0, 0},
		{"8371 charges nothing", zones["8371"], nov(23, 9, 0), nov(23, 18, 0), 540, 0},
		{"end before start", zones["1021"], nov(23, 11, 0), nov(23, 10, 0), 0, 0},
		{"empty interval", zones["1021"], nov(23, 10, 0), nov(23, 10, 0), 0, 0},
		{"never charging tariff", simple(t, [7][]tariffs.Window{}, 250, 0, 0), nov(1, 0, 0), nov(30, 0, 0), 0, 0},
		// Rounding.
		{"half a cent rounds up", simple(t, everyDay(w(9, 0, 18, 0)), 30, 0, 0), nov(23, 10, 0), nov(23, 10, 1), 1, 1},
		{"rounded once, not per day", simple(t, everyDay(w(9, 0, 18, 0)), 30, 0, 0), nov(23, 17, 59), nov(24, 9, 1), 2, 1},
		{"1.5 cents rounds to 2", simple(t, everyDay(w(9, 0, 18, 0)), 90, 0, 0), nov(23, 10, 0), nov(23, 10, 1), 1, 2},
		// Daylight saving time: 2026-03-29 02:00 CET → 03:00 CEST, 2026-10-25 03:00 CEST → 02:00 CET.
		{"spring 01:00-04:00 lasts two hours", perMinute(w(1, 0, 4, 0)), at(t, 2026, time.March, 29, 0, 0), at(t, 2026, time.March, 29, 5, 0), 120, 120},
		{"autumn 01:00-04:00 lasts four hours", perMinute(w(1, 0, 4, 0)), at(t, 2026, time.October, 25, 0, 0), at(t, 2026, time.October, 25, 5, 0), 240, 240},
		{"spring day is 23 hours", perMinute(w(0, 0, 24, 0)), at(t, 2026, time.March, 29, 0, 0), at(t, 2026, time.March, 30, 0, 0), 1380, 1380},
		{"autumn day is 25 hours", perMinute(w(0, 0, 24, 0)), at(t, 2026, time.October, 25, 0, 0), at(t, 2026, time.October, 26, 0, 0), 1500, 1500},
		{"spring 02:00-03:00 never happens", perMinute(w(2, 0, 3, 0)), at(t, 2026, time.March, 29, 0, 0), at(t, 2026, time.March, 29, 5, 0), 0, 0},
		{"autumn 02:00-03:00 happens twice", perMinute(w(2, 0, 3, 0)), at(t, 2026, time.October, 25, 0, 0), at(t, 2026, time.October, 25, 5, 0), 120, 120},
		{"spring 02:30-03:30 starts at 03:00", perMinute(w(2, 30, 3, 30)), at(t, 2026, time.March, 29, 0, 0), at(t, 2026, time.March, 29, 5, 0), 30, 30},
		{"autumn 02:30-03:30 in two runs", perMinute(w(2, 30, 3, 30)), at(t, 2026, time.October, 25, 0, 0), at(t, 2026, time.October, 25, 5, 0), 90, 90},
		{"spring 01:00-02:30 ends at 03:00", perMinute(w(1, 0, 2, 30)), at(t, 2026, time.March, 29, 0, 0), at(t, 2026, time.March, 29, 5, 0), 60, 60},
		{"spring across the gap given in UTC", perMinute(w(1, 0, 4, 0)),
			time.Date(2026, time.March, 28, 23, 30, 0, 0, time.UTC), time.Date(2026, time.March, 29, 1, 30, 0, 0, time.UTC), 90, 90},
		{"8370 over the spring change", zones["8370"], at(t, 2026, time.March, 28, 18, 0), at(t, 2026, time.March, 29, 11, 0), 120, 400},
		{"8370 over the autumn change", zones["8370"], at(t, 2026, time.October, 24, 18, 0), at(t, 2026, time.October, 25, 11, 0), 120, 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.tariff.ChargedMinutes(tc.start, tc.end); got != tc.wantMinutes {
				t.Errorf("ChargedMinutes(%s, %s) = %d, want %d", tc.start, tc.end, got, tc.wantMinutes)
			}
			if got := tc.tariff.Cost(tc.start, tc.end); got != tc.want {
				t.Errorf("Cost(%s, %s) = %d, want %d", tc.start, tc.end, got, tc.want)
			}
		})
	}
}

// TestCostPercent: a reduced tariff's share is taken of the exact cost and
// rounded once (SPEC: round half up once, at the end).
func TestCostPercent(t *testing.T) {
	zones := referenceZones(t)
	nov := func(d, h, m int) time.Time { return at(t, 2026, time.November, d, h, m) }
	tests := []struct {
		name       string
		zone       string
		start, end time.Time
		percent    int
		want       int64
	}{
		// 15 charged minutes at 150 c/h = 37.5; 25 % = 9.375 (not 25 % of 38 = 9.5 → 10).
		{"Kortrijk 10:00-10:45 at 25 %", "8500", nov(23, 10, 0), nov(23, 10, 45), 25, 9},
		{"Kortrijk 10:00-11:30 at 25 %", "8500", nov(23, 10, 0), nov(23, 11, 30), 25, 38}, // 37.5 → 38
		{"Kortrijk 10:00-10:45 at 100 %", "8500", nov(23, 10, 0), nov(23, 10, 45), 100, 38},
		{"Kortrijk 10:00-10:45 at 0 %", "8500", nov(23, 10, 0), nov(23, 10, 45), 0, 0},
		{"Kortrijk 10:00-10:45 below 0 %", "8500", nov(23, 10, 0), nov(23, 10, 45), -5, 0},
		{"Brussels 68 minutes at 50 %", "1021", nov(23, 10, 0), nov(23, 11, 8), 50, 142}, // 283.33 / 2 = 141.67
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := zones[tc.zone].CostPercent(tc.start, tc.end, tc.percent); got != tc.want {
				t.Errorf("CostPercent(%s, %s, %d) = %d, want %d", tc.start, tc.end, tc.percent, got, tc.want)
			}
		})
	}
}

// TestCostYear checks a whole year against a count of the charging days.
func TestCostYear(t *testing.T) {
	tf := zoneOf(t, "1021")
	start, end := at(t, 2027, time.January, 1, 0, 0), at(t, 2028, time.January, 1, 0, 0)
	days := 0
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		if d.Weekday() != time.Sunday && !tf.Holidays[tariffs.DateOf(d, tf.Location)] {
			days++
		}
	}
	if got, want := tf.ChargedMinutes(start, end), days*720; got != want {
		t.Errorf("ChargedMinutes = %d, want %d", got, want)
	}
	if got, want := tf.Cost(start, end), int64(days)*3000; got != want {
		t.Errorf("Cost = %d, want %d", got, want)
	}
}

func TestRoundHalfUp(t *testing.T) {
	tests := []struct {
		name           string
		num, den, want int64
	}{
		{"zero", 0, 60, 0},
		{"exact", 120, 60, 2},
		{"below half", 29, 60, 0},
		{"half", 30, 60, 1},
		{"above half", 31, 60, 1},
		{"283.33", 68 * 250, 60, 283},
		{"37.5", 15 * 150, 60, 38},
		{"odd denominator", 1, 3, 0},
		{"two thirds", 2, 3, 1},
		{"den one", 7, 1, 7},
		{"negative half rounds up", -3, 2, -1},
		{"negative below half", -4, 3, -1},
		{"huge", 1<<63 - 1, 2, 1 << 62},
		{"huge den", 1<<62 + 1, 1<<63 - 1, 1},
		{"zero den", 5, 0, 0},
		{"negative den", 5, -1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tariffs.RoundHalfUp(tc.num, tc.den); got != tc.want {
				t.Errorf("RoundHalfUp(%d, %d) = %d, want %d", tc.num, tc.den, got, tc.want)
			}
		})
	}
}

func BenchmarkCost(b *testing.B) {
	tf := zoneOf(b, "1021")
	start := at(b, 2026, time.November, 23, 10, 0)
	for _, bc := range []struct {
		name string
		d    time.Duration
	}{
		{"68min", 68 * time.Minute},
		{"30days", 30 * 24 * time.Hour},
		{"1year", 365 * 24 * time.Hour},
	} {
		b.Run(bc.name, func(b *testing.B) {
			end := start.Add(bc.d)
			for b.Loop() {
				tf.Cost(start, end)
			}
		})
	}
}
