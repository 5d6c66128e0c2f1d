"""The headings and explanations of the research reports, in Danish, English and Dutch.

A research notebook's own Markdown cells are in one language; the report a reader gets must
be in hers. So the outcome study, network analysis and matching study show their headings
and plain-words explanations through :func:`section`, which looks them up here (one
catalogue per report, through :mod:`mentorkit.i18n`) and returns Markdown that Jupyter, and
the HTML report, render.

Example
-------
>>> section("outcome_study", "who", "da").splitlines()[0]
'## Hvem deltog'
>>> section("outcome_study", "who", "nl")._repr_markdown_().startswith("## Wie deed mee")
True
"""

from __future__ import annotations

from typing import Any

from mentorkit.i18n import Catalogue, check_lang

__all__ = ["Markdown", "REPORTS", "section"]


class Markdown(str):
    """Text that Jupyter shows as Markdown (and prints as itself)."""

    def _repr_markdown_(self) -> str:
        return str(self)


OUTCOME = Catalogue("reports.outcome_study", {
    "title": {
        "da": "# Resultatstudie: hjalp mentorforløbet?\n\n"
              "Rapporten sammenligner mentees, der fik en mentor, med mentees, der ikke fik "
              "en, på et resultat målt efter forløbet. De, der fik en mentor, var anderledes "
              "end de andre allerede fra start, så en direkte sammenligning blander "
              "programmets effekt med, hvem der deltog. Derfor viser rapporten grupperne, hvor "
              "forskellige de var, hvordan justeringen gjorde dem sammenlignelige, og effekten "
              "med dens usikkerhed. Den bygger på et pseudonymiseret forskningsudtræk, ikke på "
              "sagerne selv. Tal under {min_cell} er skjult.",
        "en": "# Outcome study: did the mentorship help?\n\n"
              "This report compares mentees who got a mentor with mentees who did not, on an "
              "outcome measured after the mentorship. Those who got a mentor differed from the "
              "others before they started, so a plain comparison mixes the programme's effect "
              "with who took part. The report therefore shows the groups, how different they "
              "were, how the adjustment made them comparable, and the effect with its "
              "uncertainty. It works from a pseudonymised research extract, not from the case "
              "records. Counts below {min_cell} are hidden.",
        "nl": "# Uitkomstenstudie: hielp het mentortraject?\n\n"
              "Dit rapport vergelijkt mentees die een mentor kregen met mentees die er geen "
              "kregen, op een uitkomst gemeten na het traject. Wie een mentor kreeg, verschilde "
              "al bij de start van de anderen, dus een gewone vergelijking mengt het effect van "
              "het programma met wie er meedeed. Daarom toont het rapport de groepen, hoe "
              "verschillend ze waren, hoe de correctie ze vergelijkbaar maakte, en het effect "
              "met zijn onzekerheid. Het werkt met een gepseudonimiseerd onderzoeksbestand, "
              "niet met de dossiers. Aantallen onder {min_cell} zijn verborgen."},
    "who": {
        "da": "## Hvem deltog\n\nÉn række pr. program: indskrevne mentees, dem hvis forløb "
              "startede (*med mentor*) og de andre, hvordan forløbene sluttede, og for hvor "
              "mange resultatet blev registreret. Sammenligningsgruppen er mentees, der blev "
              "indskrevet, men aldrig startede et forløb.",
        "en": "## Who took part\n\nOne row per programme: mentees registered, those whose "
              "mentorship started (*matched*) and the others, how mentorships ended, and for "
              "how many the outcome was recorded. The comparison group is mentees who "
              "registered but never started a mentorship.",
        "nl": "## Wie deed mee\n\nEén rij per programma: ingeschreven mentees, wie een traject "
              "begon (*met mentor*) en de anderen, hoe trajecten eindigden, en bij hoeveel de "
              "uitkomst is vastgelegd. De vergelijkingsgroep zijn mentees die zich inschreven "
              "maar nooit aan een traject begonnen."},
    "design": {
        "da": "## Tid tæller: det valgte design",
        "en": "## Time matters: the design used",
        "nl": "## Tijd telt: het gebruikte ontwerp"},
    "comparable": {
        "da": "## Var grupperne sammenlignelige?\n\nDen standardiserede forskel i gennemsnit "
              "(SMD) sætter forskellen mellem grupperne på én skala for hver baggrundsvariabel: "
              "0 er ingen forskel, og under 0,1 regnes normalt som balanceret. *Før* er den "
              "rå sammenligning; *efter* er når sammenligningsgruppen er vægtet (eller "
              "matchet) til at ligne dem med mentor.",
        "en": "## Were the groups comparable?\n\nThe standardised mean difference (SMD) puts "
              "the gap between the groups on one scale for every background variable: 0 is no "
              "difference, and below 0.1 is usually taken as balanced. *Before* is the raw "
              "comparison; *after* is once the comparison group has been weighted (or "
              "matched) to resemble those who got a mentor.",
        "nl": "## Waren de groepen vergelijkbaar?\n\nHet gestandaardiseerde verschil in "
              "gemiddelden (SMD) zet het verschil tussen de groepen op één schaal voor elk "
              "achtergrondkenmerk: 0 is geen verschil, onder 0,1 geldt gewoonlijk als in "
              "balans. *Voor* is de ruwe vergelijking; *na* is nadat de vergelijkingsgroep is "
              "gewogen (of gematcht) om op de mentees met mentor te lijken."},
    "propensity": {
        "da": "Propensity scoren er hver mentees beregnede chance for at få en mentor ud fra "
              "baggrundsvariablerne. Justeringen kan kun sammenligne lige med lige, hvor de to "
              "histogrammer overlapper; smalle søjler er slået sammen, så ingen søjle står for "
              "færre end {min_cell} personer.",
        "en": "The propensity score is each mentee's estimated chance of getting a mentor, "
              "given the background variables. Adjustment can only compare like with like "
              "where the two histograms overlap; thin bins are merged so that no bar stands "
              "for fewer than {min_cell} people.",
        "nl": "De propensityscore is de geschatte kans van elke mentee op een mentor, gegeven "
              "de achtergrondkenmerken. Correctie kan alleen gelijk met gelijk vergelijken "
              "waar de twee histogrammen overlappen; smalle staven zijn samengevoegd zodat "
              "geen staaf voor minder dan {min_cell} mensen staat."},
    "diagnostics": {
        "da": "### Hvad diagnostikken siger", "en": "### What the diagnostics say",
        "nl": "### Wat de diagnostiek zegt"},
    "effect": {
        "da": "## Til sammenligning: »nogensinde matchet« (skævt), ved siden af den rå "
              "sammenligning\n\nTallene herunder regner tiden fra indskrivningen og "
              "sammenligner dem, der nogensinde fik en mentor, med resten. De viser, hvad de "
              "klassiske metoder giver, men de er skæve (se ovenfor); hovedresultatet er "
              "landmark-designet.",
        "en": "## For comparison: 'ever matched' (biased), beside the naive comparison\n\n"
              "The figures below count time from registration and compare those ever matched "
              "with the rest. They show what the classical methods give, but they are biased "
              "(see above); the headline is the landmark design.",
        "nl": "## Ter vergelijking: 'ooit gekoppeld' (vertekend), naast de ruwe "
              "vergelijking\n\nDe cijfers hieronder tellen de tijd vanaf inschrijving en "
              "vergelijken wie ooit een mentor kreeg met de rest. Ze tonen wat de klassieke "
              "methoden geven, maar zijn vertekend (zie boven); de hoofduitkomst is het "
              "landmark-ontwerp."},
    "methods": {
        "da": "Metoderne besvarer det samme spørgsmål (effekten for dem, der fik en mentor) "
              "med forskellige antagelser: *regression* modellerer resultatet, *vægtning* og "
              "*matchning* modellerer hvem der fik en mentor, og det *dobbelt robuste* estimat "
              "behøver kun, at den ene af de to modeller er rigtig. Intervallet i en lille "
              "gruppe kommer fra en bootstrap, der genberegner alle modeller.",
        "en": "The methods answer the same question (the effect on those who got a mentor) "
              "with different assumptions: *regression* models the outcome, *weighting* and "
              "*matching* model who got a mentor, and the *doubly robust* estimate needs only "
              "one of the two models to be right. On a programme's few hundred mentees the "
              "interval comes from a bootstrap that re-fits every model.",
        "nl": "De methoden beantwoorden dezelfde vraag (het effect voor wie een mentor kreeg) "
              "met verschillende aannames: *regressie* modelleert de uitkomst, *weging* en "
              "*matching* modelleren wie een mentor kreeg, en de *dubbel robuuste* schatting "
              "heeft maar één van de twee modellen juist nodig. Bij de paar honderd mentees "
              "van een programma komt het interval uit een bootstrap die elk model opnieuw "
              "schat."},
    "power": {
        "da": "### Hvad studiet kan se", "en": "### What the study can detect",
        "nl": "### Wat de studie kan zien"},
    "time": {
        "da": "## Tid til første job\n\nKaplan–Meier-kurver: andelen endnu uden job, regnet "
              "fra indskrivning. Kurverne stopper, hvor færre end {min_cell} personer er tilbage. "
              "Kurverne og Cox-modellen her sammenligner »nogensinde matchet« fra "
              "indskrivningen og er derfor skæve; Cox-modellen med mentoren fra forløbets "
              "start står i designtabellen øverst. Hazard ratio over 1: job kommer hurtigere "
              "med mentor; den sidste tabel tester, om den er stabil over tid.",
        "en": "## Time to a first job\n\nKaplan–Meier curves: the share still without a job, "
              "counted from registration. Curves stop where fewer than {min_cell} people remain. "
              "These curves and this Cox model compare 'ever matched' from registration and "
              "are therefore biased; the Cox model with the mentor from the match on is in the "
              "design table at the top. A hazard ratio above 1: jobs come sooner with a "
              "mentor; the last table checks whether it is stable over time.",
        "nl": "## Tijd tot een eerste baan\n\nKaplan–Meiercurves: het aandeel nog zonder werk, "
              "geteld vanaf inschrijving. Curves stoppen waar minder dan {min_cell} mensen over "
              "zijn. "
              "Deze curves en dit Cox-model vergelijken 'ooit gekoppeld' vanaf inschrijving "
              "en zijn dus vertekend; het Cox-model met de mentor vanaf de koppeling staat in "
              "de ontwerptabel bovenaan. Een hazard ratio boven 1: werk komt sneller met een "
              "mentor; de laatste tabel toetst of die stabiel is in de tijd."},
    "logrank": {"da": "Log-rank-test: p = {p}", "en": "Log-rank test: p = {p}",
                "nl": "Log-ranktoets: p = {p}"},
    "subgroups": {
        "da": "## Undergrupper\n\nLandmark-designet (hovedresultatet) estimeret for sig "
              "inden for grupper af mentees. Rækken *Alle* er hovedresultatet øverst. "
              "Figuren viser præcis de estimater, "
              "tabellen viser: undergrupper med færre end {min_cell} på en af siderne, og dem der "
              "ville afsløre en skjult gruppe, står uden punkt. Forskelle mellem undergrupper "
              "er kun værd at drøfte, når heterogenitetens p-værdi er lille, og selv da som et "
              "spørgsmål til næste studie.",
        "en": "## Subgroups\n\nThe landmark design (the headline) estimated separately "
              "within groups of mentees. The *All* row is the headline at the top. The figure "
              "shows exactly the "
              "estimates the table shows: subgroups with fewer than {min_cell} on either side, and "
              "those that would give a hidden one away, have no point. Differences between "
              "subgroups are only worth discussing when the heterogeneity p-value is small, "
              "and even then as a question for the next study.",
        "nl": "## Subgroepen\n\nHet landmark-ontwerp (de hoofduitkomst) apart geschat "
              "binnen groepen mentees. De rij *Alle* is de hoofduitkomst bovenaan. "
              "De figuur toont precies de schattingen die de "
              "tabel toont: subgroepen met minder dan {min_cell} aan een kant, en die een "
              "verborgen "
              "groep zouden verraden, hebben geen punt. Verschillen tussen subgroepen zijn "
              "alleen het bespreken waard als de p-waarde voor heterogeniteit klein is, en dan "
              "nog als vraag voor de volgende studie."},
    "validation": {
        "da": "## Virker metoderne? Et tjek på rigtige data med et kendt svar\n\nDe samme "
              "estimatorer på NSW-jobtræningseksperimentet (LaLonde 1986; Dehejia & Wahba "
              "1999). Eksperimentet siger, at programmet hævede indtjeningen i 1978 med ca. "
              "1.794 dollar. Hver metode står ved siden af det publicerede estimat af samme "
              "slags (*kind*); vægtning og dobbelt robust har intet publiceret modstykke og "
              "måles kun mod eksperimentet. *gap_se* er afstanden i publicerede "
              "standardfejl. Hele tabellen: `docs/validation.md`.",
        "en": "## Do these methods work? A check on real data with a known answer\n\nThe same "
              "estimators on the National Supported Work job-training experiment (LaLonde "
              "1986; Dehejia & Wahba 1999). The experiment says the programme raised 1978 "
              "earnings by about $1,794. Each method is set beside the published estimate of "
              "the same kind (*kind*); weighting and doubly robust have no published "
              "counterpart and are judged against the experiment only. *gap_se* is the gap in "
              "published standard errors. Full table: `docs/validation.md`.",
        "nl": "## Werken deze methoden? Een toets op echte gegevens met een bekend "
              "antwoord\n\nDezelfde schatters op het NSW-experiment met werktraining (LaLonde "
              "1986; Dehejia & Wahba 1999). Het experiment zegt dat het programma de "
              "verdiensten in 1978 met ongeveer $1.794 verhoogde. Elke methode staat naast de "
              "gepubliceerde schatting van dezelfde soort (*kind*); weging en dubbel robuust "
              "hebben geen gepubliceerde tegenhanger en worden alleen aan het experiment "
              "getoetst. *gap_se* is het verschil in gepubliceerde standaardfouten. Volledige "
              "tabel: `docs/validation.md`."},
    "caveats": {
        "da": "## Forbehold i almindelige ord\n\n"
              "* **Kun det målte er justeret for.** Var de med mentor også mere motiverede på "
              "måder, der ikke er registreret, handler en del af forskellen stadig om, hvem der "
              "deltog.\n"
              "* **Sammenligningsgruppen er ikke en kontrolgruppe.** Ingen blev fordelt ved "
              "lodtrækning.\n"
              "* **Manglende opfølgning.** Kun mentees med registreret resultat tæller.\n"
              "* **Små tal** giver brede intervaller; et interval, der omfatter 0, betyder at "
              "data ikke kan skelne effekten fra ingen effekt, ikke at der ikke er nogen.\n"
              "* **Undergrupper** er mange sammenligninger på få personer.",
        "en": "## Caveats in plain words\n\n"
              "* **Only what was measured is adjusted for.** If those who got a mentor were "
              "also more motivated in ways not recorded, part of the difference is still about "
              "who took part.\n"
              "* **The comparison group is not a control group.** Nobody was assigned at "
              "random.\n"
              "* **Missing follow-ups.** Only mentees whose outcome was recorded count.\n"
              "* **Small numbers** give wide intervals; an interval that includes 0 means the "
              "data cannot tell the effect from no effect, not that there is none.\n"
              "* **Subgroups** are many comparisons on few people.",
        "nl": "## Kanttekeningen in gewone woorden\n\n"
              "* **Alleen wat gemeten is, is gecorrigeerd.** Waren mentees met mentor ook "
              "gemotiveerder op manieren die niet zijn vastgelegd, dan gaat een deel van het "
              "verschil nog over wie meedeed.\n"
              "* **De vergelijkingsgroep is geen controlegroep.** Niemand is door loting "
              "ingedeeld.\n"
              "* **Ontbrekende metingen.** Alleen mentees met een vastgelegde uitkomst "
              "tellen.\n"
              "* **Kleine aantallen** geven brede intervallen; een interval dat 0 bevat, "
              "betekent dat de gegevens het effect niet van geen effect kunnen onderscheiden, "
              "niet dat er geen is.\n"
              "* **Subgroepen** zijn veel vergelijkingen op weinig mensen."},
    "provenance": {
        "da": "## Sådan blev rapporten lavet\n\nSamme data, samme parametre og samme seed "
              "giver de samme tal til sidste ciffer, uanset udtrækkets pseudonymnøgle.",
        "en": "## How this report was made\n\nThe same data, parameters and seed give the same "
              "numbers to the last digit, whatever the extract's pseudonym key.",
        "nl": "## Hoe dit rapport is gemaakt\n\nDezelfde gegevens, parameters en seed geven "
              "dezelfde getallen tot op het laatste cijfer, welke pseudoniemsleutel het "
              "bestand ook heeft."},
})
"""The outcome study's texts."""

