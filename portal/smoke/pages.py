"""Open every page the URL resolver names, as each role of an incident and as a visitor, with real ids.

Ids come from the newest row of the model named for the parameter, else from a link to the page on a page
already opened (an obligation's key, for one). A page opens when some actor gets 200 or 204 (a progress poll
with nothing new), or a redirect that is not to the sign-in steps. A page every actor gets 405 from takes POST
only and is reported as such. Any 5xx or exception is a failure, whoever met it.
"""

import re
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import REAUTHENTICATED_AT
from accounts.models import User
from portal.smoke.data import model_named

# A URL parameter: the model whose row gives it, and the field that gives its value.
PARAMETERS: dict[str, tuple[str, str]] = {
    "batch_id": ("LetterBatch", "pk"),
    "call_id": ("Call", "pk"),
    "change_id": ("AddressChange", "pk"),
    "check_id": ("TrailCheck", "pk"),
    "disposition_id": ("Disposition", "pk"),
    "entry_id": ("FaqEntry", "pk"),
    "escalation_id": ("Escalation", "pk"),
    "job_id": ("ImportJob", "pk"),
    "membership_id": ("Membership", "pk"),
    "template_id": ("LetterTemplate", "pk"),
    "update_id": ("NoticeUpdate", "pk"),
    "public_id": ("Export", "public_id"),
}
CONSTANTS: dict[str, object] = {"number": 1}  # the first page of a proof
# Pages that open only for a row in some state: a proof's page images exist once its proof is made (a batch
# without one answers 404, rightly); the page is skipped when no row is in that state.
ROW_WANTED: dict[str, Callable[[models.Model], bool]] = {
    "notifications:batch-proof-page": lambda batch: bool(getattr(batch, "has_proof", False)),
}
SKIPPED_NAMESPACES = frozenset({"admin"})  # Django's admin, for superusers only
SIGN_IN_STEPS = ("accounts:mfa-verify", "accounts:mfa-enrol")
_HREF = re.compile(r'href="(/[^"#?]*)')


@dataclass(frozen=True)
class Page:
    name: str
    parameters: tuple[str, ...]


@dataclass(frozen=True)
class Visit:
    name: str
    verdict: str  # opened | post-only | skipped | failed
    detail: str = ""


def named_pages(patterns: list[URLPattern | URLResolver] | None = None, prefix: str = "") -> Iterator[Page]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace not in SKIPPED_NAMESPACES:
                inner = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
                yield from named_pages(pattern.url_patterns, inner)
        elif pattern.name:
            converters = getattr(pattern.pattern, "converters", {})
            yield Page(prefix + pattern.name, tuple(converters))


def signed_in(user: User) -> Client:
    """A client signed in with the user's own authenticator as the second factor, as portal.testing does."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise LookupError(f"user #{user.pk} has no confirmed authenticator")
    client = visitor()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[REAUTHENTICATED_AT] = int(time.time())
    session.save()
    return client


def visitor() -> Client:
    hosts = [h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")]
    return Client(HTTP_HOST=hosts[0] if hosts else "testserver")


def members(incident: models.Model) -> dict[str, User]:
    """One user for each role held on the incident."""
    membership = model_named("Membership")
    assert membership is not None, "no Membership model found"
    chosen: dict[str, User] = {}
    for each in membership._default_manager.filter(incident=incident).select_related("user").order_by("pk"):
        chosen.setdefault(each.role, each.user)  # type: ignore[attr-defined]
    return chosen


def _value(
    parameter: str, incident: models.Model | None, wanted: Callable[[models.Model], bool] | None = None
) -> object | None:
    if parameter in CONSTANTS:
        return CONSTANTS[parameter]
    if parameter == "slug":
        return getattr(incident, "slug", None)
    model_name, field = PARAMETERS.get(parameter, ("", ""))
    model = model_named(model_name) if model_name else None
    if model is None:
        return None
    rows = model._default_manager.order_by("-pk")
    if incident is not None and any(f.name == "incident" for f in model._meta.get_fields()):
        rows = rows.filter(incident=incident)
    if wanted is not None:
        return next((getattr(row, field) for row in rows[:50] if wanted(row)), None)
    return rows.values_list(field, flat=True).first()


def url_for(page: Page, incident: models.Model | None) -> tuple[str, str]:
    """(the URL, "") or ("", why it cannot be built)."""
    kwargs = {p: _value(p, incident, ROW_WANTED.get(page.name)) for p in page.parameters}
    missing = sorted(p for p, value in kwargs.items() if value is None)
    if missing:
        return "", "no value for " + ", ".join(missing)
    try:
        return reverse(page.name, kwargs=kwargs), ""
    except NoReverseMatch:
        return "", "does not reverse"


def _to_sign_in(response: HttpResponseBase) -> bool:
    path = urlsplit(response.get("Location", "")).path
    if path == urlsplit(resolve_url(settings.LOGIN_URL)).path:
        return True
    try:
        return resolve(path).view_name in SIGN_IN_STEPS
    except Resolver404:
        return False


def _opened(response: HttpResponseBase) -> bool:
    return response.status_code in (200, 204) or (response.status_code == 302 and not _to_sign_in(response))


def _where(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(str(settings.BASE_DIR))]
    last = frames[-1] if frames else None
    return f"{type(exc).__name__} at {last.filename}:{last.lineno}" if last else type(exc).__name__


def _links(response: HttpResponseBase) -> set[str]:
    if not isinstance(response, HttpResponse) or not response.get("Content-Type", "").startswith("text/html"):
        return set()
    return set(_HREF.findall(response.content.decode(errors="replace")))


def visit(name: str, url: str, clients: dict[str, Client], links: set[str]) -> Visit:
    """GET the URL as every actor; the links of the pages that open are added to `links`."""
    statuses: dict[str, int] = {}
    opened = False
    for actor, client in clients.items():
        try:
            response = client.get(url, secure=True)
        except Exception as exc:  # a view that raises is the finding
            return Visit(name, "failed", f"{actor}: {_where(exc)}")
        statuses[actor] = response.status_code
        if response.status_code >= 500:
            return Visit(name, "failed", f"{actor}: {response.status_code}")
        opened = opened or _opened(response)
        links |= _links(response)
    shown = ", ".join(f"{actor} {status}" for actor, status in statuses.items())
    if opened:
        return Visit(name, "opened", shown)
    if set(statuses.values()) == {405}:
        return Visit(name, "post-only", shown)
    return Visit(name, "failed", shown)


def _linked(name: str, links: set[str]) -> str:
    for link in sorted(links):
        try:
            if resolve(link).view_name == name:
                return link
        except Resolver404:
            continue
    return ""


def walk(incident: models.Model | None, clients: dict[str, Client]) -> list[Visit]:
    """Every page with a slug for the incident; with no incident, every page without one."""
    visits, links, unbuilt = [], set[str](), []
    for page in named_pages():
        if ("slug" in page.parameters) != (incident is not None):
            continue
        url, why = url_for(page, incident)
        if url:
            visits.append(visit(page.name, url, clients, links))
        else:
            unbuilt.append((page, why))
    for page, why in unbuilt:  # their ids found in the links of the pages opened so far
        url = _linked(page.name, links)
        visits.append(visit(page.name, url, clients, links) if url else Visit(page.name, "skipped", why))
    return visits
