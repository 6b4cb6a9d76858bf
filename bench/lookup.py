"""Call-center lookup benchmark: each kind of search against a trivial signed-in page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_lookup REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/lookup.py [--rows N] [--requests N] [--workers N] [--clients N] [--reuse]

Creates the database if it is missing, migrates it, and loads N synthetic
people (default 1,000,000) into the incident "bench-lookup" through the import
pipeline, with the import benchmark's generator. --reuse keeps an incident that
already holds N people instead. It then starts gunicorn with DEBUG off, signs
in one agent per client, and fires searches of each kind (reference code, last
name and date of birth, last name and phone, misspelt last name with ZIP) interleaved with
requests for the empty lookup screen, from concurrent clients. Prints p50 and
p95 per kind and each kind's p95 as a multiple of the empty screen's.

The same gunicorn also serves a bare Django view behind Django's default
middleware (bench/bare_wsgi.py), requested as often as the empty screen and
interleaved with it: the empty screen's p50 is printed as a multiple of the
bare view's.
"""

import argparse
import concurrent.futures
import http.client
import math
import os
import random
import re
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from common import BARE_PATH, ensure_database, gunicorn, import_benchmark  # bench/, this script's folder

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")

if TYPE_CHECKING:
    from incidents.models import Incident
    from people.models import Recipient

SLUG = "bench-lookup"
AGENT = "bench-agent"
AGENT_PASSWORD = "bench-agent-password-not-secret"  # noqa: S105 (a throwaway account in a benchmark database)
SEED = 2026
TARGETS = 500
WARMUP_ROUNDS = 2  # per client and kind, not counted
FIELDS = ("reference_code", "last_name", "first_name", "date_of_birth", "postal_code", "phone")
TRIVIAL = "trivial"
BARE = "bare"  # not a kind of the table: the yardstick for the empty screen
BARE_TARGET = 12.0  # the empty screen's p50 as a multiple of the bare view's, at most
# Kind: (label, target for its p95 as a multiple of the empty screen's p95).
KINDS: dict[str, tuple[str, float | None]] = {
    TRIVIAL: ("Empty lookup screen", None),
    "reference_code": ("Reference code", 2.0),
    "name_dob": ("Last name + date of birth", 2.0),
    "phone": ("Last name + phone", 2.0),
    "fuzzy": ("Misspelt last name + ZIP", 4.0),
}
_RESULTS = re.compile(r'data-results="(\d+)"')
_FUZZY = re.compile(r'data-fuzzy="([01])"')
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass(frozen=True)
class Job:
    kind: str
    fields: dict[str, str] | None  # None: GET the empty screen


@dataclass(frozen=True)
class Outcome:
    kind: str
    ms: float
    problem: str | None


# Database and people ------------------------------------------------------


def _load(incident: "Incident", rows: int) -> None:
    from django.conf import settings
    from django.db import connection

    bench_import = import_benchmark()
    folder = Path(tempfile.mkdtemp(dir=settings.VAR_DIR))
    path = folder / "district-export.csv"
    started = time.perf_counter()
    try:
        bench_import.generate(path, rows)
        generated = time.perf_counter() - started
        times = bench_import.pipeline(path, incident)
    finally:
        path.unlink(missing_ok=True)
        folder.rmdir()
    with connection.cursor() as cursor:
        # Autovacuum would do both within a minute of the import (this machine's PostgreSQL runs without it):
        # lookups are timed on settled statistics and a visibility map that lets index-only scans skip the table.
        cursor.execute("VACUUM (ANALYZE) incidents_individual, incidents_recipient")
    print(
        f"Loaded {int(times['added']):,} people in {time.perf_counter() - started:.1f} s "
        f"(generate {generated:.1f} s, import pipeline {times['total']:.1f} s)"
    )


def _incident(rows: int, reuse: bool, database: str) -> "Incident":
    from incidents.models import Incident
    from people.models import Individual

    incident = Incident.objects.filter(slug=SLUG).first()
    if incident is None:
        incident = Incident.objects.create(
            slug=SLUG, title="Lookup benchmark", organisation_name="Bench", discovered_on=date(2026, 1, 5)
        )
        _load(incident, rows)
        return incident
    held = Individual.objects.filter(incident=incident).count()
    if not reuse or held != rows:
        sys.exit(
            f"The database already holds the incident {SLUG} with {held:,} people. Pass --reuse --rows {held}, "
            f"or drop the database to load again: dropdb -h 127.0.0.1 -U postgres {database}"
        )
    print(f"Reused {held:,} people already loaded in {database}")
    return incident


def _agent(incident: "Incident") -> Callable[[], str]:
    """The benchmark's agent, with an authenticator; returns what its phone would show."""

    from accounts import actions as account_actions
    from accounts import mfa
    from accounts.models import User
    from incidents import actions
    from incidents.models import Membership, Role

    user = User.objects.filter(username=AGENT).first()
    if user is None:
        user = account_actions.create_user(None, AGENT, AGENT_PASSWORD)
    if not mfa.is_enrolled(user):
        account_actions.provision_authenticator(None, user)
    if not Membership.objects.filter(user=user, incident=incident, role=Role.AGENT).exists():
        actions.add_member(None, incident, user, Role.AGENT)
    device = user.totpdevice_set.get(confirmed=True)
    return lambda: mfa.current_code(device)


