"""Views of the installation itself: health check and error pages."""

import logging
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from kombu import Connection

logger = logging.getLogger(__name__)


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("health check: database does not answer")
        return False


def _broker_answers() -> bool:
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        # The filesystem transport "connects" to anything; check its folders instead.
        folder = Path(str(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]))
        return folder.is_dir() and (folder.stat().st_mode & 0o200) != 0
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        logger.exception("health check: broker does not answer")
        return False


def _field_keys_open() -> bool:
    """The configured field keys open the check values stored under them (accounts/keycheck.py)."""
    from accounts.keycheck import wrong_keys  # portal wires the apps; the apps never import portal's views

    try:
        wrong = wrong_keys()
    except Exception:
        logger.exception("health check: field keys could not be checked")
        return False
    if wrong:
        logger.error("health check: %s does not open the data sealed before (a wrong key)", ", ".join(wrong))
    return not wrong


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_answers(), "broker": _broker_answers()}
    if checks["database"]:  # the check values are in the database
        checks["field_keys"] = _field_keys_open()
    failing = [name for name, ok in checks.items() if not ok]
    body = {name: ("ok" if ok else "unavailable") for name, ok in checks.items()}
    body["status"] = "ok" if not failing else "failing: " + ", ".join(failing)
    return JsonResponse(body, status=503 if failing else 200)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "403.html", status=403)
