package pdf_test

import (
	"bytes"
	"testing"
	"time"

	"smspark/billing"
	"smspark/pdf"
	"smspark/permits"
)

// A permit's receipt falls back on nl, on the type's id for a permit
// stored without its name, and on the permit's own structured
// communication; the period's last day is the day before Until.
func TestReceiptOf(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, loc)
	p := permits.Permit{ID: "R123", Type: "LEU-RES", City: "Leuven", Holder: "An Peeters", Length: permits.Month,
		From: from, Until: from.AddDate(0, 1, 0), PriceCents: 1000, PaidAt: from}
	r := pdf.ReceiptOf(p, []string{"3000 Centrum"}, loc)
	if r.Lang != "nl" || r.TypeName != "LEU-RES" || r.Year || r.Communication != billing.StructuredFor("permit|R123").String() ||
		r.LastDay.Day() != 30 || r.LastDay.Month() != time.November {
		t.Fatalf("receipt %+v", r)
	}
	var a, b bytes.Buffer
	if err := pdf.WritePermitReceipt(&a, p, []string{"3000 Centrum"}, loc); err != nil {
		t.Fatal(err)
	}
	if err := pdf.WritePermitReceipt(&b, p, []string{"3000 Centrum"}, loc); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) || !bytes.HasPrefix(a.Bytes(), []byte("%PDF")) {
		t.Fatalf("the same permit gave different bytes or no PDF: %v", err)
	}
}
