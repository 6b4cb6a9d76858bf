"""A request id for every request, carried into logs and audit events."""

import logging
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.utils.cache import add_never_cache_headers
from django.utils.deprecation import MiddlewareMixin

from portal.lib.request_id import current_request_id

# A proxy's id is kept only when the proxy is trusted (TRUST_X_REQUEST_ID)
# and the value looks like an id, so a client cannot choose what the audit
# trail records.
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "") if settings.TRUST_X_REQUEST_ID else ""
        request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
        token = current_request_id.set(request_id)
        request.META["portal.request_id"] = request_id  # for the log line Django writes after this returns
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class MethodNotAllowedPageMiddleware(MiddlewareMixin):
    """A GET to a POST-only address gets a page that says so, not a blank one."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.status_code == 405 and not response.content:
            page = render(request, "405.html", status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response


class HtmxSignInRedirectMiddleware(MiddlewareMixin):
    """When a session ends during htmx polling, send the whole page to sign-in.

    Otherwise htmx follows the redirect itself and swaps the sign-in form
    into the middle of the page.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        location = response.get("Location", "")
        if (
            request.headers.get("HX-Request")
            and response.status_code == 302
            and location.startswith((resolve_url(settings.LOGIN_URL), "/accounts/"))
        ):
            page = HttpResponse(status=204)
            page["HX-Redirect"] = location
            return page
        return response


class NoStoreMiddleware(MiddlewareMixin):
    """Nothing the portal's pages show is kept in a browser's or a proxy's cache: a page may name a person,
    and a shared computer's history must not bring it back after sign-out. Static files are served
    before this, with their own long cache lifetimes."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response


class RequestIdLogFilter(logging.Filter):
    """Each line names its request. Django logs a 404 after the middleware has returned, so the id is
    also read from the request the record carries."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        carried = request.META.get("portal.request_id", "") if isinstance(request, HttpRequest) else ""
        record.request_id = current_request_id.get() or carried or "-"
        return True


class RefusalLogFilter(logging.Filter):
    """A refused request (403, 404, 405, 400) is one line an operator reads: Django attaches the exception
    it refused with (a PermissionDenied's traceback) to the record; only server errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info, record.exc_text = None, None
        return True


class QueryStringLogFilter(logging.Filter):
    """The development server logs each request line; its query string can carry a screen-pop's phone number."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            line = record.args[0]
            if "?" in line:
                path, _, rest = line.partition("?")
                protocol = rest.rpartition(" ")[2] if " " in rest else ""
                record.args = (f"{path} {protocol}".rstrip(), *record.args[1:])
        return True
