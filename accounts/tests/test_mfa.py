"""The second factor: required before anything else, set up at first sign-in, a code accepted once,
recovery codes, a fresh code before exports, role changes and changes to the factor itself."""

import re
import time
from base64 import b32decode

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client  # a plain one: force_login would give the second factor
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import current_code
from audit.models import AuditEvent
from incidents.models import Role
from portal.testing import PASSWORD, UserFactory, authenticator
from portal.testing.urlwalk import RULES, url_for

pytestmark = pytest.mark.django_db

# Reached with a password alone: signing in and out, and the second factor's own steps.
OPEN = {
    "healthz",
    "accounts:login",
    "accounts:logout",
    "accounts:mfa-verify",
    "accounts:mfa-enrol",
    "accounts:mfa-recovery-codes",
    "public:public-notice",
}


def _phone(page):
    """The authenticator as the phone holds it: the key typed by hand from the enrolment page."""
    shown = re.search(r"data-secret>([A-Z2-7 ]+)<", page)
    assert shown is not None
    secret = shown.group(1).replace(" ", "")
    return TOTPDevice(key=b32decode(secret + "=" * (-len(secret) % 8)).hex())


def _password_only(user):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("name", sorted(set(RULES) - OPEN))
def test_every_address_but_a_few_needs_the_second_factor(incident, people, name):
    manager = people[Role.MANAGER]
    authenticator(manager)
    url = url_for(name, incident, people)
    client = _password_only(manager)
    response = client.post(url) if RULES[name].method == "post" else client.get(url)
    assert response.status_code == 302, name
    assert response.url.startswith(reverse("accounts:mfa-verify") + "?next="), name


def test_the_admin_needs_it_too(db):
    root = UserFactory.create(username="root-user", is_superuser=True, is_staff=True)
    response = _password_only(root).get(reverse("admin:index"))
    assert response.url.startswith(reverse("accounts:mfa-enrol"))  # no authenticator yet: set one up first


def test_first_sign_in_sets_up_the_authenticator_and_shows_recovery_codes_once(db):
    user = UserFactory.create(username="new-agent")
    client = _password_only(user)
    response = client.get(reverse("incidents:incident-list"))
    assert response.url.startswith(reverse("accounts:mfa-enrol"))
    page = client.get(response.url).content.decode()
    assert 'src="data:image/svg+xml' in page  # the QR code, with no inline markup for the page's policy
    device = _phone(page)
    wrong = client.post(reverse("accounts:mfa-enrol"), {"code": "000000"})
    assert "That code does not match" in wrong.content.decode()
    too_soon = client.post(reverse("accounts:mfa-enrol"), {"code": current_code(device)})
    assert "wait 1 second, then type the code" in too_soon.content.decode()  # wrong codes slow the next try
    with time_machine.travel(time.time() + 2, tick=False):
        done = client.post(reverse("accounts:mfa-enrol"), {"code": current_code(device), "next": "/incidents/"})
    assert done.url.startswith(reverse("accounts:mfa-recovery-codes"))
    codes = re.findall(r"<code>([a-z2-7]{8})</code>", client.get(done.url).content.decode())
    assert len(codes) == 10
    assert client.get(reverse("accounts:mfa-recovery-codes")).status_code == 302  # not shown again
    assert client.get(reverse("incidents:incident-list")).status_code == 200
    assert AuditEvent.objects.filter(action="mfa.enrolled", target_id=str(user.pk)).exists()


def test_a_code_is_accepted_once(db):
    user = UserFactory.create(username="casey")
    device = authenticator(user)
    code = current_code(device)
    first = _password_only(user)
    assert first.post(reverse("accounts:mfa-verify"), {"code": code}).status_code == 302
    second = _password_only(user)
    replayed = second.post(reverse("accounts:mfa-verify"), {"code": code})
    assert replayed.status_code == 200
    assert "That code is not right, or was used already" in replayed.content.decode()
    assert second.get(reverse("incidents:incident-list")).status_code == 302
    assert AuditEvent.objects.filter(action="auth.mfa_failed").count() == 1


def test_a_recovery_code_signs_in_once(db):
    from accounts import mfa

    user = UserFactory.create(username="casey")
    authenticator(user)
    code = mfa.make_recovery_codes(user)[0]
    client = _password_only(user)
    assert client.post(reverse("accounts:mfa-verify"), {"code": code.upper()}).status_code == 302
    assert not StaticToken.objects.filter(token=code).exists()
    again = _password_only(user).post(reverse("accounts:mfa-verify"), {"code": code})
    assert again.status_code == 200
    event = AuditEvent.objects.filter(action="auth.mfa_passed").latest("id")
    assert event.details == {"method": "recovery code"}


def test_a_stale_code_asks_again_before_new_recovery_codes(client, db):
    user = UserFactory.create(username="casey")
    client.force_login(user)
    with time_machine.travel(time.time() + 11 * 60, tick=False):
        response = client.post(reverse("accounts:mfa-new-recovery-codes"))
        assert response.url.startswith(reverse("accounts:reauthenticate"))
        # The session's idle limit (15 minutes) is longer than a code's freshness (10 minutes).
        device = authenticator(user)
        confirm = client.post(
            reverse("accounts:reauthenticate"), {"code": current_code(device), "next": "/accounts/security/"}
        )
        assert confirm.url == "/accounts/security/"
        assert client.post(reverse("accounts:mfa-new-recovery-codes")).url == reverse("accounts:mfa-recovery-codes")


