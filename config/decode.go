package config

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// decoder walks the yaml.Node tree of one file. The first error it meets
// sticks (later checks are skipped), so a bad config reports the first
// problem the walk finds, with the line of its node.
type decoder struct {
	file string
	err  *Error
}

// failed reports whether an error was already recorded.
func (d *decoder) failed() bool { return d.err != nil }

// fail records an error at n's line unless one is recorded already.
func (d *decoder) fail(n *yaml.Node, format string, args ...any) {
	d.failErr(n, nil, format, args...)
}

// failErr is fail with an underlying error kept for errors.Is/As.
func (d *decoder) failErr(n *yaml.Node, err error, format string, args ...any) {
	if d.err != nil {
		return
	}
	line := 0
	if n != nil {
		line = n.Line
	}
	d.err = &Error{File: d.file, Line: line, Msg: fmt.Sprintf(format, args...), Err: err}
}

// resolve follows YAML aliases (*anchor) to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// isNull reports whether n is absent or an explicit YAML null ("key:" with
// nothing after it, "~" or "null").
func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// pair is one key and its value in a YAML mapping.
type pair struct {
	key   string
	kNode *yaml.Node
	value *yaml.Node
}

// pairs returns the entries of the mapping n in file order. It records an
// error when n is not a mapping, when a key is not a plain value, when a key
// appears twice, or for a merge key ("<<").
func (d *decoder) pairs(n *yaml.Node, what string) []pair {
	n = resolve(n)
	if d.failed() || isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.fail(n, "%s must be a mapping of \"key: value\" lines", what)
		return nil
	}
	seen := make(map[string]int, len(n.Content)/2)
	out := make([]pair, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			d.fail(k, "a key in %s must be a plain word", what)
			return nil
		}
		if k.Value == "<<" {
			d.fail(k, "YAML merge keys (<<) are not supported; write the keys out")
			return nil
		}
		if first, ok := seen[k.Value]; ok {
			d.fail(k, "key %q appears twice in %s (first at line %d)", k.Value, what, first)
			return nil
		}
		seen[k.Value] = k.Line
		out = append(out, pair{key: k.Value, kNode: k, value: v})
	}
	return out
}

// object is a mapping whose keys are a fixed set.
type object struct {
	d    *decoder
	what string // "zone 1021", "smsc proximus-1": for messages
	node *yaml.Node
	vals map[string]*yaml.Node // non-null values by key
	keys map[string]*yaml.Node // key nodes, null values included
}

// object checks that n is a mapping whose keys are all in known, and
// returns it. On error it records it and returns an empty object, whose
// getters then return zero values.
func (d *decoder) object(n *yaml.Node, what string, known ...string) *object {
	n = resolve(n)
	o := &object{d: d, what: what, node: n, vals: map[string]*yaml.Node{}, keys: map[string]*yaml.Node{}}
	for _, p := range d.pairs(n, what) {
		if !slices.Contains(known, p.key) {
			d.fail(p.kNode, "unknown key %q in %s (known keys: %s)", p.key, what, strings.Join(known, ", "))
			return o
		}
		o.keys[p.key] = p.kNode
		if !isNull(p.value) {
			o.vals[p.key] = p.value
		}
	}
	return o
}

// has reports whether key is present with a non-null value.
func (o *object) has(key string) bool {
	_, ok := o.vals[key]
	return ok
}

// at returns the node to blame for key: its value, else its key, else the
// mapping itself.
func (o *object) at(key string) *yaml.Node {
	if v, ok := o.vals[key]; ok {
		return v
	}
	if k, ok := o.keys[key]; ok {
		return k
	}
	return o.node
}

// value returns key's value node, or nil (recording an error if required).
func (o *object) value(key string, required bool) *yaml.Node {
	v, ok := o.vals[key]
	if !ok && required {
		o.d.fail(o.at(key), "%s: missing %s", o.what, key)
	}
	if o.d.failed() {
		return nil
	}
	return v
}

// scalar returns key's text, or "" when absent (an error if required).
func (o *object) scalar(key string, required bool) (string, bool) {
	v := o.value(key, required)
	if v == nil {
		return "", false
	}
	if v.Kind != yaml.ScalarNode {
		o.d.fail(v, "%s: %s must be a single value, not a list or mapping", o.what, key)
		return "", false
	}
	return v.Value, true
}

// str returns a string value, def when absent; required strings must not
// be blank.
func (o *object) str(key string, required bool, def string) string {
	s, ok := o.scalar(key, required)
	if !ok {
		return def
	}
	if strings.TrimSpace(s) == "" && required {
		o.d.fail(o.at(key), "%s: %s must not be empty", o.what, key)
		return def
	}
	return s
}

