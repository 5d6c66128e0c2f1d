"""Every text the dashboards show, in Danish, English and Dutch: one catalogue.

Keys are dotted (``app.intake``, ``intake.save``); values name each language. Placeholders
in braces (``{n}``) are filled by :func:`t` and must be the same in every language. Coded
values (genders, statuses …) take their labels from :mod:`mentorkit.vocab`, not from here.
A test fails when a key lacks a language, when placeholders differ, or when the apps use a
key that is not here.

Example
-------
>>> t("app.caseload", "da")
'Sagsoversigt'
>>> t("caseload.tab.active", "nl", n=3)
'Actieve koppelingen (3)'
"""

from __future__ import annotations

import string
from typing import Any

__all__ = ["LABELS", "t", "placeholders", "problems", "LANGS"]

LANGS = ("da", "en", "nl")

LABELS: dict[str, dict[str, str]] = {
    # apps
    "app.home": {"da": "Forside", "en": "Home", "nl": "Start"},
    "app.intake": {"da": "Indskrivning", "en": "Intake", "nl": "Intake"},
    "app.match_finder": {"da": "Find en mentor", "en": "Match finder", "nl": "Mentor zoeken"},
    "app.caseload": {"da": "Sagsoversigt", "en": "Caseload", "nl": "Caseload"},
    "app.events": {"da": "Kurser og arrangementer", "en": "Courses and events",
                   "nl": "Cursussen en activiteiten"},
    "app.overview": {"da": "Programoverblik", "en": "Programme overview",
                     "nl": "Programma-overzicht"},
    "shell.signed_in": {"da": "Ændringer registreres som: {actor}",
                        "en": "Changes are recorded as: {actor}",
                        "nl": "Wijzigingen worden vastgelegd als: {actor}"},
    "shell.role": {"da": "Din rolle: {role} (kun læsning)", "en": "Your role: {role} (read only)",
                   "nl": "Uw rol: {role} (alleen lezen)"},
    "person": {"da": "Person", "en": "Person", "nl": "Persoon"},
    # roles (MENTORKIT_ROLE)
    "access.role.coordinator": {"da": "koordinator", "en": "coordinator", "nl": "coördinator"},
    "access.role.researcher": {"da": "forsker", "en": "researcher", "nl": "onderzoeker"},
    "access.role.funder": {"da": "bevillingsgiver", "en": "funder", "nl": "subsidiegever"},
    "access.refused": {"da": "{app} er for koordinatorer; din rolle er {role}.",
                       "en": "{app} is for coordinators; your role is {role}.",
                       "nl": "{app} is voor coördinatoren; uw rol is {role}."},
    "access.why": {
        "da": "Appen viser og ændrer oplysninger om personer, som kun koordinatorer må se.",
        "en": "It shows and changes information about people, which only coordinators may see.",
        "nl": "De app toont en wijzigt gegevens over personen, die alleen coördinatoren mogen "
              "zien."},
    "access.instead": {"da": "Det kan din rolle åbne:", "en": "What your role may open:",
                       "nl": "Dit mag uw rol openen:"},
    # errors
    "error.store": {"da": "Det kunne ikke gemmes: {detail}",
                    "en": "That could not be saved: {detail}",
                    "nl": "Dat kon niet worden opgeslagen: {detail}"},
    "error.conflict": {
        "da": "En anden har ændret dette, siden du åbnede det. Intet er gemt. Åbn det igen "
              "og gentag din ændring.",
        "en": "Someone else changed this since you opened it. Nothing was saved. Open it "
              "again and repeat your change.",
        "nl": "Iemand anders heeft dit gewijzigd sinds u het opende. Er is niets opgeslagen. "
              "Open het opnieuw en herhaal uw wijziging."},
    "error.unexpected": {
        "da": "Noget gik galt, og intet er gemt. Prøv igen; sker det igen, så giv "
              "referencen {ref} til den, der driver systemet.",
        "en": "Something went wrong and nothing was saved. Please try again; if it happens "
              "again, give the reference {ref} to whoever runs the system.",
        "nl": "Er ging iets mis en er is niets opgeslagen. Probeer het opnieuw; gebeurt het "
              "weer, geef dan de referentie {ref} door aan de beheerder."},
    "error.fatal": {
        "da": "Siden kunne ikke åbnes. Intet er ændret. Giv referencen {ref} til den, der "
              "driver systemet.",
        "en": "This page could not open. Nothing was changed. Give the reference {ref} to "
              "whoever runs the system.",
        "nl": "Deze pagina kon niet worden geopend. Er is niets gewijzigd. Geef de referentie "
              "{ref} door aan de beheerder."},
    "error.required": {"da": "Skal udfyldes", "en": "Required", "nl": "Verplicht"},
    # home
    "home.intro": {
        "da": "Vælg, hvad du vil arbejde med. Sprog og program, du vælger øverst, huskes i "
              "alle apps.",
        "en": "Choose what you want to work on. The language and programme you choose at the "
              "top are remembered in every app.",
        "nl": "Kies waar u aan wilt werken. De taal en het programma die u bovenaan kiest, "
              "worden in alle apps onthouden."},
    "home.intro_role": {
        "da": "Din rolle er {role}: du ser programmernes tal, hvor små tal er skjult. Apps til "
              "arbejdet med personer er for koordinatorer.",
        "en": "Your role is {role}: you see the programmes' figures, with small counts hidden. "
              "The apps for working with people are for coordinators.",
        "nl": "Uw rol is {role}: u ziet de cijfers van de programma's, met kleine aantallen "
              "verborgen. De apps voor het werken met personen zijn voor coördinatoren."},
    "home.glance": {"da": "{programme} lige nu", "en": "{programme} at a glance",
                    "nl": "{programme} in één oogopslag"},
    "home.no_programme": {"da": "Der er endnu ingen programmer i databasen.",
                          "en": "There are no programmes in the database yet.",
                          "nl": "Er staan nog geen programma's in de database."},
    "home.apps": {"da": "Apps", "en": "Apps", "nl": "Apps"},
    "home.about.intake": {"da": "Skriv en ny mentor eller mentee ind, eller ret oplysninger.",
                          "en": "Register a new mentor or mentee, or edit someone's details.",
                          "nl": "Schrijf een nieuwe mentor of mentee in, of wijzig gegevens."},
    "home.about.match_finder": {
        "da": "Find den rette mentor til en mentee og se hvorfor; eller match mange på én gang.",
        "en": "Find the right mentor for a mentee and see why; or match many at once.",
        "nl": "Vind de juiste mentor voor een mentee en zie waarom; of koppel velen tegelijk."},
    "home.about.caseload": {
        "da": "Aktive match, opfølgning der skal ske, ventende mentees og forslag.",
        "en": "Active matches, follow-ups due, mentees waiting and open proposals.",
        "nl": "Actieve koppelingen, opvolging die nodig is, wachtende mentees en voorstellen."},
    "home.about.events": {"da": "Planlæg kurser og møder, og registrér hvem der kom.",
                          "en": "Plan courses and meetings, and record who came.",
                          "nl": "Plan cursussen en bijeenkomsten, en registreer wie er kwam."},
    "home.about.overview": {
        "da": "Fremdrift mod bevillingens mål, tragten fra indskrivning til job.",
        "en": "Progress against grant targets, the funnel from intake to job.",
        "nl": "Voortgang ten opzichte van subsidiedoelen, de trechter van intake tot werk."},
    "home.stat.active": {"da": "aktive match", "en": "active matches",
                         "nl": "actieve koppelingen"},
    "home.stat.overdue": {"da": "opfølgninger for sent", "en": "follow-ups overdue",
                          "nl": "opvolgingen te laat"},
    "home.stat.waiting": {"da": "mentees venter", "en": "mentees waiting",
                          "nl": "mentees wachten"},
    "home.stat.long_wait": {"da": "har ventet længe", "en": "waiting long",
                            "nl": "wachten al lang"},
    "home.stat.proposals": {"da": "forslag ikke bekræftet", "en": "proposals not confirmed",
                            "nl": "voorstellen niet bevestigd"},
    "home.stat.checks_expired": {"da": "mentorer i forløb uden gyldig attest",
                                 "en": "mentors in a match without a valid check",
                                 "nl": "mentoren in een koppeling zonder geldige verklaring"},
    "home.you": {"da": "Dig", "en": "You", "nl": "U"},
    "home.coordinator": {"da": "Dit navn", "en": "Your name", "nl": "Uw naam"},
    "home.coordinator_hint": {"da": "(gemmes ved hver ændring du laver)",
                              "en": "(recorded with every change you make)",
                              "nl": "(vastgelegd bij elke wijziging die u maakt)"},
    "home.save_name": {"da": "Gem navn", "en": "Save name", "nl": "Naam opslaan"},
    "home.name_saved": {"da": "Dine ændringer registreres nu som {actor}.",
                        "en": "Your changes are now recorded as {actor}.",
                        "nl": "Uw wijzigingen worden nu vastgelegd als {actor}."},
    # forms and rules
    "form.date_hint": {"da": "dd-mm-åååå", "en": "dd-mm-yyyy", "nl": "dd-mm-jjjj"},
    "form.date_format": {"da": "(f.eks. 23-11-2026)", "en": "(e.g. 23-11-2026)",
                         "nl": "(bijv. 23-11-2026)"},
    "form.bad_date": {"da": "Ikke en gyldig dato. Skriv den som 23-11-2026.",
                      "en": "Not a valid date. Write it like 23-11-2026.",
                      "nl": "Geen geldige datum. Schrijf hem als 23-11-2026."},
    "form.bad_year": {"da": "Skriv et årstal med fire cifre, f.eks. 1985.",
                      "en": "Write a year with four digits, e.g. 1985.",
                      "nl": "Schrijf een jaartal met vier cijfers, bijv. 1985."},
    "form.bad_number": {"da": "Skriv et tal.", "en": "Write a number.", "nl": "Schrijf een getal."},
    "form.future": {"da": "Datoen ligger i fremtiden.", "en": "This date is in the future.",
                    "nl": "Deze datum ligt in de toekomst."},
    "rule.allowed": {"da": "Vælg en af mulighederne.", "en": "Choose one of the options.",
                     "nl": "Kies een van de mogelijkheden."},
    "rule.national_id": {
        "da": "Ligner et CPR-nummer. CPR-numre må aldrig gemmes; fjern det.",
        "en": "Looks like a CPR/BSN number. National id numbers may never be stored; remove it.",
        "nl": "Lijkt op een BSN. Een BSN mag nooit worden opgeslagen; haal het weg."},
    "rule.mojibake": {"da": "Teksten har forkerte tegn (som 'Ã¸'); skriv den igen.",
                      "en": "The text has garbled characters (like 'Ã¸'); type it again.",
                      "nl": "De tekst bevat verminkte tekens (zoals 'Ã«'); typ hem opnieuw."},
    "rule.control": {"da": "Fjern usynlige kontroltegn.",
                     "en": "Remove invisible control characters.",
                     "nl": "Verwijder onzichtbare stuurtekens."},
    "rule.too_long": {"da": "Højst {n} tegn.", "en": "At most {n} characters.",
                      "nl": "Hoogstens {n} tekens."},
    "rule.email": {"da": "En e-mailadresse som navn@eksempel.dk.",
                   "en": "An e-mail address like name@example.org.",
                   "nl": "Een e-mailadres zoals naam@voorbeeld.nl."},
    "rule.phone": {"da": "Kun cifre, mellemrum, +, - og ().",
                   "en": "Digits, spaces, +, - and () only.",
                   "nl": "Alleen cijfers, spaties, +, - en ()."},
    "rule.range": {"da": "Skal være mellem {low} og {high}",
                   "en": "Must be between {low} and {high}",
                   "nl": "Moet tussen {low} en {high} liggen"},
    "rule.before_birth": {"da": "Ankomståret kan ikke ligge før fødselsåret.",
                          "en": "The arrival year cannot be before the birth year.",
                          "nl": "Het aankomstjaar kan niet vóór het geboortejaar liggen."},
    "rule.before_start": {"da": "Kan ikke ligge før starten.", "en": "Cannot be before the start.",
                          "nl": "Kan niet vóór het begin liggen."},
    "rule.same_person": {"da": "Mentor og mentee skal være to forskellige personer.",
                         "en": "Mentor and mentee must be two different people.",
                         "nl": "Mentor en mentee moeten twee verschillende personen zijn."},
    "rule.other": {"da": "Ugyldig værdi.", "en": "Not a valid value.", "nl": "Ongeldige waarde."},
    # person fields
    "field.role": {"da": "Rolle", "en": "Role", "nl": "Rol"},
    "field.first_name": {"da": "Fornavn", "en": "First name", "nl": "Voornaam"},
    "field.last_name": {"da": "Efternavn", "en": "Last name", "nl": "Achternaam"},
    "field.gender": {"da": "Køn", "en": "Gender", "nl": "Geslacht"},
    "field.birth_year": {"da": "Fødselsår", "en": "Birth year", "nl": "Geboortejaar"},
    "field.country_of_origin": {"da": "Oprindelsesland", "en": "Country of origin",
                                "nl": "Land van herkomst"},
    "field.arrival_year": {"da": "Ankomstår", "en": "Year of arrival", "nl": "Jaar van aankomst"},
    "field.email": {"da": "E-mail", "en": "E-mail", "nl": "E-mail"},
    "field.phone": {"da": "Telefon", "en": "Phone", "nl": "Telefoon"},
    "field.address": {"da": "Adresse", "en": "Address", "nl": "Adres"},
    "field.postcode": {"da": "Postnummer", "en": "Postcode", "nl": "Postcode"},
    "field.neighbourhood": {"da": "Boligområde", "en": "Neighbourhood", "nl": "Wijk"},
    "field.languages": {"da": "Andre sprog", "en": "Other languages", "nl": "Andere talen"},
    "field.language_level": {"da": "Sprogniveau", "en": "Language level", "nl": "Taalniveau"},
    "field.language_level_in": {"da": "Sprogniveau ({language})",
                                "en": "Language level ({language})",
                                "nl": "Taalniveau ({language})"},
    "field.education": {"da": "Uddannelse", "en": "Education", "nl": "Opleiding"},
    "field.sector": {"da": "Branche", "en": "Sector", "nl": "Sector"},
    "field.profession": {"da": "Fag eller studie", "en": "Profession or studies",
                         "nl": "Beroep of studie"},
    "field.employment_status": {"da": "Beskæftigelse", "en": "Employment",
                                "nl": "Werksituatie"},
    "field.goals": {"da": "Mål med forløbet (mentor: kan hjælpe med)",
                    "en": "Goals (mentors: can help with)",
                    "nl": "Doelen (mentor: kan helpen met)"},
    "field.availability": {"da": "Kan mødes", "en": "Can meet", "nl": "Beschikbaar"},
    "field.preferred_mentor_gender": {"da": "Ønsket mentor", "en": "Mentor wished for",
                                      "nl": "Gewenste mentor"},
    "field.capacity": {"da": "Antal mentees ad gangen", "en": "Mentees at a time",
                       "nl": "Aantal mentees tegelijk"},
    "field.referred_by": {"da": "Henvist af", "en": "Referred by", "nl": "Doorverwezen door"},
    "field.registered_on": {"da": "Indskrevet den", "en": "Registered on",
                            "nl": "Ingeschreven op"},
    "field.background_check_date": {"da": "Dato for attest", "en": "Date of background check",
                                    "nl": "Datum verklaring"},
    "field.consent_given": {"da": "Samtykke givet", "en": "Consent given",
                            "nl": "Toestemming gegeven"},
    "field.consent_date": {"da": "Dato for samtykke", "en": "Date of consent",
                           "nl": "Datum toestemming"},
    "field.consent_scope": {"da": "Samtykket dækker", "en": "Consent covers",
                            "nl": "Toestemming geldt voor"},
    "field.notes": {"da": "Noter", "en": "Notes", "nl": "Notities"},
    # intake
    "intake.search_hint": {"da": "Søg navn, #nr, e-mail, telefon",
                           "en": "Search name, #id, e-mail, phone",
                           "nl": "Zoek naam, #nr, e-mail, telefoon"},
    "intake.open": {"da": "Åbn", "en": "Open", "nl": "Openen"},
    "intake.new": {"da": "Ny person", "en": "New person", "nl": "Nieuwe persoon"},
    "intake.new_person": {"da": "Ny person", "en": "New person", "nl": "Nieuwe persoon"},
    "intake.editing": {"da": "Retter: {who}", "en": "Editing: {who}", "nl": "Bewerken: {who}"},
    "intake.section.person": {"da": "Person", "en": "Person", "nl": "Persoon"},
    "intake.section.contact": {"da": "Kontakt", "en": "Contact", "nl": "Contact"},
    "intake.section.background": {"da": "Sprog, uddannelse og arbejde",
                                  "en": "Languages, education and work",
                                  "nl": "Talen, opleiding en werk"},
    "intake.section.mentorship": {"da": "Mentorforløb", "en": "Mentorship",
                                  "nl": "Mentortraject"},
    "intake.section.check": {"da": "Attest", "en": "Background check", "nl": "Verklaring"},
    "intake.section.consent": {"da": "Samtykke", "en": "Consent", "nl": "Toestemming"},
    "intake.section.notes": {"da": "Noter", "en": "Notes", "nl": "Notities"},
    "intake.check_date": {"da": "Dato for {check}", "en": "Date of {check}",
                          "nl": "Datum {check}"},
    "intake.renew": {"da": "{check} der skal fornyes: {n} mentorer i forløb",
                     "en": "{check} to renew: {n} mentors in a match",
                     "nl": "{check} te vernieuwen: {n} mentoren in een koppeling"},
    "intake.valid_until": {"da": "Gyldig til", "en": "Valid until", "nl": "Geldig tot"},
    "intake.save": {"da": "Gem", "en": "Save", "nl": "Opslaan"},
    "intake.consent_required": {
        "da": "Registrér samtykket, før personen skrives ind.",
        "en": "Record the consent before registering the person.",
        "nl": "Leg de toestemming vast voordat u de persoon inschrijft."},
    "intake.casework_required": {
        "da": "Samtykket skal omfatte sagsbehandling; uden det kan personen ikke skrives ind.",
        "en": "The consent must cover casework; without it the person cannot be registered.",
        "nl": "De toestemming moet begeleiding omvatten; zonder kan de persoon niet worden "
              "ingeschreven."},
    "intake.withdraw.title": {"da": "Træk samtykket tilbage og slet",
                              "en": "Withdraw consent and erase",
                              "nl": "Toestemming intrekken en wissen"},
    "intake.withdraw.explain": {
        "da": "Samtykket til sagsbehandling trækkes tilbage for {who}. Det sletter personens "
              "oplysninger for altid: navn, kontaktoplysninger, baggrund og noter. Tal i "
              "rapporterne bliver, og loggen viser, at der er slettet (uden oplysningerne). "
              "Andre ændringer i formularen gemmes ikke.",
        "en": "Consent to casework is withdrawn for {who}. This erases their personal data "
              "for good: name, contact details, background and notes. Counts in reports stay, "
              "and the audit log keeps the fact of the erasure (without the data). Other "
              "changes in the form are not saved.",
        "nl": "De toestemming voor begeleiding wordt ingetrokken voor {who}. Dat wist de "
              "persoonsgegevens voorgoed: naam, contactgegevens, achtergrond en notities. "
              "Aantallen in rapporten blijven, en het logboek bewaart dat er gewist is (zonder "
              "de gegevens). Andere wijzigingen in het formulier worden niet opgeslagen."},
    "intake.withdraw.confirm": {"da": "Træk tilbage og slet", "en": "Withdraw and erase",
                                "nl": "Intrekken en wissen"},
    "intake.withdraw.cancel": {"da": "Behold samtykket", "en": "Keep the consent",
                               "nl": "Toestemming behouden"},
    "intake.withdraw.pending": {
        "da": "Intet er gemt endnu: bekræft tilbagetrækningen af samtykket nedenfor, eller "
              "behold det.",
        "en": "Nothing saved yet: confirm the withdrawal of consent below, or keep the consent.",
        "nl": "Nog niets opgeslagen: bevestig hieronder het intrekken van de toestemming, of "
              "behoud haar."},
    "intake.withdraw.done": {
        "da": "Samtykket er trukket tilbage, og oplysningerne om {who} er slettet.",
        "en": "Consent withdrawn: the personal data of {who} are erased.",
        "nl": "Toestemming ingetrokken: de persoonsgegevens van {who} zijn gewist."},
    "intake.withdraw.kept": {"da": "Samtykket er beholdt; intet er ændret.",
                             "en": "The consent is kept; nothing was changed.",
                             "nl": "De toestemming blijft; er is niets gewijzigd."},
    "intake.fix_fields": {"da": "Intet er gemt: ret de {n} felter markeret med rødt.",
                          "en": "Nothing was saved: correct the {n} field(s) marked in red.",
                          "nl": "Er is niets opgeslagen: verbeter de {n} rood gemarkeerde velden."},
    "intake.dupes_found": {
        "da": "Intet er gemt endnu: {n} person(er) ligner. Se nedenfor.",
        "en": "Nothing saved yet: {n} person(s) look alike. See below.",
        "nl": "Nog niets opgeslagen: {n} persoon/personen lijken erop. Zie hieronder."},
    "intake.saved_new": {"da": "Gemt: {who}.", "en": "Saved: {who}.", "nl": "Opgeslagen: {who}."},
    "intake.saved_edit": {"da": "Gemt: {n} ændring(er) for {who}.",
                          "en": "Saved: {n} change(s) for {who}.",
                          "nl": "Opgeslagen: {n} wijziging(en) voor {who}."},
    "intake.no_changes": {"da": "Der var ingen ændringer at gemme.",
                          "en": "There were no changes to save.",
                          "nl": "Er waren geen wijzigingen om op te slaan."},
    "check.missing": {"da": "Ingen attest registreret", "en": "No check on record",
                      "nl": "Geen verklaring geregistreerd"},
    "check.expired": {"da": "Udløbet {date}", "en": "Expired on {date}",
                      "nl": "Verlopen op {date}"},
    "check.expiring": {"da": "Udløber snart: {date}", "en": "Runs out soon: {date}",
                       "nl": "Verloopt binnenkort: {date}"},
    "check.valid": {"da": "Gyldig til {date}", "en": "Valid until {date}",
                    "nl": "Geldig tot {date}"},
    # duplicates
    "dupe.title": {"da": "Er det en af disse?", "en": "Is it one of these people?",
                   "nl": "Is het een van deze personen?"},
    "dupe.who": {"da": "Person", "en": "Person", "nl": "Persoon"},
    "dupe.level": {"da": "Lighed", "en": "Match", "nl": "Overeenkomst"},
    "dupe.why": {"da": "Hvorfor", "en": "Why", "nl": "Waarom"},
    "dupe.likely": {"da": "sandsynlig", "en": "likely", "nl": "waarschijnlijk"},
    "dupe.possible": {"da": "mulig", "en": "possible", "nl": "mogelijk"},
    "dupe.reason.email": {"da": "samme e-mail", "en": "same e-mail", "nl": "zelfde e-mail"},
    "dupe.reason.phone": {"da": "samme telefon", "en": "same phone", "nl": "zelfde telefoon"},
    "dupe.reason.name": {"da": "samme navn", "en": "same name", "nl": "zelfde naam"},
    "dupe.reason.similar_name": {"da": "lignende navn", "en": "similar name",
                                 "nl": "gelijkende naam"},
    "dupe.reason.birth_year": {"da": "samme fødselsår", "en": "same birth year",
                               "nl": "zelfde geboortejaar"},
    "dupe.reason.other_year": {"da": "andet fødselsår", "en": "different birth year",
                               "nl": "ander geboortejaar"},
    "dupe.open_existing": {"da": "Åbn denne", "en": "Open this one", "nl": "Deze openen"},
    "dupe.save_anyway": {"da": "Gem som ny person alligevel", "en": "Save as a new person anyway",
                         "nl": "Toch opslaan als nieuwe persoon"},
    # caseload
    "caseload.summary": {
        "da": "Aktive match: {active} (opfølgning for sent: {overdue}) · Mentees der venter: "
              "{waiting} · Forslag ikke bekræftet: {proposals}",
        "en": "Active matches: {active} (follow-up overdue: {overdue}) · Mentees waiting: "
              "{waiting} · Proposals not confirmed: {proposals}",
        "nl": "Actieve koppelingen: {active} (opvolging te laat: {overdue}) · Wachtende "
              "mentees: {waiting} · Voorstellen niet bevestigd: {proposals}"},
    "caseload.plan": {
        "da": "Opfølgningsplan: {first} kontakter den første måned, derefter hver {every}. dag.",
        "en": "Follow-up plan: {first} contacts in the first month, then every {every} days.",
        "nl": "Opvolgplan: {first} contacten in de eerste maand, daarna elke {every} dagen."},
    "caseload.tab.active": {"da": "Aktive match ({n})", "en": "Active matches ({n})",
                            "nl": "Actieve koppelingen ({n})"},
    "caseload.tab.waiting": {"da": "Venter på match ({n})", "en": "Waiting for a match ({n})",
                             "nl": "Wachten op koppeling ({n})"},
    "caseload.tab.proposals": {"da": "Forslag ({n})", "en": "Proposals ({n})",
                               "nl": "Voorstellen ({n})"},
    "caseload.state.overdue": {"da": "{days} dage for sent", "en": "{days} days overdue",
                               "nl": "{days} dagen te laat"},
    "caseload.state.due_soon": {"da": "snart", "en": "due soon", "nl": "binnenkort"},
    "caseload.state.ok": {"da": "i orden", "en": "on track", "nl": "op schema"},
    "caseload.col.mentee": {"da": "Mentee", "en": "Mentee", "nl": "Mentee"},
    "caseload.col.mentor": {"da": "Mentor", "en": "Mentor", "nl": "Mentor"},
    "caseload.col.started": {"da": "Startede", "en": "Started", "nl": "Gestart"},
    "caseload.col.last_contact": {"da": "Seneste kontakt", "en": "Last contact",
                                  "nl": "Laatste contact"},
    "caseload.col.calls": {"da": "Opfølgninger", "en": "Follow-ups", "nl": "Opvolgingen"},
    "caseload.col.next_due": {"da": "Næste opfølgning", "en": "Next follow-up",
                              "nl": "Volgende opvolging"},
    "caseload.col.state": {"da": "Status", "en": "Status", "nl": "Status"},
    "caseload.col.registered": {"da": "Indskrevet", "en": "Registered", "nl": "Ingeschreven"},
    "caseload.col.waiting_since": {"da": "Venter siden", "en": "Waiting since",
                                   "nl": "Wacht sinds"},
    "caseload.col.days": {"da": "Dage", "en": "Days", "nl": "Dagen"},
    "caseload.col.proposed": {"da": "Foreslået", "en": "Proposed", "nl": "Voorgesteld"},
    "caseload.col.action": {"da": "Næste skridt", "en": "Next step", "nl": "Volgende stap"},
    "caseload.none_active": {"da": "Ingen aktive match i programmet.",
                             "en": "No active matches in this programme.",
                             "nl": "Geen actieve koppelingen in dit programma."},
    "caseload.none_waiting": {"da": "Ingen mentees venter på et match.",
                              "en": "No mentees are waiting for a match.",
                              "nl": "Er wachten geen mentees op een koppeling."},
    "caseload.none_proposals": {"da": "Ingen forslag venter på bekræftelse.",
                                "en": "No proposals are waiting to be confirmed.",
                                "nl": "Er wachten geen voorstellen op bevestiging."},
    "caseload.choose": {"da": "Match:", "en": "Match:", "nl": "Koppeling:"},
    "caseload.log": {"da": "Registrér opfølgning", "en": "Log a follow-up",
                     "nl": "Opvolging vastleggen"},
    "caseload.end": {"da": "Afslut forløbet", "en": "End the match", "nl": "Koppeling beëindigen"},
    "caseload.save_log": {"da": "Gem opfølgning", "en": "Save follow-up",
                          "nl": "Opvolging opslaan"},
    "caseload.save_end": {"da": "Afslut forløbet", "en": "End the match",
                          "nl": "Koppeling beëindigen"},
    "caseload.logged": {"da": "Opfølgning gemt for {match}.", "en": "Follow-up saved for {match}.",
                        "nl": "Opvolging opgeslagen voor {match}."},
    "caseload.ended": {"da": "Forløbet {match} er afsluttet.", "en": "The match {match} has ended.",
                       "nl": "De koppeling {match} is beëindigd."},
    "caseload.rematch_link": {"da": "Find en ny mentor til mentee →",
                              "en": "Find a new mentor for the mentee →",
                              "nl": "Zoek een nieuwe mentor voor de mentee →"},
    "caseload.long_wait": {"da": "længe", "en": "long wait", "nl": "lang"},
    "caseload.find_mentor": {"da": "Find en mentor →", "en": "Find a mentor →",
                             "nl": "Zoek een mentor →"},
    "caseload.stale": {"da": "ikke bekræftet", "en": "not confirmed", "nl": "niet bevestigd"},
    "caseload.start_on": {"da": "Første møde", "en": "First meeting", "nl": "Eerste afspraak"},
    "caseload.confirm": {"da": "Bekræft match", "en": "Confirm match",
                         "nl": "Koppeling bevestigen"},
    "caseload.decline": {"da": "Afvis forslag", "en": "Decline proposal",
                         "nl": "Voorstel afwijzen"},
    "caseload.confirmed": {"da": "Bekræftet: {match}.", "en": "Confirmed: {match}.",
                           "nl": "Bevestigd: {match}."},
    "caseload.declined": {"da": "Afvist: {match}.", "en": "Declined: {match}.",
                          "nl": "Afgewezen: {match}."},
    "followup.date": {"da": "Dato", "en": "Date", "nl": "Datum"},
    "followup.kind": {"da": "Slags kontakt", "en": "Kind of contact", "nl": "Soort contact"},
    "followup.next_due": {"da": "Næste opfølgning senest", "en": "Next follow-up due",
                          "nl": "Volgende opvolging uiterlijk"},
    "followup.notes": {"da": "Hvad blev sagt eller gjort", "en": "What was said or done",
                       "nl": "Wat er is besproken of gedaan"},
    "end.ended_on": {"da": "Slutdato", "en": "End date", "nl": "Einddatum"},
    "end.end_reason": {"da": "Årsag", "en": "Reason", "nl": "Reden"},
    "end.outcome": {"da": "Mentees situation ved afslutning", "en": "Mentee's situation at the end",
                    "nl": "Situatie van de mentee bij het einde"},
    "end.employment_status": {"da": "Beskæftigelse", "en": "Employment", "nl": "Werksituatie"},
    "end.hours_per_week": {"da": "Timer om ugen", "en": "Hours a week", "nl": "Uren per week"},
    "end.language_level": {"da": "Sprogniveau", "en": "Language level", "nl": "Taalniveau"},
    "end.network_size": {"da": "Personer at spørge til råds", "en": "People to ask for advice",
                         "nl": "Mensen om advies te vragen"},
    "end.confidence": {"da": "Tro på at finde job (1-5)", "en": "Confidence of finding work (1-5)",
                       "nl": "Vertrouwen werk te vinden (1-5)"},
    "end.mentee_feedback": {"da": "Mentees tilbagemelding", "en": "Mentee's feedback",
                            "nl": "Terugkoppeling mentee"},
    "end.mentor_feedback": {"da": "Mentors tilbagemelding", "en": "Mentor's feedback",
                            "nl": "Terugkoppeling mentor"},
    "end.rematch": {"da": "Mentee ønsker en ny mentor", "en": "The mentee wants a new mentor",
                    "nl": "De mentee wil een nieuwe mentor"},
    # events
    "events.plan": {"da": "Planlæg et kursus eller arrangement", "en": "Plan a course or event",
                    "nl": "Plan een cursus of activiteit"},
    "events.save": {"da": "Gem arrangement", "en": "Save event", "nl": "Activiteit opslaan"},
    "events.saved": {"da": "Gemt: {title} den {date}.", "en": "Saved: {title} on {date}.",
                     "nl": "Opgeslagen: {title} op {date}."},
    "events.list": {"da": "Arrangementer ({n})", "en": "Events ({n})", "nl": "Activiteiten ({n})"},
    "events.more": {"da": "… og {n} ældre.", "en": "… and {n} older ones.",
                    "nl": "… en {n} oudere."},
    "events.none": {"da": "Ingen arrangementer endnu.", "en": "No events yet.",
                    "nl": "Nog geen activiteiten."},
    "events.who_came": {"da": "Hvem kom", "en": "Who came", "nl": "Wie er kwam"},
    "events.came": {"da": "Deltog", "en": "Came", "nl": "Aanwezig"},
    "events.n_came": {"da": "{n} deltagere", "en": "{n} attendees", "nl": "{n} aanwezigen"},
    "events.add_person": {"da": "Tilføj deltager", "en": "Add someone who came",
                          "nl": "Aanwezige toevoegen"},
    "events.add": {"da": "Tilføj", "en": "Add", "nl": "Toevoegen"},
    "events.remove": {"da": "Fjern valgte", "en": "Remove selected",
                      "nl": "Geselecteerde verwijderen"},
    "events.added": {"da": "{who} er registreret som deltager.",
                     "en": "{who} recorded as attending.",
                     "nl": "{who} geregistreerd als aanwezig."},
    "events.removed": {"da": "{who} er fjernet fra deltagerlisten.",
                       "en": "{who} taken off the attendance list.",
                       "nl": "{who} van de aanwezigheidslijst gehaald."},
    "events.per_person": {"da": "Deltagelse pr. person ({n})", "en": "Attendance per person ({n})",
                          "nl": "Aanwezigheid per persoon ({n})"},
    "events.total": {"da": "I alt", "en": "Total", "nl": "Totaal"},
    "event.kind": {"da": "Slags", "en": "Kind", "nl": "Soort"},
    "event.title": {"da": "Titel", "en": "Title", "nl": "Titel"},
    "event.date": {"da": "Dato", "en": "Date", "nl": "Datum"},
    "event.location": {"da": "Sted", "en": "Place", "nl": "Plaats"},
    "event.attendees": {"da": "Deltagere", "en": "Attendees", "nl": "Aanwezigen"},
    # overview
    "overview.whole": {"da": "Hele programmet", "en": "Whole programme",
                       "nl": "Het hele programma"},
    "overview.year": {"da": "Året {year}", "en": "The year {year}", "nl": "Het jaar {year}"},
    "overview.custom": {"da": "Egne datoer", "en": "Dates of my own", "nl": "Eigen data"},
    "overview.from": {"da": "Fra", "en": "From", "nl": "Van"},
    "overview.to": {"da": "Til", "en": "To", "nl": "Tot"},
    "overview.show": {"da": "Vis", "en": "Show", "nl": "Toon"},
    "overview.suppressed": {
        "da": "Tal under {k}, og tal som et lille tal kunne regnes ud fra via en total, vises "
              "som x, som i rapporterne.",
        "en": "Counts under {k}, and counts from which such a count could be worked out "
              "through a total, are shown as x, as in reports.",
        "nl": "Aantallen onder {k}, en aantallen waarmee zo'n aantal via een totaal te "
              "berekenen is, worden als x getoond, zoals in rapporten."},
    "overview.targets": {"da": "Bevillingens mål", "en": "Grant targets",
                         "nl": "Doelen van de subsidie"},
    "overview.no_targets": {"da": "Ingen mål for denne periode.",
                            "en": "No targets for this period.",
                            "nl": "Geen doelen voor deze periode."},
    "overview.col.grant": {"da": "Bevilling", "en": "Grant", "nl": "Subsidie"},
    "overview.col.target": {"da": "Mål", "en": "Target", "nl": "Doel"},
    "overview.col.period": {"da": "Talt i perioden", "en": "Counted in", "nl": "Geteld in"},
    "overview.col.promised": {"da": "Lovet", "en": "Promised", "nl": "Beloofd"},
    "overview.col.actual": {"da": "Nået", "en": "Reached", "nl": "Bereikt"},
    "overview.col.share": {"da": "Andel", "en": "Share", "nl": "Aandeel"},
    "overview.figures": {"da": "Fra indskrivning til job", "en": "From intake to work",
                         "nl": "Van intake tot werk"},
    "overview.funnel": {"da": "Mentees indskrevet i perioden",
                        "en": "Mentees registered in the period",
                        "nl": "Mentees ingeschreven in de periode"},
    "overview.stage.registered": {"da": "Indskrevet", "en": "Registered", "nl": "Ingeschreven"},
    "overview.stage.matched": {"da": "Fik en mentor", "en": "Matched", "nl": "Gekoppeld"},
    "overview.stage.completed": {"da": "Gennemførte", "en": "Completed", "nl": "Afgerond"},
    "overview.stage.employed": {"da": "I job bagefter", "en": "In work afterwards",
                                "nl": "Daarna aan het werk"},
    "overview.referrals": {"da": "Henvist af (flest først)", "en": "Referred by (most first)",
                           "nl": "Doorverwezen door (meeste eerst)"},
    "overview.per.MS": {"da": "Match startet pr. måned", "en": "Matches started per month",
                        "nl": "Gestarte koppelingen per maand"},
    "overview.per.QS": {"da": "Match startet pr. kvartal", "en": "Matches started per quarter",
                        "nl": "Gestarte koppelingen per kwartaal"},
    "overview.per.YS": {"da": "Match startet pr. år", "en": "Matches started per year",
                        "nl": "Gestarte koppelingen per jaar"},
    "overview.drawing": {"da": "Tegner diagrammerne …", "en": "Drawing the charts …",
                         "nl": "De grafieken worden getekend …"},
    "overview.hidden": {"da": "skjult (x)", "en": "hidden (x)", "nl": "verborgen (x)"},
    # match finder
    "finder.mode.one": {"da": "Én mentee", "en": "One mentee", "nl": "Eén mentee"},
    "finder.mode.batch": {"da": "Hele ventelisten", "en": "The whole waiting list",
                          "nl": "De hele wachtlijst"},
    "finder.weights": {"da": "Hvad tæller", "en": "What counts", "nl": "Wat telt"},
    "finder.weights_hint": {"da": "Flyt en skyder, og rækkefølgen følger med.",
                            "en": "Move a slider and the ranking follows.",
                            "nl": "Verschuif een schuifje en de volgorde volgt."},
    "finder.reset": {"da": "Standardvægte", "en": "Default weights", "nl": "Standaardgewichten"},
    "finder.all_zero": {"da": "Mindst én vægt skal være over nul.",
                        "en": "At least one weight must be above zero.",
                        "nl": "Minstens één gewicht moet boven nul liggen."},
    "finder.mentee": {"da": "Mentee", "en": "Mentee", "nl": "Mentee"},
    "finder.waiting_days": {"da": "venter {n} dage", "en": "waiting {n} days",
                            "nl": "wacht {n} dagen"},
    "finder.no_mentee": {"da": "Vælg en mentee.", "en": "Choose a mentee.",
                         "nl": "Kies een mentee."},
    "finder.none_free": {"da": "Ingen mentor er ledig for denne mentee (regler eller pladser).",
                         "en": "No mentor is free for this mentee (rules or places).",
                         "nl": "Geen mentor is vrij voor deze mentee (regels of plekken)."},
    "finder.suggestions": {"da": "De {k} bedste mentorer", "en": "The {k} best mentors",
                           "nl": "De {k} beste mentoren"},
    "finder.col.rank": {"da": "Nr.", "en": "No.", "nl": "Nr."},
    "finder.col.mentor": {"da": "Mentor", "en": "Mentor", "nl": "Mentor"},
    "finder.col.mentee": {"da": "Mentee", "en": "Mentee", "nl": "Mentee"},
    "finder.col.score": {"da": "Score", "en": "Score", "nl": "Score"},
    "finder.col.why": {"da": "Hvorfor (point)", "en": "Why (points)", "nl": "Waarom (punten)"},
    "finder.profile": {"da": "Vis profil", "en": "Show profile", "nl": "Profiel tonen"},
    "finder.propose": {"da": "Foreslå match", "en": "Propose match", "nl": "Koppeling voorstellen"},
    "finder.confirm": {"da": "Bekræft match", "en": "Confirm match", "nl": "Koppeling bevestigen"},
    "finder.choose_first": {"da": "Vælg først en mentee og en mentor.",
                            "en": "Choose a mentee and a mentor first.",
                            "nl": "Kies eerst een mentee en een mentor."},
    "finder.written_proposed": {"da": "Foreslået: {match}.", "en": "Proposed: {match}.",
                                "nl": "Voorgesteld: {match}."},
    "finder.written_active": {"da": "Match bekræftet: {match}.", "en": "Match confirmed: {match}.",
                              "nl": "Koppeling bevestigd: {match}."},
    "finder.load": {"da": "{n} af {cap} pladser brugt", "en": "{n} of {cap} places taken",
                    "nl": "{n} van {cap} plekken bezet"},
    "profile.gender": {"da": "Køn", "en": "Gender", "nl": "Geslacht"},
    "profile.age": {"da": "Alder", "en": "Age", "nl": "Leeftijd"},
    "profile.languages": {"da": "Sprog", "en": "Languages", "nl": "Talen"},
    "profile.language_level": {"da": "Sprogniveau", "en": "Language level", "nl": "Taalniveau"},
    "profile.education": {"da": "Uddannelse", "en": "Education", "nl": "Opleiding"},
    "profile.sector": {"da": "Branche", "en": "Sector", "nl": "Sector"},
    "profile.profession": {"da": "Fag", "en": "Profession", "nl": "Beroep"},
    "profile.goals_mentee": {"da": "Mål", "en": "Goals", "nl": "Doelen"},
    "profile.goals_mentor": {"da": "Kan hjælpe med", "en": "Can help with", "nl": "Kan helpen met"},
    "profile.availability": {"da": "Kan mødes", "en": "Can meet", "nl": "Beschikbaar"},
    "profile.neighbourhood": {"da": "Boligområde", "en": "Neighbourhood", "nl": "Wijk"},
    "profile.wish": {"da": "Ønsket mentor", "en": "Mentor wished for", "nl": "Gewenste mentor"},
    "profile.load": {"da": "Pladser", "en": "Places", "nl": "Plekken"},
    "profile.check": {"da": "Attest", "en": "Background check", "nl": "Verklaring"},
    "profile.waiting": {"da": "Venter", "en": "Waiting", "nl": "Wacht"},
    # batch
    "batch.hint": {
        "da": "Et forslag til alle {n} mentees, der venter; ret det, og gem det.",
        "en": "A proposal for all {n} mentees waiting; edit it, then save it.",
        "nl": "Een voorstel voor alle {n} wachtende mentees; pas het aan en sla het op."},
    "batch.method": {"da": "Metode", "en": "Method", "nl": "Methode"},
    "batch.method.optimal": {"da": "Optimal (bedste samlede score)",
                             "en": "Optimal (best total score)",
                             "nl": "Optimaal (beste totaalscore)"},
    "batch.method.stable": {"da": "Stabil (ingen par vil bytte)",
                            "en": "Stable (no pair would swap)",
                            "nl": "Stabiel (geen koppel wil ruilen)"},
    "batch.method.greedy": {"da": "Efter ventetid (som i hånden)",
                            "en": "By waiting time (as by hand)",
                            "nl": "Op wachttijd (zoals met de hand)"},
    "batch.objective.score": {"da": "Højeste samlede score", "en": "Highest total score",
                              "nl": "Hoogste totaalscore"},
    "batch.objective.coverage": {"da": "Ingen ladt tilbage", "en": "Nobody left out",
                                 "nl": "Niemand buiten de boot"},
    "batch.women": {"da": "Mindst antal kvinder", "en": "At least (women)",
                    "nl": "Minstens (vrouwen)"},
    "batch.men": {"da": "Mindst antal mænd", "en": "At least (men)", "nl": "Minstens (mannen)"},
    "batch.make": {"da": "Lav forslag", "en": "Make a proposal", "nl": "Voorstel maken"},
    "batch.nothing": {"da": "Ingen mentees venter, eller ingen mentorer er ledige.",
                      "en": "No mentees are waiting, or no mentors are free.",
                      "nl": "Er wachten geen mentees, of er zijn geen mentoren vrij."},
    "batch.summary": {"da": "{n} af {of} mentees får en mentor; samlet score {total}.",
                      "en": "{n} of {of} mentees get a mentor; total score {total}.",
                      "nl": "{n} van {of} mentees krijgen een mentor; totaalscore {total}."},
    "batch.over": {"da": "For mange mentees til mentor {ids}: fjern nogle.",
                   "en": "Too many mentees for mentor {ids}: take some off.",
                   "nl": "Te veel mentees voor mentor {ids}: haal er een paar af."},
    "batch.outdated": {"da": "Vægtene er ændret: lav forslaget igen.",
                       "en": "The weights changed: make the proposal again.",
                       "nl": "De gewichten zijn veranderd: maak het voorstel opnieuw."},
    "batch.none_kept": {"da": "Ingen par er valgt.", "en": "No pairs are kept.",
                        "nl": "Er zijn geen koppels gekozen."},
    "batch.save": {"da": "Gem forslaget", "en": "Save the proposal", "nl": "Voorstel opslaan"},
    "batch.saved": {"da": "{n} forslag gemt (kørsel {run}); bekræft dem i sagsoversigten.",
                    "en": "{n} proposals saved (run {run}); confirm them in the caseload.",
                    "nl": "{n} voorstellen opgeslagen (run {run}); bevestig ze in de caseload."},
}


