package billing_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"smspark/billing"
	"smspark/sessions"
)

// lastSunday is the last Sunday of a month, where Europe's DST changes
// (at 01:00 UTC).
func lastSunday(y int, m time.Month) time.Time {
	t := time.Date(y, m+1, 1, 1, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	for t.Weekday() != time.Sunday {
		t = t.AddDate(0, 0, -1)
	}
	return t
}

// drawSessions draws sessions of a few accounts around month: near its
// first and last instants, near the DST changes of its year, or anywhere in
// the 40 days either side; some running, some sharing an end.
func drawSessions(t *rapid.T, loc *time.Location, from, to time.Time) []sessions.Session {
	accounts := []string{"A1", "A2", "P-000123", ""}
	anchors := []time.Time{
		from, to, lastSunday(from.Year(), time.March), lastSunday(from.Year(), time.October),
	}
	n := rapid.IntRange(0, 40).Draw(t, "n")
	ss := make([]sessions.Session, 0, n)
	var ends []time.Time
	for i := range n {
		var start time.Time
		switch rapid.IntRange(0, 2).Draw(t, "where") {
		case 0:
			a := rapid.SampledFrom(anchors).Draw(t, "anchor")
			start = a.Add(time.Duration(rapid.IntRange(-36*60, 12*60).Draw(t, "offset")) * time.Minute)
		case 1:
			span := int(to.Sub(from)/time.Minute) + 80*24*60
			start = from.AddDate(0, 0, -40).Add(time.Duration(rapid.IntRange(0, span).Draw(t, "minute")) * time.Minute)
		default:
			start = from.Add(time.Duration(rapid.Int64Range(-int64(50*24*time.Hour), int64(75*24*time.Hour)).Draw(t, "ns")))
		}
		s := sessions.Session{
			ID:               uint64(i)*3 + 1,
			Account:          rapid.SampledFrom(accounts).Draw(t, "account"),
			Number:           fmt.Sprintf("+3247000%04d", rapid.IntRange(0, 9999).Draw(t, "number")),
			Plate:            "1ABC123",
			Zone:             rapid.SampledFrom([]string{"1021", "8370", "9999"}).Draw(t, "zone"),
			City:             "Brussels",
			Channel:          rapid.SampledFrom([]sessions.Channel{sessions.ChannelSMS, sessions.ChannelApp, sessions.ChannelWeb}).Draw(t, "channel"),
			Start:            start,
			CostCents:        rapid.Int64Range(0, 5000).Draw(t, "cost"),
			TransactionCents: rapid.SampledFrom([]int64{0, 25}).Draw(t, "tx"),
			Free:             rapid.IntRange(0, 9).Draw(t, "free") == 0,
		}
		if rapid.IntRange(0, 7).Draw(t, "running") > 0 {
			s.End = start.Add(time.Duration(rapid.IntRange(0, 30*60).Draw(t, "minutes")) * time.Minute)
			if len(ends) > 0 && rapid.IntRange(0, 5).Draw(t, "share end") == 0 {
				// The same end as another session, when it can be.
				if e := rapid.SampledFrom(ends).Draw(t, "same end"); !e.Before(start) {
					s.End = e
				}
			}
			ends = append(ends, s.End)
		}
		if !s.Running() {
			s.EndReason = sessions.EndStop
		}
		if rapid.Bool().Draw(t, "utc") {
			s.Start, s.End = s.Start.UTC(), s.End.UTC()
		} else {
			s.Start, s.End = s.Start.In(loc), s.End.In(loc)
		}
		if s.Running() {
			s.End = time.Time{}
		}
		ss = append(ss, s)
	}
	return ss
}

func writeBoth(t *rapid.T, st billing.Statement) (js, csv []byte) {
	var j, c bytes.Buffer
	if err := st.WriteJSON(&j); err != nil {
		t.Fatal(err)
	}
	if err := st.WriteCSV(&c); err != nil {
		t.Fatal(err)
	}
	return j.Bytes(), c.Bytes()
}

func TestStatementProperties(t *testing.T) {
	loc := brussels(t)
	rapid.Check(t, func(t *rapid.T) {
		y := rapid.IntRange(2025, 2027).Draw(t, "year")
		m := time.Month(rapid.IntRange(1, 12).Draw(t, "month"))
		month := fmt.Sprintf("%04d-%02d", y, m)
		from := time.Date(y, m, 1, 0, 0, 0, 0, loc)
		to := from.AddDate(0, 1, 0)
		ss := drawSessions(t, loc, from, to)
		acct := sessions.Account{ID: rapid.SampledFrom([]string{"A1", "A2", "P-000123"}).Draw(t, "billed"), Package: sessions.Pro}

		st, err := billing.NewStatement(acct, month, ss, zoneName, loc)
		if err != nil {
			t.Fatal(err)
		}

		// Exactly the account's sessions that ended in the month, by end
		// then ID; the model asks the calendar, not the instants.
		var want []sessions.Session
		for _, s := range ss {
			if s.Account == acct.ID && !s.Running() && s.End.In(loc).Format("2006-01") == month {
				want = append(want, s)
			}
		}
		slices.SortFunc(want, func(a, b sessions.Session) int {
			if c := a.End.Compare(b.End); c != 0 {
				return c
			}
			return cmp.Compare(a.ID, b.ID)
		})
		if len(st.Lines) != len(want) {
			t.Fatalf("%d lines, want %d", len(st.Lines), len(want))
		}
		var parking, tx int64
		for i, l := range st.Lines {
			w := want[i]
			if l.SessionID != w.ID || !l.End.Equal(w.End) || l.CostCents != w.CostCents || l.TransactionCents != w.TransactionCents {
				t.Fatalf("line %d = %+v, want session %+v", i, l, w)
			}
			if l.Date != w.End.In(loc).Format(time.DateOnly) || l.Start.Location() != loc || l.End.Location() != loc {
				t.Fatalf("line %d not local: %s %v %v", i, l.Date, l.Start, l.End)
			}
			parking += l.CostCents
			tx += l.TransactionCents
		}
		if st.ParkingCents != parking || st.TransactionCents != tx || st.TotalCents != parking+tx {
			t.Fatalf("totals %d+%d=%d, lines say %d+%d", st.ParkingCents, st.TransactionCents, st.TotalCents, parking, tx)
		}
		fee := int64(0)
		if st.TotalCents > 0 && st.TotalCents < 500 {
			fee = 25
		}
		if st.OnlineFeeCents != fee {
			t.Fatalf("online fee %d on %d", st.OnlineFeeCents, st.TotalCents)
		}
		if !st.Issued.Equal(to) || !st.Due.Equal(to.AddDate(0, 0, 30)) || st.Due.In(loc).Hour() != 0 {
			t.Fatalf("issued %v due %v", st.Issued, st.Due)
		}

		// The same bytes when written again, when made again from the
		// sessions in another order, or with their times in UTC.
		js, csv := writeBoth(t, st)
		js2, csv2 := writeBoth(t, st)
		if !bytes.Equal(js, js2) || !bytes.Equal(csv, csv2) {
			t.Fatal("writing twice gives other bytes")
		}
		shuffled := slices.Clone(ss)
		for i := len(shuffled) - 1; i > 0; i-- {
			j := rapid.IntRange(0, i).Draw(t, "swap")
			shuffled[i], shuffled[j] = shuffled[j], shuffled[i]
		}
		for i := range shuffled {
			if rapid.Bool().Draw(t, "to utc") {
				shuffled[i].Start = shuffled[i].Start.UTC()
				if !shuffled[i].Running() {
					shuffled[i].End = shuffled[i].End.UTC()
				}
			}
		}
		again, err := billing.NewStatement(acct, month, shuffled, zoneName, loc)
		if err != nil {
			t.Fatal(err)
		}
		js3, csv3 := writeBoth(t, again)
		if !bytes.Equal(js, js3) || !bytes.Equal(csv, csv3) {
			t.Fatal("making the statement again from shuffled sessions gives other bytes")
		}
	})
}

// BenchmarkStatement100k makes, and writes as JSON and CSV, the statement
// of one Pro account with 100,000 sessions in one month.
func BenchmarkStatement100k(b *testing.B) {
	loc := brussels(b)
	from := time.Date(2026, time.November, 1, 0, 0, 0, 0, loc)
	ss := make([]sessions.Session, 100_000)
	for i := range ss {
		start := from.Add(time.Duration(i%(29*24*60)) * time.Minute).Add(time.Duration(i%7) * time.Hour)
		ss[i] = sessions.Session{
			ID: uint64(len(ss) - i), Account: "P-000123", Number: fmt.Sprintf("+3247%07d", i%1000),
			Plate: fmt.Sprintf("1ABC%03d", i%1000), Zone: "1021", City: "Brussels", Channel: sessions.ChannelApp,
			Start: start, End: start.Add(68 * time.Minute), EndReason: sessions.EndStop,
			CostCents: 283, TransactionCents: 25,
		}
	}
	acct := sessions.Account{ID: "P-000123", Package: sessions.Pro}
	var size int64
	for b.Loop() {
		st, err := billing.NewStatement(acct, "2026-11", ss, zoneName, loc)
		if err != nil {
			b.Fatal(err)
		}
		cw := &countWriter{}
		if err := st.WriteJSON(cw); err != nil {
			b.Fatal(err)
		}
		if err := st.WriteCSV(cw); err != nil {
			b.Fatal(err)
		}
		size = cw.n
	}
	b.ReportMetric(float64(size)/1e6, "MB-out")
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)

// The statement's JSON is what encoding/json writes of the same fields
// (indented by two spaces, no HTML escaping), whatever the strings hold.
type statementJSON struct {
	Account          string     `json:"account"`
	Package          string     `json:"package"`
	Month            string     `json:"month"`
	Issued           string     `json:"issued"`
	Due              string     `json:"due"`
	Communication    string     `json:"communication"`
	BankAccount      string     `json:"bank_account"`
	ParkingCents     int64      `json:"parking_cents"`
	TransactionCents int64      `json:"transaction_cents"`
	TotalCents       int64      `json:"total_cents"`
	OnlineFeeCents   int64      `json:"online_fee_cents"`
	Lines            []lineJSON `json:"lines"`
}

type lineJSON struct {
	SessionID        uint64 `json:"session_id"`
	Date             string `json:"date"`
	Number           string `json:"number"`
	Plate            string `json:"plate"`
	Zone             string `json:"zone"`
	ZoneName         string `json:"zone_name"`
	City             string `json:"city"`
	Start            string `json:"start"`
	End              string `json:"end"`
	Channel          string `json:"channel"`
	Free             bool   `json:"free_first_use"`
	CostCents        int64  `json:"cost_cents"`
	TransactionCents int64  `json:"transaction_cents"`
	EndReason        string `json:"end_reason,omitempty"`
	Voucher          string `json:"voucher,omitempty"`
	Note             string `json:"note,omitempty"`
}

func TestStatementJSONIsEncodingJSON(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		str := func(label string) string {
			return rapid.OneOf(rapid.String(), rapid.SampledFrom([]string{
				"", "Blauwe zone", "Liège \"centre\"", `a\b`, "tab\there", "<&>", "line\u2028sep\u2029", "\x00\x1f\x7f", "€ 2,83",
			})).Draw(t, label)
		}
		tm := func(label string) time.Time {
			return time.Unix(rapid.Int64Range(0, 4e9).Draw(t, label), 0).In(time.FixedZone("", 60*rapid.IntRange(-720, 720).Draw(t, label+" zone")))
		}
		st := billing.Statement{
			Account: str("account"), Package: str("package"), Month: str("month"),
			Issued: tm("issued"), Due: tm("due"), Communication: billing.StructuredFor(str("key")),
			BankAccount: str("bank"), ParkingCents: rapid.Int64().Draw(t, "p"), TransactionCents: rapid.Int64().Draw(t, "tx"),
			TotalCents: rapid.Int64().Draw(t, "total"), OnlineFeeCents: rapid.Int64().Draw(t, "fee"),
		}
		for i := range rapid.IntRange(0, 3).Draw(t, "lines") {
			st.Lines = append(st.Lines, billing.Line{
				SessionID: rapid.Uint64().Draw(t, "id"), Date: str("date"), Number: str("number"), Plate: str("plate"),
				Zone: str("zone"), ZoneName: str("zone name"), City: str("city"), Start: tm("start"), End: tm("end"),
				CostCents: rapid.Int64().Draw(t, "cost"), TransactionCents: rapid.Int64().Draw(t, "line tx"),
				Channel: sessions.Channel(str("channel")), Free: rapid.Bool().Draw(t, "free"),
				EndReason: sessions.EndReason(str("reason")), Voucher: str("voucher"), Note: str(fmt.Sprint("note ", i)),
			})
		}
		var got bytes.Buffer
		if err := st.WriteJSON(&got); err != nil {
			t.Fatal(err)
		}
		var back statementJSON
		if err := json.Unmarshal(got.Bytes(), &back); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, got.Bytes())
		}
		if back.Lines == nil {
			back.Lines = []lineJSON{}
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(back); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("got\n%s\nencoding/json writes\n%s", got.Bytes(), want.Bytes())
		}
	})
}
