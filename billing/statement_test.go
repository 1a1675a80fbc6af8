package billing_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"smspark/billing"
	"smspark/sessions"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func brussels(tb testing.TB) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

// zoneNames are the zones of the reference data (docs/tariffs.md).
func zoneName(code string) string {
	return map[string]string{
		"1021": "Louise", "1030": "Centre", "8370": "Centrum", "8371": "Blauwe zone",
		"8500": "Centrum", "3000": "Centrum",
	}[code]
}

func at(loc *time.Location, s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

var premium = sessions.Account{
	ID:      "P-000123",
	Package: sessions.Premium,
	Numbers: []string{"+32470123456", "+32495111222"},
}

// november is a realistic November 2026 of a Premium account, with the
// worked examples of docs/tariffs.md, and sessions that must stay out.
func november(loc *time.Location) []sessions.Session {
	s := func(id uint64, number, plate, zone, city string, ch sessions.Channel, start, end string, reason sessions.EndReason, cost, tx int64) sessions.Session {
		ss := sessions.Session{
			ID: id, Account: premium.ID, Number: number, Plate: plate, Zone: zone, City: city,
			Channel: ch, Start: at(loc, start), EndReason: reason, CostCents: cost, TransactionCents: tx,
		}
		if end != "" {
			ss.End = at(loc, end)
		}
		return ss
	}
	const n1, n2 = "+32470123456", "+32495111222"
	ss := []sessions.Session{
		// 68 minutes in 1021: 283 cents (docs/tariffs.md).
		s(1041, n1, "1ABC123", "1021", "Brussels", sessions.ChannelSMS, "2026-11-23 10:00", "2026-11-23 11:08", sessions.EndStop, 283, 0),
		// 45 − 30 free minutes in 8500: 38 cents.
		s(1042, n1, "2XYZ789", "8500", "Kortrijk", sessions.ChannelSMS, "2026-11-23 10:00", "2026-11-23 10:45", sessions.EndStop, 38, 0),
		// Sunday: nothing.
		s(1030, n1, "1ABC123", "1021", "Brussels", sessions.ChannelSMS, "2026-11-22 10:00", "2026-11-22 12:00", sessions.EndStop, 0, 0),
		// Ended at the maximum duration: 1125 cents.
		s(1012, n1, "1ABC123", "1021", "Brussels", sessions.ChannelSMS, "2026-11-16 10:00", "2026-11-16 14:30", sessions.EndMaxDuration, 1125, 0),
		// App: 150 minutes × €2.20 = 550 cents, and €0.25 transaction cost.
		s(1003, n2, "2XYZ789", "3000", "Leuven", sessions.ChannelApp, "2026-11-03 09:30", "2026-11-03 12:00", sessions.EndStop, 550, 25),
		// Web, 1030 Centre: 90 minutes × €3.00 = 450 cents.
		s(1055, n2, "1ABC123", "1030", "Brussels", sessions.ChannelWeb, "2026-11-27 14:00", "2026-11-27 15:30", sessions.EndStop, 450, 0),
		// Crossed into November at night: free time, but a November line.
		s(998, n1, "1ABC123", "1021", "Brussels", sessions.ChannelSMS, "2026-10-31 23:30", "2026-11-01 00:30", sessions.EndStop, 0, 0),
		// Ended exactly at the first instant of December: not November.
		s(1070, n1, "1ABC123", "1021", "Brussels", sessions.ChannelSMS, "2026-11-30 23:00", "2026-12-01 00:00", sessions.EndStop, 0, 0),
		// Ended in October.
		s(990, n1, "1ABC123", "1021", "Brussels", sessions.ChannelSMS, "2026-10-30 10:00", "2026-10-30 11:00", sessions.EndStop, 250, 0),
		// Still running.
		s(1071, n2, "2XYZ789", "1021", "Brussels", sessions.ChannelSMS, "2026-11-30 20:00", "", "", 0, 0),
	}
	free := s(1001, n2, "2XYZ789", "8370", "Blankenberge", sessions.ChannelSMS, "2026-11-02 11:00", "2026-11-02 12:00", sessions.EndStop, 0, 0)
	free.Free = true
	voucher := s(1020, n1, "1ABC123", "8371", "Blankenberge", sessions.ChannelVoucher, "2026-11-07 08:00", "2026-11-07 20:00", sessions.EndVoucher, 0, 0)
	voucher.Voucher = "BLA6JKPMWQR"
	other := s(1043, "+32478999888", "9ZZZ999", "1021", "Brussels", sessions.ChannelSMS, "2026-11-23 10:00", "2026-11-23 11:00", sessions.EndStop, 250, 0)
	other.Account = "P-000999"
	easy := s(1044, "+32478555444", "8EAS123", "1021", "Brussels", sessions.ChannelSMS, "2026-11-23 12:00", "2026-11-23 13:00", sessions.EndStop, 250, 0)
	easy.Account, easy.Operator = "", "proximus"
	return append(ss, free, voucher, other, easy)
}

func TestNovemberGolden(t *testing.T) {
	loc := brussels(t)
	st, err := billing.NewStatement(premium, "2026-11", november(loc), zoneName, loc)
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint64
	for _, l := range st.Lines {
		ids = append(ids, l.SessionID)
	}
	if want := []uint64{998, 1001, 1003, 1020, 1012, 1030, 1042, 1041, 1055}; !slices.Equal(ids, want) {
		t.Errorf("lines %v, want %v", ids, want)
	}
	if st.ParkingCents != 2446 || st.TransactionCents != 25 || st.TotalCents != 2471 || st.OnlineFeeCents != 0 {
		t.Errorf("totals %d + %d = %d, fee %d", st.ParkingCents, st.TransactionCents, st.TotalCents, st.OnlineFeeCents)
	}
	if got := st.Communication.String(); got != billing.StructuredFor("P-000123|2026-11").String() {
		t.Errorf("communication %s", got)
	}
	for _, f := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"statement-2026-11.json", func(b *bytes.Buffer) error { return st.WriteJSON(b) }},
		{"statement-2026-11.csv", func(b *bytes.Buffer) error { return st.WriteCSV(b) }},
	} {
		t.Run(f.name, func(t *testing.T) {
			var got bytes.Buffer
			if err := f.write(&got); err != nil {
				t.Fatal(err)
			}
			golden(t, f.name, got.Bytes())
		})
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", name, got)
	}
}

