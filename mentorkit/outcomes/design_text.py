"""Plain words for each outcome design, in Danish, English and Dutch, for reports.

One catalogue (``outcomes.designs``) looked up through :mod:`mentorkit.i18n`; the result
objects of :mod:`mentorkit.outcomes.time_varying` and :mod:`mentorkit.outcomes.landmark_design`
call :func:`explain` with their own numbers, and a report can call it for the biased
"ever matched" comparison too (:data:`DESIGNS`).

Example
-------
>>> explain("ever_matched", "en").startswith("Biased")
True
>>> "180" in explain("landmark", "da", days=180, horizon=365)
True
"""

from __future__ import annotations

from typing import Any

from mentorkit.i18n import Catalogue
from mentorkit.outcomes.covariate_labels import covariate_list

__all__ = ["DESIGNS", "TEXT", "explain"]

TEXT = Catalogue("outcomes.designs", {
    "ever_matched": {
        "en": ("Biased: this compares mentees who were ever matched with those never matched, "
               "counting time from registration. A mentee who finds a job while waiting for a "
               "mentor is never matched and lands in the comparison group, so the comparison "
               "flatters those without a mentor, and the waiting time of the matched counts as "
               "time without a job. Shown for comparison only."),
        "da": ("Skævt: her sammenlignes mentees, der nogensinde fik en mentor, med dem, der "
               "aldrig fik en, regnet fra indskrivningen. En mentee, der får job, mens hun "
               "venter på en mentor, får aldrig en mentor og havner i sammenligningsgruppen. "
               "Det får gruppen uden mentor til at se bedre ud, og ventetiden for dem med "
               "mentor tæller som tid uden job. Vises kun til sammenligning."),
        "nl": ("Vertekend: hier worden mentees die ooit een mentor kregen vergeleken met wie er "
               "nooit een kreeg, gerekend vanaf de inschrijving. Een mentee die werk vindt "
               "terwijl ze op een mentor wacht, krijgt nooit een mentor en komt in de "
               "vergelijkingsgroep. Zo lijkt de groep zonder mentor beter, en telt de wachttijd "
               "van wie wel een mentor kreeg als tijd zonder werk. Alleen ter vergelijking."),
    },
    "time_varying_cox": {
        "en": ("Each mentee counts as 'without a mentor' from registration until her match "
               "starts, and as 'with a mentor' from that day on. The hazard ratio compares the "
               "daily chance of a first job with and without a mentor at the same time since "
               "registration, among those still looking, adjusted for {covariates}. Time spent "
               "waiting is never credited to the mentor. {events} first jobs among {people} "
               "mentees."),
        "da": ("Hver mentee tæller som 'uden mentor' fra indskrivningen, til forløbet "
               "begynder, og som 'med mentor' fra den dag. Hazard-ratioen sammenligner den "
               "daglige chance for et første job med og uden mentor på samme tid efter "
               "indskrivningen, blandt dem der stadig søger, justeret for {covariates}. "
               "Ventetiden tilskrives aldrig mentoren. {events} første job blandt {people} "
               "mentees."),
        "nl": ("Elke mentee telt als 'zonder mentor' vanaf de inschrijving tot de koppeling "
               "begint, en als 'met mentor' vanaf die dag. De hazard ratio vergelijkt de "
               "dagelijkse kans op een eerste baan met en zonder mentor op hetzelfde moment na "
               "de inschrijving, onder wie nog zoekt, gecorrigeerd voor {covariates}. Wachttijd "
               "wordt nooit aan de mentor toegeschreven. {events} eerste banen onder {people} "
               "mentees."),
    },
    "landmark": {
        "en": ("We look at everyone still without a job {days} days after registration. Those "
               "who had a mentor by then are compared with those who did not yet have one, on "
               "the share with a first job within the next {horizon} days, adjusted for "
               "{covariates}. Nobody is counted for a job found before day {days}, so the wait "
               "for a mentor cannot flatter either group. Some of the comparison group get a "
               "mentor later, which makes this estimate, if anything, too small."),
        "da": ("Vi ser på alle, der stadig er uden job {days} dage efter indskrivningen. De, "
               "der havde fået en mentor inden da, sammenlignes med dem, der endnu ikke havde, "
               "på andelen med et første job inden for de næste {horizon} dage, justeret for "
               "{covariates}. Job fundet før dag {days} tæller ikke for nogen, så ventetiden "
               "på en mentor kan ikke få en af grupperne til at se bedre ud. Nogle i "
               "sammenligningsgruppen får senere en mentor; det gør skønnet snarere for lille."),
        "nl": ("We kijken naar iedereen die {days} dagen na de inschrijving nog geen werk heeft. "
               "Wie dan al een mentor had, wordt vergeleken met wie er nog geen had, op het "
               "aandeel met een eerste baan binnen de volgende {horizon} dagen, gecorrigeerd "
               "voor {covariates}. Werk gevonden vóór dag {days} telt voor niemand, dus de "
               "wachttijd op een mentor kan geen van beide groepen bevoordelen. Een deel van de "
               "vergelijkingsgroep krijgt later een mentor; daardoor is de schatting eerder te "
               "klein."),
    },
    "sequential": {
        "en": ("The same comparison repeated at {days} days after registration and pooled: at "
               "each of these days, mentees still without a job who had a mentor by then are "
               "compared with those who did not yet have one, on a first job within the next "
               "{horizon} days, adjusted for {covariates}. A mentee can take part at several "
               "days; the uncertainty takes that into account."),
        "da": ("Den samme sammenligning gentaget {days} dage efter indskrivningen og lagt "
               "sammen: på hver af disse dage sammenlignes mentees uden job, der havde en "
               "mentor, med dem, der endnu ikke havde, på et første job inden for de næste "
               "{horizon} dage, justeret for {covariates}. En mentee kan indgå på flere dage; "
               "usikkerheden tager højde for det."),
        "nl": ("Dezelfde vergelijking herhaald op {days} dagen na de inschrijving en "
               "samengevoegd: op elk van die dagen worden mentees zonder werk die al een mentor "
               "hadden vergeleken met wie er nog geen had, op een eerste baan binnen de "
               "volgende {horizon} dagen, gecorrigeerd voor {covariates}. Een mentee kan op "
               "meerdere dagen meetellen; de onzekerheid houdt daar rekening mee."),
    },
})

DESIGNS = ("ever_matched", "time_varying_cox", "landmark", "sequential")
"""The designs :func:`explain` knows; "ever_matched" is the biased one."""


def explain(design: str, lang: object, /, **fields: Any) -> str:
    """The plain-words explanation of ``design`` in ``lang``, with its numbers filled in.

    ``covariates`` may be given as a list of column names: named in words in ``lang``
    (:func:`~mentorkit.outcomes.covariate_labels.covariate_list`).

    Example
    -------
    >>> explain("time_varying_cox", "nl", covariates=["age", "male"], events=3, people=9)[:30]
    "Elke mentee telt als 'zonder m"
    """
    fields.setdefault("covariates", [])
    if not isinstance(fields["covariates"], str):
        fields["covariates"] = covariate_list([str(c) for c in fields["covariates"]], lang)
    return TEXT.text(design, lang, **fields)
