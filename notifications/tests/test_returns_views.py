"""Returned mail."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AuditEvent
from notifications.models import Letter, LetterBatch
from notifications.tests.screens import _mailed_letters, _shown, _url
from people.models import Recipient
from portal.testing import IncidentFactory


def test_mail_admin_records_typed_codes_with_a_reason(client, mail_admin, incident):
    first, second, kept = _mailed_letters(incident, 3)
    returned_on = timezone.localdate() - timedelta(days=1)
    typed = f"{first.recipient.reference_code_display.lower()}\n\n  {second.recipient.reference_code}  \n"
    client.force_login(mail_admin)
    response = client.post(
        _url("returned-mail", incident),
        {"returned_on": returned_on.isoformat(), "codes": typed, "reason": "moved_no_address"},
        follow=True,
    )
    assert "2 returned letters recorded; those addresses are now undeliverable." in _shown(response)
    for letter in (first, second):
        letter.refresh_from_db()
        assert (letter.returned_on, letter.return_reason) == (returned_on, "moved_no_address")
        assert Recipient.objects.get(pk=letter.recipient_id).address_returned_on == returned_on
    kept.refresh_from_db()
    assert kept.returned_on is None
    assert Recipient.objects.get(pk=kept.recipient_id).address_returned_on is None
    assert LetterBatch.objects.get(pk=first.batch_id).returned_count == 2
    event = AuditEvent.objects.get(action="mail.returned")
    assert event.details == {"letters": 2, "reasons": ["moved_no_address"]}
    assert "Moved, left no address" in _shown(response)  # the recently returned table


def test_mail_admin_uploads_returns_with_a_reason_per_row(client, mail_admin, incident):
    first, second = _mailed_letters(incident, 2)
    rows = f'Reference_Code,Reason\n{first.recipient.reference_code_display},"Moved, left no address"\n'
    rows += f"{second.recipient.reference_code},vacant\n"
    upload = SimpleUploadedFile("returns.csv", ("\ufeff" + rows).encode(), content_type="text/csv")
    client.force_login(mail_admin)
    today = timezone.localdate()
    response = client.post(_url("returned-mail", incident), {"returned_on": today.isoformat(), "upload": upload})
    assert response.status_code == 302
    reasons = Letter.objects.order_by("sequence").values_list("return_reason", "returned_on")
    assert list(reasons) == [("moved_no_address", today), ("vacant", today)]
    assert Recipient.objects.filter(address_returned_on=today).count() == 2
    event = AuditEvent.objects.get(action="mail.returned")
    assert event.details == {"letters": 2, "reasons": ["moved_no_address", "vacant"]}


def _refused_returns(client, incident, fields, message):
    response = client.post(_url("returned-mail", incident), {"returned_on": timezone.localdate(), **fields})
    assert response.status_code == 400
    assert message in _shown(response)
    assert not Letter.objects.filter(returned_on__isnull=False).exists()
    assert not Recipient.objects.filter(address_returned_on__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="mail.returned").exists()


def test_an_unknown_code_refuses_the_whole_submission(client, mail_admin, incident):
    (letter,) = _mailed_letters(incident, 1)
    client.force_login(mail_admin)
    fields = {"codes": f"{letter.recipient.reference_code}\n2345-6789-ABCD", "reason": "vacant"}
    _refused_returns(client, incident, fields, "Line 2: no mailed letter has this reference code.")


def test_a_letter_not_mailed_refuses_the_whole_upload(client, mail_admin, incident):
    (mailed,) = _mailed_letters(incident, 1)
    (waiting,) = _mailed_letters(incident, 1, mailed=False)
    codes = [mailed.recipient.reference_code, waiting.recipient.reference_code]
    rows = "reference_code,reason\n" + "".join(f"{code},vacant\n" for code in codes)
    upload = SimpleUploadedFile("returns.csv", rows.encode(), content_type="text/csv")
    client.force_login(mail_admin)
    _refused_returns(client, incident, {"upload": upload}, "Row 3: no mailed letter has this reference code.")


def test_a_letter_of_another_incident_is_not_found_among_the_returns(client, mail_admin, incident):
    (foreign,) = _mailed_letters(IncidentFactory.create(), 1)
    client.force_login(mail_admin)
    fields = {"codes": foreign.recipient.reference_code, "reason": "vacant"}
    _refused_returns(client, incident, fields, "Line 1: no mailed letter has this reference code.")


def test_a_letter_returned_before_is_refused(client, mail_admin, incident):
    (letter,) = _mailed_letters(incident, 1)
    earlier = timezone.localdate() - timedelta(days=2)
    Letter.objects.filter(pk=letter.pk).update(returned_on=earlier, return_reason="vacant")
    client.force_login(mail_admin)
    response = client.post(
        _url("returned-mail", incident),
        {"returned_on": timezone.localdate(), "codes": letter.recipient.reference_code, "reason": "refused"},
    )
    assert response.status_code == 400
    assert f"Line 1: this letter was already recorded as returned on {earlier:%m/%d/%Y}." in _shown(response)
    letter.refresh_from_db()
    assert letter.return_reason == "vacant"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"codes": "\nnot-a-code", "reason": "vacant"}, "Line 2: “not-a-code” is not a reference code."),
        ({"codes": "2345-6789-ABCD"}, "Choose the USPS reason for the typed codes."),
        ({}, "Type at least one reference code, or choose a CSV file."),
    ],
)
def test_bad_typed_returns_are_reshown_with_a_message(client, mail_admin, incident, fields, message):
    _mailed_letters(incident, 1)
    client.force_login(mail_admin)
    _refused_returns(client, incident, fields, message)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("reference_code,reason\n{code},lost in space\n", "Row 2: “lost in space” is not a USPS return reason."),
        ("reference_code,reason\n{code},vacant\nK7QX,vacant\n", "Row 3: “K7QX” is not a reference code."),
        ("reference_code,why\n{code},vacant\n", "“returns.csv” has no reason column."),
    ],
)
def test_a_bad_upload_is_reshown_naming_the_row(client, mail_admin, incident, rows, message):
    (letter,) = _mailed_letters(incident, 1)
    upload = SimpleUploadedFile("returns.csv", rows.format(code=letter.recipient.reference_code).encode())
    client.force_login(mail_admin)
    _refused_returns(client, incident, {"upload": upload}, message)


def test_a_code_given_twice_is_refused_naming_both_places(client, mail_admin, incident):
    (letter,) = _mailed_letters(incident, 1)
    code = letter.recipient.reference_code
    upload = SimpleUploadedFile("returns.csv", f"reference_code,reason\n{code},vacant\n".encode())
    client.force_login(mail_admin)
    fields = {"codes": code, "reason": "vacant", "upload": upload}
    message = f"Row 2: {letter.recipient.reference_code_display} is already on line 1."
    _refused_returns(client, incident, fields, message)
    assert LetterBatch.objects.get(pk=letter.batch_id).returned_count == 0


def test_a_return_date_in_the_future_is_refused(client, mail_admin, incident):
    (letter,) = _mailed_letters(incident, 1)
    client.force_login(mail_admin)
    tomorrow = timezone.localdate() + timedelta(days=1)
    fields = {"returned_on": tomorrow, "codes": letter.recipient.reference_code, "reason": "vacant"}
    _refused_returns(client, incident, fields, "The return date cannot be in the future.")


@pytest.mark.parametrize(("actor", "status"), [("outsider", 404), ("manager", 403), ("agent", 403)])
def test_only_mail_admins_record_returns(client, people, incident, actor, status):
    (letter,) = _mailed_letters(incident, 1)
    client.force_login(people[actor])
    fields = {"returned_on": timezone.localdate(), "codes": letter.recipient.reference_code, "reason": "vacant"}
    assert client.post(_url("returned-mail", incident), fields).status_code == status
    letter.refresh_from_db()
    assert letter.returned_on is None