func TestStatementDates(t *testing.T) {
	loc := brussels(t)
	tests := []struct {
		month, issued, due string
	}{
		{"2026-11", "2026-12-01T00:00:00+01:00", "2026-12-31T00:00:00+01:00"},
		// Issued in summer time, due in winter time: still midnight.
		{"2026-09", "2026-10-01T00:00:00+02:00", "2026-10-31T00:00:00+01:00"},
		{"2027-02", "2027-03-01T00:00:00+01:00", "2027-03-31T00:00:00+02:00"},
		{"2026-12", "2027-01-01T00:00:00+01:00", "2027-01-31T00:00:00+01:00"},
	}
	for _, tt := range tests {
		t.Run(tt.month, func(t *testing.T) {
			st, err := billing.NewStatement(premium, tt.month, nil, nil, loc)
			if err != nil {
				t.Fatal(err)
			}
			if got := st.Issued.Format(time.RFC3339); got != tt.issued {
				t.Errorf("issued %s, want %s", got, tt.issued)
			}
			if got := st.Due.Format(time.RFC3339); got != tt.due {
				t.Errorf("due %s, want %s", got, tt.due)
			}
			if st.Lines == nil || st.TotalCents != 0 || st.BankAccount != "BE43 0682 4500 0001" {
				t.Errorf("empty statement %+v", st)
			}
		})
	}
}

func TestStatementErrors(t *testing.T) {
	loc := brussels(t)
	tests := []struct {
		name  string
		acct  sessions.Account
		month string
		loc   *time.Location
		want  error
	}{
		{"empty month", premium, "", loc, billing.ErrBadMonth},
		{"month 13", premium, "2026-13", loc, billing.ErrBadMonth},
		{"month 0", premium, "2026-00", loc, billing.ErrBadMonth},
		{"one digit", premium, "2026-1", loc, billing.ErrBadMonth},
		{"a day", premium, "2026-11-01", loc, billing.ErrBadMonth},
		{"slash", premium, "2026/11", loc, billing.ErrBadMonth},
		{"words", premium, "november", loc, billing.ErrBadMonth},
		{"no account", sessions.Account{}, "2026-11", loc, billing.ErrNoAccount},
		{"no time zone", premium, "2026-11", nil, billing.ErrNoLocation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := billing.NewStatement(tt.acct, tt.month, november(brussels(t)), zoneName, tt.loc)
			if !errors.Is(err, tt.want) {
				t.Errorf("err %v, want %v", err, tt.want)
			}
		})
	}
}

