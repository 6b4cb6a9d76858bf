"""Every address of the portal, reached by a session that went idle: a page the user needs to be signed in
for sends the browser to sign-in (htmx's requests by HX-Redirect, so the whole page goes), a public one is
served; never an error page. Each ended session leaves exactly one `auth.session_ended` event.

pytest-django wraps these tests in a transaction, but audit.record does not count the test's own
(see audit/tests/test_chain.py), so a path that reached it outside a transaction would fail here."""

import time

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEvent
from portal.testing.urlwalk import RULES, url_for

LOGIN = reverse("accounts:login")
START = time.time()


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("name", sorted(RULES))
def test_every_address_sends_an_idle_session_to_sign_in(client, incident, people, agent, name, htmx):
    with time_machine.travel(START, tick=False):
        client.force_login(agent)
        url = url_for(name, incident, people)
        assert client.get(reverse("incidents:incident-list")).status_code == 200
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_X_PORTAL_BACKGROUND": "true"} if htmx else {}
    with time_machine.travel(START + 16 * 60, tick=False):
        response = client.post(url, **headers) if RULES[name].method == "post" else client.get(url, **headers)
    assert response.status_code < 500
    if RULES[name].scope == "public":
        served = RULES[name].expect or (302 if RULES[name].method == "post" else 200)
        assert response.status_code == (204 if htmx and served == 302 else served)  # signing out: to sign-in
    elif htmx:
        assert response.status_code == 204
        assert response["HX-Redirect"].startswith(LOGIN + "?next=")
    else:
        assert response.status_code == 302
        assert response.url.startswith(LOGIN + "?next=")
    events = AuditEvent.objects.filter(action="auth.session_ended")
    assert [event.details["reason"] for event in events] == ["idle"]
    assert events.get().actor_id == agent.pk
