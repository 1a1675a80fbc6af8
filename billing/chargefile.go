package billing

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"smspark/sessions"
)

// ChargeFile is one operator's daily charge file (docs/billing.md): what its Easy
// numbers parked on operator billing, for the operator's phone bill.
type ChargeFile struct {
	Operator string
	// Day is the local day ("2026-11-23") whose ended sessions it holds.
	Day        string
	Charges    []Charge
	TotalCents int64 // the sum of the charges
}

// Charge is one session billed through the operator.
type Charge struct {
	Number      string // E.164
	SessionID   uint64
	Start, End  time.Time
	AmountCents int64
}

// NewChargeFile makes the charge file of operator for the local day (in
// loc) that holds the instant day: every session without an account, of
// that operator, that ended that day with a cost above zero, ordered by end
// then ID. Free first uses and voucher sessions cost nothing and are left
// out. Returns ErrNoLocation when loc is nil.
func NewChargeFile(operator string, day time.Time, ss []sessions.Session, loc *time.Location) (ChargeFile, error) {
	if loc == nil {
		return ChargeFile{}, ErrNoLocation
	}
	d := day.In(loc)
	from := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	to := from.AddDate(0, 0, 1) // 23 or 25 hours on DST days
	cf := ChargeFile{Operator: operator, Day: from.Format(time.DateOnly), Charges: []Charge{}}
	for i := range ss {
		s := &ss[i]
		if s.Account != "" || s.Operator != operator || s.Running() || s.CostCents <= 0 ||
			s.End.Before(from) || !s.End.Before(to) {
			continue
		}
		cf.Charges = append(cf.Charges, Charge{
			Number:      s.Number,
			SessionID:   s.ID,
			Start:       s.Start.In(loc),
			End:         s.End.In(loc),
			AmountCents: s.CostCents,
		})
		cf.TotalCents += s.CostCents
	}
	slices.SortFunc(cf.Charges, func(a, b Charge) int {
		if c := a.End.Compare(b.End); c != 0 {
			return c
		}
		return cmp.Compare(a.SessionID, b.SessionID)
	})
	return cf, nil
}

// WriteCSV writes the charge file as CSV: the header
// number,session_id,start,end,amount, then one row per charge (times RFC
// 3339 in the file's time zone, amounts as 12.34). No totals row: the
// operator imports the rows. Returns the writer's error.
func (cf ChargeFile) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"number", "session_id", "start", "end", "amount"}); err != nil {
		return fmt.Errorf("billing: writing charge file: %w", err)
	}
	row := make([]string, 5)
	for _, c := range cf.Charges {
		row[0] = c.Number
		row[1] = strconv.FormatUint(c.SessionID, 10)
		row[2] = rfc3339(c.Start)
		row[3] = rfc3339(c.End)
		row[4] = FormatCents(c.AmountCents)
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("billing: writing charge file: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("billing: writing charge file: %w", err)
	}
	return nil
}
