package pdf

import (
	"fmt"
	"io"
	"time"

	"smspark/billing"
	"smspark/permits"
)

// ReceiptOf returns the receipt of a paid permit: in the permit's language
// (nl when it has none), the permit type's name (never its id), city,
// zones (as given, e.g. "3000 Centrum"), holder, plates, period in loc,
// price, payment, and the structured communication
// billing.StructuredFor("permit|"+ID) when the permit has none.
func ReceiptOf(p permits.Permit, zones []string, loc *time.Location) Receipt {
	comm := p.Communication
	if comm == "" {
		comm = billing.StructuredFor("permit|" + p.ID)
	}
	typeName := p.TypeName
	if typeName == "" {
		typeName = p.Type
	}
	lang := p.Language
	if lang == "" {
		lang = "nl"
	}
	return Receipt{Lang: lang, ID: p.ID, TypeName: typeName, City: p.City, Zones: zones,
		Holder: p.Holder, Plates: p.RegisteredPlates(p.Until), From: p.From.In(loc),
		LastDay: p.Until.Add(-time.Nanosecond).In(loc), Year: p.Length != permits.Month, PriceCents: p.PriceCents,
		PaidAt: p.PaidAt.In(loc), Method: p.Payment.Method, Reference: p.Payment.Reference, Communication: comm.String()}
}

// WritePermitReceipt writes the receipt of a paid permit (ReceiptOf) as an
// A4 PDF. The same permit always gives the same bytes.
func WritePermitReceipt(w io.Writer, p permits.Permit, zones []string, loc *time.Location) error {
	if err := PermitReceipt(w, ReceiptOf(p, zones, loc)); err != nil {
		return fmt.Errorf("permit receipt %s: %w", p.ID, err)
	}
	return nil
}
