from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People and imports"

    def ready(self) -> None:
        from django.urls import reverse

        from audit.api import target_type_of
        from incidents import figures as incident_figures
        from incidents import purge, timeline
        from people import actions, exports, tasks
        from people.models import ImportJob

        incident_figures.counted_by(tasks.count_incident_figures.delay)
        exports.register()  # the import's report joins the incident's export screens
        purge.register(30, actions.purge_people)  # after the letters and calls that point at recipients
        timeline.register(
            target_type_of(ImportJob),
            timeline.Target(
                link=lambda incident, job_id, _: reverse("people:import-detail", args=[incident.slug, job_id])
            ),
        )
