"""The walk of every URL: each route's rule as the tests read it, and a URL for each name with real objects
of an incident behind it (the permission, second-factor and session-end walks share it)."""

from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from audit.models import TrailCheck
from incidents.models import Membership, Role
from portal.lib.routes import rule_of
from portal.testing import RecipientFactory
from public.models import NoticeUpdate
from regulators.models import Obligation


@dataclass(frozen=True)
class Walked:
    """A URL's rule as its route declares it (portal/lib/routes.py), with what the walk's request gets."""

    scope: str  # public | signed_in | creator | auditor | incident
    roles: frozenset[str] = field(default_factory=frozenset)
    method: str = "get"
    signed_in_redirects: bool = False  # the sign-in page sends signed-in users on
    expect: int = 0  # what a permitted actor gets, when not 200 (GET) or 302 (POST)


# Who may open each URL, its method and whether it sends signed-in visitors on are facts about the URL:
# its route declares them. What a permitted actor's bare request gets, when not 200 (GET) or 302 (POST), is a
# fact about this walk: its fixtures (the objects _url makes) and its empty forms. Those stay here.
EXPECT: dict[str, int] = {
    "accounts:mfa-enrol": 302,  # set up already: its page is the security page
    "accounts:mfa-recovery-codes": 302,  # shown once, right after they are made
    # An empty mapping form is bad input; a job that is not running makes the progress poll reload the page.
    "people:import-mapping": 400,
    "people:import-preview": 200,
    "people:import-progress": 204,
    # A call is its agent's own: the agent reaches it, an agent's empty form is bad input.
    "callcenter:call-verify": 400,
    "callcenter:call-close": 400,
    "callcenter:call-escalate": 400,
    # An escalation is worked by its owner, a manager or an agent; an empty form is bad input.
    "callcenter:escalation-callback": 400,
    "callcenter:escalation-resolve": 400,
    "incidents:export-download": 410,  # used already
    "regulators:obligation-evidence": 200,
    # This incident's notice is not published, so nobody finds it.
    "public:public-notice": 404,
    # The walk's batch is a draft: the actions on it are refused back to its page, its progress poll reloads
    # the page; a draft has no proof yet: its page sends readers back to the batch, its images are not found.
    "notifications:template-text-preview": 200,
    "notifications:batch-progress": 204,
    "notifications:batch-proof": 302,
    "notifications:batch-proof-page": 404,
}


def _patterns(patterns: list[URLPattern | URLResolver], prefix: str = "") -> dict[str, URLPattern]:
    found: dict[str, URLPattern] = {}
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                inner = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
                found |= _patterns(pattern.url_patterns, inner)
        else:
            # An unnamed pattern could not be walked by name, so it is a failure of its own.
            found[prefix + (pattern.name or f"<unnamed {pattern.pattern}>")] = pattern
    return found


# Where the object the walk makes lets fewer of the route's roles through (object-level checks in the view),
# a fact about the fixture: the walk's export of letters was asked for by the mail administrator, so only they
# download it, and only a manager (another person) approves it.
OBJECT_ROLES: dict[str, frozenset[str]] = {
    "incidents:export-decide": frozenset({Role.MANAGER}),
    "incidents:export-download": frozenset({Role.MAIL_ADMIN}),
}

PATTERNS = _patterns(get_resolver().url_patterns)
RULES: dict[str, Walked] = {
    name: Walked(
        rule.scope, OBJECT_ROLES.get(name, rule.roles), rule.method, rule.signed_in_redirects, EXPECT.get(name, 0)
    )
    for name, pattern in PATTERNS.items()
    if (rule := rule_of(pattern)) is not None
}


ACTORS = ["anonymous", "outsider", *Role.values]


def url_for(name: str, incident, people) -> str:
    if name.startswith("people:import-") and name != "people:import-list":
        return reverse(name, args=[incident.slug, _import_job(incident).pk])
    if name.startswith("callcenter:call-") and name not in ("callcenter:call-start", "callcenter:call-not-found"):
        return reverse(name, args=[incident.slug, _call(incident, people).pk])
    if name == "notifications:batch-proof-page":
        return reverse(name, args=[incident.slug, _letter_batch(incident, people).pk, 1])
    if name in _MANAGED_OBJECTS:
        return reverse(name, args=[incident.slug, _MANAGED_OBJECTS[name](incident, people).pk])
    if name == "incidents:member-remove":
        target = Membership.objects.get(user=people[Role.AUDITOR], incident=incident, role=Role.AUDITOR)
        return reverse(name, args=[incident.slug, target.pk])
    if name.startswith("regulators:obligation-") and name != "regulators:obligation-list":
        return reverse(name, args=[incident.slug, _obligation_with_evidence(incident).key])
    if name.startswith("incidents:export-") and name != "incidents:export-list":
        return reverse(name, args=[incident.slug, _export(incident, people).public_id])
    if name == "public:public-notice":
        return reverse(name, args=[incident.slug])
    if name == "audit:trail-check-detail":
        return reverse(name, args=[TrailCheck.objects.create().pk])
    if RULES[name].scope == "incident":
        return reverse(name, args=[incident.slug])
    return reverse(name)


