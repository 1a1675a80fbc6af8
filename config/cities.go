package config

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"smspark/tariffs"
)

// dates reads a list of YYYY-MM-DD dates; a date listed twice is an error.
func (d *decoder) dates(o *object, key string) []tariffs.Date {
	texts, nodes := o.strs(key, false, false)
	out := make([]tariffs.Date, 0, len(texts))
	seen := map[tariffs.Date]int{}
	for i, s := range texts {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			d.failErr(nodes[i], err, "%s: bad date %q: write YYYY-MM-DD, e.g. 2026-12-25", key, s)
			return nil
		}
		date := tariffs.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
		if first, ok := seen[date]; ok {
			d.fail(nodes[i], "%s: %s is listed twice (first at line %d)", key, s, first)
			return nil
		}
		seen[date] = nodes[i].Line
		out = append(out, date)
	}
	return out
}

func (d *decoder) cities(root *object, c *Config, b *build) ([]tariffs.City, []ReducedTariff) {
	items := root.list("cities", true, false)
	var cities []tariffs.City
	var reduced []ReducedTariff
	names := map[string]int{}
	for _, n := range items {
		if d.failed() {
			return nil, nil
		}
		o := d.object(n, "city", "name", "language", "first_use_free", "reduced_tariff_percent", "holidays", "zones")
		name := o.str("name", true, "")
		if d.failed() {
			return nil, nil
		}
		if first, ok := names[name]; ok {
			d.fail(o.at("name"), "city %q is defined twice (first at line %d)", name, first)
			return nil, nil
		}
		names[name] = o.at("name").Line
		what := "city " + name
		o.what = what
		city := tariffs.City{
			Name:         name,
			Language:     o.str("language", false, c.DefaultLanguage),
			FirstUseFree: o.boolean("first_use_free", true),
		}
		d.checkLanguage(o.at("language"), what, city.Language)
		percent := o.integer("reduced_tariff_percent", false, 0, 0, 99)
		if percent > 0 {
			reduced = append(reduced, ReducedTariff{City: name, Percent: percent})
		}
		holidays := map[tariffs.Date]bool{}
		for _, h := range c.Holidays {
			holidays[h] = true
		}
		for _, h := range d.dates(o, "holidays") {
			holidays[h] = true
		}
		for _, zn := range o.list("zones", true, false) {
			if d.failed() {
				return nil, nil
			}
			city.Zones = append(city.Zones, d.zone(zn, c, &city, holidays, b))
		}
		cities = append(cities, city)
	}
	return cities, reduced
}

var zoneCode = regexp.MustCompile(`^[0-9]{3,6}$`)

func (d *decoder) zone(n *yaml.Node, c *Config, city *tariffs.City, holidays map[tariffs.Date]bool, b *build) tariffs.Zone {
	o := d.object(n, "zone of "+city.Name, "code", "name", "charging",
		"rate_per_hour", "free_minutes", "daily_cap", "max_duration", "day_price")
	code := o.str("code", true, "")
	if d.failed() {
		return tariffs.Zone{}
	}
	if !zoneCode.MatchString(code) {
		d.fail(o.at("code"), "zone code %q must be 3 to 6 digits", code)
		return tariffs.Zone{}
	}
	if prev, ok := b.zones[code]; ok {
		d.fail(o.at("code"), "zone code %s is already used in %s (line %d)", code, prev.city, prev.line)
		return tariffs.Zone{}
	}
	b.zones[code] = zoneRef{city: city.Name, line: o.at("code").Line}
	what := "zone " + code
	o.what = what
	z := tariffs.Zone{
		Code:     code,
		Name:     o.str("name", true, ""),
		City:     city.Name,
		Language: city.Language,
	}
	t := tariffs.Tariff{Location: c.Location, Holidays: make(map[tariffs.Date]bool, len(holidays))}
	for h := range holidays {
		t.Holidays[h] = true
	}
	t.Windows = d.windows(o, what)
	t.RatePerHour = o.money("rate_per_hour", true)
	t.FreeMinutes = o.integer("free_minutes", false, 0, 0, 24*60)
	t.DailyCap = o.money("daily_cap", false)
	t.MaxDuration = o.duration("max_duration", true, 0, false)
	t.DayPrice = o.money("day_price", false)
	if d.failed() {
		return tariffs.Zone{}
	}
	if err := t.Validate(); err != nil {
		d.failErr(o.node, err, "%s: %v", what, err)
		return tariffs.Zone{}
	}
	z.Tariff = t
	return z
}

// windows parses the charging window specs of a zone. Each spec is first
// parsed alone, so an error names its own line; then all together, so
// overlaps between specs are caught too.
func (d *decoder) windows(o *object, what string) [7][]tariffs.Window {
	// charging: [] is allowed (a zone that never charges) but the key is not
	// optional: leaving it out is more likely a mistake.
	o.value("charging", true)
	specs, nodes := o.strs("charging", false, true)
	if d.failed() {
		return [7][]tariffs.Window{}
	}
	for i, s := range specs {
		if _, err := tariffs.ParseWindows([]string{s}); err != nil {
			d.failErr(nodes[i], err, "%s: charging: %v", what, err)
			return [7][]tariffs.Window{}
		}
	}
	w, err := tariffs.ParseWindows(specs)
	if err != nil {
		d.failErr(o.at("charging"), err, "%s: charging: %v", what, err)
	}
	return w
}

// zoneOf records an error unless code is a zone of city.
func (d *decoder) zoneOf(n *yaml.Node, what, code, city string, b *build) {
	ref, ok := b.zones[code]
	switch {
	case d.failed():
	case !ok:
		d.fail(n, "%s: unknown zone %q", what, code)
	case ref.city != city:
		d.fail(n, "%s: zone %s belongs to %s, not %s", what, code, ref.city, city)
	}
}

// cityRef reads a "city" key that must name a configured city.
func (d *decoder) cityRef(o *object, c *Config) tariffs.City {
	name := o.str("city", true, "")
	if d.failed() {
		return tariffs.City{}
	}
	city, ok := c.City(name)
	if !ok {
		known := make([]string, 0, len(c.Cities))
		for _, ci := range c.Cities {
			known = append(known, ci.Name)
		}
		d.fail(o.at("city"), "%s: unknown city %q (known: %s)", o.what, name, strings.Join(known, ", "))
	}
	return city
}

// zoneList reads a non-empty list of distinct zone codes of city.
func (d *decoder) zoneList(o *object, key, city string, b *build) []string {
	codes, nodes := o.strs(key, true, true)
	for i, code := range codes {
		d.zoneOf(nodes[i], o.what+": "+key, code, city, b)
		if slices.Contains(codes[:i], code) {
			d.fail(nodes[i], "%s: %s lists zone %s twice", o.what, key, code)
		}
	}
	if d.failed() {
		return nil
	}
	return codes
}
