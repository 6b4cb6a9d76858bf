"""Start-up refuses bad configuration, naming the variable; production settings pass `check --deploy`."""

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.lib.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "Zq8#vLp2$wN5^rT9&yB3*mX6!jH4@cF7",
    "ALLOWED_HOSTS": "portal.example.org",
    "FIELD_ENCRYPTION_KEYS": "k1:" + base64.b64encode(b"p" * 32).decode(),
    "FIELD_LOOKUP_KEY": base64.b64encode(b"q" * 32).decode(),
}


def _start(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "SECURE_SSL_REDIRECT",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "FIELD_ENCRYPTION_KEYS",
            "FIELD_LOOKUP_KEY",
        }
    }
    clean.update(DJANGO_SETTINGS_MODULE="portal.settings.base", VAR_DIR=os.environ.get("VAR_DIR", "/tmp"))
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *(args or ("check",))],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({**PRODUCTION, "SECRET_KEY": ""}, "SECRET_KEY"),
        ({**PRODUCTION, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({**PRODUCTION, "DEBUG": "maybe"}, "DEBUG"),
        ({**PRODUCTION, "TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE"),
        ({**PRODUCTION, "EMAIL_PORT": "twenty-five"}, "EMAIL_PORT"),
        ({**PRODUCTION, "FIELD_ENCRYPTION_KEYS": ""}, "FIELD_ENCRYPTION_KEYS"),
        ({**PRODUCTION, "FIELD_ENCRYPTION_KEYS": "k1:c2hvcnQ="}, "FIELD_ENCRYPTION_KEYS"),
        ({**PRODUCTION, "FIELD_LOOKUP_KEY": "not base64!"}, "FIELD_LOOKUP_KEY"),
        ({**PRODUCTION, "FIELD_LOOKUP_KEY": base64.b64encode(b"p" * 32).decode()}, "FIELD_LOOKUP_KEY"),
    ],
)
def test_bad_configuration_stops_start_up_naming_the_variable(env, variable):
    result = _start(env)
    assert result.returncode != 0
    assert f"{variable} " in result.stderr.splitlines()[-1]


def test_production_settings_pass_check_deploy():
    result = _start(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_strict_parsers():
    assert env_bool("X", False, {"X": " Yes "}) is True
    assert env_bool("X", True, {}) is True
    with pytest.raises(ImproperlyConfigured, match="X must be"):
        env_bool("X", False, {"X": "ture"})
    assert env_int("N", 3, {"N": ""}) == 3
    assert env_list("H", {"H": "a.example, b.example,"}) == ["a.example", "b.example"]


def test_static_files_collect_with_the_production_storage(tmp_path):
    """Every file a stylesheet or script refers to is shipped, or collectstatic fails in production."""
    result = _start({**PRODUCTION, "VAR_DIR": str(tmp_path)}, "collectstatic", "--noinput", "-v0")
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()
