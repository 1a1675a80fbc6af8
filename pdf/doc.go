// Package pdf renders smspark's printable documents with fpdf: the monthly
// statement of a Premium or Pro account (SPEC §7) and the letter that
// carries a city's parking voucher codes (SPEC §6), in Dutch, French,
// German or English. It is an adapter: it reads billing's statements and
// writes A4 PDF.
//
// The output is deterministic: the same input gives the same bytes. The
// document's creation and modification dates are the document's own date
// (a statement's issue, a letter's purchase), resources are written in a
// sorted order and streams are compressed. Text uses the PDF core fonts
// (Helvetica, Courier) in code page 1252, so é, è, ë, ü and € render;
// characters outside cp1252 are written as '.'.
package pdf

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
)

// Errors of Statement and VoucherLetter.
var (
	// ErrLanguage: the language is not nl, fr, de or en.
	ErrLanguage = errors.New("pdf: language must be nl, fr, de or en")
	// ErrNoCodes: a voucher letter without any code.
	ErrNoCodes = errors.New("pdf: the letter has no voucher codes")
)

// Page geometry, in millimetres (A4 portrait).
const (
	pageW        = 210.0
	pageH        = 297.0
	margin       = 15.0
	contentW     = pageW - 2*margin
	bottomMargin = 20.0 // the footer lives in it
)

// rgb is a colour, 0xRRGGBB.
type rgb uint32

// Colours.
const (
	blue  rgb = 0x003d7a
	grey  rgb = 0x6e6e6e
	black rgb = 0x000000
	white rgb = 0xffffff
	zebra rgb = 0xf2f5f9
	box   rgb = 0xe8eff7
	rule  rgb = 0xbec8d4
)

func (c rgb) split() (r, g, b int) { return int(c >> 16 & 0xff), int(c >> 8 & 0xff), int(c & 0xff) }

// doc is one document being written: fpdf, its cp1252 translator and the
// texts of its language.
type doc struct {
	f  *fpdf.Fpdf
	tr func(string) string
	t  *texts
}

// newDoc starts an A4 document in t's language dated date (the zero time
// is written as 1970-01-01, never as the time of writing).
func newDoc(t *texts, date time.Time, title, footer string) *doc {
	f := fpdf.New("P", "mm", "A4", "")
	d := &doc{f: f, t: t}
	d.tr = f.UnicodeTranslatorFromDescriptor("") // cp1252
	if date.IsZero() {
		date = time.Unix(0, 0).UTC()
	}
	f.SetCreationDate(date)
	f.SetModificationDate(date)
	f.SetCatalogSort(true)
	f.SetCompression(true)
	f.SetTitle(title, true)
	f.SetAuthor("4411 smspark", true)
	f.SetCreator("smspark", true)
	f.SetProducer("smspark", true)
	f.SetLang(t.tag)
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(true, bottomMargin)
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		f.SetY(-13)
		d.color(grey)
		d.draw(rule)
		f.SetLineWidth(0.2)
		f.Line(margin, pageH-14, pageW-margin, pageH-14)
		d.font("", 7.5)
		d.cell(contentW-25, 4, footer, "L")
		// Left-aligned: "{nb}" is measured before it is replaced.
		d.cell(25, 4, fmt.Sprintf("%s %d/{nb}", t.page, f.PageNo()), "L")
		d.color(black)
	})
	return d
}

// output writes the document to w. Returns fpdf's first error or the
// writer's.
func (d *doc) output(w io.Writer, what string) error {
	if err := d.f.Output(w); err != nil {
		return fmt.Errorf("pdf: writing the %s: %w", what, err)
	}
	return nil
}

func (d *doc) color(c rgb) { d.f.SetTextColor(c.split()) }
func (d *doc) fill(c rgb)  { d.f.SetFillColor(c.split()) }
func (d *doc) draw(c rgb)  { d.f.SetDrawColor(c.split()) }

// font sets Helvetica in style ("", "B", "I") and size.
func (d *doc) font(style string, size float64) { d.f.SetFont("Helvetica", style, size) }

// mono sets Courier bold in size: codes and the structured communication.
func (d *doc) mono(size float64) { d.f.SetFont("Courier", "B", size) }

