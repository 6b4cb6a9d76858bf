"""A fictional district and an incident modelled on the founding case, with synthetic people.

Every name, address and number here is invented: 555-01xx telephone
numbers, streets and towns that do not exist. Data comes from a fixed
random seed so two runs look alike; reference codes still come from
`secrets`, because they are credentials.
"""

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from incidents.models import DataType, Incident
from incidents.readers import Relationship
from people import figures as people_figures
from people.models import Exposure, Individual, Recipient
from portal.lib import refcode
from portal.lib.text import last_word, search_key
from public.models import FaqEntry

SLUG = "riverbend-student-records"
SIZE = 2000

INCIDENT = {
    "slug": SLUG,
    "title": "Student records sent to a personal mailbox",
    "organisation_name": "Riverbend R-VII School District",
    "organisation_state": "MO",
    "occurred_on": date(2026, 8, 3),
    "discovered_on": date(2026, 9, 14),
    "contained_on": date(2026, 9, 15),
    "notice_on": date(2026, 10, 20),
    "what_happened": (
        "On September 14, 2026, the District learned that a staff member had copied files containing student "
        "information to a personal email account without authorization. The District disabled the account the "
        "next day, recovered the files, and began an investigation with outside specialists."
    ),
    "what_information": (
        "The files included student names, home addresses, dates of birth, state student ID numbers and education "
        "records. For some students they also included medical information kept by the school nurse."
    ),
    "what_we_are_doing": (
        "The District has notified law enforcement, the Missouri Department of Elementary and Secondary Education, "
        "the Attorney General and the State Auditor. We have reviewed who can export student files and added "
        "safeguards so that this cannot happen the same way again."
    ),
    "what_you_can_do": (
        "Watch for mail, bills or calls about accounts or services that you did not ask for, and tell the District "
        "if you notice any."
    ),
    "for_more_information": "Updates and answers to common questions are posted on the District's public notice page.",
    "title_es": "Expedientes de estudiantes enviados a un correo personal",
    "what_happened_es": (
        "El 14 de septiembre de 2026, el Distrito se enteró de que un miembro del personal había copiado, sin "
        "autorización, archivos con información de estudiantes a una cuenta de correo electrónico personal. Al día "
        "siguiente, el Distrito desactivó la cuenta, recuperó los archivos e inició una investigación con "
        "especialistas externos."
    ),
    "what_information_es": (
        "Los archivos contenían nombres, direcciones, fechas de nacimiento, números de identificación estatal y "
        "expedientes escolares de estudiantes. En el caso de algunos estudiantes, también contenían información "
        "de salud que guarda la enfermería de la escuela."
    ),
    "what_we_are_doing_es": (
        "El Distrito avisó a la policía, al Departamento de Educación Primaria y Secundaria de Missouri, a la "
        "Fiscalía General y a la Auditoría Estatal. Revisamos quién puede exportar archivos de estudiantes y "
        "añadimos controles para que esto no vuelva a ocurrir de la misma manera."
    ),
    "what_you_can_do_es": (
        "Preste atención a cartas, facturas o llamadas sobre cuentas o servicios que usted no haya solicitado, e "
        "informe al Distrito si nota algo así."
    ),
    "for_more_information_es": (
        "El Distrito publica novedades y respuestas a preguntas frecuentes, en inglés, en la página de su aviso "
        "público."
    ),
    "hotline_phone": "+18005550199",
    "ferpa_party": "A personal e-mail account of a district employee, outside the district",
    "ferpa_description": "Student files copied to the account without authorization; recovered by the district",
    "hotline_hours": "Monday to Friday, 8:00 a.m. to 5:30 p.m.",
    "hotline_hours_es": "de lunes a viernes, de 8:00 a. m. a 5:30 p. m.",
    "hotline_time_zone": "America/Chicago",
    "hotline_days": "01234",
    "hotline_opens_at": time(8, 0),
    "hotline_closes_at": time(17, 30),
    "contact_email": "privacy@riverbend.example.org",
}

NOTICE_UPDATED_ON = date(2026, 10, 20)
NOTICE_UPDATE = "Letters to every affected family and student are in the mail this week."
FAQ = [
    (
        "Why did I get this letter?",
        "Your information, or your child's, was in the files the staff member copied. The letter says which kinds "
        "of information were involved.",
    ),
    (
        "Has anyone misused the information?",
        "The District has no evidence that the information was misused. The files were recovered and the account "
        "was disabled the day after the District learned of it.",
    ),
    (
        "Should I freeze my child's credit?",
        "A freeze is free and stops new credit in your child's name. Contact each of the three nationwide consumer "
        "reporting agencies; the letter lists how to reach them.",
    ),
    (
        "Can you send the letter again?",
        "Yes. Once we have confirmed who you are, we can mail it again, to a corrected address if needed.",
    ),
]
DATA_TYPES = ["name", "postal_address", "date_of_birth", "state_student_id", "education_records", "medical_information"]

