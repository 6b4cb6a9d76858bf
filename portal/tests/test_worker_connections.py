"""A worker keeps its database connection from one task to the next where that is safe, and closes it where not
(portal.lib.worker_connections). The rules run on Celery's task signals, sent here as a worker sends them; the
letters' real-worker tests (notifications/tests/test_worker.py) run them in a worker."""

from types import SimpleNamespace

import pytest
from celery import states
from celery.signals import task_postrun, task_prerun
from django.db import connection, transaction


class _Task:
    """What the rules read of the task a signal is sent for."""

    def __init__(self, eager: bool) -> None:
        self.request = SimpleNamespace(is_eager=eager)


def _run_task(state: str = states.SUCCESS, eager: bool = False) -> None:
    """A task's signals around one query, as a worker process sends them."""
    task = _Task(eager)
    task_prerun.send(sender=task, task_id="t", task=task, args=(), kwargs={})
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    task_postrun.send(sender=task, task_id="t", task=task, args=(), kwargs={}, retval=None, state=state)


@pytest.fixture
def kept_for_a_minute(transactional_db):
    """The test's connection made as a worker's on PostgreSQL is: kept for up to CONN_MAX_AGE, here 60 s."""
    before = connection.settings_dict["CONN_MAX_AGE"]
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = 60
    connection.ensure_connection()
    yield connection.connection
    connection.settings_dict["CONN_MAX_AGE"] = before
    connection.close()


def test_a_connection_is_kept_from_one_successful_task_to_the_next(kept_for_a_minute):
    _run_task()
    _run_task()
    assert connection.connection is kept_for_a_minute


@pytest.mark.parametrize("state", [states.FAILURE, states.RETRY])
def test_a_task_that_did_not_succeed_closes_the_connection(kept_for_a_minute, state):
    _run_task(state)
    assert connection.connection is None
    _run_task()  # the next task opens a new one
    assert connection.connection is not None
    assert connection.connection is not kept_for_a_minute


def test_a_transaction_left_open_is_not_carried_into_the_next_task(kept_for_a_minute):
    # Opened on the driver's connection, where Django does not see it (a task stopped half-way leaves this).
    cursor = kept_for_a_minute.cursor()
    cursor.execute("BEGIN")
    cursor.close()
    task = _Task(eager=False)
    task_prerun.send(sender=task, task_id="t", task=task, args=(), kwargs={})
    assert connection.connection is None


def test_a_connection_django_holds_out_of_autocommit_is_closed_before_the_next_task(kept_for_a_minute):
    connection.set_autocommit(False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    task = _Task(eager=False)
    task_prerun.send(sender=task, task_id="t", task=task, args=(), kwargs={})
    assert connection.connection is None
    assert connection.get_autocommit()  # a fresh connection, as configured


def test_a_connection_older_than_conn_max_age_is_replaced_before_the_task(kept_for_a_minute):
    connection.close_at = 0  # opened long ago
    _run_task()
    assert connection.connection is not None
    assert connection.connection is not kept_for_a_minute


def test_a_task_run_in_the_callers_process_leaves_its_connection_alone(kept_for_a_minute):
    with transaction.atomic():  # the caller's transaction goes on
        _run_task(state=states.FAILURE, eager=True)
        assert connection.connection is kept_for_a_minute
        assert connection.in_atomic_block
