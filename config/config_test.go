package config_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"smspark/config"
	"smspark/tariffs"
)

// windows builds the per-weekday windows of one range on the given days.
func windows(from, to string, days ...time.Weekday) [7][]tariffs.Window {
	var w [7][]tariffs.Window
	for _, d := range days {
		w[d] = []tariffs.Window{{From: minutes(from), To: minutes(to)}}
	}
	return w
}

func minutes(hhmm string) int {
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		panic(err)
	}
	return t.Hour()*60 + t.Minute()
}

var (
	monSat   = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}
	everyDay = append([]time.Weekday{time.Sunday}, monSat...)
)

// sameWindows compares windows treating nil and empty days alike.
func sameWindows(a, b [7][]tariffs.Window) bool {
	for d := range a {
		if !slices.Equal(a[d], b[d]) {
			return false
		}
	}
	return true
}

func TestDefaultTopLevel(t *testing.T) {
	c := config.Default()
	if c.File != "" {
		t.Errorf("File = %q, want empty for the embedded default", c.File)
	}
	if c.Location == nil || c.Location.String() != "Europe/Brussels" {
		t.Errorf("Location = %v, want Europe/Brussels", c.Location)
	}
	if c.DefaultLanguage != "nl" {
		t.Errorf("DefaultLanguage = %q, want nl", c.DefaultLanguage)
	}
	wantHolidays := []tariffs.Date{{Year: 2026, Month: 12, Day: 25}, {Year: 2027, Month: 1, Day: 1}}
	if !slices.Equal(c.Holidays, wantHolidays) {
		t.Errorf("Holidays = %v, want %v", c.Holidays, wantHolidays)
	}
	wantOps := map[string]config.Operator{
		"proximus": {Name: "proximus", OperatorBilling: true, MobilePaymentLimit: 10000},
		"orange":   {Name: "orange", OperatorBilling: true, MobilePaymentLimit: 10000},
		"base":     {Name: "base"},
		"telenet":  {Name: "telenet"},
	}
	if !reflect.DeepEqual(c.Operators, wantOps) {
		t.Errorf("Operators = %+v, want %+v", c.Operators, wantOps)
	}
	if len(c.SMSCs) != 0 {
		t.Errorf("SMSCs = %v, want none", c.SMSCs)
	}
	if c.HTTP.Listen != "127.0.0.1:8080" {
		t.Errorf("HTTP.Listen = %q", c.HTTP.Listen)
	}
	if c.DataDir != "/var/lib/smspark" {
		t.Errorf("DataDir = %q", c.DataDir)
	}
	wantCities := []struct {
		name, lang string
		free       bool
	}{
		{"Brussels", "fr", true},
		{"Blankenberge", "nl", true},
		{"Kortrijk", "nl", false},
		{"Leuven", "nl", false},
	}
	if len(c.Cities) != len(wantCities) {
		t.Fatalf("%d cities, want %d", len(c.Cities), len(wantCities))
	}
	for i, w := range wantCities {
		got := c.Cities[i]
		if got.Name != w.name || got.Language != w.lang || got.FirstUseFree != w.free {
			t.Errorf("city %d = %s/%s/first use free %v, want %s/%s/%v",
				i, got.Name, got.Language, got.FirstUseFree, w.name, w.lang, w.free)
		}
	}
}

