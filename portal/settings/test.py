"""Test overrides: fast password hashing, an isolated var/ directory, plain static files."""

import base64
import os
import tempfile
from pathlib import Path

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# Fixed test keys (never used elsewhere): a worker process started by a test must open what the test sealed.
os.environ.setdefault(
    "FIELD_ENCRYPTION_KEYS", "test1:" + base64.b64encode(b"test-field-encryption-key-000001").decode()
)
os.environ.setdefault("FIELD_LOOKUP_KEY", base64.b64encode(b"test-field-lookup-key-0000000001").decode())
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="portal-test-"))

from portal.settings.base import *  # noqa: F403
from portal.settings.base import DATABASES, STATIC_ROOT, STORAGES, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# In memory, where a test reads it; a worker process started by a test writes files there instead.
EMAIL_BACKEND = os.environ.get("PORTAL_TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = Path(os.environ.get("PORTAL_TEST_EMAIL_FILE_PATH", str(VAR_DIR / "mail")))
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The live server speaks plain HTTP, where a browser keeps no __Host- cookie.
SESSION_COOKIE_NAME, CSRF_COOKIE_NAME = "sessionid", "csrftoken"
MEDIA_ROOT = VAR_DIR / "media"  # even when the shell sets MEDIA_ROOT
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing folder

# A file, not memory: a worker process or a second thread must see the same
# database as the test that enqueued the work.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

# A worker process started by the tests (portal.testing.WorkerProcess) uses
# the test database that the test run created.
if os.environ.get("PORTAL_TEST_DATABASE_NAME"):
    DATABASES["default"]["NAME"] = os.environ["PORTAL_TEST_DATABASE_NAME"]
