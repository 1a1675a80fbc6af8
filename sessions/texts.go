package sessions

import (
	"strconv"
	"strings"
	"time"

	"smspark/gsm"
)

// website is where motorists register for Premium and log in.
const website = "www.4411.be"

// statusParts is how many concatenated SMS a status reply may take.
const statusParts = 3

// Render returns the text of a reply in lang ("nl", "fr", "de" or "en",
// case-insensitive; anything else renders nl), with times as HH:MM in loc
// (Europe/Brussels; nil means UTC) and amounts as the language writes them:
// nl/fr/de "€ 2,83", en "€2.83". A language_set notice renders in its
// Language when that is one of the four.
//
// Values are inserted as they are, never transliterated. The wording of
// every template is GSM 03.38, so a text is GSM 03.38 unless a value
// (a zone name such as "Cœur historique" or "Łęczycka", a password) holds a
// character the alphabet lacks; the reply then goes in UCS-2. With the
// longest values a notice carries (plates of 10 characters, zone codes of
// 6 digits, zone names of 24 characters, amounts up to € 999.999,99,
// passwords of 16 characters) a GSM 03.38 text fits one SMS of 160 septets,
// and a UCS-2 text at most ucs2Parts concatenated SMS of 67 characters (one
// of 70 when it is that short); a text that would not fit is rendered
// again with zone codes only. The status reply may take up to three
// concatenated SMS (153 septets or 67 UCS-2 characters each); the sessions
// that do not fit are summarised as "and N more". An ambiguous stop lists
// the plates that fit one SMS and summarises the rest likewise.
//
// The fields each outcome uses:
//
//	started, already_started   Plate, Zone, ZoneName, Start, End (latest end), RatePerHour, FreeUntil, Free
//	replaced                   as started, and Ended (Plate, Zone, ZoneName, CostCents)
//	stopped, session_expired   Plate, Zone, ZoneName, Start, End, CostCents
//	session_ending             Plate, Zone, ZoneName, End (latest end)
//	status                     Sessions (Plate, Zone, ZoneName, Start, CostCents so far)
//	ambiguous_stop             Sessions (Plate)
//	credentials                Username, Password
//	language_set               Language
//	voucher_started            Plate, Zone, ZoneName, End
//	day_ticket_started         Plate, Zone, ZoneName, Start, End, CostCents (the day price)
//	permit_holder, plate_taken Plate (and Zone, ZoneName for permit_holder)
//	unknown_zone               Zone
//	no_session                 Plate, when the stop named one
//
// The other outcomes use none. An outcome Render does not know renders as
// unknown_command, which says how to start and stop.
func Render(lang string, loc *time.Location, n Notice) string {
	if n.Outcome == LanguageSet && isLanguage(n.Language) {
		lang = n.Language
	}
	lx := lexiconFor(lang)
	if loc == nil {
		loc = time.UTC
	}
	r := renderer{lx: lx, loc: loc, n: n, names: true}
	switch n.Outcome {
	case StatusReport:
		return r.status()
	case AmbiguousStop:
		return r.ambiguous()
	}
	text := r.single()
	if !fits(text) {
		r.names = false
		text = r.single()
	}
	return text
}

// ucs2Parts is how many concatenated SMS a reply in UCS-2 may take: the
// longest templates hold about 160 characters, which UCS-2 carries in
// three parts of 67.
const ucs2Parts = 3

// fits reports whether text fits what a reply may take: one GSM 03.38 SMS,
// or ucs2Parts concatenated SMS when a value makes it UCS-2.
func fits(text string) bool {
	if n, ok := gsm.Septets(text); ok {
		return n <= gsm.MaxSeptets
	}
	return len(gsm.SplitUCS2(text)) <= ucs2Parts
}

// isLanguage reports whether lang is one of the reply languages.
func isLanguage(lang string) bool {
	switch strings.ToLower(lang) {
	case "nl", "fr", "de", "en":
		return true
	}
	return false
}

// fitsOne reports whether text fits one GSM 03.38 SMS.
func fitsOne(text string) bool {
	n, ok := gsm.Septets(text)
	return ok && n <= gsm.MaxSeptets
}

// fitsParts reports whether text fits at most parts concatenated SMS.
func fitsParts(text string, parts int) bool {
	p, _ := gsm.Split(text)
	return len(p) <= parts
}

// renderer renders one notice in one language.
type renderer struct {
	lx    lexicon
	loc   *time.Location
	n     Notice
	names bool // zone names besides zone codes
}

// single renders the outcomes that take one SMS.
func (r renderer) single() string {
	lx, n := r.lx, r.n
	var tmpl string
	switch n.Outcome {
	case Started:
		tmpl = lx.started
	case AlreadyStarted:
		tmpl = lx.alreadyStarted
	case Replaced:
		tmpl = lx.replaced
		if n.Ended == nil {
			tmpl = lx.started
		}
	case Stopped:
		tmpl = lx.stopped
	case CredentialsSent:
		tmpl = lx.credentials
	case ConfirmationsOff:
		tmpl = lx.confirmationsOff
	case ConfirmationsOn:
		tmpl = lx.confirmationsOn
	case LanguageSet:
		tmpl = lx.languageSet
	case VoucherStarted:
		tmpl = lx.voucherStarted
	case DayTicketStarted:
		tmpl = lx.dayTicketStarted
	case PermitHolder:
		tmpl = lx.permitHolder
	case SessionEnding:
		tmpl = lx.sessionEnding
	case SessionExpired:
		tmpl = lx.sessionExpired
	case UnknownZone:
		tmpl = lx.unknownZone
	case InvalidPlate:
		tmpl = lx.invalidPlate
	case NoPlate:
		tmpl = lx.noPlate
	case NoSession:
		tmpl = lx.noSession
		if n.Plate != "" {
			tmpl = lx.noSessionPlate
		}
	case PlateTaken:
		tmpl = lx.plateTaken
	case RegistrationReq:
		tmpl = lx.registrationRequired
	case LimitReached:
		tmpl = lx.limitReached
	case VoucherUnknown:
		tmpl = lx.voucherUnknown
	case VoucherUsed:
		tmpl = lx.voucherUsed
	case VoucherExpired:
		tmpl = lx.voucherExpired
	case UnsupportedNumber:
		tmpl = lx.unsupportedNumber
	case TooManyRequests:
		tmpl = lx.tooManyRequests
	default:
		tmpl = lx.unknownCommand
	}
	return r.fill(tmpl)
}

