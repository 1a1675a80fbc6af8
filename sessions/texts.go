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

// lexicon is the wording of the replies in one language. Templates hold
// placeholders: {plate} {zone} {start} {end} {free} {rate} {cost} {user}
// {pass} {site} {price}, and {oldplate} {oldzone} {oldcost} for the
// session a start replaced.
type lexicon struct {
	decimal, thousands string
	euro               string // the euro sign and what separates it from the amount
	moreFmt            string // {n} more

	rate, freeUntil, freeFirst string // what a started session costs: {price}

	started, alreadyStarted, replaced, stopped      string
	statusOne, statusMany, statusLine, noActive     string
	credentials, confirmationsOff, confirmationsOn  string
	languageSet, voucherStarted, dayTicketStarted   string
	permitHolder, sessionEnding, sessionExpired     string
	unknownCommand, unknownZone, invalidPlate       string
	noPlate, noSession, noSessionPlate              string
	ambiguousStop, plateTaken, registrationRequired string
	limitReached, voucherUnknown, voucherUsed       string
	voucherExpired, unsupportedNumber               string
	tooManyRequests                                 string
}

// money writes cents as the language writes an amount.
func (lx lexicon) money(cents int64) string {
	sign := ""
	u := uint64(cents)
	if cents < 0 {
		sign, u = "-", uint64(-(cents+1))+1
	}
	units := strconv.FormatUint(u/100, 10)
	var b strings.Builder
	for i, d := range units {
		if i > 0 && (len(units)-i)%3 == 0 {
			b.WriteString(lx.thousands)
		}
		b.WriteRune(d)
	}
	frac := u % 100
	return lx.euro + sign + b.String() + lx.decimal + string(rune('0'+frac/10)) + string(rune('0'+frac%10))
}

// more says how many items a list leaves out.
func (lx lexicon) more(n int) string {
	return strings.ReplaceAll(lx.moreFmt, "{n}", strconv.Itoa(n))
}

// lexiconFor returns the wording of lang; anything unknown is Dutch.
func lexiconFor(lang string) lexicon {
	switch strings.ToLower(lang) {
	case "fr":
		return french()
	case "de":
		return german()
	case "en":
		return english()
	}
	return dutch()
}

func dutch() lexicon {
	return lexicon{
		decimal: ",", thousands: ".", euro: "€ ",
		moreFmt:   "en nog {n} andere",
		rate:      "{rate}/uur.",
		freeUntil: "Gratis tot {free}, daarna {rate}/uur.",
		freeFirst: "Uw eerste sessie is gratis.",

		started:        "Parkeren gestart: {plate} in zone {zone} om {start}, max. tot {end}. {price} Stoppen: stuur Q naar 4411.",
		alreadyStarted: "{plate} parkeert al in zone {zone} sinds {start}, max. tot {end}. Er is niets gewijzigd.",
		replaced:       "Gestopt: {oldplate} in zone {oldzone}, {oldcost}. Gestart: {plate} in zone {zone} om {start}, max. tot {end}. {price}",
		stopped:        "Parkeren gestopt: {plate} in zone {zone}, {start}-{end}. Kostprijs: {cost}.",

		statusOne:  "Actieve sessie (kost tot nu):",
		statusMany: "{n} actieve sessies (kost tot nu):",
		statusLine: "{plate} in zone {zone} sinds {start}: {cost}",
		noActive:   "U hebt geen actieve parkeersessie.",

		credentials:      "Uw login voor {site}: gebruikersnaam {user}, wachtwoord {pass}",
		confirmationsOff: "Bevestigingen uit: geen sms meer bij start en stop. Foutmeldingen en status (I) krijgt u wel. Weer aanzetten: stuur C1.",
		confirmationsOn:  "Bevestigingen aan: u krijgt een sms bij elke start en stop. Uitzetten: stuur C1.",
		languageSet:      "U krijgt de berichten van 4411 voortaan in het Nederlands.",
		voucherStarted:   "Voucher geactiveerd: {plate} mag parkeren in zone {zone} tot {end}.",
		dayTicketStarted: "Dagticket: {plate} in zone {zone}, geldig van {start} tot {end}. Prijs: {cost}.",
		permitHolder:     "{plate} heeft een geldige vergunning voor zone {zone}: u hoeft geen sessie te starten en betaalt niets.",
		sessionEnding:    "Herinnering: uw parkeersessie voor {plate} in zone {zone} stopt automatisch om {end}.",
		sessionExpired:   "Parkeren automatisch gestopt om {end}: {plate} in zone {zone}, {start}-{end}. Kostprijs: {cost}.",

		unknownCommand:       "Niet begrepen. Starten: stuur <zone> <nummerplaat> naar 4411, bv. 1021 1ABC123. Stoppen: Q. Status: I.",
		unknownZone:          "Zone {zone} bestaat niet. Gebruik de zonecode van de parkeerautomaat, bv. 1021 1ABC123. Er is geen sessie gestart.",
		invalidPlate:         "Ongeldige nummerplaat: gebruik 2 tot 10 letters en cijfers, bv. 1021 1ABC123. Er is geen sessie gestart.",
		noPlate:              "Geen nummerplaat gekend voor dit nummer. Stuur zone en nummerplaat, bv. 1021 1ABC123. Er is geen sessie gestart.",
		noSession:            "Er loopt geen parkeersessie om te stoppen.",
		noSessionPlate:       "Er loopt geen parkeersessie voor {plate}.",
		ambiguousStop:        "Er lopen meerdere sessies: {plates}. Stuur Q <nummerplaat> om er een te stoppen, bv. Q {first}.",
		plateTaken:           "{plate} parkeert al via een ander gsm-nummer. Er is geen sessie gestart.",
		registrationRequired: "Om met dit nummer te parkeren, registreer u gratis voor Premium op {site}. Er is geen sessie gestart.",
		limitReached:         "Uw maandlimiet voor mobiele betalingen is bereikt. Er is geen sessie gestart. Blijf parkeren met Premium: registreer op {site}.",
		voucherUnknown:       "Deze vouchercode bestaat niet. Controleer de code. Er is geen sessie gestart.",
		voucherUsed:          "Deze voucher is al gebruikt. Er is geen sessie gestart.",
		voucherExpired:       "Deze voucher is vervallen. Er is geen sessie gestart.",
		unsupportedNumber:    "4411 werkt enkel met Belgische gsm-nummers.",
		tooManyRequests:      "U hebt te vaak PASS gestuurd. Probeer het over een uur opnieuw.",
	}
}

