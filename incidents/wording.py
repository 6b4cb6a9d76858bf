"""The portal's own words for what an incident tells people, for each reader and in each language.

A letter, the public notice and the call-center card speak to whoever reads or hears them: an adult
about their own information, a parent about their child's, next of kin about the person who died, the
public about "the person". The catalog's descriptions (DataType.description) are written to an adult;
the catalog types are worded here for every reader, in English and Spanish. A type added to the catalog
later is described by its catalog text in English and by its label in Spanish.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from incidents.models import DataType, Incident
from incidents.readers import Language, Relationship

PUBLIC = "public"  # a reader the portal does not know: the public notice's self-check

# How the reader's relation to the person is said: "your" / "your child's" / ...
_POSSESSIVE = {
    Relationship.SELF: "your",
    Relationship.PARENT_GUARDIAN: "your child's",
    Relationship.NEXT_OF_KIN: "the deceased person's",
    PUBLIC: "the person's",
}
# The Spanish says whose it is after the noun ("el nombre de su hijo o hija"), or with "su" for the reader's own.
_SPANISH_OWNER = {
    Relationship.PARENT_GUARDIAN: "de su hijo o hija",
    Relationship.NEXT_OF_KIN: "de la persona fallecida",
    PUBLIC: "de la persona",
}

# key: English with {pos} for the possessive, then Spanish as (article, noun phrase, rest of the sentence).
_CATALOG: dict[str, tuple[str, tuple[str, str, str]]] = {
    "name": ("{Pos} first and last name.", ("el", "nombre completo", "")),
    "postal_address": (
        "{Pos} mailing address: the street address where mail is delivered.",
        ("la", "dirección postal", ""),
    ),
    "date_of_birth": ("{Pos} date of birth: the day, month and year.", ("la", "fecha de nacimiento", "")),
    "ssn": (
        "{Pos} nine-digit Social Security number, which can be used to open credit or file taxes in {pos} name.",
        ("el", "número de Seguro Social", ", que puede usarse para abrir cuentas de crédito o declarar impuestos"),
    ),
    "state_student_id": (
        "{Pos} state student ID: the number the state education department gives each student.",
        (
            "el",
            "número de identificación estatal de estudiante",
            ", que el departamento de educación del estado asigna a cada estudiante",
        ),
    ),
    "education_records": (
        "{Pos} school records, such as grades, attendance, class schedules, discipline or special education "
        "information.",
        (
            "los",
            "expedientes escolares",
            ", como calificaciones, asistencia, horarios de clases, disciplina o educación especial",
        ),
    ),
    "medical_information": (
        "{Pos} health information, such as conditions, medications, allergies, nurse visits or health plans kept "
        "by the school or clinic.",
        (
            "la",
            "información de salud",
            ", como enfermedades, medicamentos, alergias, visitas a la enfermería o planes de salud que guarda "
            "la escuela o la clínica",
        ),
    ),
    "health_insurance": (
        "{Pos} health insurance company, policy or member number, or Medicaid number.",
        (
            "los",
            "datos del seguro médico",
            ": la compañía de seguro, el número de póliza o de miembro, o el número de Medicaid",
        ),
    ),
    "financial_account": (
        "{Pos} bank account, credit card or debit card number, with or without a code that allows access to it.",
        (
            "el",
            "número de cuenta bancaria o de tarjeta de crédito o débito",
            ", con o sin el código que permite usarlo",
        ),
    ),
    "drivers_license": (
        "The number on {pos} driver's license or state identification card.",
        ("el", "número de licencia de conducir o de identificación estatal", ""),
    ),
    "username_password": (
        "{Pos} username or email address together with the password or security answer used to sign in to an account.",
        (
            "el",
            "nombre de usuario y contraseña",
            " (o el correo electrónico y la respuesta de seguridad) que se usan para entrar a una cuenta",
        ),
    ),
    "email_address": ("{Pos} email address.", ("la", "dirección de correo electrónico", "")),
    "phone_number": ("{Pos} home or mobile telephone number.", ("el", "número de teléfono fijo o celular", "")),
    "biometric_data": (
        "{Pos} biometric data: measurements of the body used to identify a person, such as fingerprints, face or "
        "voice prints.",
        (
            "los",
            "datos biométricos",
            ", como huellas digitales o rasgos de la cara o de la voz que sirven para identificar a una persona",
        ),
    ),
}
# The type's name inside a sentence ("the information involved your name and date of birth").
_ENGLISH_LABELS = {
    "ssn": "Social Security number",
    "state_student_id": "state student ID number",
    "financial_account": "financial account number",
    "drivers_license": "driver's license or state ID number",
}


def data_type_label(data_type: DataType, language: str) -> str:
    """The type named in a sentence, lower case: "medical information", "información de salud"."""
    spanish = _CATALOG.get(data_type.key)
    if language == Language.SPANISH and spanish:
        return spanish[1][1]
    if language == Language.SPANISH:
        return data_type.label.lower()
    return _ENGLISH_LABELS.get(data_type.key, data_type.label.lower())


def describe(data_type: DataType, reader: str, language: str = Language.ENGLISH) -> str:
    """A sentence saying what the type is, spoken to `reader` (a Relationship value, or PUBLIC)."""
    found = _CATALOG.get(data_type.key)
    if found is None:
        return data_type.description if language == Language.ENGLISH else data_type.label
    english, (article, noun, rest) = found
    if language == Language.SPANISH:
        if reader == Relationship.SELF:
            mine = "Sus" if article in ("los", "las") else "Su"
            return f"{mine} {noun}{rest}."
        owner = _SPANISH_OWNER.get(reader, _SPANISH_OWNER[PUBLIC])
        return f"{article.capitalize()} {noun} {owner}{rest}."
    possessive = _POSSESSIVE.get(reader, _POSSESSIVE[PUBLIC])
    return english.format(Pos=possessive[0].upper() + possessive[1:], pos=possessive)


@dataclass(frozen=True)
class WordedType:
    """A data type as one reader hears it: its label and a sentence describing it."""

    key: str
    label: str
    description: str


def worded(types: list[DataType], reader: str, language: str = Language.ENGLISH) -> list[WordedType]:
    label = (
        (lambda t: t.label) if language == Language.ENGLISH else (lambda t: data_type_label(t, language).capitalize())
    )
    return [WordedType(t.key, label(t), describe(t, reader, language)) for t in types]


# Time zones as people say them, for the hotline's hours.
ZONE_NAMES: Mapping[str, Mapping[str, str]] = {
    "America/New_York": {Language.ENGLISH: "Eastern time", Language.SPANISH: "hora del Este"},
    "America/Chicago": {Language.ENGLISH: "Central time", Language.SPANISH: "hora del Centro"},
    "America/Denver": {Language.ENGLISH: "Mountain time", Language.SPANISH: "hora de la Montaña"},
    "America/Phoenix": {Language.ENGLISH: "Arizona time", Language.SPANISH: "hora de Arizona"},
    "America/Los_Angeles": {Language.ENGLISH: "Pacific time", Language.SPANISH: "hora del Pacífico"},
    "America/Anchorage": {Language.ENGLISH: "Alaska time", Language.SPANISH: "hora de Alaska"},
    "Pacific/Honolulu": {Language.ENGLISH: "Hawaii time", Language.SPANISH: "hora de Hawái"},
}
# Words that show the hours already name their time zone.
_ZONE_WORDS = ("time", "hora", "cst", "cdt", "est", "edt", "mst", "mdt", "pst", "pdt", "central", "eastern",
               "pacific", "mountain", "centro", "este")  # fmt: skip


def zone_name(zone: str, language: str = Language.ENGLISH) -> str:
    names = ZONE_NAMES.get(zone)
    return names.get(language, names[Language.ENGLISH]) if names else zone


def hours_with_zone(hours: str, zone: str, language: str = Language.ENGLISH) -> str:
    """The hours with their time zone said once: "Monday to Friday, 8 a.m. to 5 p.m. (Central time)"; hours
    that already name a zone are left as written."""
    hours = hours.strip()
    if hours.endswith(".") and not hours.endswith(("a.m.", "p.m.", "a. m.", "p. m.")):
        hours = hours[:-1]
    if not hours:
        return ""
    words = set(hours.lower().replace(",", " ").replace(".", " ").replace("(", " ").replace(")", " ").split())
    if words & set(_ZONE_WORDS):
        return hours
    return f"{hours} ({zone_name(zone, language)})"


def hotline_hours(incident: Incident, language: str = Language.ENGLISH) -> str:
    """The incident's hotline hours in `language`, with their time zone said once."""
    return hours_with_zone(incident.text("hotline_hours", language), incident.hotline_time_zone, language)


