package pdf

import (
	"fmt"
	"strings"
)

// texts are the words of the documents in one language.
type texts struct {
	lang, tag string // "nl", and the PDF's language tag "nl-BE"
	months    [12]string
	tagline   string
	helpdesk  string
	page      string

	// Statement.
	statement, account, pkg, period, issued, due string
	amountDue, nothingDue, structured, toAccount string // toAccount has a %s
	sessions, noSessions                         string
	colDate, colPlate, colZone, colTime, colNote string
	colNumber                                    string
	colCost, colTx                               string
	totalParking, totalTx, total                 string
	continued                                    string
	// payRules has %s for the bank account, the communication, the
	// threshold (twice) and the fee; onlineFee for the fee and the total.
	payRules, onlineFee                                    string
	noteFree, noteVoucher, noteMax, noteReplaced, noteDesk string
	noteDay, noteReduced                                   string // noteReduced has a %d for the percentage

	// Voucher letter.
	subject                   string // %s: the voucher type
	greeting, greetingNoName  string // greeting has a %s
	intro                     func(n int, date, city string) string
	order, kind, zone         string
	perVoucher, validUntil    string
	price, purchased, free    string
	codes                     string
	howTitle, howSend, syntax string
	example, to4411           string
	howRuns                   string // %s: the zone, the duration
	howOnce                   string // %s: the expiry date, the price of an SMS
	regards, signature        string // signature: %s the city
}

