package config

import (
	"bytes"
	"errors"
	"io"
	"net"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"smspark/tariffs"
)

// Parse parses and validates a config. file names it in errors (and is kept
// in Config.File). Every problem is an *Error with the line of the offending
// YAML node: YAML syntax, unknown or repeated keys, missing keys, bad
// values (money, durations, window specs, languages, zone codes ...) and
// references to things the config does not define.
func Parse(file string, data []byte) (*Config, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{File: file, Line: 1, Msg: "the config is empty; start from the reference config (config/reference.yml)"}
		}
		return nil, syntaxError(file, data, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, syntaxError(file, data, err)
		}
		return nil, &Error{File: file, Line: extra.Line, Msg: "a second YAML document (after ---): put the whole config in one document"}
	}
	root := &doc
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		root = doc.Content[0]
	}
	d := &decoder{file: file}
	c := d.config(root)
	if d.err != nil {
		return nil, d.err
	}
	c.File = file
	return c, nil
}

var languages = []string{"nl", "fr", "de", "en"}

// checkLanguage records an error unless lang is nl, fr, de or en.
func (d *decoder) checkLanguage(n *yaml.Node, what, lang string) {
	if !slices.Contains(languages, lang) {
		d.fail(n, "%s: unknown language %q (use nl, fr, de or en)", what, lang)
	}
}

// zoneRef is where a zone code was defined.
type zoneRef struct {
	city string
	line int
}

// build holds what later sections refer to while the config is walked.
type build struct {
	zones map[string]zoneRef // code -> city
}

func (d *decoder) config(root *yaml.Node) *Config {
	o := d.object(root, "the config", "timezone", "default_language", "holidays",
		"operators", "cities", "voucher_types", "permit_types", "smscs", "http", "data_dir", "reply_validity", "payment_secret")
	if d.failed() {
		return nil
	}
	c := &Config{}
	b := &build{zones: map[string]zoneRef{}}

	tz := o.str("timezone", false, DefaultTimezone)
	if !d.failed() {
		loc, err := time.LoadLocation(tz)
		if err != nil || tz == "" || strings.EqualFold(tz, "local") {
			d.failErr(o.at("timezone"), err, "unknown timezone %q (use an IANA name such as Europe/Brussels)", tz)
		}
		c.Location = loc
	}
	c.DefaultLanguage = o.str("default_language", false, DefaultLanguage)
	d.checkLanguage(o.at("default_language"), "default_language", c.DefaultLanguage)
	c.Holidays = d.dates(o, "holidays")
	c.Operators = d.operators(o.value("operators", true))
	c.Cities, c.ReducedTariffs = d.cities(o, c, b)
	c.VoucherTypes = d.voucherTypes(o.list("voucher_types", false, false), c, b)
	c.PermitTypes = d.permitTypes(o.list("permit_types", false, false), c, b)
	c.SMSCs = d.smscs(o.list("smscs", false, false), c)

	c.HTTP = d.http(o.value("http", false))
	c.PaymentSecret = o.secret("payment_secret", false)

	c.ReplyValidity = o.duration("reply_validity", false, DefaultReplyValidity, false)

	c.DataDir = o.str("data_dir", false, DefaultDataDir)
	if !d.failed() && strings.TrimSpace(c.DataDir) == "" {
		d.fail(o.at("data_dir"), "data_dir must not be empty")
	}
	if d.failed() {
		return nil
	}
	return c
}

// http reads the HTTP listeners' settings.
func (d *decoder) http(n *yaml.Node) HTTP {
	h := d.object(n, "http", "listen", "max_connections", "read_timeout", "write_timeout", "idle_timeout")
	c := HTTP{Listen: h.str("listen", false, DefaultListen)}
	d.checkHostPort(h.at("listen"), "http: listen", c.Listen)
	c.MaxConnections = h.integer("max_connections", false, DefaultHTTPMaxConnections, 1, 1_000_000)
	c.ReadTimeout = h.duration("read_timeout", false, DefaultHTTPReadTimeout, false)
	c.WriteTimeout = h.duration("write_timeout", false, DefaultHTTPWriteTimeout, false)
	c.IdleTimeout = h.duration("idle_timeout", false, DefaultHTTPIdleTimeout, false)
	return c
}

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

var operatorName = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)

