import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from demo.management.commands.seed_demo import DEFAULT_PASSWORD, DEMO_USERS, demo_totp_key


class Command(BaseCommand):
    help = "Print the current sign-in code of a demo login (its authenticator's secret is public, like its password)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", default="demo-manager")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off, as seed_demo does.")

    def handle(self, *args: Any, username: str, force: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("demo_code is for the demo; run it with DEBUG on, or pass --force.")
        if username not in {name for name, _ in DEMO_USERS}:
            raise CommandError(f"{username!r} is not a demo login: {', '.join(name for name, _ in DEMO_USERS)}.")
        key = demo_totp_key(os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD, username)
        # Only the demo's own secret: a real account under a demo name gets no code from here.
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True, key=key).first()
        if device is None:
            raise CommandError(f"{username} has no demo authenticator (run seed_demo first).")
        self.stdout.write(mfa.current_code(device))
