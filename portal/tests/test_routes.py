"""The route helpers record who may open a URL; a pattern made without one carries no rule, and the walk
in test_permissions.py names it."""

from django.urls import path

from incidents.models import Role
from incidents.routes import MANAGER, incident
from portal.lib.routes import Rule, rule_of, signed_in
from portal.views import healthz


def test_a_route_carries_its_rule_and_a_plain_path_none():
    made = incident("incidents/<slug:slug>/x/", healthz, "x", MANAGER, method="post")
    assert rule_of(made) == Rule("incident", frozenset({Role.MANAGER}), "post")
    assert rule_of(signed_in("y/", healthz, "y")) == Rule("signed_in")
    assert rule_of(path("z/", healthz, name="z")) is None
