package tariffs_test

import (
	"errors"
	"reflect"
	"testing"

	"smspark/tariffs"
)

func TestParseWindows(t *testing.T) {
	w := func(fh, fm, th, tm int) tariffs.Window { return tariffs.Window{From: hm(fh, fm), To: hm(th, tm)} }
	days := func(ws []tariffs.Window, ds ...int) [7][]tariffs.Window {
		var out [7][]tariffs.Window
		for _, d := range ds {
			out[d] = ws
		}
		return out
	}
	tests := []struct {
		name  string
		specs []string
		want  [7][]tariffs.Window
	}{
		{"mon-sat", []string{"mon-sat 09:00-21:00"}, monSat(w(9, 0, 21, 0))},
		{"every day", []string{"every day 10:00-19:00"}, everyDay(w(10, 0, 19, 0))},
		{"daily", []string{"daily 10:00-19:00"}, everyDay(w(10, 0, 19, 0))},
		{"list", []string{"mon,wed 08:00-12:00"}, days([]tariffs.Window{w(8, 0, 12, 0)}, 1, 3)},
		{"list with spaces", []string{"mon, wed 08:00-12:00"}, days([]tariffs.Window{w(8, 0, 12, 0)}, 1, 3)},
		{"sunday all day", []string{"sun 00:00-24:00"}, days([]tariffs.Window{w(0, 0, 24, 0)}, 0)},
		{"full names and case", []string{"Monday-Friday 9:00-17:30"}, days([]tariffs.Window{w(9, 0, 17, 30)}, 1, 2, 3, 4, 5)},
		{"en dashes as in the spec", []string{"Mon–Sat 09:00–21:00"}, monSat(w(9, 0, 21, 0))},
		{"wrapping range", []string{"sat-mon 10:00-12:00"}, days([]tariffs.Window{w(10, 0, 12, 0)}, 6, 0, 1)},
		{"two ranges", []string{"mon 08:00-12:00,13:00-18:00"}, days([]tariffs.Window{w(8, 0, 12, 0), w(13, 0, 18, 0)}, 1)},
		{"two ranges with space", []string{"mon 08:00-12:00, 13:00-18:00"}, days([]tariffs.Window{w(8, 0, 12, 0), w(13, 0, 18, 0)}, 1)},
		{"merged and sorted", []string{"mon 13:00-18:00", "mon-tue 08:00-12:00"},
			func() [7][]tariffs.Window {
				out := days([]tariffs.Window{w(8, 0, 12, 0), w(13, 0, 18, 0)}, 1)
				out[2] = []tariffs.Window{w(8, 0, 12, 0)}
				return out
			}()},
		{"touching joined", []string{"mon 08:00-12:00", "mon 12:00-14:00"}, days([]tariffs.Window{w(8, 0, 14, 0)}, 1)},
		{"no specs", nil, [7][]tariffs.Window{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tariffs.ParseWindows(tc.specs)
			if err != nil {
				t.Fatalf("ParseWindows(%q): %v", tc.specs, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ParseWindows(%q) = %v, want %v", tc.specs, got, tc.want)
			}
		})
	}
}

func TestParseWindowsErrors(t *testing.T) {
	tests := []struct {
		name  string
		specs []string
	}{
		{"empty", []string{""}},
		{"days only", []string{"mon-sat"}},
		{"times only", []string{"09:00-21:00"}},
		{"unknown day", []string{"mon-sa 09:00-21:00"}},
		{"empty list item", []string{"mon,,wed 09:00-21:00"}},
		{"no dash", []string{"mon 09:00"}},
		{"bad minute", []string{"mon 09:60-21:00"}},
		{"bad hour", []string{"mon 25:00-26:00"}},
		{"24:30", []string{"mon 09:00-24:30"}},
		{"starts at 24:00", []string{"mon 24:00-24:00"}},
		{"crosses midnight", []string{"mon 22:00-02:00"}},
		{"empty range", []string{"mon 09:00-09:00"}},
		{"one digit minute", []string{"mon 9:0-10:00"}},
		{"sign", []string{"mon +9:00-10:00"}},
		{"overlap across specs", []string{"every day 10:00-19:00", "sat 09:00-12:00"}},
		{"overlap in one spec", []string{"mon 08:00-12:00,11:00-13:00"}},
		{"good then bad", []string{"mon 08:00-12:00", "tue 8-12"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tariffs.ParseWindows(tc.specs)
			if !errors.Is(err, tariffs.ErrInvalidTariff) {
				t.Fatalf("ParseWindows(%q) = %v, %v; want ErrInvalidTariff", tc.specs, got, err)
			}
		})
	}
}

// TestParseWindowsReference checks that the §12 windows parse to the
// reference tariffs' windows.
func TestParseWindowsReference(t *testing.T) {
	specs := map[string]string{
		"1021": "Mon–Sat 09:00–21:00",
		"1030": "Mon–Sat 09:00–21:00",
		"8370": "every day 10:00–19:00",
		"8371": "every day 09:00–18:00",
		"8500": "Mon–Sat 09:00–18:00",
		"3000": "Mon–Sat 09:00–19:00",
	}
	for code, tf := range referenceZones(t) {
		t.Run(code, func(t *testing.T) {
			got, err := tariffs.ParseWindows([]string{specs[code]})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tf.Windows) {
				t.Errorf("ParseWindows(%q) = %v, want %v", specs[code], got, tf.Windows)
			}
		})
	}
}

// FuzzParseWindows checks that ParseWindows never panics and that what it
// accepts makes a valid tariff.
func FuzzParseWindows(f *testing.F) {
	for _, s := range []string{"mon-sat 09:00-21:00", "every day 10:00-19:00", "mon,wed 08:00-12:00", "sun 00:00-24:00",
		"Mon–Sat 09:00–21:00", "sat-mon 1:00-2:00,3:00-4:00", "mon 9", "-", ", 1", "daily 24:00-24:00"} {
		f.Add(s, "tue 08:00-09:00")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		ws, err := tariffs.ParseWindows([]string{a, b})
		if err != nil {
			if !errors.Is(err, tariffs.ErrInvalidTariff) {
				t.Fatalf("error %v does not wrap ErrInvalidTariff", err)
			}
			return
		}
		tf := zoneOf(t, "1021")
		tf.Windows = ws
		if err := tf.Validate(); err != nil {
			t.Fatalf("ParseWindows(%q, %q) = %v, which does not validate: %v", a, b, ws, err)
		}
	})
}
