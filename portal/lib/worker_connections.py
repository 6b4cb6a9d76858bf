"""Database connections on the workers: kept from one task to the next, as the web server keeps them from one
request to the next, and closed where reusing one is not safe.

Celery's Django fixup closes every connection before and after each task unless CELERY_DB_REUSE_MAX is set
(celery/celery#9824): a task stopped by its time limit in the middle of a query can leave a connection that looks
usable and is not. So every chunk of a letter batch opened a PostgreSQL connection of its own, twice a second per
worker. A new server process and its cold catalogue caches cost the database about as much CPU as the chunk's own
queries (10,000 letters took 4.5 to 5 s of PostgreSQL's CPU where one kept connection took 2 s), CPU that every
worker of a host shares with the database.

With CELERY_DB_REUSE_MAX set, the fixup closes connections only every that many tasks, and these rules decide the
rest:

- after a task that did not succeed (it raised, was retried or hit its soft time limit): closed;
- before a task, a connection that is not idle (a command still in progress, or a transaction left open): closed;
- before and after each task, Django's own rule for requests (`close_old_connections`): closed when older than
  CONN_MAX_AGE or when an error left it unusable, and otherwise checked with a ping before its first use in the
  task (CONN_HEALTH_CHECKS).

A task run in the caller's process (eager: tests, commands) leaves its caller's connections alone, as the fixup does.
"""

from typing import Any

from celery import states
from celery.signals import task_postrun, task_prerun
from django.db import close_old_connections, connections
from django.db.backends.base.base import BaseDatabaseWrapper


def _eager(task: Any) -> bool:
    return bool(getattr(getattr(task, "request", None), "is_eager", False))


def idle(connection: BaseDatabaseWrapper) -> bool:
    """No transaction open, whether Django opened it or not, and on PostgreSQL no command in progress."""
    if connection.connection is None:
        return True
    if connection.in_atomic_block or not connection.get_autocommit():
        return False
    raw = connection.connection
    if connection.vendor == "postgresql":
        from psycopg2.extensions import TRANSACTION_STATUS_IDLE  # type: ignore[import-untyped]

        return bool(raw.info.transaction_status == TRANSACTION_STATUS_IDLE)
    return not getattr(raw, "in_transaction", False)  # sqlite3


@task_prerun.connect
def keep_idle_connections(sender: Any = None, **_: object) -> None:
    if _eager(sender):
        return
    for connection in connections.all(initialized_only=True):
        if not idle(connection):
            connection.close()
    close_old_connections()


@task_postrun.connect
def close_after_failure(sender: Any = None, state: str | None = None, **_: object) -> None:
    if _eager(sender):
        return
    if state != states.SUCCESS:
        for connection in connections.all(initialized_only=True):
            connection.close()
    else:
        close_old_connections()
