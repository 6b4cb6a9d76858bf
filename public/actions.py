"""State changes on the public notice and its FAQ. Each is atomic and audited."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit import api as audit
from incidents import actions as incident_actions
from incidents.models import Incident
from people.models import Recipient
from portal.lib.errors import ActionRefused
from public.forms import future_update
from public.models import FaqEntry, NoticeUpdate


@transaction.atomic
def add_faq_entry(actor: User, incident: Incident, question: str, answer: str, sort_order: int) -> FaqEntry:
    entry = FaqEntry.objects.create(incident=incident, question=question, answer=answer, sort_order=sort_order)
    audit.record("faq.added", actor=actor, incident_id=incident.pk, target=entry)
    return entry


@transaction.atomic
def update_faq_entry(actor: User, entry: FaqEntry, question: str, answer: str, sort_order: int) -> list[str]:
    stored = FaqEntry.objects.select_for_update().get(pk=entry.pk)
    wanted = {"question": question, "answer": answer, "sort_order": sort_order}
    changed = [name for name, value in wanted.items() if getattr(stored, name) != value]
    if changed:
        for name in changed:
            setattr(stored, name, wanted[name])
        stored.save(update_fields=changed)
        audit.record(
            "faq.changed", actor=actor, incident_id=stored.incident_id, target=stored, details={"fields": changed}
        )
    return changed


@transaction.atomic
def remove_faq_entry(actor: User, entry: FaqEntry) -> None:
    FaqEntry.objects.filter(pk=entry.pk).delete()
    audit.record("faq.removed", actor=actor, incident_id=entry.incident_id, target=entry)


@transaction.atomic
def publish_notice(actor: User, incident: Incident) -> bool:
    """Put the public notice page up: refused while a section of the notice or the hotline is missing. A draft
    or investigating incident becomes notifying (True when it did)."""
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    missing = [label.lower() for label, text in locked.notice_sections() if not text.strip()]
    if not locked.hotline_phone:
        missing.append("the hotline's telephone number")
    if missing:
        raise ActionRefused(f"Before the notice goes public, fill in: {', '.join(missing)}.")
    if locked.notice_published_at is None:
        locked.notice_published_at = timezone.now()
        locked.save(update_fields=["notice_published_at"])
        audit.record("notice.published", actor=actor, incident_id=locked.pk, target=locked)
    moved = incident_actions.begin_notifying(actor, locked, "notice.published")
    incident.refresh_from_db(fields=["status", "notice_published_at"])
    return moved


@transaction.atomic
def unpublish_notice(actor: User, incident: Incident) -> None:
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    if locked.notice_published_at is not None:
        locked.notice_published_at = None
        locked.save(update_fields=["notice_published_at"])
        audit.record("notice.unpublished", actor=actor, incident_id=locked.pk, target=locked)


@transaction.atomic
def add_notice_update(actor: User, incident: Incident, posted_on: date, text: str) -> NoticeUpdate:
    if posted_on > timezone.localdate():  # the public page shows no date that has not come
        raise ActionRefused(future_update(posted_on))
    update = NoticeUpdate.objects.create(incident=incident, posted_on=posted_on, text=text)
    audit.record("notice.update_added", actor=actor, incident_id=incident.pk, target=update)
    return update


@transaction.atomic
def remove_notice_update(actor: User, update: NoticeUpdate) -> None:
    NoticeUpdate.objects.filter(pk=update.pk).delete()
    audit.record("notice.update_removed", actor=actor, incident_id=update.incident_id, target=update)


@transaction.atomic
def record_self_check(incident: Incident, recipient: Recipient | None, outcome: str) -> None:
    """A check on the public notice, by someone who is not signed in: its outcome, and the recipient whose
    code was typed when there is one (never what was typed)."""
    audit.record("notice.checked", actor=None, incident_id=incident.pk, target=recipient, details={"outcome": outcome})
