"""State changes on regulator obligations. Each is atomic and audited."""

import uuid
from datetime import date
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit import api as audit
from incidents.models import Incident
from portal.lib.errors import ActionRefused
from regulators import obligations
from regulators.forms import NO_PROOF
from regulators.models import Obligation


@transaction.atomic
def add_obligation(
    actor: User, incident: Incident, party: str, notice: str, due_on: date | None, citation: str, notes: str
) -> Obligation:
    """An obligation the jurisdictions table does not know: a contract, an insurer, a place it leaves to counsel."""
    added = Obligation.objects.create(
        incident=incident, party=party, notice=notice, due_on=due_on, citation=citation, notes=notes, created_by=actor
    )
    audit.record("obligation.added", actor=actor, incident_id=incident.pk, target=added)
    return added


def _check_proof(incident: Incident, done_on: date, reference: str, has_evidence: bool) -> None:
    """A done mark stands on what proves it: a date the notice could have been sent, and a reference or a file."""
    if done_on > timezone.localdate():
        raise ActionRefused(f"{done_on:%m/%d/%Y} is in the future; give the date the notice was sent.")
    if done_on < incident.discovered_on:
        raise ActionRefused(
            f"{done_on:%m/%d/%Y} is before the breach was discovered ({incident.discovered_on:%m/%d/%Y}); "
            "give the date the notice was sent."
        )
    if not reference.strip() and not has_evidence:
        raise ActionRefused(NO_PROOF)


@transaction.atomic
def mark_obligation_done(
    actor: User, incident: Incident, key: str, done_on: date, reference: str, evidence: File | None
) -> Obligation:
    """Record that the notice was given: the date it was sent, and its reference or the evidence (or both);
    refused without either. A rule's obligation is stored here for the first time, with what it said when
    it was done."""
    record = _record_for(actor, incident, key)
    _check_proof(incident, done_on, reference, evidence is not None or bool(record.evidence))
    wanted = {"done_on": done_on, "reference": reference}
    changed = [name for name, value in wanted.items() if record.pk and getattr(record, name) != value]
    record.done_on, record.reference, record.done_by = done_on, reference, actor
    if evidence is not None:
        replaced = record.evidence.name
        if replaced:  # the earlier file goes once this mark is committed; it may hold personal data
            transaction.on_commit(lambda: record.evidence.storage.delete(replaced))
            changed.append("evidence")
        record.evidence_name = Path(evidence.name or "evidence").name[:200]
        record.evidence.save(f"{uuid.uuid4().hex}{Path(record.evidence_name).suffix.lower()}", evidence, save=False)
    record.save()
    details = {"rule": record.rule, "evidence": bool(record.evidence), "changed": changed}
    audit.record("obligation.done", actor=actor, incident_id=incident.pk, target=record, details=details)
    return record


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # February 29: the day after February 28
        return date(day.year + years, 3, 1)


def decision_kept_years(incident: Incident) -> int:
    """Five years (RSMo 407.1500, Fla. Stat. 501.171); six for a HIPAA covered entity (45 CFR 164.530(j))."""
    return 6 if incident.organisation_type == obligations.HEALTH_CARE else 5


def _record_for(actor: User, incident: Incident, key: str) -> Obligation:
    Incident.objects.select_for_update().get(pk=incident.pk)  # two marks at once must not both create the record
    found = obligations.entry(incident, key)
    if found is None:
        raise ActionRefused("This obligation no longer applies to the incident; reload the list.")
    return found.record or Obligation(
        incident=incident,
        rule=key,
        party=found.party,
        notice=found.notice,
        citation=found.citation,
        due_on=found.due_on,
        due_rule=found.due_rule,
        created_by=actor,
    )


@transaction.atomic
def decide_not_to_notify(actor: User, incident: Incident, key: str, reasons: str) -> Obligation:
    """A documented decision not to give this notice: the reasons, who decided and when; kept five years."""
    record = _record_for(actor, incident, key)
    if record.done_on is not None:
        raise ActionRefused(f"This notice was given on {record.done_on:%B %d, %Y}; a decision not to give it is moot.")
    today = timezone.localdate()
    changed = bool(record.not_notifying_on)
    record.not_notifying_reasons, record.not_notifying_on, record.not_notifying_by = reasons, today, actor
    record.keep_until = _years_after(today, decision_kept_years(incident))
    record.save()
    audit.record("obligation.not_notifying", actor=actor, incident_id=incident.pk, target=record,
                 details={"rule": record.rule, "replaces_earlier_decision": changed})  # fmt: skip
    return record


@transaction.atomic
def record_evidence_download(actor: User, record: Obligation) -> None:
    audit.record("obligation.evidence_downloaded", actor=actor, incident_id=record.incident_id, target=record)


@transaction.atomic
def set_target(actor: User, incident: Incident, target_on: date | None, offered: date) -> None:
    """The date the managers work toward for notices the law gives no date (None: no target)."""
    earlier = Incident.objects.select_for_update().values_list("target_on", flat=True).get(pk=incident.pk)
    Incident.objects.filter(pk=incident.pk).update(target_on=target_on)
    incident.target_on = target_on
    details = {"target_on": target_on and target_on.isoformat(), "earlier": earlier and earlier.isoformat(),
               "offered": offered.isoformat()}  # fmt: skip
    audit.record("incident.target_set", actor=actor, incident_id=incident.pk, target=incident, details=details)
