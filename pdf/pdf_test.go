package pdf_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"

	"smspark/billing"
	"smspark/pdf"
	"smspark/sessions"
)

var langs = []string{"nl", "fr", "de", "en"}

func brussels(tb testing.TB) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

func at(loc *time.Location, s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

func zoneName(code string) string {
	return map[string]string{"1021": "Louise", "1030": "Centre", "8370": "Centrum", "8371": "Blauwe zone", "8500": "Centrum", "3000": "Centrum"}[code]
}

// statement is a November 2026 statement with the worked examples of SPEC
// §12 and extra lines: a plate per extra line, to find them all.
func statement(tb testing.TB, extra int) billing.Statement {
	tb.Helper()
	loc := brussels(tb)
	s := func(id uint64, plate, zone, city string, ch sessions.Channel, start, end string, r sessions.EndReason, cost, tx int64) sessions.Session {
		return sessions.Session{ID: id, Account: "P-000123", Number: "+32470123456", Plate: plate, Zone: zone, City: city,
			Channel: ch, Start: at(loc, start), End: at(loc, end), EndReason: r, CostCents: cost, TransactionCents: tx}
	}
	ss := []sessions.Session{
		s(1041, "1ABC123", "1021", "Brussels", sessions.ChannelSMS, "2026-11-23 10:00", "2026-11-23 11:08", sessions.EndStop, 283, 0),
		s(1042, "2XYZ789", "8500", "Kortrijk", sessions.ChannelSMS, "2026-11-23 10:00", "2026-11-23 10:45", sessions.EndStop, 38, 0),
		s(1012, "1ABC123", "1021", "Brussels", sessions.ChannelSMS, "2026-11-16 10:00", "2026-11-16 14:30", sessions.EndMaxDuration, 1125, 0),
		s(1003, "2XYZ789", "3000", "Leuven", sessions.ChannelApp, "2026-11-03 09:30", "2026-11-03 12:00", sessions.EndStop, 550, 25),
	}
	free := s(1001, "2XYZ789", "8370", "Blankenberge", sessions.ChannelSMS, "2026-11-02 11:00", "2026-11-02 12:00", sessions.EndStop, 0, 0)
	free.Free = true
	ss = append(ss, free)
	for i := range extra {
		e := s(uint64(5000+i), fmt.Sprintf("X%06d", i), "1030", "Brussels", sessions.ChannelWeb, "2026-11-24 09:00", "2026-11-24 10:00", sessions.EndStop, 300, 0)
		e.Start = e.Start.Add(time.Duration(i) * time.Minute)
		e.End = e.End.Add(time.Duration(i) * time.Minute)
		ss = append(ss, e)
	}
	st, err := billing.NewStatement(sessions.Account{ID: "P-000123", Package: sessions.Premium}, "2026-11", ss, zoneName, loc)
	if err != nil {
		tb.Fatal(err)
	}
	return st
}

var codes = []string{"BLA6JKPMWQR", "BLA7HXRT2CE", "BLA9KDMFW3N", "BLAP4QZ8VTY", "BLAXE3RMK7H",
	"BLAM2WC9QPD", "BLA3TNVJ6FK", "BLAH8CX5RWM", "BLAZ5K4TQE9", "BLAQ7MNW2XT"}

func letter(tb testing.TB, lang string) pdf.Letter {
	loc := brussels(tb)
	return pdf.Letter{
		Lang: lang, City: "Blankenberge", TypeName: "Bezoekersvouchers",
		Citizen: "Anne-Sophie Vandenbroucke-Müller", Street: "Zeedijk 12, 8370 Blankenberge",
		OrderID: "ORD-2026-000417", Communication: billing.StructuredFor("ORD-2026-000417").String(),
		Zone: "8371", ZoneName: "Blauwe zone", Duration: 12 * time.Hour,
		Expires: at(loc, "2027-11-20 00:00"), Codes: codes, PurchasedAt: at(loc, "2026-11-20 14:32"), PriceCents: 5000,
	}
}

// text is the document's text as pdftotext (poppler-utils) reads it back:
// what a reader copies out of it, every run of white space (line breaks
// and no-break spaces included) one space. A
// machine without pdftotext fails here (.ci/run installs it).
func text(tb testing.TB, doc []byte) string {
	tb.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		tb.Fatal("pdftotext is not installed (apt-get install poppler-utils)")
	}
	cmd := exec.Command(bin, "-raw", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(doc)
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func render(tb testing.TB, f func(io.Writer) error) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := f(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func TestStatementContent(t *testing.T) {
	st := statement(t, 0)
	tests := []struct {
		lang string
		want []string
	}{
		{"nl", []string{"Afrekening", "november 2026", "Te betalen vóór", "31/12/2026", "€ 2,83", "€ 11,25", "€ 20,21", "1e keer gratis", "max. duur", "Gestructureerde mededeling"}},
		{"fr", []string{"Relevé", "novembre 2026", "€ 2,83", "€ 20,21", "Communication structurée", "Période", "durée max."}},
		{"de", []string{"Abrechnung", "Parkvorgänge", "31.12.2026", "€ 2,83", "€ 0,25", "Strukturierte Mitteilung", "Überweisung", "Höchstdauer"}},
		{"en", []string{"Statement", "November 2026", "€2.83", "€20.21", "€0.25", "Structured communication", "first use free"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			doc := render(t, func(w io.Writer) error { return pdf.Statement(w, st, tt.lang) })
			c := text(t, doc)
			want := append(tt.want, st.Communication.String(), "BE43 0682 4500 0001", "P-000123", "1ABC123", "2XYZ789",
				"1021 Louise, Brussels", "10:00–11:08")
			for _, w := range want {
				if !strings.Contains(c, w) {
					t.Errorf("the %s statement does not say %q", tt.lang, w)
				}
			}
			// Its dates are the statement's own, not the time of writing.
			if !bytes.Contains(doc, []byte("/CreationDate (D:20261201000000)")) || !bytes.Contains(doc, []byte("/ModDate (D:20261201000000)")) {
				t.Error("the creation date is not the issue date")
			}
		})
	}
}

// Under €5 the statement says what paying online costs.
func TestStatementOnlineFee(t *testing.T) {
	st := statement(t, 0)
	st.Lines = st.Lines[len(st.Lines)-1:] // 1041, 283 cents
	st.ParkingCents, st.TransactionCents, st.TotalCents, st.OnlineFeeCents = 283, 0, 283, 25
	c := text(t, render(t, func(w io.Writer) error { return pdf.Statement(w, st, "nl") }))
	if !strings.Contains(c, "komt er € 0,25 bij: € 3,08 in totaal") {
		t.Error("the online fee is not said")
	}
	st = statement(t, 0)
	c = text(t, render(t, func(w io.Writer) error { return pdf.Statement(w, st, "nl") }))
	if strings.Contains(c, "in totaal") {
		t.Error("an online fee is said from €5")
	}
}

// A statement of many lines breaks into pages, repeats the table header,
// and loses no line.
func TestStatementPages(t *testing.T) {
	st := statement(t, 300)
	doc := render(t, func(w io.Writer) error { return pdf.Statement(w, st, "fr") })
	pages := bytes.Count(doc, []byte("/Type /Page\n"))
	if pages < 7 {
		t.Errorf("%d pages for %d lines", pages, len(st.Lines))
	}
	c := text(t, doc)
	for _, l := range st.Lines {
		if !strings.Contains(c, l.Plate) {
			t.Fatalf("line %d (%s) is missing", l.SessionID, l.Plate)
		}
	}
	if got := strings.Count(c, "Plaque"); got != pages {
		t.Errorf("the table header is on %d of %d pages", got, pages)
	}
	if !strings.Contains(c, fmt.Sprintf("page %d/%d", pages, pages)) {
		t.Error("the last page is not numbered")
	}
}

func TestLetterContent(t *testing.T) {
	tests := []struct {
		lang string
		want []string
	}{
		{"nl", []string{"Uw parkeervouchers: Bezoekersvouchers", "Beste Anne-Sophie Vandenbroucke-Müller,", "naar 4411", "<code> <nummerplaat>", "€ 50,00", "20/11/2027", "12 h", "één keer"}},
		{"fr", []string{"Vos vouchers de stationnement", "au 4411", "<code> <plaque>", "€ 50,00", "Durée par voucher", "démarre immédiatement"}},
		{"de", []string{"Ihre Parkvoucher", "an 4411", "<Code> <Kennzeichen>", "€ 50,00", "20.11.2027", "Gültig bis", "Grüßen"}},
		{"en", []string{"Your parking vouchers", "to 4411", "<code> <plate>", "€50.00", "Valid until"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			l := letter(t, tt.lang)
			c := text(t, render(t, func(w io.Writer) error { return pdf.VoucherLetter(w, l) }))
			want := append(tt.want, "BLA6JKPMWQR 1ABC123", "8371 Blauwe zone", "ORD-2026-000417", l.Communication, "Zeedijk 12, 8370 Blankenberge")
			want = append(want, l.Codes...)
			for _, w := range want {
				if !strings.Contains(c, w) {
					t.Errorf("the %s letter does not say %q", tt.lang, w)
				}
			}
		})
	}
}

// A letter of many codes goes on over pages and lists them all, numbered.
func TestLetterManyCodes(t *testing.T) {
	l := letter(t, "nl")
	l.Codes = nil
	for i := range 150 {
		l.Codes = append(l.Codes, fmt.Sprintf("BLA%08d", i))
	}
	doc := render(t, func(w io.Writer) error { return pdf.VoucherLetter(w, l) })
	if pages := bytes.Count(doc, []byte("/Type /Page\n")); pages < 2 {
		t.Errorf("%d pages for 150 codes", pages)
	}
	c := text(t, doc)
	for i, code := range l.Codes {
		if !strings.Contains(c, fmt.Sprintf("%d %s", i+1, code)) {
			t.Fatalf("code %d %s is missing", i+1, code)
		}
	}
}

// A free order of one voucher, and a citizen without a name.
func TestLetterFreeSingle(t *testing.T) {
	l := letter(t, "fr")
	l.City, l.Citizen, l.Street, l.Codes, l.PriceCents, l.Communication = "Anderlecht", "", "", []string{"VBRK7M3QX9T"}, 0, ""
	l.Duration = 4*time.Hour + 30*time.Minute
	c := text(t, render(t, func(w io.Writer) error { return pdf.VoucherLetter(w, l) }))
	for _, w := range []string{"Madame, Monsieur,", "Voici le voucher", "ville d'Anderlecht", "gratuit", "4 h 30", "VBRK7M3QX9T 1ABC123"} {
		if !strings.Contains(c, w) {
			t.Errorf("the letter does not say %q", w)
		}
	}
	if strings.Contains(c, "Communication structurée") {
		t.Error("a free order shows a structured communication")
	}
}

// The same input gives the same bytes, every time.
func TestDeterministic(t *testing.T) {
	st := statement(t, 60)
	for _, lang := range langs {
		t.Run("statement "+lang, func(t *testing.T) {
			first := render(t, func(w io.Writer) error { return pdf.Statement(w, st, lang) })
			for range 3 {
				if again := render(t, func(w io.Writer) error { return pdf.Statement(w, st, lang) }); !bytes.Equal(first, again) {
					t.Fatal("the statement's bytes differ")
				}
			}
		})
		t.Run("letter "+lang, func(t *testing.T) {
			l := letter(t, lang)
			first := render(t, func(w io.Writer) error { return pdf.VoucherLetter(w, l) })
			for range 3 {
				if again := render(t, func(w io.Writer) error { return pdf.VoucherLetter(w, l) }); !bytes.Equal(first, again) {
					t.Fatal("the letter's bytes differ")
				}
			}
		})
	}
}

type failWriter struct{}

var errDisk = errors.New("disk full")

func (failWriter) Write([]byte) (int, error) { return 0, errDisk }

func TestErrors(t *testing.T) {
	st := statement(t, 0)
	noCodes := letter(t, "nl")
	noCodes.Codes = nil
	tests := []struct {
		name string
		run  func() error
		want error
	}{
		{"statement in Spanish", func() error { return pdf.Statement(io.Discard, st, "es") }, pdf.ErrLanguage},
		{"statement without language", func() error { return pdf.Statement(io.Discard, st, "") }, pdf.ErrLanguage},
		{"letter in Spanish", func() error { l := letter(t, "es"); return pdf.VoucherLetter(io.Discard, l) }, pdf.ErrLanguage},
		{"letter without codes", func() error { return pdf.VoucherLetter(io.Discard, noCodes) }, pdf.ErrNoCodes},
		{"statement to a full disk", func() error { return pdf.Statement(failWriter{}, st, "nl") }, errDisk},
		{"letter to a full disk", func() error { return pdf.VoucherLetter(failWriter{}, letter(t, "nl")) }, errDisk},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.run(); !errors.Is(err, tt.want) {
				t.Errorf("err %v, want %v", err, tt.want)
			}
		})
	}
}

// pdftotext, where it is installed, reads the text back as Unicode: the
// fonts' encoding is right. Without it (apt package poppler-utils) only
// this check is skipped; the tests above read the streams themselves.
func TestPdftotext(t *testing.T) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext is not installed (apt-get install poppler-utils); the stream checks above still ran")
	}
	for _, tc := range []struct {
		name string
		doc  []byte
		want []string
	}{
		{"statement fr", render(t, func(w io.Writer) error { return pdf.Statement(w, statement(t, 0), "fr") }),
			[]string{"Relevé", "€ 2,83", "€ 20,21", "Période", "+++570/3206/31740+++", "BE43 0682 4500 0001", "10:00–11:08"}},
		{"letter de", render(t, func(w io.Writer) error { return pdf.VoucherLetter(w, letter(t, "de")) }),
			append([]string{"Müller", "Grüßen", "€ 50,00", "BLA6JKPMWQR 1ABC123", "an 4411"}, codes...)},
		{"letter en", render(t, func(w io.Writer) error { return pdf.VoucherLetter(w, letter(t, "en")) }),
			[]string{"€50.00", "€0.15", "BLAQ7MNW2XT"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, "-", "-")
			cmd.Stdin = bytes.NewReader(tc.doc)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			text := strings.ReplaceAll(string(out), "\u00a0", " ")
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("pdftotext does not find %q in:\n%s", w, text)
				}
			}
		})
	}
}

// BenchmarkStatementPDF10k writes the PDF of a statement of 10,000 lines.
func BenchmarkStatementPDF10k(b *testing.B) {
	st := statement(b, 10_000)
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := pdf.Statement(&buf, st, "nl"); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size)/1e6, "MB-out")
}