func TestDefaultZones(t *testing.T) {
	tests := []struct {
		code, name, city, lang string
		windows                [7][]tariffs.Window
		rate                   int64
		freeMinutes            int
		dailyCap               int64
		maxDuration            time.Duration
		dayPrice               int64
	}{
		{"1021", "Louise", "Brussels", "fr", windows("09:00", "21:00", monSat...), 250, 0, 0, 4*time.Hour + 30*time.Minute, 1500},
		{"1030", "Centre", "Brussels", "fr", windows("09:00", "21:00", monSat...), 300, 0, 0, 2 * time.Hour, 1800},
		{"8370", "Centrum", "Blankenberge", "nl", windows("10:00", "19:00", everyDay...), 200, 0, 1200, 10 * time.Hour, 0},
		{"8371", "Blauwe zone", "Blankenberge", "nl", windows("09:00", "18:00", everyDay...), 0, 0, 0, 12 * time.Hour, 0},
		{"8500", "Centrum", "Kortrijk", "nl", windows("09:00", "18:00", monSat...), 150, 30, 0, 2 * time.Hour, 0},
		{"3000", "Centrum", "Leuven", "nl", windows("09:00", "19:00", monSat...), 220, 0, 800, 8 * time.Hour, 800},
	}
	c := config.Default()
	n := 0
	for _, city := range c.Cities {
		n += len(city.Zones)
	}
	if n != len(tests) {
		t.Errorf("%d zones, want %d", n, len(tests))
	}
	holidays := map[tariffs.Date]bool{{Year: 2026, Month: 12, Day: 25}: true, {Year: 2027, Month: 1, Day: 1}: true}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			z, ok := c.Zone(tt.code)
			if !ok {
				t.Fatalf("Zone(%q) not found", tt.code)
			}
			tr := z.Tariff
			if z.Code != tt.code || z.Name != tt.name || z.City != tt.city || z.Language != tt.lang {
				t.Errorf("zone = %s %q %s %s, want %s %q %s %s", z.Code, z.Name, z.City, z.Language, tt.code, tt.name, tt.city, tt.lang)
			}
			if !sameWindows(tr.Windows, tt.windows) {
				t.Errorf("Windows = %v, want %v", tr.Windows, tt.windows)
			}
			if tr.RatePerHour != tt.rate || tr.FreeMinutes != tt.freeMinutes || tr.DailyCap != tt.dailyCap ||
				tr.MaxDuration != tt.maxDuration || tr.DayPrice != tt.dayPrice {
				t.Errorf("tariff = rate %d free %d cap %d max %s day %d, want %d %d %d %s %d",
					tr.RatePerHour, tr.FreeMinutes, tr.DailyCap, tr.MaxDuration, tr.DayPrice,
					tt.rate, tt.freeMinutes, tt.dailyCap, tt.maxDuration, tt.dayPrice)
			}
			if tr.Location == nil || tr.Location.String() != "Europe/Brussels" {
				t.Errorf("Location = %v", tr.Location)
			}
			if !reflect.DeepEqual(tr.Holidays, holidays) {
				t.Errorf("Holidays = %v, want %v", tr.Holidays, holidays)
			}
			if err := tr.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}

