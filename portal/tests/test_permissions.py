"""Deny by default: every URL pattern has a rule here, and every rule is walked for every actor.

A view added without a rule makes `test_every_url_pattern_has_a_rule` fail.
"""

from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from audit.models import TrailCheck
from incidents.models import Membership, Role
from portal.testing import RecipientFactory, UserFactory
from public.models import NoticeUpdate
from regulators.models import Obligation

ALL_ROLES = frozenset(Role.values)


@dataclass(frozen=True)
class Rule:
    scope: str  # public | signed_in | creator | auditor | incident
    roles: frozenset[str] = field(default_factory=frozenset)
    method: str = "get"
    signed_in_redirects: bool = False  # the sign-in page sends signed-in users on
    expect: int = 0  # what a permitted actor gets, when not 200 (GET) or 302 (POST)


RULES: dict[str, Rule] = {
    "healthz": Rule("public"),
    "accounts:login": Rule("public", signed_in_redirects=True),
    "accounts:logout": Rule("public", method="post"),
    "accounts:mfa-verify": Rule("signed_in"),
    "accounts:mfa-enrol": Rule("signed_in", expect=302),  # set up already: its page is the security page
    "accounts:mfa-replace": Rule("signed_in", method="post"),
    "accounts:mfa-recovery-codes": Rule("signed_in", expect=302),  # shown once, right after they are made
    "accounts:mfa-new-recovery-codes": Rule("signed_in", method="post"),
    "accounts:reauthenticate": Rule("signed_in"),
    "accounts:security": Rule("signed_in"),
    "incidents:incident-list": Rule("signed_in"),
    "incidents:incident-create": Rule("creator"),
    "audit:audit-log": Rule("auditor"),
    "audit:trail-check-start": Rule("auditor", method="post"),
    "audit:trail-check-detail": Rule("auditor"),
    "incidents:incident-detail": Rule("incident", ALL_ROLES),
    "incidents:incident-edit": Rule("incident", frozenset({Role.MANAGER})),
    "incidents:incident-timeline": Rule("incident", frozenset({Role.MANAGER, Role.AUDITOR})),
    "incidents:incident-status": Rule("incident", frozenset({Role.MANAGER}), "post"),
    "incidents:member-list": Rule("incident", frozenset({Role.MANAGER})),
    "incidents:member-remove": Rule("incident", frozenset({Role.MANAGER}), "post"),
    "people:import-list": Rule("incident", frozenset({Role.MANAGER})),
    "people:import-detail": Rule("incident", frozenset({Role.MANAGER})),
    # An empty mapping form is bad input; a job that is not running makes the progress poll reload the page.
    "people:import-mapping": Rule("incident", frozenset({Role.MANAGER}), "post", expect=400),
    "people:import-preview": Rule("incident", frozenset({Role.MANAGER}), "post", expect=200),
    "people:import-header": Rule("incident", frozenset({Role.MANAGER}), "post"),
    "people:import-progress": Rule("incident", frozenset({Role.MANAGER}), expect=204),
    "people:import-confirm": Rule("incident", frozenset({Role.MANAGER}), "post"),
    "people:import-discard": Rule("incident", frozenset({Role.MANAGER}), "post"),
    "callcenter:lookup": Rule("incident", frozenset({Role.AGENT})),
    # A start without a chosen person goes back to the lookup; the others open a call.
    "callcenter:call-start": Rule("incident", frozenset({Role.AGENT}), "post"),
    "callcenter:call-not-found": Rule("incident", frozenset({Role.AGENT}), "post"),
    # A call is its agent's own: the agent reaches it, an agent's empty form is bad input.
    "callcenter:call-detail": Rule("incident", frozenset({Role.AGENT})),
    "callcenter:call-verify": Rule("incident", frozenset({Role.AGENT}), "post", expect=400),
    "callcenter:call-close": Rule("incident", frozenset({Role.AGENT}), "post", expect=400),
    "callcenter:call-address": Rule("incident", frozenset({Role.AGENT}), "post"),
    "callcenter:call-resend": Rule("incident", frozenset({Role.AGENT}), "post"),
    "callcenter:call-escalate": Rule("incident", frozenset({Role.AGENT}), "post", expect=400),
    # Manager screens. An escalation is worked by its owner, a manager or an agent; an empty form is bad input.
    "callcenter:supervisor": Rule("incident", frozenset({Role.MANAGER})),
    "callcenter:escalation-list": Rule("incident", frozenset({Role.MANAGER})),
    "callcenter:escalation-detail": Rule("incident", frozenset({Role.MANAGER, Role.AGENT})),
    "callcenter:escalation-callback": Rule("incident", frozenset({Role.MANAGER, Role.AGENT}), "post", expect=400),
    "callcenter:escalation-resolve": Rule("incident", frozenset({Role.MANAGER, Role.AGENT}), "post", expect=400),
    "callcenter:address-change-list": Rule("incident", frozenset({Role.MANAGER})),
    "callcenter:address-change-review": Rule("incident", frozenset({Role.MANAGER}), "post"),
    "callcenter:disposition-list": Rule("incident", frozenset({Role.MANAGER})),
    # With nothing waiting, the manager is sent back with a message.
    "callcenter:resend-batch": Rule("incident", frozenset({Role.MANAGER}), "post"),
    "callcenter:disposition-toggle": Rule("incident", frozenset({Role.MANAGER}), "post"),
    "public:faq-list": Rule("incident", frozenset({Role.MANAGER})),
    "public:faq-edit": Rule("incident", frozenset({Role.MANAGER})),
    "public:faq-remove": Rule("incident", frozenset({Role.MANAGER}), "post"),
    "public:notice-manage": Rule("incident", frozenset({Role.MANAGER})),
    "public:notice-publish": Rule("incident", frozenset({Role.MANAGER}), "post"),
    "public:notice-unpublish": Rule("incident", frozenset({Role.MANAGER}), "post"),
    "public:notice-update-remove": Rule("incident", frozenset({Role.MANAGER}), "post"),
    "regulators:obligation-list": Rule("incident", frozenset({Role.MANAGER})),
    # Without a party and a description written, the download sends the manager back to write them.
    "incidents:export-list": Rule("incident", frozenset({Role.MANAGER, Role.MAIL_ADMIN})),
    # An export of letters asked for by the mail administrator: theirs to see, the manager's to approve.
    "incidents:export-detail": Rule("incident", frozenset({Role.MANAGER, Role.MAIL_ADMIN})),
    "incidents:export-decide": Rule("incident", frozenset({Role.MANAGER}), "post"),
    "incidents:export-download": Rule("incident", frozenset({Role.MAIL_ADMIN}), expect=410),  # used already
    "regulators:obligation-detail": Rule("incident", frozenset({Role.MANAGER})),
    "regulators:obligation-packet-pdf": Rule("incident", frozenset({Role.MANAGER})),
    "regulators:obligation-packet-csv": Rule("incident", frozenset({Role.MANAGER})),
    "regulators:obligation-evidence": Rule("incident", frozenset({Role.MANAGER}), "post", expect=200),
    # Anyone may read a published notice; this incident's is not published, so nobody finds it.
    "public:public-notice": Rule("public", expect=404),
    # Letters. Templates are the managers'; batches are read by managers and mail administrators, approved,
    # exported and marked mailed by mail administrators. The walk's batch is a draft: the actions on it are
    # refused back to its page, its progress poll reloads the page, and a reprint without a sequence number
    # goes back to it too.
    "notifications:template-list": Rule("incident", frozenset({Role.MANAGER})),
    "notifications:template-defaults": Rule("incident", frozenset({Role.MANAGER}), "post"),
    "notifications:template-create": Rule("incident", frozenset({Role.MANAGER})),
    "notifications:template-text-preview": Rule("incident", frozenset({Role.MANAGER}), "post", expect=200),
    "notifications:template-edit": Rule("incident", frozenset({Role.MANAGER})),
    "notifications:template-preview": Rule("incident", frozenset({Role.MANAGER})),
    "notifications:batch-list": Rule("incident", frozenset({Role.MANAGER, Role.MAIL_ADMIN})),
    "notifications:batch-detail": Rule("incident", frozenset({Role.MANAGER, Role.MAIL_ADMIN})),
    "notifications:batch-progress": Rule("incident", frozenset({Role.MANAGER, Role.MAIL_ADMIN}), expect=204),
    "notifications:batch-rerender": Rule("incident", frozenset({Role.MANAGER}), "post"),
    "notifications:batch-approve": Rule("incident", frozenset({Role.MAIL_ADMIN}), "post"),
    # A draft has no proof yet: its page sends readers back to the batch, and its images are not found.
    "notifications:batch-proof": Rule("incident", frozenset({Role.MANAGER, Role.MAIL_ADMIN}), expect=302),
    "notifications:batch-proof-page": Rule("incident", frozenset({Role.MANAGER, Role.MAIL_ADMIN}), expect=404),
    "notifications:batch-mailed": Rule("incident", frozenset({Role.MAIL_ADMIN}), "post"),
    "notifications:returned-mail": Rule("incident", frozenset({Role.MAIL_ADMIN})),
    "notifications:letter-exports": Rule("incident", frozenset({Role.MANAGER, Role.AUDITOR})),
}
ACTORS = ["anonymous", "outsider", *Role.values]