_MONTHS: dict[str, list[str]] = {
    language: names.split()
    for language, names in {
        Language.ENGLISH: "January February March April May June July August September October November December",
        Language.SPANISH: "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    }.items()
}


def written_date(value: date | None, language: str = Language.ENGLISH) -> str:
    """October 20, 2026; 20 de octubre de 2026."""
    if value is None:
        return ""
    month = _MONTHS.get(language, _MONTHS[Language.ENGLISH])[value.month - 1]
    if language == Language.SPANISH:
        return f"{value.day} de {month} de {value.year}"
    return f"{month} {value.day}, {value.year}"


# The public notice's own words, in each language it is published in.
NOTICE_TEXT: Mapping[str, Mapping[str, str]] = {
    Language.ENGLISH: {
        "heading": "Notice of data breach",
        "call": "Questions? Call",
        "have_code": "Have the reference code printed on your letter ready.",
        "write": "You may also write to",
        "check_heading": "Check whether you are affected",
        "check_intro": (
            "Type the reference code printed on your letter and the date of birth of the person the letter is "
            "about (your child's, if the letter came to you as a parent or guardian). What you type is not kept."
        ),
        "confirmed": "Yes: this person's information was involved",
        "involved": "The information involved:",
        "none_recorded": "No type of information is recorded; please call the hotline.",
        "sections_say": "The sections above say what you can do.",
        "anything_else": "For anything else, call",
        "limited_heading": "Too many checks",
        "limited": "Too many checks were made from this connection or for this code in the past hour. Please "
        "try again later",
        "or_call": "or call",
        "not_confirmed_heading": "We could not confirm this",
        "not_confirmed": "We could not confirm a notice for this reference code and date of birth. Check both "
        "against your letter and try again",
        "check": "Check",
        "updates": "Updates",
        "published": "Published",
        "updated": "updated",
        "faq": "Questions and answers",
        "other_language": "Español",
        "other_language_note": "Lea este aviso en español",
        "title_confirmed": "Confirmed",
        "title_limited": "Too many checks",
        "title_not_confirmed": "Not confirmed",
    },
    Language.SPANISH: {
        "heading": "Aviso de incidente de seguridad de datos",
        "call": "¿Preguntas? Llame al",
        "have_code": "Tenga a mano el código de referencia que aparece en su carta.",
        "write": "También puede escribirnos por correo electrónico a",
        "check_heading": "Verifique si sus datos se vieron afectados",
        "check_intro": (
            "Escriba el código de referencia que aparece en su carta y la fecha de nacimiento de la persona a la "
            "que se refiere la carta (la de su hijo o hija, si recibió la carta como padre, madre o tutor). No "
            "guardamos lo que escriba."
        ),
        "confirmed": "Sí: la información de esta persona se vio afectada",
        "involved": "La información afectada:",
        "none_recorded": "No tenemos registrado qué información se vio afectada; llame a la línea de ayuda.",
        "sections_say": "Las secciones de arriba explican lo que puede hacer.",
        "anything_else": "Para cualquier otra consulta, llame al",
        "limited_heading": "Demasiadas consultas",
        "limited": "En la última hora se hicieron demasiadas consultas desde esta conexión o con este código. "
        "Vuelva a intentarlo más tarde",
        "or_call": "o llame al",
        "not_confirmed_heading": "No pudimos confirmarlo",
        "not_confirmed": "No pudimos confirmar un aviso para este código de referencia y esta fecha de nacimiento. "
        "Revise que los dos datos sean iguales a los de su carta y vuelva a intentarlo",
        "check": "Verificar",
        "updates": "Novedades",
        "published": "Publicado el",
        "updated": "actualizado el",
        "faq": "Preguntas frecuentes",
        "english_only": "Las novedades y las preguntas frecuentes solo están en la versión en inglés de este aviso:",
        "other_language": "English",
        "other_language_note": "Read this notice in English",
        "title_confirmed": "Confirmado",
        "title_limited": "Demasiadas consultas",
        "title_not_confirmed": "No confirmado",
        "reference_code": "Código de referencia de la carta",
        "date_of_birth": "Fecha de nacimiento de la persona a la que se refiere la carta",
        "date_hint": "MM/DD/AAAA",
        "reference_code_error": "Escriba el código de referencia tal como aparece en la carta: 12 letras y números, "
        "como K7QX-M4TP-9RWD.",
        "date_of_birth_error": "Escriba la fecha de nacimiento como MM/DD/AAAA, por ejemplo 05/01/2012.",
    },
}
