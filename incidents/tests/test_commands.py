import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from audit.chain import verify_all
from audit.models import AuditEvent
from demo import seed as demo
from incidents.models import Incident, Membership, Role
from incidents.readers import Relationship
from people.models import Exposure, Individual, Recipient

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        Individual.objects.count(),
        Recipient.objects.count(),
        Exposure.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
        sorted(Recipient.objects.values_list("reference_code", flat=True)),
    )


def test_seed_demo_loads_a_consistent_incident_and_twice_changes_nothing(capsys):
    call_command("seed_demo", "--force", "--size", "300")
    out = capsys.readouterr().out
    incident = Incident.objects.get(slug=demo.SLUG)
    assert incident.get_organisation_state_display() == "Missouri"  # the district's own school laws apply
    assert Individual.objects.filter(incident=incident).count() == 300
    assert Recipient.objects.filter(incident=incident).count() == 300
    cutoff = incident.minor_cutoff()
    minors = [
        p.pk for p in Individual.objects.filter(incident=incident) if p.date_of_birth and p.date_of_birth > cutoff
    ]
    assert minors
    assert (
        Recipient.objects.filter(individual__in=minors, individual__is_deceased=False)
        .exclude(relationship=Relationship.PARENT_GUARDIAN)
        .count()
        == 0
    )
    assert incident.notice_is_published
    # Its notice is up, so it is notifying: moved there by the publication, as any incident is.
    assert incident.status == Incident.Status.NOTIFYING
    moves = AuditEvent.objects.filter(incident_id=incident.pk, action="incident.status_changed").order_by("pk")
    assert [(e.details["to"], e.details.get("because")) for e in moves] == [
        ("investigating", None),
        ("notifying", "notice.published"),
    ]
    assert f"Public notice: /notice/{demo.SLUG}/" in out  # with a code and date of birth that the check confirms
    for username, role in [("demo-manager", Role.MANAGER), ("demo-agent", Role.AGENT), ("demo-auditor", Role.AUDITOR)]:
        assert username in out
        assert Membership.objects.filter(user__username=username, incident=incident, role=role).exists()
    before = _snapshot()
    call_command("seed_demo", "--force", "--size", "300")
    assert _snapshot() == before
    assert verify_all().ok


def test_seed_demo_refuses_without_debug_unless_forced():
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")


def test_demo_people_are_synthetic():
    call_command("seed_demo", "--force", "--size", "50")
    phones = Recipient.objects.exclude(phone="").values_list("phone", flat=True)
    assert all(p.startswith("+1573555") and 100 <= int(p[-4:]) <= 199 for p in phones)
    assert set(Recipient.objects.exclude(city="").values_list("state", flat=True)) == {"MO"}


def test_create_portal_user_with_roles(monkeypatch, incident, capsys):
    monkeypatch.setenv("PORTAL_PASSWORD", "a-long-enough-passphrase")
    call_command("create_portal_user", "casey", "--role", "agent", "--incident", incident.slug)
    user = User.objects.get(username="casey")
    assert user.check_password("a-long-enough-passphrase")
    assert list(user.memberships.values_list("role", flat=True)) == ["agent"]
    assert "Created casey (Call agent on riverside-records)" in capsys.readouterr().out


def test_create_portal_user_manager_may_create_incidents(monkeypatch, db):
    monkeypatch.setenv("PORTAL_PASSWORD", "a-long-enough-passphrase")
    call_command("create_portal_user", "morgan", "--role", "manager")
    assert User.objects.get(username="morgan").has_perm("incidents.add_incident")


def test_create_portal_user_superuser(monkeypatch, db):
    monkeypatch.setenv("PORTAL_PASSWORD", "a-long-enough-passphrase")
    call_command("create_portal_user", "root", "--superuser")
    assert User.objects.get(username="root").is_superuser


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (
            ["x", "--role", "agent", "--incident", "nope"],
            "a-long-enough-passphrase",
            "No incident with short name nope",
        ),
        (["x", "--role", "agent"], "short", "too short"),
        (["x"], "a-long-enough-passphrase", "Give --role"),
        (
            ["x", "--superuser", "--incident", "riverside-records"],
            "a-long-enough-passphrase",
            "--incident needs --role",
        ),
        (["manager-riverside-records", "--role", "agent"], "a-long-enough-passphrase", "already exists"),
    ],
)
def test_create_portal_user_refusals_leave_nothing_behind(monkeypatch, people, args, password, message):
    monkeypatch.setenv("PORTAL_PASSWORD", password)
    users = User.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("create_portal_user", *args)
    assert User.objects.count() == users
