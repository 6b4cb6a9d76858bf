"""The lookup screen reads who is signed in afresh on every request (accounts/signed_in.py): each change made
between two requests, and committed as in production, counts from the next one."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from incidents import actions
from incidents.models import Membership, Role

LOGIN = reverse("accounts:login")
ENROL = reverse("accounts:mfa-enrol")


@pytest.fixture(autouse=True)
def _committed(transactional_db):
    """Every test here commits, as a request in production does."""


@pytest.fixture
def lookup(incident):
    return reverse("callcenter:lookup", args=[incident.slug])


@pytest.fixture
def working(client, agent, lookup):
    """An agent with the lookup screen open."""
    client.force_login(agent)
    assert client.get(lookup).status_code == 200
    return client


def test_a_changed_password_ends_the_session_at_the_next_request(working, agent, lookup):
    agent.set_password("a-new-synthetic-passphrase-2026")
    agent.save(update_fields=["password"])
    response = working.get(lookup)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert "Your password was changed" in working.get(response.url).content.decode()


def test_a_removed_authenticator_sends_the_next_request_to_set_one_up(working, agent, lookup):
    TOTPDevice.objects.filter(user=agent).delete()
    StaticDevice.objects.filter(user=agent).delete()
    response = working.get(lookup)
    assert response.status_code == 302
    assert response.url.startswith(ENROL)


def test_an_unconfirmed_authenticator_is_no_second_factor(working, agent, lookup):
    TOTPDevice.objects.filter(user=agent).update(confirmed=False)
    response = working.get(lookup)
    assert response.status_code == 302
    assert response.url.startswith(ENROL)


def test_another_users_authenticator_is_no_second_factor(working, agent, manager, lookup):
    TOTPDevice.objects.filter(user=agent).update(user=manager)
    response = working.get(lookup)
    assert response.status_code == 302
    assert response.url.startswith(ENROL)


def test_a_removed_membership_hides_the_incident_at_the_next_request(working, agent, manager, incident, lookup):
    actions.remove_member(manager, Membership.objects.get(user=agent, incident=incident, role=Role.AGENT))
    assert working.get(lookup).status_code == 404


def test_a_changed_role_is_refused_at_the_next_request(working, agent, manager, incident, lookup):
    actions.add_member(manager, incident, agent, Role.AUDITOR)
    actions.remove_member(manager, Membership.objects.get(user=agent, incident=incident, role=Role.AGENT))
    assert working.get(lookup).status_code == 403
    actions.add_member(manager, incident, agent, Role.AGENT)
    assert working.get(lookup).status_code == 200


def test_a_disabled_account_ends_the_session_at_the_next_request(working, agent, lookup):
    get_user_model().objects.filter(pk=agent.pk).update(is_active=False)
    response = working.get(lookup)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert "Your account was disabled" in working.get(response.url).content.decode()


def test_the_audit_log_link_follows_a_new_auditor_role(working, agent, manager, incident, lookup):
    assert reverse("audit:audit-log") not in working.get(lookup).content.decode()
    actions.add_member(manager, incident, agent, Role.AUDITOR)
    assert reverse("audit:audit-log") in working.get(lookup).content.decode()
