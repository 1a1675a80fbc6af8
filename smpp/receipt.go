package smpp

import (
	"errors"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Brussels without the system's zoneinfo
)

// ErrNotReceipt is returned (wrapped) by ParseReceipt for a text that has
// neither an id nor a stat.
var ErrNotReceipt = errors.New("smpp: not a delivery receipt")

// receiptKeys returns the keys of the de facto standard receipt text (SMPP
// 3.4 Appendix B) that precede the free text, in their usual order.
func receiptKeys() []string {
	return []string{"id:", "sub:", "dlvrd:", "submit date:", "done date:", "stat:", "err:"}
}

// messageStateName names the values of the message_state TLV with the stat
// words of receipt texts.
func messageStateName(v byte) string {
	switch v {
	case 1:
		return "ENROUTE"
	case 2:
		return "DELIVRD"
	case 3:
		return "EXPIRED"
	case 4:
		return "DELETED"
	case 5:
		return "UNDELIV"
	case 6:
		return "ACCEPTD"
	case 7:
		return "UNKNOWN"
	case 8:
		return "REJECTD"
	}
	return fmt.Sprintf("STATE%d", v)
}

// ParseReceipt parses the text of a delivery receipt, "id:XXXX sub:001
// dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD
// err:000 text:…", keys in any case and order. Dates without a zone are
// taken as Europe/Brussels time; seconds (YYMMDDhhmmss) are accepted, and a
// date that does not parse leaves Done zero. The SMSC field of the result
// is empty. It returns an error wrapping ErrNotReceipt when the text has
// neither "id:" nor "stat:".
func ParseReceipt(text string) (Receipt, error) {
	loc, err := time.LoadLocation("Europe/Brussels")
	if err != nil { // cannot happen with time/tzdata linked in
		loc = time.UTC
	}
	return parseReceiptIn(text, loc)
}

// parseReceiptIn is ParseReceipt with dates in loc.
func parseReceiptIn(text string, loc *time.Location) (Receipt, error) {
	v := receiptFields(text)
	id, hasID := v["id:"]
	stat, hasStat := v["stat:"]
	if !hasID && !hasStat {
		return Receipt{}, fmt.Errorf("%w: %q", ErrNotReceipt, truncate(text, 40))
	}
	r := Receipt{MessageID: id, State: strings.ToUpper(stat), Err: v["err:"]}
	r.Delivered = r.State == "DELIVRD"
	r.Done = parseReceiptDate(v["done date:"], loc)
	return r, nil
}

// receiptFields returns the value of each key found in text: the word
// after it, or for "text:" the rest of the text.
func receiptFields(text string) map[string]string {
	lower := strings.ToLower(text)
	end := len(text)
	out := make(map[string]string, 8)
	if i := strings.Index(lower, "text:"); i >= 0 {
		out["text:"] = text[i+len("text:"):]
		end = i // keys are searched for before the free text only
	}
	for _, k := range receiptKeys() {
		i := keyIndex(lower[:end], k)
		if i < 0 {
			continue
		}
		rest := text[i+len(k) : end]
		rest = strings.TrimLeft(rest, " ")
		if j := strings.IndexByte(rest, ' '); j >= 0 {
			rest = rest[:j]
		}
		out[k] = rest
	}
	return out
}

// keyIndex returns where key starts in s at the start of a word, -1 if it
// does not ("id:" must not match inside another word).
func keyIndex(s, key string) int {
	from := 0
	for {
		i := strings.Index(s[from:], key)
		if i < 0 {
			return -1
		}
		i += from
		if i == 0 || s[i-1] == ' ' {
			return i
		}
		from = i + 1
	}
}

// parseReceiptDate parses YYMMDDhhmm or YYMMDDhhmmss in loc, zero if it
// is neither.
func parseReceiptDate(s string, loc *time.Location) time.Time {
	var layout string
	switch len(s) {
	case 10:
		layout = "0601021504"
	case 12:
		layout = "060102150405"
	default:
		return time.Time{}
	}
	t, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		return time.Time{}
	}
	return t
}

// truncate cuts s to at most n bytes, for error messages.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