def _targets(incident: "Incident") -> list["Recipient"]:
    """A fixed-seed sample of recipients, with their person."""
    from django.db.models import Max, Min

    from people.models import Recipient

    people = Recipient.objects.filter(incident=incident)
    bounds = people.aggregate(low=Min("id"), high=Max("id"))
    span = range(bounds["low"], bounds["high"] + 1)
    ids = random.Random(SEED).sample(span, min(3 * TARGETS, len(span)))  # noqa: S311 (a sample, not a secret)
    found = people.select_related("individual").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found][:TARGETS]


# What an agent types -------------------------------------------------------


def _misspelt(name: str) -> str | None:
    """Two adjacent letters swapped near the middle, first letter kept ('Smith' -> 'Smtih')."""
    middle = len(name) // 2
    for i in sorted(range(1, len(name) - 1), key=lambda i: abs(i - middle)):
        if name[i] != name[i + 1] and name[i].isalpha() and name[i + 1].isalpha():
            return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return None  # 'Lee'


def _typed_phone(e164: str) -> str | None:
    """+15735550123 as a caller reads it out: (573) 555-0123."""
    if not re.fullmatch(r"\+1\d{10}", e164):
        return None
    digits = e164[2:]
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def _typed(kind: str, recipient: "Recipient") -> dict[str, str] | None:
    """The search form as an agent fills it in for this kind, or None if the recipient cannot serve."""
    from portal.lib import refcode

    person = recipient.individual
    typed: dict[str, str | None]
    if kind == "reference_code":
        typed = {"reference_code": refcode.display(recipient.reference_code).lower()}
    elif kind == "name_dob":
        born = person.date_of_birth
        typed = {
            "last_name": person.last_name,
            "date_of_birth": f"{born.month}/{born.day}/{born.year}" if born else None,
        }
    elif kind == "phone":
        # The import benchmark's file has guardians' phones, kept as the recipient's guardian phone.
        typed = {"last_name": person.last_name, "phone": _typed_phone(recipient.phone or recipient.guardian_phone)}
    else:
        typed = {"last_name": _misspelt(person.last_name), "postal_code": recipient.postal_code}
    if not all(typed.values()):
        return None
    return {field: typed.get(field) or "" for field in FIELDS}


def _jobs(targets: list["Recipient"], per_kind: int, rng: random.Random) -> list[Job]:
    jobs = [Job(TRIVIAL, None) for _ in range(per_kind)] + [Job(BARE, None) for _ in range(per_kind)]
    for kind in KINDS:
        if kind == TRIVIAL:
            continue
        forms = [form for form in (_typed(kind, r) for r in targets) if form is not None]
        if not forms:
            sys.exit(f"No sampled recipient can serve a search by {KINDS[kind][0]}.")
        jobs += [Job(kind, forms[i % len(forms)]) for i in range(per_kind)]
    rng.shuffle(jobs)
    return jobs


# The clients ---------------------------------------------------------------


