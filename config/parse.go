package config

import (
	"bytes"
	"errors"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
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
		"operators", "cities", "voucher_types", "permit_types", "smscs", "http", "data_dir", "store", "reply_validity", "payment_secret")
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
	c.Store = d.store(o.value("store", false))
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
