"""Factories, named actors and a real worker for tests. Every value is synthetic."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import factory
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import REAUTHENTICATED_AT
from accounts.models import User
from audit.db import install_triggers, remove_triggers
from incidents.models import DataType, Incident, Membership, Role
from incidents.readers import Relationship
from people.models import Exposure, Individual, Recipient
from portal.lib.text import last_word, search_key

PASSWORD = "correct-horse-battery-staple"  # noqa: S105  (test accounts only)


def authenticator(user: User) -> TOTPDevice:
    """The user's authenticator, set up if they have none (as at their first sign-in)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def export(client: Client, incident: Incident, kind: str, reason: str = "Synthetic reason", **subject: Any) -> Any:
    """Ask for an export as the signed-in user, from `subject`'s page when given as `referer`, and fetch its
    file when the link is ready: (the asking response, the file response or None)."""
    referer = subject.pop("referer", "")
    data = {"kind": kind, "reason": reason, **subject}
    asked = client.post(reverse("incidents:export-list", args=[incident.slug]), data, HTTP_REFERER=referer)
    if asked.status_code != 302 or "/exports/EXP-" not in asked["Location"]:
        return asked, None
    return asked, client.get(asked["Location"] + "file/")


class PortalClient(Client):
    """A test client whose force_login has also given the second factor, as a full sign-in would have."""

    def force_login(self, user: Any, backend: str | None = None) -> None:
        super().force_login(user, backend)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
        session[REAUTHENTICATED_AT] = int(time.time())  # the code at sign-in counts as a fresh one
        session.save()


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


class IncidentFactory(factory.django.DjangoModelFactory[Incident]):
    class Meta:
        model = Incident

    slug = factory.Sequence(lambda n: f"incident-{n}")
    title = factory.Sequence(lambda n: f"Synthetic incident {n}")
    organisation_name = "Example Unified School District"
    discovered_on = date(2026, 9, 14)
    notice_on = date(2026, 10, 20)


class IndividualFactory(factory.django.DjangoModelFactory[Individual]):
    class Meta:
        model = Individual

    incident = factory.SubFactory(IncidentFactory)
    first_name = "Ada"
    last_name = factory.Sequence(lambda n: f"Testperson{n}")
    date_of_birth = date(2012, 5, 1)
    first_name_key = factory.LazyAttribute(lambda o: search_key(o.first_name))
    last_name_key = factory.LazyAttribute(lambda o: search_key(o.last_name))


class RecipientFactory(factory.django.DjangoModelFactory[Recipient]):
    class Meta:
        model = Recipient

    individual = factory.SubFactory(IndividualFactory)
    incident = factory.LazyAttribute(lambda o: o.individual.incident)
    relationship = Relationship.PARENT_GUARDIAN
    name = "Grace Testparent"
    address_line1 = "100 Fictional Way"
    city = "Nowhere"
    state = "MO"
    postal_code = "65999"
    name_key = factory.LazyAttribute(lambda o: search_key(o.name))
    last_name_key = factory.LazyAttribute(lambda o: last_word(search_key(o.name)))


def member(user: User, incident: Incident, role: str) -> Membership:
    return Membership.objects.create(user=user, incident=incident, role=role)


def expose(individual: Individual, *keys: str) -> None:
    for key in keys:
        Exposure.objects.create(
            incident=individual.incident, individual=individual, data_type=DataType.objects.get(key=key)
        )


def actors(incident: Incident) -> dict[str, Any]:
    """One user per role on `incident`, plus an outsider who holds every role on another incident."""
    users = {role: UserFactory.create(username=f"{role}-{incident.slug}") for role in Role.values}
    for role, user in users.items():
        member(user, incident, role)
    other = IncidentFactory.create()
    outsider = UserFactory.create(username=f"outsider-{incident.slug}")
    for role in Role.values:
        member(outsider, other, role)
    return {**users, "outsider": outsider}


@contextmanager
def lifted_audit_triggers() -> Iterator[None]:
    """Drop the append-only triggers for the duration, as someone tampering with the database would."""
    remove_triggers(connection)
    try:
        yield
    finally:
        install_triggers(connection)


class WorkerProcess:
    """A real Celery worker process on the test database and the configured broker.

    It reads the same settings as the tests (the broker from REDIS_URL, or the
    filesystem queue under the same VAR_DIR).
    """

    def __init__(self, database_name: str, log: Path, outbox: Path, *options: str, **env: str) -> None:
        self.database_name = database_name
        self.log = log
        self.outbox = outbox  # where its e-mails are written, as files
        self.start(*options, **env)

    def start(self, *options: str, **env: str) -> None:
        """Start (or start again, after `kill`) with extra command-line options and environment."""
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "PORTAL_TEST_DATABASE_NAME": self.database_name,
            "PORTAL_TEST_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "PORTAL_TEST_EMAIL_FILE_PATH": str(self.outbox),
            **env,
        }
        command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--queues", "celery,letters"]
        command += ["--pool", "threads", "--concurrency", "2"]
        command += ["--without-gossip", "--without-mingle", "--loglevel", "INFO", *options]
        with self.log.open("ab") as out:
            start = out.tell()
            # A session of its own, so that a kill reaches what the worker started too (an embedded beat).
            self.process = subprocess.Popen(  # noqa: S603
                command, env=environment, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.wait_until(lambda: b"ready." in self.log.read_bytes()[start:], seconds=60)

    def kill(self) -> None:
        """SIGKILL, as the kernel's out-of-memory killer or a pulled plug would stop it."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def wait_until(self, condition: Callable[[], bool], seconds: float = 30) -> None:
        """Poll what the worker makes true; fail after a bounded time, or at once if it died, with its log."""
        deadline = time.monotonic() + seconds
        while not condition():
            if self.process.poll() is not None or time.monotonic() > deadline:
                state = "stopped" if self.process.poll() is not None else f"not done within {seconds} s"
                raise AssertionError(f"worker {state}; its log ends:\n{self.log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.05)

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
