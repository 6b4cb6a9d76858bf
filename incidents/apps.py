from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        from accounts import signed_in
        from audit import heads
        from incidents.access import auditor_addresses, read_signed_in_rows, widen_signed_in_query

        heads.auditors_from(auditor_addresses)  # the trail's head is mailed to every active auditor
        # Every request reads the user with the roles held on the incident its URL names, in one query.
        signed_in.extend(signed_in.Extension(widen_signed_in_query, read_signed_in_rows))
