import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from audit.models import AuditEvent
from incidents.models import DataType, Export
from people import figures as people_figures
from people.models import ImportJob, ImportRow, Individual
from people.tests.importing import check, confirm, csv_bytes, upload
from portal.testing import IndividualFactory, export

ROW = "1,<b>Lee</b>,Kim,2000-01-01,1 Oak St,Town,MO,65801,,,Name"


def _post_file(client, incident, content: bytes, name: str = "people.csv"):
    url = reverse("people:import-list", args=[incident.slug])
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def test_a_manager_uploads_a_file_and_sees_its_columns_matched(client, incident, manager):
    client.force_login(manager)
    response = _post_file(client, incident, csv_bytes(ROW))
    job = ImportJob.objects.get()
    assert response.url == reverse("people:import-detail", args=[incident.slug, job.pk])
    page = client.get(response.url).content.decode()
    assert "Match the columns" in page
    assert '<option value="last_name" selected>' in page
    assert "&lt;b&gt;Lee&lt;/b&gt;" in page
    assert "<b>Lee</b>" not in page  # HTML in a name is shown as text
    # The preview shows the identifiers as read, though the staged rows hold them sealed.
    assert "ID 1<" in page
    assert "Jan 1, 2000" in page
    assert "$" not in page.split("Match the columns", 1)[1]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "people.csv", "The submitted file is empty."),
        (b"Last Name\n", "people.csv", "no rows of people under it"),
        (b"Last Name\nSmith\n", "people.pdf", "is not a CSV or .xlsx file"),
        (b"\x00\x01\x02junk", "people.csv", "is not a CSV text file"),
    ],
)
def test_a_bad_upload_is_refused_with_a_message_and_nothing_is_kept(client, incident, manager, content, name, message):
    client.force_login(manager)
    response = _post_file(client, incident, content, name)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not ImportJob.objects.exists()