class Agent:
    """One signed-in agent at a browser: its own connection (kept alive if the server allows) and cookies."""

    def __init__(self, port: int, lookup_path: str) -> None:
        self.port = port
        self.lookup_path = lookup_path
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def _send(self, method: str, path: str, fields: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"Referer": f"http://127.0.0.1:{self.port}{path}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body, headers)
            response = self.connection.getresponse()
            text = response.read().decode()
        except (OSError, http.client.HTTPException):
            self.connection.close()  # the next request opens a new connection
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in header.lower():
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return response.status, text

    def sign_in(self, code: str) -> None:
        """The password, then the authenticator's code."""
        for path, form in (
            ("/accounts/login/", {"username": AGENT, "password": AGENT_PASSWORD, "next": ""}),
            ("/accounts/code/", {"code": code, "next": ""}),
        ):
            _, page = self._send("GET", path)
            token = _CSRF_INPUT.search(page)
            assert token is not None, f"no CSRF token on {path}"
            status, _ = self._send("POST", path, {**form, "csrfmiddlewaretoken": token[1]})
            if status != 302 or "sessionid" not in self.cookies:
                sys.exit(f"The agent could not sign in at {path} (status {status}).")

    def run(self, job: Job) -> Outcome:
        started = time.perf_counter()
        try:
            if job.kind == BARE:
                status, page = self._send("GET", BARE_PATH)
            elif job.fields is None:
                status, page = self._send("GET", self.lookup_path)
            else:
                # The CSRF cookie holds the unmasked secret, which Django also accepts as the form token.
                form = {**job.fields, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
                status, page = self._send("POST", self.lookup_path, form)
        except (OSError, http.client.HTTPException) as exc:
            return Outcome(job.kind, (time.perf_counter() - started) * 1000, type(exc).__name__)
        return Outcome(job.kind, (time.perf_counter() - started) * 1000, _problem(job.kind, status, page))


def _problem(kind: str, status: int, page: str) -> str | None:
    if status != 200:
        return f"status {status}"
    if kind in (TRIVIAL, BARE):
        return None
    results, fuzzy = _RESULTS.search(page), _FUZZY.search(page)
    if results is None or fuzzy is None:
        return "no data-results or data-fuzzy attribute"
    if int(results[1]) < 1:
        return "nothing found"
    if (fuzzy[1] == "1") != (kind == "fuzzy"):
        return f'data-fuzzy="{fuzzy[1]}"'
    return None


def _fire(agents: list[Agent], jobs: list[Job]) -> list[Outcome]:
    """Each agent takes the next job as soon as its previous answer is in."""
    pending = iter(jobs)  # next() on a list iterator is atomic under the GIL

    def work(agent: Agent) -> list[Outcome]:
        return [agent.run(job) for job in pending]

    with concurrent.futures.ThreadPoolExecutor(len(agents)) as pool:
        return [outcome for done in pool.map(work, agents) for outcome in done]


# Figures -------------------------------------------------------------------


def _percentiles(values: list[float]) -> tuple[float, float]:
    if len(values) < 2:
        return float("nan"), float("nan")
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94]


def _report(outcomes: list[Outcome]) -> None:
    """Answered requests only: failures are listed apart."""
    by_kind = {kind: [o.ms for o in outcomes if o.kind == kind and o.problem is None] for kind in KINDS}
    _, trivial_p95 = _percentiles(by_kind[TRIVIAL])
    print(f"{'Kind':<28} {'Count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p95 ratio':>10} {'Target':>7}  Verdict")
    for kind, (label, target) in KINDS.items():
        p50, p95 = _percentiles(by_kind[kind])
        ratio = p95 / trivial_p95
        verdict = "" if target is None or math.isnan(ratio) else ("PASS" if ratio <= target else "FAIL")
        shown = "" if target is None else f"{target:.1f}"
        print(f"{label:<28} {len(by_kind[kind]):>6} {p50:>8.1f} {p95:>8.1f} {ratio:>10.2f} {shown:>7}  {verdict}")
    bare = [o.ms for o in outcomes if o.kind == BARE and o.problem is None]
    trivial_p50, bare_p50 = _percentiles(by_kind[TRIVIAL])[0], _percentiles(bare)[0]
    ratio = trivial_p50 / bare_p50
    print(
        f"Empty lookup screen p50 {trivial_p50:.2f} ms against a bare Django view with the default middleware, "
        f"same gunicorn: p50 {bare_p50:.2f} ms ({len(bare)} requests); {ratio:.1f} x, target at most "
        f"{BARE_TARGET:.0f} x  {'PASS' if ratio <= BARE_TARGET else 'FAIL'}"
    )


def _report_failures(failures: list[Outcome], server_log: str) -> None:
    print(f"\n{len(failures)} requests failed:")
    for kind, (label, _) in KINDS.items():
        problems = sorted({o.problem or "" for o in failures if o.kind == kind})
        count = sum(1 for o in failures if o.kind == kind)
        if count:
            print(f"  {label}: {count} ({'; '.join(problems[:5])})")
    print("\nEnd of the server's log:\n" + server_log)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=400, help="Timed requests per kind (default 400).")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (default 3).")
    parser.add_argument("--clients", type=int, default=8, help="Concurrent signed-in agents (default 8).")
    parser.add_argument("--reuse", action="store_true", help="Keep the people already loaded if there are --rows.")
    args = parser.parse_args()

    database = ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    incident = _incident(args.rows, args.reuse, database)
    phone = _agent(incident)
    rng = random.Random(SEED)  # noqa: S311 (shuffles requests, not secrets)
    targets = _targets(incident)
    lookup_path = f"/callcenter/{incident.slug}/lookup/"
    warmup = _jobs(targets, WARMUP_ROUNDS * args.clients, rng)
    jobs = _jobs(targets, args.requests, rng)

    # The per-agent search limit would stop the benchmark.
    print("Load average (1, 5, 15 min) before the timed requests: " + ", ".join(f"{v:.2f}" for v in os.getloadavg()))
    with gunicorn(args.workers, "bench.bare_wsgi", CALLCENTER_SEARCHES_PER_HOUR="1000000000") as (port, log):
        agents = [Agent(port, lookup_path) for _ in range(args.clients)]
        agents[0].sign_in(phone())
        for agent in agents[1:]:  # tabs of one signed-in browser: a code is accepted once
            agent.cookies = dict(agents[0].cookies)
        _fire(agents, warmup)
        started = time.perf_counter()
        outcomes = _fire(agents, jobs)
        elapsed = time.perf_counter() - started
        log.seek(0)
        server_log = log.read().decode(errors="replace")[-3000:]

    print(f"gunicorn sync workers: {args.workers}, concurrent agents: {args.clients}; "
          f"{len(jobs):,} requests in {elapsed:.1f} s ({len(jobs) / elapsed:.0f} per second), "
          f"kinds interleaved, after {len(warmup)} uncounted")  # fmt: skip
    _report(outcomes)
    failures = [o for o in outcomes if o.problem is not None]
    if failures:
        _report_failures(failures, server_log)
        sys.exit(1)


if __name__ == "__main__":
    main()
