"""Controlled vocabularies: every coded value with its Danish, English and Dutch label.

Codes are stable lower-case identifiers stored in the database and in CSV files; labels
are what coordinators see. Languages use ISO 639-1 codes, countries ISO 3166-1 alpha-2.

Example
-------
>>> from mentorkit import vocab
>>> vocab.GENDERS.label("female", "da")
'Kvinde'
>>> "mentee" in vocab.ROLES
True
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from mentorkit.errors import UnknownLanguage

Lang = Literal["da", "en", "nl"]
LANGS: tuple[Lang, ...] = ("da", "en", "nl")
"""The languages of the package: every text it shows exists in each (see :mod:`mentorkit.i18n`)."""


def _column(lang: object) -> int:
    """Where ``lang``'s label sits in an entry (:class:`UnknownLanguage` for any other)."""
    if isinstance(lang, str) and lang in LANGS:
        return LANGS.index(lang)
    raise UnknownLanguage(lang, LANGS)


@dataclass(frozen=True)
class Vocabulary:
    """An ordered set of codes, each with a label per language.

    Example
    -------
    >>> v = Vocabulary("colour", {"red": ("rød", "red", "rood")})
    >>> v.label("red", "nl")
    'rood'
    """

    name: str
    entries: dict[str, tuple[str, str, str]]
    ordered: bool = False
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {c: i for i, c in enumerate(self.entries)})

    def __contains__(self, code: object) -> bool:
        return code in self.entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def codes(self) -> tuple[str, ...]:
        """All codes in their defined order."""
        return tuple(self.entries)

    def label(self, code: str, lang: Lang = "en") -> str:
        """The label of ``code`` in ``lang`` (da, en or nl)."""
        return self.entries[code][_column(lang)]

    def labels(self, lang: Lang = "en") -> dict[str, str]:
        """A code -> label mapping in ``lang``, in order (for dropdowns)."""
        i = _column(lang)
        return {c: v[i] for c, v in self.entries.items()}

    def rank(self, code: str) -> int:
        """Position of ``code`` in an ordered vocabulary (0 for the first)."""
        return self._index[code]


ROLES = Vocabulary("role", {
    "mentor": ("Mentor", "Mentor", "Mentor"),
    "mentee": ("Mentee", "Mentee", "Mentee"),
    "resource_person": ("Ressourceperson", "Resource person", "Sleutelpersoon"),
})

GENDERS = Vocabulary("gender", {
    "female": ("Kvinde", "Woman", "Vrouw"),
    "male": ("Mand", "Man", "Man"),
    "other": ("Andet", "Other", "Anders"),
})

MENTOR_GENDER_PREFERENCES = Vocabulary("preferred_mentor_gender", {
    "any": ("Ingen præference", "No preference", "Geen voorkeur"),
    "female": ("Kvindelig mentor", "Female mentor", "Vrouwelijke mentor"),
    "male": ("Mandlig mentor", "Male mentor", "Mannelijke mentor"),
})

MATCH_STATUSES = Vocabulary("match_status", {
    "proposed": ("Foreslået", "Proposed", "Voorgesteld"),
    "active": ("Aktiv", "Active", "Actief"),
    "completed": ("Afsluttet", "Completed", "Afgerond"),
    "ended_early": ("Afbrudt før tid", "Ended early", "Voortijdig beëindigd"),
    "declined": ("Afvist", "Declined", "Afgewezen"),
})

#: The match statuses of a match that began (mentor and mentee met as a pair): what
#: progress, funder figures, summaries, the network and the aggregates count as "matched".
#: The one definition; ``STARTED`` in monitoring and network is this same tuple.
STARTED_MATCH_STATUSES: tuple[str, ...] = ("active", "completed", "ended_early")

#: The match statuses of an *open* match: proposed or active. A mentee has at most one open
#: match, and a mentor at most ``capacity`` (a missing capacity counts as one place): a
#: proposal holds the mentor's place until it is confirmed or declined, as in matching's
#: ``load_statuses``. The one definition: the store's check, the database's partial unique
#: index (migration 0004), the casework rules and screening all use this tuple.
OPEN_MATCH_STATUSES: tuple[str, ...] = ("proposed", "active")

