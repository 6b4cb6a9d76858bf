import getpass
import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts import actions as account_actions
from accounts.models import User
from incidents import actions
from incidents.models import Incident, Role


class Command(BaseCommand):
    help = (
        "Create a staff user. The password comes from PORTAL_PASSWORD or is prompted for. "
        "--incident SLUG (repeatable) grants the role on those incidents; "
        "an incident manager may also create incidents."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", choices=Role.values, help="One of: " + ", ".join(Role.values))
        parser.add_argument("--incident", action="append", default=[], metavar="SLUG")
        parser.add_argument("--email", default="")
        parser.add_argument("--superuser", action="store_true", help="May use Django admin (users, catalog).")
        parser.add_argument(
            "--totp",
            action="store_true",
            help="Set up the user's authenticator now and print its otpauth:// URI, once, for scripted provisioning.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username, role, slugs = options["username"], options["role"], options["incident"]
        if not role and not options["superuser"]:
            raise CommandError("Give --role ROLE, --superuser, or both.")
        if slugs and not role:
            raise CommandError("--incident needs --role: which role on those incidents?")
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        incidents = list(Incident.objects.filter(slug__in=slugs))
        missing = sorted(set(slugs) - {i.slug for i in incidents})
        if missing:
            raise CommandError(f"No incident with short name {', '.join(missing)}.")
        password = self._password(username)
        with transaction.atomic():
            user = account_actions.create_user(
                None,
                username,
                password,
                email=options["email"],
                superuser=options["superuser"],
                can_create_incidents=role == Role.MANAGER,
            )
            for incident in incidents:
                actions.add_member(None, incident, user, role)
            device = account_actions.provision_authenticator(None, user) if options["totp"] else None
        where = f" on {', '.join(slugs)}" if slugs else ""
        label = Role(role).label if role else "superuser"
        self.stdout.write(self.style.SUCCESS(f"Created {username} ({label}{where})."))
        if device is not None:
            self.stdout.write("Authenticator (add it to the user's app; it is not shown again):")
            self.stdout.write(device.config_url)
        else:
            self.stdout.write("They set up their authenticator app at their first sign-in.")

    def _password(self, username: str) -> str:
        password = os.environ.get("PORTAL_PASSWORD")
        if password is None:
            password = getpass.getpass(f"Password for {username}: ")
            if getpass.getpass("Password (again): ") != password:
                raise CommandError("The two passwords differ.")
        try:
            validate_password(password, User(username=username))
        except ValidationError as exc:
            raise CommandError("Password refused: " + " ".join(exc.messages)) from None
        return password
