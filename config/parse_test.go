package config_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"smspark/config"
	"smspark/tariffs"
)

// minimal is a small valid config; #ZONE, #CITY and #SMSC mark where tests
// insert text.
const minimal = `operators:
  base: {operator_billing: false}
cities:
  - name: Brussels
    language: fr
    zones:
      - code: "1021"
        name: Louise
        charging: ["mon-sat 09:00-21:00"]
        max_duration: 4h30m
        #ZONE
  - name: Leuven
    zones:
      - {code: "3000", name: Centrum, charging: ["mon-sat 09:00-19:00"], rate_per_hour: 2.20, max_duration: 8h}
#CITY
#SMSC
`

// withZone returns minimal with the given lines in zone 1021 (indented for it).
func withZone(lines ...string) string {
	return strings.Replace(minimal, "#ZONE", strings.Join(lines, "\n        "), 1)
}

func TestMoney(t *testing.T) {
	tests := []struct {
		text string
		want int64
		err  string
	}{
		{"2.50", 250, ""},
		{"2.5", 250, ""},
		{"2", 200, ""},
		{"0.05", 5, ""},
		{"0", 0, ""},
		{"12.00", 1200, ""},
		{`"3.10"`, 310, ""},
		{"0.07", 7, ""}, // 0.07 is not exact as a float64
		{"1.15", 115, ""},
		{"999999999.99", 99999999999, ""},
		{"2,50", 0, "write euros with a decimal point"},
		{"2.505", 0, "at most two decimals"},
		{"-0.01", 0, "must not be negative"},
		{"1e2", 0, "bad amount"},
		{".5", 0, "bad amount"},
		{"€2.50", 0, "bad amount"},
		{"[2]", 0, "single value"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			c, err := config.Parse("m.yml", []byte(withZone("rate_per_hour: "+tt.text)))
			if tt.err != "" {
				var ce *config.Error
				if !errors.As(err, &ce) || !strings.Contains(ce.Msg, tt.err) || ce.Line != 11 {
					t.Fatalf("err = %v, want line 11 and %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			z, _ := c.Zone("1021")
			if z.Tariff.RatePerHour != tt.want {
				t.Errorf("rate = %d, want %d", z.Tariff.RatePerHour, tt.want)
			}
		})
	}
}

// TestParseErrors covers checks that have no fixture file.
func TestParseErrors(t *testing.T) {
	voucher := func(lines ...string) string {
		base := []string{
			"voucher_types:",
			"  - prefix: VBR",
			"    city: Brussels",
			"    names: {fr: Voucher visiteur}",
			"    zone: \"1021\"",
			"    duration: 4h30m",
			"    bundle_price: 2.50",
			"    validity_days: 365",
			"    eligible_zones: [\"1021\"]",
		}
		return strings.Replace(withZone("rate_per_hour: 2.50"), "#CITY", strings.Join(append(base, lines...), "\n"), 1)
	}
	smsc := func(lines ...string) string {
		base := []string{
			"smscs:",
			"  - name: base-1",
			"    operator: base",
			"    address: smsc.example:2775",
			"    system_id: smspark",
			"    password: secret",
		}
		return strings.Replace(withZone("rate_per_hour: 2.50"), "#SMSC", strings.Join(append(base, lines...), "\n"), 1)
	}
	tests := []struct {
		name string
		data string
		line int
		msg  string
	}{
		{"missing rate", withZone(), 7, "zone 1021: missing rate_per_hour"},
		{"free minutes negative", withZone("rate_per_hour: 1.00", "free_minutes: -5"), 12, "free_minutes must not be negative"},
		{"free minutes not a number", withZone("rate_per_hour: 1.00", "free_minutes: ten"), 12, "whole number"},
		{"zero max duration", strings.Replace(withZone("rate_per_hour: 1.00"), "4h30m", "0s", 1), 10, "max_duration must be positive"},
		{"zone code letters", strings.Replace(withZone("rate_per_hour: 1.00"), `"1021"`, "10a1", 1), 7, "3 to 6 digits"},
		{"zone code too long", strings.Replace(withZone("rate_per_hour: 1.00"), `"1021"`, "1234567", 1), 7, "3 to 6 digits"},
		{"no charging key", strings.Replace(withZone("rate_per_hour: 1.00"), `charging: ["mon-sat 09:00-21:00"]`, "", 1), 7, "missing charging"},
		{"bool", strings.Replace(withZone("rate_per_hour: 1.00"), "language: fr", "first_use_free: yes", 1), 5, "true or false"},
		{"merge key", withZone("rate_per_hour: 1.00", "<<: {name: x}"), 12, "merge keys"},
		{"duplicate city", strings.Replace(withZone("rate_per_hour: 1.00"), "name: Leuven", "name: Brussels", 1), 12, `city "Brussels" is defined twice (first at line 4)`},
		{"no zones", strings.Replace(withZone("rate_per_hour: 1.00"), "#CITY", "  - name: Gent\n    zones: []", 1), 16, "zones must not be empty"},
		{"bad holiday", "holidays: [2026-02-30]\n" + withZone("rate_per_hour: 1.00"), 1, `bad date "2026-02-30"`},
		{"holiday twice", "holidays: [2026-12-25, 2026-12-25]\n" + withZone("rate_per_hour: 1.00"), 1, "listed twice"},
		{"default language", "default_language: NL\n" + withZone("rate_per_hour: 1.00"), 1, `unknown language "NL"`},
		{"no operators", strings.Replace(withZone("rate_per_hour: 1.00"), "  base: {operator_billing: false}", "", 1), 1, "missing operators"},
		{"operator name", strings.Replace(withZone("rate_per_hour: 1.00"), "base:", "Base:", 1), 2, "lower-case"},
		{"limit without billing", strings.Replace(withZone("rate_per_hour: 1.00"), "{operator_billing: false}", "{mobile_payment_limit: 5.00}", 1), 2, "without operator_billing"},
		{"reduced percent", strings.Replace(withZone("rate_per_hour: 1.00"), "language: fr", "reduced_tariff_percent: 100", 1), 5, "between 0 and 99"},
		{"http listen", withZone("rate_per_hour: 1.00") + "http: {listen: localhost}\n", 17, "not host:port"},
		{"http port", withZone("rate_per_hour: 1.00") + "http: {listen: \":99999\"}\n", 17, "port must be"},
		{"unknown top key", withZone("rate_per_hour: 1.00") + "datadir: /tmp\n", 17, `unknown key "datadir" in the config`},
		{"cities not a list", "operators: {base: {}}\ncities: {name: x}\n", 2, "cities must be a list"},
		{"voucher prefix lower", strings.Replace(voucher(), "VBR", "vbr", 1), 16, "upper-case"},
		{"voucher prefix clash", voucher("  - prefix: VB", "    city: Brussels"), 24, "clashes with prefix VBR (line 16)"},
		{"voucher unknown city", strings.Replace(voucher(), "city: Brussels", "city: Gent", 1), 17, `unknown city "Gent" (known: Brussels, Leuven)`},
		{"voucher zone of other city", strings.Replace(voucher(), `zone: "1021"`, `zone: "3000"`, 1), 19, "zone 3000 belongs to Leuven, not Brussels"},
		{"voucher name language", strings.Replace(voucher(), "{fr: Voucher visiteur}", "{fr: Voucher, es: Vale}", 1), 18, `unknown language "es"`},
		{"voucher quota minutes", voucher("    quota_time: 90s"), 24, "whole minutes"},
		{"voucher bundle size", voucher("    bundle_size: 0"), 24, "between 1 and 1000"},
		{"voucher missing validity", strings.Replace(voucher(), "    validity_days: 365\n", "", 1), 16, "missing validity_days"},
		{"voucher address zone", voucher("    addresses:", "      - {street: Bondgenotenlaan, zone: \"3000\"}"), 25, "not in eligible_zones"},
		{"voucher eligible twice", strings.Replace(voucher(), `eligible_zones: ["1021"]`, `eligible_zones: ["1021", "1021"]`, 1), 23, "lists zone 1021 twice"},
		{"permit unknown length", withZone("rate_per_hour: 1.00") + "permit_types:\n  - {id: p, city: Leuven, name: P, zones: [\"3000\"], prices: {week: 1.00}}\n", 18, `unknown permit length "week"`},
		{"permit no price", withZone("rate_per_hour: 1.00") + "permit_types:\n  - {id: p, city: Leuven, name: P, zones: [\"3000\"], prices: {}}\n", 18, "needs a month or a year price"},
		{"permit id", withZone("rate_per_hour: 1.00") + "permit_types:\n  - {id: P 1, city: Leuven, name: P, zones: [\"3000\"], prices: {year: 1}}\n", 18, "permit type id"},
		{"smsc reconnect", smsc("    reconnect_min: 1m", "    reconnect_max: 10s"), 23, "reconnect_max (10s) is below reconnect_min (1m0s)"},
		{"smsc address", strings.Replace(smsc(), "smsc.example:2775", "smsc.example", 1), 19, "not host:port"},
		{"smsc system_id", strings.Replace(smsc(), "system_id: smspark", "system_id: a-very-long-system-id", 1), 20, "longer than 15"},
		{"smsc window", smsc("    window: 0"), 22, "window must be between 1 and 10000"},
		{"smsc enquire_link", smsc("    enquire_link: 30"), 22, `bad enquire_link "30"`},
		{"smsc tls", smsc("    tls: maybe"), 22, "tls must be true or false"},
		{"smsc twice", smsc("  - name: base-1"), 22, "smsc base-1 is defined twice (first at line 17)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse("t.yml", []byte(tt.data))
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v (%T), want *config.Error\n%s", err, err, tt.data)
			}
			if ce.Line != tt.line || !strings.Contains(ce.Msg, tt.msg) || ce.File != "t.yml" {
				t.Errorf("err = %v, want t.yml:%d: …%s…\n%s", err, tt.line, tt.msg, numbered(tt.data))
			}
		})
	}
}

