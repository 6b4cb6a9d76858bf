from django.apps import AppConfig


class RegulatorsConfig(AppConfig):
    name = "regulators"
    verbose_name = "Regulators and obligations"

    def ready(self) -> None:
        from audit.api import target_type_of
        from incidents import panels, timeline
        from regulators import dashboard, exports
        from regulators.models import Obligation

        exports.register()  # the FERPA record of disclosure joins the incident's export screens
        panels.register(panels.Panel("regulators/_dashboard_panel.html", dashboard.panel))
        timeline.register(target_type_of(Obligation), dashboard.timeline_target())
