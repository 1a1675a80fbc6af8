package sessions

import (
	"strconv"
	"strings"
)

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
