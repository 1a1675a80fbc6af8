package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"unicode"

	"smspark/audit"
	"smspark/config"
	"smspark/httpapi"
	"smspark/smpp"
	"smspark/tariffs"
)

// Reload reads the configuration file again and applies what can be
// applied without a restart: the cities (zones, tariffs, holidays) and
// operators to the engine, the SMSCs by re-binding only those added,
// removed or changed. What needs a restart (time zone, default language,
// voucher and permit types, reduced tariffs, the HTTP listener, the data
// directory) stays as it was and is reported so. A file that does not
// load, an SMSC list that does not validate, or cities the engine refuses
// (a zone removed while sessions run in it) refuse the whole reload:
// nothing changes. Each reload is logged and recorded in the audit trail
// for actor. Its error wraps httpapi.ErrConfigInvalid for a file that
// does not load.
func (m *Main) Reload(ctx context.Context, actor, via string) (httpapi.ReloadReport, error) {
	m.reloadMu.Lock()
	defer m.reloadMu.Unlock()
	rep, err := m.reload()
	m.logReload(rep, err)
	detail := rep.Summary()
	if err != nil {
		detail = "refused: " + err.Error()
	}
	m.audit(ctx, audit.Entry{Actor: actor, Via: via, Action: audit.ConfigReload, Target: m.ConfigPath, Detail: detail})
	return rep, err
}

func (m *Main) reload() (httpapi.ReloadReport, error) {
	refuse := func(section string, err error) (httpapi.ReloadReport, error) {
		return httpapi.ReloadReport{Status: httpapi.ReloadRefused, Restart: []string{}, Sections: []httpapi.ReloadSection{
			{Section: section, Outcome: httpapi.ReloadRefused, Detail: err.Error()}}}, err
	}
	cfg, err := loadConfig(m.ConfigPath)
	var cerr *config.Error
	var perr *fs.PathError
	if errors.As(err, &cerr) || errors.As(err, &perr) {
		return refuse("file", fmt.Errorf("%w: %w", httpapi.ErrConfigInvalid, err))
	}
	if err != nil {
		return refuse("file", err)
	}
	old := m.config()
	newSMSCs := smscs(cfg.SMSCs)
	if m.ConfigPath == "" {
		newSMSCs = smscs(old.SMSCs)
	}
	if err := smpp.CheckSMSCs(newSMSCs); err != nil {
		return refuse("smscs", fmt.Errorf("%w: %w", httpapi.ErrConfigInvalid, err))
	}
	rep := httpapi.ReloadReport{Status: httpapi.ReloadApplied, Restart: []string{}}
	add := func(section, outcome, detail string) {
		rep.Sections = append(rep.Sections, httpapi.ReloadSection{Section: section, Outcome: outcome, Detail: detail})
		if outcome == httpapi.ReloadRestart {
			rep.Restart = append(rep.Restart, section)
		}
	}
	citiesSame := sameCities(old.Cities, cfg.Cities)
	opsSame := same(old.Operators, cfg.Operators)
	if err := m.Engine.Reconfigure(cfg.Cities, engineOptions(cfg, m.DB, m.Clock).Operators); err != nil {
		rep, _ := refuse("cities", err)
		return rep, err
	}
	add("cities", outcome(citiesSame, httpapi.ReloadApplied), citiesDetail(cfg))
	add("operators", outcome(opsSame, httpapi.ReloadApplied), fmt.Sprintf("%d operators", len(cfg.Operators)))
	add(m.reloadSMSCs(cfg, newSMSCs))
	inForce := *cfg
	restart := []struct {
		section, why string
		same         bool
		keep         func()
	}{
		{"timezone", "every part took it at start", old.Location.String() == cfg.Location.String(), func() { inForce.Location = old.Location }},
		{"default_language", "the engine took it at start", old.DefaultLanguage == cfg.DefaultLanguage, func() { inForce.DefaultLanguage = old.DefaultLanguage }},
		{"voucher_types", "the voucher service and the engine's voucher prefixes took them at start", same(old.VoucherTypes, cfg.VoucherTypes), func() { inForce.VoucherTypes = old.VoucherTypes }},
		{"permit_types", "the permit and day-card services took them at start", same(old.PermitTypes, cfg.PermitTypes), func() { inForce.PermitTypes = old.PermitTypes }},
		{"reduced_tariffs", "the engine took them at start", same(old.ReducedTariffs, cfg.ReducedTariffs), func() { inForce.ReducedTariffs = old.ReducedTariffs }},
		{"http", "the listener is open", old.HTTP == cfg.HTTP, func() { inForce.HTTP = old.HTTP }},
		{"data_dir", "the store is open", old.DataDir == cfg.DataDir, func() { inForce.DataDir = old.DataDir }},
	}
	for _, r := range restart {
		if r.same {
			add(r.section, httpapi.ReloadUnchanged, "")
			continue
		}
		r.keep()
		add(r.section, httpapi.ReloadRestart, "changed; applies after a restart ("+r.why+")")
	}
	if m.Client == nil || m.ConfigPath == "" {
		inForce.SMSCs = old.SMSCs
	}
	m.cfg.Store(&inForce)
	return rep, nil
}

