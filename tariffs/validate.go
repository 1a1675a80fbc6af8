package tariffs

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalidTariff is wrapped by every error of Validate and ParseWindows.
var ErrInvalidTariff = errors.New("invalid tariff")

// Validate checks t: Location set; every window within 0..1440 with
// From < To; each weekday's windows sorted and not overlapping (touching is
// allowed); RatePerHour, DailyCap, DayPrice and FreeMinutes not negative;
// MaxDuration positive. It returns nil or an error wrapping
// ErrInvalidTariff that describes the first problem found.
func (t Tariff) Validate() error {
	if t.Location == nil {
		return fmt.Errorf("%w: no location", ErrInvalidTariff)
	}
	for wd, ws := range t.Windows {
		for i, w := range ws {
			day := time.Weekday(wd)
			if w.From < 0 || w.To > 24*60 || w.From >= w.To {
				return fmt.Errorf("%w: %s window %s: need 00:00 <= from < to <= 24:00",
					ErrInvalidTariff, day, w)
			}
			if i > 0 && w.From < ws[i-1].To {
				return fmt.Errorf("%w: %s window %s: starts before the end of %s (windows must be sorted and not overlap)",
					ErrInvalidTariff, day, w, ws[i-1])
			}
		}
	}
	switch {
	case t.RatePerHour < 0:
		return fmt.Errorf("%w: negative rate per hour %d", ErrInvalidTariff, t.RatePerHour)
	case t.DailyCap < 0:
		return fmt.Errorf("%w: negative daily cap %d", ErrInvalidTariff, t.DailyCap)
	case t.DayPrice < 0:
		return fmt.Errorf("%w: negative day price %d", ErrInvalidTariff, t.DayPrice)
	case t.FreeMinutes < 0:
		return fmt.Errorf("%w: negative free minutes %d", ErrInvalidTariff, t.FreeMinutes)
	case t.MaxDuration <= 0:
		return fmt.Errorf("%w: max duration %s is not positive", ErrInvalidTariff, t.MaxDuration)
	}
	return nil
}