NETWORK = Catalogue("reports.network_analysis", {
    "title": {
        "da": "# Netværksanalyse: hvem er mentor for hvem, hvem henviser hvem, hvem mødes\n\n"
              "Mentorforløb, henvisninger fra samarbejdspartnere og deltagelse i kurser og "
              "arrangementer set som netværk, fra et pseudonymiseret forskningsudtræk. Hver "
              "knude er et pseudonym; ingen navne. Tal under {min_cell} er skjult.",
        "en": "# Network analysis: who mentors whom, who refers whom, who meets whom\n\n"
              "Mentor relationships, referrals from partner organisations and attendance at "
              "courses and events, seen as networks, from a pseudonymised research extract. "
              "Every node is a pseudonym; no names. Counts below {min_cell} are hidden.",
        "nl": "# Netwerkanalyse: wie is mentor van wie, wie verwijst wie, wie ontmoet wie\n\n"
              "Mentorrelaties, verwijzingen door partnerorganisaties en deelname aan cursussen "
              "en bijeenkomsten, gezien als netwerken, uit een gepseudonimiseerd "
              "onderzoeksbestand. Elke knoop is een pseudoniem; geen namen. Aantallen onder "
              "{min_cell} zijn verborgen."},
    "findings": {"da": "## Fund", "en": "## Findings", "nl": "## Bevindingen"},
    "graph": {"da": "## Den valgte graf", "en": "## The chosen graph",
              "nl": "## De gekozen graaf"},
    "load": {
        "da": "## Hvor mange mentees har en mentor\n\nMentorer efter antal mentees. De "
              "fleste mentorer har én eller to mentees, så en top-10-liste ville være tomme "
              "felter under grænsen på {min_cell}; listen viser kun de mentorer, hvis antal kan "
              "vises.",
        "en": "## How many mentees a mentor has\n\nMentors by number of mentees. Most mentors "
              "have one or two, so a top-ten list would be blanks below the threshold of "
              "{min_cell}; "
              "the list shows only the mentors whose count can be shown.",
        "nl": "## Hoeveel mentees een mentor heeft\n\nMentoren naar aantal mentees. De meeste "
              "mentoren hebben er een of twee, dus een top tien zou bestaan uit lege velden "
              "onder de drempel van {min_cell}; de lijst toont alleen mentoren wier aantal getoond "
              "kan worden."},
    "growth": {
        "da": "## Mentorkorpsets vækst\n\nPr. kvartal. Et kvartal med skjulte tal er "
              "skraveret; et skjult tal er aldrig tegnet som nul.",
        "en": "## Growth of the mentor corps\n\nPer quarter. A quarter with hidden counts is "
              "hatched; a hidden count is never drawn as zero.",
        "nl": "## Groei van het mentorenbestand\n\nPer kwartaal. Een kwartaal met verborgen "
              "aantallen is gearceerd; een verborgen aantal wordt nooit als nul getekend."},
    "flow": {"da": "## Fra henvisning til resultat, pr. samarbejdspartner",
             "en": "## From referral to outcome, by partner",
             "nl": "## Van verwijzing tot resultaat, per partner"},
    "events": {
        "da": "## Hvem mødes til arrangementer\n\nPersoner er forbundet, når de kom til det "
              "samme arrangement; fællesskaber efter Louvain. Fællesskaber, hvis størrelse er "
              "skjult, tegnes i én grå farve.",
        "en": "## Who meets whom at events\n\nPeople are tied when they came to the same "
              "event; communities by Louvain. Communities whose size is hidden are drawn in "
              "one grey.",
        "nl": "## Wie ontmoet wie op bijeenkomsten\n\nMensen zijn verbonden als ze naar "
              "dezelfde bijeenkomst kwamen; gemeenschappen volgens Louvain. Gemeenschappen "
              "waarvan de grootte verborgen is, zijn in één grijs getekend."},
    "provenance": {"da": "## Sådan blev rapporten lavet", "en": "## How this report was made",
                   "nl": "## Hoe dit rapport is gemaakt"},
})
"""The network analysis' texts."""

