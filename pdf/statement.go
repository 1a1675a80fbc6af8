package pdf

import (
	"fmt"
	"io"
	"strings"

	"smspark/billing"
	"smspark/sessions"
)

// Statement writes st as an A4 PDF in lang (nl, fr, de or en): the 4411
// header, the account, month and due date, the structured communication
// and bank account to pay to, a table of the sessions (date, plate, zone,
// start–end, note, cost, transaction cost; its header repeated on every
// page), the totals, and the rule of the online payment fee. Amounts are
// written "€ 2,83" (nl, fr, de) or "€2.83" (en); times as st holds them
// (billing.NewStatement gives them in its time zone). The same statement
// and language always give the same bytes. Returns ErrLanguage, or the
// writer's error.
func Statement(w io.Writer, st billing.Statement, lang string) error {
	t, err := textsFor(lang)
	if err != nil {
		return err
	}
	month := t.monthName(st.Month)
	title := t.statement + " " + month
	d := newDoc(t, st.Issued, title+" – "+st.Account,
		"4411 · smspark · "+t.helpdesk+" · "+t.statement+" "+month+" · "+st.Account)
	d.f.AddPage()
	d.brand()
	top := statementHead(d, t, st, month)
	bottom := statementPayBox(d, t, st, top)
	tbl := statementSessions(d, t, st, title, bottom)
	statementTotals(d, t, st, tbl)
	return d.output(w, "statement")
}

// statementHead writes the title, top right, and the account's details on
// the left; it returns where the details start.
func statementHead(d *doc, t *texts, st billing.Statement, month string) (top float64) {
	f := d.f
	f.SetXY(pageW/2, margin)
	d.color(blue)
	d.font("B", 17)
	d.cell(contentW/2, 8, t.statement, "R")
	f.SetXY(pageW/2, margin+8)
	d.color(black)
	d.font("", 11)
	d.cell(contentW/2, 5.5, month, "R")
	d.draw(blue)
	f.SetLineWidth(0.6)
	f.Line(margin, margin+17, pageW-margin, margin+17)

	top = margin + 24.0
	f.SetXY(margin, top)
	pkg := st.Package
	if r := []rune(pkg); len(r) > 0 {
		pkg = strings.ToUpper(string(r[0])) + string(r[1:])
	}
	for _, kv := range [][2]string{
		{t.account, st.Account},
		{t.pkg, pkg},
		{t.period, month},
		{t.issued, t.date(st.Issued)},
		{t.due, t.date(st.Due)},
	} {
		f.SetX(margin)
		d.color(grey)
		d.font("", 9)
		d.cell(32, 6, kv[0], "L")
		d.color(black)
		d.font("B", 9.5)
		d.cell(52, 6, kv[1], "L")
		f.Ln(6)
	}
	return top
}

// statementPayBox writes what to pay and how, in a box on the right from
// top; it returns the box's bottom.
func statementPayBox(d *doc, t *texts, st billing.Statement, top float64) (bottom float64) {
	f := d.f
	bx, bw, bh := margin+contentW*0.48, contentW*0.52, 38.0
	d.fill(box)
	d.draw(box)
	f.RoundedRect(bx, top-2, bw, bh, 2.5, "1234", "F")
	pad := 5.0
	f.SetXY(bx+pad, top)
	d.font("", 9)
	d.color(grey)
	if st.TotalCents > 0 {
		d.cell(bw*0.35-pad, 5, t.amountDue, "L")
		d.cell(bw*0.65-pad, 5, t.due+" "+t.date(st.Due), "R")
		f.SetXY(bx+pad, top+5)
		d.color(blue)
		d.font("B", 18)
		d.cell(bw-2*pad, 9, t.money(st.TotalCents), "L")
	} else {
		d.cell(bw-2*pad, 5, t.amountDue, "L")
		f.SetXY(bx+pad, top+5)
		d.color(blue)
		d.font("B", 14)
		d.cell(bw-2*pad, 9, t.nothingDue+" ("+t.money(st.TotalCents)+")", "L")
	}
	f.SetXY(bx+pad, top+15)
	d.color(grey)
	d.font("", 9)
	d.cell(bw-2*pad, 5, t.structured, "L")
	f.SetXY(bx+pad, top+20)
	d.color(black)
	d.mono(14.5)
	d.cell(bw-2*pad, 7, st.Communication.String(), "L")
	f.SetXY(bx+pad, top+28)
	d.font("", 9)
	d.cell(bw-2*pad, 5, fmt.Sprintf(t.toAccount, st.BankAccount), "L")
	return top + bh
}

