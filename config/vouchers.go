package config

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"smspark/tariffs"
)

var voucherPrefix = regexp.MustCompile(`^[A-Z]{2,5}$`)

func (d *decoder) voucherTypes(items []*yaml.Node, c *Config, b *build) []VoucherType {
	var out []VoucherType
	type seenPrefix struct {
		prefix string
		line   int
	}
	var prefixes []seenPrefix
	for _, n := range items {
		o := d.object(n, "voucher type", "prefix", "city", "names", "zone", "duration",
			"bundle_size", "bundle_price", "free_bundles_per_year", "quota_vouchers",
			"quota_time", "validity_days", "eligible_zones", "addresses")
		prefix := o.str("prefix", true, "")
		if d.failed() {
			return nil
		}
		switch {
		case !voucherPrefix.MatchString(prefix):
			d.fail(o.at("prefix"), "voucher prefix %q must be 2 to 5 upper-case letters A-Z", prefix)
		case prefix[0] == 'Q':
			d.fail(o.at("prefix"), "voucher prefix %q must not start with Q (\"Q<plate>\" is a stop)", prefix)
		}
		for _, other := range prefixes {
			if strings.HasPrefix(prefix, other.prefix) || strings.HasPrefix(other.prefix, prefix) {
				d.fail(o.at("prefix"), "voucher prefix %s clashes with prefix %s (line %d): a code could belong to both", prefix, other.prefix, other.line)
			}
		}
		if d.failed() {
			return nil
		}
		prefixes = append(prefixes, seenPrefix{prefix, o.at("prefix").Line})
		o.what = "voucher type " + prefix
		vt := VoucherType{Prefix: prefix}
		city := d.cityRef(o, c)
		vt.City = city.Name
		vt.Names = d.names(o, city)
		vt.Zone = o.str("zone", true, "")
		d.zoneOf(o.at("zone"), o.what, vt.Zone, city.Name, b)
		vt.Duration = o.duration("duration", true, 0, false)
		vt.BundleSize = o.integer("bundle_size", false, 1, 1, 1000)
		vt.BundlePrice = o.money("bundle_price", true)
		vt.FreeBundlesPerYear = o.integer("free_bundles_per_year", false, 0, 0, 1000)
		vt.QuotaVouchers = o.integer("quota_vouchers", false, 0, 0, 1000000)
		quota := o.duration("quota_time", false, 0, true)
		if quota%time.Minute != 0 {
			d.fail(o.at("quota_time"), "%s: quota_time must be whole minutes, got %s", o.what, quota)
		}
		vt.QuotaMinutes = int(quota / time.Minute)
		vt.ValidityDays = o.integer("validity_days", true, 0, 1, 3660)
		vt.EligibleZones = d.zoneList(o, "eligible_zones", city.Name, b)
		vt.Addresses = d.addresses(o, vt.EligibleZones)
		if d.failed() {
			return nil
		}
		out = append(out, vt)
	}
	return out
}

// names reads a voucher type's names by language; the city's language is
// required.
func (d *decoder) names(o *object, city tariffs.City) map[string]string {
	n := o.value("names", true)
	out := map[string]string{}
	for _, p := range d.pairs(n, o.what+": names") {
		d.checkLanguage(p.kNode, o.what+": names", p.key)
		if d.failed() {
			return nil
		}
		if p.value.Kind != yaml.ScalarNode || strings.TrimSpace(p.value.Value) == "" || isNull(p.value) {
			d.fail(p.value, "%s: the %s name must be a non-empty text", o.what, p.key)
			return nil
		}
		out[p.key] = p.value.Value
	}
	if d.failed() {
		return nil
	}
	if _, ok := out[city.Language]; !ok {
		d.fail(n, "%s: names needs a name in %s, the language of %s", o.what, city.Language, city.Name)
	}
	return out
}

func (d *decoder) addresses(o *object, eligible []string) []Address {
	var out []Address
	for _, n := range o.list("addresses", false, false) {
		a := d.object(n, o.what+": address", "street", "zone")
		addr := Address{Street: a.str("street", true, ""), Zone: a.str("zone", true, "")}
		if d.failed() {
			return nil
		}
		if !slices.Contains(eligible, addr.Zone) {
			d.fail(a.at("zone"), "%s: address %s is in zone %s, which is not in eligible_zones", o.what, addr.Street, addr.Zone)
			return nil
		}
		if slices.Contains(out, addr) {
			d.fail(a.node, "%s: address %s (zone %s) is listed twice", o.what, addr.Street, addr.Zone)
			return nil
		}
		out = append(out, addr)
	}
	return out
}
