package tariffs

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalidDate means a date is not a date, or not one a request may
// name (in the past, too far ahead).
var ErrInvalidDate = errors.New("invalid date")

// ParseDate reads a local date "YYYY-MM-DD". Returns ErrInvalidDate.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%w: %q: want YYYY-MM-DD", ErrInvalidDate, s)
	}
	return Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, nil
}

// Midnight returns the local midnight that starts d in loc.
func (d Date) Midnight(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}