// reloadSMSCs re-binds the SMSCs that changed. An engine that started
// without SMSCs has no SMPP client: adding some needs a restart.
func (m *Main) reloadSMSCs(cfg *config.Config, next []smpp.SMSC) (section, result, detail string) {
	if m.ConfigPath == "" {
		return "smscs", httpapi.ReloadUnchanged, "not read from a file (embedded configuration): kept"
	}
	if m.Client == nil {
		if len(cfg.SMSCs) == 0 {
			return "smscs", httpapi.ReloadUnchanged, "none configured"
		}
		return "smscs", httpapi.ReloadRestart, "the engine started without SMSCs: binding to some needs a restart"
	}
	changes, err := m.Client.Reconfigure(next)
	if err != nil { // checked before: not expected
		return "smscs", httpapi.ReloadRefused, err.Error()
	}
	var did []string
	for _, c := range changes {
		switch {
		case c.Change == "unchanged":
			continue
		case c.Change == "changed" && c.Stopped:
			did = append(did, c.Name+" changed: "+settingNames(c.Settings)+" (stays stopped: smspark smsc start "+c.Name+")")
		case c.Change == "changed":
			did = append(did, c.Name+" changed: "+settingNames(c.Settings)+" (re-bound)")
		default:
			did = append(did, c.Name+" "+c.Change)
		}
	}
	if len(did) == 0 {
		return "smscs", httpapi.ReloadUnchanged, fmt.Sprintf("%d SMSCs", len(changes))
	}
	return "smscs", httpapi.ReloadApplied, strings.Join(did, ", ")
}

// settingNames turns smpp.SMSC's field names into the configuration's
// keys: MaxSubmitsPerSecond -> max_submits_per_second.
func settingNames(fields []string) string {
	names := make([]string, 0, len(fields))
	for _, f := range fields {
		var b strings.Builder
		for i, r := range f {
			if i > 0 && unicode.IsUpper(r) && !unicode.IsUpper(rune(f[i-1])) {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
		}
		names = append(names, b.String())
	}
	return strings.Join(names, ", ")
}

// outcome is unchanged when same, else changed.
func outcome(same bool, changed string) string {
	if same {
		return httpapi.ReloadUnchanged
	}
	return changed
}

func citiesDetail(cfg *config.Config) string {
	zones := 0
	for _, c := range cfg.Cities {
		zones += len(c.Zones)
	}
	return fmt.Sprintf("%d cities, %d zones", len(cfg.Cities), zones)
}

// same compares two sections of configuration.
func same(a, b any) bool { return reflect.DeepEqual(a, b) }

// sameCities compares cities, their tariffs' time zones by name (each
// load makes its own *time.Location).
func sameCities(a, b []tariffs.City) bool {
	strip := func(cs []tariffs.City) ([]tariffs.City, []string) {
		out := slices.Clone(cs)
		var locs []string
		for i := range out {
			out[i].Zones = slices.Clone(out[i].Zones)
			for j := range out[i].Zones {
				if l := out[i].Zones[j].Tariff.Location; l != nil {
					locs = append(locs, l.String())
				}
				out[i].Zones[j].Tariff.Location = nil
			}
		}
		return out, locs
	}
	ca, la := strip(a)
	cb, lb := strip(b)
	return reflect.DeepEqual(ca, cb) && slices.Equal(la, lb)
}

// logReload logs what a reload did: one line per section changed, an
// error when refused.
func (m *Main) logReload(rep httpapi.ReloadReport, err error) {
	if err != nil {
		ev := m.Logger.Error().Err(err).Str("config", m.ConfigPath)
		for _, s := range rep.Sections {
			ev = ev.Str("refused_by", s.Section)
		}
		ev.Msg("configuration not reloaded; the previous one stays in force")
		return
	}
	for _, s := range rep.Sections {
		if s.Outcome != httpapi.ReloadUnchanged {
			m.Logger.Info().Str("section", s.Section).Str("outcome", s.Outcome).Str("detail", s.Detail).Msg("configuration reload")
		}
	}
	m.Logger.Info().Str("config", m.ConfigPath).Strs("restart", rep.Restart).Msg(rep.Summary())
}

// audit records an admin action; a trail that cannot be written is
// logged (the action is done).
func (m *Main) audit(ctx context.Context, e audit.Entry) {
	e.At = m.Clock.Now()
	if err := m.DB.AppendAudit(context.WithoutCancel(ctx), e); err != nil {
		m.Logger.Error().Err(err).Str("action", e.Action).Msg("audit entry not recorded")
	}
}
