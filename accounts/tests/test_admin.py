from django.urls import reverse

from audit.models import AuditEvent
from incidents.models import DataType
from portal.testing import UserFactory


def _superuser():
    return UserFactory.create(username="root-admin", is_superuser=True, is_staff=True)


def test_user_changes_in_admin_are_audited_by_field_name(client, db):
    client.force_login(_superuser())
    staff = UserFactory.create(username="casey")
    url = reverse("admin:accounts_user_change", args=[staff.pk])
    data = {
        "username": "casey",
        "first_name": "Casey",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "00:00:00",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content
    event = AuditEvent.objects.get(action="user.changed")
    assert event.target_id == str(staff.pk)
    assert event.details == {"fields": ["First name"]}
    assert "Casey" not in str(event.details)


def test_password_change_in_admin_is_audited(client, db):
    client.force_login(_superuser())
    staff = UserFactory.create(username="casey")
    url = reverse("admin:auth_user_password_change", args=[staff.pk])
    new = "another-long-passphrase"
    response = client.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="user.changed", target_id=str(staff.pk)).exists()


def test_admin_cannot_delete_users_or_catalog_entries(client, db):
    client.force_login(_superuser())
    staff = UserFactory.create(username="casey")
    assert client.get(reverse("admin:accounts_user_delete", args=[staff.pk])).status_code == 403
    name = DataType.objects.get(key="name")
    assert client.get(reverse("admin:incidents_datatype_delete", args=[name.pk])).status_code == 403


def test_catalog_edit_is_audited(client, db):
    client.force_login(_superuser())
    entry = DataType.objects.get(key="biometric_data")
    url = reverse("admin:incidents_datatype_change", args=[entry.pk])
    data = {"key": entry.key, "label": entry.label, "description": "Fingerprints or face scans.", "sort_order": 140}
    assert client.post(url, data).status_code == 302
    assert AuditEvent.objects.get(action="catalog.changed").details == {"fields": ["Description"]}
