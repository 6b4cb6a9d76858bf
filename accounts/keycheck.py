"""Field keys checked against the check values stored under them (portal.lib.fieldcrypt.wrong_keys).

A well-formed but wrong FIELD_ENCRYPTION_KEYS or FIELD_LOOKUP_KEY (a key pasted from another installation,
an old backup's key) would otherwise start cleanly and fail at the first sealed value a request opens. A
key's check value is stored the first time it is seen (by `migrate` and by the web server's start);
start-up with DEBUG off refuses a key that does not open its own, and /healthz answers 503 naming it.
"""

import logging
from typing import Any

from celery import bootsteps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from accounts.models import FieldKeyCheck
from portal.lib import fieldcrypt

logger = logging.getLogger(__name__)


def _stored() -> dict[str, str]:
    return dict(FieldKeyCheck.objects.values_list("key_id", "value"))


def record_new_keys() -> None:
    """Store a check value for each configured key that has none yet; those stored stay as they are."""
    stored = _stored()
    for key_id, value in fieldcrypt.check_values().items():
        if key_id not in stored:
            FieldKeyCheck.objects.get_or_create(key_id=key_id, defaults={"value": value})


def wrong_keys() -> list[str]:
    return fieldcrypt.wrong_keys(_stored())


def refuse_wrong_keys(*, record: bool) -> None:
    """At start-up, with DEBUG off: stop with a message naming each key that does not open its check value.
    Before the first migrate there is no table to check against; that start goes on."""
    if settings.DEBUG:
        return
    try:
        if record:
            record_new_keys()
        wrong = wrong_keys()
    except DatabaseError:
        logger.warning("Field keys not checked: the database or its check values are not there yet")
        return
    if wrong:
        raise ImproperlyConfigured(
            f"{', '.join(wrong)} does not open the data sealed before: a well-formed but wrong key. "
            "Set the key the data was sealed with (README, Configuration)."
        )


def record_after_migrate(using: str = "default", **kwargs: object) -> None:
    try:
        record_new_keys()
    except DatabaseError:
        logger.warning("Field key check values not recorded: their table is not there yet")


class WorkerKeyCheck(bootsteps.Step):
    """A worker's first step: with a wrong key it stops before it takes a task."""

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        refuse_wrong_keys(record=False)
