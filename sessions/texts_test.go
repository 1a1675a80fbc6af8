package sessions_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Brussels without the system zoneinfo

	"smspark/gsm"
	"smspark/sessions"
)

var update = flag.Bool("update", false, "rewrite golden files")

// replyLangs are the reply languages.
var replyLangs = []string{"nl", "fr", "de", "en"}

// replyOutcomes is every outcome of docs/sms.md.
var replyOutcomes = []sessions.Outcome{
	sessions.Started, sessions.AlreadyStarted, sessions.Replaced, sessions.Stopped,
	sessions.StatusReport, sessions.CredentialsSent, sessions.ConfirmationsOff,
	sessions.ConfirmationsOn, sessions.LanguageSet, sessions.VoucherStarted,
	sessions.DayTicketStarted, sessions.PermitHolder, sessions.SessionEnding,
	sessions.SessionExpired, sessions.UnknownCommand, sessions.UnknownZone,
	sessions.InvalidPlate, sessions.NoPlate, sessions.NoSession, sessions.AmbiguousStop,
	sessions.PlateTaken, sessions.RegistrationReq, sessions.LimitReached,
	sessions.VoucherUnknown, sessions.VoucherUsed, sessions.VoucherExpired,
	sessions.UnsupportedNumber, sessions.TooManyRequests,
}

