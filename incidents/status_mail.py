"""The e-mail that tells an incident's managers its status moved with what happened (the public notice
published, a letter batch mailed). It names the incident, the status, what moved it and who did it:
never a person whose data was exposed."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse

from incidents.models import Incident, Membership, Role

logger = logging.getLogger(__name__)

# What moves an incident to notifying on its own (the audit action that did), in the e-mail's and timeline's words.
MOVED_BY = {
    "notice.published": "the public notice was published",
    "letter_batch.mailed": "a letter batch was marked mailed",
}
# What the person whose act moved it reads on the screen.
ON_SCREEN = "The incident's status is now Notifying; its managers were told by e-mail."


def _addresses(incident: Incident) -> list[str]:
    managers = Membership.objects.filter(incident=incident, role=Role.MANAGER, user__is_active=True)
    return sorted({m.user.email for m in managers.select_related("user") if m.user.email})


def body(incident: Incident, because: str, actor_name: str) -> str:
    link = settings.PORTAL_BASE_URL.rstrip("/") + reverse("incidents:incident-detail", args=[incident.slug])
    return "\n".join(
        [
            f"{incident.organisation_name}: {incident.title}",
            "",
            f"The incident's status is now {incident.get_status_display()}: {because} ({actor_name}).",
            "",
            f"The incident's dashboard: {link}",
            "",
            "You receive this because you manage this incident in the Breach Notice Portal.",
        ]
    )


def tell_managers(incident_id: int, because: str, actor_name: str) -> int:
    """Send the e-mail to the incident's managers; the number sent. Run once the move is committed: a mail
    server that fails is logged, and the move stands."""
    incident = Incident.objects.get(pk=incident_id)
    subject = f"{incident.title}: status is now {incident.get_status_display()}"
    messages = [EmailMessage(subject, body(incident, because, actor_name), to=[a]) for a in _addresses(incident)]
    try:
        with get_connection() as connection:
            return connection.send_messages(messages) or 0
    except Exception:
        logger.exception("The status e-mail of incident %s could not be sent", incident_id)
        return 0
