from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        from audit import heads
        from incidents.access import auditor_addresses

        heads.auditors_from(auditor_addresses)  # the trail's head is mailed to every active auditor
