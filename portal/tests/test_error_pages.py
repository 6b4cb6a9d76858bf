from django.urls import reverse

from portal.testing import PortalClient


def test_unknown_page_is_the_portals_own_404(client, agent):
    client.force_login(agent)
    response = client.get("/incidents/no-such-thing/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"Traceback" not in response.content


def test_forbidden_page_is_the_portals_own_403(client, agent, incident):
    client.force_login(agent)
    response = client.get(reverse("incidents:incident-edit", args=[incident.slug]))
    assert response.status_code == 403
    assert b"Not allowed" in response.content


def test_server_error_shows_no_trace(agent, monkeypatch):
    from incidents.views import incidents as views

    def explode(*args, **kwargs):
        raise RuntimeError("Ada Testperson, 2012-05-01")

    monkeypatch.setattr(views.figures, "of", explode)
    client = PortalClient(raise_request_exception=False)
    client.force_login(agent)
    response = client.get(reverse("incidents:incident-detail", args=[agent.memberships.first().incident.slug]))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"Ada Testperson" not in response.content


def test_opening_a_post_only_address_explains_itself(client, manager, incident):
    client.force_login(manager)
    response = client.get(reverse("incidents:incident-status", args=[incident.slug]))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert b"Use the button on the page" in response.content


def test_signing_out_says_so(client, agent):
    client.force_login(agent)
    response = client.post(reverse("accounts:logout"), follow=True)
    assert "You have signed out." in [str(m) for m in response.context["messages"]]
