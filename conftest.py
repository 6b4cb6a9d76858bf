import pytest
from django.db import connection

from accounts.models import Role
from audit.db import install_triggers, remove_triggers
from portal.testing import IncidentFactory, actors


@pytest.fixture
def _audit_triggers_restored(django_db_blocker):
    yield
    with django_db_blocker.unblock():
        install_triggers(connection)


@pytest.fixture
def transactional_db(_audit_triggers_restored, transactional_db):
    """Transactional tests end with a flush, which the append-only audit table refuses.

    The triggers are dropped just before the flush and put back after it.
    Tests that need committed data (live server, real worker) request this
    fixture rather than the django_db marker.
    """
    yield transactional_db
    remove_triggers(connection)


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
