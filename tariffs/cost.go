package tariffs

import "time"

// Cost returns the cost in cents of parking from start to end under t
// (docs/tariffs.md); end <= start costs 0. The parts of [start, end) inside charging
// windows are split into maximal runs per local date (see Charging), each
// run counting its started minutes whole; the session's earliest
// FreeMinutes charged minutes are free, taken off the earliest days first;
// each local calendar day then costs its remaining minutes × RatePerHour /
// 60, capped at DailyCap when that is set. The days are added exactly (in
// 1/60 cent) and rounded half up to a whole cent once, with RoundHalfUp.
//
// Cost takes time proportional to the number of local days in the
// interval, not minutes. It expects a valid tariff (see Validate); the time
// zone of start and end does not matter, only the instants.
func (t Tariff) Cost(start, end time.Time) int64 {
	return t.CostPercent(start, end, 100)
}

// CostPercent returns percent % of the cost of parking from start to end
// under t (a reduced tariff charges a share of the normal cost): the exact
// cost of Cost (in 1/60 cent) times percent, rounded half up to a whole
// cent once, with RoundHalfUp. A percent below 0 counts as 0.
func (t Tariff) CostPercent(start, end time.Time, percent int) int64 {
	var (
		total   int64 // in 1/60 cent
		free    = int64(max(t.FreeMinutes, 0))
		day     Date
		minutes int64
		open    bool
	)
	closeDay := func() {
		taken := min(free, minutes)
		free -= taken
		v := (minutes - taken) * t.RatePerHour
		if t.DailyCap > 0 {
			v = min(v, t.DailyCap*60)
		}
		total += v
		minutes = 0
	}
	t.runs(start, end, func(d Date, lo, hi time.Time) bool {
		if open && d != day {
			closeDay()
		}
		day, open = d, true
		minutes += startedMinutes(hi.Sub(lo))
		return true
	})
	if open {
		closeDay()
	}
	return RoundHalfUp(total*int64(max(percent, 0)), 60*100)
}

// ChargedMinutes returns the charged minutes of [start, end), each run of
// charging time counting its started minutes whole, before free minutes are
// taken off; 0 when end <= start.
func (t Tariff) ChargedMinutes(start, end time.Time) int {
	var n int64
	t.runs(start, end, func(_ Date, lo, hi time.Time) bool {
		n += startedMinutes(hi.Sub(lo))
		return true
	})
	return int(n)
}

// startedMinutes is d in minutes, a started minute counting whole (d > 0).
func startedMinutes(d time.Duration) int64 {
	return int64((d + time.Minute - 1) / time.Minute)
}
