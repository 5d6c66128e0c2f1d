"""The words of the funder report in Danish, English and Dutch.

Example
-------
>>> t("targets", "nl")
'Doelen van de subsidie'
>>> t("of_target", "da", actual=23, target=25)
'23 af 25'
"""

from __future__ import annotations

from typing import Any

from mentorkit.i18n import Catalogue

__all__ = ["TEXT", "REGION_LABELS", "t"]

TEXT = Catalogue("reports.funder", {
    "title": {"da": "Rapport til bevillingsgiver", "en": "Report to the funder",
              "nl": "Rapportage aan de financier"},
    "all_programmes": {"da": "Alle programmer", "en": "All programmes", "nl": "Alle programma's"},
    "all_time": {"da": "hele perioden", "en": "all years", "nl": "de hele periode"},
    "all_grants": {"da": "alle bevillinger", "en": "all grants", "nl": "alle subsidies"},
    "grant": {"da": "Bevilling", "en": "Grant", "nl": "Subsidie"},
    "period": {"da": "Periode", "en": "Period", "nl": "Periode"},
    "key_figures": {"da": "Nøgletal", "en": "Key figures", "nl": "Kerncijfers"},
    "kf_mentees": {"da": "nye mentees", "en": "mentees recruited", "nl": "nieuwe mentees"},
    "kf_mentors": {"da": "nye mentorer", "en": "mentors recruited", "nl": "nieuwe mentoren"},
    "kf_started": {"da": "match startet", "en": "matches started", "nl": "matches gestart"},
    "kf_completed": {"da": "forløb gennemført", "en": "mentorships completed",
                     "nl": "trajecten afgerond"},
    "kf_ended_early": {"da": "afbrudt før tid", "en": "ended early", "nl": "voortijdig beëindigd"},
    "kf_events": {"da": "kurser og arrangementer", "en": "courses and events",
                  "nl": "cursussen en activiteiten"},
    "mark_note": {"da": "x: ikke vist, færre end {k} personer eller et tal, de kunne regnes ud "
                        "fra.",
                  "en": "x: not shown, fewer than {k} persons or a count they could be worked "
                        "out from.",
                  "nl": "x: niet getoond, minder dan {k} personen of een aantal waaruit ze af "
                        "te leiden zijn."},
    "targets": {"da": "Mål i bevillingen", "en": "Grant targets", "nl": "Doelen van de subsidie"},
    "no_targets": {"da": "Ingen bevillingsmål falder i denne periode.",
                   "en": "No grant targets fall within this period.",
                   "nl": "Er vallen geen subsidiedoelen binnen deze periode."},
    "targets_met": {"da": "{met} af {n} mål er nået.", "en": "{met} of {n} targets met.",
                    "nl": "{met} van de {n} doelen gehaald."},
    "col_funder_grant": {"da": "Bevilling", "en": "Grant", "nl": "Subsidie"},
    "col_counted": {"da": "Periode", "en": "Period", "nl": "Periode"},
    "col_metric": {"da": "Hvad der tælles", "en": "What is counted", "nl": "Wat telt"},
    "col_target": {"da": "Mål", "en": "Target", "nl": "Doel"},
    "group_female": {"da": "kvinder", "en": "women", "nl": "vrouwen"},
    "group_male": {"da": "mænd", "en": "men", "nl": "mannen"},
    "group_other": {"da": "andet køn", "en": "other gender", "nl": "ander geslacht"},
    "col_actual": {"da": "Opnået", "en": "Achieved", "nl": "Behaald"},
    "col_share": {"da": "Andel", "en": "Share", "nl": "Aandeel"},
    "of_target": {"da": "{actual} af {target}", "en": "{actual} of {target}",
                  "nl": "{actual} van {target}"},
    "recruitment": {"da": "Rekruttering", "en": "Participants recruited",
                    "nl": "Werving van deelnemers"},
    "by_gender": {"da": "Efter køn", "en": "By gender", "nl": "Naar geslacht"},
    "by_origin": {"da": "Mentees efter oprindelsesland", "en": "Mentees by country of origin",
                  "nl": "Mentees naar land van herkomst"},
    "origin_note": {"da": "Lande med færre end {k} mentees er samlet i deres verdensdel eller "
                          "under »Andre lande«.",
                    "en": "Countries with fewer than {k} mentees are pooled by world region or "
                          "under 'Other countries'.",
                    "nl": "Landen met minder dan {k} mentees zijn samengevoegd per werelddeel "
                          "of onder 'Overige landen'."},
    "origin_no_gender": {"da": "Fordelingen på køn vises ikke her: den ville skjule de fleste tal.",
                         "en": "The split by gender is left out here: it would hide most counts.",
                         "nl": "De verdeling naar geslacht is hier weggelaten: die zou de "
                               "meeste aantallen verbergen."},
    "nobody": {"da": "Ingen registreret i perioden.", "en": "Nobody registered in this period.",
               "nl": "Niemand ingeschreven in deze periode."},
    "total": {"da": "I alt", "en": "Total", "nl": "Totaal"},
    "matches": {"da": "Match: gennemført og afbrudt", "en": "Matches: completed and ended early",
                "nl": "Matches: afgerond en voortijdig beëindigd"},
    "matches_intro": {"da": "Match startet i perioden: {n}. Heraf afsluttet inden periodens "
                            "slutning: {m}.",
                      "en": "Matches started in the period: {n}. Of these, ended by the end of "
                            "the period: {m}.",
                      "nl": "Matches begonnen in de periode: {n}. Daarvan beëindigd voor het "
                            "einde van de periode: {m}."},
    "no_matches": {"da": "Ingen match startede i perioden.",
                   "en": "No matches started in this period.",
                   "nl": "Er begonnen geen matches in deze periode."},
    "flow_completed": {"da": "Gennemført", "en": "Completed", "nl": "Afgerond"},
    "flow_ended_early": {"da": "Afbrudt før tid", "en": "Ended early",
                         "nl": "Voortijdig beëindigd"},
    "reason": {"da": "Årsag til afslutning", "en": "Why it ended", "nl": "Reden van beëindiging"},
    "completion_rate": {"da": "{pct} af de forløb, der er sluttet, blev gennemført.",
                        "en": "{pct} of the mentorships that have ended were completed.",
                        "nl": "{pct} van de beëindigde trajecten werd afgerond."},
    "outcomes": {"da": "Resultater for mentees", "en": "Outcomes for mentees",
                 "nl": "Resultaten voor mentees"},
    "outcomes_intro": {"da": "Mentees, hvis første match startede i perioden, og hvor de stod "
                             "ved hver opfølgning.",
                       "en": "The mentees whose first match started in the period, and where "
                             "they stood at each follow-up.",
                       "nl": "De mentees van wie de eerste match in de periode begon, en waar "
                             "zij stonden bij elk meetmoment."},
    "phase": {"da": "Tidspunkt", "en": "When", "nl": "Moment"},
    "recorded": {"da": "Svar", "en": "Recorded", "nl": "Bekend"},
    "employed": {"da": "I job", "en": "In work", "nl": "Aan het werk"},
    "in_education": {"da": "Under uddannelse", "en": "In education", "nl": "In opleiding"},
    "neither": {"da": "Ingen af delene", "en": "Neither", "nl": "Geen van beide"},
    "not_yet": {"da": "Opfølgninger, der endnu ikke er foretaget, tæller ikke med.",
                "en": "Follow-ups not yet due or not yet made are not counted.",
                "nl": "Metingen die nog niet gedaan zijn, tellen niet mee."},
    "figure_title": {"da": "Andel i job", "en": "Share in work", "nl": "Aandeel aan het werk"},
    "effect": {"da": "Virkning af at få en mentor", "en": "Effect of having a mentor",
               "nl": "Effect van een mentor"},
    "effect_ok": {"da": "Blandt mentees, der fik en mentor, var {treated} i job 12 måneder efter "
                        "forløbet, mod anslået {control} hvis de ikke havde fået en mentor: en "
                        "forskel på {diff} procentpoint (95 % konfidensinterval {low} til "
                        "{high}). Sammenligningen er med {nc} mentees, der ikke blev matchet, og "
                        "er justeret for sprogniveau, uddannelse, alder, år i landet og køn "
                        "({nt} matchede).",
                  "en": "Of the mentees who had a mentor, {treated} were in work 12 months "
                        "after, against an estimated {control} had they not had one: a "
                        "difference of {diff} percentage points (95% confidence interval {low} "
                        "to {high}). The comparison is with {nc} mentees who were not matched, "
                        "adjusted for language level, education, age, years in the country and "
                        "gender ({nt} matched).",
                  "nl": "Van de mentees met een mentor was {treated} 12 maanden later aan het "
                        "werk, tegen naar schatting {control} zonder mentor: een verschil van "
                        "{diff} procentpunt (95%-betrouwbaarheidsinterval {low} tot {high}). De "
                        "vergelijking is met {nc} mentees die niet gematcht werden, "
                        "gecorrigeerd voor taalniveau, opleiding, leeftijd, jaren in het land "
                        "en geslacht ({nt} gematcht)."},
    "effect_unclear": {"da": "Intervallet omfatter nul: tallene viser ikke sikkert en forskel.",
                       "en": "The interval includes zero: the numbers do not show a clear "
                             "difference.",
                       "nl": "Het interval bevat nul: de cijfers tonen geen duidelijk verschil."},
    "effect_caveat": {"da": "Det er en sammenligning af observationer, ikke et forsøg: "
                            "forskelle, der ikke er målt, kan spille ind.",
                      "en": "This is an observational comparison, not an experiment: differences "
                            "that were not measured may play a part.",
                      "nl": "Dit is een vergelijking van waarnemingen, geen experiment: "
                            "verschillen die niet gemeten zijn, kunnen meespelen."},
    "effect_no_mentees": {"da": "Ingen mentees blev registreret i perioden, så der kan ikke "
                                "beregnes nogen virkning.",
                          "en": "No mentees registered in this period, so no effect can be "
                                "estimated.",
                          "nl": "In deze periode zijn geen mentees ingeschreven, dus er kan "
                                "geen effect worden berekend."},
    "effect_too_few": {"da": "Tallene er for små til at beregne en virkning: {nt} matchede og "
                             "{nc} ikke-matchede mentees har en opfølgning 12 måneder efter, og "
                             "der skal mindst {min} i hver gruppe. Vælg en længere periode for "
                             "at få et estimat.",
                       "en": "The numbers are too small to estimate an effect: {nt} matched and "
                             "{nc} unmatched mentees have a follow-up 12 months after, and at "
                             "least {min} are needed in each group. A longer period may allow "
                             "it.",
                       "nl": "De aantallen zijn te klein om een effect te berekenen: {nt} "
                             "gematchte en {nc} niet-gematchte mentees hebben een meting na 12 "
                             "maanden, en er zijn er minstens {min} per groep nodig. Een "
                             "langere periode kan het mogelijk maken."},
    "effect_not_estimable": {"da": "Data tillader ikke et pålideligt estimat (de to grupper "
                                   "ligner ikke hinanden nok).",
                             "en": "The data do not allow a reliable estimate (the two groups "
                                   "are too unlike each other).",
                             "nl": "De gegevens laten geen betrouwbare schatting toe (de twee "
                                   "groepen lijken te weinig op elkaar)."},
    "events": {"da": "Kurser og arrangementer", "en": "Courses and events",
               "nl": "Cursussen en activiteiten"},
    "no_events": {"da": "Ingen arrangementer i perioden.", "en": "No events in this period.",
                  "nl": "Geen activiteiten in deze periode."},
    "kind": {"da": "Slags", "en": "Kind", "nl": "Soort"},
    "n_events": {"da": "Afholdt", "en": "Held", "nl": "Gehouden"},
    "attendances": {"da": "Deltagelser", "en": "Attendances", "nl": "Deelnames"},
    "participants": {"da": "Deltagere", "en": "Participants", "nl": "Deelnemers"},
    "about": {"da": "Om rapporten", "en": "About this report", "nl": "Over deze rapportage"},
    "about_text": {"da": "Tal under {k} personer vises ikke (x), heller ikke tal, som de kunne "
                         "regnes ud fra. Rapporten er lavet med mentorkit {version} fra "
                         "notesbogen {notebook} med parametrene: {params}.",
                   "en": "Counts under {k} persons are not shown (x), nor counts they could be "
                         "worked out from. Made with mentorkit {version} from the notebook "
                         "{notebook} with the parameters: {params}.",
                   "nl": "Aantallen onder {k} personen worden niet getoond (x), evenmin "
                         "aantallen waaruit ze af te leiden zijn. Gemaakt met mentorkit "
                         "{version} uit het notebook {notebook} met de parameters: {params}."},
    "other_countries": {"da": "Andre lande", "en": "Other countries", "nl": "Overige landen"},
})
"""The words of the funder report, by key."""

REGION_LABELS = Catalogue("reports.regions", {
    "mena": {"da": "Mellemøsten og Nordafrika, øvrige", "en": "Other Middle East and North Africa",
             "nl": "Overig Midden-Oosten en Noord-Afrika"},
    "africa": {"da": "Afrika syd for Sahara, øvrige", "en": "Other sub-Saharan Africa",
               "nl": "Overig Afrika ten zuiden van de Sahara"},
    "asia": {"da": "Asien, øvrige", "en": "Other Asia", "nl": "Overig Azië"},
    "europe": {"da": "Europa, øvrige", "en": "Other Europe", "nl": "Overig Europa"},
    "americas": {"da": "Amerika, øvrige", "en": "Other Americas", "nl": "Overig Amerika"},
})
"""World regions that pool the countries with few mentees (``region:<key>``)."""


def t(key: str, lang: str = "en", **values: Any) -> str:
    """The text ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``
    (:class:`~mentorkit.errors.UnknownLanguage` for a language other than da, en or nl)."""
    return TEXT.text(key, lang, **values)
