from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from audit.db import reinstall_after_migrate

        # SQLite rebuilds a table to alter it, and the rebuild drops its
        # triggers: put them back after every migrate.
        post_migrate.connect(reinstall_after_migrate, sender=self)