func numbered(s string) string {
	var b strings.Builder
	for i, l := range strings.Split(s, "\n") {
		fmt.Fprintf(&b, "%3d %s\n", i+1, l)
	}
	return b.String()
}

func TestParseValidVariants(t *testing.T) {
	tests := []struct {
		name string
		data string
	}{
		{"smsc with defaults", strings.Replace(withZone("rate_per_hour: 2.50"), "#SMSC",
			"smscs:\n  - {name: b, operator: base, address: \"10.0.0.1:2775\", system_id: s, password: p}", 1)},
		{"anchors and aliases", strings.Replace(strings.Replace(withZone("rate_per_hour: &rate 2.20"),
			`charging: ["mon-sat 09:00-21:00"]`, `charging: &days ["mon-sat 09:00-21:00"]`, 1),
			`charging: ["mon-sat 09:00-19:00"], rate_per_hour: 2.20`, `charging: *days, rate_per_hour: *rate`, 1)},
		{"null optional values", withZone("rate_per_hour: 1.00", "daily_cap:", "day_price: ~")},
		{"charging never", strings.Replace(withZone("rate_per_hour: 1.00"), `["mon-sat 09:00-21:00"]`, "[]", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := config.Parse("v.yml", []byte(tt.data))
			if err != nil {
				t.Fatalf("%v\n%s", err, numbered(tt.data))
			}
			if c.File != "v.yml" {
				t.Errorf("File = %q", c.File)
			}
		})
	}
}