func replyLoc(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// The longest values a notice carries.
const (
	longPlate    = "ABCDEFGHIJ"
	longZone     = "999999"
	longZoneName = "ABCDEFGHIJKLMNOPQRSTUVWX" // 24 characters
	longCents    = 99999999
	longPassword = "ABCDEFGHJKMNPQRS"
	longUsername = "+32499999999"
)

func longLine(loc *time.Location, i int) sessions.SessionLine {
	plate := fmt.Sprintf("%s%02d", longPlate[:8], i)
	return sessions.SessionLine{
		Plate: plate, Zone: longZone, ZoneName: longZoneName,
		Start:     time.Date(2026, 11, 23, 23, 59, 0, 0, loc),
		End:       time.Date(2026, 11, 24, 23, 59, 0, 0, loc),
		CostCents: longCents,
	}
}

// longNotices returns, for an outcome, notices with the longest values it
// can carry, one per variant of its text.
func longNotices(loc *time.Location, o sessions.Outcome, zoneName string) map[string]sessions.Notice {
	start := time.Date(2026, 11, 23, 23, 59, 0, 0, loc)
	end := start.Add(12 * time.Hour)
	ended := longLine(loc, 0)
	ended.ZoneName = zoneName
	full := sessions.Notice{
		Outcome: o, Plate: longPlate, Zone: longZone, ZoneName: zoneName,
		Start: start, End: end, RatePerHour: longCents, CostCents: longCents,
		Username: longUsername, Password: longPassword, Language: "fr",
	}
	out := map[string]sessions.Notice{"plain": full}
	switch o {
	case sessions.Started, sessions.AlreadyStarted, sessions.Replaced:
		if o == sessions.Replaced {
			full.Ended = &ended
			out["plain"] = full
		}
		v := full
		v.FreeUntil = end.Add(-time.Hour)
		out["free_until"] = v
		v = full
		v.Free = true
		out["free"] = v
	case sessions.AmbiguousStop:
		for _, n := range []int{2, 3, 10, 100} {
			v := full
			for i := range n {
				v.Sessions = append(v.Sessions, longLine(loc, i))
			}
			out[fmt.Sprintf("%d_sessions", n)] = v
		}
	case sessions.NoSession:
		v := full
		v.Plate = ""
		out["no_plate_named"] = v
	}
	return out
}

// TestRenderFitsOneSMS proves that every template, in every language,
// with the longest values it can carry, fits what a reply may take: one
// GSM 03.38 SMS of 160 septets, or, when a zone name GSM 03.38 lacks makes
// it UCS-2, at most three concatenated UCS-2 SMS of 67 characters. A name
// is never transliterated: it is shown as it is, or (when the text would
// not fit) left out for the zone code alone.
func TestRenderFitsOneSMS(t *testing.T) {
	loc := replyLoc(t)
	names := map[string]string{
		"long name":        longZoneName,
		"extension name":   strings.Repeat("€", 24),
		"non-GSM name":     "Façade côté Île-de-Maïs",
		"Polish name":      "Łęczycka Źródlana Wąska",  // 23 characters, none transliterated
		"long UCS-2 name":  "Cœur historique ŒŒŒŒŒŒŒŒ", // 24
		"realistic name":   "Blauwe zone",
		"without the name": "",
	}
	for _, lang := range replyLangs {
		for _, o := range replyOutcomes {
			if o == sessions.StatusReport {
				continue // TestRenderStatus
			}
			for nameCase, zoneName := range names {
				for variant, n := range longNotices(loc, o, zoneName) {
					t.Run(fmt.Sprintf("%s/%s/%s/%s", lang, o, variant, nameCase), func(t *testing.T) {
						text := sessions.Render(lang, loc, n)
						if strings.ContainsAny(text, "{}") {
							t.Errorf("placeholder left:\n%s", text)
						}
						if tr := gsm.ToGSM(zoneName); tr != zoneName && strings.Contains(text, tr) {
							t.Errorf("zone name %q transliterated:\n%s", zoneName, text)
						}
						if k, ok := gsm.Septets(text); ok {
							if k > gsm.MaxSeptets {
								t.Errorf("GSM 03.38: %d septets, over %d:\n%s", k, gsm.MaxSeptets, text)
							}
							return
						}
						if gsm.IsGSM(zoneName) {
							t.Fatalf("UCS-2 with a GSM 03.38 name: the wording left the alphabet:\n%s", text)
						}
						if parts := gsm.SplitUCS2(text); len(parts) > 3 {
							t.Errorf("UCS-2: %d units in %d parts, over 3:\n%s", gsm.Units(text), len(parts), text)
						}
					})
				}
			}
		}
	}
}

// TestRenderContents checks that each reply says what docs/sms.md asks of it.
func TestRenderContents(t *testing.T) {
	loc := replyLoc(t)
	for _, lang := range replyLangs {
		for _, o := range replyOutcomes {
			for _, g := range goldenNotices(loc, o) {
				t.Run(lang+"/"+g.name, func(t *testing.T) {
					text := sessions.Render(lang, loc, g.n)
					for _, want := range g.mentions[lang] {
						if !strings.Contains(text, want) {
							t.Errorf("text does not mention %q:\n%s", want, text)
						}
					}
					for _, want := range g.mentions["*"] {
						if !strings.Contains(text, want) {
							t.Errorf("text does not mention %q:\n%s", want, text)
						}
					}
				})
			}
		}
	}
}

// TestRenderStatus proves that a status reply takes at most three
// concatenated SMS, with the sessions that do not fit summarised.
func TestRenderStatus(t *testing.T) {
	loc := replyLoc(t)
	more := map[string]string{"nl": "en nog %d andere", "fr": "et %d autres", "de": "und %d weitere", "en": "and %d more"}
	for _, lang := range replyLangs {
		for _, count := range []int{0, 1, 3, 20, 1000} {
			t.Run(fmt.Sprintf("%s/%d", lang, count), func(t *testing.T) {
				n := sessions.Notice{Outcome: sessions.StatusReport}
				for i := range count {
					n.Sessions = append(n.Sessions, longLine(loc, i))
				}
				text := sessions.Render(lang, loc, n)
				if _, err := gsm.Encode(text); err != nil {
					t.Fatalf("not GSM 03.38: %v\n%s", err, text)
				}
				parts, _ := gsm.Split(text)
				if len(parts) > 3 {
					t.Fatalf("%d parts:\n%s", len(parts), text)
				}
				shown := 0
				for i, l := range n.Sessions {
					if strings.Contains(text, l.Plate) {
						if i != shown {
							t.Fatalf("session %d shown after a gap:\n%s", i, text)
						}
						shown++
					}
				}
				summary := fmt.Sprintf(more[lang], count-shown)
				switch {
				case count <= 3 && shown != count:
					t.Errorf("%d of %d sessions shown:\n%s", shown, count, text)
				case shown < count && !strings.HasSuffix(text, summary):
					t.Errorf("%d of %d sessions shown, no %q:\n%s", shown, count, summary, text)
				case shown == count && strings.Contains(text, fmt.Sprintf(more[lang], 0)):
					t.Errorf("summary of nothing:\n%s", text)
				}
				if count == 20 {
					if shown < 3 || len(parts) != 3 {
						t.Errorf("%d sessions of 20 shown in %d parts:\n%s", shown, len(parts), text)
					}
				}
			})
		}
	}
}

// TestRenderAmounts checks amounts as each language writes them.
func TestRenderAmounts(t *testing.T) {
	loc := replyLoc(t)
	tests := []struct {
		cents  int64
		nl, en string
	}{
		{0, "€ 0,00", "€0.00"},
		{5, "€ 0,05", "€0.05"},
		{283, "€ 2,83", "€2.83"},
		{1125, "€ 11,25", "€11.25"},
		{123456, "€ 1.234,56", "€1,234.56"},
		{99999999, "€ 999.999,99", "€999,999.99"},
		{-250, "€ -2,50", "€-2.50"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.cents), func(t *testing.T) {
			n := sessions.Notice{Outcome: sessions.Stopped, Plate: "1ABC123", Zone: "1021",
				ZoneName: "Louise", CostCents: tt.cents}
			for lang, want := range map[string]string{"nl": tt.nl, "fr": tt.nl, "de": tt.nl, "en": tt.en} {
				if text := sessions.Render(lang, loc, n); !strings.Contains(text, want+".") {
					t.Errorf("%s: %q does not contain %q", lang, text, want)
				}
			}
		})
	}
}

