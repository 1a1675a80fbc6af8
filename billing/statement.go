package billing

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"smspark/sessions"
)

// BankAccount is the account statements are paid to by bank transfer
// (docs/billing.md: account BE43 068245000001), written in groups of four.
const BankAccount = "BE43 0682 4500 0001"

// Online payment fee (docs/billing.md): paying a statement online costs
// OnlineFeeCents more when its total is under OnlineFeeBelowCents.
const (
	OnlineFeeCents      int64 = 25
	OnlineFeeBelowCents int64 = 500
)

// DueDays is how many calendar days after its issue a statement is due.
const DueDays = 30

// Errors of NewStatement and NewChargeFile.
var (
	// ErrBadMonth: the month is not written "2026-11".
	ErrBadMonth = errors.New("billing: month must be written YYYY-MM")
	// ErrNoAccount: a statement was asked for an account without an ID.
	ErrNoAccount = errors.New("billing: account has no ID")
	// ErrNoLocation: the time zone is nil.
	ErrNoLocation = errors.New("billing: no time zone given")
)

// Statement is the monthly statement of a Premium or Pro account (docs/billing.md):
// every session of the account that ended in the month, its totals, and how
// to pay it. Its times are in the time zone it was made in.
type Statement struct {
	Account string
	Package string
	Month   string // "2026-11"
	// Issued is the first day of the next month, 00:00 local: a closed
	// month's statement made again is the same.
	Issued time.Time
	// Due is DueDays calendar days after Issued, 00:00 local.
	Due   time.Time
	Lines []Line
	// ParkingCents is the sum of the lines' CostCents, TransactionCents
	// the sum of their TransactionCents, TotalCents the two together.
	ParkingCents     int64
	TransactionCents int64
	TotalCents       int64
	// Communication is the structured communication a bank transfer quotes:
	// StructuredFor(Account + "|" + Month).
	Communication Structured
	// OnlineFeeCents is what paying online costs more: OnlineFeeCents
	// when 0 < TotalCents < OnlineFeeBelowCents, else 0.
	OnlineFeeCents int64
	BankAccount    string
}

// Line is one session on a statement.
type Line struct {
	SessionID uint64
	// Date is the local date the session ended ("2026-11-23"): the end
	// decides the month of the statement, and the order of its lines.
	Date     string
	Number   string // E.164, the account holder's own number
	Plate    string
	Zone     string
	ZoneName string
	City     string
	Start    time.Time
	End      time.Time
	// CostCents is the parking cost, TransactionCents the transaction cost
	// (docs/tariffs.md: app €0.25, SMS, web and voucher activation nothing).
	CostCents        int64
	TransactionCents int64
	Channel          sessions.Channel
	Free             bool // the number's free first use
	EndReason        sessions.EndReason
	Voucher          string // the voucher code the session was started with
	// ReducedPercent is the share of the normal cost charged under a
	// city's reduced tariff (0: none); DayTicket marks a day ticket.
	ReducedPercent int
	DayTicket      bool
	// Note says, in English, what is special about the line: free first
	// use, voucher, ended at the maximum duration; empty otherwise.
	Note string
}

// OnlineFee is what paying a total of totalCents online costs more:
// OnlineFeeCents when 0 < totalCents < OnlineFeeBelowCents, else 0.
func OnlineFee(totalCents int64) int64 {
	if totalCents > 0 && totalCents < OnlineFeeBelowCents {
		return OnlineFeeCents
	}
	return 0
}

// MonthRange returns the first instant of month ("2026-11") in loc and the
// first instant of the next month. Returns ErrBadMonth or ErrNoLocation.
func MonthRange(month string, loc *time.Location) (from, to time.Time, err error) {
	if loc == nil {
		return time.Time{}, time.Time{}, ErrNoLocation
	}
	t, err := time.ParseInLocation("2006-01", month, loc)
	if err != nil || t.Format("2006-01") != month {
		return time.Time{}, time.Time{}, fmt.Errorf("%w: %q", ErrBadMonth, month)
	}
	// Statements exist from the service's start to a century ahead; other
	// years are typing mistakes (and 9999-12 would be issued in year 10000).
	if t.Year() < 2000 || t.Year() > 2999 {
		return time.Time{}, time.Time{}, fmt.Errorf("%w: %q: the year must be between 2000 and 2999", ErrBadMonth, month)
	}
	return t, t.AddDate(0, 1, 0), nil
}