END_REASONS = Vocabulary("end_reason", {
    "plan_completed": ("Forløbet gennemført", "Plan completed", "Traject afgerond"),
    "mentee_found_job": ("Mentee fik job", "Mentee found a job", "Mentee vond werk"),
    "mentee_started_education": ("Mentee startede uddannelse", "Mentee started education",
                                 "Mentee begon opleiding"),
    "mentee_moved": ("Mentee flyttede", "Mentee moved away", "Mentee verhuisd"),
    "mentee_health": ("Mentees helbred", "Mentee's health", "Gezondheid mentee"),
    "mentee_family": ("Familieforhold", "Family circumstances", "Gezinsomstandigheden"),
    "lost_contact": ("Mistet kontakt", "Lost contact", "Contact verloren"),
    "mentor_time": ("Mentor manglede tid", "Mentor lacked time", "Mentor had geen tijd"),
    "mentor_moved": ("Mentor flyttede", "Mentor moved away", "Mentor verhuisd"),
    "poor_fit": ("Matchet passede ikke", "Poor fit", "Geen goede klik"),
    "other": ("Andet", "Other", "Anders"),
})

OUTCOME_PHASES = Vocabulary("phase", {
    "intake": ("Indskrivning", "Intake", "Intake"),
    "end": ("Afslutning", "End of mentorship", "Einde traject"),
    "followup_6m": ("6 mdr. efter", "6 months after", "6 maanden na"),
    "followup_12m": ("12 mdr. efter", "12 months after", "12 maanden na"),
}, ordered=True)

EMPLOYMENT_STATUSES = Vocabulary("employment_status", {
    "unemployed": ("Ledig", "Unemployed", "Werkloos"),
    "outside_labour_force": ("Uden for arbejdsstyrken", "Outside the labour force",
                             "Buiten de beroepsbevolking"),
    "in_training": ("I praktik/løntilskud", "Internship or subsidised job",
                    "Stage of gesubsidieerd werk"),
    "in_education": ("Under uddannelse", "In education", "In opleiding"),
    "employed_part_time": ("Deltidsansat", "Employed part-time", "Deeltijd werkzaam"),
    "employed_full_time": ("Fuldtidsansat", "Employed full-time", "Voltijd werkzaam"),
    "self_employed": ("Selvstændig", "Self-employed", "Zelfstandig ondernemer"),
})
EMPLOYED = frozenset({"employed_part_time", "employed_full_time", "self_employed"})
JOB_OR_EDUCATION = EMPLOYED | {"in_education"}

GOALS = Vocabulary("goal", {
    "job": ("Job", "Job", "Werk"),
    "education": ("Uddannelse", "Education", "Opleiding"),
    "network": ("Netværk", "Network", "Netwerk"),
    "language": ("Sprog", "Language", "Taal"),
    "own_business": ("Egen virksomhed", "Own business", "Eigen bedrijf"),
    "society": ("Kendskab til samfundet", "Knowing society", "Kennis van de samenleving"),
})

EDUCATION_LEVELS = Vocabulary("education", {
    "none": ("Ingen skolegang", "No schooling", "Geen opleiding"),
    "primary": ("Grundskole (under 9 år)", "Primary school", "Basisonderwijs"),
    "lower_secondary": ("Grundskole (9-10 år)", "Lower secondary", "Vmbo / onderbouw"),
    "upper_secondary": ("Gymnasial uddannelse", "Upper secondary", "Havo / vwo"),
    "vocational": ("Erhvervsuddannelse", "Vocational", "Mbo"),
    "short_tertiary": ("Kort videregående", "Short-cycle tertiary", "Associate degree"),
    "bachelor": ("Bachelor / mellemlang", "Bachelor", "Bachelor / hbo"),
    "master": ("Kandidat eller højere", "Master or higher", "Master of hoger"),
}, ordered=True)

SECTORS = Vocabulary("sector", {
    "health_care": ("Sundhed og pleje", "Health and care", "Zorg en welzijn"),
    "education": ("Undervisning og pædagogik", "Teaching and childcare",
                  "Onderwijs en kinderopvang"),
    "social_work": ("Socialt arbejde", "Social work", "Sociaal werk"),
    "it": ("IT", "IT", "ICT"),
    "engineering": ("Ingeniørarbejde og teknik", "Engineering", "Techniek"),
    "business": ("Handel, økonomi og kontor", "Business and office", "Handel en kantoor"),
    "retail": ("Butik og salg", "Retail and sales", "Detailhandel"),
    "hospitality": ("Hotel, restaurant og køkken", "Hospitality and catering", "Horeca"),
    "cleaning": ("Rengøring og service", "Cleaning and services", "Schoonmaak en diensten"),
    "transport": ("Transport og logistik", "Transport and logistics", "Transport en logistiek"),
    "construction": ("Byggeri og håndværk", "Construction and crafts", "Bouw en ambacht"),
    "public_admin": ("Offentlig forvaltning", "Public administration", "Overheid"),
    "culture_media": ("Kultur og medier", "Culture and media", "Cultuur en media"),
    "law": ("Jura", "Law", "Juridisch"),
    "science": ("Forskning og naturvidenskab", "Science and research", "Wetenschap"),
    "manufacturing": ("Industri og produktion", "Manufacturing", "Industrie"),
    "other": ("Andet", "Other", "Anders"),
})