@override_settings(IMPORT_MAX_UPLOAD_BYTES=1000)
def test_a_file_over_the_size_limit_is_stopped_while_it_streams(client, incident, manager):
    client.force_login(manager)
    response = _post_file(client, incident, csv_bytes(*[ROW] * 100))
    assert "The file is larger than 0 MB" in response.content.decode() or "larger than" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_mapping_errors_name_the_columns(client, incident, manager):
    client.force_login(manager)
    job = upload(incident, csv_bytes(ROW))
    url = reverse("people:import-mapping", args=[incident.slug, job.pk])
    response = client.post(url, {"column_1": "last_name", "column_2": "last_name", "encoding": "utf-8-sig"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "“First Name” and “Last Name” are both set to Last name; choose one." in page
    response = client.post(url, {"column_2": "first_name", "encoding": "utf-8-sig"})
    assert "Choose the column that holds the last name" in response.content.decode()
    assert ImportJob.objects.get().status == ImportJob.Status.UPLOADED


def test_confirming_the_mapping_queues_the_check(client, incident, manager, django_capture_on_commit_callbacks):
    client.force_login(manager)
    job = upload(incident, csv_bytes(ROW))
    data = {f"column_{i}": key for key, i in job.mapping.items()} | {"encoding": "utf-8-sig"}
    with django_capture_on_commit_callbacks() as queued:
        client.post(reverse("people:import-mapping", args=[incident.slug, job.pk]), data)
    assert len(queued) == 1
    assert ImportJob.objects.get().status == ImportJob.Status.VALIDATING
    page = client.get(reverse("people:import-detail", args=[incident.slug, job.pk])).content.decode()
    assert "Waiting for a worker to start the check" in page


def test_the_report_page_and_its_download(client, incident, manager):
    client.force_login(manager)
    job = check(upload(incident, csv_bytes(ROW, "2,,Bo,2000-01-01,,,,,,,Name")))
    page = client.get(reverse("people:import-detail", args=[incident.slug, job.pk])).content.decode()
    assert ">Import 1 person<" in page  # as many rows as people: the rows go unsaid
    assert "No last name" in page
    _, response = export(client, incident, "import_report", reason="Fix the rejected rows", job=job.pk)
    made = Export.objects.get()
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == f'attachment; filename="import-{job.pk}-report-{made.public_id}.csv"'
    lines = body.splitlines()
    assert lines[0].startswith(f"# Export {made.public_id} for {manager.username}")
    assert lines[2].startswith("2,Last Name,<b>Lee</b>,warning,")  # markup in a name is warned about
    assert lines[3] == "3,Last Name,,rejected,no last name"
    assert AuditEvent.objects.filter(action="export.downloaded", actor_id=manager.pk).exists()


def test_discarding_removes_the_file_the_report_and_staged_rows(
    client, incident, manager, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    job = check(upload(incident, csv_bytes(ROW)))
    paths = [Path(job.file.path), Path(job.error_report.path)]
    assert all(path.exists() for path in paths)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("people:import-discard", args=[incident.slug, job.pk]))
    assert response.url == reverse("people:import-list", args=[incident.slug])
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DISCARDED
    assert not job.file
    assert not ImportRow.objects.exists()
    assert not Individual.objects.exists()
    assert not any(path.exists() for path in paths)


def test_an_import_of_another_incident_is_not_found(client, incident, manager):
    from portal.testing import IncidentFactory

    other = IncidentFactory.create(slug="other-incident")
    job = upload(other, csv_bytes(ROW))
    client.force_login(manager)
    assert client.get(reverse("people:import-detail", args=[incident.slug, job.pk])).status_code == 404


def test_first_values_show_for_every_column_before_any_is_matched_and_the_preview_follows_the_mapping(
    client, incident, manager
):
    content = "Apellido,Nombre,Nacido\nMuñoz,Ana,2014-03-09\n,Bo,2013-01-01\nSmith,,2012-02-02\n".encode("cp1252")
    job = upload(incident, content, actor=manager)
    assert job.mapping == {}
    client.force_login(manager)
    page = client.get(reverse("people:import-detail", args=[incident.slug, job.pk])).content.decode()
    assert "Muñoz · Smith" in page  # the first non-empty values, none matched yet
    assert "Ana · Bo" in page
    assert "Choose the column that holds the last name (or the full name)" in page
    url = reverse("people:import-preview", args=[incident.slug, job.pk])
    data = {"column_0": "last_name", "column_1": "first_name", "column_2": "date_of_birth", "encoding": "cp1252",
            "file_data_types": [str(DataType.objects.get(key="name").pk)]}  # fmt: skip
    preview = client.post(url, data).content.decode()
    assert "Ana Muñoz" in preview
    assert "Mar 9, 2014" in preview
    assert 'id="examples-0" hx-swap-oob="true">Muñoz · Smith<' in preview
    preview = client.post(url, {**data, "column_0": "", "column_1": "last_name"}).content.decode()
    assert "Ana" in preview
    assert "Muñoz" not in preview.split("hx-swap-oob")[0]
    utf8 = client.post(url, {**data, "encoding": "utf-8-sig"}).content.decode()
    assert "is not UTF-8 text" in utf8  # the wrong encoding is named, not garbled


def _report(client, incident, manager, *rows: str) -> str:
    client.force_login(manager)
    job = check(upload(incident, csv_bytes(*rows)))
    return client.get(reverse("people:import-detail", args=[incident.slug, job.pk])).content.decode()


def test_the_report_speaks_of_no_rejected_row_when_none_was(client, incident, manager):
    page = _report(client, incident, manager, "1,Lee,Kim,2000-01-01,1 Oak St,Town,MO,65801,,,Name")
    assert "No row was rejected and nothing needs a second look." in page
    assert "rejected row" not in page.lower()


def test_the_report_counts_one_problem_and_one_rejected_row_in_the_singular(client, incident, manager):
    page = _report(
        client, incident, manager, "1,Lee,Kim,2000-01-01,1 Oak St,Town,MO,65801,,,Name", "2,,Bo,2000-01-01,,,,,,,Name"
    )
    assert "The one problem found; the report lists it too" in page
    assert "The rejected row is not imported. Correct it in your file" in page
    assert "1 problems" not in page


def test_the_report_counts_many_problems_and_says_when_some_are_left_out(client, incident, manager):
    rows = [f"{n},,Bo,2000-01-01,,,,,,,Name" for n in range(1, 4)]
    page = _report(client, incident, manager, *rows)
    assert "The 3 problems found; the report lists them too" in page
    assert "The 3 rejected rows are not imported. Correct them in your file" in page
    many = [f"{n},,Bo,2000-01-01,,,,,,,Name" for n in range(1, 31)]
    page = _report(client, incident, manager, *many)
    assert "The first 20 problems; the report lists them all" in page
    assert "The 30 rejected rows are not imported." in page


def test_the_outcome_counts_the_people_once(client, incident, manager):
    client.force_login(manager)
    job = confirm(check(upload(incident, csv_bytes("1,Lee,Kim,2000-01-01,1 Oak St,Town,MO,65801,,,Name"))))
    page = client.get(reverse("people:import-detail", args=[incident.slug, job.pk])).content.decode()
    assert "Imported 1 person: 1 added, 0 updated, 0 unchanged" in page
    assert "valid row" not in page
    assert "Letter recipients: 1 added, 0 updated." in page


def test_the_import_list_says_how_many_people_the_incident_holds_when_no_file_was_imported(client, incident, manager):
    client.force_login(manager)
    url = reverse("people:import-list", args=[incident.slug])
    assert "No file has been imported here yet." in client.get(url).content.decode()  # never counted
    people_figures.count_now(incident)
    assert "No file has been imported here yet, and the incident holds nobody yet." in client.get(url).content.decode()
    IndividualFactory.create_batch(2, incident=incident)  # loaded otherwise, as the demo loader does
    people_figures.count_now(incident)
    Individual.objects.filter(incident=incident).delete()  # not counted again: the stored figures speak
    page = client.get(url).content.decode()
    assert "No file has been imported here yet; the incident holds 2 people." in page
    assert "No file has been imported into this incident yet" not in page


NO_TYPES = "Student #,Name,DOB,Guardian 1 Name\n"


def _detail(client, incident, manager, content: bytes) -> str:
    client.force_login(manager)
    job = upload(incident, content)
    return client.get(reverse("people:import-detail", args=[incident.slug, job.pk])).content.decode()


def test_the_preview_shows_how_a_rejected_row_reads_and_why_it_would_be_rejected(client, incident, manager):
    content = csv_bytes('7,"Abernathy, Caleb James",2014-03-09,Pat Abernathy', "8,,2000-01-01,", header=NO_TYPES)
    page = _detail(client, incident, manager, content)
    preview = page.split('aria-label="Preview of the first rows"')[1]
    first, second = preview.split('<th scope="row">')[1:3]
    # Nothing says what was exposed yet, and the incident names no data type: the row would be rejected,
    # yet its names as split, its date of birth and its addressee show beside the reason.
    assert "Caleb James <strong>Abernathy</strong>" in first  # the last name as split stands out
    assert "Mar 9, 2014" in first
    assert 'Pat Abernathy<br><span class="text-base">parent or guardian' in first
    assert "Would be rejected:" in first
    assert "no data types" in first
    assert "<em>(no last name)</em>" in second
    assert "Jan 1, 2000" in second


def test_the_incidents_data_types_are_ticked_when_the_file_does_not_say_what_was_exposed(client, incident, manager):
    scope = list(DataType.objects.order_by("sort_order")[:2])
    incident.data_types.set(scope)
    page = _detail(
        client, incident, manager, csv_bytes('7,"Abernathy, Caleb",2014-03-09,Pat Abernathy', header=NO_TYPES)
    )
    for data_type in scope:
        assert re.search(rf'name="file_data_types" value="{data_type.pk}"[^>]*checked', page)
    assert "Ticked from the incident&#x27;s data types" in page
    preview = page.split('aria-label="Preview of the first rows"')[1]
    assert "Would be rejected" not in preview
    assert scope[0].label in preview  # the row's exposure, as it would be imported
    # A file that lists data types per row gets nothing added for everyone unasked.
    page = _detail(client, incident, manager, csv_bytes(ROW))
    assert not re.search(r'name="file_data_types"[^>]*checked', page)
    assert "Ticked from the incident&#x27;s data types" not in page
