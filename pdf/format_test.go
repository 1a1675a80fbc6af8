package pdf

import (
	"errors"
	"testing"
	"time"
)

func TestFormats(t *testing.T) {
	tests := []struct {
		lang                  string
		cents                 int64
		money                 string
		dur                   time.Duration
		duration, date, month string
	}{
		{"nl", 283, "€ 2,83", 12 * time.Hour, "12 h", "23/11/2026", "november 2026"},
		{"fr", 123456, "€ 1.234,56", 4*time.Hour + 30*time.Minute, "4 h 30", "23/11/2026", "novembre 2026"},
		{"de", 5, "€ 0,05", 45 * time.Minute, "45 min", "23.11.2026", "November 2026"},
		{"en", 283, "€2.83", 4*time.Hour + 30*time.Minute, "4 h 30 min", "23/11/2026", "November 2026"},
		{"en", 100000000, "€1,000,000.00", 2 * time.Hour, "2 h", "23/11/2026", "November 2026"},
		{"nl", -38, "-€ 0,38", 0, "0 min", "23/11/2026", "november 2026"},
		{"DE", 0, "€ 0,00", time.Hour, "1 h", "23.11.2026", "November 2026"},
	}
	day := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.lang+" "+tt.money, func(t *testing.T) {
			tx, err := textsFor(tt.lang)
			if err != nil {
				t.Fatal(err)
			}
			if got := tx.money(tt.cents); got != tt.money {
				t.Errorf("money(%d) = %q, want %q", tt.cents, got, tt.money)
			}
			if got := tx.duration(tt.dur); got != tt.duration {
				t.Errorf("duration(%v) = %q, want %q", tt.dur, got, tt.duration)
			}
			if got := tx.date(day); got != tt.date {
				t.Errorf("date = %q, want %q", got, tt.date)
			}
			if got := tx.monthName("2026-11"); got != tt.month {
				t.Errorf("monthName = %q, want %q", got, tt.month)
			}
		})
	}
	if _, err := textsFor("es"); !errors.Is(err, ErrLanguage) {
		t.Errorf("es: %v", err)
	}
}

// Every language has every text: no field left empty.
func TestTextsComplete(t *testing.T) {
	for _, lang := range []string{"nl", "fr", "de", "en"} {
		t.Run(lang, func(t *testing.T) {
			tx, _ := textsFor(lang)
			for name, s := range map[string]string{
				"tagline": tx.tagline, "statement": tx.statement, "account": tx.account, "pkg": tx.pkg, "period": tx.period,
				"issued": tx.issued, "due": tx.due, "amountDue": tx.amountDue, "nothingDue": tx.nothingDue,
				"structured": tx.structured, "toAccount": tx.toAccount, "sessions": tx.sessions, "noSessions": tx.noSessions,
				"colDate": tx.colDate, "colPlate": tx.colPlate, "colZone": tx.colZone, "colTime": tx.colTime, "colNote": tx.colNote,
				"colCost": tx.colCost, "colTx": tx.colTx, "totalParking": tx.totalParking, "totalTx": tx.totalTx, "total": tx.total,
				"continued": tx.continued, "payRules": tx.payRules, "onlineFee": tx.onlineFee, "noteFree": tx.noteFree,
				"noteVoucher": tx.noteVoucher, "noteMax": tx.noteMax, "noteReplaced": tx.noteReplaced, "noteDesk": tx.noteDesk,
				"subject": tx.subject, "greeting": tx.greeting, "greetingNoName": tx.greetingNoName, "order": tx.order,
				"kind": tx.kind, "zone": tx.zone, "perVoucher": tx.perVoucher, "validUntil": tx.validUntil, "price": tx.price,
				"purchased": tx.purchased, "free": tx.free, "codes": tx.codes, "howTitle": tx.howTitle, "howSend": tx.howSend,
				"syntax": tx.syntax, "example": tx.example, "to4411": tx.to4411, "howRuns": tx.howRuns, "howOnce": tx.howOnce,
				"regards": tx.regards, "signature": tx.signature, "page": tx.page, "helpdesk": tx.helpdesk,
			} {
				if s == "" {
					t.Errorf("%s is empty", name)
				}
			}
			if tx.intro == nil || tx.months[11] == "" {
				t.Error("intro or months missing")
			}
		})
	}
}