// french avoids ç, ê, â and the other letters outside GSM 03.38, so that
// the replies stay GSM.
func french() lexicon {
	return lexicon{
		decimal: ",", thousands: ".", euro: "€ ",
		moreFmt:   "et {n} autres",
		rate:      "{rate}/h.",
		freeUntil: "Gratuit jusqu'à {free}, puis {rate}/h.",
		freeFirst: "Votre premier stationnement est gratuit.",

		started:        "Stationnement démarré: {plate} en zone {zone} à {start}, jusqu'à {end} max. {price} Pour terminer: envoyez Q au 4411.",
		alreadyStarted: "{plate} stationne déjà en zone {zone} depuis {start}, jusqu'à {end} max. Rien n'a changé.",
		replaced:       "Terminé: {oldplate} en zone {oldzone}, {oldcost}. Démarré: {plate} en zone {zone} à {start}, jusqu'à {end} max. {price}",
		stopped:        "Stationnement terminé: {plate} en zone {zone}, {start}-{end}. Montant: {cost}.",

		statusOne:  "Stationnement en cours (montant actuel):",
		statusMany: "{n} stationnements en cours (montant actuel):",
		statusLine: "{plate} en zone {zone} depuis {start}: {cost}",
		noActive:   "Vous n'avez aucun stationnement en cours.",

		credentials:      "Votre accès à {site}: identifiant {user}, mot de passe {pass}",
		confirmationsOff: "Confirmations désactivées: plus de SMS au début ni à la fin. Les erreurs et le statut (I) restent envoyés. Pour les réactiver: C1.",
		confirmationsOn:  "Confirmations activées: un SMS au début et à la fin de chaque stationnement. Pour les désactiver: C1.",
		languageSet:      "Langue modifiée: désormais, 4411 vous répond en FR.",
		voucherStarted:   "Voucher activé: {plate} peut stationner en zone {zone} jusqu'à {end}.",
		dayTicketStarted: "Ticket journalier: {plate} en zone {zone}, valable de {start} à {end}. Prix: {cost}.",
		permitHolder:     "{plate} a une carte de stationnement valable pour la zone {zone}: inutile de démarrer un stationnement, rien n'est facturé.",
		sessionEnding:    "Rappel: le stationnement de {plate} en zone {zone} se termine automatiquement à {end}.",
		sessionExpired:   "Stationnement terminé automatiquement à {end}: {plate} en zone {zone}, {start}-{end}. Montant: {cost}.",

		unknownCommand:       "Message non compris. Pour démarrer: envoyez <zone> <plaque> au 4411, p.ex. 1021 1ABC123. Pour terminer: Q. Statut: I.",
		unknownZone:          "La zone {zone} n'existe pas. Utilisez le code de zone de l'horodateur, p.ex. 1021 1ABC123. Aucun stationnement démarré.",
		invalidPlate:         "Plaque non valable: 2 à 10 lettres et chiffres, p.ex. 1021 1ABC123. Aucun stationnement démarré.",
		noPlate:              "Aucune plaque connue pour ce numéro. Envoyez la zone et la plaque, p.ex. 1021 1ABC123. Aucun stationnement démarré.",
		noSession:            "Aucun stationnement en cours à terminer.",
		noSessionPlate:       "Aucun stationnement en cours pour {plate}.",
		ambiguousStop:        "Plusieurs stationnements en cours: {plates}. Pour en terminer un, envoyez Q <plaque>, p.ex. Q {first}.",
		plateTaken:           "{plate} stationne déjà via un autre numéro de GSM. Aucun stationnement démarré.",
		registrationRequired: "Pour stationner avec ce numéro, inscrivez-vous gratuitement à Premium sur {site}. Aucun stationnement démarré.",
		limitReached:         "Votre plafond mensuel de paiements mobiles est atteint. Aucun stationnement démarré. Continuez avec Premium: inscrivez-vous sur {site}.",
		voucherUnknown:       "Ce code voucher n'existe pas. Vérifiez le code. Aucun stationnement démarré.",
		voucherUsed:          "Ce voucher a déjà été utilisé. Aucun stationnement démarré.",
		voucherExpired:       "Ce voucher a expiré. Aucun stationnement démarré.",
		unsupportedNumber:    "4411 fonctionne uniquement avec les numéros de GSM belges.",
		tooManyRequests:      "Trop de demandes PASS. Réessayez dans une heure.",
	}
}