// TestRenderTimes checks times as HH:MM in Brussels, in winter and summer.
func TestRenderTimes(t *testing.T) {
	loc := replyLoc(t)
	tests := []struct {
		name       string
		start, end time.Time
		want       string
	}{
		{"winter", time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), time.Date(2026, 11, 23, 10, 8, 0, 0, time.UTC), "10:00-11:08"},
		{"summer", time.Date(2026, 7, 6, 8, 0, 0, 0, time.UTC), time.Date(2026, 7, 6, 9, 8, 0, 0, time.UTC), "10:00-11:08"},
		{"across DST end", time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC), "02:30-02:30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := sessions.Notice{Outcome: sessions.Stopped, Plate: "1ABC123", Zone: "1021",
				ZoneName: "Louise", Start: tt.start, End: tt.end, CostCents: 283}
			if text := sessions.Render("en", loc, n); !strings.Contains(text, tt.want) {
				t.Errorf("%q does not contain %q", text, tt.want)
			}
		})
	}
	t.Run("nil location is UTC", func(t *testing.T) {
		n := sessions.Notice{Outcome: sessions.SessionEnding, Plate: "1ABC123", Zone: "1021",
			End: time.Date(2026, 11, 23, 13, 30, 0, 0, loc)}
		if text := sessions.Render("en", nil, n); !strings.Contains(text, "12:30") {
			t.Errorf("%q does not contain 12:30", text)
		}
	})
}

func TestRenderLanguage(t *testing.T) {
	loc := replyLoc(t)
	n := sessions.Notice{Outcome: sessions.NoSession}
	nl := sessions.Render("nl", loc, n)
	tests := []struct {
		name, lang, want string
	}{
		{"unknown language is Dutch", "xx", nl},
		{"empty language is Dutch", "", nl},
		{"upper case", "EN", sessions.Render("en", loc, n)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sessions.Render(tt.lang, loc, n); got != tt.want {
				t.Errorf("Render(%q) = %q, want %q", tt.lang, got, tt.want)
			}
		})
	}
	t.Run("language_set speaks the new language", func(t *testing.T) {
		set := sessions.Notice{Outcome: sessions.LanguageSet, Language: "de"}
		if got, want := sessions.Render("nl", loc, set), sessions.Render("de", loc, set); got != want {
			t.Errorf("language_set to de rendered %q, want %q", got, want)
		}
	})
	t.Run("unknown outcome says how to park", func(t *testing.T) {
		got := sessions.Render("en", loc, sessions.Notice{Outcome: "bogus"})
		want := sessions.Render("en", loc, sessions.Notice{Outcome: sessions.UnknownCommand})
		if got != want {
			t.Errorf("unknown outcome rendered %q, want %q", got, want)
		}
	})
}

func TestRenderZoneNames(t *testing.T) {
	loc := replyLoc(t)
	for _, name := range []string{"Façade", "Cœur historique", "Łęczycka"} {
		n := sessions.Notice{Outcome: sessions.Stopped, Plate: "1ABC123", Zone: "1021", ZoneName: name, CostCents: 283}
		text := sessions.Render("en", loc, n)
		if !strings.Contains(text, "1021 "+name) {
			t.Errorf("zone name %q not shown as it is (no transliteration): %q", name, text)
		}
	}
	n := sessions.Notice{Outcome: sessions.Stopped, Plate: "1ABC123", Zone: "1021", CostCents: 283}
	n.ZoneName = longZoneName
	n.Plate = longPlate
	text := sessions.Render("en", loc, n)
	if !strings.Contains(text, "zone 1021 "+longZoneName) {
		t.Errorf("zone name dropped from a text that fits: %q", text)
	}
}

