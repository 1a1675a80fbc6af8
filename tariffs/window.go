package tariffs

import "time"

// Charging windows are read on the local wall clock of t.Location: an
// instant charges when its local date is not a holiday and its local
// time of day (hh:mm:ss on the wall clock) lies in one of the windows of its
// local weekday. On the day clocks go forward a window boundary inside the
// skipped hour therefore falls on the first instant after the gap
// (02:30 → 03:00 CEST), and on the day they go back the repeated hour
// charges each time the wall clock shows a charging time. Every instant is
// counted at most once, and no window yields a negative piece.

const (
	secondsPerDay = 24 * 60 * 60
	// lookAhead is how far NextCharge searches.
	lookAhead = 14 * 24 * time.Hour
)

// loc returns the tariff's location, UTC when it is unset (an invalid tariff;
// see Validate), so that no method panics on it.
func (t Tariff) loc() *time.Location {
	if t.Location == nil {
		return time.UTC
	}
	return t.Location
}

// Charging reports whether the instant at lies inside a charging window of
// t (a window of a zone whose rate is 0 still counts). Nothing charges on a
// holiday. The time zone of at does not matter, only the instant.
func (t Tariff) Charging(at time.Time) bool {
	lt := at.In(t.loc())
	y, m, d := lt.Date()
	if t.Holidays[Date{y, m, d}] {
		return false
	}
	h, mi, s := lt.Clock()
	sec := h*3600 + mi*60 + s
	for _, w := range t.Windows[lt.Weekday()] {
		if w.From*60 <= sec && sec < w.To*60 {
			return true
		}
	}
	return false
}

// NextCharge returns the first instant at or after at that lies in a
// charging window (at itself when it charges), in t.Location, searching at
// most 14 days ahead. ok is false when there is none in that time, e.g. for
// a zone that never charges. A session started at `at` is free until next.
func (t Tariff) NextCharge(at time.Time) (next time.Time, ok bool) {
	t.runs(at, at.Add(lookAhead), func(_ Date, lo, _ time.Time) bool {
		next, ok = lo.In(t.loc()), true
		return false
	})
	return next, ok
}

// DayEnd returns, in t.Location, the end of the last charging window of
// at's local day that ends after at: the end of a day ticket bought at
// `at`. ok is false when no charging remains that day (after the last
// window, on a day without windows, on a holiday).
func (t Tariff) DayEnd(at time.Time) (end time.Time, ok bool) {
	day := DateOf(at, t.loc())
	// Any local day is over within 48 hours of one of its instants.
	t.runs(at, at.Add(48*time.Hour), func(d Date, _, hi time.Time) bool {
		if d != day {
			return false
		}
		end, ok = hi.In(t.loc()), true
		return true
	})
	return end, ok
}

// runs calls yield, in chronological order, for each maximal run [lo, hi)
// of charging instants of [s, e) within one local date d, until yield
// returns false. Runs of different dates are reported separately even when
// they touch at midnight. The tariff's windows must be sorted and disjoint
// per weekday (see Validate); they are clamped to 0..1440.
func (t Tariff) runs(s, e time.Time, yield func(d Date, lo, hi time.Time) bool) {
	if !s.Before(e) || t.neverCharges() {
		return
	}
	var (
		pending  bool // a run waits in pDate, pLo, pHi
		pDate    Date
		pLo, pHi time.Time
		stop     bool // yield returned false
		loc      = t.loc()
	)
	emit := func(d Date, lo, hi time.Time) {
		if pending && d == pDate && lo.Equal(pHi) {
			pHi = hi
			return
		}
		if pending && !yield(pDate, pLo, pHi) {
			stop = true
			return
		}
		pending, pDate, pLo, pHi = true, d, lo, hi
	}
	// Walk [s, e) in periods of constant UTC offset; inside one, the wall
	// clock is the instant plus the offset, so local days and windows are
	// plain arithmetic.
	for p := s; p.Before(e) && !stop; {
		lp := p.In(loc)
		_, offset := lp.Zone()
		_, zoneEnd := lp.ZoneBounds()
		b := e
		if zoneEnd.After(p) && zoneEnd.Before(e) {
			b = zoneEnd
		}
		off := int64(offset)
		for day := floorDiv(p.Unix()+off, secondsPerDay); !stop; day++ {
			wallMidnight := day * secondsPerDay
			if !time.Unix(wallMidnight-off, 0).Before(b) {
				break
			}
			civil := time.Unix(wallMidnight, 0).UTC()
			y, m, d := civil.Date()
			date := Date{y, m, d}
			if t.Holidays[date] {
				continue
			}
			for _, w := range t.Windows[civil.Weekday()] {
				from, to := clampMinute(w.From), clampMinute(w.To)
				if from >= to {
					continue
				}
				lo := time.Unix(wallMidnight+int64(from)*60-off, 0)
				hi := time.Unix(wallMidnight+int64(to)*60-off, 0)
				if lo.Before(p) {
					lo = p
				}
				if hi.After(b) {
					hi = b
				}
				if lo.Before(hi) {
					emit(date, lo, hi)
					if stop {
						break
					}
				}
			}
		}
		p = b
	}
	if pending && !stop {
		yield(pDate, pLo, pHi)
	}
}

func clampMinute(m int) int {
	return min(max(m, 0), 24*60)
}

// floorDiv divides rounding towards -∞ (b > 0).
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}

// neverCharges reports whether t has no window on any weekday.
func (t Tariff) neverCharges() bool {
	for _, ws := range t.Windows {
		if len(ws) > 0 {
			return false
		}
	}
	return true
}
