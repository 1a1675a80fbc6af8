package pdf_test

import (
	"io"
	"regexp"
	"strings"
	"testing"

	"smspark/billing"
	"smspark/pdf"
	"smspark/sessions"
)

const citizen = "Łukasz Wiśniewski / Ayşe Yılmaz"

// Every document prints names in any script, and pdftotext reads back the
// names, amounts and structured communication exactly.
func TestDocumentsInEveryName(t *testing.T) {
	loc := brussels(t)
	l := letter(t, "fr")
	l.City, l.Citizen, l.Street, l.Town = "Brussels", citizen, "Avenue Louise 54", "1050 Ixelles"
	st := statement(t, 0)
	st.Account = "P-Ørsted"
	r := pdf.Receipt{Lang: "nl", ID: "PRM-000042", TypeName: "Bewonerskaart Leuven", City: "Leuven",
		Zones: []string{"3000 Centrum"}, Holder: "Дмитрий Шостакович", Plates: []string{"1ABC123", "2XYZ789"},
		From: at(loc, "2026-11-01 00:00"), LastDay: at(loc, "2026-11-30 00:00"), PriceCents: 1000,
		PaidAt: at(loc, "2026-10-31 18:02"), Method: "bancontact", Reference: "PAY-9",
		Communication: billing.StructuredFor("permit|PRM-000042").String()}
	for _, tc := range []struct {
		name string
		doc  []byte
		want []string
	}{
		{"letter", render(t, func(w io.Writer) error { return pdf.VoucherLetter(w, l) }),
			[]string{citizen, "Avenue Louise 54", "1050 Ixelles", "€ 50,00", l.Communication, "BLA6JKPMWQR 1ABC123"}},
		{"statement", render(t, func(w io.Writer) error { return pdf.Statement(w, st, "nl") }),
			[]string{"P-Ørsted", "€ 20,21", "€ 2,83", st.Communication.String()}},
		{"receipt", render(t, func(w io.Writer) error { return pdf.PermitReceipt(w, r) }),
			[]string{"Ontvangstbewijs", "Leuven · Bewonerskaart Leuven", "Дмитрий Шостакович", "€ 10,00",
				"01/11/2026 – 30/11/2026", r.Communication, "4411 smspark"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := text(t, tc.doc)
			for _, w := range tc.want {
				if !strings.Contains(c, w) {
					t.Errorf("pdftotext does not find %q in:\n%s", w, c)
				}
			}
			if strings.Contains(c, "leuven-resident") {
				t.Error("an internal id shows")
			}
		})
	}
}

// A line's notes wrap rather than being cut ("1e keer gratis, dagticket"
// in full), and an account of several numbers gets a number column.
func TestStatementNotesAndNumbers(t *testing.T) {
	loc := brussels(t)
	mk := func(id uint64, number string) sessions.Session {
		return sessions.Session{ID: id, Account: "P-000123", Number: number, Plate: "1ABC123", Zone: "1021",
			City: "Brussels", Channel: sessions.ChannelSMS, Start: at(loc, "2026-11-23 09:00"),
			End: at(loc, "2026-11-23 21:00"), EndReason: sessions.EndMaxDuration, CostCents: 1500}
	}
	one := mk(1, "+32470123456")
	one.Free, one.DayTicket, one.ReducedPercent = true, true, 25
	ss := []sessions.Session{one, mk(2, "+32471000002"), mk(3, "+32472000003"), mk(4, "+32473000004")}
	st, err := billing.NewStatement(sessions.Account{ID: "P-000123", Package: sessions.Premium}, "2026-11", ss, zoneName, loc)
	if err != nil {
		t.Fatal(err)
	}
	c := text(t, render(t, func(w io.Writer) error { return pdf.Statement(w, st, "nl") }))
	for _, w := range []string{"1e keer gratis", "dagticket", "25%", "max. duur", "Nummer",
		"+32 470 12 34 56", "+32 471 00 00 02", "+32 472 00 00 03", "+32 473 00 00 04"} {
		if !strings.Contains(c, w) {
			t.Errorf("the statement does not say %q:\n%s", w, c)
		}
	}
	for _, lang := range langs {
		c := text(t, render(t, func(w io.Writer) error { return pdf.Statement(w, st, lang) }))
		if regexp.MustCompile(`\S…`).MatchString(c) {
			t.Errorf("%s: a cell is cut short:\n%s", lang, c)
		}
	}
	single := statement(t, 0)
	if c := text(t, render(t, func(w io.Writer) error { return pdf.Statement(w, single, "nl") })); strings.Contains(c, "+32 470") {
		t.Error("a one-number account gets a number column")
	}
}
