package web

import (
	"net/http"
	"strings"
)

// languages the page speaks, in the order of the switch.
var languages = []string{"nl", "fr", "de", "en"}

// languageNames are each language's own name, for the switch.
var languageNames = map[string]string{"nl": "Nederlands", "fr": "Français", "de": "Deutsch", "en": "English"}

// language picks the page's language: the switch's cookie, else the
// browser's Accept-Language, else Dutch.
func language(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && isLanguage(c.Value) {
		return c.Value
	}
	best, bestQ := "", -1.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			q = parseQ(v)
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if isLanguage(base) && q > bestQ {
			best, bestQ = base, q
		}
	}
	if best == "" {
		return "nl"
	}
	return best
}

// parseQ reads a quality value (0 to 1, three decimals at most); anything
// else is 0.
func parseQ(v string) float64 {
	q, scale := 0.0, 1.0
	for i, c := range v {
		switch {
		case c == '.' && i == 1:
		case c >= '0' && c <= '9':
			if i == 0 {
				q = float64(c - '0')
			} else {
				scale /= 10
				q += float64(c-'0') * scale
			}
		default:
			return 0
		}
	}
	return min(q, 1)
}

func isLanguage(l string) bool {
	for _, x := range languages {
		if l == x {
			return true
		}
	}
	return false
}

// translate returns the text of key in lang; a missing one is English,
// then the key itself.
func translate(lang, key string) string {
	t, ok := texts[key]
	if !ok {
		return key
	}
	if s := t[lang]; s != "" {
		return s
	}
	return t["en"]
}

type tr map[string]string

