from notifications.models import BatchStatus, Letter
from notifications.tests.helpers import recipients, rendered_batch


def test_a_batch_renders_into_print_parts(incident, manager, settings):
    settings.LETTER_CHUNK_SIZE = 3
    settings.LETTER_PART_SIZE = 4
    recipients(incident, 7, "name", "medical_information")
    batch = rendered_batch(incident, manager)
    assert batch.status == BatchStatus.RENDERED, list(Letter.objects.values_list("reason", flat=True))
    assert len(batch.parts) == 2
    assert batch.pages_total == sum(Letter.objects.values_list("page_count", flat=True))
