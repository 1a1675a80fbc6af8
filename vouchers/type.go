package vouchers

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// NoLimit in a remaining amount means that no quota limits it.
const NoLimit = -1

// MaxOrderQuantity is the most vouchers one order may hold.
const MaxOrderQuantity = 1000

// Type is a kind of voucher a city sells through its portal, as configured
// (config.VoucherType maps onto it field by field).
type Type struct {
	// Prefix starts every code of the type and names it, e.g. "BLA":
	// 2 to 5 upper-case letters, not Q first.
	Prefix string `json:"prefix"`
	// City is the name of the city that sells it.
	City string `json:"city"`
	// Names is the type's name by language (nl, fr, de, en).
	Names map[string]string `json:"names"`
	// Zone is the code of the zone a voucher parks in.
	Zone string `json:"zone"`
	// Duration is how long one voucher parks.
	Duration time.Duration `json:"duration"`
	// BundleSize is how many vouchers are sold together; orders are
	// multiples of it. At least 1.
	BundleSize int `json:"bundle_size"`
	// BundlePrice is the price of one bundle in cents.
	BundlePrice int64 `json:"bundle_price_cents"`
	// FreeBundlesPerYear is how many bundles an address gets free each
	// calendar year; they are used before any paid one.
	FreeBundlesPerYear int `json:"free_bundles_per_year"`
	// QuotaVouchers is how many vouchers an address may get a calendar
	// year; 0 means no such quota.
	QuotaVouchers int `json:"quota_vouchers"`
	// QuotaMinutes is how much parking time an address may get a calendar
	// year, in minutes (100 hours is 6000); 0 means no such quota.
	QuotaMinutes int `json:"quota_minutes"`
	// ValidityDays is how many days a voucher stays usable after it is
	// issued; 0 means it does not expire.
	ValidityDays int `json:"validity_days"`
	// EligibleZones are the zones whose addresses may buy the type.
	EligibleZones []string `json:"eligible_zones"`
	// Addresses are known streets of the eligible zones (Number empty).
	Addresses []Address `json:"addresses,omitempty"`
}

// Name returns the type's name in lang, else in nl, fr, en or de (the
// first it has), else its prefix.
func (t Type) Name(lang string) string {
	for _, l := range []string{lang, "nl", "fr", "en", "de"} {
		if n := t.Names[l]; n != "" {
			return n
		}
	}
	return t.Prefix
}

// validate returns ErrInvalidOptions (or ErrBadPrefix) for a type that
// cannot be sold.
func (t Type) validate() error {
	if err := checkPrefix(t.Prefix); err != nil {
		return err
	}
	switch {
	case t.City == "":
		return fmt.Errorf("%w: type %s: no city", ErrInvalidOptions, t.Prefix)
	case t.Zone == "":
		return fmt.Errorf("%w: type %s: no zone", ErrInvalidOptions, t.Prefix)
	case t.Duration < time.Minute:
		return fmt.Errorf("%w: type %s: duration %s", ErrInvalidOptions, t.Prefix, t.Duration)
	case t.BundleSize < 1 || t.BundleSize > MaxOrderQuantity:
		return fmt.Errorf("%w: type %s: bundle size %d", ErrInvalidOptions, t.Prefix, t.BundleSize)
	case t.BundlePrice < 0 || t.BundlePrice > 1e9:
		return fmt.Errorf("%w: type %s: bundle price %d", ErrInvalidOptions, t.Prefix, t.BundlePrice)
	case t.FreeBundlesPerYear < 0 || t.QuotaVouchers < 0 || t.QuotaMinutes < 0 || t.ValidityDays < 0:
		return fmt.Errorf("%w: type %s: negative free bundles, quota or validity", ErrInvalidOptions, t.Prefix)
	case len(t.EligibleZones) == 0:
		return fmt.Errorf("%w: type %s: no eligible zones", ErrInvalidOptions, t.Prefix)
	}
	return nil
}

// minutesPerVoucher is a voucher's duration in whole minutes, a started
// minute counting whole.
func minutesPerVoucher(d time.Duration) int {
	return int((d + time.Minute - 1) / time.Minute)
}

// Address is a citizen's address (Street, Number) or, in a street list, a
// street (Number empty); Zone is the parking zone it lies in.
type Address struct {
	Street string `json:"street"`
	Number string `json:"number,omitempty"`
	Zone   string `json:"zone,omitempty"`
	// Postcode and Town complete the postal address for the letter (Town
	// defaults to the city); neither is part of the quota's Key.
	Postcode string `json:"postcode,omitempty"`
	Town     string `json:"town,omitempty"`
}

