"""A small jurisdictions table for tests of what the table's letter parts do to a letter.

The real files (regulators/jurisdictions/data) are what letters print; these stand-ins keep a test's
meaning fixed while the real files are reviewed and rechecked: a resident of Maryland or Missouri gets
a block in English and Spanish, of Massachusetts a block in English only and a letter without what
happened or the number affected, of Illinois a letter without the number affected, and of New York the
blocks of two laws (the second only for school districts) with the line they share printed once.
Everything else (code, citations, addresses) follows the format of docs/jurisdictions.md.
"""

from pathlib import Path

import pytest

from regulators import jurisdictions
from regulators.jurisdictions.table import Jurisdiction, read_all

_HEAD = 'code = "{code}"\nname = "{name}"\nkind = "state"\nchecked_on = 2026-12-01\nchecked_against = ["https://example.org/{code}"]\n'
_LAW = """
[[law]]
key = "{key}"
title = "{title}"
kind = "{kind}"
citation = "{citation}"
url = "https://example.org/{key}"
organisations = {organisations}
triggers = ["ssn", "financial_account", "drivers_license", "medical_information", "education_records"]
triggers_citation = "{citation}"

[[law.notice]]
key = "{key}-individuals"
party = "Affected residents"
owed_to = "residents"
notice = "Notice of the breach"
citation = "{citation}"
due_rule = "without unreasonable delay"

[law.letter]
citation = "{citation}"
omit = {omit}
"""
_BLOCK = '[law.letter.insert.{language}]\ntitle = "{title}"\nlines = [{lines}]\n'


def _block(language: str, title: str, *lines: str) -> str:
    return _BLOCK.format(language=language, title=title, lines=", ".join(f'"{line}"' for line in lines))


MD_EN = (
    "Maryland Office of the Attorney General, Consumer Protection Division",
    "200 St. Paul Place, Baltimore, MD 21202",
    "(888) 743-0023 · www.marylandattorneygeneral.gov",
)
MD_ES = (
    "Maryland Office of the Attorney General, Consumer Protection Division (Fiscalía General, Protección al "
    "Consumidor)",
    *MD_EN[1:],
)
MA_EN = (
    "Office of the Attorney General of Massachusetts, Consumer Advocacy and Response Division",
    "One Ashburton Place, Boston, MA 02108 · (617) 727-8400",
    "You have the right to obtain a police report and to place a security freeze on your credit file free of charge.",
)
MO_EN = (
    "Missouri Attorney General's Office, Consumer Protection Unit",
    "Supreme Court Building, 207 West High Street, Jefferson City, MO 65101",
    "(800) 392-8222 · ago.mo.gov",
)
IL_EN = ("Illinois Attorney General, Identity Theft Hotline", "(866) 999-5630 · www.illinoisattorneygeneral.gov")
IL_ES = ("Illinois Attorney General, Identity Theft Hotline (Fiscalía General)", IL_EN[1])
NY_AG = ("New York Attorney General, Bureau of Internet and Technology", "(800) 771-7755 · ag.ny.gov")
NY_ED = ("New York State Education Department, Chief Privacy Officer", "(518) 474-0937 · privacy@nysed.gov")

FILES: dict[str, str] = {
    "md": _HEAD.format(code="MD", name="Maryland")
    + _LAW.format(key="md-14-3504", title="Maryland PIPA", kind="breach", citation="Md. Code, Com. Law 14-3504",
                  organisations="[]", omit="[]")
    + _block("en", "For Maryland residents", *MD_EN)
    + _block("es", "Para residentes de Maryland", *MD_ES),
    "ma": _HEAD.format(code="MA", name="Massachusetts")
    + _LAW.format(key="ma-93h", title="Security Breaches", kind="breach", citation="Mass. Gen. Laws ch. 93H 3(b)",
                  organisations="[]", omit='["what_happened", "number_affected"]')
    + _block("en", "For Massachusetts residents", *MA_EN),
    "mo": _HEAD.format(code="MO", name="Missouri")
    + _LAW.format(key="mo-407.1500", title="Missouri breach law", kind="breach", citation="RSMo 407.1500",
                  organisations="[]", omit="[]")
    + _block("en", "For Missouri residents", *MO_EN)
    + _block("es", "Para residentes de Missouri", MO_EN[0] + " (Fiscalía General, Protección al Consumidor)",
             *MO_EN[1:]),
    "il": _HEAD.format(code="IL", name="Illinois")
    + _LAW.format(key="il-530", title="Personal Information Protection Act", kind="breach",
                  citation="815 ILCS 530/10(a)", organisations="[]", omit='["number_affected"]')
    + _block("en", "For Illinois residents", *IL_EN)
    + _block("es", "Para residentes de Illinois", *IL_ES),
    "ny": _HEAD.format(code="NY", name="New York")
    + _LAW.format(key="ny-899-aa", title="Information Security Breach and Notification Act", kind="breach",
                  citation="N.Y. Gen. Bus. Law 899-aa", organisations="[]", omit="[]")
    + _block("en", "For New York residents", *NY_AG)
    + _block("es", "Para residentes de Nueva York", *NY_AG)
    + _LAW.format(key="ny-2-d", title="Education Law 2-d", kind="education", citation="N.Y. Educ. Law 2-d",
                  organisations='["school_district"]', omit="[]")
    + _block("en", "For New York students and their families", NY_AG[1], *NY_ED),
}  # fmt: skip


def install(
    monkeypatch: pytest.MonkeyPatch, folder: Path, files: dict[str, str] | None = None
) -> dict[str, Jurisdiction]:
    """Write `files` (these stand-ins by default) to `folder` and make them the table the portal reads."""
    for stem, text in (FILES if files is None else files).items():
        (folder / f"{stem}.toml").write_text(text, encoding="utf-8")
    found = {j.code: j for j in read_all(folder)}
    monkeypatch.setattr(jurisdictions, "table", lambda: found)
    return found
