from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from demo import seed as demo
from incidents.models import Incident
from notifications import actions

DEMO_RETURN_ADDRESS = "1200 Riverbend Parkway\nRiverbend MO 65999"


class Command(BaseCommand):
    help = "Give the demo incident (from seed_demo) its standard letters and a return address. Safe to run twice."

    def handle(self, *args: Any, **options: Any) -> None:
        incident = Incident.objects.filter(slug=demo.SLUG).first()
        if incident is None:
            raise CommandError("There is no demo incident: run seed_demo first.")
        with transaction.atomic():
            made = actions.install_default_templates(None, incident)
            if not incident.return_address:
                Incident.objects.filter(pk=incident.pk).update(
                    return_address=DEMO_RETURN_ADDRESS, updated_at=timezone.now()
                )
        if made:
            self.stdout.write(f"Demo letters: {len(made)} standard templates added.")
        else:
            self.stdout.write("Demo letters: templates already there.")