// Key identifies the address for its quota: the street folded (case,
// accents, punctuation and runs of spaces ignored) and the number
// upper-case without spaces, "kerkstraat|12A". Two spellings of one address
// give the same key; the zone is not part of it.
func (a Address) Key() string {
	return StreetKey(a.Street) + "|" + numberKey(a.Number)
}

// validate returns ErrInvalidAddress for an address without street or
// number.
func (a Address) validate() error {
	if StreetKey(a.Street) == "" || numberKey(a.Number) == "" {
		return fmt.Errorf("%w: %q %q: street and number are needed", ErrInvalidAddress, a.Street, a.Number)
	}
	return nil
}

// StreetKey folds a street name for comparison: lower case, accents
// removed, anything but letters and digits a space, spaces collapsed.
// "Rue de l'Église" and "rue  de l eglise" give "rue de l eglise".
func StreetKey(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		f := fold(r)
		if f == "" {
			if b.Len() > 0 {
				space = true
			}
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteString(f)
	}
	return b.String()
}

// numberKey folds a house number: upper case, letters, digits and '/'
// kept, the rest dropped ("12 a" and "12A" are one number).
func numberKey(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9', r >= 'A' && r <= 'Z', r == '/':
			return r
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return -1
	}, s)
}

// fold returns a lower-case rune without its accent, "" for a separator.
func fold(r rune) string {
	switch {
	case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		return string(r)
	}
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å', 'ā', 'ă', 'ą':
		return "a"
	case 'æ':
		return "ae"
	case 'ç', 'ć', 'č':
		return "c"
	case 'ď', 'đ':
		return "d"
	case 'è', 'é', 'ê', 'ë', 'ē', 'ė', 'ę', 'ě':
		return "e"
	case 'ì', 'í', 'î', 'ï', 'ī', 'į', 'ı':
		return "i"
	case 'ł', 'ľ', 'ĺ':
		return "l"
	case 'ñ', 'ń', 'ň':
		return "n"
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø', 'ō', 'ő':
		return "o"
	case 'œ':
		return "oe"
	case 'ŕ', 'ř':
		return "r"
	case 'ß':
		return "ss"
	case 'ś', 'š', 'ş':
		return "s"
	case 'ť', 'ţ':
		return "t"
	case 'ù', 'ú', 'û', 'ü', 'ū', 'ů', 'ű', 'ų':
		return "u"
	case 'ý', 'ÿ':
		return "y"
	case 'ź', 'ż', 'ž':
		return "z"
	}
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		return string(r)
	}
	return ""
}

// Usage is what one address has got of one type in one calendar year:
// its orders that are not cancelled, awaiting payment included.
type Usage struct {
	Vouchers    int `json:"vouchers"`
	Minutes     int `json:"minutes"`
	FreeBundles int `json:"free_bundles"`
}

// UsageOf sums the orders of type t among orders (one address, one year)
// that are not cancelled. An order's minutes are its quantity times its own
// voucher duration.
func UsageOf(t Type, orders []Order) Usage {
	var u Usage
	free := 0
	for _, o := range orders {
		if o.Type != t.Prefix || o.Status == OrderCancelled {
			continue
		}
		d := o.Duration
		if d <= 0 {
			d = t.Duration
		}
		u.Vouchers += o.Quantity
		u.Minutes += o.Quantity * minutesPerVoucher(d)
		free += o.FreeVouchers
	}
	if size := max(t.BundleSize, 1); free > 0 {
		u.FreeBundles = (free + size - 1) / size
	}
	return u
}

// Remaining returns how many vouchers and minutes the address may still
// get this year after u: vouchers under both quotas (the minutes quota
// counted in whole vouchers), minutes under the minutes quota; NoLimit for
// what no quota limits.
func (t Type) Remaining(u Usage) (vouchers, minutes int) {
	vouchers, minutes = NoLimit, NoLimit
	if t.QuotaVouchers > 0 {
		vouchers = max(t.QuotaVouchers-u.Vouchers, 0)
	}
	if t.QuotaMinutes > 0 {
		minutes = max(t.QuotaMinutes-u.Minutes, 0)
		byTime := minutes / max(minutesPerVoucher(t.Duration), 1)
		if vouchers == NoLimit || byTime < vouchers {
			vouchers = byTime
		}
	}
	return vouchers, minutes
}

