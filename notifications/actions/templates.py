"""Letter templates (the standard letters, a manager's variants), the incident's letter settings, and the
previews that read a person's record."""

import functools
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from accounts.models import User
from audit import api as audit
from incidents.models import Incident
from incidents.readers import Language
from notifications.letters import lettertext
from notifications.models import LetterTemplate
from people.models import Recipient

DEFAULT_TEMPLATES = (
    ("Standard letter (English)", Language.ENGLISH, "default_en.md"),
    ("Standard letter (Spanish)", Language.SPANISH, "default_es.md"),
)


def default_text(file_name: str) -> str:
    """A standard letter, written as letter text (so a manager edits it in the same editor as any variant)."""
    return (Path(settings.BASE_DIR) / "templates" / "letters" / file_name).read_text(encoding="utf-8")


@transaction.atomic
def install_default_templates(actor: User | None, incident: Incident) -> list[LetterTemplate]:
    """The standard English and Spanish letters, for an incident that has no template yet."""
    if LetterTemplate.objects.select_for_update().filter(incident=incident).exists():
        return []
    made = []
    for i, (name, language, file_name) in enumerate(DEFAULT_TEMPLATES):
        text = default_text(file_name)
        made.append(
            LetterTemplate.objects.create(
                incident=incident,
                name=name,
                language=language,
                text=text,
                body=lettertext.compile_text(text),
                sort_order=100 + i * 10,
            )
        )
    audit.record(
        "letter_template.defaults_installed", actor=actor, incident_id=incident.pk, details={"count": len(made)}
    )
    return made


@transaction.atomic
def save_template(
    actor: User, incident: Incident, template: LetterTemplate | None, fields: dict[str, object]
) -> LetterTemplate:
    if template is None:
        template = LetterTemplate.objects.create(incident=incident, **fields)
        audit.record("letter_template.created", actor=actor, incident_id=incident.pk, target=template)
        return template
    changed = [name for name, value in fields.items() if getattr(template, name) != value]
    for name in changed:
        setattr(template, name, fields[name])
    if changed:
        template.save(update_fields=[*changed, "updated_at"])
        audit.record(
            "letter_template.changed",
            actor=actor,
            incident_id=incident.pk,
            target=template,
            details={"fields": changed},
        )
    return template


@transaction.atomic
def save_letter_settings(
    actor: User, incident: Incident, return_address: str, logo: File | None, remove_logo: bool
) -> list[str]:
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    changed = []
    if locked.return_address != return_address:
        locked.return_address = return_address
        changed.append("return_address")
    old_logo = locked.letter_logo.name if locked.letter_logo else ""
    if logo is not None or (remove_logo and old_logo):
        if logo is not None:
            locked.letter_logo.save(f"incident-{locked.pk}{Path(logo.name or '').suffix.lower()}", logo, save=False)
        else:
            locked.letter_logo = None
        changed.append("letter_logo")
        if old_logo:
            transaction.on_commit(functools.partial(default_storage.delete, old_logo))
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
        audit.record("letter_settings.changed", actor=actor, incident_id=incident.pk, details={"fields": changed})
    return changed


@transaction.atomic
def record_preview_lookup(actor: User, template: LetterTemplate, recipient: Recipient | None) -> None:
    """A reference code typed for a preview reads that person's record, found or not, as a caller search does."""
    details: dict[str, object] = {"template": template.pk, "found": recipient is not None}
    if recipient is not None:
        details["individual"] = recipient.individual_id
    audit.record("letter.preview_looked_up", actor=actor, incident_id=template.incident_id, target=recipient,
                 details=details)  # fmt: skip


@transaction.atomic
def record_refused_preview(actor: User, template: LetterTemplate) -> None:
    audit.record("letter.preview_rate_limited", actor=actor, incident_id=template.incident_id,
                 details={"template": template.pk})  # fmt: skip


@transaction.atomic
def record_preview(actor: User, template: LetterTemplate, recipient: Recipient | None) -> None:
    details = {"template": template.pk, "sample": recipient is None}
    audit.record("letter.previewed", actor=actor, incident_id=template.incident_id, target=recipient, details=details)
