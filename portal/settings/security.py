"""Security settings, read from the environment as base.py reads its own: passwords, cookies, HTTPS and
headers, the content security policy, the second factor and failed sign-ins. base.py takes them all in.
"""

from datetime import timedelta

from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF

from portal.lib.env import env_bool, env_int, env_list, env_str

_DEBUG = env_bool("DEBUG", False)  # as base.py reads it: off means HTTPS, Secure cookies and HSTS by default

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Security. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=true.
# Sessions end after SESSION_IDLE_MINUTES without a request the user made (background polling does not
# count) and SESSION_MAX_HOURS after sign-in, whichever comes first (accounts.sessions.SessionLimitsMiddleware).
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_MINUTES", 15) * 60
SESSION_MAX_SECONDS = env_int("SESSION_MAX_HOURS", 12) * 3600
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS
SESSION_ENGINE = "accounts.session_store"  # Django's database sessions, an update in one statement
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not _DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not _DEBUG)
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# Over HTTPS the cookies take the __Host- prefix: the browser then keeps them only when they are Secure,
# set by this host itself and for the whole site, so a neighbouring subdomain cannot plant one.
if SESSION_COOKIE_SECURE:
    SESSION_COOKIE_NAME = "__Host-sessionid"
if CSRF_COOKIE_SECURE:
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not _DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if _DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not _DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not _DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Scripts, styles, fonts and images from the portal's own static files only: no inline script or style
# (htmx is told not to add its own style element), no plugins, no framing by another site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF],
        "img-src": [CSP_SELF, "data:"],  # USWDS draws its icons from data: URIs in its stylesheet
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
        "base-uri": [CSP_NONE],
        "object-src": [CSP_NONE],
    }
}
# Sign-in: TOTP codes (django-otp) after the password, for every staff account; a code asked again
# before exports, role changes and changes to the second factor when the last was longer ago than this.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Breach Notice Portal")
MFA_REAUTH_SECONDS = env_int("MFA_REAUTH_MINUTES", 10) * 60
# Failed sign-ins (django-axes): AXES_FAILURE_LIMIT failures for one username from one IP address lock that
# pair out for AXES_COOLOFF_MINUTES, the admin's sign-in included. Someone who only knows a username, from
# elsewhere, cannot lock its owner out.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False  # its log lines name the username and address; the audit trail records the failure
AXES_CLIENT_IP_CALLABLE = "portal.lib.client_ip.client_ip"
AXES_USERNAME_FORM_FIELD = "username"
X_FRAME_OPTIONS = "DENY"
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Load balancers probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Keep a proxy's X-Request-ID (else every request gets a fresh id).
TRUST_X_REQUEST_ID = env_bool("TRUST_X_REQUEST_ID", False)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