// texts are the page's words, by key and language.
var texts = map[string]tr{
	"title":           {"nl": "Mijn parkeren", "fr": "Mon stationnement", "de": "Mein Parken", "en": "My parking"},
	"skip":            {"nl": "Naar de inhoud", "fr": "Aller au contenu", "de": "Zum Inhalt", "en": "Skip to content"},
	"navNow":          {"nl": "Nu", "fr": "Maintenant", "de": "Jetzt", "en": "Now"},
	"navStatements":   {"nl": "Afrekeningen", "fr": "Relevés", "de": "Abrechnungen", "en": "Statements"},
	"statementsTitle": {"nl": "Maandelijkse afrekeningen", "fr": "Relevés mensuels", "de": "Monatliche Abrechnungen", "en": "Monthly statements"},
	"noStatements":    {"nl": "Nog geen afrekening. Afrekeningen zijn er voor Premium- en Pro-accounts.", "fr": "Pas encore de relevé. Les relevés sont pour les comptes Premium et Pro.", "de": "Noch keine Abrechnung. Abrechnungen gibt es für Premium- und Pro-Konten.", "en": "No statement yet. Statements are for Premium and Pro accounts."},
	"amount":          {"nl": "Bedrag", "fr": "Montant", "de": "Betrag", "en": "Amount"},
	"due":             {"nl": "Te betalen voor", "fr": "À payer avant le", "de": "Fällig am", "en": "Due"},
	"communication":   {"nl": "Gestructureerde mededeling", "fr": "Communication structurée", "de": "Strukturierte Mitteilung", "en": "Structured communication"},
	"bankAccount":     {"nl": "Rekening", "fr": "Compte", "de": "Konto", "en": "Bank account"},
	"onlineFee":       {"nl": "Kost online betalen (onder € 5)", "fr": "Frais de paiement en ligne (moins de 5 €)", "de": "Gebühr für Online-Zahlung (unter 5 €)", "en": "Online payment fee (under €5)"},
	"onlineTotal":     {"nl": "online te betalen:", "fr": "à payer en ligne :", "de": "online zu zahlen:", "en": "to pay online:"},
	"downloadPDF":     {"nl": "PDF downloaden", "fr": "Télécharger le PDF", "de": "PDF herunterladen", "en": "Download PDF"},
	"downloadCSV":     {"nl": "CSV downloaden", "fr": "Télécharger le CSV", "de": "CSV herunterladen", "en": "Download CSV"},
	"navHistory":      {"nl": "Geschiedenis", "fr": "Historique", "de": "Verlauf", "en": "History"},
	"navNotes":        {"nl": "Berichten", "fr": "Messages", "de": "Nachrichten", "en": "Notifications"},
	"navSet":          {"nl": "Instellingen", "fr": "Paramètres", "de": "Einstellungen", "en": "Settings"},
	"navHelp":         {"nl": "Hulp", "fr": "Aide", "de": "Hilfe", "en": "Help"},
	"logout":          {"nl": "Afmelden", "fr": "Se déconnecter", "de": "Abmelden", "en": "Log out"},
	"language":        {"nl": "Taal", "fr": "Langue", "de": "Sprache", "en": "Language"},
	"mainNav":         {"nl": "Hoofdmenu", "fr": "Menu principal", "de": "Hauptmenü", "en": "Main menu"},

	"loginTitle": {"nl": "Aanmelden", "fr": "Connexion", "de": "Anmelden", "en": "Log in"},
	"loginIntro": {"nl": "Meld u aan met de gebruikersnaam en het wachtwoord die u per sms kreeg.",
		"fr": "Connectez-vous avec le nom d'utilisateur et le mot de passe reçus par SMS.",
		"de": "Melden Sie sich mit dem Benutzernamen und dem Passwort an, die Sie per SMS erhalten haben.",
		"en": "Log in with the username and password you received by SMS."},
	"username":       {"nl": "Gebruikersnaam (uw gsm-nummer)", "fr": "Nom d'utilisateur (votre numéro de GSM)", "de": "Benutzername (Ihre Handynummer)", "en": "Username (your mobile number)"},
	"password":       {"nl": "Wachtwoord", "fr": "Mot de passe", "de": "Passwort", "en": "Password"},
	"loginButton":    {"nl": "Aanmelden", "fr": "Se connecter", "de": "Anmelden", "en": "Log in"},
	"noPassword":     {"nl": "Nog geen wachtwoord?", "fr": "Pas encore de mot de passe ?", "de": "Noch kein Passwort?", "en": "No password yet?"},
	"helpTitle":      {"nl": "Zo krijgt u uw wachtwoord", "fr": "Comment obtenir votre mot de passe", "de": "So erhalten Sie Ihr Passwort", "en": "How to get your password"},
	"helpStep1":      {"nl": "Stuur PASS naar 4411 vanaf uw gsm.", "fr": "Envoyez PASS au 4411 depuis votre GSM.", "de": "Senden Sie PASS an 4411 von Ihrem Handy.", "en": "Send PASS to 4411 from your mobile phone."},
	"helpStep2":      {"nl": "U krijgt een sms met uw gebruikersnaam (uw nummer) en een nieuw wachtwoord.", "fr": "Vous recevez un SMS avec votre nom d'utilisateur (votre numéro) et un nouveau mot de passe.", "de": "Sie erhalten eine SMS mit Ihrem Benutzernamen (Ihrer Nummer) und einem neuen Passwort.", "en": "You receive an SMS with your username (your number) and a new password."},
	"helpStep3":      {"nl": "Meld u hier aan. Elke nieuwe PASS vervangt het vorige wachtwoord.", "fr": "Connectez-vous ici. Chaque nouveau PASS remplace l'ancien mot de passe.", "de": "Melden Sie sich hier an. Jedes neue PASS ersetzt das vorige Passwort.", "en": "Log in here. Each new PASS replaces the previous password."},
	"helpCost":       {"nl": "De sms naar 4411 kost het normale sms-tarief.", "fr": "Le SMS au 4411 coûte le prix d'un SMS normal.", "de": "Die SMS an 4411 kostet den normalen SMS-Tarif.", "en": "The SMS to 4411 costs a normal SMS."},
	"errCredentials": {"nl": "Gebruikersnaam of wachtwoord is fout.", "fr": "Nom d'utilisateur ou mot de passe incorrect.", "de": "Benutzername oder Passwort ist falsch.", "en": "Username or password is wrong."},
	"errTooMany":     {"nl": "Te veel pogingen. Wacht even en probeer opnieuw.", "fr": "Trop de tentatives. Attendez un peu et réessayez.", "de": "Zu viele Versuche. Warten Sie kurz und versuchen Sie es erneut.", "en": "Too many attempts. Wait a moment and try again."},
	"errCSRF":        {"nl": "Dit formulier is verlopen of kwam niet van deze pagina. Er is niets gewijzigd.", "fr": "Ce formulaire a expiré ou ne vient pas de cette page. Rien n'a été modifié.", "de": "Dieses Formular ist abgelaufen oder kam nicht von dieser Seite. Es wurde nichts geändert.", "en": "This form expired or did not come from this page. Nothing was changed."},
	"errExpired":     {"nl": "U bent niet meer aangemeld. Er is niets gewijzigd.", "fr": "Vous n'êtes plus connecté. Rien n'a été modifié.", "de": "Sie sind nicht mehr angemeldet. Es wurde nichts geändert.", "en": "You are no longer logged in. Nothing was changed."},
	"errNotYours":    {"nl": "Deze sessie bestaat niet of is niet van u. Er is niets gewijzigd.", "fr": "Cette session n'existe pas ou n'est pas la vôtre. Rien n'a été modifié.", "de": "Diese Sitzung gibt es nicht oder sie gehört nicht Ihnen. Es wurde nichts geändert.", "en": "This session does not exist or is not yours. Nothing was changed."},
	"errServer":      {"nl": "Er ging iets mis. Probeer het later opnieuw.", "fr": "Une erreur s'est produite. Réessayez plus tard.", "de": "Etwas ist schiefgelaufen. Versuchen Sie es später erneut.", "en": "Something went wrong. Try again later."},
	"errStandby":     {"nl": "Deze server is reserve en mag nu niets wijzigen. Er is niets gewijzigd; probeer het zo meteen opnieuw.", "fr": "Ce serveur est en réserve et ne peut rien modifier pour l'instant. Rien n'a été modifié ; réessayez dans un instant.", "de": "Dieser Server ist in Bereitschaft und darf jetzt nichts ändern. Es wurde nichts geändert; versuchen Sie es gleich erneut.", "en": "This server is on standby and may not change anything now. Nothing was changed; try again in a moment."},
	"errNoStatement": {"nl": "Deze afrekening bestaat niet.", "fr": "Ce relevé n'existe pas.", "de": "Diese Abrechnung gibt es nicht.", "en": "This statement does not exist."},
	"refused":        {"nl": "Geweigerd", "fr": "Refusé", "de": "Abgelehnt", "en": "Refused"},
	"back":           {"nl": "Terug", "fr": "Retour", "de": "Zurück", "en": "Back"},

	"nowTitle":    {"nl": "Lopende sessies", "fr": "Sessions en cours", "de": "Laufende Sitzungen", "en": "Running sessions"},
	"none":        {"nl": "Er loopt geen sessie.", "fr": "Aucune session en cours.", "de": "Keine laufende Sitzung.", "en": "No session is running."},
	"plate":       {"nl": "Nummerplaat", "fr": "Plaque", "de": "Kennzeichen", "en": "Plate"},
	"zone":        {"nl": "Zone", "fr": "Zone", "de": "Zone", "en": "Zone"},
	"start":       {"nl": "Start", "fr": "Début", "de": "Beginn", "en": "Start"},
	"end":         {"nl": "Einde", "fr": "Fin", "de": "Ende", "en": "End"},
	"latestEnd":   {"nl": "Uiterlijk tot", "fr": "Au plus tard", "de": "Spätestens bis", "en": "Latest end"},
	"costSoFar":   {"nl": "Kost tot nu", "fr": "Coût jusqu'ici", "de": "Kosten bisher", "en": "Cost so far"},
	"stop":        {"nl": "Stoppen", "fr": "Arrêter", "de": "Beenden", "en": "Stop"},
	"stopPlate":   {"nl": "Stop parkeren van", "fr": "Arrêter le stationnement de", "de": "Parken beenden für", "en": "Stop parking of"},
	"startTitle":  {"nl": "Parkeren starten", "fr": "Démarrer un stationnement", "de": "Parken starten", "en": "Start parking"},
	"startIntro":  {"nl": "Net als een sms naar 4411: een nieuwe zone voor dezelfde plaat vervangt de lopende sessie.", "fr": "Comme un SMS au 4411 : une nouvelle zone pour la même plaque remplace la session en cours.", "de": "Wie eine SMS an 4411: eine neue Zone für dasselbe Kennzeichen ersetzt die laufende Sitzung.", "en": "Just like an SMS to 4411: a new zone for the same plate replaces the running session."},
	"startButton": {"nl": "Start", "fr": "Démarrer", "de": "Starten", "en": "Start"},
	"perHour":     {"nl": "/uur", "fr": "/heure", "de": "/Std.", "en": "/hour"},
	"remembered":  {"nl": "Uw nummerplaten", "fr": "Vos plaques", "de": "Ihre Kennzeichen", "en": "Your plates"},
	"plateHint":   {"nl": "Leeg laten: uw laatste nummerplaat.", "fr": "Vide : votre dernière plaque.", "de": "Leer lassen: Ihr letztes Kennzeichen.", "en": "Leave empty: your last plate."},
	"easyOnly": {"nl": "Parkeren starten via deze pagina kan met een Premium- of Pro-account. Met Easy start u per sms naar 4411.",
		"fr": "Démarrer depuis cette page est possible avec un compte Premium ou Pro. Avec Easy, démarrez par SMS au 4411.",
		"de": "Das Starten auf dieser Seite ist mit einem Premium- oder Pro-Konto möglich. Mit Easy starten Sie per SMS an 4411.",
		"en": "Starting from this page needs a Premium or Pro account. With Easy, start by SMS to 4411."},
	"ok": {"nl": "Gelukt", "fr": "C'est fait", "de": "Erledigt", "en": "Done"},

	"navDayCards":         {"nl": "Dagkaarten", "fr": "Cartes journalières", "de": "Tageskarten", "en": "Day cards"},
	"dcTitle":             {"nl": "Dagkaarten", "fr": "Cartes journalières", "de": "Tageskarten", "en": "Day cards"},
	"dcIntro":             {"nl": "Koop dagen voor een zone en kies daarna op de kalender op welke dagen uw nummerplaat er de hele dag mag parkeren.", "fr": "Achetez des jours pour une zone, puis choisissez sur le calendrier les jours où votre plaque peut y stationner toute la journée.", "de": "Kaufen Sie Tage für eine Zone und wählen Sie dann im Kalender, an welchen Tagen Ihr Kennzeichen dort den ganzen Tag parken darf.", "en": "Buy days for a zone, then choose on the calendar the days on which your plate may park there all day."},
	"dcDays":              {"nl": "dagen", "fr": "jours", "de": "Tage", "en": "days"},
	"dcStatus":            {"nl": "Status", "fr": "État", "de": "Status", "en": "Status"},
	"dcLeft":              {"nl": "Dagen over", "fr": "Jours restants", "de": "Verbleibende Tage", "en": "Days left"},
	"dcPrice":             {"nl": "Prijs", "fr": "Prix", "de": "Preis", "en": "Price"},
	"dcNone":              {"nl": "U hebt nog geen dagkaarten.", "fr": "Vous n'avez pas encore de carte journalière.", "de": "Sie haben noch keine Tageskarten.", "en": "You have no day cards yet."},
	"dcBuyTitle":          {"nl": "Dagkaarten kopen", "fr": "Acheter des cartes journalières", "de": "Tageskarten kaufen", "en": "Buy day cards"},
	"dcPerDay":            {"nl": "per dag", "fr": "par jour", "de": "pro Tag", "en": "a day"},
	"dcHowMany":           {"nl": "Aantal dagen", "fr": "Nombre de jours", "de": "Anzahl Tage", "en": "Number of days"},
	"dcBuy":               {"nl": "Kopen", "fr": "Acheter", "de": "Kaufen", "en": "Buy"},
	"dcNoZones":           {"nl": "Geen enkele zone verkoopt dagkaarten.", "fr": "Aucune zone ne vend de cartes journalières.", "de": "Keine Zone verkauft Tageskarten.", "en": "No zone sells day cards."},
	"dcCard":              {"nl": "Dagkaart", "fr": "Carte journalière", "de": "Tageskarte", "en": "Day card"},
	"dcBoughtDays":        {"nl": "Gekocht", "fr": "Achetés", "de": "Gekauft", "en": "Bought"},
	"dc_awaiting_payment": {"nl": "wacht op betaling", "fr": "en attente de paiement", "de": "wartet auf Zahlung", "en": "awaiting payment"},
	"dc_paid":             {"nl": "betaald", "fr": "payée", "de": "bezahlt", "en": "paid"},
	"dc_cancelled":        {"nl": "geannuleerd", "fr": "annulée", "de": "storniert", "en": "cancelled"},
	"dcPayTitle":          {"nl": "Betaling", "fr": "Paiement", "de": "Zahlung", "en": "Payment"},
	"dcTestProvider":      {"nl": "Testbetaalprovider: kies de uitkomst van de betaling.", "fr": "Prestataire de paiement de test : choisissez l'issue du paiement.", "de": "Test-Zahlungsanbieter: Wählen Sie das Ergebnis der Zahlung.", "en": "Test payment provider: choose the payment's outcome."},
	"dcPay":               {"nl": "Betalen", "fr": "Payer", "de": "Bezahlen", "en": "Pay"},
	"dcRefuse":            {"nl": "Betaling weigeren", "fr": "Refuser le paiement", "de": "Zahlung ablehnen", "en": "Refuse the payment"},
	"dcPayFailed":         {"nl": "De betaling is mislukt. U kunt het opnieuw proberen.", "fr": "Le paiement a échoué. Vous pouvez réessayer.", "de": "Die Zahlung ist fehlgeschlagen. Sie können es erneut versuchen.", "en": "The payment failed. You can try again."},
	"dcRetry":             {"nl": "Opnieuw betalen", "fr": "Payer à nouveau", "de": "Erneut bezahlen", "en": "Pay again"},
	"dcRetried":           {"nl": "Nieuwe betaling gestart.", "fr": "Nouveau paiement lancé.", "de": "Neue Zahlung gestartet.", "en": "A new payment was started."},
	"dcPaid":              {"nl": "Betaald. Kies nu uw dagen.", "fr": "Payé. Choisissez maintenant vos jours.", "de": "Bezahlt. Wählen Sie jetzt Ihre Tage.", "en": "Paid. Now choose your days."},
	"dcBought":            {"nl": "Dagkaart aangemaakt: betaal ze om uw dagen te kiezen.", "fr": "Carte journalière créée : payez-la pour choisir vos jours.", "de": "Tageskarte angelegt: bezahlen Sie sie, um Ihre Tage zu wählen.", "en": "Day card created: pay it to choose your days."},
	"dcChoose":            {"nl": "Kies uw dagen", "fr": "Choisissez vos jours", "de": "Wählen Sie Ihre Tage", "en": "Choose your days"},
	"dcMonths":            {"nl": "Maanden", "fr": "Mois", "de": "Monate", "en": "Months"},
	"dcSpend":             {"nl": "Gekozen dagen bevestigen", "fr": "Confirmer les jours choisis", "de": "Gewählte Tage bestätigen", "en": "Confirm the chosen days"},
	"dcCancelDay":         {"nl": "Dag annuleren", "fr": "Annuler le jour", "de": "Tag stornieren", "en": "Cancel the day"},
	"dcSpent":             {"nl": "Uw dagen zijn vastgelegd.", "fr": "Vos jours sont enregistrés.", "de": "Ihre Tage sind gebucht.", "en": "Your days are booked."},
	"dcDayCancelled":      {"nl": "Dag geannuleerd: u krijgt hem terug op uw kaart.", "fr": "Jour annulé : il est rendu à votre carte.", "de": "Tag storniert: er wird Ihrer Karte gutgeschrieben.", "en": "Day cancelled: it is back on your card."},
	"dcErrZone":           {"nl": "Deze zone verkoopt geen dagkaarten.", "fr": "Cette zone ne vend pas de cartes journalières.", "de": "Diese Zone verkauft keine Tageskarten.", "en": "This zone sells no day cards."},
	"dcErrRequest":        {"nl": "Kies 1 tot 100 dagen, elke datum één keer.", "fr": "Choisissez de 1 à 100 jours, chaque date une fois.", "de": "Wählen Sie 1 bis 100 Tage, jedes Datum einmal.", "en": "Choose 1 to 100 days, each date once."},
	"dcErrDate":           {"nl": "Kies een datum vanaf vandaag, tot een jaar vooruit.", "fr": "Choisissez une date à partir d'aujourd'hui, jusqu'à un an.", "de": "Wählen Sie ein Datum ab heute, bis ein Jahr im Voraus.", "en": "Choose a date from today, up to a year ahead."},
	"dcErrFreeDay":        {"nl": "Op die dag is parkeren in de zone gratis.", "fr": "Ce jour-là, le stationnement est gratuit dans la zone.", "de": "An diesem Tag ist Parken in der Zone kostenlos.", "en": "Parking in the zone is free that day."},
	"dcErrSpent":          {"nl": "Die dag is al gekozen.", "fr": "Ce jour est déjà choisi.", "de": "Dieser Tag ist schon gewählt.", "en": "That day is already chosen."},
	"dcErrNoDays":         {"nl": "Er zijn niet genoeg dagen over op de kaart.", "fr": "Il ne reste pas assez de jours sur la carte.", "de": "Auf der Karte sind nicht genug Tage übrig.", "en": "Not enough days left on the card."},
	"dcErrNotPaid":        {"nl": "De kaart is nog niet betaald.", "fr": "La carte n'est pas encore payée.", "de": "Die Karte ist noch nicht bezahlt.", "en": "The card is not paid yet."},
	"dcErrNotCancellable": {"nl": "Alleen een dag na vandaag kan geannuleerd worden.", "fr": "Seul un jour après aujourd'hui peut être annulé.", "de": "Nur ein Tag nach heute kann storniert werden.", "en": "Only a day after today can be cancelled."},
	"dcErrPayment":        {"nl": "De betaling kon niet starten; probeer opnieuw.", "fr": "Le paiement n'a pas pu démarrer ; réessayez.", "de": "Die Zahlung konnte nicht starten; versuchen Sie es erneut.", "en": "The payment could not start; try again."},
	"dcErrNotPayable":     {"nl": "Deze kaart wacht niet op betaling.", "fr": "Cette carte n'attend pas de paiement.", "de": "Diese Karte wartet nicht auf Zahlung.", "en": "This card is not awaiting payment."},
	"historyTitle":        {"nl": "Geschiedenis per maand", "fr": "Historique par mois", "de": "Verlauf nach Monat", "en": "History by month"},
	"cost":                {"nl": "Kost", "fr": "Coût", "de": "Kosten", "en": "Cost"},
	"txCost":              {"nl": "Transactiekost", "fr": "Frais de transaction", "de": "Transaktionskosten", "en": "Transaction cost"},
	"total":               {"nl": "Totaal", "fr": "Total", "de": "Summe", "en": "Total"},
	"noHistory":           {"nl": "Nog geen afgelopen sessies.", "fr": "Pas encore de session terminée.", "de": "Noch keine beendeten Sitzungen.", "en": "No ended session yet."},
	"running":             {"nl": "loopt", "fr": "en cours", "de": "läuft", "en": "running"},
	"free":                {"nl": "gratis", "fr": "gratuit", "de": "kostenlos", "en": "free"},

	"notesTitle":   {"nl": "Sms'en naar uw nummer", "fr": "SMS envoyés à votre numéro", "de": "SMS an Ihre Nummer", "en": "SMS sent to your number"},
	"noNotes":      {"nl": "Nog geen berichten.", "fr": "Pas encore de message.", "de": "Noch keine Nachrichten.", "en": "No message yet."},
	"sentAt":       {"nl": "Tijd", "fr": "Heure", "de": "Zeit", "en": "Time"},
	"from":         {"nl": "Van", "fr": "De", "de": "Von", "en": "From"},
	"text":         {"nl": "Tekst", "fr": "Texte", "de": "Text", "en": "Text"},
	"status":       {"nl": "Status", "fr": "Statut", "de": "Status", "en": "Status"},
	"st_queued":    {"nl": "in wachtrij", "fr": "en attente", "de": "in Warteschlange", "en": "queued"},
	"st_sent":      {"nl": "verstuurd", "fr": "envoyé", "de": "gesendet", "en": "sent"},
	"st_delivered": {"nl": "afgeleverd", "fr": "délivré", "de": "zugestellt", "en": "delivered"},
	"st_failed":    {"nl": "mislukt", "fr": "échoué", "de": "fehlgeschlagen", "en": "failed"},
	"st_dry_run":   {"nl": "niet verstuurd (test)", "fr": "non envoyé (test)", "de": "nicht gesendet (Test)", "en": "not sent (test)"},

	"setTitle":      {"nl": "Instellingen", "fr": "Paramètres", "de": "Einstellungen", "en": "Settings"},
	"confirmations": {"nl": "Bevestigings-sms'en (zoals C1)", "fr": "SMS de confirmation (comme C1)", "de": "Bestätigungs-SMS (wie C1)", "en": "Confirmation SMS (as C1)"},
	"on":            {"nl": "Aan", "fr": "Activés", "de": "Ein", "en": "On"},
	"off":           {"nl": "Uit", "fr": "Désactivés", "de": "Aus", "en": "Off"},
	"replyLang":     {"nl": "Taal van de sms-antwoorden (zoals NL/FR/DE/EN)", "fr": "Langue des réponses SMS (comme NL/FR/DE/EN)", "de": "Sprache der SMS-Antworten (wie NL/FR/DE/EN)", "en": "Language of the SMS replies (as NL/FR/DE/EN)"},
	"zoneLang":      {"nl": "Die van de zone", "fr": "Celle de la zone", "de": "Die der Zone", "en": "The zone's"},
	"pageLang":      {"nl": "Taal van deze pagina", "fr": "Langue de cette page", "de": "Sprache dieser Seite", "en": "Language of this page"},
	"save":          {"nl": "Opslaan", "fr": "Enregistrer", "de": "Speichern", "en": "Save"},
	"saved":         {"nl": "Opgeslagen.", "fr": "Enregistré.", "de": "Gespeichert.", "en": "Saved."},
	"account":       {"nl": "Account", "fr": "Compte", "de": "Konto", "en": "Account"},
	"number":        {"nl": "Nummer", "fr": "Numéro", "de": "Nummer", "en": "Number"},

	"o_started":               {"nl": "Gestart", "fr": "Démarré", "de": "Gestartet", "en": "Started"},
	"o_already_started":       {"nl": "Loopt al", "fr": "Déjà en cours", "de": "Läuft bereits", "en": "Already running"},
	"o_replaced":              {"nl": "Vervangen", "fr": "Remplacé", "de": "Ersetzt", "en": "Replaced"},
	"o_stopped":               {"nl": "Gestopt", "fr": "Arrêté", "de": "Beendet", "en": "Stopped"},
	"o_plate_taken":           {"nl": "Nummerplaat al in gebruik", "fr": "Plaque déjà utilisée", "de": "Kennzeichen bereits belegt", "en": "Plate taken"},
	"o_unknown_zone":          {"nl": "Onbekende zone", "fr": "Zone inconnue", "de": "Unbekannte Zone", "en": "Unknown zone"},
	"o_invalid_plate":         {"nl": "Ongeldige nummerplaat", "fr": "Plaque invalide", "de": "Ungültiges Kennzeichen", "en": "Invalid plate"},
	"o_no_plate":              {"nl": "Geen nummerplaat", "fr": "Pas de plaque", "de": "Kein Kennzeichen", "en": "No plate"},
	"o_no_session":            {"nl": "Geen sessie", "fr": "Pas de session", "de": "Keine Sitzung", "en": "No session"},
	"o_limit_reached":         {"nl": "Limiet bereikt", "fr": "Limite atteinte", "de": "Limit erreicht", "en": "Limit reached"},
	"o_registration_required": {"nl": "Registratie nodig", "fr": "Inscription requise", "de": "Registrierung nötig", "en": "Registration required"},
	"o_permit_holder":         {"nl": "Vergunning geldig", "fr": "Carte de riverain valable", "de": "Genehmigung gültig", "en": "Permit holder"},
	"o_confirmations_on":      {"nl": "Bevestigingen aan", "fr": "Confirmations activées", "de": "Bestätigungen ein", "en": "Confirmations on"},
	"o_confirmations_off":     {"nl": "Bevestigingen uit", "fr": "Confirmations désactivées", "de": "Bestätigungen aus", "en": "Confirmations off"},
	"o_language_set":          {"nl": "Taal ingesteld", "fr": "Langue choisie", "de": "Sprache gewählt", "en": "Language set"},
	"o_too_many_requests":     {"nl": "Te veel verzoeken", "fr": "Trop de demandes", "de": "Zu viele Anfragen", "en": "Too many requests"},
}
