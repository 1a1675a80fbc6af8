package main

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"smspark/daycards"
)

var testPayForm = regexp.MustCompile(`action="/daycards/([^/"]+)/testpay"`)

// TestWebDayCards buys day cards on the page, pays them on the test
// provider after a failed first attempt, spends two dates ticked on the
// calendar and cancels the later one, getting the day back.
func TestWebDayCards(t *testing.T) {
	e := startE2E(t, e2eOptions{mode: "transceiver"})
	const number = "+32470000401"
	pass := e.credentials("2026-11-23T09:00:00+01:00", number) // a Monday
	b := newBrowser(t, "http://"+e.main.HTTP.Addr())
	b.login(number, pass)

	code, body := b.get("/daycards")
	if code != http.StatusOK || !strings.Contains(body, `<option value="3000">3000 Centrum (Leuven) · € 8,00 per dag</option>`) {
		t.Fatalf("day cards page: %d\n%s", code, body)
	}
	code, body = b.post("/daycards", url.Values{"csrf": {b.csrf("/daycards")}, "zone": {"3000"}, "days": {"3"}})
	m := testPayForm.FindStringSubmatch(body)
	if code != http.StatusOK || m == nil || !strings.Contains(body, "wacht op betaling") || !strings.Contains(body, "€ 24,00") {
		t.Fatalf("buy: %d\n%s", code, body)
	}
	card := "/daycards/" + m[1]
	csrf := b.csrf(card)

	// The first payment fails; the card waits, a retry starts a new attempt.
	code, body = b.post(card+"/testpay", url.Values{"csrf": {csrf}, "result": {"failed"}})
	if code != http.StatusOK || !strings.Contains(body, "De betaling is mislukt") || !strings.Contains(body, `action="`+card+`/payment"`) {
		t.Fatalf("failed payment: %d\n%s", code, body)
	}
	if _, body = b.post(card+"/payment", url.Values{"csrf": {csrf}}); !testPayForm.MatchString(body) {
		t.Fatalf("retry:\n%s", body)
	}
	code, body = b.post(card+"/testpay", url.Values{"csrf": {csrf}, "result": {"paid"}})
	if code != http.StatusOK || !strings.Contains(body, "Betaald. Kies nu uw dagen.") || !strings.Contains(body, `id="d-2026-11-26"`) {
		t.Fatalf("paid: %d\n%s", code, body)
	}
	if strings.Contains(body, `id="d-2026-11-22"`) {
		t.Fatalf("a past day is selectable:\n%s", body)
	}

	// Two dates ticked on the calendar, for a plate in any written form.
	code, body = b.post(card+"/days", url.Values{"csrf": {csrf}, "plate": {"1-abc-123"}, "date": {"2026-11-24", "2026-11-26"}})
	if code != http.StatusOK || !strings.Contains(body, "Uw dagen zijn vastgelegd") || !strings.Contains(body, `<dd class="dc-left">1</dd>`) ||
		strings.Contains(body, `id="d-2026-11-26"`) || !strings.Contains(body, `formaction="`+card+`/days/2026-11-26/cancel"`) {
		t.Fatalf("spend: %d\n%s", code, body)
	}
	at := mustTime(t, "2026-11-26T12:00:00+01:00")
	if _, ok := e.main.DayCards.Permit("1ABC123", "3000", at); !ok {
		t.Fatal("the plate may not park on a day spent on the page")
	}
	// No day left for three more.
	_, body = b.post(card+"/days", url.Values{"csrf": {csrf}, "plate": {"1ABC123"}, "date": {"2026-11-27", "2026-11-28"}})
	if !strings.Contains(body, "niet genoeg dagen over") {
		t.Fatalf("too many days:\n%s", body)
	}

	// Cancel the future date: the day is back on the card.
	code, body = b.post(card+"/days/2026-11-26/cancel", url.Values{"csrf": {csrf}, "plate": {""}})
	if code != http.StatusOK || !strings.Contains(body, "Dag geannuleerd") || !strings.Contains(body, `<dd class="dc-left">2</dd>`) ||
		!strings.Contains(body, `id="d-2026-11-26"`) {
		t.Fatalf("cancel a day: %d\n%s", code, body)
	}
	if _, ok := e.main.DayCards.Permit("1ABC123", "3000", at); ok {
		t.Fatal("a cancelled day still lets the plate park")
	}
	// The calendar's next month, in English.
	b.get("/lang?l=en&back=/daycards")
	if _, body = b.get(card + "?month=2026-12"); !strings.Contains(body, `<strong id="cal-month">2026-12</strong>`) ||
		!strings.Contains(body, "Choose your days") || !strings.Contains(body, `id="d-2026-12-31"`) {
		t.Fatalf("December, in English:\n%s", body)
	}

	// Another motorist sees nothing of it and changes nothing.
	other := newBrowser(t, b.base)
	other.login("+32470000402", e.credentials("2026-11-23T09:05:00+01:00", "+32470000402"))
	if code, _ := other.get(card); code != http.StatusNotFound {
		t.Fatalf("another motorist's card: %d", code)
	}
	code, body = other.post(card+"/days/2026-11-24/cancel", url.Values{"csrf": {other.csrf("/daycards")}})
	if c, err := e.main.DayCards.Get(t.Context(), number, m[1]); code != http.StatusOK || !strings.Contains(body, "niet van u") ||
		err != nil || c.Remaining() != 2 {
		t.Fatalf("another motorist's cancel: %d, %v %+v\n%s", code, err, c, body)
	}
	// A form without the CSRF token is refused.
	if code, _ := b.post(card+"/days", url.Values{"plate": {"1ABC123"}, "date": {"2026-11-27"}}); code != http.StatusForbidden {
		t.Fatalf("spend without CSRF: %d", code)
	}
}

// TestWebDayCardsWithoutTestPayments: serve without --test-payments has no
// test provider's buttons: a motorist cannot mark their own card paid.
func TestWebDayCardsWithoutTestPayments(t *testing.T) {
	e := startE2E(t, e2eOptions{mode: "transceiver", realPayments: true})
	const number = "+32470000402"
	pass := e.credentials("2026-11-23T09:00:00+01:00", number)
	b := newBrowser(t, "http://"+e.main.HTTP.Addr())
	b.login(number, pass)
	code, body := b.post("/daycards", url.Values{"csrf": {b.csrf("/daycards")}, "zone": {"3000"}, "days": {"3"}})
	if code != http.StatusOK || !strings.Contains(body, "wacht op betaling") || testPayForm.MatchString(body) {
		t.Fatalf("buy without the test provider's page: %d\n%s", code, body)
	}
	cards, err := e.main.DayCards.CardsOf(context.Background(), number)
	if err != nil || len(cards) != 1 {
		t.Fatalf("cards = %v, %v", cards, err)
	}
	card := "/daycards/" + cards[0].ID
	code, _ = b.post(card+"/testpay", url.Values{"csrf": {b.csrf(card)}, "result": {"paid"}})
	if c, err := e.main.DayCards.Get(context.Background(), number, cards[0].ID); code == http.StatusOK || err != nil || c.Status == daycards.StatusPaid {
		t.Fatalf("testpay without --test-payments: %d, card %+v, %v", code, c, err)
	}
}
