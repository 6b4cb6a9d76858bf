"""The recipient matrix: named kinds of recipient that every letter (and later every e-mail or text message)
must get right, and an incident modelled on the founding notice, in English and Spanish.

Each kind is a `Kind`; `people(incident, kinds, language)` stores one person and recipient per kind. Tests
read back what each reader got and check it with the checks below, so a new channel reuses the same
people and the same checks. Everything here is synthetic.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from incidents import wording
from incidents.models import DataType, Incident
from incidents.readers import Language, Relationship
from notifications.letters import states
from people.models import Individual, Recipient
from portal.lib.phone import NATIONAL_STYLE
from portal.testing import IncidentFactory, IndividualFactory, RecipientFactory, expose, residents

NOTICE_ON = date(2026, 12, 10)
HOTLINE = "+18667754209"
HOTLINE_DIALLED = "(866) 775-4209"

INCIDENT = {
    "title": "Student files copied to a personal mailbox",
    "title_es": "Archivos de estudiantes copiados a un correo personal",
    "organisation_name": "Maple Hollow R-III School District",
    "organisation_type": residents.ORGANISATION,
    "occurred_on": date(2026, 8, 3),
    "discovered_on": date(2026, 9, 14),
    "notice_on": NOTICE_ON,
    "what_happened": (
        "On September 14, 2026, the District learned that an employee had copied student files to a personal "
        "email account without authorization. The District disabled the account the next day."
    ),
    "what_information": "The files held records kept by the District about enrolled and former students.",
    "what_we_are_doing": "The District notified law enforcement and added safeguards on exporting student files.",
    "what_you_can_do": "Watch for mail about accounts or services that nobody asked for, and tell the District.",
    "for_more_information": "The District posts updates on its public notice page.",
    "what_happened_es": (
        "El 14 de septiembre de 2026, el Distrito se enteró de que un empleado había copiado, sin autorización, "
        "archivos de estudiantes a una cuenta de correo personal. El Distrito desactivó la cuenta al día siguiente."
    ),
    "what_information_es": (
        "Los archivos contenían datos que el Distrito guarda sobre estudiantes actuales y anteriores."
    ),
    "what_we_are_doing_es": (
        "El Distrito avisó a la policía y añadió controles para la exportación de archivos de estudiantes."
    ),
    "what_you_can_do_es": (
        "Preste atención a cartas sobre cuentas o servicios que nadie haya solicitado e informe al Distrito."
    ),
    "for_more_information_es": "El Distrito publica novedades en la página de su aviso público.",
    "hotline_phone": HOTLINE,
    "hotline_hours": "Monday to Friday, 8:00 a.m. to 5:30 p.m.",
    "hotline_hours_es": "de lunes a viernes, de 8:00 a. m. a 5:30 p. m.",
    "hotline_time_zone": "America/Chicago",
    "contact_email": "privacy@maplehollow.example.org",
    "return_address": "400 Schoolhouse Road\nMaple Hollow MO 65999",
}
ALL_TYPES = ("name", "postal_address", "date_of_birth", "ssn", "state_student_id", "education_records",
             "medical_information", "health_insurance", "financial_account", "drivers_license", "username_password",
             "email_address", "phone_number", "biometric_data")  # fmt: skip


@dataclass(frozen=True)
class Kind:
    """One kind of recipient: whose data, who reads the letter, where they live, what was exposed."""

    name: str
    relationship: str
    first: str
    last: str
    reader: str  # the recipient's name as an import file gives it
    salutation: str  # what the letter must say to them, English
    salutation_es: str
    middle: str = ""
    suffix: str = ""
    deceased: bool = False
    born: date = date(2012, 5, 1)
    state: str = "MO"
    street: str = "12 Synthetic Lane"
    street2: str = ""
    city: str = "Maple Hollow"
    postal_code: str = "65999"
    types: tuple[str, ...] = ("name", "postal_address")
    extra: dict[str, str] = field(default_factory=dict)


ADULT = date(1990, 2, 3)
KINDS: tuple[Kind, ...] = (
    Kind(
        "adult_self",
        Relationship.SELF,
        "Owen",
        "Fitzgerald",
        reader="Fitzgerald, Owen",  # as some exports write it
        salutation="Dear Owen Fitzgerald:",
        salutation_es="Apreciable Owen Fitzgerald:",
        born=date(2007, 1, 9),
        types=("name", "date_of_birth", "education_records"),
    ),
    Kind(
        "minor_with_guardian",
        Relationship.PARENT_GUARDIAN,
        "Maya",
        "Okafor",
        reader="Okafor, Grace",
        salutation="Dear Grace Okafor:",
        salutation_es="Apreciable Grace Okafor:",
        state="KS",
        city="Prairie Glen",
        postal_code="66999",
        types=("name", "medical_information", "state_student_id"),
    ),
    Kind(
        "minor_without_guardian_name",
        Relationship.PARENT_GUARDIAN,
        "Liam",
        "Brooks",
        reader="Parent or Guardian of Liam Brooks",
        salutation="Dear Parent or Guardian of Liam Brooks:",
        salutation_es="Estimada familia de Liam Brooks:",
        state="NY",
        city="Albany",
        postal_code="12207",
        types=("name", "postal_address", "ssn"),
    ),
    Kind(
        "deceased_next_of_kin",
        Relationship.NEXT_OF_KIN,
        "Harold",
        "Whitaker",
        reader="Ruth Whitaker",
        salutation="Dear Ruth Whitaker:",
        salutation_es="Apreciable Ruth Whitaker:",
        deceased=True,
        born=ADULT,
        state="MD",
        city="Baltimore",
        postal_code="21201",
        types=("name", "date_of_birth", "health_insurance"),
    ),
    Kind(
        "suffix_and_particle",
        Relationship.SELF,
        "José Luis",
        "de la Cruz",
        suffix="Jr.",
        reader="de la Cruz, José Luis, Jr.",
        salutation="Dear José Luis de la Cruz Jr.:",
        salutation_es="Apreciable José Luis de la Cruz Jr.:",
        born=ADULT,
        types=("name", "financial_account"),
    ),
    Kind(
        "long_name_and_address",
        Relationship.PARENT_GUARDIAN,
        "Maximiliana",
        "Constantinopoulou-Vanderbilt",
        middle="Alexandrina",
        reader="Bartholomew Alexander Constantinopoulou-Vanderbilt",
        salutation="Dear Bartholomew Alexander Constantinopoulou-Vanderbilt:",
        salutation_es="Apreciable Bartholomew Alexander Constantinopoulou-Vanderbilt:",
        state="TX",
        street="12345 North Old Settlers Cemetery Memorial Highway Apt 1204",
        street2="Building C, Attention Rear Entrance Mailroom",
        city="Lake Jackson Heights",
        postal_code="77566-4521",
        types=ALL_TYPES,  # every type together
    ),
    # Each exposed type alone, to an adult reading about their own information.
    *(
        Kind(
            f"only_{key}",
            Relationship.SELF,
            "Nora",
            f"Single{n}",
            reader=f"Nora Single{n}",
            salutation=f"Dear Nora Single{n}:",
            salutation_es=f"Apreciable Nora Single{n}:",
            born=ADULT,
            state="MO" if n % 2 else "IL",
            types=(key,),
        )
        for n, key in enumerate(ALL_TYPES)
    ),
)


def resident_kinds() -> tuple[Kind, ...]:
    """An adult resident of each jurisdiction whose law adds a block to the letter or keeps a part out of
    it, from the jurisdictions table, with a Social Security number exposed (which every state's law names)."""
    return tuple(
        Kind(f"resident_{code.lower()}", Relationship.SELF, "Rowan", f"Resident-{code.title()}",
             reader=f"Rowan Resident-{code.title()}", salutation=f"Dear Rowan Resident-{code.title()}:",
             salutation_es=f"Apreciable Rowan Resident-{code.title()}:", born=ADULT, state=code,
             city="Capital City", postal_code="00501", types=("name", "ssn"))
        for code in sorted(states.shaping_jurisdictions())
    )  # fmt: skip


BY_NAME = {kind.name: kind for kind in KINDS}


def incident(**overrides: object) -> Incident:
    """The matrix's incident, exposing every type its people carry between them."""
    created = IncidentFactory.create(**{**INCIDENT, **overrides})
    created.data_types.set(DataType.objects.filter(key__in=residents.EXPOSED))
    return created


def person(incident: Incident, kind: Kind, language: str) -> Recipient:
    individual = IndividualFactory.create(
        incident=incident,
        first_name=kind.first,
        middle_name=kind.middle,
        last_name=kind.last,
        suffix=kind.suffix,
        date_of_birth=kind.born,
        is_deceased=kind.deceased,
        language=language,
    )
    expose(individual, *kind.types)
    return RecipientFactory.create(
        individual=individual,
        relationship=kind.relationship,
        name=kind.reader,
        address_line1=kind.street,
        address_line2=kind.street2,
        city=kind.city,
        state=kind.state,
        postal_code=kind.postal_code,
    )


def people(incident: Incident, kinds: Iterable[Kind] = KINDS, languages: Sequence[str] = ("en", "es")) -> None:
    for language in languages:
        for kind in kinds:
            person(incident, kind, language)


def kind_of(recipient: Recipient) -> Kind:
    individual: Individual = recipient.individual
    known = (*KINDS, *resident_kinds())
    return next(k for k in known if (k.first, k.last) == (individual.first_name, individual.last_name))


# The checks, on the plain text a reader gets (whitespace already folded to single spaces).

_PHONE = re.compile(r"(?<![\w-])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}(?![\w-])")
_FOOTER = re.compile(r"Ref\. [A-Z0-9-]+ · \w+ \d{6}|\b(?:Page|Página) \d+ (?:of|de) \d+")
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+(?=[A-Z¿¡ÁÉÍÓÚÑ(])")
_ABBREVIATIONS = ("P.O.", "a.", "p.", "Jr.", "St.", "E.", "Ref.")


def phones_not_dialled(text: str) -> list[str]:
    """Every telephone number that is not written (800) 555-0199, and any +1."""
    found = [m.group(0) for m in _PHONE.finditer(text) if not NATIONAL_STYLE.fullmatch(m.group(0))]
    return found + (["+1"] if "+1" in text else [])


def sentences(text: str) -> list[str]:
    """The text's sentences (of some length: a heading or an address line is not one)."""
    parts: list[str] = []
    for piece in _SENTENCE_END.split(text):
        if parts and parts[-1].endswith(_ABBREVIATIONS):
            parts[-1] += " " + piece
        else:
            parts.append(piece)
    return [p.strip() for p in parts if len(p.strip()) >= 30]


def repeated_sentences(text: str) -> list[str]:
    """Sentences said twice. Each is looked for by its last words, since a heading can run into the sentence
    that follows it in extracted text."""
    return list(dict.fromkeys(s for s in sentences(text) if text.count(s[-60:]) > 1))


# The incident's dates other than the letter's own: each is a fact the letter states once, however it is
# phrased around it ("the District learned ... on September 14, 2026", "We discovered it on September 14, 2026").
FACT_DATES = ("occurred_on", "discovered_on", "contained_on")


def facts_said_twice(text: str, language: str) -> list[str]:
    """The incident's dates that the text gives more than once."""
    written = (wording.written_date(INCIDENT.get(name), language) for name in FACT_DATES)  # type: ignore[arg-type]
    return [date for date in written if date and text.count(date) > 1]


def labels(kind: Kind, language: str) -> list[str]:
    """Each exposed type in plain language, as the letter must name it."""
    types = DataType.objects.filter(key__in=kind.types)
    return [wording.data_type_label(t, language) for t in types]


# What RSMo 407.1500.2(4) asks every notice to describe, as the standard letter says it in each language:
# (a) the incident in general terms, (b) the type of personal information, (c) a telephone number for
# further information and assistance, (d) contact information for consumer reporting agencies, and
# (e) advice to remain vigilant by reviewing account statements and monitoring free credit reports.
MISSOURI_ELEMENTS: dict[str, dict[str, list[str]]] = {
    Language.ENGLISH: {
        "the incident in general terms": ["What happened", str(INCIDENT["what_happened"])],
        "the type of personal information": ["What information was involved", "The information involved"],
        "a telephone number for assistance": [f"assistance line at {HOTLINE_DIALLED}"],
        "the consumer reporting agencies": [
            "Equifax P.O. Box 105788 Atlanta, GA 30348-5788 (888) 298-0045",
            "Experian P.O. Box 9554 Allen, TX 75013 (888) 397-3742",
            "TransUnion P.O. Box 2000 Chester, PA 19016 (800) 680-7289",
        ],
        "advice to remain vigilant": [
            "remain vigilant by reviewing account statements and monitoring free credit reports"
        ],
    },
    Language.SPANISH: {
        "the incident in general terms": ["Qué sucedió", str(INCIDENT["what_happened_es"])],
        "the type of personal information": ["Qué información se vio afectada", "que se vieron afectados son"],
        "a telephone number for assistance": [f"línea de ayuda al {HOTLINE_DIALLED}"],
        "the consumer reporting agencies": [
            "Equifax P.O. Box 105788 Atlanta, GA 30348-5788 (888) 298-0045",
            "Experian P.O. Box 9554 Allen, TX 75013 (888) 397-3742",
            "TransUnion P.O. Box 2000 Chester, PA 19016 (800) 680-7289",
        ],
        "advice to remain vigilant": [
            "mantenerse alerta: revise sus estados de cuenta y vigile sus informes de crédito"
        ],
    },
}

# Words that show English in a Spanish text (agencies' official names are taken out before looking).
ENGLISH_WORDS = re.compile(
    r"\b(the|and|your|you|of|with|please|dear|page|piece|regarding|sincerely|information|call|letter)\b", re.I
)


def problems(text: str, kind: Kind, language: str, letter_date: date, english: str = "") -> list[str]:
    """What is wrong with the letter `text` sent to `kind` in `language` (empty when nothing is).

    `english`, for a Spanish letter, is the English letter to the same kind of reader: none of its sentences
    may appear in the Spanish one."""
    spanish = language == Language.SPANISH
    found = _english_in_spanish(text, kind, english) if spanish else []
    text = _FOOTER.sub(" ", text)  # each page's footer: the checks read the letter's own text
    if wording.written_date(letter_date, language) not in text:
        found.append(f"not dated {wording.written_date(letter_date, language)}")
    found += [f"telephone number not as dialled: {p}" for p in phones_not_dialled(text)]
    if text.count(HOTLINE_DIALLED) != 1:
        found.append(f"the hotline is given {text.count(HOTLINE_DIALLED)} times")
    written_hours = str(INCIDENT["hotline_hours_es" if spanish else "hotline_hours"])
    hours = wording.hours_with_zone(written_hours, "America/Chicago", language)
    if text.count(hours) != 1:
        found.append(f"the hours “{hours}” are given {text.count(hours)} times")
    found += [f"said twice: {s}" for s in repeated_sentences(text)]
    found += [f"a fact said twice: {fact}" for fact in facts_said_twice(text, language)]
    salutation = kind.salutation_es if spanish else kind.salutation
    if salutation not in text:
        found.append(f"no salutation “{salutation}”")
    found += _relationship_problems(text.lower(), kind, spanish)
    found += [f"data type not named: {label}" for label in labels(kind, language) if label not in text]
    kept_out = "what_happened" in residents.rules(kind.state, language).omit
    for element, phrases in MISSOURI_ELEMENTS[language].items():
        if not (kept_out and element == "the incident in general terms"):
            found += [f"RSMo 407.1500.2(4), {element}: missing “{p}”" for p in phrases if p not in text]
    what_happened = str(INCIDENT["what_happened_es" if spanish else "what_happened"])
    return found + residents.problems(text, kind.state, language, what_happened)


def _relationship_problems(lowered: str, kind: Kind, spanish: bool) -> list[str]:
    child, deceased = ("su hijo o hija", "fallecid") if spanish else ("your child", "deceased")
    if kind.relationship == Relationship.PARENT_GUARDIAN and child not in lowered:
        return [f"a parent is not told about “{child}”"]
    if kind.relationship != Relationship.PARENT_GUARDIAN and child in lowered:
        return [f"“{child}” said to someone who is not a parent"]
    if kind.relationship == Relationship.NEXT_OF_KIN and deceased not in lowered:
        return ["next of kin not told about the person who died"]
    if kind.relationship != Relationship.NEXT_OF_KIN and deceased in lowered:
        return ["a living person's letter speaks of the deceased"]
    return []


def _english_in_spanish(text: str, kind: Kind, english: str) -> list[str]:
    found = [f"English sentence in the Spanish letter: {s}" for s in sentences(english) if s in text]
    for name in ("what_happened", "what_information", "what_we_are_doing", "what_you_can_do", "for_more_information"):
        if str(INCIDENT[name]) in text:
            found.append(f"the incident's English “{name}” in the Spanish letter")
    words = ENGLISH_WORDS.findall(residents.without_blocks(text, kind.state, Language.SPANISH))
    return found + ([f"English words in the Spanish letter: {', '.join(sorted(set(words)))}"] if words else [])
