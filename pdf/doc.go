// Package pdf renders smspark's printable documents with fpdf: the monthly
// statement of a Premium or Pro account (docs/billing.md) and the letter that
// carries a city's parking voucher codes (docs/vouchers.md), in Dutch, French,
// German or English. It is an adapter: it reads billing's statements and
// writes A4 PDF.
//
// The output is deterministic: the same input gives the same bytes. The
// document's creation and modification dates are the document's own date
// (a statement's issue, a letter's purchase), resources are written in a
// sorted order and streams are compressed. Text is set in the embedded
// DejaVu fonts (fonts.go), so every name prints, Łukasz and Ayşe included.
package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
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

// doc is one document being written: fpdf and the texts of its language.
type doc struct {
	f *fpdf.Fpdf
	t *texts
}

// newDoc starts an A4 document in t's language dated date (the zero time
// is written as 1970-01-01, never as the time of writing).
func newDoc(t *texts, date time.Time, title, footer string) *doc {
	f := newFpdf()
	d := &doc{f: f, t: t}
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

// newFpdf is an A4 document (millimetres) with the DejaVu fonts added.
// Each document gets its own copy of the font files: fpdf writes into the
// bytes it is given while it cuts the subset, so sharing them would make a
// document depend on the ones made before it.
func newFpdf() *fpdf.Fpdf {
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes(sans, "", bytes.Clone(sansRegular))
	f.AddUTF8FontFromBytes(sans, "B", bytes.Clone(sansBold))
	f.AddUTF8FontFromBytes(sans, "I", bytes.Clone(sansOblique))
	f.AddUTF8FontFromBytes(mono, "B", bytes.Clone(monoBold))
	return f
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

// sansScale brings DejaVu Sans, about a tenth wider than Helvetica, to
// the widths the layout was drawn for.
const sansScale = 0.9

// font sets DejaVu Sans in style ("", "B", "I") and size (as Helvetica's).
func (d *doc) font(style string, size float64) { d.f.SetFont(sans, style, size*sansScale) }

// mono sets DejaVu Sans Mono bold in size: codes and the structured
// communication.
func (d *doc) mono(size float64) { d.f.SetFont(mono, "B", size) }

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
	d.f.MultiCell(w, h, s, "", "L", false)
}

// fit shortens s with an ellipsis until it fits in a cell of width w.
func (d *doc) fit(s string, w float64) string {
	room := w - 2*d.f.GetCellMargin()
	if d.f.GetStringWidth(s) <= room {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && d.f.GetStringWidth(string(r)+"…") > room {
		r = r[:len(r)-1]
	}
	return strings.TrimRight(string(r), " ") + "…"
}

// lines splits s into the lines a cell of width w shows it in (at least
// one), in the current font.
func (d *doc) lines(s string, w float64) []string {
	if s == "" {
		return []string{""}
	}
	out := d.f.SplitText(s, w-2*d.f.GetCellMargin())
	if len(out) == 0 {
		return []string{""}
	}
	return out
}

// spaceLeft is the room between the current position and the bottom margin.
// details writes label–value rows on alternating backgrounds: the label
// in grey in a column labelW wide, the value in bold at valueSize.
func (d *doc) details(rows [][2]string, labelW, rowH, valueSize float64) {
	for i, kv := range rows {
		if i%2 == 0 {
			d.fill(zebra)
		} else {
			d.fill(white)
		}
		d.f.SetX(margin)
		d.color(grey)
		d.font("", 9)
		d.fillCell(labelW, rowH, kv[0], "L")
		d.color(black)
		d.font("B", valueSize)
		d.fillCell(contentW-labelW, rowH, kv[1], "L")
		d.f.Ln(rowH)
	}
}

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
