package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"smspark/daycards"
	"smspark/tariffs"
)

// DayCards is what the day cards page asks of the day card service
// (*daycards.Service): each motorist sees and changes only their own
// number's cards.
type DayCards interface {
	Zones() []tariffs.Zone
	Buy(ctx context.Context, number, zone string, days int) (daycards.Card, error)
	CardsOf(ctx context.Context, number string) ([]daycards.Card, error)
	Get(ctx context.Context, number, id string) (daycards.Card, error)
	RetryPayment(ctx context.Context, number, id string) (daycards.Card, error)
	PaymentResult(ctx context.Context, id, reference string, paid bool, method string) (daycards.Card, error)
	Spend(ctx context.Context, number, id, plate string, dates ...tariffs.Date) (daycards.Card, error)
	CancelDay(ctx context.Context, number, id string, date tariffs.Date) (daycards.Card, error)
}

type dayCardsData struct {
	Cards []daycards.Card
	Zones []tariffs.Zone
}

func (p *Page) dayCards(w http.ResponseWriter, r *http.Request, s login) {
	cards, err := p.opts.DayCards.CardsOf(r.Context(), s.number)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	slices.Reverse(cards) // newest first
	v := p.view(r, "daycards", s)
	v.Data = dayCardsData{Cards: cards, Zones: p.opts.DayCards.Zones()}
	p.render(w, http.StatusOK, "daycards", v)
}

// buyDayCards buys a card of N days of a zone; its payment starts.
func (p *Page) buyDayCards(w http.ResponseWriter, r *http.Request, s login) {
	days, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("days")))
	if err != nil {
		days = 0
	}
	c, err := p.opts.DayCards.Buy(r.Context(), s.number, r.PostFormValue("zone"), days)
	if c.ID == "" {
		p.dayCardOutcome(w, r, s, "/daycards", err, "")
		return
	}
	p.dayCardOutcome(w, r, s, "/daycards/"+c.ID, err, "dcBought")
}

// dayCardOutcome redirects to the card with the outcome in words.
func (p *Page) dayCardOutcome(w http.ResponseWriter, r *http.Request, s login, to string, err error, okKey string) {
	lang := language(r)
	if err == nil {
		p.done(w, r, s, to, flash{Title: translate(lang, okKey)})
		return
	}
	key := ""
	for _, e := range []struct {
		err error
		key string
	}{{daycards.ErrCardNotFound, "errNotYours"}, {daycards.ErrUnknownZone, "dcErrZone"},
		{daycards.ErrInvalidRequest, "dcErrRequest"}, {daycards.ErrInvalidPlate, "o_invalid_plate"},
		{daycards.ErrInvalidDate, "dcErrDate"}, {daycards.ErrFreeDay, "dcErrFreeDay"},
		{daycards.ErrAlreadySpent, "dcErrSpent"}, {daycards.ErrNoDaysLeft, "dcErrNoDays"},
		{daycards.ErrNotPaid, "dcErrNotPaid"}, {daycards.ErrNotCancellable, "dcErrNotCancellable"},
		{daycards.ErrDayNotFound, "dcErrNotCancellable"}, {daycards.ErrPaymentUnavailable, "dcErrPayment"},
		{daycards.ErrNotPayable, "dcErrNotPayable"}, {daycards.ErrWrongReference, "dcErrNotPayable"}} {
		if errors.Is(err, e.err) {
			key = e.key
			break
		}
	}
	if key == "" {
		p.fail(w, r, err)
		return
	}
	if errors.Is(err, daycards.ErrCardNotFound) {
		to = "/daycards"
	}
	p.done(w, r, s, to, flash{Error: true, Title: translate(lang, key)})
}

// dayCardView is a card with its calendar of one month.
type dayCardView struct {
	daycards.Card
	Month        string // "2026-12"
	Prev, Next   string // "" when out of reach
	Weeks        [][]calendarDay
	TestPayments bool
	Plate        string
}

// calendarDay is one cell of the calendar; Date is "" for a cell outside
// the month.
type calendarDay struct {
	Date, Day   string
	Selectable  bool   // a day from today on, not spent yet
	SpentPlate  string // the plate the day is spent for
	Cancellable bool   // spent, and after today
}

