from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from celery import current_app  # the project's app (portal.celery), reached as shared tasks reach it
        from django.db.models.signals import post_migrate

        from accounts import signals  # noqa: F401  (login and logout audit)
        from accounts.keycheck import WorkerKeyCheck, record_after_migrate

        # A field key's check value is stored when the key is first seen; a worker with a key that does not
        # open its own check value stops before it takes a task (the web server's start: portal/wsgi.py).
        # Django is set up while a worker starts, before its steps are built, so the step added here runs.
        post_migrate.connect(record_after_migrate, sender=self)
        current_app.steps["worker"].add(WorkerKeyCheck)