# CEFR levels, used for the mentee's Danish or Dutch and for the outcome "language level".
LANGUAGE_LEVELS = Vocabulary("language_level", {
    "none": ("Ingen", "None", "Geen"),
    "A1": ("A1 begynder", "A1 beginner", "A1 beginner"),
    "A2": ("A2 basis", "A2 elementary", "A2 basis"),
    "B1": ("B1 mellem", "B1 intermediate", "B1 gemiddeld"),
    "B2": ("B2 øvet", "B2 upper intermediate", "B2 gevorderd"),
    "C1": ("C1 avanceret", "C1 advanced", "C1 vergevorderd"),
    "C2": ("C2 modersmål/flydende", "C2 proficient", "C2 moedertaal/vloeiend"),
}, ordered=True)

LANGUAGES = Vocabulary("language", {
    "da": ("Dansk", "Danish", "Deens"),
    "nl": ("Nederlandsk", "Dutch", "Nederlands"),
    "en": ("Engelsk", "English", "Engels"),
    "de": ("Tysk", "German", "Duits"),
    "fr": ("Fransk", "French", "Frans"),
    "es": ("Spansk", "Spanish", "Spaans"),
    "ar": ("Arabisk", "Arabic", "Arabisch"),
    "so": ("Somali", "Somali", "Somalisch"),
    "fa": ("Persisk (farsi/dari)", "Persian (Farsi/Dari)", "Perzisch (Farsi/Dari)"),
    "ps": ("Pashto", "Pashto", "Pasjtoe"),
    "ku": ("Kurdisk", "Kurdish", "Koerdisch"),
    "tr": ("Tyrkisk", "Turkish", "Turks"),
    "ur": ("Urdu", "Urdu", "Urdu"),
    "ti": ("Tigrinya", "Tigrinya", "Tigrinya"),
    "am": ("Amharisk", "Amharic", "Amhaars"),
    "bs": ("Bosnisk", "Bosnian", "Bosnisch"),
    "pl": ("Polsk", "Polish", "Pools"),
    "ru": ("Russisk", "Russian", "Russisch"),
    "uk": ("Ukrainsk", "Ukrainian", "Oekraïens"),
    "ta": ("Tamil", "Tamil", "Tamil"),
    "vi": ("Vietnamesisk", "Vietnamese", "Vietnamees"),
    "th": ("Thai", "Thai", "Thai"),
    "tl": ("Tagalog", "Tagalog", "Tagalog"),
    "zh": ("Kinesisk", "Chinese", "Chinees"),
    "sw": ("Swahili", "Swahili", "Swahili"),
})

COUNTRIES = Vocabulary("country", {
    "DK": ("Danmark", "Denmark", "Denemarken"),
    "NL": ("Holland", "Netherlands", "Nederland"),
    "SY": ("Syrien", "Syria", "Syrië"),
    "IQ": ("Irak", "Iraq", "Irak"),
    "AF": ("Afghanistan", "Afghanistan", "Afghanistan"),
    "SO": ("Somalia", "Somalia", "Somalië"),
    "IR": ("Iran", "Iran", "Iran"),
    "TR": ("Tyrkiet", "Turkey", "Turkije"),
    "LB": ("Libanon", "Lebanon", "Libanon"),
    "PS": ("Palæstina", "Palestine", "Palestina"),
    "PK": ("Pakistan", "Pakistan", "Pakistan"),
    "ER": ("Eritrea", "Eritrea", "Eritrea"),
    "ET": ("Etiopien", "Ethiopia", "Ethiopië"),
    "MA": ("Marokko", "Morocco", "Marokko"),
    "BA": ("Bosnien-Hercegovina", "Bosnia and Herzegovina", "Bosnië en Herzegovina"),
    "PL": ("Polen", "Poland", "Polen"),
    "UA": ("Ukraine", "Ukraine", "Oekraïne"),
    "LK": ("Sri Lanka", "Sri Lanka", "Sri Lanka"),
    "VN": ("Vietnam", "Vietnam", "Vietnam"),
    "TH": ("Thailand", "Thailand", "Thailand"),
    "PH": ("Filippinerne", "Philippines", "Filipijnen"),
    "CN": ("Kina", "China", "China"),
    "SR": ("Surinam", "Suriname", "Suriname"),
    "DE": ("Tyskland", "Germany", "Duitsland"),
    "GB": ("Storbritannien", "United Kingdom", "Verenigd Koninkrijk"),
})

