package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"smspark/parser"
	"smspark/sessions"
	"smspark/tariffs"
)

func (p *Page) help(w http.ResponseWriter, r *http.Request) {
	s, _ := p.auth.current(r, p.opts.Clock())
	p.render(w, http.StatusOK, "help", p.view(r, "help", s))
}

// switchLanguage sets the page's language and goes back to the page.
func (p *Page) switchLanguage(w http.ResponseWriter, r *http.Request) {
	l := r.URL.Query().Get("l")
	if isLanguage(l) {
		setCookie(w, r, langCookie, l, 365*24*3600)
	}
	back := r.URL.Query().Get("back")
	if u, err := url.Parse(back); err != nil || back == "" || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") {
		back = "/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// runningRow is a running session on the Now page.
type runningRow struct {
	sessions.Session
	ZoneName  string
	CostSoFar int64
}

type nowData struct {
	Running   []runningRow
	CanStart  bool
	Zones     []tariffs.Zone
	Plates    []string
	LastPlate string
	Package   string
}

func (p *Page) zoneName(code string) string {
	for _, z := range p.opts.Zones() {
		if z.Code == code {
			return z.Name
		}
	}
	return ""
}

func (p *Page) now(w http.ResponseWriter, r *http.Request, s login) {
	now := p.opts.Clock()
	d := nowData{Package: string(sessions.Easy)}
	for _, ss := range p.opts.Engine.Running(s.number, "", "", 0) {
		d.Running = append(d.Running, runningRow{Session: ss, ZoneName: p.zoneName(ss.Zone),
			CostSoFar: p.opts.Engine.CostSoFar(ss, now)})
	}
	slices.SortFunc(d.Running, func(a, b runningRow) int { return a.Start.Compare(b.Start) })
	if a, ok := p.opts.Engine.AccountOf(s.number); ok {
		d.Package = string(a.Package)
		d.CanStart = a.Package == sessions.Premium || a.Package == sessions.Pro
	}
	if d.CanStart {
		d.Zones = p.opts.Zones()
		plates, err := p.plates(r, s.number)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		d.Plates = plates
		if st, err := p.opts.Records.Settings(r.Context(), s.number); err == nil {
			d.LastPlate = st.LastPlate
		}
	}
	v := p.view(r, "now", s)
	v.Data = d
	p.render(w, http.StatusOK, "now", v)
}

// plates are the plates the number parked, most recent first: the
// account's remembered plates.
func (p *Page) plates(r *http.Request, number string) ([]string, error) {
	list, err := p.opts.Records.Sessions(r.Context(), number)
	if err != nil {
		return nil, err
	}
	var out []string
	for i := len(list) - 1; i >= 0 && len(out) < 20; i-- {
		if !slices.Contains(out, list[i].Plate) {
			out = append(out, list[i].Plate)
		}
	}
	return out, nil
}

// command hands the engine a command from the web, as the SMS would, and
// shows its outcome in words.
func (p *Page) command(w http.ResponseWriter, r *http.Request, s login, cmd parser.Command, to string) {
	reply, err := p.opts.Engine.Handle(r.Context(), sessions.MO{From: s.number, Channel: sessions.ChannelWeb, Command: &cmd})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	lang := language(r)
	title := translate(lang, "o_"+string(reply.Outcome))
	if strings.HasPrefix(title, "o_") {
		title = translate(lang, "ok")
	}
	p.done(w, r, s, to, flash{Error: reply.Outcome.IsError(), Title: title, Text: reply.Text})
}

func (p *Page) start(w http.ResponseWriter, r *http.Request, s login) {
	if a, ok := p.opts.Engine.AccountOf(s.number); !ok || (a.Package != sessions.Premium && a.Package != sessions.Pro) {
		p.refuse(w, r, http.StatusForbidden, "easyOnly")
		return
	}
	zone := strings.TrimSpace(r.PostFormValue("zone"))
	raw := strings.TrimSpace(r.PostFormValue("plate"))
	plate := ""
	if raw != "" {
		var err error
		if plate, err = parser.NormalizePlate(raw); err != nil {
			lang := language(r)
			p.done(w, r, s, "/now", flash{Error: true, Title: translate(lang, "o_invalid_plate"), Text: raw})
			return
		}
	}
	p.command(w, r, s, parser.Command{Kind: parser.Start, Zone: zone, Plate: plate}, "/now")
}

// stop ends one of the number's running sessions, named by its id: an id
// that is not the number's is refused and nothing changes.
func (p *Page) stop(w http.ResponseWriter, r *http.Request, s login) {
	id, err := strconv.ParseUint(r.PostFormValue("session"), 10, 64)
	var found *sessions.Session
	if err == nil {
		for _, ss := range p.opts.Engine.Running(s.number, "", "", 0) {
			if ss.ID == id {
				found = &ss
				break
			}
		}
	}
	if found == nil {
		p.refuse(w, r, http.StatusNotFound, "errNotYours")
		return
	}
	p.command(w, r, s, parser.Command{Kind: parser.Stop, Plate: found.Plate}, "/now")
}

// month is one month of the history.
type month struct {
	Label       string
	Sessions    []historyRow
	Cost, TxFee int64
}

type historyRow struct {
	sessions.Session
	ZoneName string
}

func (p *Page) history(w http.ResponseWriter, r *http.Request, s login) {
	list, err := p.opts.Records.Sessions(r.Context(), s.number)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	var months []month
	for i := len(list) - 1; i >= 0; i-- { // newest first
		ss := list[i]
		if ss.Running() {
			continue
		}
		label := ss.End.In(p.opts.Location).Format("2006-01")
		if len(months) == 0 || months[len(months)-1].Label != label {
			months = append(months, month{Label: label})
		}
		m := &months[len(months)-1]
		m.Sessions = append(m.Sessions, historyRow{Session: ss, ZoneName: p.zoneName(ss.Zone)})
		m.Cost += ss.CostCents
		m.TxFee += ss.TransactionCents
	}
	v := p.view(r, "history", s)
	v.Data = months
	p.render(w, http.StatusOK, "history", v)
}

func (p *Page) notifications(w http.ResponseWriter, r *http.Request, s login) {
	msgs, err := p.opts.Records.Messages(r.Context(), s.number)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	slices.Reverse(msgs) // newest first
	v := p.view(r, "notifications", s)
	v.Data = msgs
	p.render(w, http.StatusOK, "notifications", v)
}

type settingsData struct {
	ConfirmationsOn bool
	ReplyLanguage   string
	Package         string
}

func (p *Page) settings(w http.ResponseWriter, r *http.Request, s login) {
	st, err := p.opts.Records.Settings(r.Context(), s.number)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d := settingsData{ConfirmationsOn: !st.ConfirmationsOff, ReplyLanguage: st.Language, Package: string(sessions.Easy)}
	if a, ok := p.opts.Engine.AccountOf(s.number); ok {
		d.Package = string(a.Package)
	}
	v := p.view(r, "settings", s)
	v.Data = d
	p.render(w, http.StatusOK, "settings", v)
}

// saveSettings applies what changed as the SMS would: C1 toggles the
// confirmations, NL/FR/DE/EN sets the reply language. The page's own
// language is a cookie.
func (p *Page) saveSettings(w http.ResponseWriter, r *http.Request, s login) {
	st, err := p.opts.Records.Settings(r.Context(), s.number)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	lang := language(r)
	if pl := r.PostFormValue("page_language"); isLanguage(pl) {
		setCookie(w, r, langCookie, pl, 365*24*3600)
		lang = pl
	}
	var texts []string
	wantOn := r.PostFormValue("confirmations") == "on"
	if wantOn == st.ConfirmationsOff {
		if t, ok := p.apply(w, r, s, parser.Command{Kind: parser.ToggleConfirmations}); !ok {
			return
		} else if t != "" {
			texts = append(texts, t)
		}
	}
	if rl := r.PostFormValue("reply_language"); isLanguage(rl) && rl != st.Language {
		if t, ok := p.apply(w, r, s, parser.Command{Kind: parser.Language, Language: rl}); !ok {
			return
		} else if t != "" {
			texts = append(texts, t)
		}
	}
	p.done(w, r, s, "/settings", flash{Title: translate(lang, "saved"), Text: strings.Join(texts, " ")})
}

func (p *Page) apply(w http.ResponseWriter, r *http.Request, s login, cmd parser.Command) (string, bool) {
	reply, err := p.opts.Engine.Handle(r.Context(), sessions.MO{From: s.number, Channel: sessions.ChannelWeb, Command: &cmd})
	if err != nil {
		p.fail(w, r, err)
		return "", false
	}
	return reply.Text, true
}
