package tariffs_test

import (
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"smspark/tariffs"
)

const day = 24 * time.Hour

// propertyAnchors are instants around which random intervals are drawn:
// the DST changes of 2026 in Brussels, the §12 holidays, a plain week.
var propertyAnchors = []time.Time{
	time.Date(2026, time.March, 29, 1, 0, 0, 0, time.UTC),   // 02:00 CET → 03:00 CEST
	time.Date(2026, time.October, 25, 1, 0, 0, 0, time.UTC), // 03:00 CEST → 02:00 CET
	time.Date(2026, time.November, 23, 9, 0, 0, 0, time.UTC),
	time.Date(2026, time.December, 25, 0, 0, 0, 0, time.UTC),
	time.Date(2027, time.January, 1, 0, 0, 0, 0, time.UTC),
}

// holidayCandidates are dates near the anchors.
func holidayCandidates() []tariffs.Date {
	var out []tariffs.Date
	for _, a := range propertyAnchors {
		for d := -2; d <= 2; d++ {
			y, m, dd := a.AddDate(0, 0, d).Date()
			out = append(out, tariffs.Date{Year: y, Month: m, Day: dd})
		}
	}
	return out
}

// windowBoundaries draws minutes of the day, often the DST hours and the
// ends of the day.
var windowBoundary = rapid.OneOf(
	rapid.IntRange(0, 24*60),
	rapid.SampledFrom([]int{0, 60, 119, 120, 150, 180, 181, 210, 24*60 - 1, 24 * 60}),
)

// tariffGen draws valid Brussels tariffs: zero to three windows a weekday
// (sometimes touching), rate 0..1000, free minutes 0..120, an optional cap,
// holidays near the anchors.
func tariffGen(loc *time.Location) *rapid.Generator[tariffs.Tariff] {
	return rapid.Custom(func(t *rapid.T) tariffs.Tariff {
		var ws [7][]tariffs.Window
		for d := range ws {
			n := rapid.IntRange(0, 3).Draw(t, "windows")
			points := rapid.SliceOfNDistinct(windowBoundary, 2*n, 2*n, rapid.ID[int]).Draw(t, "boundaries")
			slices.Sort(points)
			for i := 0; i < len(points); i += 2 {
				w := tariffs.Window{From: points[i], To: points[i+1]}
				if k := len(ws[d]); k > 0 && rapid.Bool().Draw(t, "touch") {
					w.From = ws[d][k-1].To
				}
				ws[d] = append(ws[d], w)
			}
		}
		var cap int64
		if rapid.Bool().Draw(t, "capped") {
			cap = rapid.Int64Range(1, 5000).Draw(t, "cap")
		}
		holidays := map[tariffs.Date]bool{}
		for _, h := range rapid.SliceOfN(rapid.SampledFrom(holidayCandidates()), 0, 4).Draw(t, "holidays") {
			holidays[h] = true
		}
		tf := tariffs.Tariff{
			Location:    loc,
			Windows:     ws,
			Holidays:    holidays,
			RatePerHour: rapid.Int64Range(0, 1000).Draw(t, "rate"),
			FreeMinutes: rapid.IntRange(0, 120).Draw(t, "free"),
			DailyCap:    cap,
			MaxDuration: 4 * time.Hour,
		}
		if err := tf.Validate(); err != nil {
			t.Fatalf("generated an invalid tariff: %v", err)
		}
		return tf
	})
}

// drawStart draws an instant within three days before to one day after an
// anchor, at a whole second, or with nanoseconds when withNanos.
func drawStart(t *rapid.T, withNanos bool) time.Time {
	a := rapid.SampledFrom(propertyAnchors).Draw(t, "anchor")
	s := a.Add(time.Duration(rapid.IntRange(-3*86400, 86400).Draw(t, "start offset s")) * time.Second)
	if withNanos && rapid.Bool().Draw(t, "nanos") {
		s = s.Add(time.Duration(rapid.IntRange(1, 999999999).Draw(t, "ns")))
	}
	return s
}

// drawDuration draws a duration up to max, at a whole second or with
// nanoseconds when withNanos.
func drawDuration(t *rapid.T, label string, max time.Duration, withNanos bool) time.Duration {
	d := time.Duration(rapid.Int64Range(0, int64(max/time.Second)).Draw(t, label)) * time.Second
	if withNanos && rapid.Bool().Draw(t, label+" nanos") {
		d += time.Duration(rapid.IntRange(0, 999999999).Draw(t, label+" ns"))
	}
	return min(d, max)
}

