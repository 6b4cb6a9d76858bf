"""Bodies one worker laid out for a batch, kept for its other workers in the rendering round's folder.

Every worker process lays out each body a batch's letters use once (render.Renderer keeps them). Two workers
starting a batch together used to lay out the same bodies side by side, a second's work each. Through this
store each lays out about half and reads the rest (render.Renderer.lay_out_bodies). Only a body two letters
of a chunk share is put here; a body that names one person can still be shared (two guardians of one child),
so the files are kept as the chunk files are, with the same personal data: deleted when the batch is
rendered; a blocked batch keeps them until it is rendered again or its letters are purged, which delete
every round's (a chunk run taken over may still write into an earlier round's folder).

A file is sealed with the SHA-256 of its PDF, written last: a file read while another worker still writes it
fails the check and the body is laid out again, rather than read half-written (qpdf would repair a cut PDF
without a word).

A worker reserves a body in the cache before laying it out (`cache.add`: one SET NX on Redis), so that the
others lay out other bodies meanwhile. The embedded default's file cache does not add atomically: two workers
may then both lay a body out, as they did before reservations.
"""

import hashlib
import logging
import uuid

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from notifications.letters.parts import round_folder

SEAL = 32  # bytes: the SHA-256 of what precedes it
# A reservation lapses after this: a body takes about a twentieth of a second to lay out (one with large
# images, a second or two), and a worker that died holding one keeps the others waiting until then.
RESERVED_SECONDS = 5

logger = logging.getLogger(__name__)


def folder(batch_id: int, render_round: int) -> str:
    return f"{round_folder(batch_id, render_round)}/bodies"


class SharedBodies:
    """render.BodyStore on the default storage, for one batch's rendering round."""

    def __init__(self, batch_id: int, render_round: int) -> None:
        self.folder = folder(batch_id, render_round)
        self.token = uuid.uuid4().hex  # this store's reservations, which only it releases

    def _name(self, key: str) -> str:
        return f"{self.folder}/{key}.pdf"

    def get(self, key: str) -> bytes | None:
        """The body's PDF, or None when it is not there (yet), or the store failed: it is only a shortcut, and
        the worker lays the body out itself."""
        name = self._name(key)
        try:
            with default_storage.open(name, "rb") as f:
                sealed = f.read()
        except FileNotFoundError:
            return None
        except Exception as exc:
            logger.warning("shared body not read: %s", type(exc).__name__)
            return None
        pdf, seal = sealed[:-SEAL], sealed[-SEAL:]
        return pdf if len(sealed) > SEAL and hashlib.sha256(pdf).digest() == seal else None

    def put(self, key: str, pdf: bytes) -> None:
        """Keep the body for the other workers; a failure to keep it only costs them its layout."""
        name = self._name(key)
        try:
            if not default_storage.exists(name):  # two workers may both write it: the second under another name
                default_storage.save(name, ContentFile(pdf + hashlib.sha256(pdf).digest()))
        except Exception as exc:
            logger.warning("shared body not kept: %s", type(exc).__name__)

    def _reservation(self, key: str) -> str:
        return f"letters:body:{self.folder}:{key}"  # a batch, a round and a hash: nothing personal

    def reserve(self, key: str) -> bool:
        """True when no other worker has reserved the body: this one lays it out. A cache that fails says True
        (the body is laid out here, perhaps twice)."""
        try:
            return bool(cache.add(self._reservation(key), self.token, RESERVED_SECONDS))
        except Exception as exc:
            logger.warning("shared body not reserved: %s", type(exc).__name__)
            return True

    def reserved(self, key: str) -> bool:
        """Whether a worker has reserved the body and not released it."""
        try:
            return cache.get(self._reservation(key)) is not None
        except Exception as exc:
            logger.warning("shared body reservation not read: %s", type(exc).__name__)
            return False

    def release(self, key: str) -> None:
        """Give up this store's reservation of the body (put, or not laid out); another's is left alone."""
        try:
            if cache.get(self._reservation(key)) == self.token:
                cache.delete(self._reservation(key))
        except Exception as exc:
            logger.warning("shared body reservation not released: %s", type(exc).__name__)


def files_of(batch_id: int, render_round: int) -> list[str]:
    """The round's shared bodies in storage, to delete with its chunks."""
    where = folder(batch_id, render_round)
    try:
        _, names = default_storage.listdir(where)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [f"{where}/{name}" for name in names]


def every_round(batch_id: int, render_round: int) -> list[str]:
    """The shared bodies of every round up to `render_round`, to delete on rendering again or a purge."""
    return [name for number in range(1, render_round + 1) for name in files_of(batch_id, number)]
