"""The Celery application. Workers start with `celery -A portal worker`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Database connections kept from task to task where safe (CELERY_DB_REUSE_MAX; the module says when they close).
from portal.lib import worker_connections  # noqa: E402, F401 (connects its signal handlers)