// TestDefaultWorkedExamples checks the reference figures against docs/tariffs.md's
// worked examples.
func TestDefaultWorkedExamples(t *testing.T) {
	c := config.Default()
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, c.Location)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		name, zone, start, end string
		want                   int64
	}{
		{"1021 68 minutes", "1021", "2026-11-23 10:00", "2026-11-23 11:08", 283},
		{"8500 free minutes", "8500", "2026-11-23 10:00", "2026-11-23 10:45", 38},
		{"1021 Sunday", "1021", "2026-11-22 10:00", "2026-11-22 12:00", 0},
		{"1021 max duration", "1021", "2026-11-23 10:00", "2026-11-23 14:30", 1125},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z, ok := c.Zone(tt.zone)
			if !ok {
				t.Fatalf("no zone %s", tt.zone)
			}
			start := at(tt.start)
			if got := start.Add(z.Tariff.MaxDuration); tt.name == "1021 max duration" && !got.Equal(at(tt.end)) {
				t.Errorf("max duration ends at %v, want %v", got, at(tt.end))
			}
			if got := z.Tariff.Cost(start, at(tt.end)); got != tt.want {
				t.Errorf("Cost = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestDefaultVouchersPermitsReduced(t *testing.T) {
	c := config.Default()
	want := []config.VoucherType{
		{
			Prefix: "BLA", City: "Blankenberge",
			Names: map[string]string{"nl": "Bezoekersvouchers", "fr": "Vouchers visiteurs", "de": "Besuchergutscheine", "en": "Visitor vouchers"},
			Zone:  "8371", Duration: 12 * time.Hour, BundleSize: 10, BundlePrice: 5000, FreeBundlesPerYear: 1,
			QuotaVouchers: 50, QuotaMinutes: 0, ValidityDays: 365, EligibleZones: []string{"8371"},
			Addresses: []config.Address{
				{Street: "Kerkstraat", Zone: "8371"}, {Street: "Zeedijk", Zone: "8371"},
				{Street: "Langestraat", Zone: "8371"}, {Street: "Grote Markt", Zone: "8371"},
			},
		},
		{
			Prefix: "VBR", City: "Brussels",
			Names: map[string]string{"fr": "Voucher visiteur", "nl": "Bezoekersvoucher", "de": "Besuchergutschein", "en": "Visitor voucher"},
			Zone:  "1021", Duration: 4*time.Hour + 30*time.Minute, BundleSize: 1, BundlePrice: 250, FreeBundlesPerYear: 0,
			QuotaVouchers: 0, QuotaMinutes: 6000, ValidityDays: 365, EligibleZones: []string{"1021"},
			Addresses: []config.Address{
				{Street: "Avenue Louise", Zone: "1021"}, {Street: "Rue du Bailli", Zone: "1021"}, {Street: "Rue Defacqz", Zone: "1021"},
			},
		},
	}
	if !reflect.DeepEqual(c.VoucherTypes, want) {
		t.Errorf("VoucherTypes =\n%+v\nwant\n%+v", c.VoucherTypes, want)
	}
	if got := c.VoucherPrefixes(); !slices.Equal(got, []string{"BLA", "VBR"}) {
		t.Errorf("VoucherPrefixes = %v", got)
	}
	if vt, ok := c.VoucherType("VBR"); !ok || vt.Zone != "1021" {
		t.Errorf("VoucherType(VBR) = %+v, %v", vt, ok)
	}
	if _, ok := c.VoucherType("XYZ"); ok {
		t.Error("VoucherType(XYZ) found")
	}

	wantPermits := []config.PermitType{
		{ID: "leuven-resident", City: "Leuven", Name: "Bewonerskaart", Zones: []string{"3000"},
			Prices: map[string]int64{"year": 12000, "month": 1500}},
		{ID: "brussels-resident", City: "Brussels", Name: "Carte riverain", Zones: []string{"1021", "1030"},
			Prices: map[string]int64{"year": 7500}},
	}
	if !reflect.DeepEqual(c.PermitTypes, wantPermits) {
		t.Errorf("PermitTypes = %+v, want %+v", c.PermitTypes, wantPermits)
	}
	if pt, ok := c.PermitType("leuven-resident"); !ok || pt.Prices["month"] != 1500 {
		t.Errorf("PermitType(leuven-resident) = %+v, %v", pt, ok)
	}

	wantReduced := []config.ReducedTariff{{City: "Kortrijk", Percent: 25}, {City: "Leuven", Percent: 25}}
	if !reflect.DeepEqual(c.ReducedTariffs, wantReduced) {
		t.Errorf("ReducedTariffs = %+v, want %+v", c.ReducedTariffs, wantReduced)
	}
	if p, ok := c.ReducedTariff("Leuven"); !ok || p != 25 {
		t.Errorf("ReducedTariff(Leuven) = %d, %v", p, ok)
	}
	if _, ok := c.ReducedTariff("Brussels"); ok {
		t.Error("Brussels grants a reduced tariff")
	}
}

func TestLookups(t *testing.T) {
	c := config.Default()
	if _, ok := c.Zone("9999"); ok {
		t.Error("Zone(9999) found")
	}
	if city, ok := c.City("Leuven"); !ok || city.FirstUseFree || len(city.Zones) != 1 {
		t.Errorf("City(Leuven) = %+v, %v", city, ok)
	}
	if _, ok := c.City("Gent"); ok {
		t.Error("City(Gent) found")
	}
}

// normalize makes two configs comparable with reflect.DeepEqual: every
// *time.Location loaded separately becomes one shared pointer, after its
// name is checked.
func normalize(t *testing.T, c *config.Config) {
	t.Helper()
	if c.Location.String() != "Europe/Brussels" {
		t.Fatalf("Location = %v", c.Location)
	}
	c.Location = time.UTC
	for i := range c.Cities {
		for j := range c.Cities[i].Zones {
			tr := &c.Cities[i].Zones[j].Tariff
			if tr.Location.String() != "Europe/Brussels" {
				t.Fatalf("zone %s Location = %v", c.Cities[i].Zones[j].Code, tr.Location)
			}
			tr.Location = time.UTC
		}
	}
}

func TestReferenceRoundTrip(t *testing.T) {
	want := config.Default()
	normalize(t, want)

	t.Run("Load reference.yml", func(t *testing.T) {
		got, err := config.Load("reference.yml")
		if err != nil {
			t.Fatal(err)
		}
		if got.File != "reference.yml" {
			t.Errorf("File = %q", got.File)
		}
		got.File = ""
		normalize(t, got)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Load(reference.yml) differs from Default():\n%+v\n%+v", got, want)
		}
	})
	t.Run("Parse ReferenceYAML", func(t *testing.T) {
		data := config.ReferenceYAML()
		disk, err := os.ReadFile("reference.yml")
		if err != nil {
			t.Fatal(err)
		}
		if string(data) != string(disk) {
			t.Error("ReferenceYAML() differs from reference.yml")
		}
		got, err := config.Parse("", data)
		if err != nil {
			t.Fatal(err)
		}
		normalize(t, got)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Parse(ReferenceYAML()) differs from Default()")
		}
	})
	t.Run("Default is fresh", func(t *testing.T) {
		a := config.Default()
		a.Cities[0].Zones[0].Tariff.RatePerHour = 1
		a.Operators["proximus"] = config.Operator{}
		b := config.Default()
		if b.Cities[0].Zones[0].Tariff.RatePerHour != 250 || !b.Operators["proximus"].OperatorBilling {
			t.Error("changing one Default() changed another")
		}
	})
}

