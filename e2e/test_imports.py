"""A manager imports a messy district export in the browser, with a real worker doing the work."""

import csv
import io

from playwright.sync_api import Page, expect

from e2e.conftest import SCREENSHOTS, check_accessibility, sign_in
from incidents.models import Role
from people.models import ImportJob
from portal.testing import PASSWORD, IncidentFactory, UserFactory, member

MESSY = (
    "Student ID,Student Last Name,First Name,Birthdate,Mailing Addr,City,State,Zip Code,Parent Name,Data Types\n"
    "1001,Muñoz,Ana,3/14/2015,12 Oak St,Springfield,Missouri,65801,María Muñoz,Name; Address; Medical Information\n"
    "1002,Smith,Bob,1980-02-03,1 Elm St,Boston,MA,2134,,Name\n"
    "1003,,Carl,2010-01-01,1 Elm St,Boston,MA,02134,,Name\n"
    '1004,"<b>Doe</b>",Jane,2/30/2010,"5 Main St\nApt 2",Town,MO,65801,,Name\n'
    "\n"
    "1005,Lee,Kim,2012-06-01,,,,,,Name; Shoe size\n"
    "1006,Park,Jo,2011-05-05,5 A St,Town,TX,75001,,Name\n"
)


def test_manager_imports_a_messy_file(page: Page, transactional_db, celery_worker_process, tmp_path):
    manager = UserFactory.create(username="ima-manager")
    incident = IncidentFactory.create(slug="district-export", title="District export")
    member(manager, incident, Role.MANAGER)
    upload = tmp_path / "district export.csv"
    upload.write_bytes(MESSY.encode("utf-8"))

    sign_in(page, "ima-manager", PASSWORD)
    page.goto(f"/incidents/{incident.slug}/")
    page.get_by_role("link", name="Import people").click()
    check_accessibility(page)
    page.get_by_label("File of people (CSV or Excel .xlsx)").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and map columns").click()

    # The unrecognised address column is matched by hand; the preview follows.
    expect(page.get_by_role("heading", name="Match the columns")).to_be_visible()
    check_accessibility(page)
    preview = page.locator("#import-preview")
    expect(preview).to_contain_text("no mailing address (missing street)")
    page.get_by_label("Mailing Addr").select_option(label="Street address")
    expect(preview).to_contain_text("12 Oak St, Springfield MO 65801")
    expect(preview).to_contain_text("María Muñoz")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "import-mapping.png"), full_page=True)
    page.get_by_role("button", name="Check the whole file").click()

    # The dry run's report, written by the worker.
    expect(page.get_by_role("heading", name="The check's report")).to_be_visible(timeout=30_000)
    check_accessibility(page)
    figures = page.locator(".portal-figures")
    expect(figures).to_contain_text("6rows read")
    expect(figures).to_contain_text("3valid")
    expect(figures).to_contain_text("3rejected")
    expect(page.get_by_role("cell", name="No last name")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "import-report.png"), full_page=True)
    expect(page.locator("b", has_text="Doe")).to_have_count(0)  # HTML from the file stays text
    page.get_by_label("Why is this file needed?").fill("To correct the rejected rows in the district's file")
    page.get_by_role("button", name="Ask for the full report (CSV)").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the file").click()
    comment, *lines = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert comment.startswith("# Export EXP-")
    rows = list(csv.reader(io.StringIO("\n".join(lines))))
    assert rows[0] == ["Row", "Column", "Value as in the file", "Outcome", "Reason"]
    assert ["4", "Student Last Name", "", "rejected", "no last name"] in rows
    assert any(r[0] == "7" and "“Shoe size”" in r[4] for r in rows)

    # Confirmed: the progress bar runs to the outcome, and the incident's figures change.
    page.goto(f"/incidents/{incident.slug}/imports/{ImportJob.objects.get().pk}/")
    page.get_by_role("button", name="Import 3 people", exact=True).click()
    expect(page.get_by_role("heading", name="Imported", exact=False)).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name="Imported 3 people: 3 added, 0 updated, 0 unchanged")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="See the incident's figures").click()
    figures = page.locator("section", has=page.get_by_role("heading", name="People")).locator(".portal-figures")
    expect(figures).to_contain_text("3individuals")
    expect(figures).to_contain_text("2minors on the notice date")


