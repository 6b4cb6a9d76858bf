"""Helpers shared by the letter screens' tests (one test file per screen)."""

import html
import struct
import zlib
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from notifications.models import BatchStatus, Letter, LetterBatch, LetterStatus
from portal.testing import pdfcheck
from portal.testing.letters import recipients

BODY = "<p>{{ salutation }}</p>\n<p>This letter is about {{ individual_name }}.</p>\n<p>{{ reference_code }}</p>"
TEMPLATE = {
    "name": "Plain letter",
    "language": "en",
    "relationship": "",
    "state": "",
    "data_type": "",
    "sort_order": "100",
    "is_active": "on",
    "body": BODY,
}


def _url(name, incident, *ids):
    return reverse(f"notifications:{name}", args=[incident.slug, *ids])


def _shown(response) -> str:
    """The page as a reader sees it (entities decoded), so messages can be matched as written."""
    return html.unescape(response.content.decode())


def _png() -> bytes:
    """A 1x1 white PNG, made here so the tests need no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def _audited() -> list[str]:
    """The actions recorded, leaving out the sign-ins of `force_login`."""
    return list(AuditEvent.objects.exclude(action="auth.login").order_by("pk").values_list("action", flat=True))


def _pdf_pages(content: bytes) -> int:
    return pdfcheck.page_count(content)


def _batch(incident, status, letters=0, **fields):
    """A batch in `status` with its letters, made as rows, for screens that read no PDF."""
    batch = LetterBatch.objects.create(
        incident=incident, name="Synthetic batch", status=status, letters_total=letters, **fields
    )
    for n, recipient in enumerate(recipients(incident, letters), start=1):
        Letter.objects.create(
            batch=batch,
            incident=incident,
            recipient=recipient,
            sequence=n,
            status=LetterStatus.RENDERED,
            mailed_on=batch.mailed_on,
        )
    return batch


def _mailed_letters(incident, count, mailed=True):
    """Letters of a batch mailed ten days ago (or rendered, not yet mailed)."""
    if mailed:
        batch = _batch(incident, BatchStatus.MAILED, count, mailed_on=timezone.localdate() - timedelta(days=10))
    else:
        batch = _batch(incident, BatchStatus.RENDERED, count)
    return list(Letter.objects.filter(batch=batch).select_related("recipient"))
