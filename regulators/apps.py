from django.apps import AppConfig


class RegulatorsConfig(AppConfig):
    name = "regulators"
    verbose_name = "Regulators and obligations"

    def ready(self) -> None:
        from audit.api import target_type_of
        from incidents import closing, panels, timeline
        from regulators import dashboard, exports
        from regulators.jurisdictions import table
        from regulators.models import Obligation

        table()  # a jurisdiction file that breaks the format stops the portal here, naming the file and field

        exports.register()  # the FERPA record of disclosure joins the incident's export screens
        panels.register(panels.Panel("regulators/_dashboard_panel.html", dashboard.panel))
        panels.register(panels.Panel("regulators/_closing_panel.html", dashboard.closing_panel))
        closing.register(dashboard.open_obligations)  # an incident closes once nothing is owed
        timeline.register(target_type_of(Obligation), dashboard.timeline_target())