// NewStatement makes the statement of acct for month ("2026-11") from ss:
// every session of the account that ended in that calendar month in loc,
// ordered by end then ID. Running sessions and sessions that ended in other
// months or belong to other accounts are left out. zoneName gives the name
// of a zone code (it may be nil). The result depends only on its
// arguments: made again, it is the same. Returns ErrBadMonth, ErrNoAccount
// or ErrNoLocation.
func NewStatement(acct sessions.Account, month string, ss []sessions.Session, zoneName func(code string) string, loc *time.Location) (Statement, error) {
	from, to, err := MonthRange(month, loc)
	if err != nil {
		return Statement{}, err
	}
	if acct.ID == "" {
		return Statement{}, ErrNoAccount
	}
	st := Statement{
		Account:       acct.ID,
		Package:       string(acct.Package),
		Month:         month,
		Issued:        to,
		Due:           to.AddDate(0, 0, DueDays),
		Communication: StructuredFor(acct.ID + "|" + month),
		BankAccount:   BankAccount,
	}
	var mine []*sessions.Session
	for i := range ss {
		s := &ss[i]
		if s.Account != acct.ID || s.Running() || s.End.Before(from) || !s.End.Before(to) {
			continue
		}
		mine = append(mine, s)
	}
	slices.SortFunc(mine, func(a, b *sessions.Session) int {
		if c := a.End.Compare(b.End); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	st.Lines = make([]Line, len(mine))
	for i, s := range mine {
		l := Line{
			SessionID:        s.ID,
			Number:           s.Number,
			Plate:            s.Plate,
			Zone:             s.Zone,
			City:             s.City,
			Start:            s.Start.In(loc),
			End:              s.End.In(loc),
			CostCents:        s.CostCents,
			TransactionCents: s.TransactionCents,
			Channel:          s.Channel,
			Free:             s.Free,
			EndReason:        s.EndReason,
			Voucher:          s.Voucher,
			Note:             note(s),
			ReducedPercent:   s.ReducedPercent,
			DayTicket:        s.DayTicket,
		}
		l.Date = l.End.Format(time.DateOnly)
		if zoneName != nil {
			l.ZoneName = zoneName(s.Zone)
		}
		st.Lines[i] = l
		st.ParkingCents += s.CostCents
		st.TransactionCents += s.TransactionCents
	}
	st.TotalCents = st.ParkingCents + st.TransactionCents
	st.OnlineFeeCents = OnlineFee(st.TotalCents)
	return st, nil
}

// note says in English what is special about a session.
func note(s *sessions.Session) string {
	var parts []string
	if s.Free {
		parts = append(parts, "free first use")
	}
	if s.Voucher != "" {
		parts = append(parts, "voucher "+s.Voucher)
	}
	if s.DayTicket {
		parts = append(parts, "day ticket")
	}
	if s.ReducedPercent > 0 {
		parts = append(parts, fmt.Sprintf("reduced tariff %d%%", s.ReducedPercent))
	}
	switch s.EndReason {
	case sessions.EndMaxDuration:
		parts = append(parts, "ended at maximum duration")
	case sessions.EndVoucher:
		parts = append(parts, "ended at voucher end")
	case sessions.EndReplaced:
		parts = append(parts, "replaced by a new session")
	case sessions.EndAdmin:
		parts = append(parts, "ended by the helpdesk")
	}
	return strings.Join(parts, "; ")
}

// FormatCents writes an amount of cents as 12.34 (a dot, no currency, a
// minus sign when negative).
func FormatCents(c int64) string {
	return string(appendCents(nil, c))
}

func appendCents(b []byte, c int64) []byte {
	u := uint64(c)
	if c < 0 {
		b = append(b, '-')
		u = -u
	}
	b = strconv.AppendUint(b, u/100, 10)
	return append(b, '.', byte('0'+u%100/10), byte('0'+u%10))
}
