package pdf

import (
	"fmt"
	"io"
	"time"
)

// Letter is what a voucher letter says: who ordered which vouchers, and
// their codes.
type Letter struct {
	Lang     string // the citizen's language: nl, fr, de or en
	City     string // the city that sells the vouchers
	TypeName string // the voucher type's name in Lang
	Citizen  string // name, street and house number, postcode and town:
	Street   string // the address block
	Town     string
	OrderID  string
	// Communication is the order's structured communication, written
	// +++123/4567/89012+++; empty when the order cost nothing.
	Communication string
	Zone          string // the zone the vouchers park in, and its name
	ZoneName      string
	Duration      time.Duration // how long one voucher parks
	// Expires is the last day the codes can be used; PurchasedAt when the
	// order was made. Both are written in their own location.
	Expires     time.Time
	Codes       []string
	PurchasedAt time.Time
	PriceCents  int64 // what the order cost; 0 for free bundles
}

// smsPriceCents is what an SMS to or from 4411 costs (docs/sms.md: € 0.15).
const smsPriceCents = 15

// The codes table: codes per row, and the height of a row.
const (
	perRow = 4
	codeH  = 9.0
)

// examplePlate is the plate the letter's example SMS uses.
const examplePlate = "1ABC123"

// VoucherLetter writes l as an A4 PDF letter in l.Lang: the address, the
// order (type, zone, duration per voucher, expiry, price, structured
// communication), how to start a session with a voucher (an SMS
// "<code> <plate>" to 4411, with an example made of the first code), and
// then every code in a table, four to a row, over as many pages as it
// takes. The same letter always gives the same bytes. Returns ErrLanguage,
// ErrNoCodes, or the writer's error.
func VoucherLetter(w io.Writer, l Letter) error {
	t, err := textsFor(l.Lang)
	if err != nil {
		return err
	}
	if len(l.Codes) == 0 {
		return ErrNoCodes
	}
	subject := fmt.Sprintf(t.subject, l.TypeName)
	d := newDoc(t, l.PurchasedAt, subject+" – "+l.OrderID,
		"4411 · smspark · "+t.helpdesk+" · "+l.City+" · "+t.order+" "+l.OrderID)
	d.f.AddPage()
	d.brand()
	letterHead(d, t, l)
	letterOpening(d, t, l, subject)
	letterOrder(d, t, l)
	letterHowTo(d, t, l)
	letterCodes(d, t, l, subject)
	return d.output(w, "voucher letter")
}

// zoneLabel is the zone's code and name.
func (l Letter) zoneLabel() string {
	if l.ZoneName != "" {
		return l.Zone + " " + l.ZoneName
	}
	return l.Zone
}

// letterHead writes the city, top right, and the address block below it
// (a window envelope), then the place and date.
func letterHead(d *doc, t *texts, l Letter) {
	f := d.f
	f.SetXY(pageW/2, margin)
	d.color(blue)
	d.font("B", 13)
	d.cell(contentW/2, 7, l.City, "R")
	f.SetXY(pageW/2, margin+7)
	d.color(grey)
	d.font("", 9)
	d.cell(contentW/2, 5, l.TypeName, "R")
	d.draw(blue)
	f.SetLineWidth(0.6)
	f.Line(margin, margin+17, pageW-margin, margin+17)

	f.SetXY(115, 40)
	d.color(black)
	d.font("", 10.5)
	for _, line := range []string{l.Citizen, l.Street, l.Town} {
		if line != "" {
			f.SetX(115)
			d.cell(80, 5.5, line, "L")
			f.Ln(5.5)
		}
	}
	f.SetXY(margin, 62)
	d.font("", 9.5)
	d.cell(contentW, 5, l.City+", "+t.date(l.PurchasedAt), "R")
	f.Ln(8)
}

// letterOpening writes the subject and the opening paragraphs.
func letterOpening(d *doc, t *texts, l Letter, subject string) {
	f := d.f
	d.color(blue)
	d.font("B", 13)
	d.cell(contentW, 7, subject, "L")
	f.Ln(10)
	d.color(black)
	d.font("", 10)
	greeting := t.greetingNoName
	if l.Citizen != "" {
		greeting = fmt.Sprintf(t.greeting, l.Citizen)
	}
	d.para(contentW, 5, greeting)
	f.Ln(2)
	d.para(contentW, 5, t.intro(len(l.Codes), t.date(l.PurchasedAt), l.City))
	f.Ln(4)
}

