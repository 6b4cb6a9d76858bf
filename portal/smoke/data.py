"""Every row of every model loads (sealed identifiers open as they are read), reference codes are well formed,
and each finished letter batch's print files are PDFs in storage."""

from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models

from portal.lib import refcode
from portal.lib.sealed_fields import SealedField

# A batch in one of these has made its print files; earlier ones may have none yet.
PRINTED_STATUSES = frozenset({"rendered", "approved", "exported", "mailed"})


@dataclass
class Findings:
    counts: dict[str, int] = field(default_factory=dict)  # rows per model label
    sealed_values: int = 0
    print_files: int = 0
    failures: list[str] = field(default_factory=list)


def model_named(name: str) -> type[models.Model] | None:
    """The project's model of that class name, in whichever app it lives now."""
    found = [model for model in project_models() if model.__name__ == name]
    return found[0] if len(found) == 1 else None


def project_models() -> list[type[models.Model]]:
    """Concrete models of the apps in this checkout (not Django's or a library's)."""
    base = str(settings.BASE_DIR)
    return [
        model
        for config in apps.get_app_configs()
        if config.path.startswith(base) and "site-packages" not in config.path
        for model in config.get_models()
        if model._meta.managed and not model._meta.proxy
    ]


def _sealed_fields(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, SealedField)]


def _open_rows(model: type[models.Model], findings: Findings) -> None:
    """Load every row; a sealed value that does not open raises while its row loads."""
    sealed, rows, last = _sealed_fields(model), 0, None
    try:
        for row in model._default_manager.order_by("pk").iterator(chunk_size=2000):
            rows, last = rows + 1, row.pk
            findings.sealed_values += sum(1 for name in sealed if getattr(row, name) not in (None, ""))
    except Exception as exc:  # any failure to load is the finding
        findings.failures.append(f"{model._meta.label}: a row after #{last} does not load ({type(exc).__name__})")
    findings.counts[model._meta.label] = rows


def _check_reference_codes(findings: Findings) -> None:
    recipient = model_named("Recipient")
    if recipient is None:
        findings.failures.append("no Recipient model found")
        return
    for pk, code in recipient._default_manager.values_list("pk", "reference_code").iterator(chunk_size=5000):
        if not refcode.is_well_formed(code):
            findings.failures.append(f"recipient #{pk}: its reference code is not well formed")


def _check_batch(batch: models.Model, findings: Findings) -> None:
    parts = list(getattr(batch, "parts", None) or [])
    if batch.status in PRINTED_STATUSES and (not parts or not all(parts)):  # type: ignore[attr-defined]
        findings.failures.append(f"letter batch #{batch.pk} is {batch.status} but has no print file")  # type: ignore[attr-defined]
    for part in filter(None, parts):
        try:
            with default_storage.open(part["name"], "rb") as stored:
                opening = stored.read(5)
        except OSError as exc:
            findings.failures.append(f"letter batch #{batch.pk}: print file missing ({type(exc).__name__})")
            continue
        if opening != b"%PDF-":
            findings.failures.append(f"letter batch #{batch.pk}: a print file is not a PDF")
        findings.print_files += 1


def check_data() -> Findings:
    findings = Findings()
    for model in sorted(project_models(), key=lambda m: m._meta.label):
        _open_rows(model, findings)
    _check_reference_codes(findings)
    batch = model_named("LetterBatch")
    if batch is None:
        findings.failures.append("no LetterBatch model found")
    else:
        for each in batch._default_manager.order_by("pk"):
            _check_batch(each, findings)
    return findings