MATCHING = Catalogue("reports.matching_study", {
    "title": {
        "da": "# Matchningsstudie: optimal, stabil og grådig\n\nHvem der får en mentor, "
              "afhænger af, hvordan parrene vælges. Rapporten matcher ét programs mentees med "
              "dets mentorer på tre måder på de samme scorer: **optimal** (størst samlet "
              "score), **stabil** (ingen mentee og mentor ville hellere være sammen) og "
              "**grådig** (i ventelistens rækkefølge, som i hånden). Kun id'er, aldrig navne; "
              "tal under {min_cell} er skjult.",
        "en": "# Matching study: optimal vs stable vs greedy\n\nWho gets a mentor depends on "
              "how pairs are chosen. This report matches one programme's mentees to its "
              "mentors three ways on the same scores: **optimal** (the highest total score), "
              "**stable** (no mentee and mentor would both rather be together) and **greedy** "
              "(in waiting order, as done by hand). Ids only, never names; counts below {min_cell} "
              "are hidden.",
        "nl": "# Matchingstudie: optimaal, stabiel en gretig\n\nWie een mentor krijgt, hangt "
              "af van hoe koppels worden gekozen. Dit rapport koppelt de mentees van één "
              "programma op drie manieren aan zijn mentoren, op dezelfde scores: **optimaal** "
              "(de hoogste totale score), **stabiel** (geen mentee en mentor zouden liever "
              "samen zijn) en **gretig** (op volgorde van de wachtlijst, zoals met de hand). "
              "Alleen id's, nooit namen; aantallen onder {min_cell} zijn verborgen."},
    "weights": {"da": "## Vægte", "en": "## Weights", "nl": "## Gewichten"},
    "batch": {"da": "## Dagens hold: de tre metoder på de samme scorer",
              "en": "## Today's batch: the three methods on the same scores",
              "nl": "## De groep van vandaag: de drie methoden op dezelfde scores"},
    "greedy": {
        "da": "### Den grådige metodes tab, og de par en håndlavet liste presses til\n\nHvor "
              "langt under optimum det falder, når hver mentee i rækkefølge tager den bedste "
              "ledige mentor, og hvor mange af de par, der så fyldes op, bryder en regel. "
              "Søjlerne starter ved nul.",
        "en": "### The greedy gap, and the pairs a hand-made list is pushed into\n\nHow far "
              "below the optimum it falls when each mentee in turn takes the best mentor "
              "left, and how many of the pairs then filled in break a rule. The bars start "
              "at zero.",
        "nl": "### Het verlies van gretig, en de koppels waartoe een handlijst dwingt\n\nHoe "
              "ver onder het optimum het uitkomt als elke mentee op zijn beurt de beste "
              "overgebleven mentor neemt, en hoeveel van de daarna ingevulde koppels een regel "
              "breken. De staven beginnen bij nul."},
    "blocked": {"da": "### Par som de faste regler udelukker",
                "en": "### Pairs the hard rules rule out",
                "nl": "### Koppels die de harde regels uitsluiten"},
    "cohort": {"da": "## Hele årgangen på én gang: pladserne er få",
               "en": "## The whole cohort at once: places are scarce",
               "nl": "## Het hele cohort tegelijk: plaatsen zijn schaars"},
    "left_out": {"da": "### Hvem står uden match, efter gruppe (procent af gruppen)",
                 "en": "### Who is left unmatched, by group (percent of the group)",
                 "nl": "### Wie blijft zonder match, per groep (procent van de groep)"},
    "scores": {"da": "### Scorer for de matchede par", "en": "### Scores of the matched pairs",
               "nl": "### Scores van de gematchte koppels"},
    "proposal": {"da": "## Dagens forslag fra den valgte metode (første rækker; kun id'er)",
                 "en": "## Today's proposal by the chosen method (first rows; ids only)",
                 "nl": "## Het voorstel van vandaag volgens de gekozen methode (eerste rijen; "
                       "alleen id's)"},
    "example": {"da": "## Én mentee: de bedste mentorer og hvorfor — og hvorfor ikke den "
                      "bedste",
                "en": "## One mentee: the best mentors and why — and why not the best one",
                "nl": "## Eén mentee: de beste mentoren en waarom — en waarom niet de beste"},
    "provenance": {"da": "## Sådan blev rapporten lavet", "en": "## How this report was made",
                   "nl": "## Hoe dit rapport is gemaakt"},
})
"""The matching study's texts."""

REPORTS = {"outcome_study": OUTCOME, "network_analysis": NETWORK, "matching_study": MATCHING}
"""The catalogue of each research report, by notebook name."""


def section(report: str, key: str, lang: str, **fields: Any) -> Markdown:
    """The heading and explanation ``key`` of ``report`` in ``lang``, as Markdown.

    Example
    -------
    >>> section("matching_study", "weights", "nl")
    '## Gewichten'
    """
    lang = check_lang(lang)
    if report not in REPORTS:
        raise KeyError(f"no texts for the report {report!r} (known: {', '.join(REPORTS)})")
    return Markdown(REPORTS[report].text(key, lang, **fields))
