import random
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from callcenter import actions
from callcenter.models import Call, Disposition
from demo import seed as demo
from incidents.models import Incident
from people.models import Recipient

WEEKS = 2
OPENS, HOURS = time(8), 9.5  # the demo hotline: Monday to Friday, 8:00 a.m. to 5:30 p.m.


class Command(BaseCommand):
    help = (
        "Give the demo incident (from seed_demo) two weeks of synthetic calls, so that the dashboard and the "
        "supervisor's screen have something to show. Safe to run twice."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        incident = Incident.objects.filter(slug=demo.SLUG).first()
        if incident is None:
            raise CommandError("There is no demo incident: run seed_demo first.")
        if Call.objects.filter(incident=incident).exists():
            self.stdout.write("Demo calls: already there.")
            return
        agent, manager = User.objects.get(username="demo-agent"), User.objects.get(username="demo-manager")
        rng = random.Random(2026)  # noqa: S311  (synthetic data, not secrets)
        people = list(Recipient.objects.filter(incident=incident).order_by("pk")[:400])
        with transaction.atomic():
            actions.ensure_dispositions(incident)
            outcomes = list(Disposition.objects.filter(incident=incident, is_active=True))
            made = sum(self._day(incident, day, rng, agent, manager, people, outcomes) for day in self._days(incident))
        self.stdout.write(f"Demo calls: {made} synthetic calls over the last {WEEKS} weeks.")

    def _days(self, incident: Incident) -> list[datetime]:
        zone = ZoneInfo(incident.hotline_time_zone)
        today = timezone.now().astimezone(zone).date()
        days = [today - timedelta(days=n) for n in range(WEEKS * 7 - 1, -1, -1)]
        return [datetime.combine(day, OPENS, tzinfo=zone) for day in days if day.weekday() < 5]

    def _day(self, incident: Incident, opens: datetime, rng: random.Random, agent: User, manager: User,
             people: list[Recipient], outcomes: list[Disposition]) -> int:  # fmt: skip
        """One day's calls, busier in the first days after the letters arrived."""
        made = 0
        for _ in range(rng.randint(4, 16)):
            started = opens + timedelta(hours=rng.uniform(0, HOURS))
            if started >= timezone.now():
                continue
            call = actions.start_call(agent, incident, rng.choice(people), started)
            if rng.random() < 0.05:
                actions.escalate(agent, call, manager, "Asks for a call back from someone at the district.")
            actions.close_call(agent, call, disposition=rng.choice(outcomes), caller_name="", relationship="", notes="")
            # The demo's calls took minutes, not the days between their start and this command.
            Call.objects.filter(pk=call.pk).update(ended_at=started + timedelta(minutes=rng.uniform(2, 14)))
            made += 1
        return made