func (p *Page) dayCard(w http.ResponseWriter, r *http.Request, s login) {
	c, err := p.opts.DayCards.Get(r.Context(), s.number, r.PathValue("id"))
	if errors.Is(err, daycards.ErrCardNotFound) {
		p.refuse(w, r, http.StatusNotFound, "errNotYours")
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	now := p.opts.Clock().In(p.opts.Location)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, p.opts.Location)
	month := first
	if m, err := time.ParseInLocation("2006-01", r.URL.Query().Get("month"), p.opts.Location); err == nil &&
		!m.Before(first) && !m.After(first.AddDate(1, 0, 0)) {
		month = m
	}
	d := dayCardView{Card: c, Month: month.Format("2006-01"), TestPayments: p.opts.TestPayments,
		Weeks: p.calendar(c, month, now)}
	if prev := month.AddDate(0, -1, 0); !prev.Before(first) {
		d.Prev = prev.Format("2006-01")
	}
	if next := month.AddDate(0, 1, 0); !next.After(first.AddDate(1, 0, 0)) {
		d.Next = next.Format("2006-01")
	}
	for _, u := range c.Uses {
		d.Plate = u.Plate
	}
	if d.Plate == "" {
		if st, err := p.opts.Records.Settings(r.Context(), s.number); err == nil {
			d.Plate = st.LastPlate
		}
	}
	v := p.view(r, "daycard", s)
	v.Data = d
	p.render(w, http.StatusOK, "daycard", v)
}

// calendar lays month out in weeks from Monday.
func (p *Page) calendar(c daycards.Card, month, now time.Time) [][]calendarDay {
	today := now.Format(time.DateOnly)
	spent := map[string]string{}
	for _, u := range c.Uses {
		if u.Cancelled.IsZero() {
			spent[u.Date] = u.Plate
		}
	}
	var weeks [][]calendarDay
	week := make([]calendarDay, (int(month.Weekday())+6)%7)
	for d := month; d.Month() == month.Month(); d = d.AddDate(0, 0, 1) {
		date := d.Format(time.DateOnly)
		cell := calendarDay{Date: date, Day: strconv.Itoa(d.Day()), SpentPlate: spent[date]}
		cell.Selectable = c.Status == daycards.StatusPaid && date >= today && cell.SpentPlate == ""
		cell.Cancellable = cell.SpentPlate != "" && date > today
		week = append(week, cell)
		if len(week) == 7 {
			weeks = append(weeks, week)
			week = nil
		}
	}
	if len(week) > 0 {
		weeks = append(weeks, append(week, make([]calendarDay, 7-len(week))...))
	}
	return weeks
}

// spendDays spends the dates ticked on the calendar for a plate.
func (p *Page) spendDays(w http.ResponseWriter, r *http.Request, s login) {
	id := r.PathValue("id")
	to := "/daycards/" + id
	if m := r.PostFormValue("month"); m != "" {
		to += "?month=" + m
	}
	if err := r.ParseForm(); err != nil {
		p.dayCardOutcome(w, r, s, to, daycards.ErrInvalidRequest, "")
		return
	}
	var dates []tariffs.Date
	for _, v := range r.PostForm["date"] {
		d, err := tariffs.ParseDate(v)
		if err != nil {
			p.dayCardOutcome(w, r, s, to, daycards.ErrInvalidDate, "")
			return
		}
		dates = append(dates, d)
	}
	_, err := p.opts.DayCards.Spend(r.Context(), s.number, id, r.PostFormValue("plate"), dates...)
	p.dayCardOutcome(w, r, s, to, err, "dcSpent")
}

// cancelDay gives a future date's day back to the card.
func (p *Page) cancelDay(w http.ResponseWriter, r *http.Request, s login) {
	id := r.PathValue("id")
	to := "/daycards/" + id
	if m := r.PostFormValue("month"); m != "" {
		to += "?month=" + m
	}
	d, err := tariffs.ParseDate(r.PathValue("date"))
	if err != nil {
		p.dayCardOutcome(w, r, s, to, daycards.ErrDayNotFound, "")
		return
	}
	_, err = p.opts.DayCards.CancelDay(r.Context(), s.number, id, d)
	p.dayCardOutcome(w, r, s, to, err, "dcDayCancelled")
}

// retryDayCardPayment starts a new payment attempt after a failed one.
func (p *Page) retryDayCardPayment(w http.ResponseWriter, r *http.Request, s login) {
	id := r.PathValue("id")
	_, err := p.opts.DayCards.RetryPayment(r.Context(), s.number, id)
	p.dayCardOutcome(w, r, s, "/daycards/"+id, err, "dcRetried")
}

// testPayDayCard is the built-in test payment provider's page at work: it
// settles the card's current payment attempt as paid or failed. Only
// served when Options.TestPayments is set.
func (p *Page) testPayDayCard(w http.ResponseWriter, r *http.Request, s login) {
	id := r.PathValue("id")
	c, err := p.opts.DayCards.Get(r.Context(), s.number, id)
	if err != nil {
		p.dayCardOutcome(w, r, s, "/daycards", err, "")
		return
	}
	paid := r.PostFormValue("result") == "paid"
	_, err = p.opts.DayCards.PaymentResult(r.Context(), c.ID, c.Payment.Reference, paid, "test")
	key := "dcPaid"
	if err == nil && !paid {
		p.done(w, r, s, "/daycards/"+id, flash{Error: true, Title: translate(language(r), "dcPayFailed")})
		return
	}
	p.dayCardOutcome(w, r, s, "/daycards/"+id, err, key)
}
