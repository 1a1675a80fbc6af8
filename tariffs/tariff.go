// Package tariffs holds the cities, zones and charging rules of smspark and
// computes what a parking interval costs. It is pure domain: it imports only
// the standard library, works in integer cents and in an explicit time zone.
package tariffs

import (
	"errors"
	"fmt"
	"time"
)

// Date is a calendar date in a zone's local time (used for public holidays).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the local calendar date of t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

// Midnight returns the start of the day d in loc.
func (d Date) Midnight(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// ErrInvalidDate means a date is malformed, or outside what a caller
// accepts (in the past, too far ahead).
var ErrInvalidDate = errors.New("invalid date")

// ParseDate reads a local date "YYYY-MM-DD". Returns ErrInvalidDate.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%w: %q: want YYYY-MM-DD", ErrInvalidDate, s)
	}
	return Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, nil
}

// String writes the date as YYYY-MM-DD.
func (d Date) String() string {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// Window is a charging window within one local day, in minutes after local
// midnight: charging applies in [From, To). 0 <= From < To <= 1440.
type Window struct {
	From int
	To   int
}

// Tariff is what a zone charges and when.
type Tariff struct {
	// Location is the time zone the windows and days are read in
	// (Europe/Brussels for every Belgian zone). Never nil in a valid tariff.
	Location *time.Location
	// Windows holds the charging windows of each weekday, indexed by
	// time.Weekday (Sunday = 0). Windows of a day are sorted and disjoint.
	Windows [7][]Window
	// Holidays are local dates on which nothing is charged.
	Holidays map[Date]bool
	// RatePerHour is the hourly rate in cents.
	RatePerHour int64
	// FreeMinutes: the first N charged minutes of every session are free.
	FreeMinutes int
	// DailyCap, in cents, caps the cost of a session per local calendar day;
	// 0 means no cap.
	DailyCap int64
	// MaxDuration is the longest a session may run.
	MaxDuration time.Duration
	// DayPrice, in cents, is the price of a day ticket; 0 means the zone
	// offers none.
	DayPrice int64
}

// Zone is a parking zone of a city, known by its numeric code.
type Zone struct {
	Code     string // digits only, 3 to 6 of them, e.g. "1021"
	Name     string // e.g. "Louise"
	City     string // the city's name, e.g. "Brussels"
	Language string // default reply language: nl, fr, de or en
	Tariff   Tariff
}

// City groups zones under one municipality's rules.
type City struct {
	Name     string
	Language string // nl, fr, de or en
	// FirstUseFree says whether a number that never parked gets its first
	// session free in this city.
	FirstUseFree bool
	Zones        []Zone
}

// ZoneNamer returns a function naming zone codes from a zone lookup ("" for
// an unknown code or a nil lookup): statements name the zones they list.
func ZoneNamer(zones func(code string) (Zone, bool)) func(string) string {
	return func(code string) string {
		if zones == nil {
			return ""
		}
		z, _ := zones(code)
		return z.Name
	}
}
