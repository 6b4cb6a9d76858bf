"""Who may open a URL, declared once beside it (oscar's permission map, applied in one place).

Every URL pattern is made by a helper here or by one built on it (incidents/routes.py adds the incident,
creator and auditor checks). The helper puts the checks in front of the view and records the rule on the
pattern, so the permission walk (portal/tests/test_permissions.py) reads each URL's expectations from the
resolver: a URL made without a rule fails it. This module knows nothing of incidents or their roles.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.contrib.auth.decorators import login_required
from django.http.response import HttpResponseBase
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

View = Callable[..., HttpResponseBase]
Scope = Literal["public", "signed_in", "creator", "auditor", "incident"]


@dataclass(frozen=True)
class Rule:
    """Who may open a URL and how it is asked for.

    scope: public (anyone), signed_in, creator (may create incidents), auditor (audits some incident),
    incident (holds one of `roles` on the incident named by the URL's slug).
    method: "post" for a URL that only acts (anything else gets 405, before sign-in is asked for).
    signed_in_redirects: the page sends a signed-in visitor on (the sign-in page).
    """

    scope: Scope
    roles: frozenset[str] = field(default_factory=frozenset)
    method: Literal["get", "post"] = "get"
    signed_in_redirects: bool = False


class RuledPattern(URLPattern):
    """A URL pattern that carries the rule its view was guarded with."""

    def __init__(self, pattern: URLPattern, rule: Rule) -> None:
        super().__init__(pattern.pattern, pattern.callback, pattern.default_args, pattern.name)
        self.rule = rule


def route(pattern: str, view: View, name: str, rule: Rule, *, kwargs: dict[str, Any] | None = None) -> RuledPattern:
    """The URL with sign-in (all but public) and the method (POST-only URLs) checked in front of `view`.

    A rule's own check beyond signing in (a role, an incident) is already wrapped around `view` by the
    helper that made the rule; it runs after sign-in, as the view's own decorators run after it.
    """
    guarded = view
    if rule.scope != "public":
        guarded = login_required(guarded)
        if rule.method == "post":
            # First, as @require_POST stood above @login_required: a GET is refused before sign-in.
            guarded = require_POST(guarded)
    return RuledPattern(path(pattern, guarded, kwargs or {}, name=name), rule)


def public(
    pattern: str,
    view: View,
    name: str,
    *,
    method: Literal["get", "post"] = "get",
    signed_in_redirects: bool = False,
    kwargs: dict[str, Any] | None = None,
) -> RuledPattern:
    """Open to anyone. The view answers other methods itself (the sign-out view takes POST only)."""
    return route(
        pattern, view, name, Rule("public", method=method, signed_in_redirects=signed_in_redirects), kwargs=kwargs
    )


def signed_in(pattern: str, view: View, name: str, *, method: Literal["get", "post"] = "get") -> RuledPattern:
    """Open to anyone signed in."""
    return route(pattern, view, name, Rule("signed_in", method=method))


def rule_of(pattern: URLPattern) -> Rule | None:
    """The rule a pattern was made with, or None for one made without (Django's admin, or a mistake)."""
    return pattern.rule if isinstance(pattern, RuledPattern) else None
