"""The letter screens' changes are POST only."""

import pytest

from incidents.models import Role
from notifications.models import BatchStatus, LetterTemplate
from notifications.tests.screens import _audited, _batch, _url


@pytest.mark.parametrize(
    ("name", "actor"),
    [
        ("template-defaults", Role.MANAGER),
        ("batch-rerender", Role.MANAGER),
        ("batch-approve", Role.MAIL_ADMIN),
        ("batch-mailed", Role.MAIL_ADMIN),
    ],
)
def test_changes_are_post_only(client, people, incident, name, actor):
    batch = _batch(incident, BatchStatus.RENDERED)
    client.force_login(people[actor])
    ids = [] if name == "template-defaults" else [batch.pk]
    assert client.get(_url(name, incident, *ids)).status_code == 405
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RENDERED
    assert not LetterTemplate.objects.exists()
    assert _audited() == []
