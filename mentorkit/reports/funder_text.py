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

__all__ = ["TEXT", "REGION_LABELS", "t"]

TEXT: dict[str, tuple[str, str, str]] = {
    "title": ("Rapport til bevillingsgiver", "Report to the funder", "Rapportage aan de financier"),
    "all_programmes": ("Alle programmer", "All programmes", "Alle programma's"),
    "all_time": ("hele perioden", "all years", "de hele periode"),
    "all_grants": ("alle bevillinger", "all grants", "alle subsidies"),
    "grant": ("Bevilling", "Grant", "Subsidie"),
    "period": ("Periode", "Period", "Periode"),
    "key_figures": ("Nøgletal", "Key figures", "Kerncijfers"),
    "kf_mentees": ("nye mentees", "mentees recruited", "nieuwe mentees"),
    "kf_mentors": ("nye mentorer", "mentors recruited", "nieuwe mentoren"),
    "kf_started": ("match startet", "matches started", "matches gestart"),
    "kf_completed": ("forløb gennemført", "mentorships completed", "trajecten afgerond"),
    "kf_ended_early": ("afbrudt før tid", "ended early", "voortijdig beëindigd"),
    "kf_events": ("kurser og arrangementer", "courses and events", "cursussen en activiteiten"),
    "mark_note": ("x: ikke vist, færre end {k} personer eller et tal, de kunne regnes ud fra.",
                  "x: not shown, fewer than {k} persons or a count they could be worked out from.",
                  "x: niet getoond, minder dan {k} personen of een aantal waaruit ze af te leiden "
                  "zijn."),
    "targets": ("Mål i bevillingen", "Grant targets", "Doelen van de subsidie"),
    "no_targets": ("Ingen bevillingsmål falder i denne periode.",
                   "No grant targets fall within this period.",
                   "Er vallen geen subsidiedoelen binnen deze periode."),
    "targets_met": ("{met} af {n} mål er nået.", "{met} of {n} targets met.",
                    "{met} van de {n} doelen gehaald."),
    "col_funder_grant": ("Bevilling", "Grant", "Subsidie"),
    "col_counted": ("Periode", "Period", "Periode"),
    "col_metric": ("Hvad der tælles", "What is counted", "Wat telt"),
    "col_target": ("Mål", "Target", "Doel"),
    "group_female": ("kvinder", "women", "vrouwen"),
    "group_male": ("mænd", "men", "mannen"),
    "group_other": ("andet køn", "other gender", "ander geslacht"),
    "col_actual": ("Opnået", "Achieved", "Behaald"),
    "col_share": ("Andel", "Share", "Aandeel"),
    "of_target": ("{actual} af {target}", "{actual} of {target}", "{actual} van {target}"),
    "recruitment": ("Rekruttering", "Participants recruited", "Werving van deelnemers"),
    "by_gender": ("Efter køn", "By gender", "Naar geslacht"),
    "by_origin": ("Mentees efter oprindelsesland", "Mentees by country of origin",
                  "Mentees naar land van herkomst"),
    "origin_note": ("Lande med færre end {k} mentees er samlet i deres verdensdel eller "
                    "under »Andre lande«.",
                    "Countries with fewer than {k} mentees are pooled by world region or under "
                    "'Other countries'.",
                    "Landen met minder dan {k} mentees zijn samengevoegd per werelddeel of onder "
                    "'Overige landen'."),
    "origin_no_gender": ("Fordelingen på køn vises ikke her: den ville skjule de fleste tal.",
                         "The split by gender is left out here: it would hide most counts.",
                         "De verdeling naar geslacht is hier weggelaten: die zou de meeste "
                         "aantallen verbergen."),
    "nobody": ("Ingen registreret i perioden.", "Nobody registered in this period.",
               "Niemand ingeschreven in deze periode."),
    "total": ("I alt", "Total", "Totaal"),
    "matches": ("Match: gennemført og afbrudt", "Matches: completed and ended early",
                "Matches: afgerond en voortijdig beëindigd"),
    "matches_intro": ("Match startet i perioden: {n}. Heraf afsluttet inden periodens "
                      "slutning: {m}.",
                      "Matches started in the period: {n}. Of these, ended by the end of the "
                      "period: {m}.",
                      "Matches begonnen in de periode: {n}. Daarvan beëindigd voor het einde "
                      "van de periode: {m}."),
    "no_matches": ("Ingen match startede i perioden.", "No matches started in this period.",
                   "Er begonnen geen matches in deze periode."),
    "flow_completed": ("Gennemført", "Completed", "Afgerond"),
    "flow_ended_early": ("Afbrudt før tid", "Ended early", "Voortijdig beëindigd"),
    "reason": ("Årsag til afslutning", "Why it ended", "Reden van beëindiging"),
    "completion_rate": ("{pct} af de forløb, der er sluttet, blev gennemført.",
                        "{pct} of the mentorships that have ended were completed.",
                        "{pct} van de beëindigde trajecten werd afgerond."),
    "outcomes": ("Resultater for mentees", "Outcomes for mentees", "Resultaten voor mentees"),
    "outcomes_intro": ("Mentees, hvis første match startede i perioden, og hvor de stod ved "
                       "hver opfølgning.",
                       "The mentees whose first match started in the period, and where they "
                       "stood at each follow-up.",
                       "De mentees van wie de eerste match in de periode begon, en waar zij "
                       "stonden bij elk meetmoment."),
    "phase": ("Tidspunkt", "When", "Moment"),
    "recorded": ("Svar", "Recorded", "Bekend"),
    "employed": ("I job", "In work", "Aan het werk"),
    "in_education": ("Under uddannelse", "In education", "In opleiding"),
    "neither": ("Ingen af delene", "Neither", "Geen van beide"),
    "not_yet": ("Opfølgninger, der endnu ikke er foretaget, tæller ikke med.",
                "Follow-ups not yet due or not yet made are not counted.",
                "Metingen die nog niet gedaan zijn, tellen niet mee."),
    "figure_title": ("Andel i job", "Share in work", "Aandeel aan het werk"),
    "effect": ("Virkning af at få en mentor", "Effect of having a mentor",
               "Effect van een mentor"),
    "effect_ok": ("Blandt mentees, der fik en mentor, var {treated} i job 12 måneder efter "
                  "forløbet, mod anslået {control} hvis de ikke havde fået en mentor: en "
                  "forskel på {diff} procentpoint (95 % konfidensinterval {low} til {high}). "
                  "Sammenligningen er med {nc} mentees, der ikke blev matchet, og er justeret "
                  "for sprogniveau, uddannelse, alder, år i landet og køn ({nt} matchede).",
                  "Of the mentees who had a mentor, {treated} were in work 12 months after, "
                  "against an estimated {control} had they not had one: a difference of "
                  "{diff} percentage points (95% confidence interval {low} to {high}). "
                  "The comparison is with {nc} mentees who were not matched, adjusted for "
                  "language level, education, age, years in the country and gender "
                  "({nt} matched).",
                  "Van de mentees met een mentor was {treated} 12 maanden later aan het werk, "
                  "tegen naar schatting {control} zonder mentor: een verschil van {diff} "
                  "procentpunt (95%-betrouwbaarheidsinterval {low} tot {high}). De "
                  "vergelijking is met {nc} mentees die niet gematcht werden, gecorrigeerd "
                  "voor taalniveau, opleiding, leeftijd, jaren in het land en geslacht "
                  "({nt} gematcht)."),
    "effect_unclear": ("Intervallet omfatter nul: tallene viser ikke sikkert en forskel.",
                       "The interval includes zero: the numbers do not show a clear difference.",
                       "Het interval bevat nul: de cijfers tonen geen duidelijk verschil."),
    "effect_caveat": ("Det er en sammenligning af observationer, ikke et forsøg: forskelle, "
                      "der ikke er målt, kan spille ind.",
                      "This is an observational comparison, not an experiment: differences "
                      "that were not measured may play a part.",
                      "Dit is een vergelijking van waarnemingen, geen experiment: verschillen "
                      "die niet gemeten zijn, kunnen meespelen."),
    "effect_no_mentees": ("Ingen mentees blev registreret i perioden, så der kan ikke "
                          "beregnes nogen virkning.",
                          "No mentees registered in this period, so no effect can be "
                          "estimated.",
                          "In deze periode zijn geen mentees ingeschreven, dus er kan geen "
                          "effect worden berekend."),
    "effect_too_few": ("Tallene er for små til at beregne en virkning: {nt} matchede og {nc} "
                       "ikke-matchede mentees har en opfølgning 12 måneder efter, og der skal "
                       "mindst {min} i hver gruppe. Vælg en længere periode for at få et "
                       "estimat.",
                       "The numbers are too small to estimate an effect: {nt} matched and {nc} "
                       "unmatched mentees have a follow-up 12 months after, and at least {min} "
                       "are needed in each group. A longer period may allow it.",
                       "De aantallen zijn te klein om een effect te berekenen: {nt} gematchte "
                       "en {nc} niet-gematchte mentees hebben een meting na 12 maanden, en er "
                       "zijn er minstens {min} per groep nodig. Een langere periode kan het "
                       "mogelijk maken."),
    "effect_not_estimable": ("Data tillader ikke et pålideligt estimat (de to grupper ligner "
                             "ikke hinanden nok).",
                             "The data do not allow a reliable estimate (the two groups are "
                             "too unlike each other).",
                             "De gegevens laten geen betrouwbare schatting toe (de twee "
                             "groepen lijken te weinig op elkaar)."),
    "events": ("Kurser og arrangementer", "Courses and events", "Cursussen en activiteiten"),
    "no_events": ("Ingen arrangementer i perioden.", "No events in this period.",
                  "Geen activiteiten in deze periode."),
    "kind": ("Slags", "Kind", "Soort"),
    "n_events": ("Afholdt", "Held", "Gehouden"),
    "attendances": ("Deltagelser", "Attendances", "Deelnames"),
    "participants": ("Deltagere", "Participants", "Deelnemers"),
    "about": ("Om rapporten", "About this report", "Over deze rapportage"),
    "about_text": ("Tal under {k} personer vises ikke (x), heller ikke tal, som de kunne "
                   "regnes ud fra. Rapporten er lavet med mentorkit {version} fra notesbogen "
                   "{notebook} med parametrene: {params}.",
                   "Counts under {k} persons are not shown (x), nor counts they could be "
                   "worked out from. Made with mentorkit {version} from the notebook "
                   "{notebook} with the parameters: {params}.",
                   "Aantallen onder {k} personen worden niet getoond (x), evenmin aantallen "
                   "waaruit ze af te leiden zijn. Gemaakt met mentorkit {version} uit het "
                   "notebook {notebook} met de parameters: {params}."),
    "other_countries": ("Andre lande", "Other countries", "Overige landen"),
}

REGION_LABELS: dict[str, tuple[str, str, str]] = {
    "mena": ("Mellemøsten og Nordafrika, øvrige", "Other Middle East and North Africa",
             "Overig Midden-Oosten en Noord-Afrika"),
    "africa": ("Afrika syd for Sahara, øvrige", "Other sub-Saharan Africa",
               "Overig Afrika ten zuiden van de Sahara"),
    "asia": ("Asien, øvrige", "Other Asia", "Overig Azië"),
    "europe": ("Europa, øvrige", "Other Europe", "Overig Europa"),
    "americas": ("Amerika, øvrige", "Other Americas", "Overig Amerika"),
}

_LANGS = ("da", "en", "nl")


def t(key: str, lang: str = "en", **values: Any) -> str:
    """The text ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``."""
    text = TEXT[key][_LANGS.index(lang)]
    return text.format(**values) if values else text
