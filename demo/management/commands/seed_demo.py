import hashlib
import hmac
import os
import random
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts import actions as account_actions
from accounts import mfa
from accounts.models import User
from audit import api as audit
from demo import seed as demo
from incidents import actions
from incidents.models import DataType, Incident, Role
from portal.lib import refcode
from public import actions as public_actions
from regulators import actions as regulator_actions
from regulators import obligations

DEFAULT_PASSWORD = "riverbend-demo-2026"  # noqa: S105  (published: demo logins only)


def demo_totp_key(password: str, username: str) -> str:
    """The demo logins' authenticator secrets: derived from their published password, so they are public too."""
    return hmac.new(password.encode(), f"totp:{username}".encode(), hashlib.sha256).hexdigest()[:40]


DEMO_USERS = [
    ("demo-manager", Role.MANAGER),
    ("demo-agent", Role.AGENT),
    ("demo-mailadmin", Role.MAIL_ADMIN),
    ("demo-auditor", Role.AUDITOR),
]


class Command(BaseCommand):
    help = (
        "Load a fictional district, an incident with synthetic people, and one demo login per role. Safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", type=int, default=demo.SIZE, help="How many synthetic individuals.")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off (demo passwords are public).")

    def handle(self, *args: Any, size: int, force: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates logins with a published password; run it with DEBUG on, or pass --force."
            )
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        existed = User.objects.filter(username__in=[u for u, _ in DEMO_USERS]).exists()
        with transaction.atomic():
            users = {role: self._user(username, role, password) for username, role in DEMO_USERS}
            for user in users.values():
                if not mfa.is_enrolled(user):
                    account_actions.provision_authenticator(None, user, demo_totp_key(password, user.username))
            incident = Incident.objects.filter(slug=demo.SLUG).first()
            if incident is None:
                incident = self._incident(users, size)
        self.stdout.write(f"Demo incident: {incident.title} ({incident.individuals.count()} individuals)")
        if existed:
            self.stdout.write(
                f"Demo logins (password unchanged since they were first created; by default {DEFAULT_PASSWORD}):"
            )
        else:
            self.stdout.write(f"Demo logins (password: {password}):")
        for username, role in DEMO_USERS:
            self.stdout.write(f"  {username:16} {role.label}")
        self.stdout.write(
            "  Each also asks for a code from an authenticator app: `make demo-code WHO=demo-manager` prints it."
        )
        incident.refresh_from_db()  # published by an action that saved its own copy
        sample = incident.recipients.select_related("individual").filter(individual__date_of_birth__isnull=False)
        tried = sample.order_by("pk").first()
        if incident.notice_is_published and tried is not None:
            self.stdout.write(
                f"Public notice: /notice/{incident.slug}/ (no sign-in; its check answers to the synthetic reference "
                f"code {refcode.display(tried.reference_code)} with date of birth "
                f"{tried.individual.date_of_birth:%m/%d/%Y})"
            )

    def _user(self, username: str, role: Role, password: str) -> User:
        user = User.objects.filter(username=username).first()
        return user or account_actions.create_user(None, username, password, can_create_incidents=role == Role.MANAGER)

    @transaction.atomic
    def _incident(self, users: dict[Role, User], size: int) -> Incident:
        manager = users[Role.MANAGER]
        fields = dict(demo.INCIDENT)
        incident = actions.create_incident(manager, fields, DataType.objects.filter(key__in=demo.DATA_TYPES))
        actions.change_status(manager, incident, Incident.Status.INVESTIGATING)  # notifying once its notice is up
        for role, user in users.items():
            if role != Role.MANAGER:  # create_incident made the manager its manager
                actions.add_member(manager, incident, user, role)
        rng = random.Random(2026)  # noqa: S311  (synthetic data, not secrets)
        demo.store(incident, demo.people(incident, rng, size))
        offered = obligations.offered_target(incident)  # the manager takes the date the obligations screen offers
        regulator_actions.set_target(manager, incident, offered, offered)
        public_actions.add_notice_update(manager, incident, demo.NOTICE_UPDATED_ON, demo.NOTICE_UPDATE)
        public_actions.publish_notice(manager, incident)
        audit.record("demo.seeded", actor=None, incident_id=incident.pk, target=incident, details={"individuals": size})
        return incident
