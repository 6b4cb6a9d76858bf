import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from incidents import access
from incidents.models import Role
from portal.testing import IncidentFactory, UserFactory, member


def test_member_gets_the_incident_and_all_their_roles(incident, manager):
    member(manager, incident, Role.AGENT)
    found = access.incident_for(manager, incident.slug)
    assert found.incident == incident
    assert found.roles == {Role.MANAGER, Role.AGENT}
    assert found.is_manager


def test_outsider_gets_404_not_403(incident, outsider):
    with pytest.raises(Http404):
        access.incident_for(outsider, incident.slug, need={Role.MANAGER})


def test_unknown_slug_is_the_same_404(incident, manager):
    with pytest.raises(Http404):
        access.incident_for(manager, "no-such-incident")


def test_wrong_role_gets_403(incident, agent):
    with pytest.raises(PermissionDenied):
        access.incident_for(agent, incident.slug, need={Role.MANAGER})


def test_superuser_is_not_a_member_by_default(incident, db):
    root = UserFactory.create(username="root", is_superuser=True)
    with pytest.raises(Http404):
        access.incident_for(root, incident.slug)


def test_visible_incidents_are_exactly_the_users(incident, agent, db):
    other = IncidentFactory.create()
    assert list(access.incidents_visible_to(agent)) == [incident]
    member(agent, other, Role.AUDITOR)
    member(agent, other, Role.AGENT)
    assert set(access.incidents_visible_to(agent)) == {incident, other}
    assert access.incidents_visible_to(agent).count() == 2


def test_membership_on_another_incident_is_404(incident, manager, outsider):
    found = access.incident_for(manager, incident.slug)
    foreign = outsider.memberships.first()
    with pytest.raises(Http404):
        access.membership_on(found, foreign.pk)


def test_audited_incidents(incident, auditor, agent, db):
    assert access.audited_incident_ids(auditor) == [incident.pk]
    with pytest.raises(PermissionDenied):
        access.audited_incident_ids(agent)
    assert access.audited_incident_ids(UserFactory.create(username="root", is_superuser=True)) is None


def test_only_managers_with_the_permission_may_create(manager, agent):
    assert not access.can_create_incident(agent)
    assert not access.can_create_incident(manager)  # a role on one incident is not enough
    assert access.can_create_incident(UserFactory.create(username="root", is_superuser=True))