func TestWindowErrorWrapsTariffError(t *testing.T) {
	data := strings.Replace(withZone("rate_per_hour: 1.00"), "mon-sat 09:00-21:00", "mon-sat 21:00-09:00", 1)
	_, err := config.Parse("w.yml", []byte(data))
	if !errors.Is(err, tariffs.ErrInvalidTariff) {
		t.Fatalf("err = %v, want it to wrap tariffs.ErrInvalidTariff", err)
	}
}

func TestErrorFormat(t *testing.T) {
	tests := []struct {
		err  config.Error
		want string
	}{
		{config.Error{File: "a.yml", Line: 3, Msg: "bad"}, "a.yml:3: bad"},
		{config.Error{File: "a.yml", Msg: "bad"}, "a.yml: bad"},
		{config.Error{Line: 2, Msg: "bad"}, "<config>:2: bad"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestReplyValidity: how long a reply is worth retrying, 1h by default, a
// positive Go duration.
func TestReplyValidity(t *testing.T) {
	base := withZone("rate_per_hour: 2.50")
	for _, tt := range []struct {
		name, line string
		want       time.Duration
		bad        bool
	}{
		{"default", "", time.Hour, false},
		{"set", "reply_validity: 30m", 30 * time.Minute, false},
		{"zero", "reply_validity: 0s", 0, true},
		{"not a duration", "reply_validity: soon", 0, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := config.Parse("r.yml", []byte(strings.Replace(base, "#SMSC", tt.line, 1)))
			if tt.bad {
				if err == nil || !strings.Contains(err.Error(), "reply_validity") {
					t.Fatalf("Parse = %v, want an error naming reply_validity", err)
				}
				return
			}
			if err != nil || c.ReplyValidity != tt.want {
				t.Fatalf("ReplyValidity = %v, %v; want %v", c.ReplyValidity, err, tt.want)
			}
		})
	}
}
