package config

import (
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

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
