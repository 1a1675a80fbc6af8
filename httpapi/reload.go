package httpapi

import (
	"errors"
	"net/http"
	"strings"

	"smspark/audit"
	"smspark/binds"
)

// Outcomes of a configuration section on reload.
const (
	ReloadUnchanged = "unchanged" // the file says what is in force
	ReloadApplied   = "applied"   // in force now, without a restart
	ReloadRestart   = "restart"   // changed, but in force only after a restart
	ReloadRefused   = "refused"   // the reload was refused because of it
)

// ReloadSection says what a reload did with one section of the
// configuration.
type ReloadSection struct {
	Section string `json:"section"` // cities, operators, smscs, voucher_types, …
	Outcome string `json:"outcome"` // ReloadUnchanged, ReloadApplied, ReloadRestart or ReloadRefused
	Detail  string `json:"detail,omitempty"`
}

// ReloadReport is what a configuration reload did: Status "applied" (what
// could be applied was, Restart lists what waits for a restart) or
// "refused" (nothing changed), and each section's outcome.
type ReloadReport struct {
	Status   string          `json:"status"`
	Restart  []string        `json:"restart"`
	Sections []ReloadSection `json:"sections"`
}

// Summary is the report in one line, for logs and the CLI.
func (r ReloadReport) Summary() string {
	var applied, refused []string
	for _, s := range r.Sections {
		switch s.Outcome {
		case ReloadApplied:
			applied = append(applied, s.Section)
		case ReloadRefused:
			refused = append(refused, s.Section+": "+s.Detail)
		}
	}
	if r.Status == ReloadRefused {
		return "configuration refused, nothing changed (" + strings.Join(refused, "; ") + ")"
	}
	out := "configuration reloaded"
	if len(applied) == 0 {
		out += ": nothing changed"
	} else {
		out += ": applied " + strings.Join(applied, ", ")
	}
	if len(r.Restart) > 0 {
		out += "; needs a restart: " + strings.Join(r.Restart, ", ")
	}
	return out
}

// reload applies the configuration file again and answers its report:
// 200 when applied, 422 when the file does not load, 409 when the engine
// refuses it; a refusal's problem carries the report's sections.
func (a *Admin) reload(w http.ResponseWriter, r *http.Request) error {
	if a.opts.Reload == nil {
		return problem(http.StatusNotImplemented, "not-supported", "Not supported", "this engine cannot reload its configuration")
	}
	rep, err := a.opts.Reload(r.Context(), actorOf(r), audit.ViaAdmin)
	var p *Problem
	switch {
	case errors.Is(err, ErrConfigInvalid):
		p = problem(http.StatusUnprocessableEntity, "config-invalid", "Configuration invalid", "%v", err)
	case err != nil:
		p = problem(http.StatusConflict, "config-refused", "Configuration refused", "%v", err)
	default:
		return writeJSON(w, http.StatusOK, rep)
	}
	p.Sections = rep.Sections
	return p
}

// smscStop takes one SMSC's binds down until smscStart.
func (a *Admin) smscStop(w http.ResponseWriter, r *http.Request) error {
	return a.smscControl(w, r, "stopped", func(c SMSCControl, name string) error { return c.StopSMSC(name) })
}

// smscStart brings a stopped SMSC's binds up again.
func (a *Admin) smscStart(w http.ResponseWriter, r *http.Request) error {
	return a.smscControl(w, r, "started", func(c SMSCControl, name string) error { return c.StartSMSC(name) })
}

func (a *Admin) smscControl(w http.ResponseWriter, r *http.Request, done string, op func(SMSCControl, string) error) error {
	name := r.PathValue("name")
	if a.opts.SMSCs == nil {
		return errNotFound("no such SMSC: the engine has none")
	}
	if err := op(a.opts.SMSCs, name); errors.Is(err, binds.ErrUnknownSMSC) {
		return errNotFound("no such SMSC: " + name)
	} else if err != nil {
		return err
	}
	noteAudit(r, name, "")
	return writeJSON(w, http.StatusOK, map[string]string{"smsc": name, "status": done})
}
