from django.apps import AppConfig


class CallcenterConfig(AppConfig):
    name = "callcenter"

    def ready(self) -> None:
        from callcenter import actions
        from incidents import purge

        purge.register(20, lambda incident: {"calls_cleared": actions.purge_calls(incident)})
