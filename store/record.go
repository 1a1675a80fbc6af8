package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"smspark/sessions"
)

// decode unmarshals a stored record; a failure is ErrCorrupt naming what
// and its key.
func decode[T any](what string, key, raw []byte) (T, error) {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, fmt.Errorf("%w: %s %s: %w", ErrCorrupt, what, showKey(key), err)
	}
	return v, nil
}

// decodeAll decodes raws[i] (stored under keys[i]) into out[i], on every
// CPU: the records of a read transaction stay valid until it ends. fast,
// if not nil, decodes a record without reflection or reports false; decode
// then decodes it. On failure it returns decode's error for the first
// undecodable record.
func decodeAll[T any](what string, keys, raws [][]byte, out []T, fast func(*fastJSON, *T) bool) error {
	workers := min(runtime.GOMAXPROCS(0), len(out)/1024+1)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := len(out)*w/workers, len(out)*(w+1)/workers
		wg.Go(func() {
			p := &fastJSON{strs: map[string]string{}}
			for i := lo; i < hi; i++ {
				if fast != nil {
					p.b, p.i = raws[i], 0
					var v T
					if fast(p, &v) {
						out[i] = v
						continue
					}
				}
				v, err := decode[T](what, keys[i], raws[i])
				if err != nil {
					errs[w] = err
					return
				}
				out[i] = v
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// put marshals v and stores it under key, which must not be reused before
// the transaction ends.
func put(b *bolt.Bucket, what string, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s %s: %w", what, showKey(key), err)
	}
	if err := b.Put(key, raw); err != nil {
		return fmt.Errorf("put %s %s: %w", what, showKey(key), err)
	}
	return nil
}

// showKey renders a key for an error message: text keys quoted, 8-byte
// binary keys as their ID, others in hex.
func showKey(key []byte) string {
	printable := len(key) > 0
	for _, r := range string(key) {
		if r == unicode.ReplacementChar || !unicode.IsPrint(r) {
			printable = false
			break
		}
	}
	switch {
	case printable:
		return strconv.Quote(string(key))
	case len(key) == 8:
		return strconv.FormatUint(binary.BigEndian.Uint64(key), 10)
	}
	return fmt.Sprintf("%x", key)
}

// fastJSON decodes, without reflection, the JSON objects encoding/json
// writes for the records Load reads by the million (running sessions,
// settings): an object of strings without escapes, integers, booleans and
// times. It refuses anything else (escapes, null, floats, unknown or
// escaped keys, invalid JSON), and the caller then decodes the record with
// json.Unmarshal: what it accepts it decodes exactly as json.Unmarshal
// does.
type fastJSON struct {
	b []byte
	i int
	// strs interns the short values that repeat (zone codes, cities,
	// operators, months), so that a million records share them.
	strs map[string]string
}

// maxInterned caps the interned values; longer values are not interned.
const (
	maxInterned    = 4096
	maxInternedLen = 32
)

func (p *fastJSON) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// object reads the opening brace.
func (p *fastJSON) object() bool {
	p.space()
	if p.i < len(p.b) && p.b[p.i] == '{' {
		p.i++
		return true
	}
	return false
}

// member reads the separator before a member (none before the first), its
// key and the colon; at the closing brace it reports done.
func (p *fastJSON) member(first bool) (key []byte, done, ok bool) {
	p.space()
	if p.i >= len(p.b) {
		return nil, false, false
	}
	if p.b[p.i] == '}' {
		p.i++
		return nil, true, true
	}
	if !first {
		if p.b[p.i] != ',' {
			return nil, false, false
		}
		p.i++
		p.space()
	}
	if key, ok = p.raw(); !ok {
		return nil, false, false
	}
	p.space()
	if p.i >= len(p.b) || p.b[p.i] != ':' {
		return nil, false, false
	}
	p.i++
	p.space()
	return key, false, true
}

// end reports whether nothing but white space follows the object.
func (p *fastJSON) end() bool {
	p.space()
	return p.i == len(p.b)
}

// raw reads a string without escapes or control characters, in valid
// UTF-8, and returns its bytes without the quotes.
func (p *fastJSON) raw() ([]byte, bool) {
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return nil, false
	}
	start, ascii := p.i+1, true
	for j := start; j < len(p.b); j++ {
		switch c := p.b[j]; {
		case c == '"':
			p.i = j + 1
			if !ascii && !utf8.Valid(p.b[start:j]) {
				return nil, false
			}
			return p.b[start:j], true
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= 0x80:
			ascii = false
		}
	}
	return nil, false
}

// str reads a string; intern shares the repeated values.
func (p *fastJSON) str(dst *string, intern bool) bool {
	b, ok := p.raw()
	if !ok {
		return false
	}
	if !intern || len(b) > maxInternedLen {
		*dst = string(b)
		return true
	}
	if s, ok := p.strs[string(b)]; ok {
		*dst = s
		return true
	}
	*dst = string(b)
	if len(p.strs) < maxInterned {
		p.strs[*dst] = *dst
	}
	return true
}

// time reads a time as time.Time's UnmarshalJSON does.
func (p *fastJSON) time(dst *time.Time) bool {
	start := p.i
	if _, ok := p.raw(); !ok {
		return false
	}
	return dst.UnmarshalJSON(p.b[start:p.i]) == nil
}

// digits reads an integer of at most 18 digits, without sign, fraction or
// exponent, as JSON writes it.
func (p *fastJSON) digits() (uint64, bool) {
	start := p.i
	var v uint64
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		v = v*10 + uint64(p.b[p.i]-'0')
		p.i++
	}
	n := p.i - start
	switch {
	case n == 0 || n > 18 || (n > 1 && p.b[start] == '0'):
		return 0, false
	case p.i < len(p.b) && (p.b[p.i] == '.' || p.b[p.i] == 'e' || p.b[p.i] == 'E'):
		return 0, false
	}
	return v, true
}

func (p *fastJSON) uint(dst *uint64) bool {
	v, ok := p.digits()
	*dst = v
	return ok
}

func (p *fastJSON) int(dst *int64) bool {
	neg := p.i < len(p.b) && p.b[p.i] == '-'
	if neg {
		p.i++
	}
	v, ok := p.digits()
	*dst = int64(v)
	if neg {
		*dst = -*dst
	}
	return ok
}

func (p *fastJSON) bool(dst *bool) bool {
	switch {
	case bytes.HasPrefix(p.b[p.i:], []byte("true")):
		*dst, p.i = true, p.i+4
	case bytes.HasPrefix(p.b[p.i:], []byte("false")):
		*dst, p.i = false, p.i+5
	default:
		return false
	}
	return true
}

// fastSession decodes a session as encoding/json writes it, or reports
// false.
func fastSession(p *fastJSON, s *sessions.Session) bool {
	if !p.object() {
		return false
	}
	for first := true; ; first = false {
		key, done, ok := p.member(first)
		switch {
		case !ok:
			return false
		case done:
			return p.end()
		}
		switch string(key) {
		case "id":
			ok = p.uint(&s.ID)
		case "account":
			ok = p.str(&s.Account, false)
		case "number":
			ok = p.str(&s.Number, false)
		case "operator":
			ok = p.str(&s.Operator, true)
		case "plate":
			ok = p.str(&s.Plate, false)
		case "zone":
			ok = p.str(&s.Zone, true)
		case "city":
			ok = p.str(&s.City, true)
		case "channel":
			ok = p.str((*string)(&s.Channel), true)
		case "start":
			ok = p.time(&s.Start)
		case "until":
			ok = p.time(&s.Until)
		case "end":
			ok = p.time(&s.End)
		case "end_reason":
			ok = p.str((*string)(&s.EndReason), true)
		case "cost_cents":
			ok = p.int(&s.CostCents)
		case "transaction_cents":
			ok = p.int(&s.TransactionCents)
		case "free_first_use":
			ok = p.bool(&s.Free)
		case "reminded":
			ok = p.bool(&s.Reminded)
		case "voucher":
			ok = p.str(&s.Voucher, false)
		case "day_ticket":
			ok = p.bool(&s.DayTicket)
		case "day_price_cents":
			ok = p.int(&s.DayPriceCents)
		case "reduced_percent":
			var v int64
			ok = p.int(&v) && int64(int(v)) == v
			s.ReducedPercent = int(v)
		case "grant":
			ok = p.str(&s.Grant, false)
		default:
			return false
		}
		if !ok {
			return false
		}
	}
}

// fastSettings decodes a number's settings as encoding/json writes them, or
// reports false.
func fastSettings(p *fastJSON, s *sessions.Settings) bool {
	if !p.object() {
		return false
	}
	for first := true; ; first = false {
		key, done, ok := p.member(first)
		switch {
		case !ok:
			return false
		case done:
			return p.end()
		}
		switch string(key) {
		case "number":
			ok = p.str(&s.Number, false)
		case "confirmations_off":
			ok = p.bool(&s.ConfirmationsOff)
		case "language":
			ok = p.str(&s.Language, true)
		case "last_plate":
			ok = p.str(&s.LastPlate, false)
		case "last_zone":
			ok = p.str(&s.LastZone, true)
		case "parked":
			ok = p.bool(&s.Parked)
		case "month":
			ok = p.str(&s.Month, true)
		case "month_cents":
			ok = p.int(&s.MonthCents)
		case "password_hash":
			ok = p.str(&s.PasswordHash, false)
		case "pass_requests":
			ok = p.times(&s.PassRequests)
		default:
			return false
		}
		if !ok {
			return false
		}
	}
}

// times reads an array of times.
func (p *fastJSON) times(dst *[]time.Time) bool {
	if p.i >= len(p.b) || p.b[p.i] != '[' {
		return false
	}
	p.i++
	out := []time.Time{}
	p.space()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		*dst = out
		return true
	}
	for {
		var t time.Time
		if !p.time(&t) {
			return false
		}
		out = append(out, t)
		p.space()
		if p.i >= len(p.b) {
			return false
		}
		c := p.b[p.i]
		p.i++
		switch c {
		case ']':
			*dst = out
			return true
		case ',':
			p.space()
		default:
			return false
		}
	}
}