// statementSessions writes the table of the sessions from below y,
// repeating its header on every page, and returns the table.
func statementSessions(d *doc, t *texts, st billing.Statement, title string, y float64) table {
	f := d.f
	f.SetXY(margin, y+6)
	d.color(blue)
	d.font("B", 11)
	d.cell(contentW, 7, fmt.Sprintf("%s (%d)", t.sessions, len(st.Lines)), "L")
	f.Ln(8)
	tbl := statementTable(t, multiNumber(st.Lines))
	tbl.header(d)
	if len(st.Lines) == 0 {
		d.font("I", 9)
		d.color(grey)
		d.cell(contentW, 7, t.noSessions, "L")
		f.Ln(7)
	}
	for i, l := range st.Lines {
		cells := tbl.cells(statementRow(t, l))
		if d.spaceLeft() < tbl.height(d, cells) {
			f.AddPage()
			d.color(grey)
			d.font("", 8.5)
			d.cell(contentW, 5, "4411 smspark · "+title+" · "+st.Account+" ("+t.continued+")", "L")
			f.Ln(7)
			tbl.header(d)
		}
		tbl.row(d, i%2 == 1, cells)
	}
	d.draw(rule)
	f.SetLineWidth(0.2)
	f.Line(margin, f.GetY(), pageW-margin, f.GetY())
	return tbl
}

// statementTotals writes the totals under tbl's last two columns, and how
// paying costs nothing or the online fee.
func statementTotals(d *doc, t *texts, st billing.Statement, tbl table) {
	f := d.f
	if d.spaceLeft() < 45 {
		f.AddPage()
	}
	f.Ln(3)
	tw := tbl.widths[len(tbl.widths)-1] + tbl.widths[len(tbl.widths)-2]
	for _, tot := range []struct {
		label string
		cents int64
		bold  bool
	}{
		{t.totalParking, st.ParkingCents, false},
		{t.totalTx, st.TransactionCents, false},
		{t.total, st.TotalCents, true},
	} {
		f.SetX(margin)
		style, size := "", 9.0
		if tot.bold {
			style, size = "B", 10.5
			d.draw(blue)
			f.SetLineWidth(0.4)
			f.Line(pageW-margin-tw-40, f.GetY()+0.5, pageW-margin, f.GetY()+0.5)
			f.Ln(1.5)
		}
		d.color(black)
		d.font(style, size)
		d.cell(contentW-tw, 6, tot.label, "R")
		d.cell(tw, 6, t.money(tot.cents), "R")
		f.Ln(6)
	}
	f.Ln(6)
	f.SetX(margin)
	d.font("", 8.5)
	d.color(black)
	d.para(contentW, 4.3, fmt.Sprintf(t.payRules, st.BankAccount, st.Communication.String(),
		t.moneyText(billing.OnlineFeeBelowCents), t.moneyText(billing.OnlineFeeBelowCents), t.moneyText(billing.OnlineFeeCents)))
	if st.OnlineFeeCents > 0 {
		f.Ln(1.5)
		d.font("B", 8.5)
		d.para(contentW, 4.3, fmt.Sprintf(t.onlineFee, t.moneyText(st.OnlineFeeCents), t.moneyText(st.TotalCents+st.OnlineFeeCents)))
	}
}

// rowH is the height of a table row of one line of text.
const rowH = 5.6

// lineH is the height of each further line of a wrapped cell.
const lineH = 3.6

// table is a table's columns: their titles, widths and alignment, and
// which of them wrap (the others are shortened to fit).
type table struct {
	titles []string
	widths []float64
	aligns []string
	wrap   []bool
	number bool // the phone-number column is shown
}

// statementTable is the sessions table; with number, a column says which
// of the account's numbers parked.
func statementTable(t *texts, number bool) table {
	if number {
		return table{
			titles: []string{t.colDate, t.colNumber, t.colPlate, t.colZone, t.colTime, t.colNote, t.colCost, t.colTx},
			widths: []float64{17, 26, 21, 32, 21, 28, 16, 19},
			aligns: []string{"L", "L", "L", "L", "L", "L", "R", "R"},
			wrap:   []bool{false, false, false, true, false, true, false, false},
			number: true,
		}
	}
	return table{
		titles: []string{t.colDate, t.colPlate, t.colZone, t.colTime, t.colNote, t.colCost, t.colTx},
		widths: []float64{19, 22, 42, 26, 33, 19, 19},
		aligns: []string{"L", "L", "L", "L", "L", "R", "R"},
		wrap:   []bool{false, false, true, false, true, false, false},
	}
}

