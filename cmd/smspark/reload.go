package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"smspark/audit"
	"smspark/config"
	"smspark/httpapi"
	"smspark/smpp"
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
	citiesSame := same(old.Cities, cfg.Cities)
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
			did = append(did, c.Name+" changed (stays stopped: smspark smsc start "+c.Name+")")
		case c.Change == "changed":
			did = append(did, c.Name+" changed (re-bound)")
		default:
			did = append(did, c.Name+" "+c.Change)
		}
	}
	if len(did) == 0 {
		return "smscs", httpapi.ReloadUnchanged, fmt.Sprintf("%d SMSCs", len(changes))
	}
	return "smscs", httpapi.ReloadApplied, strings.Join(did, ", ")
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

// same compares two sections of configuration by their JSON form (time
// zones by name elsewhere).
func same(a, b any) bool {
	ja, erra := json.Marshal(a)
	jb, errb := json.Marshal(b)
	return erra == nil && errb == nil && string(ja) == string(jb)
}

// logReload logs what a reload did: one line per section changed, an
// error when refused.
func (m *Main) logReload(rep httpapi.ReloadReport, err error) {
	if err != nil {
		ev := m.Logger.Error().Err(err).Str("config", m.ConfigPath)
		for _, s := range rep.Sections {
			ev = ev.Str("refused_by", s.Section)
		}
		ev.Msg("configuration refused; the one in force stays")
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
