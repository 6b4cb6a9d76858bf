"""URLs guarded by what the incidents know: a role on the incident the URL names, the right to create
incidents, or an auditor's role. Built on portal/lib/routes.py; the rooms above import it for their URLs.

An incident view receives what the check found, the IncidentAccess, as its argument after the request:
someone with no role on the incident gets 404 (its existence does not leak), a role not in `roles` 403.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, Literal

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from accounts.models import User
from incidents import access
from incidents.models import Role
from portal.lib.routes import Rule, RuledPattern, View, route

MANAGER = frozenset({Role.MANAGER})
ANY_ROLE = access.ANY_ROLE
Method = Literal["get", "post"]


def incident(
    pattern: str,
    view: View,
    name: str,
    roles: Iterable[str],
    *,
    method: Method = "get",
    post_roles: Iterable[str] | None = None,
    kwargs: dict[str, Any] | None = None,
) -> RuledPattern:
    """For those holding one of `roles` on the incident named by the URL's slug. `post_roles`, when given,
    narrows who may POST to a page the others may read (a list whose form creates)."""
    rule = Rule("incident", frozenset(roles), method)
    narrower = frozenset(post_roles) if post_roles is not None else None
    return route(pattern, _on_incident(view, rule.roles, narrower), name, rule, kwargs=kwargs)


def _on_incident(view: View, roles: frozenset[str], post_roles: frozenset[str] | None) -> View:
    @wraps(view)
    def checked(request: HttpRequest, *args: Any, slug: str, **kwargs: Any) -> HttpResponseBase:
        found = access.incident_for(request.user, slug, need=roles)
        if post_roles is not None and request.method == "POST" and not found.roles & post_roles:
            access.refuse()
        return view(request, found, *args, slug=slug, **kwargs)

    return checked


def creator(pattern: str, view: View, name: str, *, method: Method = "get") -> RuledPattern:
    """For those who may create incidents."""
    return route(pattern, _checked(view, access.require_incident_creator), name, Rule("creator", method=method))


def auditor(pattern: str, view: View, name: str, *, method: Method = "get") -> RuledPattern:
    """For those who audit some incident and superusers. The view receives, after the request, the ids of
    the incidents whose trail the user reads (None: all, for a superuser); each auditor sees only those."""
    return route(pattern, _audited(view), name, Rule("auditor", method=method))


def _audited(view: View) -> View:
    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return view(request, access.audited_incident_ids(request.user), *args, **kwargs)

    return checked


def _checked(view: View, check: Callable[[User | AnonymousUser], None]) -> View:
    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        check(request.user)
        return view(request, *args, **kwargs)

    return checked