// FreeBundlesLeft returns how many free bundles the address still has this
// year after u.
func (t Type) FreeBundlesLeft(u Usage) int {
	return max(t.FreeBundlesPerYear-u.FreeBundles, 0)
}

// Quote is the price of an order.
type Quote struct {
	Quantity     int   `json:"quantity"`
	FreeVouchers int   `json:"free_vouchers"`
	PriceCents   int64 `json:"price_cents"`
}

// Quote prices quantity vouchers of the type for an address that has
// already got u this year: the free bundles left are used first, each
// other bundle costs BundlePrice.
//
// Returns ErrNotMultiple if quantity is not a positive multiple of
// BundleSize, ErrInvalidRequest above MaxOrderQuantity, and a *QuotaError
// (ErrQuotaExceeded) if the quotas do not leave room for quantity.
func (t Type) Quote(quantity int, u Usage) (Quote, error) {
	size := max(t.BundleSize, 1)
	if quantity <= 0 || quantity%size != 0 {
		return Quote{}, fmt.Errorf("%w: %d vouchers of %s, bundles of %d", ErrNotMultiple, quantity, t.Prefix, size)
	}
	if quantity > MaxOrderQuantity {
		return Quote{}, fmt.Errorf("%w: %d vouchers, at most %d an order", ErrInvalidRequest, quantity, MaxOrderQuantity)
	}
	vouchers, minutes := t.Remaining(u)
	if vouchers != NoLimit && quantity > vouchers {
		return Quote{}, &QuotaError{Type: t.Prefix, RemainingVouchers: vouchers, RemainingMinutes: minutes}
	}
	bundles := quantity / size
	free := min(bundles, t.FreeBundlesLeft(u))
	return Quote{
		Quantity:     quantity,
		FreeVouchers: free * size,
		PriceCents:   int64(bundles-free) * t.BundlePrice,
	}, nil
}

// QuotaError is ErrQuotaExceeded with what the address has left this
// year.
type QuotaError struct {
	// Type is the prefix of the voucher type.
	Type string
	// RemainingVouchers is how many vouchers are left (NoLimit: no
	// quota).
	RemainingVouchers int
	// RemainingMinutes is how much parking time is left under the minutes
	// quota (NoLimit: no such quota).
	RemainingMinutes int
}

// Error says what is left: "yearly voucher quota exceeded: BLA: 10
// vouchers left this year" or, with a time quota, "…: 0 vouchers (60
// minutes, 1 h) left this year".
func (e *QuotaError) Error() string {
	s := fmt.Sprintf("%s: %s: %d vouchers", ErrQuotaExceeded, e.Type, e.RemainingVouchers)
	if e.RemainingMinutes != NoLimit {
		s += fmt.Sprintf(" (%d minutes, %s h)", e.RemainingMinutes, FormatHours(e.RemainingMinutes))
	}
	return s + " left this year"
}

// Unwrap makes errors.Is(err, ErrQuotaExceeded) true.
func (e *QuotaError) Unwrap() error { return ErrQuotaExceeded }

// FormatHours writes minutes as hours with at most two decimals, rounded
// half up, without trailing zeros: 2430 → "40.5", 6000 → "100", 100 →
// "1.67". Negative minutes give "0".
func FormatHours(minutes int) string {
	if minutes <= 0 {
		return "0"
	}
	hundredths := (int64(minutes)*100 + 30) / 60
	s := strconv.FormatInt(hundredths/100, 10)
	frac := hundredths % 100
	if frac == 0 {
		return s
	}
	f := fmt.Sprintf("%02d", frac)
	return s + "." + strings.TrimRight(f, "0")
}

// zoneOf returns the zone of a for type t: the zone the street lists give
// the street (t's own list first, then extra), the address's own Zone if
// the lists give several zones including it, or, for a street no list
// knows, the address's own Zone (possibly empty).
func zoneOf(t Type, extra []Address, a Address) string {
	key := StreetKey(a.Street)
	var listed []string
	for _, list := range [][]Address{t.Addresses, extra} {
		for _, l := range list {
			if StreetKey(l.Street) == key && l.Zone != "" && !slices.Contains(listed, l.Zone) {
				listed = append(listed, l.Zone)
			}
		}
		if len(listed) > 0 {
			break
		}
	}
	switch {
	case len(listed) == 0, slices.Contains(listed, a.Zone):
		return a.Zone
	}
	return listed[0]
}

// eligible reports whether zone is one of t's eligible zones.
func (t Type) eligible(zone string) bool {
	return zone != "" && slices.Contains(t.EligibleZones, zone)
}
