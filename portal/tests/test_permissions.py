"""Deny by default: every URL pattern declares who may open it, and every rule is walked for every actor.

The rules are read from the resolver (each route helper records its rule on the pattern); a URL added
without one makes `test_every_url_pattern_has_a_rule` fail.
"""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from incidents.models import Role
from portal.lib.routes import rule_of
from portal.testing import UserFactory
from portal.testing.urlwalk import ACTORS, EXPECT, OBJECT_ROLES, PATTERNS, RULES, Walked, url_for


def _route_roles(name: str) -> frozenset[str]:
    rule = rule_of(PATTERNS[name])
    return rule.roles if rule is not None else frozenset()


def test_every_url_pattern_has_a_rule():
    """Every URL is made by a route helper that declares who may open it (Django's admin has its own)."""
    assert [name for name, pattern in PATTERNS.items() if rule_of(pattern) is None] == []
    assert set(EXPECT) | set(OBJECT_ROLES) <= set(RULES)
    assert all(roles <= _route_roles(name) for name, roles in OBJECT_ROLES.items())  # objects narrow, never widen


def _expected(rule: Walked, actor: str) -> int:
    success = rule.expect or (200 if rule.method == "get" else 302)
    if rule.scope == "public":
        return 302 if rule.signed_in_redirects and actor != "anonymous" else success
    if actor == "anonymous":
        return 302
    if rule.scope == "incident" and actor == "outsider":
        return 404
    allowed = {
        "signed_in": True,
        "creator": actor == Role.MANAGER,
        # The outsider audits another incident: the screen opens, showing only that incident's trail.
        "auditor": actor in (Role.AUDITOR, "outsider"),
        "incident": actor in rule.roles,
    }[rule.scope]
    return success if allowed else 403


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name", sorted(RULES))
def test_each_actor_reaches_only_what_its_role_allows(client, incident, people, actor, name):
    rule = RULES[name]
    if actor == Role.MANAGER:
        people[actor].user_permissions.add(
            Permission.objects.get(content_type__app_label="incidents", codename="add_incident")
        )
    if actor != "anonymous":
        client.force_login(people[actor])
    url = url_for(name, incident, people)
    response = client.post(url) if rule.method == "post" else client.get(url)
    expected = _expected(rule, actor)
    assert response.status_code == expected, f"{actor} on {name}"
    if actor == "anonymous" and rule.scope != "public":
        assert response.url.startswith(reverse("accounts:login") + "?next=")


@pytest.mark.parametrize("name", sorted(n for n, r in RULES.items() if r.method == "post" and r.scope != "public"))
def test_post_only_views_refuse_get(client, incident, people, name):
    client.force_login(people[Role.MANAGER])
    assert client.get(url_for(name, incident, people)).status_code == 405


@pytest.mark.parametrize("actor", ["outsider", *Role.values])
def test_admin_is_for_superusers_only(client, people, actor):
    client.force_login(people[actor])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_superuser_reaches_admin(client, db):
    client.force_login(UserFactory.create(username="root-user", is_superuser=True, is_staff=True))
    assert client.get(reverse("admin:index")).status_code == 200