// boolean returns a true/false value, def when absent.
func (o *object) boolean(key string, def bool) bool {
	s, ok := o.scalar(key, false)
	if !ok {
		return def
	}
	switch strings.ToLower(s) {
	case "true":
		return true
	case "false":
		return false
	}
	o.d.fail(o.at(key), "%s: %s must be true or false, got %q", o.what, key, s)
	return def
}

var intText = regexp.MustCompile(`^-?[0-9]{1,9}$`)

// integer returns a whole number in [lo, hi], def when absent.
func (o *object) integer(key string, required bool, def, lo, hi int) int {
	s, ok := o.scalar(key, required)
	if !ok {
		return def
	}
	if !intText.MatchString(s) {
		o.d.fail(o.at(key), "%s: %s must be a whole number, got %q", o.what, key, s)
		return def
	}
	n, _ := strconv.Atoi(s) // cannot fail: at most 9 digits
	if n < lo || n > hi {
		if n < 0 && lo >= 0 {
			o.d.fail(o.at(key), "%s: %s must not be negative, got %d", o.what, key, n)
		} else {
			o.d.fail(o.at(key), "%s: %s must be between %d and %d, got %d", o.what, key, lo, hi, n)
		}
		return def
	}
	return n
}

// moneyText is an amount in euros: digits, optionally a point and one or
// two decimals. At most 9 digits of euros keep cents far inside int64.
var moneyText = regexp.MustCompile(`^(-?)([0-9]{1,9})(?:\.([0-9]{1,2}))?$`)

// parseCents reads "2.50" as 250 cents, without floats. It returns a
// message for a person when the text is no amount.
func parseCents(s string) (int64, string) {
	m := moneyText.FindStringSubmatch(s)
	if m == nil {
		if strings.Contains(s, ",") {
			return 0, fmt.Sprintf("bad amount %q: write euros with a decimal point, e.g. 2.50", s)
		}
		return 0, fmt.Sprintf("bad amount %q: write euros with at most two decimals, e.g. 2.50", s)
	}
	euros, _ := strconv.ParseInt(m[2], 10, 64) // at most 9 digits
	var cents int64
	if m[3] != "" {
		cents, _ = strconv.ParseInt(m[3], 10, 64)
		if len(m[3]) == 1 {
			cents *= 10
		}
	}
	v := euros*100 + cents
	if m[1] == "-" {
		v = -v
	}
	return v, ""
}

// money returns an amount in cents, 0 when absent. It is read from the
// node's text, never through a float. Negative amounts are errors.
func (o *object) money(key string, required bool) int64 {
	s, ok := o.scalar(key, required)
	if !ok {
		return 0
	}
	v, msg := parseCents(s)
	if msg != "" {
		o.d.fail(o.at(key), "%s: %s: %s", o.what, key, msg)
		return 0
	}
	if v < 0 {
		o.d.fail(o.at(key), "%s: %s must not be negative, got %s", o.what, key, s)
		return 0
	}
	return v
}

// duration returns a Go duration ("4h30m", "90s"), def when absent. It must
// be positive unless zeroOK.
func (o *object) duration(key string, required bool, def time.Duration, zeroOK bool) time.Duration {
	s, ok := o.scalar(key, required)
	if !ok {
		return def
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		o.d.failErr(o.at(key), err, "%s: bad %s %q: write a duration such as 4h30m, 90m or 30s", o.what, key, s)
		return def
	}
	if v < 0 || (v == 0 && !zeroOK) {
		o.d.fail(o.at(key), "%s: %s must be positive, got %s", o.what, key, s)
		return def
	}
	return v
}

// list returns the items of a sequence, nil when absent. A single value
// where a list is expected is taken as a list of one when single is true.
func (o *object) list(key string, required, single bool) []*yaml.Node {
	v := o.value(key, required)
	if v == nil {
		return nil
	}
	switch {
	case v.Kind == yaml.SequenceNode:
		out := make([]*yaml.Node, len(v.Content))
		for i, c := range v.Content {
			out[i] = resolve(c)
		}
		if required && len(out) == 0 {
			o.d.fail(v, "%s: %s must not be empty", o.what, key)
		}
		return out
	case single && v.Kind == yaml.ScalarNode:
		return []*yaml.Node{v}
	}
	o.d.fail(v, "%s: %s must be a list", o.what, key)
	return nil
}

// strs returns the items of a list of plain values with their nodes.
func (o *object) strs(key string, required, single bool) ([]string, []*yaml.Node) {
	items := o.list(key, required, single)
	out := make([]string, 0, len(items))
	for _, it := range items {
		if it.Kind != yaml.ScalarNode || isNull(it) {
			o.d.fail(it, "%s: each item of %s must be a single value", o.what, key)
			return nil, nil
		}
		out = append(out, it.Value)
	}
	return out, items
}