func TestLoadGood(t *testing.T) {
	c, err := config.Load("testdata/conf.good.yml")
	if err != nil {
		t.Fatal(err)
	}
	if c.File != "testdata/conf.good.yml" || c.DefaultLanguage != "fr" || c.DataDir != "/srv/smspark" || c.HTTP.Listen != ":9090" {
		t.Errorf("top level = %q %q %q %q", c.File, c.DefaultLanguage, c.DataDir, c.HTTP.Listen)
	}
	if want := (config.HTTP{Listen: ":9090", MaxConnections: 200, ReadTimeout: config.DefaultHTTPReadTimeout,
		WriteTimeout: 2 * time.Minute, IdleTimeout: config.DefaultHTTPIdleTimeout}); c.HTTP != want {
		t.Errorf("HTTP = %+v, want %+v", c.HTTP, want)
	}
	if c.Operators["proximus"].MobilePaymentLimit != 15050 || c.Operators["telenet"].OperatorBilling {
		t.Errorf("Operators = %+v", c.Operators)
	}

	z, ok := c.Zone("5000")
	if !ok {
		t.Fatal("zone 5000 missing")
	}
	wantWindows := windows("09:00", "12:00", time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday)
	for d := time.Monday; d <= time.Friday; d++ {
		wantWindows[d] = append(wantWindows[d], tariffs.Window{From: minutes("13:00"), To: minutes("18:00")})
	}
	wantWindows[time.Saturday] = []tariffs.Window{{From: minutes("09:00"), To: minutes("13:00")}}
	if !sameWindows(z.Tariff.Windows, wantWindows) {
		t.Errorf("zone 5000 windows = %v, want %v", z.Tariff.Windows, wantWindows)
	}
	if z.Tariff.RatePerHour != 120 || z.Tariff.FreeMinutes != 15 || z.Tariff.DailyCap != 600 ||
		z.Tariff.DayPrice != 750 || z.Tariff.MaxDuration != 3*time.Hour+15*time.Minute {
		t.Errorf("zone 5000 tariff = %+v", z.Tariff)
	}
	wantHol := map[tariffs.Date]bool{{Year: 2026, Month: 7, Day: 21}: true, {Year: 2026, Month: 11, Day: 11}: true, {Year: 2026, Month: 9, Day: 20}: true}
	if !reflect.DeepEqual(z.Tariff.Holidays, wantHol) {
		t.Errorf("zone 5000 holidays = %v (global plus the city's own)", z.Tariff.Holidays)
	}
	if z, _ := c.Zone("50001"); z.Tariff.RatePerHour != 90 {
		t.Errorf("zone 50001 rate = %d, want 90 (quoted money)", z.Tariff.RatePerHour)
	}
	eupen, _ := c.Zone("4700")
	if eupen.Language != "de" || len(eupen.Tariff.Holidays) != 2 || !sameWindows(eupen.Tariff.Windows, [7][]tariffs.Window{}) {
		t.Errorf("zone 4700 = %+v", eupen)
	}
	if p, ok := c.ReducedTariff("Eupen"); !ok || p != 50 {
		t.Errorf("ReducedTariff(Eupen) = %d, %v", p, ok)
	}
	vt, _ := c.VoucherType("NAM")
	if vt.QuotaMinutes != 90*60+30 || vt.BundleSize != 5 || vt.FreeBundlesPerYear != 2 || vt.ValidityDays != 180 || len(vt.Addresses) != 2 {
		t.Errorf("voucher type NAM = %+v", vt)
	}

	want := []config.SMSC{
		{
			Name: "proximus-1", Operator: "proximus", Address: "smsc.proximus.example:2775",
			SystemID: "smspark", Password: "pXq7-Zt9", SystemType: "VMA", BindMode: config.BindTransceiver,
			TLS: false, Window: 20, MaxSubmitsPerSecond: 100, EnquireLink: 15 * time.Second,
			ReconnectMin: 500 * time.Millisecond, ReconnectMax: 2 * time.Minute,
			InterfaceVersion: 0x33, RedeliveryWindow: 5 * time.Minute, RefusedRetry: 2 * time.Minute,
		},
		{
			Name: "base-1", Operator: "base", Address: "[2001:db8::1]:3550",
			SystemID: "smspark-base", Password: "bS3cr3t!", BindMode: config.BindTransmitterReceiver,
			TLS: true, Window: config.DefaultWindow, MaxSubmitsPerSecond: config.DefaultMaxSubmitsPerSecond,
			EnquireLink: config.DefaultEnquireLink, ReconnectMin: config.DefaultReconnectMin, ReconnectMax: config.DefaultReconnectMax,
			InterfaceVersion: 0x34, RedeliveryWindow: config.DefaultRedeliveryWindow, RefusedRetry: config.DefaultRefusedRetry,
		},
	}
	if !reflect.DeepEqual(c.SMSCs, want) {
		t.Errorf("SMSCs =\n%#v\nwant\n%#v", c.SMSCs, want)
	}
	if c.SMSCs[1].Password.Reveal() != "bS3cr3t!" {
		t.Error("Reveal does not return the password")
	}
}