// textsFor returns the texts of lang: nl, fr, de or en. Returns
// ErrLanguage for any other.
func textsFor(lang string) (*texts, error) {
	switch strings.ToLower(lang) {
	case "nl":
		return &texts{
			lang: "nl", tag: "nl-BE",
			months:   [12]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
			tagline:  "sms-parkeren",
			helpdesk: "Helpdesk 078/05.4411",
			page:     "pagina",

			statement: "Afrekening", account: "Klant", pkg: "Pakket", period: "Periode", issued: "Datum", due: "Te betalen vóór",
			amountDue: "Te betalen", nothingDue: "Niets te betalen", structured: "Gestructureerde mededeling", toAccount: "op rekening %s",
			sessions: "Parkeersessies", noSessions: "Geen parkeersessies in deze maand.",
			colDate: "Datum", colPlate: "Nummerplaat", colZone: "Zone", colTime: "Begin – einde", colNote: "Opmerking",
			colNumber: "Nummer",
			colCost:   "Parkeren", colTx: "Transactie",
			totalParking: "Parkeerkosten", totalTx: "Transactiekosten", total: "Totaal",
			continued: "vervolg",
			payRules: "Betalen met een overschrijving op rekening %s met de gestructureerde mededeling %s is kosteloos. " +
				"Online betalen via uw account (Visa, Mastercard, Bancontact, …) is kosteloos vanaf %s; onder %s komt er %s bij.",
			onlineFee: "Betaalt u deze afrekening online, dan komt er %s bij: %s in totaal.",
			noteFree:  "1e keer gratis", noteVoucher: "voucher", noteMax: "max. duur", noteReplaced: "vervangen", noteDesk: "helpdesk",
			noteDay: "dagticket", noteReduced: "sociaal tarief %d%%",

			subject:  "Uw parkeervouchers: %s",
			greeting: "Beste %s,", greetingNoName: "Beste bewoner,",
			intro: func(n int, date, city string) string {
				if n == 1 {
					return fmt.Sprintf("Hierbij vindt u de parkeervoucher die u op %s bestelde bij de stad %s.", date, city)
				}
				return fmt.Sprintf("Hierbij vindt u de %d parkeervouchers die u op %s bestelde bij de stad %s.", n, date, city)
			},
			order: "Bestelling", kind: "Soort", zone: "Zone", perVoucher: "Duur per voucher", validUntil: "Geldig tot en met",
			price: "Prijs", purchased: "Aankoopdatum", free: "gratis",
			codes:    "Uw codes",
			howTitle: "Zo start u een parkeersessie met een voucher",
			howSend:  "Stuur een sms met de code, een spatie en de nummerplaat (zonder spaties) naar 4411:",
			syntax:   "<code> <nummerplaat>", example: "Bijvoorbeeld:", to4411: "naar 4411",
			howRuns: "De parkeersessie start meteen in zone %s en loopt %s; het parkeren kost niets. " +
				"U krijgt een bevestiging van 4411.",
			howOnce: "Elke code kan één keer gebruikt worden, tot en met %s. Een sms van of naar 4411 kost %s; " +
				"foutmeldingen komen van 4400 en zijn gratis.",
			regards: "Met vriendelijke groeten,", signature: "Dienst parkeren – %s",
		}, nil
	case "fr":
		return &texts{
			lang: "fr", tag: "fr-BE",
			months:   [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
			tagline:  "stationnement par SMS",
			helpdesk: "Helpdesk 078/05.4411",
			page:     "page",

			statement: "Relevé", account: "Client", pkg: "Formule", period: "Période", issued: "Date", due: "À payer avant le",
			amountDue: "Montant à payer", nothingDue: "Rien à payer", structured: "Communication structurée", toAccount: "sur le compte %s",
			sessions: "Sessions de stationnement", noSessions: "Aucune session de stationnement ce mois-ci.",
			colDate: "Date", colPlate: "Plaque", colZone: "Zone", colTime: "Début – fin", colNote: "Remarque",
			colNumber: "Numéro",
			colCost:   "Coût", colTx: "Transaction",
			totalParking: "Frais de stationnement", totalTx: "Frais de transaction", total: "Total",
			continued: "suite",
			payRules: "Le paiement par virement sur le compte %s avec la communication structurée %s est gratuit. " +
				"Le paiement en ligne via votre compte (Visa, Mastercard, Bancontact, …) est gratuit à partir de %s ; en dessous de %s, %s s'ajoutent.",
			onlineFee: "Si vous payez ce relevé en ligne, %s s'ajoutent : %s au total.",
			noteFree:  "1re gratuite", noteVoucher: "voucher", noteMax: "durée max.", noteReplaced: "remplacée", noteDesk: "helpdesk",
			noteDay: "ticket journalier", noteReduced: "tarif réduit %d %%",

			subject:  "Vos vouchers de stationnement : %s",
			greeting: "Bonjour %s,", greetingNoName: "Madame, Monsieur,",
			intro: func(n int, date, city string) string {
				of := "de "
				if city != "" && strings.ContainsRune("AEIOUYÉÈHaeiouyéèh", []rune(city)[0]) {
					of = "d'"
				}
				if n == 1 {
					return fmt.Sprintf("Voici le voucher de stationnement que vous avez commandé le %s auprès de la ville %s%s.", date, of, city)
				}
				return fmt.Sprintf("Voici les %d vouchers de stationnement que vous avez commandés le %s auprès de la ville %s%s.", n, date, of, city)
			},
			order: "Commande", kind: "Type", zone: "Zone", perVoucher: "Durée par voucher", validUntil: "Valable jusqu'au",
			price: "Prix", purchased: "Date d'achat", free: "gratuit",
			codes:    "Vos codes",
			howTitle: "Comment démarrer une session de stationnement avec un voucher",
			howSend:  "Envoyez un SMS avec le code, un espace et la plaque d'immatriculation (sans espaces) au 4411 :",
			syntax:   "<code> <plaque>", example: "Par exemple :", to4411: "au 4411",
			howRuns: "La session de stationnement démarre immédiatement dans la zone %s et dure %s ; le stationnement ne coûte rien. " +
				"Vous recevez une confirmation du 4411.",
			howOnce: "Chaque code ne peut être utilisé qu'une fois, jusqu'au %s inclus. Un SMS vers ou depuis le 4411 coûte %s ; " +
				"les messages d'erreur viennent du 4400 et sont gratuits.",
			regards: "Cordialement,", signature: "Service stationnement – %s",
		}, nil
	case "de":
		return &texts{
			lang: "de", tag: "de-BE",
			months:   [12]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
			tagline:  "Handyparken per SMS",
			helpdesk: "Helpdesk 078/05.4411",
			page:     "Seite",

			statement: "Abrechnung", account: "Kunde", pkg: "Paket", period: "Zeitraum", issued: "Datum", due: "Zu zahlen bis",
			amountDue: "Zu zahlen", nothingDue: "Nichts zu zahlen", structured: "Strukturierte Mitteilung", toAccount: "auf das Konto %s",
			sessions: "Parkvorgänge", noSessions: "Keine Parkvorgänge in diesem Monat.",
			colDate: "Datum", colPlate: "Kennzeichen", colZone: "Zone", colTime: "Beginn – Ende", colNote: "Hinweis",
			colNumber: "Nummer",
			colCost:   "Parken", colTx: "Transaktion",
			totalParking: "Parkgebühren", totalTx: "Transaktionskosten", total: "Gesamt",
			continued: "Fortsetzung",
			payRules: "Die Zahlung per Überweisung auf das Konto %s mit der strukturierten Mitteilung %s ist kostenlos. " +
				"Die Online-Zahlung über Ihr Konto (Visa, Mastercard, Bancontact, …) ist ab %s kostenlos; unter %s kommen %s hinzu.",
			onlineFee: "Zahlen Sie diese Abrechnung online, kommen %s hinzu: insgesamt %s.",
			noteFree:  "1. Mal gratis", noteVoucher: "Voucher", noteMax: "Höchstdauer", noteReplaced: "ersetzt", noteDesk: "Helpdesk",
			noteDay: "Tagesticket", noteReduced: "Sozialtarif %d %%",

			subject:  "Ihre Parkvoucher: %s",
			greeting: "Guten Tag %s,", greetingNoName: "Sehr geehrte Damen und Herren,",
			intro: func(n int, date, city string) string {
				if n == 1 {
					return fmt.Sprintf("anbei erhalten Sie den Parkvoucher, den Sie am %s bei der Stadt %s bestellt haben.", date, city)
				}
				return fmt.Sprintf("anbei erhalten Sie die %d Parkvoucher, die Sie am %s bei der Stadt %s bestellt haben.", n, date, city)
			},
			order: "Bestellung", kind: "Art", zone: "Zone", perVoucher: "Dauer pro Voucher", validUntil: "Gültig bis einschließlich",
			price: "Preis", purchased: "Kaufdatum", free: "kostenlos",
			codes:    "Ihre Codes",
			howTitle: "So starten Sie einen Parkvorgang mit einem Voucher",
			howSend:  "Senden Sie eine SMS mit dem Code, einem Leerzeichen und dem Kennzeichen (ohne Leerzeichen) an 4411:",
			syntax:   "<Code> <Kennzeichen>", example: "Zum Beispiel:", to4411: "an 4411",
			howRuns: "Der Parkvorgang beginnt sofort in der Zone %s und dauert %s; das Parken kostet nichts. " +
				"Sie erhalten eine Bestätigung von 4411.",
			howOnce: "Jeder Code kann einmal verwendet werden, bis einschließlich %s. Eine SMS an oder von 4411 kostet %s; " +
				"Fehlermeldungen kommen von 4400 und sind kostenlos.",
			regards: "Mit freundlichen Grüßen,", signature: "Parkdienst – %s",
		}, nil
	case "en":
		return &texts{
			lang: "en", tag: "en",
			months:   [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
			tagline:  "SMS parking",
			helpdesk: "Helpdesk 078/05.4411",
			page:     "page",

			statement: "Statement", account: "Account", pkg: "Package", period: "Period", issued: "Issued", due: "Due by",
			amountDue: "Amount due", nothingDue: "Nothing to pay", structured: "Structured communication", toAccount: "to account %s",
			sessions: "Parking sessions", noSessions: "No parking sessions this month.",
			colDate: "Date", colPlate: "Plate", colZone: "Zone", colTime: "Start – end", colNote: "Note",
			colNumber: "Number",
			colCost:   "Parking", colTx: "Transaction",
			totalParking: "Parking", totalTx: "Transaction costs", total: "Total",
			continued: "continued",
			payRules: "Paying by bank transfer to account %s, quoting the structured communication %s, is free of charge. " +
				"Paying online from your account (Visa, Mastercard, Bancontact, …) is free from %s; under %s, %s is added.",
			onlineFee: "Paid online, this statement costs %s more: %s in all.",
			noteFree:  "first use free", noteVoucher: "voucher", noteMax: "max. duration", noteReplaced: "replaced", noteDesk: "helpdesk",
			noteDay: "day ticket", noteReduced: "reduced tariff %d%%",

			subject:  "Your parking vouchers: %s",
			greeting: "Dear %s,", greetingNoName: "Dear resident,",
			intro: func(n int, date, city string) string {
				if n == 1 {
					return fmt.Sprintf("Here is the parking voucher you ordered from the city of %s on %s.", city, date)
				}
				return fmt.Sprintf("Here are the %d parking vouchers you ordered from the city of %s on %s.", n, city, date)
			},
			order: "Order", kind: "Type", zone: "Zone", perVoucher: "Duration per voucher", validUntil: "Valid until",
			price: "Price", purchased: "Purchased", free: "free",
			codes:    "Your codes",
			howTitle: "How to start a parking session with a voucher",
			howSend:  "Send an SMS with the code, a space and the number plate (without spaces) to 4411:",
			syntax:   "<code> <plate>", example: "For example:", to4411: "to 4411",
			howRuns: "The parking session starts at once in zone %s and runs for %s; parking costs nothing. " +
				"You get a confirmation from 4411.",
			howOnce: "Each code can be used once, until %s inclusive. An SMS to or from 4411 costs %s; " +
				"error messages come from 4400 and are free.",
			regards: "Kind regards,", signature: "Parking service – %s",
		}, nil
	}
	return nil, fmt.Errorf("%w: %q", ErrLanguage, lang)
}
