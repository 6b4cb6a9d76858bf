"""Settings for every deployment, read from the environment.

See README.md ("Configuration") for the variables. A bad or missing value
stops start-up with a message naming the variable.
"""

import base64
import hashlib
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from portal.lib.env import env_bool, env_int, env_list, env_str, require
from portal.lib.fieldcrypt import decode_key, parse_keys

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "insecure-development-key-never-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]"]
else:
    require("SECRET_KEY", SECRET_KEY, "set it to a long random string when DEBUG is off")
    require("ALLOWED_HOSTS", ALLOWED_HOSTS, "list the portal's host names when DEBUG is off")


def _derived_key(purpose: str) -> str:
    """A development key from SECRET_KEY, so `DEBUG=true` needs no key of its own."""
    return base64.b64encode(hashlib.sha256(f"{purpose}:{SECRET_KEY}".encode()).digest()).decode()


TIME_ZONE = env_str("TIME_ZONE", "America/Chicago")
try:
    ZoneInfo(TIME_ZONE)  # loads one zone; listing them all costs a directory walk per start
except (ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"TIME_ZONE must be an IANA time zone such as America/Chicago, got {TIME_ZONE!r}"
    ) from None
USE_TZ = True
LANGUAGE_CODE = "en-us"
USE_I18N = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    # Trigram lookups for the call center's fuzzy search (PostgreSQL only; inert on SQLite).
    "django.contrib.postgres",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "audit",
    "accounts",
    "incidents",
    "people",
    "regulators",
    "public",
    "notifications",
    "callcenter",
    "demo",
    "portal",  # its commands: upgrade_smoke
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's AuthenticationMiddleware and django-otp's OTPMiddleware in one: the user, their second factor
    # and their roles on the URL's incident in one query.
    "accounts.signed_in.SignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.middleware.NoStoreMiddleware",
    "portal.middleware.MethodNotAllowedPageMiddleware",
    "portal.middleware.HtmxSignInRedirectMiddleware",
    "accounts.sessions.SessionLimitsMiddleware",
    "accounts.middleware.RequireMfaMiddleware",
    # Last: it sees failed sign-ins after every other layer has had its say.
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out sign-in before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
# Messages can name a person ("the address change for ... was approved"): keep them in the session,
# not in a cookie the browser can read.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "incidents:incident-list"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "incidents.context_processors.navigation",
            ],
        },
    },
]

# Database: PostgreSQL from DATABASE_URL, or the embedded SQLite file under var/.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR_DIR / "portal.sqlite3")}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write concurrently: WAL lets readers go
    # on during a write, and IMMEDIATE takes the write lock when a
    # transaction starts, so two writers queue instead of deadlocking (and
    # audit appends are serialised).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Celery: Redis from REDIS_URL, or Kombu's filesystem transport under var/.
