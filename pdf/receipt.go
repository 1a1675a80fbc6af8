package pdf

import (
	"io"
	"strings"
	"time"
)

// Receipt is what a permit's receipt says.
type Receipt struct {
	Lang     string // nl, fr, de or en
	ID       string
	TypeName string // the permit type's name as the city writes it
	City     string
	Zones    []string // "3000 Centrum"
	Holder   string
	Plates   []string
	// From is the first day, LastDay the last day the permit is valid,
	// PaidAt when it was paid, each in its own location.
	From, LastDay, PaidAt time.Time
	Year                  bool // a year's permit; else a month's
	PriceCents            int64
	Method, Reference     string // the payment's
	Communication         string // +++123/4567/89012+++
}

// receiptTexts are a receipt's words in one language.
type receiptTexts struct {
	title, permit, kind, city, zones, holder, plates, period, length, price string
	paid, method, reference, communication, month, year, footer             string
}

var receiptLangs = map[string]receiptTexts{
	"nl": {"Ontvangstbewijs", "Vergunning", "Soort", "Stad", "Zones", "Houder", "Nummerplaten", "Geldig",
		"Duur", "Prijs", "Betaald op", "Betaalwijze", "Betalingsreferentie", "Gestructureerde mededeling",
		"een maand", "een jaar", "4411 smspark – parkeervergunning"},
	"fr": {"Reçu", "Carte", "Type", "Ville", "Zones", "Titulaire", "Plaques", "Valable",
		"Durée", "Prix", "Payé le", "Mode de paiement", "Référence de paiement", "Communication structurée",
		"un mois", "un an", "4411 smspark – carte de stationnement"},
	"de": {"Quittung", "Parkausweis", "Art", "Stadt", "Zonen", "Inhaber", "Kennzeichen", "Gültig",
		"Dauer", "Preis", "Bezahlt am", "Zahlungsart", "Zahlungsreferenz", "Strukturierte Mitteilung",
		"ein Monat", "ein Jahr", "4411 smspark – Parkausweis"},
	"en": {"Receipt", "Permit", "Type", "City", "Zones", "Holder", "Plates", "Valid",
		"Length", "Price", "Paid on", "Payment method", "Payment reference", "Structured communication",
		"a month", "a year", "4411 smspark – parking permit"},
}

// PermitReceipt writes r as an A4 PDF receipt in r.Lang: the 4411 header
// with the city and the permit type's name, then the permit (id, type,
// city, zones, holder, plates, period with its last day, length, price)
// and its payment (date, method, reference, structured communication). The
// same receipt always gives the same bytes. Returns ErrLanguage or the
// writer's error.
func PermitReceipt(w io.Writer, r Receipt) error {
	t, err := textsFor(r.Lang)
	if err != nil {
		return err
	}
	rt := receiptLangs[t.lang]
	d := newDoc(t, r.PaidAt, rt.title+" "+r.ID, rt.footer+" · "+r.City+" · "+rt.permit+" "+r.ID)
	f := d.f
	f.AddPage()
	d.brand()

	// The title and the city, top right, as on the other documents.
	f.SetXY(pageW/2, margin)
	d.color(blue)
	d.font("B", 17)
	d.cell(contentW/2, 8, rt.title, "R")
	f.SetXY(pageW/2, margin+8)
	d.color(black)
	d.font("", 11)
	d.cell(contentW/2, 5.5, r.City+" · "+r.TypeName, "R")
	d.draw(blue)
	f.SetLineWidth(0.6)
	f.Line(margin, margin+17, pageW-margin, margin+17)
	f.SetXY(margin, margin+26)

	length := rt.month
	if r.Year {
		length = rt.year
	}
	rows := [][2]string{
		{rt.permit, r.ID},
		{rt.kind, r.TypeName},
		{rt.city, r.City},
		{rt.zones, strings.Join(r.Zones, ", ")},
		{rt.holder, r.Holder},
		{rt.plates, strings.Join(r.Plates, ", ")},
		{rt.period, t.date(r.From) + " – " + t.date(r.LastDay)},
		{rt.length, length},
		{rt.price, t.money(r.PriceCents)},
		{rt.paid, t.date(r.PaidAt) + " " + r.PaidAt.Format("15:04")},
		{rt.method, r.Method},
		{rt.reference, r.Reference},
		{rt.communication, r.Communication},
	}
	d.details(rows, 60, 6.5, 10)
	return d.output(w, "permit receipt")
}