def _call(incident, people):
    from callcenter.models import Call

    recipient = RecipientFactory.create(individual__incident=incident)
    return Call.objects.create(
        incident=incident, agent=people[Role.AGENT], started_at=timezone.now(), recipient=recipient
    )


def _escalation(incident, people):
    from callcenter.models import Escalation

    agent = people[Role.AGENT]
    return Escalation.objects.create(
        incident=incident, call=_call(incident, people), owner=agent, reason="Synthetic reason", created_by=agent
    )


def _address_change(incident, people):
    from callcenter.models import AddressChange

    call = _call(incident, people)
    address = {"address_line1": "1 Synthetic Rd", "city": "Nowhere", "state": "MO", "postal_code": "65999"}
    return AddressChange.objects.create(
        incident=incident, recipient=call.recipient, call=call, requested_by=people[Role.AGENT], **address
    )


def _disposition(incident, people):
    from callcenter.models import Disposition

    return Disposition.objects.create(incident=incident, label="Synthetic outcome")


def _obligation_with_evidence(incident):
    from django.core.files.base import ContentFile

    record = Obligation.objects.create(incident=incident, party="Insurer", notice="Claim", done_on=date(2026, 10, 1))
    record.evidence.save("claim.pdf", ContentFile(b"%PDF-1.7"), save=True)
    return SimpleNamespace(key=f"m{record.pk}")


def _notice_update(incident, people):
    return NoticeUpdate.objects.create(incident=incident, posted_on=date(2026, 10, 1), text="Letters mailed.")


def _faq_entry(incident, people):
    from public.models import FaqEntry

    return FaqEntry.objects.create(incident=incident, question="A synthetic question?", answer="A synthetic answer.")


def _letter_template(incident, people):
    from notifications.models import LetterTemplate

    return LetterTemplate.objects.create(incident=incident, name="Synthetic letter", body="<p>{{ salutation }}</p>")


def _export(incident, people):
    from incidents.models import Export
    from notifications.models import BatchStatus, LetterBatch

    batch = LetterBatch.objects.create(incident=incident, name="Approved", status=BatchStatus.APPROVED, letters_total=1)
    return Export.objects.create(
        public_id="EXP-PERMS001", incident=incident, kind="letters", subject={"batch": batch.pk}, title="Print export",
        reason="Synthetic reason", rows=1, status=Export.Status.DOWNLOADED, requested_by=people[Role.MAIL_ADMIN],
    )  # fmt: skip


def _letter_batch(incident, people):
    from notifications.models import LetterBatch

    return LetterBatch.objects.create(incident=incident, name="Synthetic batch", created_by=people[Role.MANAGER])


# URL names whose second argument is an object of the incident, and how to make one.
_MANAGED_OBJECTS = {
    "callcenter:escalation-detail": _escalation,
    "callcenter:escalation-callback": _escalation,
    "callcenter:escalation-resolve": _escalation,
    "callcenter:address-change-review": _address_change,
    "callcenter:disposition-toggle": _disposition,
    "public:faq-edit": _faq_entry,
    "public:faq-remove": _faq_entry,
    "public:notice-update-remove": _notice_update,
    "notifications:template-edit": _letter_template,
    "notifications:template-preview": _letter_template,
    "notifications:batch-detail": _letter_batch,
    "notifications:batch-progress": _letter_batch,
    "notifications:batch-rerender": _letter_batch,
    "notifications:batch-approve": _letter_batch,
    "notifications:batch-proof": _letter_batch,
    "notifications:batch-mailed": _letter_batch,
}


def _import_job(incident):
    from portal.testing.imports import check, csv_bytes, upload

    return check(upload(incident, csv_bytes("1,Lee,Kim,2000-01-01,1 Oak St,Town,MO,65801,,,Name")))