func german() lexicon {
	return lexicon{
		decimal: ",", thousands: ".", euro: "€ ",
		moreFmt:   "und {n} weitere",
		rate:      "{rate}/Std.",
		freeUntil: "Kostenlos bis {free}, danach {rate}/Std.",
		freeFirst: "Ihr erstes Parken ist kostenlos.",

		started:        "Parken gestartet: {plate} in Zone {zone} um {start}, spätestens bis {end}. {price} Beenden: Q an 4411 senden.",
		alreadyStarted: "{plate} parkt bereits in Zone {zone} seit {start}, spätestens bis {end}. Es wurde nichts geändert.",
		replaced:       "Beendet: {oldplate} in Zone {oldzone}, {oldcost}. Gestartet: {plate} in Zone {zone} um {start}, bis {end}. {price}",
		stopped:        "Parken beendet: {plate} in Zone {zone}, {start}-{end}. Betrag: {cost}.",

		statusOne:  "Laufendes Parken (Betrag bisher):",
		statusMany: "{n} laufende Parkvorgänge (Betrag bisher):",
		statusLine: "{plate} in Zone {zone} seit {start}: {cost}",
		noActive:   "Sie haben keinen laufenden Parkvorgang.",

		credentials:      "Ihr Zugang zu {site}: Benutzername {user}, Passwort {pass}",
		confirmationsOff: "Bestätigungen aus: keine SMS mehr bei Start und Ende. Fehler und Status (I) erhalten Sie weiter. Wieder einschalten: C1 senden.",
		confirmationsOn:  "Bestätigungen an: Sie erhalten bei jedem Start und Ende eine SMS. Ausschalten: C1 senden.",
		languageSet:      "Sie erhalten die Nachrichten von 4411 ab jetzt auf Deutsch.",
		voucherStarted:   "Voucher aktiviert: {plate} darf in Zone {zone} bis {end} parken.",
		dayTicketStarted: "Tagesticket: {plate} in Zone {zone}, gültig von {start} bis {end}. Preis: {cost}.",
		permitHolder:     "{plate} hat eine gültige Parkberechtigung für Zone {zone}: kein Parkvorgang nötig, es wird nichts berechnet.",
		sessionEnding:    "Erinnerung: Ihr Parkvorgang für {plate} in Zone {zone} endet automatisch um {end}.",
		sessionExpired:   "Parken automatisch beendet um {end}: {plate} in Zone {zone}, {start}-{end}. Betrag: {cost}.",

		unknownCommand:       "Nicht verstanden. Starten: <Zone> <Kennzeichen> an 4411 senden, z.B. 1021 1ABC123. Beenden: Q. Status: I.",
		unknownZone:          "Zone {zone} gibt es nicht. Nutzen Sie den Zonencode am Parkautomaten, z.B. 1021 1ABC123. Kein Parkvorgang gestartet.",
		invalidPlate:         "Ungültiges Kennzeichen: 2 bis 10 Buchstaben und Ziffern, z.B. 1021 1ABC123. Kein Parkvorgang gestartet.",
		noPlate:              "Für diese Nummer ist kein Kennzeichen bekannt. Senden Sie Zone und Kennzeichen, z.B. 1021 1ABC123. Kein Parkvorgang gestartet.",
		noSession:            "Es läuft kein Parkvorgang, der beendet werden kann.",
		noSessionPlate:       "Für {plate} läuft kein Parkvorgang.",
		ambiguousStop:        "Mehrere Parkvorgänge laufen: {plates}. Zum Beenden Q <Kennzeichen> senden, z.B. Q {first}.",
		plateTaken:           "{plate} parkt bereits über eine andere Handynummer. Kein Parkvorgang gestartet.",
		registrationRequired: "Um mit dieser Nummer zu parken, registrieren Sie sich kostenlos für Premium auf {site}. Kein Parkvorgang gestartet.",
		limitReached:         "Ihr monatliches Limit für mobile Zahlungen ist erreicht. Kein Parkvorgang gestartet. Weiter parken mit Premium: {site}.",
		voucherUnknown:       "Diesen Vouchercode gibt es nicht. Bitte prüfen Sie den Code. Kein Parkvorgang gestartet.",
		voucherUsed:          "Dieser Voucher wurde bereits benutzt. Kein Parkvorgang gestartet.",
		voucherExpired:       "Dieser Voucher ist abgelaufen. Kein Parkvorgang gestartet.",
		unsupportedNumber:    "4411 funktioniert nur mit belgischen Handynummern.",
		tooManyRequests:      "Zu viele PASS-Anfragen. Bitte versuchen Sie es in einer Stunde erneut.",
	}
}

