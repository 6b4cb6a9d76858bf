"""The managers' call-center screens are never cached."""

import pytest

from callcenter.tests.screens import _url


@pytest.mark.parametrize(
    "name", ["supervisor", "escalation-list", "escalation-detail", "address-change-list", "disposition-list"]
)
def test_manager_screens_are_not_cached(client, manager, incident, escalation, name):
    client.force_login(manager)
    ids = [escalation.pk] if name == "escalation-detail" else []
    response = client.get(_url(name, incident, *ids))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
