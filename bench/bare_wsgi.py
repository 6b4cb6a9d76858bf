"""The portal's WSGI application with, at BARE_PATH, a bare Django view behind Django's default middleware
(the list `startproject` writes), so that bench/lookup.py times both in the same gunicorn, in the same run.

    gunicorn bench.bare_wsgi   (from the repository's root)
"""

from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse
from django.test.utils import override_settings
from django.urls import path

from bench.common import BARE_PATH
from portal.wsgi import application as portal

DEFAULT_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("OK", content_type="text/plain")


urlpatterns = [path(BARE_PATH.strip("/") + "/", bare)]


class _BareHandler(WSGIHandler):
    """Django's own handler, its middleware loaded from the default list and its URLs from this module."""

    def load_middleware(self, is_async: bool = False) -> None:
        with override_settings(MIDDLEWARE=DEFAULT_MIDDLEWARE):
            super().load_middleware(is_async)

    def get_response(self, request: HttpRequest) -> HttpResponse:
        request.urlconf = __name__  # type: ignore[attr-defined]
        return super().get_response(request)  # type: ignore[return-value]


_bare = _BareHandler()


def application(environ, start_response):  # type: ignore[no-untyped-def]
    handler = _bare if environ.get("PATH_INFO") == BARE_PATH else portal
    return handler(environ, start_response)
