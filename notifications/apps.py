from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        from django.urls import reverse

        from audit.api import target_type_of
        from incidents import purge, timeline
        from notifications import actions, exports
        from notifications.models import LetterBatch

        exports.register()  # the print export and single letters join the incident's export screens
        purge.register(10, lambda incident: {"letters": actions.purge_letters(incident)})
        timeline.register(
            target_type_of(LetterBatch),
            timeline.Target(
                link=lambda incident, batch_id, _: reverse("notifications:batch-detail", args=[incident.slug, batch_id])
            ),
        )
