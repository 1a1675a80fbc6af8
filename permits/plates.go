package permits

import (
	"context"
	"fmt"
	"slices"
	"time"

	"smspark/parser"
	"smspark/tariffs"
)

// changeable loads a permit whose plates may change at now: awaiting
// payment, scheduled or active.
func (s *Service) changeable(ctx context.Context, id string, now time.Time) (Permit, error) {
	p, err := s.store.Permit(ctx, id)
	if err != nil {
		return Permit{}, err
	}
	switch st := p.StatusAt(now); st {
	case StatusCancelled, StatusExpired:
		return p, fmt.Errorf("permit %s: %w: %s", p.ID, ErrNotChangeable, st)
	}
	if !now.Before(p.Until) {
		return p, fmt.Errorf("permit %s: %w: its period is over", p.ID, ErrNotChangeable)
	}
	return p, nil
}

// ChangePlate replaces plate old by new for good, from now on (for a
// permit not begun, from its start).
//
// Returns ErrPermitNotFound, ErrNotChangeable for an expired or cancelled
// permit, ErrInvalidPlate, ErrInvalidRequest if old and new are the same,
// ErrPlateNotOnPermit, ErrPlateConflict if new is on the permit already or
// either plate has a temporary change not over, or the Store's error.
func (s *Service) ChangePlate(ctx context.Context, id, old, new string) (Permit, error) {
	o, n, err := normalizePair(old, new)
	if err != nil {
		return Permit{}, fmt.Errorf("permits: change plate: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock()
	p, err := s.changeable(ctx, id, now)
	if err != nil {
		return p, fmt.Errorf("permits: change plate: %w", err)
	}
	cur := p.CurrentPlates(now)
	switch {
	case !slices.Contains(cur, o):
		return p, fmt.Errorf("permits: permit %s: %w: %s (plates %v)", p.ID, ErrPlateNotOnPermit, o, cur)
	case slices.Contains(cur, n):
		return p, fmt.Errorf("permits: permit %s: %w: %s is on it already", p.ID, ErrPlateConflict, n)
	}
	for _, c := range p.Changes {
		if c.Kind == ChangeTemporary && now.Before(c.Until) && (c.Old == o || c.New == n || c.Old == n) {
			return p, fmt.Errorf("permits: permit %s: %w: temporary change %s→%s until %s", p.ID, ErrPlateConflict,
				c.Old, c.New, c.Until.In(s.loc).Format(time.DateOnly))
		}
	}
	p.Changes = append(p.Changes, PlateChange{Kind: ChangePermanent, Old: o, New: n, From: now, Made: now})
	if err := s.put(ctx, now, p); err != nil {
		return Permit{}, fmt.Errorf("permits: permit %s: change plate: %w", p.ID, err)
	}
	return p, nil
}

// TemporaryPlate lets plate temp stand in for the permit's plate for days
// days from start (the zero Date: today, from now on): temp is valid
// instead of plate until the local midnight that ends the last day, then
// plate again by itself.
//
// Returns ErrPermitNotFound, ErrNotChangeable for an expired or cancelled
// permit, ErrInvalidPlate, ErrInvalidRequest for days outside 1 to
// MaxTemporaryDays or plate and temp the same, ErrInvalidDate for a start
// in the past, more than MaxDaysAhead ahead or not before the permit's
// end, ErrPlateNotOnPermit, ErrPlateConflict if temp is on the permit or
// either plate has a temporary change in those days, or the Store's error.
func (s *Service) TemporaryPlate(ctx context.Context, id, plate, temp string, start tariffs.Date, days int) (Permit, error) {
	o, n, err := normalizePair(plate, temp)
	if err != nil {
		return Permit{}, fmt.Errorf("permits: temporary plate: %w", err)
	}
	if days < 1 || days > MaxTemporaryDays {
		return Permit{}, fmt.Errorf("permits: %w: %d days, 1 to %d", ErrInvalidRequest, days, MaxTemporaryDays)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock()
	p, err := s.changeable(ctx, id, now)
	if err != nil {
		return p, fmt.Errorf("permits: temporary plate: %w", err)
	}
	midnight, err := s.startOf(start, now)
	if err != nil {
		return p, fmt.Errorf("permits: temporary plate: %w", err)
	}
	from := latest(midnight, now, p.From)
	if !from.Before(p.Until) {
		return p, fmt.Errorf("permits: permit %s: %w: it ends %s", p.ID, ErrInvalidDate, p.Until.In(s.loc).Format(time.DateOnly))
	}
	d := tariffs.DateOf(midnight, s.loc)
	until := tariffs.Date{Year: d.Year, Month: d.Month, Day: d.Day + days}.Midnight(s.loc)
	if !from.Before(until) {
		return p, fmt.Errorf("permits: permit %s: %w: those days end before it starts", p.ID, ErrInvalidDate)
	}
	reg := p.RegisteredPlates(from)
	switch {
	case !slices.Contains(reg, o):
		return p, fmt.Errorf("permits: permit %s: %w: %s (plates %v)", p.ID, ErrPlateNotOnPermit, o, reg)
	case slices.Contains(reg, n):
		return p, fmt.Errorf("permits: permit %s: %w: %s is on it already", p.ID, ErrPlateConflict, n)
	}
	for _, c := range p.Changes {
		overlap := c.Kind == ChangeTemporary && from.Before(c.Until) && c.From.Before(until)
		if overlap && (c.Old == o || c.New == n || c.New == o || c.Old == n) {
			return p, fmt.Errorf("permits: permit %s: %w: temporary change %s→%s until %s", p.ID, ErrPlateConflict,
				c.Old, c.New, c.Until.In(s.loc).Format(time.DateOnly))
		}
	}
	p.Changes = append(p.Changes, PlateChange{Kind: ChangeTemporary, Old: o, New: n, From: from, Until: until, Made: now})
	if err := s.put(ctx, now, p); err != nil {
		return Permit{}, fmt.Errorf("permits: permit %s: temporary plate: %w", p.ID, err)
	}
	return p, nil
}

// normalizePlate returns the plate in its stored form. Returns
// ErrInvalidPlate.
func normalizePlate(s string) (string, error) {
	p, err := parser.NormalizePlate(s)
	if err != nil {
		return "", fmt.Errorf("%w: %q", ErrInvalidPlate, s)
	}
	return p, nil
}

// normalizePlates normalises 1 to MaxPlates distinct plates.
func normalizePlates(in []string) ([]string, error) {
	if len(in) == 0 || len(in) > MaxPlates {
		return nil, fmt.Errorf("%w: %d plates, 1 to %d", ErrInvalidRequest, len(in), MaxPlates)
	}
	out := make([]string, 0, len(in))
	for _, raw := range in {
		p, err := normalizePlate(raw)
		if err != nil {
			return nil, err
		}
		if slices.Contains(out, p) {
			return nil, fmt.Errorf("%w: plate %s twice", ErrInvalidRequest, p)
		}
		out = append(out, p)
	}
	return out, nil
}

// normalizePair normalises two different plates.
func normalizePair(a, b string) (string, string, error) {
	x, err := normalizePlate(a)
	if err != nil {
		return "", "", err
	}
	y, err := normalizePlate(b)
	if err != nil {
		return "", "", err
	}
	if x == y {
		return "", "", fmt.Errorf("%w: the same plate %s twice", ErrInvalidRequest, x)
	}
	return x, y, nil
}
