package billing

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"
	"unicode/utf8"
)

// WriteJSON writes the statement as indented JSON (two spaces, as
// encoding/json would with SetIndent("", "  ") and SetEscapeHTML(false)):
// fields in a fixed order, times RFC 3339 in the statement's time zone,
// amounts in cents, the communication written +++123/4567/89012+++; a line's
// end_reason, voucher and note only when not empty. The same statement
// always gives the same bytes. It writes as it goes, a line at a time.
// Returns the writer's error.
func (st Statement) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	b := make([]byte, 0, 1024)
	b = append(b, "{\n"...)
	b = jsonString(b, 1, "account", st.Account)
	b = jsonString(b, 1, "package", st.Package)
	b = jsonString(b, 1, "month", st.Month)
	b = jsonTime(b, 1, "issued", st.Issued)
	b = jsonTime(b, 1, "due", st.Due)
	b = jsonString(b, 1, "communication", st.Communication.String())
	b = jsonString(b, 1, "bank_account", st.BankAccount)
	b = jsonInt(b, 1, "parking_cents", st.ParkingCents)
	b = jsonInt(b, 1, "transaction_cents", st.TransactionCents)
	b = jsonInt(b, 1, "total_cents", st.TotalCents)
	b = jsonInt(b, 1, "online_fee_cents", st.OnlineFeeCents)
	if len(st.Lines) == 0 {
		b = append(b, "  \"lines\": []\n}\n"...)
		_, err := bw.Write(b)
		return flushJSON(bw, err)
	}
	b = append(b, "  \"lines\": [\n"...)
	for i, l := range st.Lines {
		b = append(b, "    {\n"...)
		b = jsonKey(b, 3, "session_id")
		b = strconv.AppendUint(b, l.SessionID, 10)
		b = append(b, ",\n"...)
		b = jsonString(b, 3, "date", l.Date)
		b = jsonString(b, 3, "number", l.Number)
		b = jsonString(b, 3, "plate", l.Plate)
		b = jsonString(b, 3, "zone", l.Zone)
		b = jsonString(b, 3, "zone_name", l.ZoneName)
		b = jsonString(b, 3, "city", l.City)
		b = jsonTime(b, 3, "start", l.Start)
		b = jsonTime(b, 3, "end", l.End)
		b = jsonString(b, 3, "channel", string(l.Channel))
		b = jsonKey(b, 3, "free_first_use")
		b = strconv.AppendBool(b, l.Free)
		b = append(b, ",\n"...)
		b = jsonInt(b, 3, "cost_cents", l.CostCents)
		b = jsonInt(b, 3, "transaction_cents", l.TransactionCents)
		if l.EndReason != "" {
			b = jsonString(b, 3, "end_reason", string(l.EndReason))
		}
		if l.Voucher != "" {
			b = jsonString(b, 3, "voucher", l.Voucher)
		}
		if l.Note != "" {
			b = jsonString(b, 3, "note", l.Note)
		}
		// The last member has no comma.
		b = append(b[:len(b)-2], '\n')
		if i < len(st.Lines)-1 {
			b = append(b, "    },\n"...)
		} else {
			b = append(b, "    }\n  ]\n}\n"...)
		}
		if _, err := bw.Write(b); err != nil {
			return flushJSON(bw, err)
		}
		b = b[:0]
	}
	return flushJSON(bw, nil)
}

func flushJSON(bw *bufio.Writer, err error) error {
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("billing: writing statement JSON: %w", err)
	}
	return nil
}

// jsonKey appends the indentation of depth and "key": .
func jsonKey(b []byte, depth int, key string) []byte {
	for range depth {
		b = append(b, "  "...)
	}
	b = append(b, '"')
	b = append(b, key...)
	return append(b, "\": "...)
}

func jsonInt(b []byte, depth int, key string, v int64) []byte {
	b = jsonKey(b, depth, key)
	b = strconv.AppendInt(b, v, 10)
	return append(b, ",\n"...)
}

func jsonTime(b []byte, depth int, key string, t time.Time) []byte {
	b = jsonKey(b, depth, key)
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339)
	return append(b, "\",\n"...)
}

func jsonString(b []byte, depth int, key, v string) []byte {
	b = jsonKey(b, depth, key)
	b = appendJSONString(b, v)
	return append(b, ",\n"...)
}

// appendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it without HTML escaping: quotes, backslashes and control
// characters, U+2028 and U+2029; invalid UTF-8 becomes \ufffd.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// statementCSVHeader returns the header row of a statement's CSV.
func statementCSVHeader() []string {
	return []string{
		"session_id", "date", "number", "plate", "zone", "zone_name", "city",
		"start", "end", "channel", "free_first_use", "cost", "transaction_cost", "total", "note",
	}
}

// WriteCSV writes the statement as CSV: a header row, one row per line
// (times RFC 3339 in the statement's time zone, amounts as 12.34 with a
// dot), then a totals row whose first cell is "total". The same statement
// always gives the same bytes. Returns the writer's error.
func (st Statement) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	row := statementCSVHeader()
	if err := cw.Write(row); err != nil {
		return fmt.Errorf("billing: writing statement CSV: %w", err)
	}
	for _, l := range st.Lines {
		row[0] = strconv.FormatUint(l.SessionID, 10)
		row[1] = l.Date
		row[2] = l.Number
		row[3] = l.Plate
		row[4] = l.Zone
		row[5] = l.ZoneName
		row[6] = l.City
		row[7] = rfc3339(l.Start)
		row[8] = rfc3339(l.End)
		row[9] = string(l.Channel)
		row[10] = strconv.FormatBool(l.Free)
		row[11] = FormatCents(l.CostCents)
		row[12] = FormatCents(l.TransactionCents)
		row[13] = FormatCents(l.CostCents + l.TransactionCents)
		row[14] = l.Note
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("billing: writing statement CSV: %w", err)
		}
	}
	clear(row)
	row[0] = "total"
	row[11] = FormatCents(st.ParkingCents)
	row[12] = FormatCents(st.TransactionCents)
	row[13] = FormatCents(st.TotalCents)
	if err := cw.Write(row); err != nil {
		return fmt.Errorf("billing: writing statement CSV: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("billing: writing statement CSV: %w", err)
	}
	return nil
}

// rfc3339 writes t as RFC 3339 to the second, in its own location (a
// Statement's times are in the time zone it was made in).
func rfc3339(t time.Time) string { return t.Format(time.RFC3339) }