def _roster(street: str, surname: str) -> bytes:
    """A district's XLSX report: two title lines, the header on row 3, a footer, and a second sheet."""
    from datetime import datetime

    from people.tests.importing import workbook_bytes

    rows: list[list[object]] = [
        ["Riverbend R-VI School District"],
        ["Students whose records were copied, exported 12/1/2026"],
        ["Student #", "LastFirst", "DOB", "Mailing_Street", "Mailing_City", "Mailing_State", "Mailing_Zip",
         "Mother", "Guardian 1 Phone", "Data Types"],
        ["40211", f"{surname}, Bảo", datetime(2014, 3, 9), street, "Springfield", "MO", 65801, "Thảo Nguyễn",
         "(417) 555-0150", "Name; Education Records"],
        ["40212", "de la Cruz, María José", datetime(2012, 11, 23), "4 Elm St", "Springfield", "MO", 658021234,
         "Luis de la Cruz", "", "Name"],
        ["40212", "de la Cruz, María José", datetime(2012, 11, 23), "4 Elm St", "Springfield", "MO", 658021234,
         "Luis de la Cruz", "", "Medical Information"],
        [],
        ["Total students: 3"],
    ]  # fmt: skip
    return workbook_bytes({"Roster": rows, "Summary": [["Schools", 1]]})


def test_manager_imports_a_district_report_with_its_header_on_row_3(
    page: Page, transactional_db, celery_worker_process, tmp_path
):
    manager = UserFactory.create(username="imr-manager")
    incident = IncidentFactory.create(slug="district-report", title="District report")
    member(manager, incident, Role.MANAGER)
    upload = tmp_path / "riverbend roster.xlsx"
    upload.write_bytes(_roster("12 Oak St", "Nguyễn"))

    sign_in(page, "imr-manager", PASSWORD)
    page.goto(f"/incidents/{incident.slug}/imports/")
    page.get_by_label("File of people (CSV or Excel .xlsx)").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and map columns").click()

    # The header is found under the title lines; every column shows its first values; nothing is mapped by hand.
    expect(page.get_by_text("the column names are on row 3, found below 2 lines of title")).to_be_visible()
    columns = page.get_by_role("region", name="Columns of the file")
    for first_values in ("40211 · 40212", "Nguyễn, Bảo · de la Cruz, María José", "2014-03-09", "12 Oak St",
                         "65801 · 658021234", "Thảo Nguyễn", "(417) 555-0150"):  # fmt: skip
        expect(columns).to_contain_text(first_values)
    expect(page.get_by_label("LastFirst")).to_have_value("full_name_last_first")
    preview = page.locator("#import-preview")
    expect(preview).to_contain_text("Bảo Nguyễn")
    expect(preview).to_contain_text("María José de la Cruz")
    expect(preview.locator("strong", has_text="de la Cruz").first).to_be_visible()  # the last name as split
    check_accessibility(page)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "import-report-mapping.png"), full_page=True)
    page.get_by_role("button", name="Check the whole file").click()

    expect(page.get_by_role("heading", name="The check's report")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("1 line under the data read as the report's footer")).to_be_visible()
    expect(page.get_by_role("cell", name="Total students: 3")).to_be_visible()
    check_accessibility(page)
    page.screenshot(path=str(SCREENSHOTS / "import-report-footer.png"), full_page=True)
    page.get_by_role("button", name="Import 2 people (3 valid rows; 1 duplicate merged)").click()
    expect(page.get_by_role("heading", name="Imported 2 people (3 valid rows; 1 duplicate merged)")).to_be_visible(
        timeout=30_000
    )
    expect(page.get_by_text("2 added, 0 updated, 0 unchanged")).to_be_visible()

    # The same report again, from a system that lost the accents, with one real change: the changes section.
    again = tmp_path / "riverbend roster again.xlsx"
    again.write_bytes(_roster("14 Oak St", "Nguyen"))
    page.goto(f"/incidents/{incident.slug}/imports/")
    page.get_by_label("File of people (CSV or Excel .xlsx)").set_input_files(str(again))
    page.get_by_role("button", name="Upload and map columns").click()
    page.get_by_role("button", name="Check the whole file").click()
    changes = page.get_by_role("region", name="First changes")
    expect(changes).to_contain_text("12 Oak St", timeout=30_000)
    expect(changes).to_contain_text("14 Oak St")
    expect(page.get_by_role("heading", name="Changes to people already in the incident")).to_be_visible()
    expect(page.get_by_text("the stored spelling is kept", exact=False).first).to_be_visible()
    check_accessibility(page)
    page.screenshot(path=str(SCREENSHOTS / "import-report-changes.png"), full_page=True)
    page.get_by_role("button", name="Import 2 people (3 valid rows; 1 duplicate merged)").click()
    expect(page.get_by_text("1 updated", exact=False).first).to_be_visible(timeout=30_000)
    assert ImportJob.objects.filter(status="imported").count() == 2
