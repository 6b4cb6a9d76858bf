"""The headers every page carries: a Content Security Policy with no inline script or style and no
framing, no caching of pages, no referrer to other sites, no content sniffing; HSTS and __Host-
cookies over HTTPS; and `check --deploy` with nothing to say about production settings."""

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from incidents.models import Role
from portal.testing.urlwalk import RULES, url_for

ROOT = Path(__file__).resolve().parents[2]
GET_PAGES = sorted(name for name, rule in RULES.items() if rule.method == "get")


def _directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("name", GET_PAGES)
def test_every_page_carries_the_headers(client, incident, people, name):
    manager = people[Role.MANAGER]
    client.force_login(manager if RULES[name].scope != "auditor" else people[Role.AUDITOR])
    response = client.get(url_for(name, incident, people))
    policy = _directives(response)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"], name
    assert "'unsafe-eval'" not in response["Content-Security-Policy"], name
    assert policy["script-src"] == "script-src 'self'", name
    assert policy["style-src"] == "style-src 'self'", name
    assert policy["frame-ancestors"] == "frame-ancestors 'none'", name
    assert "no-store" in response["Cache-Control"], name
    assert response["Referrer-Policy"] == "same-origin", name
    assert response["X-Content-Type-Options"] == "nosniff", name
    assert response["X-Frame-Options"] == "DENY", name


def test_the_public_notice_and_sign_in_carry_them_too(client, db):
    response = client.get(reverse("accounts:login"))
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_over_https_hsts(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("accounts:login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")


def _production_env(**extra: str) -> dict[str, str]:
    # Only what a production host sets: nothing of the test run's own overrides.
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.base",
        DEBUG="false",
        SECRET_KEY="a-production-like-secret-key-of-sufficient-length-0123456789abcdef",
        ALLOWED_HOSTS="portal.example.org",
        FIELD_ENCRYPTION_KEYS="k1:" + base64.b64encode(b"p" * 32).decode(),
        FIELD_LOOKUP_KEY=base64.b64encode(b"q" * 32).decode(),
        **extra,
    )
    return env


def test_production_settings_pass_check_deploy(tmp_path):
    env = _production_env(VAR_DIR=str(tmp_path))
    run = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr


def test_production_cookies_take_the_host_prefix(tmp_path):
    code = "from django.conf import settings; print(settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)"
    run = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT, env=_production_env(VAR_DIR=str(tmp_path)), capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert run.stdout.split() == ["__Host-sessionid", "__Host-csrftoken"]