// golden is a notice rendered into a golden file.
type golden struct {
	name     string
	n        sessions.Notice
	mentions map[string][]string // per language, "*" for all: what the text must say
}

// goldenNotices returns realistic notices of an outcome: the worked
// example of docs/tariffs.md (1ABC123 in 1021 Louise, Monday 2026-11-23 10:00).
func goldenNotices(loc *time.Location, o sessions.Outcome) []golden {
	at := func(h, m int) time.Time { return time.Date(2026, 11, 23, h, m, 0, 0, loc) }
	base := sessions.Notice{Outcome: o, Plate: "1ABC123", Zone: "1021", ZoneName: "Louise",
		Start: at(10, 0), End: at(14, 30), RatePerHour: 250}
	g := golden{name: string(o), n: base}
	switch o {
	case sessions.Started:
		free := base
		free.Free = true
		until := base
		until.Start, until.FreeUntil, until.End = at(7, 30), at(9, 0), at(12, 0)
		return []golden{
			{string(o), base, map[string][]string{"*": {"1ABC123", "1021 Louise", "10:00", "14:30", "Q", "4411"},
				"nl": {"€ 2,50/uur"}, "fr": {"€ 2,50/h"}, "de": {"€ 2,50/Std."}, "en": {"€2.50/h"}}},
			{string(o) + ".free_until", until, map[string][]string{"*": {"07:30", "09:00", "12:00"},
				"nl": {"Gratis tot 09:00"}, "fr": {"Gratuit jusqu'à 09:00"}, "de": {"Kostenlos bis 09:00"}, "en": {"Free until 09:00"}}},
			{string(o) + ".free", free, map[string][]string{
				"nl": {"gratis"}, "fr": {"gratuit"}, "de": {"kostenlos"}, "en": {"free"}}},
		}
	case sessions.AlreadyStarted:
		g.mentions = map[string][]string{"*": {"1ABC123", "1021 Louise", "10:00"}}
	case sessions.Replaced:
		g.n.Ended = &sessions.SessionLine{Plate: "2XYZ789", Zone: "1030", ZoneName: "Centre",
			Start: at(9, 15), End: at(10, 0), CostCents: 225}
		g.mentions = map[string][]string{"*": {"2XYZ789", "1030 Centre", "1ABC123", "1021 Louise", "10:00", "14:30"},
			"nl": {"€ 2,25"}, "fr": {"€ 2,25"}, "de": {"€ 2,25"}, "en": {"€2.25"}}
	case sessions.Stopped:
		g.n.End, g.n.CostCents = at(11, 8), 283
		g.mentions = map[string][]string{"*": {"1ABC123", "1021 Louise", "10:00-11:08"},
			"nl": {"€ 2,83"}, "fr": {"€ 2,83"}, "de": {"€ 2,83"}, "en": {"€2.83"}}
	case sessions.StatusReport:
		two := base
		two.Sessions = []sessions.SessionLine{
			{Plate: "1ABC123", Zone: "1021", ZoneName: "Louise", Start: at(10, 0), CostCents: 283},
			{Plate: "2XYZ789", Zone: "8370", ZoneName: "Centrum", Start: at(10, 30), CostCents: 125},
		}
		one := base
		one.Sessions = two.Sessions[:1]
		none := base
		return []golden{
			{string(o), two, map[string][]string{"*": {"1ABC123", "1021 Louise", "10:00", "2XYZ789", "8370 Centrum", "10:30"},
				"nl": {"€ 2,83", "€ 1,25"}, "en": {"€2.83", "€1.25"}}},
			{string(o) + ".one", one, map[string][]string{"*": {"1ABC123", "1021 Louise", "10:00"}}},
			{string(o) + ".none", none, nil},
		}
	case sessions.CredentialsSent:
		g.n.Username, g.n.Password = "+32470123456", "K7mPq9XwR4tZ"
		g.mentions = map[string][]string{"*": {"+32470123456", "K7mPq9XwR4tZ"}}
	case sessions.ConfirmationsOff, sessions.ConfirmationsOn:
		g.mentions = map[string][]string{"*": {"C1"}}
	case sessions.LanguageSet:
		g.n.Language = ""
	case sessions.VoucherStarted:
		g.n.Zone, g.n.ZoneName, g.n.End = "8371", "Blauwe zone", at(22, 0)
		g.mentions = map[string][]string{"*": {"1ABC123", "8371 Blauwe zone", "22:00"}}
	case sessions.DayTicketStarted:
		g.n.End, g.n.CostCents = at(21, 0), 1500
		g.mentions = map[string][]string{"*": {"1ABC123", "1021 Louise", "21:00"},
			"nl": {"€ 15,00"}, "en": {"€15.00"}}
	case sessions.PermitHolder:
		g.n.Zone, g.n.ZoneName = "3000", "Centrum"
		g.mentions = map[string][]string{"*": {"1ABC123", "3000 Centrum"}}
	case sessions.SessionEnding:
		g.n.CostCents = 1042
		g.mentions = map[string][]string{"*": {"1ABC123", "1021 Louise", "14:30"}}
	case sessions.SessionExpired:
		g.n.CostCents = 1125
		g.mentions = map[string][]string{"*": {"1ABC123", "1021 Louise", "10:00-14:30"},
			"nl": {"€ 11,25"}, "en": {"€11.25"}}
	case sessions.UnknownCommand:
		g.mentions = map[string][]string{"*": {"1021 1ABC123", "Q", "4411"},
			"nl": {"<zone> <nummerplaat>"}, "fr": {"<zone> <plaque>"}, "de": {"<Zone> <Kennzeichen>"}, "en": {"<zone> <plate>"}}
	case sessions.UnknownZone:
		g.n = sessions.Notice{Outcome: o, Zone: "9999"}
		g.mentions = map[string][]string{"*": {"9999"}}
	case sessions.NoSession:
		named := g
		named.name += ".plate"
		named.n = sessions.Notice{Outcome: o, Plate: "1ABC123"}
		named.mentions = map[string][]string{"*": {"1ABC123"}}
		g.n = sessions.Notice{Outcome: o}
		return []golden{g, named}
	case sessions.AmbiguousStop:
		g.n = sessions.Notice{Outcome: o, Sessions: []sessions.SessionLine{
			{Plate: "1ABC123"}, {Plate: "2XYZ789"}, {Plate: "3DEF456"}}}
		g.mentions = map[string][]string{"*": {"1ABC123, 2XYZ789, 3DEF456", "Q 1ABC123"},
			"nl": {"Q <nummerplaat>"}, "fr": {"Q <plaque>"}, "de": {"Q <Kennzeichen>"}, "en": {"Q <plate>"}}
	case sessions.PlateTaken:
		g.n = sessions.Notice{Outcome: o, Plate: "1ABC123"}
		g.mentions = map[string][]string{"*": {"1ABC123"}}
	case sessions.RegistrationReq:
		g.n = sessions.Notice{Outcome: o}
		g.mentions = map[string][]string{"*": {"Premium", "www.4411.be"}}
	case sessions.LimitReached:
		g.n = sessions.Notice{Outcome: o}
		g.mentions = map[string][]string{"*": {"Premium"},
			"nl": {"maandlimiet"}, "fr": {"plafond mensuel"}, "de": {"monatliches Limit"}, "en": {"monthly mobile payment limit"}}
	case sessions.TooManyRequests:
		g.n = sessions.Notice{Outcome: o}
		g.mentions = map[string][]string{"*": {"PASS"}}
	default:
		g.n = sessions.Notice{Outcome: o}
	}
	return []golden{g}
}

// TestRenderGolden compares the replies with realistic values to
// testdata/replies/<lang>/<outcome>.txt; go test -update rewrites them.
func TestRenderGolden(t *testing.T) {
	loc := replyLoc(t)
	for _, lang := range replyLangs {
		for _, o := range replyOutcomes {
			for _, g := range goldenNotices(loc, o) {
				t.Run(lang+"/"+g.name, func(t *testing.T) {
					text := sessions.Render(lang, loc, g.n)
					path := filepath.Join("testdata", "replies", lang, g.name+".txt")
					if *update {
						if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
							t.Fatal(err)
						}
						if err := os.WriteFile(path, []byte(text+"\n"), 0o644); err != nil {
							t.Fatal(err)
						}
						return
					}
					want, err := os.ReadFile(path)
					if err != nil {
						t.Fatalf("%v (run go test ./sessions -run TestRenderGolden -update)", err)
					}
					if got := text + "\n"; got != string(want) {
						t.Errorf("%s differs:\ngot:\n%s\nwant:\n%s", path, got, want)
					}
				})
			}
		}
	}
}