// badFixtures lists testdata/conf.bad.NAME.yml with the line and a fragment
// of the message of the error each must give.
type badFixture struct {
	file string
	line int
	msg  string
}

var badFixtures = []badFixture{
	{"unknown_key", 10, `unknown key "rate" in zone`},
	{"window", 11, `zone 1021: charging: invalid tariff: windows "mon-sat 9h-21h"`},
	{"window_overlap", 10, "overlap on Monday"},
	{"money_comma", 10, `rate_per_hour: bad amount "2,50": write euros with a decimal point`},
	{"money_decimals", 12, `day_price: bad amount "15.005"`},
	{"negative_rate", 10, "rate_per_hour must not be negative"},
	{"duplicate_zone", 14, "zone code 1021 is already used in Brussels (line 7)"},
	{"zone_code", 7, `zone code "12" must be 3 to 6 digits`},
	{"language", 5, `unknown language "es"`},
	{"voucher_zone", 16, `voucher type VBR: unknown zone "1099"`},
	{"voucher_prefix", 9, `voucher prefix "QBR" must not start with Q`},
	{"voucher_name", 12, "names needs a name in fr"},
	{"permit_zone", 17, "zone 1021 belongs to Brussels, not Leuven"},
	{"smsc_operator", 14, `smsc mobistar-1: unknown operator "mobistar" (known: base)`},
	{"smsc_password", 13, "smsc base-1: missing password"},
	{"secret_two_sources", 19, "smsc base-1: password takes one of file, env or credential"},
	{"secret_unknown_source", 19, `unknown key "vault" in smsc base-1: password (known keys: file, env, credential)`},
	{"secret_missing_file", 19, "smsc base-1: password: cannot read the file testdata/secrets/nope.password"},
	{"secret_unset_env", 19, "smsc base-1: password: the environment variable SMSPARK_TEST_UNSET_VARIABLE is not set"},
	{"secret_credential_path", 19, `credential "../secrets/base.password" must be a plain name`},
	{"bind_mode", 18, `bind_mode "receiver"`},
	{"duration", 11, `zone 1021: bad max_duration "4 hours"`},
	{"tab", 5, "a tab in the indentation"},
	{"syntax", 2, "YAML syntax: did not find expected ',' or '}'"},
	{"duplicate_key", 12, `key "rate_per_hour" appears twice`},
	{"timezone", 1, `unknown timezone "Europe/Bruxelles"`},
	{"operator_limit", 2, "operator proximus: operator_billing needs a mobile_payment_limit"},
	{"missing_cities", 2, "missing cities"},
	{"empty", 1, "the config is empty"},
	{"two_documents", 7, "a second YAML document"},
	{"store_kind", 10, `store: unknown kind "sqlite" (known: bbolt, postgres)`},
	{"store_url", 10, "store: kind postgres needs a url"},
}