func TestPropertyCostNeverDecreases(t *testing.T) {
	tg := tariffGen(brussels(t))
	rapid.Check(t, func(t *rapid.T) {
		tf := tg.Draw(t, "tariff")
		s := drawStart(t, true)
		e1 := s.Add(drawDuration(t, "d1", 20*day, true))
		e2 := e1.Add(drawDuration(t, "d2", 3*day, true))
		c1, c2 := tf.Cost(s, e1), tf.Cost(s, e2)
		if c1 > c2 {
			t.Fatalf("Cost(s, %s) = %d > Cost(s, %s) = %d", e1, c1, e2, c2)
		}
		if m1, m2 := tf.ChargedMinutes(s, e1), tf.ChargedMinutes(s, e2); m1 > m2 {
			t.Fatalf("ChargedMinutes(s, %s) = %d > ChargedMinutes(s, %s) = %d", e1, m1, e2, m2)
		}
	})
}

func TestPropertyCostNeverNegative(t *testing.T) {
	tg := tariffGen(brussels(t))
	rapid.Check(t, func(t *rapid.T) {
		tf := tg.Draw(t, "tariff")
		s := drawStart(t, true)
		e := drawStart(t, true) // may well be before s
		if c := tf.Cost(s, e); c < 0 || (!s.Before(e) && c != 0) {
			t.Fatalf("Cost(%s, %s) = %d", s, e, c)
		}
		if m := tf.ChargedMinutes(s, e); m < 0 || (!s.Before(e) && m != 0) {
			t.Fatalf("ChargedMinutes(%s, %s) = %d", s, e, m)
		}
	})
}

// TestPropertyZeroWithoutCharging checks that an interval with no charging
// instant costs nothing. Every run of charging starts at s or at a window
// start, a whole minute in Brussels and so in UTC: checking s and every
// whole minute of (s, e) finds one if there is one.
func TestPropertyZeroWithoutCharging(t *testing.T) {
	tg := tariffGen(brussels(t))
	rapid.Check(t, func(t *rapid.T) {
		tf := tg.Draw(t, "tariff")
		s := drawStart(t, true)
		e := s.Add(drawDuration(t, "d", 2*day, true))
		charges := s.Before(e) && tf.Charging(s)
		for m := s.Truncate(time.Minute).Add(time.Minute); !charges && m.Before(e); m = m.Add(time.Minute) {
			charges = tf.Charging(m)
		}
		minutes, cost := tf.ChargedMinutes(s, e), tf.Cost(s, e)
		if !charges && (minutes != 0 || cost != 0) {
			t.Fatalf("no charging instant in [%s, %s) but ChargedMinutes = %d, Cost = %d", s, e, minutes, cost)
		}
		if charges && minutes == 0 {
			t.Fatalf("charging instant in [%s, %s) but ChargedMinutes = 0", s, e)
		}
	})
}

func TestPropertyCostUnderDayCaps(t *testing.T) {
	loc := brussels(t)
	tg := tariffGen(loc)
	rapid.Check(t, func(t *rapid.T) {
		tf := tg.Draw(t, "tariff")
		if tf.DailyCap == 0 {
			tf.DailyCap = rapid.Int64Range(1, 5000).Draw(t, "cap")
		}
		s := drawStart(t, true)
		e := s.Add(drawDuration(t, "d", 20*day, true))
		if !s.Before(e) {
			return
		}
		first, last := tariffs.DateOf(s, loc), tariffs.DateOf(e.Add(-1), loc)
		days := int64(civil(last).Sub(civil(first))/day) + 1
		if c := tf.Cost(s, e); c > days*tf.DailyCap {
			t.Fatalf("Cost(%s, %s) = %d > %d days × cap %d", s, e, c, days, tf.DailyCap)
		}
	})
}