def placeholders(text: str) -> set[str]:
    """The ``{names}`` in a label.

    Example
    -------
    >>> sorted(placeholders("{n} of {total}"))
    ['n', 'total']
    """
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def problems(catalogue: dict[str, dict[str, str]] | None = None) -> list[str]:
    """What is wrong with the catalogue: a language missing or empty, placeholders that differ.

    Example
    -------
    >>> problems({"a": {"da": "x {n}", "en": "y {n}"}})
    ["a: no 'nl' text"]
    >>> problems({"a": {"da": "{n}", "en": "{n}", "nl": "{count}"}})
    ["a: 'nl' has placeholders ['count'], 'en' has ['n']"]
    """
    out = []
    for key, texts in (LABELS if catalogue is None else catalogue).items():
        for lang in LANGS:
            if not str(texts.get(lang, "")).strip():
                out.append(f"{key}: no {lang!r} text")
        extra = set(texts) - set(LANGS)
        if extra:
            out.append(f"{key}: unknown language(s) {sorted(extra)}")
        base = placeholders(texts.get("en", ""))
        for lang in ("da", "nl"):
            if lang in texts and placeholders(texts[lang]) != base:
                out.append(f"{key}: {lang!r} has placeholders {sorted(placeholders(texts[lang]))}, "
                           f"'en' has {sorted(base)}")
    return out


def t(key: str, lang: str, **values: Any) -> str:
    """The label ``key`` in ``lang`` with ``values`` filled in.

    A key missing from the catalogue (the tests prevent it) shows in English, else as the key
    itself, rather than break a coordinator's page.
    """
    entry = LABELS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry.get("en") or key
    return text.format(**values) if values else text
