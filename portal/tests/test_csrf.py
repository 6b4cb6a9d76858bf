from django.test import Client
from django.urls import reverse


def test_expired_form_gets_the_portals_page(agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 403
    assert b"This form has expired" in response.content
