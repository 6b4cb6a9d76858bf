from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        from django.urls import reverse

        from audit.api import target_type_of
        from incidents import purge, timeline
        from notifications import actions, exports
        from notifications.actions import mailing
        from notifications.models import LetterBatch
        from regulators import obligations, packet

        exports.register()  # the print export and single letters join the incident's export screens
        packet.mailed_counted_by(mailing.mailed_letters)  # a packet counts the families the letters reached
        obligations.notified_dated_by(mailing.first_mailed_by_state)  # notices due after the residents' letters
        purge.register(10, lambda incident: {"letters": actions.purge_letters(incident)})
        timeline.register(
            target_type_of(LetterBatch),
            timeline.Target(
                link=lambda incident, batch_id, _: reverse("notifications:batch-detail", args=[incident.slug, batch_id])
            ),
        )
