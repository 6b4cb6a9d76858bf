from django.urls import reverse

from audit.models import AuditEvent
from incidents.models import Membership, Role
from portal.testing import UserFactory


def test_manager_adds_a_user_with_a_role(client, manager, incident, db):
    newcomer = UserFactory.create(username="new-agent")
    client.force_login(manager)
    response = client.post(
        reverse("incidents:member-list", args=[incident.slug]), {"username": "new-agent", "role": "agent"}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=newcomer, incident=incident, role=Role.AGENT).exists()
    event = AuditEvent.objects.get(action="membership.added")
    assert event.details == {"user_id": newcomer.pk, "username": "new-agent", "role": "agent"}


def test_unknown_user_is_named_in_the_message(client, manager, incident):
    client.force_login(manager)
    response = client.post(
        reverse("incidents:member-list", args=[incident.slug]), {"username": "ghost", "role": "agent"}
    )
    assert response.status_code == 200
    assert "There is no active user named “ghost”." in response.context["form"].errors["username"]


def test_a_role_already_held_is_refused(client, manager, agent, incident):
    client.force_login(manager)
    url = reverse("incidents:member-list", args=[incident.slug])
    response = client.post(url, {"username": agent.username, "role": "agent"})
    assert "already Call agent" in response.context["form"].errors["role"][0]
    assert Membership.objects.filter(user=agent, incident=incident).count() == 1


def test_manager_removes_a_role(client, manager, auditor, incident):
    client.force_login(manager)
    target = Membership.objects.get(user=auditor, incident=incident)
    client.post(reverse("incidents:member-remove", args=[incident.slug, target.pk]))
    assert not Membership.objects.filter(pk=target.pk).exists()
    assert AuditEvent.objects.get(action="membership.removed").details["role"] == "auditor"


def test_the_last_manager_cannot_be_removed(client, manager, incident):
    client.force_login(manager)
    own = Membership.objects.get(user=manager, incident=incident, role=Role.MANAGER)
    response = client.post(reverse("incidents:member-remove", args=[incident.slug, own.pk]), follow=True)
    assert Membership.objects.filter(pk=own.pk).exists()
    assert "at least one incident manager" in response.content.decode()


def test_removed_member_loses_access(client, manager, agent, incident):
    client.force_login(manager)
    target = Membership.objects.get(user=agent, incident=incident)
    client.post(reverse("incidents:member-remove", args=[incident.slug, target.pk]))
    client.force_login(agent)
    assert client.get(reverse("incidents:incident-detail", args=[incident.slug])).status_code == 404


def test_membership_of_another_incident_cannot_be_removed_through_this_one(client, manager, outsider, incident):
    client.force_login(manager)
    foreign = outsider.memberships.first()
    response = client.post(reverse("incidents:member-remove", args=[incident.slug, foreign.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_usernames_match_exactly(client, manager, incident, db):
    UserFactory.create(username="pat")
    client.force_login(manager)
    response = client.post(reverse("incidents:member-list", args=[incident.slug]), {"username": "Pat", "role": "agent"})
    assert "There is no active user named “Pat”." in response.context["form"].errors["username"]


def test_nobody_grants_a_role_to_themselves(client, manager, incident):
    client.force_login(manager)
    url = reverse("incidents:member-list", args=[incident.slug])
    response = client.post(url, {"username": manager.username, "role": "auditor"})
    assert "cannot grant yourself a role" in response.context["form"].errors["role"][0]
    assert not Membership.objects.filter(user=manager, incident=incident, role=Role.AUDITOR).exists()