func TestOnlineFee(t *testing.T) {
	tests := []struct {
		total, fee int64
	}{
		{0, 0}, {1, 25}, {283, 25}, {499, 25}, {500, 0}, {501, 0}, {2471, 0}, {-100, 0},
	}
	for _, tt := range tests {
		t.Run(billing.FormatCents(tt.total), func(t *testing.T) {
			if got := billing.OnlineFee(tt.total); got != tt.fee {
				t.Errorf("OnlineFee(%d) = %d, want %d", tt.total, got, tt.fee)
			}
		})
	}
	// And on a statement: one session of 283 cents.
	loc := brussels(t)
	st, err := billing.NewStatement(premium, "2026-11", november(loc)[:1], zoneName, loc)
	if err != nil {
		t.Fatal(err)
	}
	if st.TotalCents != 283 || st.OnlineFeeCents != 25 {
		t.Errorf("total %d, fee %d", st.TotalCents, st.OnlineFeeCents)
	}
}

func TestFormatCents(t *testing.T) {
	for _, tt := range []struct {
		c    int64
		want string
	}{
		{0, "0.00"}, {5, "0.05"}, {283, "2.83"}, {1125, "11.25"}, {123456, "1234.56"}, {-38, "-0.38"}, {-1234, "-12.34"},
	} {
		t.Run(tt.want, func(t *testing.T) {
			if got := billing.FormatCents(tt.c); got != tt.want {
				t.Errorf("FormatCents(%d) = %s", tt.c, got)
			}
		})
	}
}

// The JSON a statement writes reads back to the same figures.
func TestStatementJSONReadsBack(t *testing.T) {
	loc := brussels(t)
	st, err := billing.NewStatement(premium, "2026-11", november(loc), zoneName, loc)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := st.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Communication string
		TotalCents    int64 `json:"total_cents"`
		Lines         []struct {
			Start time.Time
			Note  string
		}
	}
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.TotalCents != st.TotalCents || len(back.Lines) != len(st.Lines) {
		t.Fatalf("read back %+v", back)
	}
	if _, err := billing.ParseStructured(back.Communication); err != nil {
		t.Error(err)
	}
	for i, l := range back.Lines {
		if !l.Start.Equal(st.Lines[i].Start) {
			t.Errorf("line %d start %v, want %v", i, l.Start, st.Lines[i].Start)
		}
	}
	if !strings.Contains(b.String(), `"start": "2026-10-31T23:30:00+01:00"`) {
		t.Error("times are not local RFC 3339")
	}
}

type failWriter struct{}

var errDisk = errors.New("disk full")

func (failWriter) Write([]byte) (int, error) { return 0, errDisk }

func TestWriteErrors(t *testing.T) {
	loc := brussels(t)
	st, _ := billing.NewStatement(premium, "2026-11", november(loc), zoneName, loc)
	cf, _ := billing.NewChargeFile("proximus", at(loc, "2026-11-23 12:00"), november(loc), loc)
	for name, write := range map[string]func() error{
		"json":       func() error { return st.WriteJSON(failWriter{}) },
		"csv":        func() error { return st.WriteCSV(failWriter{}) },
		"chargefile": func() error { return cf.WriteCSV(failWriter{}) },
	} {
		t.Run(name, func(t *testing.T) {
			if err := write(); !errors.Is(err, errDisk) {
				t.Errorf("err %v", err)
			}
		})
	}
}

// Invalid UTF-8 in a plate still gives valid JSON, as encoding/json would.
func TestStatementJSONInvalidUTF8(t *testing.T) {
	st := billing.Statement{Lines: []billing.Line{{Plate: "1AB\xffC"}}}
	var b bytes.Buffer
	if err := st.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(b.Bytes()) || !strings.Contains(b.String(), `"plate": "1AB\ufffdC"`) {
		t.Errorf("JSON:\n%s", b.String())
	}
}