// letterOrder writes the order's details.
func letterOrder(d *doc, t *texts, l Letter) {
	price := t.money(l.PriceCents)
	if l.PriceCents == 0 {
		price = t.free
	}
	details := [][2]string{
		{t.order, l.OrderID},
		{t.kind, l.TypeName},
		{t.zone, l.zoneLabel()},
		{t.perVoucher, t.duration(l.Duration)},
		{t.validUntil, t.date(l.Expires)},
		{t.price, price},
		{t.purchased, t.date(l.PurchasedAt) + " " + l.PurchasedAt.Format("15:04")},
	}
	if l.Communication != "" {
		details = append(details, [2]string{t.structured, l.Communication})
	}
	d.details(details, 55, 5.5, 9.5)
	d.f.Ln(6)
}

// letterHowTo writes how to start a session with a voucher (the SMS, with
// an example made of the first code), and the signature.
func letterHowTo(d *doc, t *texts, l Letter) {
	f := d.f
	if d.spaceLeft() < 85 {
		f.AddPage()
	}
	d.color(blue)
	d.font("B", 11)
	d.cell(contentW, 7, t.howTitle, "L")
	f.Ln(8)
	d.color(black)
	d.font("", 10)
	d.para(contentW, 5, t.howSend)
	f.Ln(2)

	y := f.GetY()
	d.fill(box)
	d.draw(box)
	f.RoundedRect(margin, y, contentW, 21, 2.5, "1234", "F")
	f.SetXY(margin+5, y+2.5)
	d.color(grey)
	d.font("", 9)
	d.cell(30, 7, "SMS", "L")
	d.color(black)
	d.mono(13)
	d.cell(90, 7, t.syntax, "L")
	d.font("B", 10)
	d.cell(contentW-130, 7, t.to4411, "R")
	f.SetXY(margin+5, y+11)
	d.color(grey)
	d.font("", 9)
	d.cell(30, 7, t.example, "L")
	d.color(blue)
	d.mono(13)
	d.cell(90, 7, l.Codes[0]+" "+examplePlate, "L")
	d.color(black)
	d.font("B", 10)
	d.cell(contentW-130, 7, t.to4411, "R")
	f.SetXY(margin, y+25)

	d.font("", 10)
	d.para(contentW, 5, fmt.Sprintf(t.howRuns, l.zoneLabel(), t.duration(l.Duration)))
	f.Ln(1.5)
	d.para(contentW, 5, fmt.Sprintf(t.howOnce, t.date(l.Expires), t.moneyText(smsPriceCents)))
	f.Ln(6)
	d.para(contentW, 5, t.regards)
	d.font("B", 10)
	d.para(contentW, 5, fmt.Sprintf(t.signature, l.City))
}

// letterCodes writes every code, four to a row, each with a box to tick
// (the enclosure), over as many pages as it takes.
func letterCodes(d *doc, t *texts, l Letter, subject string) {
	f := d.f
	f.Ln(8)
	if d.spaceLeft() < 8+codeH+1 { // the title and a first row
		f.AddPage()
	}
	d.color(blue)
	d.font("B", 11)
	d.cell(contentW, 7, fmt.Sprintf("%s (%d)", t.codes, len(l.Codes)), "L")
	f.Ln(8)
	cw := contentW / perRow
	d.draw(rule)
	f.SetLineWidth(0.25)
	for i, code := range l.Codes {
		col := i % perRow
		if col == 0 {
			if i > 0 {
				f.Ln(codeH)
			}
			if d.spaceLeft() < codeH {
				f.AddPage()
				d.color(grey)
				d.font("", 8.5)
				d.cell(contentW, 5, "4411 smspark · "+subject+" · "+l.OrderID+" ("+t.continued+")", "L")
				f.Ln(7)
				d.draw(rule)
				f.SetLineWidth(0.25)
			}
		}
		cx, cy := margin+float64(col)*cw, f.GetY()
		f.Rect(cx, cy, cw, codeH, "D")
		f.Rect(cx+2.5, cy+codeH/2-1.75, 3.5, 3.5, "D")
		f.SetXY(cx+7, cy)
		d.color(grey)
		d.font("", 7)
		d.cell(7, codeH, fmt.Sprintf("%d", i+1), "L")
		d.color(black)
		d.mono(11.5)
		d.cell(cw-14, codeH, code, "L")
	}
}
