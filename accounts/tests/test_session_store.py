"""The session store: Django's database sessions, with a write of an existing session in one statement."""

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.session_store import SessionStore

pytestmark = pytest.mark.usefixtures("transactional_db")  # committed, as a request's session is (conftest.py)


def test_a_new_session_is_created_and_read_back():
    store = SessionStore()
    store["callcenter:results:1"] = [3, 5]
    store.save(must_create=True)
    assert SessionStore(store.session_key)["callcenter:results:1"] == [3, 5]


def test_a_changed_session_is_written_by_one_statement_inside_the_callers_transaction():
    store = SessionStore()
    store["step"] = 1
    store.create()
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        store["step"] = 2
        store.save()
    statements = [query["sql"].split()[0] for query in captured.captured_queries]
    assert statements == ["UPDATE"]  # no savepoint of its own
    assert SessionStore(store.session_key)["step"] == 2


def test_a_changed_session_is_written_in_autocommit_too():
    store = SessionStore()
    store["step"] = 1
    store.create()
    store["step"] = 3
    store.save()
    assert SessionStore(store.session_key)["step"] == 3


def test_a_session_ended_meanwhile_is_not_written_back():
    store = SessionStore()
    store["step"] = 1
    store.create()
    Session.objects.filter(session_key=store.session_key).delete()  # ended by an administrator, say
    store["step"] = 2
    with pytest.raises(UpdateError):
        store.save()
    assert not Session.objects.filter(session_key=store.session_key).exists()
