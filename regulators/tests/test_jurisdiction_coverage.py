"""Coverage you can read: `python manage.py jurisdictions` and the Jurisdictions page list every
jurisdiction of the table with its laws, citations, notices and last-checked dates."""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from portal.testing import IndividualFactory, RecipientFactory
from portal.testing import letter_jurisdictions as stand_ins
from regulators import jurisdictions

pytestmark = pytest.mark.django_db


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command("jurisdictions", *args, stdout=out)
    return out.getvalue()


def test_the_command_lists_every_jurisdiction_of_the_table_with_its_laws_and_notices():
    out = _command()
    table = jurisdictions.table()
    assert out.startswith(f"{len(table)} jurisdiction")
    assert "not legal advice" in out
    for code, found in table.items():
        assert f"{code}  {found.name} ({found.kind}), checked {found.checked_on.isoformat()}" in out
        for law in found.laws:
            assert f"{law.title} ({law.kind}): {law.citation}" in out
            for notice in law.notices:
                assert f"- {notice.party}: {notice.notice} ({notice.citation})" in out
                assert notice.due_rule in out


TIMINGS = """code = "TX"
name = "Texas"
kind = "state"
checked_on = 2026-12-07
checked_against = ["https://example.org/tx"]

[[law]]
key = "tx-timings"
title = "A law with every kind of timing"
kind = "breach"
citation = "Tex. Example ch. 1"
url = "https://example.org/tx-1"
triggers = ["ssn"]
triggers_citation = "Tex. Example 1.1"

[[law.notice]]
key = "tx-ag"
party = "Texas Attorney General"
owed_to = "regulator"
notice = "Breach report"
citation = "Tex. Example 1.2"
min_affected = 250
days = 30
counted_from = "determination"
due_rule = "not later than the 30th day after determining that the breach occurred"

[[law.notice]]
key = "tx-agency"
party = "Texas Agency"
owed_to = "regulator"
notice = "Report"
citation = "Tex. Example 1.3"
days = 10
business_days = true
due_rule = "within 10 business days of discovery"

[[law.notice]]
key = "tx-log"
party = "Texas Registry"
owed_to = "record"
notice = "Annual log"
citation = "Tex. Example 1.4"
counted = "all"
days = 60
counted_from = "year_end"
due_rule = "within 60 days after the end of each calendar year"

[[law.notice]]
key = "tx-cra"
party = "Consumer reporting agencies"
owed_to = "consumer_reporting_agencies"
notice = "Notice of the timing"
citation = "Tex. Example 1.5"
min_affected = 10001
counted = "each_state"
due_rule = "without unreasonable delay, when more than 10,000 persons are notified at one time"
"""


def test_the_command_says_each_notice_threshold_and_timing_in_words(monkeypatch, tmp_path):
    stand_ins.install(monkeypatch, tmp_path, {"tx": TIMINGS})
    texas = _command("--code", "tx")
    assert texas.startswith("1 jurisdiction.")
    assert "TX  Texas (state), checked 2026-12-07" in texas
    assert "A law with every kind of timing (breach): Tex. Example ch. 1" in texas
    assert "- Texas Attorney General: Breach report (Tex. Example 1.2)" in texas
    assert (
        "From 250 Texas residents; 30 days from determining that the breach occurred: not later than the 30th day "
        "after determining that the breach occurred"
    ) in texas
    assert "Any number of Texas residents; 10 business days from discovery: within 10 business days" in texas
    assert (
        "Any number of people in the incident; 60 days after the end of the calendar year of discovery: within 60"
    ) in texas
    assert (
        "From 10,001 residents of a state (a notice for each state); without unreasonable delay, when more than"
    ) in texas


def test_the_command_names_what_a_law_does_to_the_letter(monkeypatch, tmp_path):
    stand_ins.install(monkeypatch, tmp_path)
    out = _command("--code", "MA")
    assert "MA  Massachusetts (state), checked 2026-12-01" in out
    assert "Letter (Mass. Gen. Laws ch. 93H 3(b)): a block for residents; leaves out what happened (the nature of " \
        "the breach) and the number of people affected" in out  # fmt: skip


def test_an_unknown_code_is_refused_with_the_codes_the_table_has(monkeypatch, tmp_path):
    stand_ins.install(monkeypatch, tmp_path)
    with pytest.raises(CommandError, match=r"No jurisdiction has the code 'ZZ'\. The table has: IL, MA, MD, MO, NY\."):
        _command("--code", "ZZ")


def _page(client, incident, query: str = "") -> str:
    url = reverse("regulators:jurisdiction-list", args=[incident.slug])
    return client.get(url, {"q": query} if query else {}).content.decode()


def _headings(html: str) -> list[str]:
    return re.findall(r'<h2 id="jurisdiction-([A-Z]{2})"', html)


@pytest.fixture
def spread(incident, monkeypatch, tmp_path):
    """An incident with people in New York and Guam, over the stand-in table."""
    stand_ins.install(monkeypatch, tmp_path)
    for state in ("NY", "NY", "GU"):
        RecipientFactory.create(individual=IndividualFactory.create(incident=incident), state=state)
    return incident


def test_managers_and_auditors_read_the_page_and_no_one_else(client, incident, manager, auditor, agent, outsider):
    url = reverse("regulators:jurisdiction-list", args=[incident.slug])
    for user, status in ((manager, 200), (auditor, 200), (agent, 403), (outsider, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_the_page_puts_the_incidents_own_jurisdictions_first(client, spread, auditor):
    client.force_login(auditor)
    html = _page(client, spread)
    assert _headings(html) == ["GU", "NY", "IL", "MA", "MD", "MO"]
    assert "Guam (GU) <span" in html
    assert "In this incident: 1 person" in html
    assert "In this incident: 2 people" in html
    assert "Not in the table: check with counsel." in html
    assert "5 jurisdictions in the table." in html
    assert "not legal advice" in html


def test_the_page_shows_each_law_with_its_citation_notices_and_letter(client, spread, manager):
    client.force_login(manager)
    html = _page(client, spread, "massachusetts")
    assert _headings(html) == ["MA"]
    assert "1 of 5 jurisdictions match “massachusetts”." in html
    assert "last checked December 1, 2026" in html
    assert '<a href="https://example.org/ma-93h" rel="noopener">Mass. Gen. Laws ch. 93H 3(b)</a>' in html
    assert '<th scope="row">Affected residents</th>' in html
    assert "Any number of Massachusetts residents" in html
    assert "Without unreasonable delay" in html
    assert "carry the block “For Massachusetts residents” (in English, also in Spanish letters)" in html
    assert "leave out what happened (the nature of the breach) and the number of people affected" in html
    ny = _page(client, spread, "ny")
    assert _headings(ny) == ["NY"]
    assert "for school district only" in ny


def test_the_search_finds_by_code_or_name_and_says_when_nothing_matches(client, spread, manager):
    client.force_login(manager)
    assert _headings(_page(client, spread, "md")) == ["MD"]
    assert _headings(_page(client, spread, "  MARY ")) == ["MD"]
    assert _headings(_page(client, spread, "guam")) == ["GU"]
    assert "No jurisdiction matches “Atlantis”." in _page(client, spread, "Atlantis")


def test_the_obligations_screen_and_the_incident_page_link_to_it(client, incident, manager, auditor):
    url = reverse("regulators:jurisdiction-list", args=[incident.slug])
    client.force_login(manager)
    assert url in client.get(reverse("regulators:obligation-list", args=[incident.slug])).content.decode()
    client.force_login(auditor)
    assert url in client.get(reverse("incidents:incident-detail", args=[incident.slug])).content.decode()