func civil(d tariffs.Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

func TestPropertyCostIgnoresInputZone(t *testing.T) {
	loc := brussels(t)
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	tg := tariffGen(loc)
	rapid.Check(t, func(t *rapid.T) {
		tf := tg.Draw(t, "tariff")
		s := drawStart(t, true)
		e := s.Add(drawDuration(t, "d", 10*day, true))
		want := tf.Cost(s.In(loc), e.In(loc))
		wantMinutes := tf.ChargedMinutes(s.In(loc), e.In(loc))
		for _, z := range []*time.Location{time.UTC, tokyo} {
			if got := tf.Cost(s.In(z), e.In(z)); got != want {
				t.Fatalf("Cost in %s = %d, in Brussels %d", z, got, want)
			}
			if got := tf.ChargedMinutes(s.In(z), e.In(z)); got != wantMinutes {
				t.Fatalf("ChargedMinutes in %s = %d, in Brussels %d", z, got, wantMinutes)
			}
			if tf.Charging(s.In(z)) != tf.Charging(s.In(loc)) {
				t.Fatalf("Charging(%s) depends on the zone", s)
			}
		}
	})
}

// modelCost is a brute-force Cost for whole-second intervals: it looks at
// every second, reads its Brussels wall clock and groups the charging
// seconds into runs within one local date.
func modelCost(tf tariffs.Tariff, s, e time.Time) (minutes int, cost int64) {
	minutes, sixtieths := modelSixtieths(tf, s, e)
	return minutes, (sixtieths + 30) / 60
}

// modelSixtieths is modelCost's minutes and exact cost, in 1/60 cent.
func modelSixtieths(tf tariffs.Tariff, s, e time.Time) (minutes int, sixtieths int64) {
	type dayMinutes struct {
		date    tariffs.Date
		minutes int64
	}
	var (
		days    []dayMinutes
		run     int64 // seconds in the current run
		runDate tariffs.Date
	)
	endRun := func() {
		if run == 0 {
			return
		}
		m := (run + 59) / 60
		if n := len(days); n > 0 && days[n-1].date == runDate {
			days[n-1].minutes += m
		} else {
			days = append(days, dayMinutes{runDate, m})
		}
		run = 0
	}
	for at := s; at.Before(e); at = at.Add(time.Second) {
		lt := at.In(tf.Location)
		y, mo, d := lt.Date()
		date := tariffs.Date{Year: y, Month: mo, Day: d}
		h, mi, sec := lt.Clock()
		clock := h*3600 + mi*60 + sec
		charging := false
		if !tf.Holidays[date] {
			for _, w := range tf.Windows[lt.Weekday()] {
				charging = charging || (w.From*60 <= clock && clock < w.To*60)
			}
		}
		if !charging || date != runDate {
			endRun()
		}
		if charging {
			run++
			runDate = date
		}
	}
	endRun()
	free := int64(tf.FreeMinutes)
	for _, dm := range days {
		minutes += int(dm.minutes)
		taken := min(free, dm.minutes)
		free -= taken
		v := (dm.minutes - taken) * tf.RatePerHour
		if tf.DailyCap > 0 && v > tf.DailyCap*60 {
			v = tf.DailyCap * 60
		}
		sixtieths += v
	}
	return minutes, sixtieths
}

// TestPropertyReducedCostRoundedOnce: a share of the cost is the exact
// cost times the percentage, rounded half up once (never the rounded
// cost's share), at most the full cost, and it never decreases with the
// end or the percentage.
func TestPropertyReducedCostRoundedOnce(t *testing.T) {
	tg := tariffGen(brussels(t))
	rapid.Check(t, func(t *rapid.T) {
		tf := tg.Draw(t, "tariff")
		s := drawStart(t, false)
		e1 := s.Add(drawDuration(t, "d1", 2*day, false))
		e2 := e1.Add(drawDuration(t, "d2", day, false))
		p1 := rapid.IntRange(0, 100).Draw(t, "p1")
		p2 := rapid.IntRange(p1, 100).Draw(t, "p2")
		_, exact := modelSixtieths(tf, s, e1)
		if got, want := tf.CostPercent(s, e1, p1), (exact*int64(p1)+3000)/6000; got != want {
			t.Fatalf("CostPercent(%s, %s, %d) = %d, want %d (exact %d/60)", s, e1, p1, got, want, exact)
		}
		if full := tf.Cost(s, e1); tf.CostPercent(s, e1, p1) > full || tf.CostPercent(s, e1, 100) != full {
			t.Fatalf("%d %% of %d costs %d", p1, full, tf.CostPercent(s, e1, p1))
		}
		if a, b := tf.CostPercent(s, e1, p1), tf.CostPercent(s, e2, p1); a > b {
			t.Fatalf("%d %% until %s costs %d, until the later %s %d", p1, e1, a, e2, b)
		}
		if a, b := tf.CostPercent(s, e1, p1), tf.CostPercent(s, e1, p2); a > b {
			t.Fatalf("%d %% costs %d, %d %% costs %d", p1, a, p2, b)
		}
	})
}

func TestPropertyCostMatchesModel(t *testing.T) {
	tg := tariffGen(brussels(t))
	rapid.Check(t, func(t *rapid.T) {
		tf := tg.Draw(t, "tariff")
		s := drawStart(t, false)
		e := s.Add(drawDuration(t, "d", 3*day-time.Second, false))
		wantMinutes, want := modelCost(tf, s, e)
		if got := tf.ChargedMinutes(s, e); got != wantMinutes {
			t.Fatalf("ChargedMinutes(%s, %s) = %d, model %d", s, e, got, wantMinutes)
		}
		if got := tf.Cost(s, e); got != want {
			t.Fatalf("Cost(%s, %s) = %d, model %d", s, e, got, want)
		}
	})
}
