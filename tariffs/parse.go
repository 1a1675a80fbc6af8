package tariffs

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// String writes the window as "09:00-21:00".
func (w Window) String() string {
	return formatMinute(w.From) + "-" + formatMinute(w.To)
}

func formatMinute(m int) string {
	if m < 0 || m > 24*60 {
		return "minute " + strconv.Itoa(m)
	}
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}

// dayName returns the weekday of an accepted (lower-case) day name.
func dayName(s string) (time.Weekday, bool) {
	switch s {
	case "sun", "sunday":
		return time.Sunday, true
	case "mon", "monday":
		return time.Monday, true
	case "tue", "tues", "tuesday":
		return time.Tuesday, true
	case "wed", "wednesday":
		return time.Wednesday, true
	case "thu", "thur", "thurs", "thursday":
		return time.Thursday, true
	case "fri", "friday":
		return time.Friday, true
	case "sat", "saturday":
		return time.Saturday, true
	}
	return 0, false
}

// ParseWindows parses charging-window specs, as written in config, into
// the per-weekday form of Tariff.Windows. A spec is days then one or more
// time ranges:
//
//	mon-sat 09:00-21:00
//	every day 10:00-19:00          ("daily" works too)
//	mon,wed 08:00-12:00
//	mon-fri 08:00-12:00,13:00-18:00
//	sun 00:00-24:00
//
// Day names are English, three letters or in full, case-insensitive; a
// range may wrap around the week (sat-mon). Times are H:MM or HH:MM, 24:00
// only as an end; a range must not cross midnight. An en dash may stand for
// the hyphen. The windows of all specs are merged per weekday, sorted, and
// touching windows joined; windows that overlap are an error. No specs give
// a tariff that never charges.
//
// Errors wrap ErrInvalidTariff and name the offending spec.
func ParseWindows(specs []string) ([7][]Window, error) {
	var out [7][]Window
	for _, spec := range specs {
		days, windows, err := parseSpec(spec)
		if err != nil {
			return [7][]Window{}, fmt.Errorf("%w: windows %q: %w", ErrInvalidTariff, spec, err)
		}
		for d := range out {
			if days[d] {
				out[d] = append(out[d], windows...)
			}
		}
	}
	for d, ws := range out {
		slices.SortFunc(ws, func(a, b Window) int { return a.From - b.From })
		merged := ws[:0]
		for _, w := range ws {
			if n := len(merged); n > 0 {
				last := &merged[n-1]
				if w.From < last.To {
					return [7][]Window{}, fmt.Errorf("%w: windows %s and %s overlap on %s",
						ErrInvalidTariff, *last, w, time.Weekday(d))
				}
				if w.From == last.To {
					last.To = w.To
					continue
				}
			}
			merged = append(merged, w)
		}
		out[d] = merged
	}
	return out, nil
}

// parseSpec parses one spec into its set of weekdays and its windows.
func parseSpec(spec string) (days [7]bool, windows []Window, err error) {
	s := strings.ToLower(strings.TrimSpace(spec))
	s = strings.NewReplacer("–", "-", "—", "-").Replace(s)
	fields := strings.Fields(s)
	split := slices.IndexFunc(fields, func(f string) bool { return f[0] >= '0' && f[0] <= '9' })
	if split < 0 {
		return days, nil, fmt.Errorf("no time range (want e.g. \"mon-sat 09:00-21:00\")")
	}
	if split == 0 {
		return days, nil, fmt.Errorf("no days before the time range")
	}
	if days, err = parseDays(strings.Join(fields[:split], " ")); err != nil {
		return days, nil, err
	}
	for _, r := range strings.Split(strings.Join(fields[split:], ","), ",") {
		if r == "" {
			continue
		}
		w, err := parseRange(r)
		if err != nil {
			return days, nil, err
		}
		windows = append(windows, w)
	}
	if len(windows) == 0 {
		return days, nil, fmt.Errorf("no time range")
	}
	return days, windows, nil
}

// parseDays parses "every day", "daily" or a comma-separated list of days
// and day ranges.
func parseDays(s string) (days [7]bool, err error) {
	if s == "every day" || s == "daily" || s == "everyday" {
		for d := range days {
			days[d] = true
		}
		return days, nil
	}
	for item := range strings.SplitSeq(strings.ReplaceAll(s, " ", ""), ",") {
		first, last, isRange := strings.Cut(item, "-")
		from, ok := dayName(first)
		if !ok {
			return days, fmt.Errorf("unknown day %q", first)
		}
		to := from
		if isRange {
			if to, ok = dayName(last); !ok {
				return days, fmt.Errorf("unknown day %q", last)
			}
		}
		for d := from; ; d = (d + 1) % 7 {
			days[d] = true
			if d == to {
				break
			}
		}
	}
	return days, nil
}

// parseRange parses "09:00-21:00".
func parseRange(s string) (Window, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return Window{}, fmt.Errorf("time range %q: want HH:MM-HH:MM", s)
	}
	from, err := parseClock(a)
	if err != nil {
		return Window{}, fmt.Errorf("time range %q: %w", s, err)
	}
	to, err := parseClock(b)
	if err != nil {
		return Window{}, fmt.Errorf("time range %q: %w", s, err)
	}
	if from >= to {
		return Window{}, fmt.Errorf("time range %q: must end after it starts, on the same day", s)
	}
	return Window{From: from, To: to}, nil
}

// parseClock parses H:MM or HH:MM (00:00 to 24:00) into minutes after midnight.
func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 || !digits(h) || !digits(m) {
		return 0, fmt.Errorf("bad time %q: want HH:MM", s)
	}
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	if mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("bad time %q: want 00:00 to 24:00", s)
	}
	return hh*60 + mm, nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