AVAILABILITY = Vocabulary("availability", {
    "weekday_daytime": ("Hverdage i dagtimerne", "Weekdays, daytime", "Doordeweeks overdag"),
    "weekday_evening": ("Hverdagsaftener", "Weekday evenings", "Doordeweeks 's avonds"),
    "weekend": ("Weekender", "Weekends", "Weekenden"),
})

CONSENT_SCOPES = Vocabulary("consent_scope", {
    "casework": ("Sagsbehandling i programmet", "Casework in the programme",
                 "Begeleiding in het programma"),
    "research": ("Forskning og evaluering", "Research and evaluation", "Onderzoek en evaluatie"),
    "contact": ("Kontakt om arrangementer", "Contact about events", "Contact over activiteiten"),
})

FOLLOWUP_KINDS = Vocabulary("followup_kind", {
    "meeting": ("Møde mellem mentor og mentee", "Mentor–mentee meeting", "Afspraak mentor–mentee"),
    "coordinator_call": ("Opfølgning fra koordinator", "Coordinator follow-up",
                         "Opvolging door coördinator"),
    "course": ("Kursus", "Course", "Cursus"),
})

EVENT_KINDS = Vocabulary("event_kind", {
    "course": ("Kursus", "Course", "Cursus"),
    "mentor_training": ("Mentoruddannelse", "Mentor training", "Mentortraining"),
    "network_meeting": ("Netværksmøde", "Network meeting", "Netwerkbijeenkomst"),
    "social": ("Socialt arrangement", "Social event", "Sociale activiteit"),
})

PARTNER_KINDS = Vocabulary("partner_kind", {
    "housing_association": ("Boligforening / helhedsplan", "Housing association",
                            "Woningcorporatie"),
    "job_centre": ("Jobcenter", "Job centre", "Werkplein / UWV"),
    "area_secretariat": ("Områdesekretariat", "Area secretariat", "Wijkteam"),
    "municipality": ("Kommune", "Municipality", "Gemeente"),
    "ngo": ("Forening / NGO", "Association / NGO", "Vereniging / ngo"),
    "language_school": ("Sprogcenter", "Language school", "Taalschool"),
})

TARGET_METRICS = Vocabulary("target_metric", {
    "matches": ("Match", "Matches", "Matches"),
    "participants": ("Deltagere", "Participants", "Deelnemers"),
    "completed": ("Gennemførte forløb", "Completed mentorships", "Afgeronde trajecten"),
    "job_or_education_at_end": ("I job eller uddannelse ved afslutning",
                                "In job or education at end", "Werk of opleiding bij einde"),
    "mentors_trained": ("Uddannede mentorer", "Mentors trained", "Getrainde mentoren"),
})

BACKGROUND_CHECKS = Vocabulary("background_check", {
    "boerneattest": ("Børneattest", "Child-protection certificate (DK)", "Børneattest (DK)"),
    "vog": ("VOG", "Certificate of conduct (NL VOG)", "Verklaring Omtrent het Gedrag (VOG)"),
})

#: What a mentor's missing or expired background check does to a match (``programme.check_rule``;
#: :mod:`mentorkit.casework.screening`): nothing, a reason to confirm it, or no match.
CHECK_RULES = Vocabulary("check_rule", {
    "off": ("Ingen regel", "No rule", "Geen regel"),
    "warn": ("Advar og kræv en begrundelse", "Warn and require a reason",
             "Waarschuwen en een reden vragen"),
    "block": ("Bloker matchet", "Block the match", "Koppeling blokkeren"),
})

CURRENCIES = Vocabulary("currency", {
    "DKK": ("Danske kroner", "Danish kroner", "Deense kroon"),
    "EUR": ("Euro", "Euro", "Euro"),
})

ALL: dict[str, Vocabulary] = {
    v.name: v
    for v in (
        ROLES, GENDERS, MENTOR_GENDER_PREFERENCES, MATCH_STATUSES, END_REASONS, OUTCOME_PHASES,
        EMPLOYMENT_STATUSES, GOALS, EDUCATION_LEVELS, SECTORS, LANGUAGE_LEVELS, LANGUAGES,
        COUNTRIES, AVAILABILITY, CONSENT_SCOPES, FOLLOWUP_KINDS, EVENT_KINDS, PARTNER_KINDS,
        TARGET_METRICS, BACKGROUND_CHECKS, CHECK_RULES, CURRENCIES,
    )
}


def get(name: str) -> Vocabulary:
    """The vocabulary called ``name`` (e.g. ``"gender"``).

    Example
    -------
    >>> get("phase").codes[0]
    'intake'
    """
    try:
        return ALL[name]
    except KeyError:
        raise KeyError(f"no vocabulary called {name!r}; known: {', '.join(sorted(ALL))}") from None