func (d *decoder) operators(n *yaml.Node) map[string]Operator {
	out := map[string]Operator{}
	ps := d.pairs(n, "operators")
	if !d.failed() && len(ps) == 0 && n != nil {
		d.fail(n, "operators: at least one operator is needed")
	}
	for _, p := range ps {
		if !operatorName.MatchString(p.key) {
			d.fail(p.kNode, "operator name %q: use lower-case letters, digits, - and _ (e.g. proximus)", p.key)
			return nil
		}
		what := "operator " + p.key
		o := d.object(p.value, what, "operator_billing", "mobile_payment_limit")
		op := Operator{
			Name:               p.key,
			OperatorBilling:    o.boolean("operator_billing", false),
			MobilePaymentLimit: o.money("mobile_payment_limit", false),
		}
		if d.failed() {
			return nil
		}
		if op.OperatorBilling && op.MobilePaymentLimit == 0 {
			d.fail(o.at("mobile_payment_limit"), "%s: operator_billing needs a mobile_payment_limit above 0.00", what)
		}
		if !op.OperatorBilling && o.has("mobile_payment_limit") {
			d.fail(o.at("mobile_payment_limit"), "%s: mobile_payment_limit without operator_billing: true", what)
		}
		out[p.key] = op
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

func (d *decoder) smscs(items []*yaml.Node, c *Config) []SMSC {
	var out []SMSC
	names := map[string]int{}
	for _, n := range items {
		o := d.object(n, "smsc", "name", "operator", "address", "system_id", "password",
			"system_type", "bind_mode", "tls", "window", "max_submits_per_second",
			"enquire_link", "reconnect_min", "reconnect_max", "interface_version", "redelivery_window",
			"refused_retry")
		name := o.str("name", true, "")
		if d.failed() {
			return nil
		}
		if first, ok := names[name]; ok {
			d.fail(o.at("name"), "smsc %s is defined twice (first at line %d)", name, first)
			return nil
		}
		names[name] = o.at("name").Line
		o.what = "smsc " + name
		s := SMSC{Name: name}
		s.Operator = o.str("operator", true, "")
		if _, ok := c.Operators[s.Operator]; !ok && !d.failed() {
			known := make([]string, 0, len(c.Operators))
			for k := range c.Operators {
				known = append(known, k)
			}
			sort.Strings(known)
			d.fail(o.at("operator"), "%s: unknown operator %q (known: %s)", o.what, s.Operator, strings.Join(known, ", "))
		}
		s.Address = o.str("address", true, "")
		d.checkHostPort(o.at("address"), o.what+": address", s.Address)
		s.SystemID = o.str("system_id", true, "")
		d.maxLen(o, "system_id", s.SystemID, 15)
		s.Password = o.secret("password", true)
		// Never quote the password itself in an error.
		if !d.failed() && len(s.Password) > 8 {
			d.fail(o.at("password"), "%s: password is longer than 8 characters, the SMPP 3.4 maximum", o.what)
		}
		s.SystemType = o.str("system_type", false, "")
		d.maxLen(o, "system_type", s.SystemType, 12)
		s.BindMode = o.str("bind_mode", false, BindTransceiver)
		if !d.failed() && s.BindMode != BindTransceiver && s.BindMode != BindTransmitterReceiver {
			d.fail(o.at("bind_mode"), "%s: bind_mode %q: use %s or %s", o.what, s.BindMode, BindTransceiver, BindTransmitterReceiver)
		}
		s.TLS = o.boolean("tls", false)
		s.Window = o.integer("window", false, DefaultWindow, 1, 10000)
		s.MaxSubmitsPerSecond = o.integer("max_submits_per_second", false, DefaultMaxSubmitsPerSecond, 1, 100000)
		s.EnquireLink = o.duration("enquire_link", false, DefaultEnquireLink, false)
		s.ReconnectMin = o.duration("reconnect_min", false, DefaultReconnectMin, false)
		s.ReconnectMax = o.duration("reconnect_max", false, DefaultReconnectMax, false)
		s.InterfaceVersion = d.interfaceVersion(o)
		s.RedeliveryWindow = o.duration("redelivery_window", false, DefaultRedeliveryWindow, false)
		s.RefusedRetry = o.duration("refused_retry", false, DefaultRefusedRetry, false)
		if !d.failed() && s.ReconnectMax < s.ReconnectMin {
			d.fail(o.at("reconnect_max"), "%s: reconnect_max (%s) is below reconnect_min (%s)", o.what, s.ReconnectMax, s.ReconnectMin)
		}
		if d.failed() {
			return nil
		}
		out = append(out, s)
	}
	return out
}

// interfaceVersion reads an SMSC's interface_version: 0x33 or 0x34
// (default 0x34).
func (d *decoder) interfaceVersion(o *object) byte {
	v := strings.ToLower(o.str("interface_version", false, "0x34"))
	switch {
	case d.failed():
		return 0x34
	case v == "0x33":
		return 0x33
	case v == "0x34":
		return 0x34
	}
	d.fail(o.at("interface_version"), "%s: interface_version %q: use 0x33 or 0x34", o.what, v)
	return 0x34
}

// maxLen records an error when an SMPP C-octet string field is too long.
func (d *decoder) maxLen(o *object, key, v string, limit int) {
	if !d.failed() && len(v) > limit {
		d.fail(o.at(key), "%s: %s %q is longer than %d characters, the SMPP maximum", o.what, key, v, limit)
	}
}

// checkHostPort records an error unless s is host:port with a valid port.
func (d *decoder) checkHostPort(n *yaml.Node, what, s string) {
	if d.failed() {
		return
	}
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		d.failErr(n, err, "%s: %q is not host:port", what, s)
		return
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 1 || p > 65535 {
		d.fail(n, "%s: %q: port must be a number from 1 to 65535", what, s)
	}
}
