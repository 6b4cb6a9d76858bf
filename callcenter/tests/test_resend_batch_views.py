"""Letters asked for on calls, sent again in a batch."""

from django.urls import reverse
from django.utils import timezone

from callcenter.models import Call, LetterResend
from notifications import actions as letters
from notifications.models import Letter, LetterBatch
from portal.testing.letters import recipients


def test_letters_asked_for_on_calls_go_into_a_resend_batch(client, incident, manager, agent):
    asked, other = recipients(incident, 2)
    letters.install_default_templates(manager, incident)
    call = Call.objects.create(incident=incident, agent=agent, started_at=timezone.now(), recipient=asked)
    LetterResend.objects.create(incident=incident, recipient=asked, call=call, requested_by=agent)
    client.force_login(manager)
    page = client.get(reverse("callcenter:address-change-list", args=[incident.slug])).content.decode()
    assert "1 caller asked for the letter to be sent again" in page

    response = client.post(reverse("callcenter:resend-batch", args=[incident.slug]))
    batch = LetterBatch.objects.get()
    assert response.url == reverse("notifications:batch-detail", args=[incident.slug, batch.pk])
    assert list(Letter.objects.values_list("recipient", flat=True)) == [asked.pk]  # not the one who did not ask
    assert LetterResend.objects.get().batched_at is not None
    assert other.pk not in batch.letters.values_list("recipient", flat=True)

    response = client.post(reverse("callcenter:resend-batch", args=[incident.slug]), follow=True)
    assert "No letter is waiting to be sent again." in response.content.decode()