// fill replaces the placeholders of tmpl with the notice's values.
func (r renderer) fill(tmpl string) string {
	lx, n := r.lx, r.n
	price := lx.rate
	switch {
	case n.Free:
		price = lx.freeFirst
	case !n.FreeUntil.IsZero():
		price = lx.freeUntil
	}
	val := func(key string) (string, bool) {
		switch key {
		case "{plate}":
			return n.Plate, true
		case "{zone}":
			return r.zone(n.Zone, n.ZoneName), true
		case "{start}":
			return r.clock(n.Start), true
		case "{end}":
			return r.clock(n.End), true
		case "{free}":
			return r.clock(n.FreeUntil), true
		case "{rate}":
			return lx.money(n.RatePerHour), true
		case "{cost}":
			return lx.money(n.CostCents), true
		case "{user}":
			return n.Username, true
		case "{pass}":
			return n.Password, true
		case "{site}":
			return website, true
		}
		if n.Ended != nil {
			switch key {
			case "{oldplate}":
				return n.Ended.Plate, true
			case "{oldzone}":
				return r.zone(n.Ended.Zone, n.Ended.ZoneName), true
			case "{oldcost}":
				return lx.money(n.Ended.CostCents), true
			}
		}
		return "", false
	}
	return expand(tmpl, func(key string) (string, bool) {
		if key == "{price}" {
			return expand(price, val), true
		}
		return val(key)
	})
}

// expand replaces the {placeholders} of tmpl that val knows, in one pass
// (a value is not scanned again); unknown ones stay as they are. It is
// what strings.NewReplacer did, without building one for every reply.
func expand(tmpl string, val func(key string) (string, bool)) string {
	var b strings.Builder
	b.Grow(len(tmpl) + 48)
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		if v, ok := val(tmpl[i : i+j+1]); ok {
			b.WriteString(tmpl[:i])
			b.WriteString(v)
			tmpl = tmpl[i+j+1:]
			continue
		}
		b.WriteString(tmpl[:i+1])
		tmpl = tmpl[i+1:]
	}
}

// zone returns how a reply names a zone: its code and, unless the reply
// must be short, its name.
func (r renderer) zone(code, name string) string {
	if name == "" || !r.names {
		return code
	}
	return code + " " + name
}

// clock returns t as HH:MM in the renderer's location.
func (r renderer) clock(t time.Time) string {
	return t.In(r.loc).Format("15:04")
}

// status renders the status reply: each session on a line, as many as fit
// statusParts SMS, the rest summarised.
func (r renderer) status() string {
	lx, lines := r.lx, r.n.Sessions
	if len(lines) == 0 {
		return lx.noActive
	}
	header := lx.statusOne
	if len(lines) > 1 {
		header = strings.ReplaceAll(lx.statusMany, "{n}", strconv.Itoa(len(lines)))
	}
	var b strings.Builder
	b.WriteString(header)
	best := ""
	for i, l := range lines {
		b.WriteString("\n")
		b.WriteString(r.line(l))
		text := b.String()
		if i == len(lines)-1 {
			if fitsParts(text, statusParts) {
				return text
			}
			break
		}
		more := text + "\n" + lx.more(len(lines)-i-1)
		if !fitsParts(more, statusParts) {
			break
		}
		best = more
	}
	if best == "" {
		return header + "\n" + lx.more(len(lines))
	}
	return best
}

// line renders one session of the status reply.
func (r renderer) line(l SessionLine) string {
	return strings.NewReplacer(
		"{plate}", l.Plate,
		"{zone}", r.zone(l.Zone, l.ZoneName),
		"{start}", r.clock(l.Start),
		"{cost}", r.lx.money(l.CostCents),
	).Replace(r.lx.statusLine)
}

// ambiguous renders the ambiguous stop: the plates that fit one SMS, the
// rest summarised.
func (r renderer) ambiguous() string {
	lx, lines := r.lx, r.n.Sessions
	if len(lines) == 0 {
		return lx.noSession
	}
	first := lines[0].Plate
	render := func(plates string) string {
		return strings.NewReplacer("{plates}", plates, "{first}", first).Replace(lx.ambiguousStop)
	}
	var b strings.Builder
	best := render(lx.more(len(lines)))
	for i, l := range lines {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(l.Plate)
		plates := b.String()
		if i < len(lines)-1 {
			plates += " " + lx.more(len(lines)-i-1)
		}
		text := render(plates)
		if !fitsOne(text) {
			break
		}
		best = text
	}
	return best
}
