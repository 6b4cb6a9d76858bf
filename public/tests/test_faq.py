import pytest
from django.urls import reverse

from audit.models import AuditEvent
from portal.testing import IncidentFactory
from public.models import FaqEntry

ENTRY = {
    "question": "Why did I get this letter?",
    "answer": "Your child's records were in the files.",
    "sort_order": 10,
}


def _url(name, incident, *ids):
    return reverse(f"public:{name}", args=[incident.slug, *ids])


@pytest.fixture
def entry(incident):
    return FaqEntry.objects.create(incident=incident, **ENTRY)


def test_manager_adds_an_entry(client, manager, incident):
    client.force_login(manager)
    response = client.post(_url("faq-list", incident), {**ENTRY, "question": "  Why did I get   this letter? "})
    assert response.status_code == 302
    added = FaqEntry.objects.get(incident=incident)
    assert (added.question, added.answer, added.sort_order) == (ENTRY["question"], ENTRY["answer"], 10)
    assert AuditEvent.objects.get(action="faq.added").target_id == str(added.pk)
    assert ENTRY["question"] in client.get(_url("faq-list", incident)).content.decode()


def test_the_next_position_is_offered(client, manager, incident, entry):
    client.force_login(manager)
    response = client.get(_url("faq-list", incident))
    assert response.context["form"]["sort_order"].value() == 20


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("question", "", "Write the question."),
        ("answer", " ", "Write the answer agents give."),
        ("sort_order", "-1", "Use 0 or a larger number."),
        ("sort_order", "first", "Write a whole number, for example 10."),
    ],
)
def test_a_bad_entry_is_reshown_with_a_message(client, manager, incident, field, value, message):
    client.force_login(manager)
    response = client.post(_url("faq-list", incident), {**ENTRY, field: value})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert not FaqEntry.objects.exists()


def test_manager_edits_an_entry(client, manager, incident, entry):
    client.force_login(manager)
    page = client.get(_url("faq-edit", incident, entry.pk)).content.decode()
    assert ENTRY["question"] in page
    response = client.post(_url("faq-edit", incident, entry.pk), {**ENTRY, "answer": "A clearer answer."})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.answer == "A clearer answer."
    assert AuditEvent.objects.get(action="faq.changed").details == {"fields": ["answer"]}


def test_saving_an_unchanged_entry_records_nothing(client, manager, incident, entry):
    client.force_login(manager)
    response = client.post(_url("faq-edit", incident, entry.pk), ENTRY, follow=True)
    assert "Nothing changed." in response.content.decode()
    assert not AuditEvent.objects.filter(action="faq.changed").exists()


def test_a_bad_edit_is_reshown_with_a_message(client, manager, incident, entry):
    client.force_login(manager)
    response = client.post(_url("faq-edit", incident, entry.pk), {**ENTRY, "question": ""})
    assert response.status_code == 200
    assert "Write the question." in response.content.decode()
    entry.refresh_from_db()
    assert entry.question == ENTRY["question"]


def test_manager_removes_an_entry(client, manager, incident, entry):
    client.force_login(manager)
    response = client.post(_url("faq-remove", incident, entry.pk), follow=True)
    assert "removed from the FAQ" in response.content.decode()
    assert not FaqEntry.objects.filter(pk=entry.pk).exists()
    assert AuditEvent.objects.get(action="faq.removed").target_id == str(entry.pk)


def test_remove_is_post_only(client, manager, incident, entry):
    client.force_login(manager)
    assert client.get(_url("faq-remove", incident, entry.pk)).status_code == 405
    assert FaqEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(("actor", "status"), [("outsider", 404), ("agent", 403), ("auditor", 403)])
def test_only_managers_change_the_faq(client, people, incident, entry, actor, status):
    client.force_login(people[actor])
    assert client.post(_url("faq-list", incident), {**ENTRY, "question": "Sneaky?"}).status_code == status
    assert client.post(_url("faq-edit", incident, entry.pk), {**ENTRY, "answer": "Changed."}).status_code == status
    assert client.post(_url("faq-remove", incident, entry.pk)).status_code == status
    entry.refresh_from_db()
    assert entry.answer == ENTRY["answer"]
    assert FaqEntry.objects.count() == 1


def test_an_entry_of_another_incident_is_not_found(client, manager, incident, db):
    foreign = FaqEntry.objects.create(incident=IncidentFactory.create(), **ENTRY)
    client.force_login(manager)
    assert client.get(_url("faq-edit", incident, foreign.pk)).status_code == 404
    assert client.post(_url("faq-remove", incident, foreign.pk)).status_code == 404
    assert FaqEntry.objects.filter(pk=foreign.pk).exists()


def test_incident_page_links_the_manager_screens(client, manager, agent, incident):
    client.force_login(manager)
    page = client.get(reverse("incidents:incident-detail", args=[incident.slug])).content.decode()
    for url in (_url("faq-list", incident), reverse("callcenter:supervisor", args=[incident.slug])):
        assert f'href="{url}"' in page
    client.force_login(agent)
    page = client.get(reverse("incidents:incident-detail", args=[incident.slug])).content.decode()
    assert _url("faq-list", incident) not in page
