"""A well-formed but wrong field key is caught before it leaks: a check value stored under each key lets
start-up (web server and worker, DEBUG off) and /healthz refuse a key that does not open its own."""

import base64
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from accounts.keycheck import record_new_keys, refuse_wrong_keys
from accounts.models import FieldKeyCheck
from portal.lib import fieldcrypt

OTHER_KEY = base64.b64encode(b"another-installations-key-000001").decode()


def _key_id() -> str:
    return django_settings.FIELD_ENCRYPTION_KEYS.partition(":")[0]


def test_migrate_stored_a_check_value_for_each_key(db):
    stored = dict(FieldKeyCheck.objects.values_list("key_id", "value"))
    assert set(stored) == {_key_id(), fieldcrypt.LOOKUP_CHECK_ID}
    assert fieldcrypt.wrong_keys(stored) == []


def test_a_wrong_key_under_a_known_id_is_named(db, settings):
    settings.FIELD_ENCRYPTION_KEYS = f"{_key_id()}:{OTHER_KEY}"
    with pytest.raises(ImproperlyConfigured, match=f"FIELD_ENCRYPTION_KEYS key '{_key_id()}' does not open"):
        refuse_wrong_keys(record=True)


def test_a_wrong_lookup_key_is_named(db, settings):
    settings.FIELD_LOOKUP_KEY = OTHER_KEY
    with pytest.raises(ImproperlyConfigured, match="FIELD_LOOKUP_KEY does not open"):
        refuse_wrong_keys(record=False)


def test_a_new_key_is_recorded_and_judged_from_then_on(db, settings):
    new_key, older = base64.b64encode(b"the-next-key-after-rotation-0001").decode(), settings.FIELD_ENCRYPTION_KEYS
    settings.FIELD_ENCRYPTION_KEYS = f"k2:{new_key},{older}"
    refuse_wrong_keys(record=True)  # a key seen for the first time: its check value is stored
    assert FieldKeyCheck.objects.filter(key_id="k2").exists()
    settings.FIELD_ENCRYPTION_KEYS = f"k2:{OTHER_KEY},{older}"
    with pytest.raises(ImproperlyConfigured, match="key 'k2'"):
        refuse_wrong_keys(record=True)


def test_with_debug_on_start_up_goes_on(db, settings):
    settings.DEBUG = True
    settings.FIELD_ENCRYPTION_KEYS = f"{_key_id()}:{OTHER_KEY}"
    refuse_wrong_keys(record=True)


def test_healthz_refuses_a_wrong_key(client, db, settings):
    assert client.get("/healthz").json()["field_keys"] == "ok"
    settings.FIELD_ENCRYPTION_KEYS = f"{_key_id()}:{OTHER_KEY}"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "database": "ok",
        "broker": "ok",
        "field_keys": "unavailable",
        "status": "failing: field_keys",
    }


def _start(module: str, keys: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "PORTAL_TEST_DATABASE_NAME": str(connection.settings_dict["NAME"]),
        "FIELD_ENCRYPTION_KEYS": keys,
    }
    return subprocess.run(
        [sys.executable, "-c", f"import {module}"], env=environment, capture_output=True, text=True, timeout=120
    )


def test_the_web_server_does_not_start_with_a_wrong_key(transactional_db):
    record_new_keys()  # the flush that began this test emptied the table, as a fresh database would be
    started = _start("portal.wsgi", django_settings.FIELD_ENCRYPTION_KEYS)
    assert started.returncode == 0, started.stderr
    refused = _start("portal.wsgi", f"{_key_id()}:{OTHER_KEY}")
    assert refused.returncode != 0
    assert f"FIELD_ENCRYPTION_KEYS key '{_key_id()}' does not open the data sealed before" in refused.stderr


def test_a_worker_does_not_start_with_a_wrong_key(transactional_db, tmp_path):
    record_new_keys()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "PORTAL_TEST_DATABASE_NAME": str(connection.settings_dict["NAME"]),
        "FIELD_ENCRYPTION_KEYS": f"{_key_id()}:{OTHER_KEY}",
    }
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo", "--without-gossip"]
    worker = subprocess.run(
        [*command, "--without-mingle", "--queues", "nothing-here"],
        env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert worker.returncode != 0
    assert "does not open the data sealed before" in worker.stdout + worker.stderr