func TestLoadBad(t *testing.T) {
	for _, tt := range badFixtures {
		t.Run(tt.file, func(t *testing.T) {
			path := "testdata/conf.bad." + tt.file + ".yml"
			c, err := config.Load(path)
			if err == nil {
				t.Fatalf("Load(%s) = %+v, want an error", path, c)
			}
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %v (%T) is no *config.Error", err, err)
			}
			if ce.File != path || ce.Line != tt.line || !strings.Contains(ce.Msg, tt.msg) {
				t.Errorf("error = %q, want %s:%d: …%s…", err, path, tt.line, tt.msg)
			}
			if prefix := path + ":" + strconv.Itoa(tt.line) + ": "; !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("Error() = %q, want prefix %q", err, prefix)
			}
		})
	}
}

// TestBadFixturesCovered makes sure every conf.bad file is in badFixtures,
// so a fixture cannot be forgotten.
func TestBadFixturesCovered(t *testing.T) {
	files, err := filepath.Glob("testdata/conf.bad.*.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "testdata/conf.bad."), ".yml")
		if !slices.ContainsFunc(badFixtures, func(b badFixture) bool { return b.file == name }) {
			t.Errorf("%s is not in badFixtures", f)
		}
	}
	if len(files) < 10 {
		t.Errorf("%d bad fixtures, want at least 10", len(files))
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := config.Load("testdata/no-such-file.yml")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want fs.ErrNotExist", err)
	}
	if !strings.Contains(err.Error(), "testdata/no-such-file.yml") {
		t.Errorf("err = %v, does not name the file", err)
	}
}

// TestStore: bbolt by default; kind postgres with its URL from the
// environment, a secret that printing the config does not show.
func TestStore(t *testing.T) {
	if c := config.Default(); c.Store.Kind != config.StoreBbolt || c.Store.URL != "" {
		t.Errorf("default store = %+v, want bbolt", c.Store)
	}
	const url = "postgres://smspark:pw@db.example:5432/smspark"
	t.Setenv("SMSPARK_TEST_DATABASE_URL", url)
	c, err := config.Load("testdata/conf.postgres.yml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Store.Kind != config.StorePostgres || c.Store.URL.Reveal() != url {
		t.Errorf("store = %+v, want postgres at %s", c.Store, url)
	}
	if s := fmt.Sprintf("%v %+v", c.Store, c.Store); strings.Contains(s, "pw") {
		t.Errorf("the store's settings print the URL: %s", s)
	}
}