// multiNumber reports whether more than one number parked.
func multiNumber(lines []billing.Line) bool {
	for _, l := range lines {
		if l.Number != lines[0].Number {
			return true
		}
	}
	return false
}

// cells picks a row's cells for the table's columns: the number (the
// row's second cell) only when the table shows it.
func (tb table) cells(row []string) []string {
	if tb.number {
		return row
	}
	return append(row[:1:1], row[2:]...)
}

func (tb table) header(d *doc) {
	d.fill(blue)
	d.color(white)
	d.font("B", 7)
	for i, title := range tb.titles {
		d.fillCell(tb.widths[i], rowH+0.8, title, tb.aligns[i])
	}
	d.f.Ln(rowH + 0.8)
	d.color(black)
}

// split is each cell's lines: a wrapping column's text over as many lines
// as it takes, any other's on one.
func (tb table) split(d *doc, cells []string) [][]string {
	d.font("", 8)
	out := make([][]string, len(cells))
	for i, c := range cells {
		if tb.wrap[i] {
			out[i] = d.lines(c, tb.widths[i])
		} else {
			out[i] = []string{c}
		}
	}
	return out
}

// height is the height of a row of cells.
func (tb table) height(d *doc, cells []string) float64 {
	n := 1
	for _, ls := range tb.split(d, cells) {
		n = max(n, len(ls))
	}
	return rowH + float64(n-1)*lineH
}

// row writes a row; a long note or zone wraps and the row grows to hold
// it, never cut short.
func (tb table) row(d *doc, shaded bool, cells []string) {
	f := d.f
	h := tb.height(d, cells)
	x, y := f.GetX(), f.GetY()
	if shaded {
		d.fill(zebra)
		f.Rect(x, y, contentW, h, "F")
	}
	d.font("", 8)
	for i, ls := range tb.split(d, cells) {
		for k, line := range ls {
			f.SetXY(x, y+float64(k)*lineH)
			d.cell(tb.widths[i], rowH, line, tb.aligns[i])
		}
		x += tb.widths[i]
	}
	f.SetXY(margin, y+h)
}

// phone writes an E.164 Belgian mobile number as Belgians read it,
// "+32 470 12 34 56"; any other number as it is.
func phone(e164 string) string {
	if len(e164) != 12 || !strings.HasPrefix(e164, "+32") {
		return e164
	}
	n := e164[3:]
	return "+32 " + n[:3] + " " + n[3:5] + " " + n[5:7] + " " + n[7:]
}

// statementRow is the cells of one line.
func statementRow(t *texts, l billing.Line) []string {
	zone := l.Zone
	if l.ZoneName != "" {
		zone += " " + l.ZoneName
	}
	if l.City != "" {
		zone += ", " + l.City
	}
	span := l.Start.Format("15:04") + "–" + l.End.Format("15:04")
	if y, m, dd := l.Start.Date(); y != l.End.Year() || m != l.End.Month() || dd != l.End.Day() {
		span = t.dayMonth(l.Start) + " " + span
	}
	var notes []string
	if l.Free {
		notes = append(notes, t.noteFree)
	}
	if l.Voucher != "" || l.Channel == sessions.ChannelVoucher {
		notes = append(notes, t.noteVoucher)
	}
	if l.DayTicket {
		notes = append(notes, t.noteDay)
	}
	if l.ReducedPercent > 0 {
		notes = append(notes, fmt.Sprintf(t.noteReduced, l.ReducedPercent))
	}
	switch l.EndReason {
	case sessions.EndMaxDuration:
		notes = append(notes, t.noteMax)
	case sessions.EndReplaced:
		notes = append(notes, t.noteReplaced)
	case sessions.EndAdmin:
		notes = append(notes, t.noteDesk)
	}
	return []string{
		t.date(l.End), phone(l.Number), l.Plate, zone, span, strings.Join(notes, ", "),
		t.money(l.CostCents), t.money(l.TransactionCents),
	}
}
