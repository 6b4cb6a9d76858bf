from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.db.models.signals import post_migrate

from audit.db import remove_triggers
from incidents.models import Role
from portal.celery import app as celery_app
from portal.testing import IncidentFactory, PortalClient, WorkerProcess, actors

seed_data_types = import_module("incidents.migrations.0002_seed_data_types").seed


def _seed_data_types_after_flush(**kwargs: object) -> None:
    seed_data_types(django_apps, None)


def pytest_configure(config: pytest.Config) -> None:
    # The data type catalog is seeded by a migration, so a transactional test's closing flush empties it.
    # The flush sends post_migrate once it is done, whatever order pytest tears fixtures down in.
    post_migrate.connect(_seed_data_types_after_flush, sender=django_apps.get_app_config("incidents"))


@pytest.fixture
def transactional_db(transactional_db):
    """Transactional tests end with a flush, which the append-only audit table refuses.

    The triggers are dropped just before the flush; the flush's post_migrate
    signal puts them back (audit.db.reinstall_after_migrate), and seeds the data
    type catalog again (above). Tests that need committed data (live server,
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
