from django.urls import reverse

from portal.testing import PortalClient
from public import actions as public_actions


def test_expired_form_gets_the_portals_page(agent):
    client = PortalClient(enforce_csrf_checks=True)
    client.force_login(agent)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 403
    assert b"This form has expired" in response.content


def test_a_member_of_the_public_without_the_cookie_is_told_what_to_do(incident, manager):
    for name, _label in incident.NOTICE_SECTIONS:
        setattr(incident, name, "Written.")
    incident.hotline_phone = "+18005550100"
    incident.save()
    public_actions.publish_notice(manager, incident)
    client = PortalClient(enforce_csrf_checks=True)  # a browser that blocks cookies sends no token
    response = client.post(reverse("public:public-notice", args=[incident.slug]), {"reference_code": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "allow them and try again" in page
    assert "incidents" not in page.lower().split("<main", 1)[1]  # nothing written for staff
