package config

import (
	"regexp"
	"slices"

	"go.yaml.in/yaml/v3"
)

var permitID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,47}$`)

var permitLengths = []string{"month", "year"}

func (d *decoder) permitTypes(items []*yaml.Node, c *Config, b *build) []PermitType {
	var out []PermitType
	ids := map[string]int{}
	for _, n := range items {
		o := d.object(n, "permit type", "id", "city", "name", "zones", "prices")
		id := o.str("id", true, "")
		if d.failed() {
			return nil
		}
		if !permitID.MatchString(id) {
			d.fail(o.at("id"), "permit type id %q: use lower-case letters, digits and - (e.g. leuven-resident)", id)
			return nil
		}
		if first, ok := ids[id]; ok {
			d.fail(o.at("id"), "permit type %s is defined twice (first at line %d)", id, first)
			return nil
		}
		ids[id] = o.at("id").Line
		o.what = "permit type " + id
		pt := PermitType{ID: id}
		city := d.cityRef(o, c)
		pt.City = city.Name
		pt.Name = o.str("name", true, "")
		pt.Zones = d.zoneList(o, "zones", city.Name, b)
		pt.Prices = map[string]int64{}
		prices := o.value("prices", true)
		for _, p := range d.pairs(prices, o.what+": prices") {
			if !slices.Contains(permitLengths, p.key) {
				d.fail(p.kNode, "%s: unknown permit length %q in prices (use month or year)", o.what, p.key)
				return nil
			}
			po := &object{d: d, what: o.what + ": prices", node: prices,
				vals: map[string]*yaml.Node{p.key: p.value}, keys: map[string]*yaml.Node{p.key: p.kNode}}
			pt.Prices[p.key] = po.money(p.key, true)
		}
		if !d.failed() && len(pt.Prices) == 0 {
			d.fail(prices, "%s: prices needs a month or a year price", o.what)
		}
		if d.failed() {
			return nil
		}
		out = append(out, pt)
	}
	return out
}