def test_exports_and_role_changes_ask_for_a_fresh_code(client, incident, manager, auditor):
    incident.ferpa_party, incident.ferpa_description = "A personal mailbox", "Student files sent without authority."
    incident.save()
    client.force_login(manager)
    with time_machine.travel(time.time() + 11 * 60, tick=False):
        remove = reverse("incidents:member-remove", args=[incident.slug, auditor.memberships.get().pk])
        response = client.post(remove, HTTP_REFERER=f"http://testserver/incidents/{incident.slug}/members/")
        assert response.url.startswith(reverse("accounts:reauthenticate") + "?next=")
        assert auditor.memberships.exists()  # nothing changed
        asked = client.post(
            reverse("incidents:export-list", args=[incident.slug]), {"kind": "ferpa", "reason": "Files"}
        )
        download = client.get(asked.url.rstrip("/") + "/file/")
        assert download.url.startswith(reverse("accounts:reauthenticate") + "?next=")


def test_create_portal_user_prints_an_authenticator_once(monkeypatch, db, capsys):
    monkeypatch.setenv("PORTAL_PASSWORD", PASSWORD)
    call_command("create_portal_user", "scripted", "--role", "agent", "--totp")
    out = capsys.readouterr().out
    uri = next(line for line in out.splitlines() if line.startswith("otpauth://totp/"))
    device = TOTPDevice.objects.get(user__username="scripted", confirmed=True)
    assert device.config_url == uri
    assert re.search(r"secret=[A-Z2-7]{32}&", uri)  # what an authenticator app reads from it
    assert device.verify_token(TOTP(device.bin_key).token())


def test_the_demo_logins_have_codes_a_command_prints(monkeypatch, db, capsys, settings):
    settings.DEBUG = True
    call_command("seed_demo", "--size", "20")
    printed = capsys.readouterr().out
    assert "make demo-code WHO=demo-manager" in printed
    call_command("demo_code", "demo-agent")
    code = capsys.readouterr().out.strip()
    device = TOTPDevice.objects.get(user__username="demo-agent")
    assert device.verify_token(code)


def test_showing_the_enrolment_page_writes_no_device_and_its_first_code_enrols(db):
    user = UserFactory.create(username="new-agent")
    client = _password_only(user)
    before = TOTPDevice.objects.count()
    first = client.get(reverse("accounts:mfa-enrol")).content.decode()
    again = client.get(reverse("accounts:mfa-enrol")).content.decode()
    assert TOTPDevice.objects.count() == before
    phone = _phone(first)
    assert _phone(again).key == phone.key  # the same key until its first code is typed
    events = AuditEvent.objects.count()
    done = client.post(reverse("accounts:mfa-enrol"), {"code": current_code(phone)})
    assert done.url.startswith(reverse("accounts:mfa-recovery-codes"))
    enrolled = TOTPDevice.objects.get(user=user)
    assert (enrolled.key, enrolled.confirmed, TOTPDevice.objects.count()) == (phone.key, True, before + 1)
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.filter(action="mfa.enrolled", target_id=str(user.pk)).count() == 1


def test_a_new_phone_replaces_the_authenticator_only_once_its_first_code_is_right(client, db):
    user = UserFactory.create(username="casey")
    old = authenticator(user)
    client.force_login(user)
    assert client.post(reverse("accounts:mfa-replace")).url == reverse("accounts:mfa-enrol")
    new = _phone(client.get(reverse("accounts:mfa-enrol")).content.decode())
    # Meanwhile a sign-in with the password alone still asks for the old phone's code, never for a new phone.
    elsewhere = _password_only(user)
    assert elsewhere.get(reverse("accounts:mfa-enrol")).url == reverse("accounts:mfa-verify")
    assert elsewhere.post(reverse("accounts:mfa-verify"), {"code": current_code(old)}).status_code == 302
    done = client.post(reverse("accounts:mfa-enrol"), {"code": current_code(new)})
    assert done.url.startswith(reverse("accounts:mfa-recovery-codes"))
    assert list(TOTPDevice.objects.filter(user=user).values_list("key", flat=True)) == [new.key]


def test_without_a_fresh_code_the_enrolment_page_is_the_security_page(client, db):
    user = UserFactory.create(username="casey")
    client.force_login(user)
    assert client.get(reverse("accounts:mfa-enrol")).url == reverse("accounts:security")


def test_account_changes_in_admin_take_a_fresh_code(client, db):
    root = UserFactory.create(username="root-user", is_superuser=True, is_staff=True)
    other = UserFactory.create(username="casey")
    client.force_login(root)
    with time_machine.travel(time.time() + 11 * 60, tick=False):
        changelist = reverse("admin:accounts_user_changelist")
        response = client.post(changelist, {"action": "reset_second_factor", "_selected_action": [other.pk]})
    assert response.url.startswith(reverse("accounts:reauthenticate"))
    assert not AuditEvent.objects.filter(action="mfa.reset").exists()
