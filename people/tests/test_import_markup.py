"""Names and address lines that look like markup, formulas or hold control characters: imported as text, warned."""

import pytest

from people.models import Individual, Recipient
from people.tests.importing import HEADER, check, confirm, upload

pytestmark = pytest.mark.django_db


def test_markup_formulas_and_control_characters_are_kept_as_text_and_listed_as_warnings(incident):
    rows = (
        "1,<script>alert(1)</script>,Kim,2000-01-01,1 Oak St,Town,MO,65801,,,Name\n"
        '2,Lee,=HYPERLINK("http://x"),2000-01-01,1 Oak St,Town,MO,65801,,,Name\n'
        "3,Park,Jo\x07,2000-01-01,5 Elm &amp; Main,Town,MO,65801,,,Name\n"
        "4,Ruiz,Eva,2000-01-01,\u202e12 Oak St,Town,MO,65801,,,Name\n"
        "5,O'Neil-Smith,Sean,2000-01-01,1 Oak St <Rear>,Town,MO,65801,,,Name\n"
    )
    job = check(upload(incident, (HEADER + rows).encode()))
    assert (job.rows_valid, job.rows_rejected) == (5, 0)
    warned = {(issue["row"], issue["column"]): issue for issue in job.first_issues if issue["outcome"] == "warning"}
    assert "looks like HTML markup" in warned[2, "Last Name"]["reason"]
    assert "spreadsheet formula" in warned[3, "First Name"]["reason"]
    assert "control or invisible characters" in warned[4, "First Name"]["reason"]
    assert warned[4, "First Name"]["value"] == "Jo\\x07"
    assert "looks like HTML markup" in warned[4, "Address"]["reason"]
    assert "control or invisible characters" in warned[5, "Address"]["reason"]
    assert "looks like HTML markup" in warned[6, "Address"]["reason"]
    assert (6, "Last Name") not in warned  # an apostrophe and a hyphen are a name, not markup
    confirm(job)
    assert Individual.objects.get(external_id="1").last_name == "<script>alert(1)</script>"
    assert Recipient.objects.get(individual__external_id="3").address_line1 == "5 Elm &amp; Main"