FIRST = [
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Elijah",
    "Sofía",
    "Mateo",
    "Isabella",
    "Lucas",
    "Mia",
    "Ethan",
    "Amelia",
    "James",
    "Harper",
    "Benjamin",
    "Evelyn",
    "Henry",
    "Chloé",
    "José",
    "Zoë",
    "Owen",
    "Aaliyah",
    "Caleb",
    "Nora",
    "Wyatt",
    "Grace",
    "Jayden",
    "Lily",
    "Isaiah",
    "Hannah",
    "Gabriel",
    "Maya",
    "Jonah",
    "Renée",
    "Luis",
]
LAST = [
    "Anderson",
    "Brooks",
    "Carter",
    "Delgado",
    "Ellison",
    "Fischer",
    "García",
    "Hughes",
    "Ibarra",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Martínez",
    "Nguyen",
    "O'Brien",
    "Patel",
    "Quinlan",
    "Ramírez",
    "Schneider",
    "Thompson",
    "Underwood",
    "Vasquez",
    "Whitaker",
    "Xiong",
    "Young",
    "Zimmerman",
    "Muñoz",
    "Baptiste",
    "Castellanos",
    "Dubois",
    "Okafor",
    "Haddad",
    "Kim",
    "Lefèvre",
    "Mbeki",
    "St. John",
]
STREETS = [
    "Bluff View",
    "Cedar Hollow",
    "Ferry Landing",
    "Heron Creek",
    "Limestone",
    "Millrace",
    "Osage Bend",
    "Pawpaw",
    "Quarry Ridge",
    "Sassafras",
    "Sycamore Bottom",
    "Willow Ford",
]
SUFFIXES = ["Road", "Lane", "Drive", "Court", "Street"]
TOWNS = [("Riverbend", "65999"), ("Cedar Bluff", "65998"), ("Osage Landing", "65997")]


@dataclass
class DemoPerson:
    individual: Individual
    recipient: Recipient
    data_type_keys: list[str]


def _birth_date(rng: random.Random, notice: date) -> date:
    age_days = rng.randint(5 * 365, 19 * 365) if rng.random() < 0.97 else rng.randint(19 * 365, 60 * 365)
    return notice - timedelta(days=age_days)


def _address(rng: random.Random) -> dict[str, str]:
    if rng.random() < 0.02:  # no usable address: substitute notice
        return {}
    town, zip_code = rng.choice(TOWNS)
    return {
        "address_line1": f"{rng.randint(100, 9899)} {rng.choice(STREETS)} {rng.choice(SUFFIXES)}",
        "address_line2": f"Apt {rng.randint(1, 24)}" if rng.random() < 0.1 else "",
        "city": town,
        "state": "MO",
        "postal_code": zip_code,
    }


def _recipient_for(rng: random.Random, person: Individual, minor_cutoff: date, surname: str) -> Recipient:
    guardian = f"{rng.choice(FIRST)} {surname}"
    if person.is_deceased:
        relationship, name = Relationship.NEXT_OF_KIN, guardian
    elif person.date_of_birth and person.date_of_birth > minor_cutoff:
        relationship = Relationship.PARENT_GUARDIAN
        name = guardian if rng.random() < 0.9 else f"Parent or Guardian of {person.full_name}"
    else:
        relationship, name = Relationship.SELF, person.full_name
    return Recipient(
        relationship=relationship,
        name=name,
        name_key=search_key(name),
        last_name_key=last_word(search_key(name)),
        phone=f"+1573555{rng.randint(100, 199):04d}",
        reference_code=refcode.generate(),
        **_address(rng),
    )


def people(incident: Incident, rng: random.Random, size: int = SIZE) -> list[DemoPerson]:
    notice = incident.notice_on or incident.discovered_on
    cutoff = incident.minor_cutoff()
    result = []
    for n in range(size):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        person = Individual(
            incident=incident,
            external_id=f"{9000000000 + n * 7919 % 999983:010d}",
            first_name=first,
            last_name=last,
            date_of_birth=_birth_date(rng, notice),
            is_deceased=rng.random() < 0.003,
            language="es" if rng.random() < 0.1 else "en",
            first_name_key=search_key(first),
            last_name_key=search_key(last),
        )
        keys = DATA_TYPES[:5] + (["medical_information"] if rng.random() < 0.3 else [])
        result.append(DemoPerson(person, _recipient_for(rng, person, cutoff, last), keys))
    return result


def store(incident: Incident, demo_people: list[DemoPerson]) -> None:
    """Bulk-insert people, recipients and exposures (the caller holds the transaction)."""
    types = dict(DataType.objects.values_list("key", "pk"))
    individuals = Individual.objects.bulk_create([p.individual for p in demo_people], batch_size=500)
    for person, individual in zip(demo_people, individuals, strict=True):
        person.recipient.incident, person.recipient.individual = incident, individual
    Recipient.objects.bulk_create([p.recipient for p in demo_people], batch_size=500)
    exposures = [
        Exposure(incident=incident, individual=p.individual, data_type_id=types[key])
        for p in demo_people
        for key in p.data_type_keys
    ]
    Exposure.objects.bulk_create(exposures, batch_size=1000)
    people_figures.count_now(incident)
    FaqEntry.objects.bulk_create(
        FaqEntry(incident=incident, question=q, answer=a, sort_order=(n + 1) * 10) for n, (q, a) in enumerate(FAQ)
    )
