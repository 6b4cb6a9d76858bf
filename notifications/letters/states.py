"""State inserts: the regulator contact blocks some states ask breach letters to carry.

Each entry is (title, lines). Kept in code, reviewed like the obligations
rules: a change here changes every future letter to that state.
"""

from types import MappingProxyType

STATE_INSERTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "DC": (
        "For District of Columbia residents",
        (
            "Office of the Attorney General for the District of Columbia",
            "400 6th Street NW, Washington, DC 20001",
            "(202) 727-3400 · oag.dc.gov",
        ),
    ),
    "IA": (
        "For Iowa residents",
        (
            "You may report suspected identity theft to local law enforcement or to the Attorney General.",
            "Office of the Attorney General of Iowa, Consumer Protection Division",
            "1305 E. Walnut Street, Des Moines, IA 50319 · (515) 281-5926",
        ),
    ),
    "MD": (
        "For Maryland residents",
        (
            "Maryland Office of the Attorney General, Consumer Protection Division",
            "200 St. Paul Place, Baltimore, MD 21202",
            "1-888-743-0023 · www.marylandattorneygeneral.gov",
        ),
    ),
    "MO": (
        "For Missouri residents",
        (
            "Missouri Attorney General's Office, Consumer Protection Unit",
            "Supreme Court Building, 207 West High Street, Jefferson City, MO 65101",
            "1-800-392-8222 · ago.mo.gov",
        ),
    ),
    "NC": (
        "For North Carolina residents",
        (
            "North Carolina Attorney General's Office, Consumer Protection Division",
            "9001 Mail Service Center, Raleigh, NC 27699-9001",
            "1-877-566-7226 · www.ncdoj.gov",
        ),
    ),
    "NY": (
        "For New York residents",
        (
            "New York Attorney General, Bureau of Internet and Technology",
            "The Capitol, Albany, NY 12224-0341",
            "1-800-771-7755 · ag.ny.gov",
        ),
    ),
    "RI": (
        "For Rhode Island residents",
        (
            "Rhode Island Office of the Attorney General",
            "150 South Main Street, Providence, RI 02903",
            "(401) 274-4400 · www.riag.ri.gov",
            "You have the right to obtain a police report and to place a security freeze.",
        ),
    ),
}


def state_insert(state: str) -> MappingProxyType[str, object] | None:
    found = STATE_INSERTS.get(state)
    if found is None:
        return None
    title, lines = found
    return MappingProxyType({"title": title, "lines": lines})
