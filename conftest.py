from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import connection

from accounts.models import Role
from audit.db import remove_triggers
from portal.celery import app as celery_app
from portal.testing import IncidentFactory, PortalClient, WorkerProcess, actors

seed_data_types = import_module("incidents.migrations.0002_seed_data_types").seed


@pytest.fixture
def _restored_after_flush(django_db_blocker):
    yield
    with django_db_blocker.unblock():
        seed_data_types(django_apps, None)


@pytest.fixture
def transactional_db(_restored_after_flush, transactional_db):
    """Transactional tests end with a flush, which the append-only audit table refuses.

    The triggers are dropped just before the flush; the flush's post_migrate
    signal puts them back (audit.db.reinstall_after_migrate), and the data
    type catalog (seeded by a migration, so emptied by the flush) is seeded
    again. Tests that need committed data (live server,
    real worker) request this fixture rather than the django_db marker.
    """
    yield transactional_db
    remove_triggers(connection)


@pytest.fixture
def client():
    """Django's test client, with force_login also giving the second factor (portal.testing.PortalClient)."""
    return PortalClient()


@pytest.fixture
def incident(db):
    return IncidentFactory.create(slug="riverside-records", title="Riverside records incident")


@pytest.fixture
def people(incident):
    return actors(incident)


@pytest.fixture
def manager(people):
    return people[Role.MANAGER]


@pytest.fixture
def agent(people):
    return people[Role.AGENT]


@pytest.fixture
def mail_admin(people):
    return people[Role.MAIL_ADMIN]


@pytest.fixture
def auditor(people):
    return people[Role.AUDITOR]


@pytest.fixture
def outsider(people):
    return people["outsider"]


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, tmp_path_factory):
    """One real worker for the test session, on the test database. Tests using it need
    `transactional_db` so that what they write is committed where the worker can read it;
    they wait with `celery_worker_process.wait_until(...)`."""
    celery_app.control.purge()  # nothing left over from an interrupted run
    folder = tmp_path_factory.mktemp("worker")
    worker = WorkerProcess(str(connection.settings_dict["NAME"]), folder / "worker.log", folder / "mail")
    yield worker
    worker.stop()
