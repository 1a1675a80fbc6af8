package sessions

import (
	"fmt"

	"smspark/tariffs"
)

// Reconfigure replaces the cities, zones, tariffs and operators (a
// configuration reload, without a restart): new commands use them at
// once. Running sessions keep their zone, their start and their latest
// end; they are priced with their zone's new tariff when they end. A zone
// that disappeared is refused while sessions still run in it. Returns an
// error (and changes nothing) when the new configuration is invalid.
func (e *Engine) Reconfigure(cities []tariffs.City, operators map[string]Operator) error {
	opts := e.opts
	opts.Cities, opts.Operators = cities, operators
	if err := opts.validate(); err != nil {
		return err
	}
	zones := map[string]tariffs.Zone{}
	byName := map[string]tariffs.City{}
	for _, c := range cities {
		byName[c.Name] = c
		for _, z := range c.Zones {
			if z.City == "" {
				z.City = c.Name
			}
			if z.Language == "" {
				z.Language = c.Language
			}
			zones[z.Code] = z
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, s := range e.running {
		if _, ok := zones[s.Zone]; !ok {
			return fmt.Errorf("sessions: zone %s is gone from the configuration while sessions run in it", s.Zone)
		}
	}
	e.opts.Cities, e.opts.Operators = cities, operators
	e.zones, e.cities = zones, byName
	return nil
}