func english() lexicon {
	return lexicon{
		decimal: ".", thousands: ",", euro: "€",
		moreFmt:   "and {n} more",
		rate:      "{rate}/h.",
		freeUntil: "Free until {free}, then {rate}/h.",
		freeFirst: "Your first session is free.",

		started:        "Parking started: {plate} in zone {zone} at {start}, until {end} at the latest. {price} To stop, text Q to 4411.",
		alreadyStarted: "Already parking: {plate} in zone {zone} since {start}, until {end} at the latest. Nothing changed.",
		replaced:       "Ended: {oldplate} in zone {oldzone}, {oldcost}. Started: {plate} in zone {zone} at {start}, until {end} at the latest. {price}",
		stopped:        "Parking stopped: {plate} in zone {zone}, {start}-{end}. Cost: {cost}.",

		statusOne:  "Active session (cost so far):",
		statusMany: "{n} active sessions (cost so far):",
		statusLine: "{plate} in zone {zone} since {start}: {cost}",
		noActive:   "You have no active parking session.",

		credentials:      "Your login for {site}: username {user}, password {pass}",
		confirmationsOff: "Confirmations off: no more SMS when you start or stop. Errors and status (I) are still sent. To turn them on again, text C1.",
		confirmationsOn:  "Confirmations on: you get an SMS each time you start or stop. To turn them off, text C1.",
		languageSet:      "From now on, 4411 will answer you in English.",
		voucherStarted:   "Voucher activated: {plate} may park in zone {zone} until {end}.",
		dayTicketStarted: "Day ticket: {plate} in zone {zone}, valid from {start} to {end}. Price: {cost}.",
		permitHolder:     "{plate} holds a valid permit for zone {zone}: no session is needed and nothing is charged.",
		sessionEnding:    "Reminder: parking of {plate} in zone {zone} ends automatically at {end}.",
		sessionExpired:   "Parking ended automatically at {end}: {plate} in zone {zone}, {start}-{end}. Cost: {cost}.",

		unknownCommand:       "Not understood. To start, text <zone> <plate> to 4411, e.g. 1021 1ABC123. To stop: Q. Status: I.",
		unknownZone:          "Zone {zone} does not exist. Use the zone code on the parking meter, e.g. 1021 1ABC123. No session started.",
		invalidPlate:         "Invalid plate: use 2 to 10 letters and digits, e.g. 1021 1ABC123. No session started.",
		noPlate:              "No plate known for this number. Text the zone and plate, e.g. 1021 1ABC123. No session started.",
		noSession:            "No parking session is running to stop.",
		noSessionPlate:       "No parking session is running for {plate}.",
		ambiguousStop:        "Several sessions are running: {plates}. To stop one, text Q <plate>, e.g. Q {first}.",
		plateTaken:           "{plate} is already parked from another phone number. No session started.",
		registrationRequired: "To park with this number, register for Premium (free) at {site}. No session started.",
		limitReached:         "Your monthly mobile payment limit has been reached. No session started. To keep parking, register for Premium at {site}.",
		voucherUnknown:       "This voucher code does not exist. Please check it. No session started.",
		voucherUsed:          "This voucher has already been used. No session started.",
		voucherExpired:       "This voucher has expired. No session started.",
		unsupportedNumber:    "4411 only works with Belgian mobile numbers.",
		tooManyRequests:      "Too many PASS requests. Please try again in an hour.",
	}
}

// Money writes cents as the replies in lang write an amount ("€ 1,50",
// "1,50 €", "€1.50"); anything unknown is Dutch.
func Money(lang string, cents int64) string { return lexiconFor(lang).money(cents) }
