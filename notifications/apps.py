from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        from notifications import exports

        exports.register()  # the print export and single letters join the incident's export screens
