"""Purging an incident's letters: the files and the rows, keeping the batches' counts."""

from django.core.files.storage import default_storage
from django.db import transaction

from incidents.models import Incident
from notifications.letters import parts, proof, shared_bodies
from notifications.models import Letter, LetterBatch
from portal.lib import bulk


def purge_letters(incident: Incident) -> int:
    """Delete the incident's letters and their print files, manifests and checksums; the batches keep
    their counts. The caller holds the transaction (purge_incident)."""
    files: list[str] = []
    for batch in LetterBatch.objects.filter(incident=incident):
        files += parts.files_of(batch.parts) + [f.name for f in (batch.manifest, batch.checksums) if f]
        files += proof.files_of(batch.proof) + shared_bodies.every_round(batch.pk, batch.render_round)
    LetterBatch.objects.filter(incident=incident).update(parts=[], manifest="", checksums="", proof={})
    # Chunks of a batch that never finished rendering are letters too.
    files += Letter.objects.filter(incident=incident).exclude(chunk="").values_list("chunk", flat=True).distinct()
    deleted = bulk.delete_where(Letter, "incident_id", incident.pk)
    transaction.on_commit(lambda: [default_storage.delete(name) for name in files])  # type: ignore[func-returns-value]
    return deleted
