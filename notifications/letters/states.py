"""State inserts: the regulator contact blocks some states ask breach letters to carry.

Each entry is (title, lines) in English and in Spanish. Kept in code, reviewed like the
obligations rules: a change here changes every future letter to that state. Agencies keep
their official (English) names; telephone numbers are in the national form people dial.
"""

from types import MappingProxyType

_Insert = tuple[str, tuple[str, ...]]

STATE_INSERTS: dict[str, dict[str, _Insert]] = {
    "DC": {
        "en": (
            "For District of Columbia residents",
            (
                "Office of the Attorney General for the District of Columbia",
                "400 6th Street NW, Washington, DC 20001",
                "(202) 727-3400 · oag.dc.gov",
            ),
        ),
        "es": (
            "Para residentes del Distrito de Columbia",
            (
                "Office of the Attorney General for the District of Columbia "
                "(Fiscalía General del Distrito de Columbia)",
                "400 6th Street NW, Washington, DC 20001",
                "(202) 727-3400 · oag.dc.gov",
            ),
        ),
    },
    "IA": {
        "en": (
            "For Iowa residents",
            (
                "You may report suspected identity theft to local law enforcement or to the Attorney General.",
                "Office of the Attorney General of Iowa, Consumer Protection Division",
                "1305 E. Walnut Street, Des Moines, IA 50319 · (515) 281-5926",
            ),
        ),
        "es": (
            "Para residentes de Iowa",
            (
                "Si sospecha que le robaron su identidad, puede denunciarlo ante la policía local o ante la "
                "Fiscalía General de Iowa.",
                "Office of the Attorney General of Iowa, Consumer Protection Division "
                "(Fiscalía General, Protección al Consumidor)",
                "1305 E. Walnut Street, Des Moines, IA 50319 · (515) 281-5926",
            ),
        ),
    },
    "MD": {
        "en": (
            "For Maryland residents",
            (
                "Maryland Office of the Attorney General, Consumer Protection Division",
                "200 St. Paul Place, Baltimore, MD 21202",
                "(888) 743-0023 · www.marylandattorneygeneral.gov",
            ),
        ),
        "es": (
            "Para residentes de Maryland",
            (
                "Maryland Office of the Attorney General, Consumer Protection Division "
                "(Fiscalía General, Protección al Consumidor)",
                "200 St. Paul Place, Baltimore, MD 21202",
                "(888) 743-0023 · www.marylandattorneygeneral.gov",
            ),
        ),
    },
    "MO": {
        "en": (
            "For Missouri residents",
            (
                "Missouri Attorney General's Office, Consumer Protection Unit",
                "Supreme Court Building, 207 West High Street, Jefferson City, MO 65101",
                "(800) 392-8222 · ago.mo.gov",
            ),
        ),
        "es": (
            "Para residentes de Missouri",
            (
                "Missouri Attorney General's Office, Consumer Protection Unit "
                "(Fiscalía General, Protección al Consumidor)",
                "Supreme Court Building, 207 West High Street, Jefferson City, MO 65101",
                "(800) 392-8222 · ago.mo.gov",
            ),
        ),
    },
    "NC": {
        "en": (
            "For North Carolina residents",
            (
                "North Carolina Attorney General's Office, Consumer Protection Division",
                "9001 Mail Service Center, Raleigh, NC 27699-9001",
                "(877) 566-7226 · www.ncdoj.gov",
            ),
        ),
        "es": (
            "Para residentes de Carolina del Norte",
            (
                "North Carolina Attorney General's Office, Consumer Protection Division "
                "(Fiscalía General, Protección al Consumidor)",
                "9001 Mail Service Center, Raleigh, NC 27699-9001",
                "(877) 566-7226 · www.ncdoj.gov",
            ),
        ),
    },
    "NY": {
        "en": (
            "For New York residents",
            (
                "New York Attorney General, Bureau of Internet and Technology",
                "The Capitol, Albany, NY 12224-0341",
                "(800) 771-7755 · ag.ny.gov",
            ),
        ),
        "es": (
            "Para residentes de Nueva York",
            (
                "New York Attorney General, Bureau of Internet and Technology (Fiscalía General, Oficina de Internet y "
                "Tecnología)",
                "The Capitol, Albany, NY 12224-0341",
                "(800) 771-7755 · ag.ny.gov",
            ),
        ),
    },
    "RI": {
        "en": (
            "For Rhode Island residents",
            (
                "Rhode Island Office of the Attorney General",
                "150 South Main Street, Providence, RI 02903",
                "(401) 274-4400 · www.riag.ri.gov",
                "You have the right to obtain a police report and to place a security freeze.",
            ),
        ),
        "es": (
            "Para residentes de Rhode Island",
            (
                "Rhode Island Office of the Attorney General (Fiscalía General de Rhode Island)",
                "150 South Main Street, Providence, RI 02903",
                "(401) 274-4400 · www.riag.ri.gov",
                "Tiene derecho a obtener un informe de la policía y a pedir el congelamiento de su crédito.",
            ),
        ),
    },
}


def state_insert(state: str, language: str = "en") -> MappingProxyType[str, object] | None:
    found = STATE_INSERTS.get(state)
    if found is None:
        return None
    title, lines = found.get(language, found["en"])
    return MappingProxyType({"title": title, "lines": lines})