REDIS_URL = env_str("REDIS_URL")
CELERY_QUEUE_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT = "portal.lib.fsqueue:Transport"  # messages written whole (see the module)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
        # Kombu polls the folder once a second by default, and a worker takes one task per poll: a batch of a
        # hundred chunks waited over a hundred seconds for polls alone. Listing the folder ten times a second
        # costs an idle worker next to nothing.
        "polling_interval": 0.1,
    }
    for _folder in ("queue", "control"):
        (CELERY_QUEUE_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A prefork child loads the letter renderer before it reports for work (notifications.tasks.warm_up_letters):
# about a quarter of a second, longer with many children starting on few cores. Celery kills a child that takes
# more than 4 s by default, and starts another that would do the same.
CELERY_WORKER_PROC_ALIVE_TIMEOUT = 30.0
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery closes a worker's database connections around every task unless this is set; set, it closes them every
# this many tasks, and portal.lib.worker_connections closes the ones not safe to keep.
CELERY_DB_REUSE_MAX = 1000

# Cache: Redis when REDIS_URL is set, else files under var/ (shared by the web
# server and the worker, as progress of a running import needs).
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Imports of people: the largest upload, and what a workbook may expand to.
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_MB", 200) * 1_000_000
IMPORT_XLSX_MAX_EXPANDED_BYTES = env_int("IMPORT_XLSX_MAX_EXPANDED_MB", 2000) * 1_000_000
# The dry run checks rows in this many processes (0: one per core), for files of at least this size.
IMPORT_CHECK_PROCESSES = env_int("IMPORT_CHECK_PROCESSES", 0)
IMPORT_CHECK_PARALLEL_FROM_BYTES = env_int("IMPORT_CHECK_PARALLEL_FROM_KB", 2000) * 1000
# Call-center lookups: searches one agent may run in an hour.
CALLCENTER_SEARCHES_PER_HOUR = env_int("CALLCENTER_SEARCHES_PER_HOUR", 120)
# Evidence that an obligation was met (a letter, a confirmation page): the largest file a manager may attach.
OBLIGATION_EVIDENCE_MAX_BYTES = env_int("OBLIGATION_EVIDENCE_MAX_MB", 20) * 1_000_000
# The public notice's self-service check: checks one IP address, and one reference code, may make in an hour.
NOTICE_CHECKS_PER_IP_PER_HOUR = env_int("NOTICE_CHECKS_PER_IP_PER_HOUR", 20)
NOTICE_CHECKS_PER_CODE_PER_HOUR = env_int("NOTICE_CHECKS_PER_CODE_PER_HOUR", 5)
# Where the client's address is, for limits per IP address: REMOTE_ADDR unless a proxy in front says otherwise
# (for example HTTP_X_REAL_IP, when the proxy sets X-Real-IP and clients cannot).
RATELIMIT_IP_META_KEY = env_str("RATELIMIT_IP_META_KEY", "") or None

# Exports of personal data: files of more rows than this need a second person's approval; a download link
# works once, for this many minutes after it is ready.
EXPORT_APPROVAL_ROWS = env_int("EXPORT_APPROVAL_ROWS", 1000)
EXPORT_LINK_SECONDS = env_int("EXPORT_LINK_MINUTES", 30) * 60
# Single letters one person may export in a day before each further one waits for a second person's approval.
EXPORT_SINGLE_LETTERS_PER_DAY = env_int("EXPORT_SINGLE_LETTERS_PER_DAY", 20)
# Identifiers encrypted at rest (dates of birth, external IDs, phone numbers, email addresses; see
# portal.lib.fieldcrypt). FIELD_ENCRYPTION_KEYS: comma-separated "<id>:<base64 32-byte key>", the newest first;
# older keys stay listed until `rotate_field_keys` has finished. FIELD_LOOKUP_KEY: the base64 32-byte key of the
# hashes that find a value by exact match. With DEBUG on, both default to keys derived from SECRET_KEY.
FIELD_ENCRYPTION_KEYS = env_str("FIELD_ENCRYPTION_KEYS")
FIELD_LOOKUP_KEY = env_str("FIELD_LOOKUP_KEY")
if DEBUG:
    FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or "dev:" + _derived_key("field-encryption")
    FIELD_LOOKUP_KEY = FIELD_LOOKUP_KEY or _derived_key("field-lookup")
else:
    require("FIELD_ENCRYPTION_KEYS", FIELD_ENCRYPTION_KEYS, "set it to <id>:<base64 key> (README, Configuration)")
    require("FIELD_LOOKUP_KEY", FIELD_LOOKUP_KEY, "set it to a base64 key of its own (README, Configuration)")
# A malformed key stops start-up here rather than failing the first request that reads a sealed value.
if decode_key("FIELD_LOOKUP_KEY", FIELD_LOOKUP_KEY) in parse_keys(FIELD_ENCRYPTION_KEYS).values():
    raise ImproperlyConfigured("FIELD_LOOKUP_KEY must be a key of its own, not one of FIELD_ENCRYPTION_KEYS")
# Retention: a closed incident's personal data may be purged (purge_incident) this many days after closing.
PURGE_AFTER_DAYS = env_int("PURGE_AFTER_DAYS", 365)

# Letters. Positions in inches from the paper's top-left corner; the windows
# are those of the envelope (a standard #10 double window), and text stays
# LETTER_LAYOUT["clearance"] inside them so a letter that shifts in the
# envelope still shows the whole address. Another envelope or print house is
# a change here.
LETTER_LAYOUT: dict[str, object] = {
    "return_window": {"left": 0.625, "top": 0.5, "width": 3.125, "height": 0.875},
    "recipient_window": {"left": 0.75, "top": 2.0, "width": 4.5, "height": 1.125},
    "clearance": 0.1,
    "logo": {"left": 5.9, "top": 0.5, "height": 0.7},
    "margins": {"top": 0.75, "right": 0.85, "bottom": 0.85, "left": 0.85},
    "date_top": 3.3,  # date and reference code, right-aligned
    "opening_top": 3.7,  # the title, whom the letter is about, and the salutation
    "first_page_body_top": 4.55,  # where the author's text starts on the first page
    "footer_bottom": 0.45,
}
LETTER_PART_SIZE = env_int("LETTER_PART_SIZE", 2000)  # letters per print file
LETTER_CHUNK_SIZE = env_int("LETTER_CHUNK_SIZE", 100)  # letters one worker task renders
# Claimed background work (portal/lib/claims.py): a step whose worker said nothing for the silence is handed to
# another; beat sweeps for such steps this often; a step no worker took (a lost message) is sent again.
CLAIM_SILENCE_SECONDS = env_int("CLAIM_SILENCE_SECONDS", 60)
CLAIM_SWEEP_SECONDS = env_int("CLAIM_SWEEP_SECONDS", 30)
CLAIM_UNTAKEN_SECONDS = env_int("CLAIM_UNTAKEN_SECONDS", 300)
for _name, _value in [("CLAIM_SILENCE_SECONDS", CLAIM_SILENCE_SECONDS), ("CLAIM_SWEEP_SECONDS", CLAIM_SWEEP_SECONDS),
                      ("CLAIM_UNTAKEN_SECONDS", CLAIM_UNTAKEN_SECONDS)]:  # fmt: skip
    if _value < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1 second, got {_value}")
# Rendering is CPU-heavy: it has its own queue, so workers for it can be added apart.
# Both queues are declared, so that a purge (as the test suite does first) empties both.
CELERY_TASK_QUEUES = (Queue("celery"), Queue("letters"))
CELERY_TASK_ROUTES = {
    "notifications.tasks.render_letter_chunk": {"queue": "letters"},
    "notifications.tasks.assemble_letter_batch": {"queue": "letters"},
    "notifications.tasks.assemble_letter_part": {"queue": "letters"},
    "notifications.tasks.finish_letter_batch": {"queue": "letters"},
}
OBLIGATION_DIGEST_HOUR = env_int("OBLIGATION_DIGEST_HOUR", 7)  # local time (TIME_ZONE)
# The audit trail's head leaves the portal this often (audit.heads): a line appended to AUDIT_HEAD_LOG (put it
# on write-once storage), and an e-mail to every auditor and to AUDIT_HEAD_RECIPIENTS.
AUDIT_HEAD_SECONDS = env_int("AUDIT_HEAD_MINUTES", 60) * 60
AUDIT_HEAD_RECIPIENTS = env_list("AUDIT_HEAD_RECIPIENTS")
for _address in AUDIT_HEAD_RECIPIENTS:
    if "@" not in _address:
        raise ImproperlyConfigured(f"AUDIT_HEAD_RECIPIENTS must list e-mail addresses, got {_address!r}")
AUDIT_HEAD_LOG = env_str("AUDIT_HEAD_LOG", str(VAR_DIR / "audit-heads.log"))
if AUDIT_HEAD_SECONDS <= 0:
    raise ImproperlyConfigured("AUDIT_HEAD_MINUTES must be at least 1")
CELERY_BEAT_SCHEDULE = {
    "sweep-letter-batches": {"task": "notifications.tasks.sweep_letter_batches", "schedule": CLAIM_SWEEP_SECONDS},
    "sweep-import-jobs": {"task": "people.tasks.sweep_import_jobs", "schedule": CLAIM_SWEEP_SECONDS},
    "sweep-trail-checks": {"task": "audit.tasks.sweep_trail_checks", "schedule": CLAIM_SWEEP_SECONDS},
    "publish-audit-head": {"task": "audit.tasks.publish_audit_head", "schedule": AUDIT_HEAD_SECONDS},
    "obligation-digests": {
        "task": "regulators.tasks.send_obligation_digests",
        "schedule": crontab(hour=OBLIGATION_DIGEST_HOUR, minute=0),
    },
}
CELERY_TIMEZONE = TIME_ZONE
# Links in e-mails: the address people reach the portal at.
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000")

FILE_UPLOAD_TEMP_DIR = str(VAR_DIR / "tmp")
(VAR_DIR / "tmp").mkdir(parents=True, exist_ok=True)

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Email: SMTP when EMAIL_HOST is set; otherwise messages are written to files
# under var/mail, never to the console log, since they may name people.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "breach-portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# Passwords, cookies, HTTPS and headers, the content security policy, the second factor, failed sign-ins.
from portal.settings.security import *  # noqa: E402, F403

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "portal.middleware.RequestIdLogFilter"},
        "refusals_in_one_line": {"()": "portal.middleware.RefusalLogFilter"},
        "no_query_string": {"()": "portal.middleware.QueryStringLogFilter"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id", "refusals_in_one_line"],
        },
        "requests": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id", "no_query_string"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Django logs a rejected request's full path; paths carry no personal
    # data here, but request bodies never reach a log.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The PDF renderer narrates every page at INFO; its warnings name only template URLs and CSS.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},  # announces its C++ logger at INFO in every process
        "axes": {"level": "WARNING"},  # an INFO line for every sign-in
        # The development server's request lines, through the filter that drops query strings.
        "django.server": {"handlers": ["requests"], "level": "INFO", "propagate": False},
    },
}