def _names(patterns: list[URLPattern | URLResolver], prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                names |= _names(pattern.url_patterns, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
        else:
            # An unnamed pattern could not be given a rule, so it is a failure of its own.
            names.add(prefix + (pattern.name or f"<unnamed {pattern.pattern}>"))
    return names


def test_every_url_pattern_has_a_rule():
    assert _names(get_resolver().url_patterns) == set(RULES)


def _url(name: str, incident, people) -> str:
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
    from people.tests.importing import check, csv_bytes, upload

    return check(upload(incident, csv_bytes("1,Lee,Kim,2000-01-01,1 Oak St,Town,MO,65801,,,Name")))


def _expected(rule: Rule, actor: str) -> int:
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
    url = _url(name, incident, people)
    response = client.post(url) if rule.method == "post" else client.get(url)
    expected = _expected(rule, actor)
    assert response.status_code == expected, f"{actor} on {name}"
    if actor == "anonymous" and rule.scope != "public":
        assert response.url.startswith(reverse("accounts:login") + "?next=")


@pytest.mark.parametrize("name", sorted(n for n, r in RULES.items() if r.method == "post" and r.scope != "public"))
def test_post_only_views_refuse_get(client, incident, people, name):
    client.force_login(people[Role.MANAGER])
    assert client.get(_url(name, incident, people)).status_code == 405


@pytest.mark.parametrize("actor", ["outsider", *Role.values])
def test_admin_is_for_superusers_only(client, people, actor):
    client.force_login(people[actor])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_superuser_reaches_admin(client, db):
    client.force_login(UserFactory.create(username="root-user", is_superuser=True, is_staff=True))
    assert client.get(reverse("admin:index")).status_code == 200