// cell writes s (UTF-8) in a cell of w×h, shortened with "…" to fit,
// aligned "L", "C" or "R", and moves right.
func (d *doc) cell(w, h float64, s, align string) {
	d.f.CellFormat(w, h, d.fit(s, w), "", 0, align, false, 0, "")
}

// fillCell is cell on a filled background.
func (d *doc) fillCell(w, h float64, s, align string) {
	d.f.CellFormat(w, h, d.fit(s, w), "", 0, align, true, 0, "")
}

// para writes s (UTF-8) as a paragraph of width w and line height h. In
// French, the space before ; : ! ? does not break.
func (d *doc) para(w, h float64, s string) {
	if d.t.lang == "fr" {
		s = strings.NewReplacer(" ;", "\u00a0;", " :", "\u00a0:", " !", "\u00a0!", " ?", "\u00a0?").Replace(s)
	}
	d.f.MultiCell(w, h, d.tr(s), "", "L", false)
}

// fit translates s to cp1252 and shortens it with an ellipsis until it
// fits in a cell of width w (cp1252 has one byte per character).
func (d *doc) fit(s string, w float64) string {
	c := d.tr(s)
	room := w - 2*d.f.GetCellMargin()
	if d.f.GetStringWidth(c) <= room {
		return c
	}
	const ellipsis = "\x85" // … in cp1252
	for len(c) > 0 && d.f.GetStringWidth(c+ellipsis) > room {
		c = c[:len(c)-1]
	}
	return strings.TrimRight(c, " ") + ellipsis
}

// spaceLeft is the room between the current position and the bottom margin.
func (d *doc) spaceLeft() float64 { return pageH - bottomMargin - d.f.GetY() }

// brand writes the 4411 mark and the tagline at the top left.
func (d *doc) brand() {
	f := d.f
	f.SetXY(margin, margin)
	d.color(blue)
	d.font("B", 26)
	f.CellFormat(28, 11, "4411", "", 0, "L", false, 0, "")
	d.font("", 11)
	f.SetXY(margin+28, margin+1.2)
	d.cell(60, 5, "smspark", "L")
	f.SetXY(margin+28, margin+5.8)
	d.color(grey)
	d.font("", 8.5)
	d.cell(60, 4, d.t.tagline, "L")
	d.color(black)
}

// money writes cents as "€ 2,83" (nl, fr, de: thousands with a dot) or
// "€2.83" (en: thousands with a comma).
func (t *texts) money(cents int64) string {
	sign := ""
	u := uint64(cents)
	if cents < 0 {
		sign, u = "-", -u
	}
	units := strconv.FormatUint(u/100, 10)
	sep, dec, cur := ".", ",", "€ "
	if t.lang == "en" {
		sep, dec, cur = ",", ".", "€"
	}
	var b strings.Builder
	for i, r := range units {
		if i > 0 && (len(units)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("%s%s%s%s%02d", sign, cur, b.String(), dec, u%100)
}

// moneyText is money for running text: its space does not break, so
// "€" and the amount stay on one line.
func (t *texts) moneyText(cents int64) string {
	return strings.ReplaceAll(t.money(cents), " ", "\u00a0")
}

// date writes the local date of tm: 23/11/2026 (de: 23.11.2026).
func (t *texts) date(tm time.Time) string {
	if t.lang == "de" {
		return tm.Format("02.01.2006")
	}
	return tm.Format("02/01/2006")
}

// dayMonth writes the day and month of tm: 23/11 (de: 23.11.).
func (t *texts) dayMonth(tm time.Time) string {
	if t.lang == "de" {
		return tm.Format("02.01.")
	}
	return tm.Format("02/01")
}

// monthName writes "2026-11" as "november 2026"; other text as it is.
func (t *texts) monthName(month string) string {
	m, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	return t.months[m.Month()-1] + " " + strconv.Itoa(m.Year())
}

// duration writes d as "12 h", "4 h 30" ("4 h 30 min" in English) or
// "45 min".
func (t *texts) duration(d time.Duration) string {
	m := int64(d.Round(time.Minute) / time.Minute)
	h, m := m/60, m%60
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	case t.lang == "en":
		return fmt.Sprintf("%d h %02d min", h, m)
	}
	return fmt.Sprintf("%d h %02d", h, m)
}
