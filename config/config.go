// Package config reads smspark's configuration: one YAML file holding the
// time zone, public holidays, mobile operators, cities with their zones and
// tariffs, voucher types, permit types, reduced tariffs, the SMSCs to bind
// to, the HTTP listen address and the data directory.
//
// Without a file, Default returns the embedded reference data (docs/tariffs.md),
// whose source, reference.yml, is a complete commented example of the
// format (ReferenceYAML returns it, for a user to copy).
//
// A bad config is reported as an *Error naming the file, the line of the
// offending YAML node and what is wrong; unknown keys are errors.
package config

import (
	_ "embed"
	"fmt"
	"os"
	"slices"
	"sort"
	"time"

	// The time zone database is compiled in, so "Europe/Brussels" loads
	// on hosts without /usr/share/zoneinfo.
	_ "time/tzdata"

	"smspark/tariffs"
)

// Bind modes of an SMSC.
const (
	// BindTransceiver is one bind that both sends and receives.
	BindTransceiver = "transceiver"
	// BindTransmitterReceiver is two binds, a transmitter for MTs and a
	// receiver for MOs, for SMSCs that take no transceiver.
	BindTransmitterReceiver = "transmitter+receiver"
)

// Defaults of what a config file may leave out.
const (
	DefaultTimezone            = "Europe/Brussels"
	DefaultLanguage            = "nl"
	DefaultListen              = "127.0.0.1:8080"
	DefaultDataDir             = "/var/lib/smspark"
	DefaultWindow              = 10
	DefaultMaxSubmitsPerSecond = 50
	DefaultEnquireLink         = 30 * time.Second
	DefaultReconnectMin        = 250 * time.Millisecond
	DefaultReconnectMax        = 4 * time.Second // with jitter, a bind is back within 5 s of the SMSC
	DefaultHTTPMaxConnections  = 1024
	DefaultHTTPReadTimeout     = 30 * time.Second
	DefaultHTTPWriteTimeout    = 60 * time.Second // a statement PDF or a backup over a slow link
	DefaultHTTPIdleTimeout     = 120 * time.Second
	DefaultRedeliveryWindow    = 10 * time.Minute
	DefaultRefusedRetry        = time.Minute
)

// Config is a parsed and validated configuration. Treat it as read-only:
// the zones, maps and slices it hands out are shared.
type Config struct {
	// File is the path the config was read from; "" for the embedded
	// default.
	File string
	// Location is the time zone of every tariff ("timezone",
	// default Europe/Brussels).
	Location *time.Location
	// DefaultLanguage is the reply language when neither the number nor
	// the zone's city sets one ("default_language", default nl).
	DefaultLanguage string
	// Holidays are public holidays, free in every zone, in file order.
	Holidays []tariffs.Date
	// Operators are the mobile operators by name (lower case).
	Operators map[string]Operator
	// Cities, in file order. Each zone is fully built: city name, the
	// city's language, and a tariff with Location, holidays (global plus
	// the city's own), windows, money in cents, MaxDuration and DayPrice.
	Cities []tariffs.City
	// VoucherTypes, in file order.
	VoucherTypes []VoucherType
	// PermitTypes, in file order.
	PermitTypes []PermitType
	// ReducedTariffs lists the cities whose counter may grant a reduced
	// tariff, in city order.
	ReducedTariffs []ReducedTariff
	// SMSCs to bind to; none in the reference data (the demo starts its
	// own simulator).
	SMSCs []SMSC
	// HTTP is the HTTP API's settings.
	HTTP HTTP
	// DataDir is where the store lives ("data_dir", default
	// /var/lib/smspark).
	DataDir string
	// Store is where the records live ("store"; default kind bbolt, the
	// file in DataDir).
	Store Store
	// ReplyValidity is how long after its MO a reply is still worth
	// sending ("reply_validity", a Go duration, default 1h): a reply that
	// meets temporary errors (the SMSC down, throttling, ESME_RSYSERR) is
	// retried until then, and ends failed after.
	ReplyValidity time.Duration
	// PaymentSecret is the key payment callbacks are signed with, in hex
	// (at least 16 bytes), from "payment_secret" (a file, an environment
	// variable or a systemd credential); "" keeps it in the data directory
	// (payment.secret, made the first time).
	PaymentSecret Secret
}

// DefaultReplyValidity is the default of Config.ReplyValidity: a parking
// confirmation an hour late is no confirmation.
const DefaultReplyValidity = time.Hour

// Operator is a mobile operator.
type Operator struct {
	// Name is the operator's key in the config, e.g. "proximus".
	Name string
	// OperatorBilling says whether the operator bills parking on the
	// phone bill of Easy numbers.
	OperatorBilling bool
	// MobilePaymentLimit is the monthly limit in cents of what an Easy
	// number may be billed through the operator; 0 without operator billing.
	MobilePaymentLimit int64
}

// VoucherType is a kind of parking voucher a city sells (docs/vouchers.md).
type VoucherType struct {
	// Prefix starts every code of this type, e.g. "BLA"; upper-case
	// letters, 2 to 5 of them, never starting with Q.
	Prefix string
	// City is the name of the city that sells it.
	City string
	// Names is the type's name by language (nl, fr, de, en); it always
	// has the city's language.
	Names map[string]string
	// Zone is the code of the zone a voucher parks in.
	Zone string
	// Duration is how long one voucher parks.
	Duration time.Duration
	// BundleSize is how many vouchers are sold together (orders are
	// multiples of it); at least 1.
	BundleSize int
	// BundlePrice is the price of one bundle in cents.
	BundlePrice int64
	// FreeBundlesPerYear is how many bundles an address gets free each
	// calendar year.
	FreeBundlesPerYear int
	// QuotaVouchers is how many vouchers an address may buy a calendar
	// year; 0 means no such quota.
	QuotaVouchers int
	// QuotaMinutes is how much parking time, in minutes, an address may
	// buy a calendar year ("100 hours" is 6000); 0 means no such quota.
	QuotaMinutes int
	// ValidityDays is how long a voucher stays usable after purchase.
	ValidityDays int
	// EligibleZones are the codes of the zones whose addresses may buy.
	EligibleZones []string
	// Addresses are known streets of the eligible zones.
	Addresses []Address
}

// Address is a street of an eligible zone.
type Address struct {
	Street string
	Zone   string
}

// PermitType is a kind of parking permit a city sells (docs/permits.md).
type PermitType struct {
	// ID identifies the type in the API, e.g. "leuven-resident".
	ID string
	// City is the name of the city that sells it.
	City string
	// Name is the type's name as the city writes it.
	Name string
	// Zones are the codes of the zones the permit is valid in.
	Zones []string
	// Prices in cents by length: "month", "year".
	Prices map[string]int64
}

// ReducedTariff is what a city's counter may grant: Percent of the normal
// rate (25 means the motorist pays a quarter).
type ReducedTariff struct {
	City    string
	Percent int
}

// SMSC is one SMSC to bind to over SMPP (docs/smpp.md).
type SMSC struct {
	// Name identifies the SMSC in logs and metrics.
	Name string
	// Operator is the name of the operator whose MOs arrive here and whose
	// MTs leave here.
	Operator string
	// Address is host:port.
	Address string
	// SystemID, Password and SystemType are the bind credentials.
	SystemID   string
	Password   Secret
	SystemType string
	// BindMode is BindTransceiver or BindTransmitterReceiver.
	BindMode string
	// TLS says whether to connect over TLS.
	TLS bool
	// Window is the most submits outstanding at once.
	Window int
	// MaxSubmitsPerSecond throttles submits on this SMSC.
	MaxSubmitsPerSecond int
	// EnquireLink is the interval of enquire_link.
	EnquireLink time.Duration
	// ReconnectMin and ReconnectMax bound the reconnect backoff.
	ReconnectMin, ReconnectMax time.Duration
	// InterfaceVersion is the SMPP version the bind announces (0x33 or
	// 0x34).
	InterfaceVersion byte
	// RedeliveryWindow is how long after a bind dropped an MO whose ack
	// may have been lost with it is taken for its redelivery.
	RedeliveryWindow time.Duration
	// RefusedRetry is the wait before binding again after the SMSC refused
	// the credentials or configuration.
	RefusedRetry time.Duration
}

// HTTP holds the HTTP listeners' settings (the API's and the admin
// endpoint's limits alike).
type HTTP struct {
	// Listen is the API's address to listen on, host:port.
	Listen string
	// MaxConnections is the most connections open at once per listener;
	// further ones wait until one closes ("max_connections").
	MaxConnections int
	// ReadTimeout bounds reading a request, body included; WriteTimeout
	// bounds writing its response (a reader that stalls longer is cut);
	// IdleTimeout closes a kept-alive connection left idle.
	ReadTimeout, WriteTimeout, IdleTimeout time.Duration
}

//go:embed reference.yml
var reference []byte

// ReferenceYAML returns the embedded reference config (a fresh copy): the
// data of docs/tariffs.md, commented, to start a config of one's own from.
func ReferenceYAML() []byte { return slices.Clone(reference) }

// Default returns the embedded reference data of docs/tariffs.md. It is valid (a
// test proves it), so Default does not fail; it panics only if the embedded
// file is broken, a programming error. Each call returns a new Config.
func Default() *Config {
	c, err := Parse("config/reference.yml", reference)
	if err != nil {
		panic(fmt.Sprintf("config: embedded reference.yml is invalid: %v", err))
	}
	c.File = ""
	return c
}

// Load reads and parses the config file at path. A bad config is an
// *Error; a file that cannot be read is the os error (naming the path)
// wrapped, so errors.Is(err, fs.ErrNotExist) works.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, data)
}

// Zone returns the zone with the given code, and whether there is one.
func (c *Config) Zone(code string) (tariffs.Zone, bool) {
	for _, city := range c.Cities {
		for _, z := range city.Zones {
			if z.Code == code {
				return z, true
			}
		}
	}
	return tariffs.Zone{}, false
}

// City returns the city with the given name (exact match), and whether
// there is one.
func (c *Config) City(name string) (tariffs.City, bool) {
	for _, city := range c.Cities {
		if city.Name == name {
			return city, true
		}
	}
	return tariffs.City{}, false
}

// VoucherPrefixes returns the prefixes of all voucher types, sorted.
func (c *Config) VoucherPrefixes() []string {
	out := make([]string, 0, len(c.VoucherTypes))
	for _, vt := range c.VoucherTypes {
		out = append(out, vt.Prefix)
	}
	sort.Strings(out)
	return out
}

// VoucherType returns the voucher type with the given prefix, and whether
// there is one.
func (c *Config) VoucherType(prefix string) (VoucherType, bool) {
	for _, vt := range c.VoucherTypes {
		if vt.Prefix == prefix {
			return vt, true
		}
	}
	return VoucherType{}, false
}

// PermitType returns the permit type with the given ID, and whether there
// is one.
func (c *Config) PermitType(id string) (PermitType, bool) {
	for _, pt := range c.PermitTypes {
		if pt.ID == id {
			return pt, true
		}
	}
	return PermitType{}, false
}

// ReducedTariff returns the reduced tariff percent the named city may
// grant, and whether it grants one.
func (c *Config) ReducedTariff(city string) (int, bool) {
	for _, r := range c.ReducedTariffs {
		if r.City == city {
			return r.Percent, true
		}
	}
	return 0, false
}
